// Drawing one view of the map: rings, sectors and the person (background),
// markers with their labels, ties and lines to the person, and the key.
// Everything is redrawn from the snapshot; unchanged markers are left alone.
import { MAP_RADIUS, KIND_WORDS, VIEW, VIEW_HEIGHT, svg, html, xy, px, valenceOf, dashAttr, shape, personText, displayLabel, ringLabel, sectorLabel } from "./util.js";

// The drawing functions of view `v` (see render() in map.js for what `v` holds).
export function makeDraw(v) {
  const { model, listen, held, nodes, ties, adj, spokes, gBg, gSpokes, gTies, gEgo, gAlters, addRing, addSector, legend } = v;

  // ---------------------------------------------------------------- drawing
  function drawBackground(d) {
    const R = v.S.ring;
    gBg.replaceChildren();
    gBg.append(svg("rect", { x: -VIEW / 2, y: -VIEW_HEIGHT / 2, width: VIEW, height: VIEW_HEIGHT, fill: "#FFFFFF" }));
    for (const ring of [...d.rings].reverse()) {
      gBg.append(
        svg("circle", { class: "egomap-ring", cx: 0, cy: 0, r: ring.outer * MAP_RADIUS, fill: R.fills[ring.index % 2], stroke: R.line, "stroke-width": px(v.S, "ring_line") }),
      );
    }
    if (d.sectors.length > 1) {
      const sw = px(v.S, "sector_line");
      for (const s of d.sectors) {
        const [x0, y0] = xy(s.start, d.centre);
        const [x1, y1] = xy(s.start, 1);
        gBg.append(svg("line", dashAttr({ x1: x0, y1: y0, x2: x1, y2: y1, stroke: R.sector_line, "stroke-width": sw }, R.sector_dash, sw)));
      }
      const font = px(v.S, "sector_font");
      for (const s of d.sectors) {
        const [x, y] = xy(s.mid, 1.08);
        const anchor = Math.abs(x) < 0.12 * MAP_RADIUS ? "middle" : x > 0 ? "start" : "end";
        const lines = s.lines || [s.label]; // wrapped by Python (egomap.geometry.wrap)
        const t = svg("text", { class: "egomap-sector-label", "text-anchor": anchor, "font-size": font.toFixed(1), "font-weight": 700, fill: R.text });
        lines.forEach((line, i) => {
          const span = svg("tspan", { x, y: y + 0.35 * font - 0.55 * font * (lines.length - 1) + 1.1 * font * i });
          span.textContent = line;
          if (i > 0) t.append(document.createTextNode(" ")); // read as "Clubs and groups", not "Clubs andgroups"
          t.append(span);
        });
        gBg.append(t);
      }
    }
    const rf = px(v.S, "screen_ring_font");
    for (const ring of d.rings) {
      const t = svg("text", { class: "egomap-ring-label", x: R.label_x * MAP_RADIUS, y: -((ring.inner + ring.outer) / 2) * MAP_RADIUS + 0.35 * rf, "font-size": rf.toFixed(1), fill: R.ring_text, "font-style": "italic" });
      t.textContent = ring.label;
      gBg.append(t);
    }
    gEgo.replaceChildren();
    gEgo.append(svg("circle", { cx: 0, cy: 0, r: d.centre * MAP_RADIUS, fill: v.S.ego.fill }));
    const ef = px(v.S, "ego_font");
    const me = svg("text", { class: "egomap-person", x: 0, y: (0.35 * ef).toFixed(1), "text-anchor": "middle", "font-size": ef.toFixed(1), "font-weight": 700, fill: v.S.ego.text });
    me.textContent = personText(d, model.get("label_mode"));
    gEgo.append(me);
    // ring / sector choices for adding
    addRing.replaceChildren(...d.rings.map((r) => html("option", { value: r.index }, r.label)));
    addRing.value = String(d.rings.length - 1);
    addSector.replaceChildren(...d.sectors.map((s) => html("option", { value: s.key }, s.label)));
  }


  // Who each alter is linked to (alter id -> [alter]), for the descriptions.
  function linksOf(d) {
    const byId = new Map(d.alters.map((a) => [a.id, a]));
    const out = new Map();
    for (const [x, y] of d.ties) {
      if (!byId.has(x) || !byId.has(y)) continue;
      if (!out.has(x)) out.set(x, []);
      if (!out.has(y)) out.set(y, []);
      out.get(x).push(byId.get(y));
      out.get(y).push(byId.get(x));
    }
    return out;
  }

  function ariaFor(d, a, mode, links) {
    const who = (x) => (mode === "names" ? x.label : `person ${displayLabel(x, mode)}`);
    const bits = [mode === "names" ? a.label : `Person ${displayLabel(a, mode)}`];
    if (mode === "names" && a.relationship) bits.push(a.relationship);
    if (KIND_WORDS[a.kind]) bits.push(KIND_WORDS[a.kind]);
    if (a.is_professional) bits.push("professional");
    bits.push(ringLabel(d, a.ring), sectorLabel(d, a.sector));
    if (a.valence) bits.push(a.valence);
    const linked = (links && links.get(a.id)) || [];
    if (linked.length) bits.push(`linked to ${linked.map(who).join(", ")}`);
    bits.push(...v.resources.ariaBits(d, a)); // "could help with <item>" in the resources step
    return bits.join(", ");
  }

  function buildNode(a) {
    const g = svg("g", { class: "egomap-alter", "data-id": a.id });
    const hit = svg("circle", { class: "egomap-hit", cx: 0, cy: 0, r: v.hitR.toFixed(1), fill: "transparent" });
    // selection: a dashed dark ring; keyboard focus: a wider solid blue ring outside it (they look different)
    const sel = svg("circle", { class: "egomap-selring", cx: 0, cy: 0, r: v.MARKER * v.S.professional.scale + 8, fill: "none", stroke: "#111111", "stroke-width": 3, "stroke-dasharray": "4 3" });
    const foc = svg("circle", { class: "egomap-focusring", cx: 0, cy: 0, r: v.MARKER * v.S.professional.scale + 15, fill: "none", stroke: "#0072B2", "stroke-width": 5 });
    const lf = px(v.S, "screen_label_font");
    const label = svg("text", { class: "egomap-label", x: 0, y: v.MARKER + 24, "text-anchor": "middle", "font-size": lf.toFixed(1), "font-weight": 700, fill: v.S.label.color, stroke: v.S.label.halo, "stroke-width": px(v.S, "label_halo").toFixed(1), "paint-order": "stroke", "stroke-linejoin": "round" });
    const gf = px(v.S, "glyph_font");
    const glyph = svg("text", { class: "egomap-glyph", x: 0, y: (0.36 * gf).toFixed(1), "text-anchor": "middle", "font-size": gf.toFixed(1), "font-weight": 700 });
    // a label placed away from its marker (a crowded cell) gets a leader line to it
    const leader = svg("line", { class: "egomap-leader", stroke: v.S.label.color, "stroke-width": 1.5, visibility: "hidden" });
    const n = { g, hit, sel, foc, leader, label, glyph, outer: null, body: null, look: "", alter: null, x: 0, y: 0 };
    g.append(hit, leader, foc, sel, label, glyph);
    listen(g, "keydown", (e) => v.input.onAlterKey(e, n));
    return n;
  }

  // Returns whether anything about the marker changed (redrawing 150 unchanged
  // markers would keep the page busy for tens of ms after every answer).
  function nodeKey(a, mode, readOnly, linked = "") {
    const h = held.get(a.id);
    return `${v.geometryRev}|${mode}|${readOnly}|${h ? `${h.x},${h.y}` : ""}|${linked}|${v.resources.nodeState()}|${JSON.stringify(a)}`;
  }

  function linkedKey(links, a) {
    return ((links && links.get(a.id)) || []).map((x) => `${x.id}:${x.label}`).join(",");
  }

  function updateNode(d, n, a, mode, readOnly, links) {
    const h = held.get(a.id);
    const key = nodeKey(a, mode, readOnly, linkedKey(links, a));
    if (n.key === key) {
      n.alter = a;
      return false;
    }
    n.key = key;
    const scale = a.scale || 1; // markers in a crowded cell are drawn smaller (egomap.widget.render.marker_scales)
    const look = `${a.kind}|${a.is_professional}|${a.valence}|${scale}`;
    if (n.look !== look) {
      n.look = look;
      const val = valenceOf(v.S, a.valence);
      const size = v.MARKER * scale;
      if (n.outer) n.outer.remove();
      if (n.body) n.body.remove();
      n.outer = a.is_professional
        ? shape(v.S, a.kind, size * v.S.professional.scale, { class: "egomap-prof", fill: "#FFFFFF", stroke: v.S.professional.color, "stroke-width": px(v.S, "professional_outline").toFixed(2) })
        : null;
      const ow = px(v.S, "outline");
      n.body = shape(v.S, a.kind, size, dashAttr({ class: "egomap-body", fill: val.color, stroke: v.S.status.retained.color, "stroke-width": ow.toFixed(2) }, val.dash, ow));
      n.g.insertBefore(n.body, n.label);
      if (n.outer) n.g.insertBefore(n.outer, n.body);
      n.glyph.textContent = val.glyph;
      n.glyph.setAttribute("fill", val.text);
      const gf = px(v.S, "glyph_font") * scale;
      n.glyph.setAttribute("font-size", gf.toFixed(1));
      n.glyph.setAttribute("y", (0.36 * gf).toFixed(1));
      n.sel.setAttribute("r", (size * v.S.professional.scale + 8).toFixed(1));
      n.foc.setAttribute("r", (size * v.S.professional.scale + 15).toFixed(1));
    }
    // the resources step's ring and check mark, and the count badge
    v.resources.decorate(n, a, v.MARKER * scale * (a.is_professional ? v.S.professional.scale : 1));
    const text = displayLabel(a, mode);
    if (n.label.textContent !== text) n.label.textContent = text;
    const [ax, ay] = xy(a.angle, a.radius);
    [n.x, n.y] = h ? [h.x, h.y] : [ax, ay];
    // The label goes where the snapshot says (egomap.widget.render.label_places, as the
    // SVG export); a marker held where it was dropped keeps its label's offset.
    const at = (a.labels && a.labels[mode]) || [ax, ay + v.MARKER + 24];
    n.label.setAttribute("x", (at[0] - ax).toFixed(1));
    n.label.setAttribute("y", (at[1] - ay).toFixed(1));
    const lead = (a.leaders && a.leaders[mode]) || [];
    n.leader.setAttribute("visibility", lead.length === 4 ? "visible" : "hidden");
    if (lead.length === 4) {
      n.leader.setAttribute("x1", (lead[0] - ax).toFixed(1));
      n.leader.setAttribute("y1", (lead[1] - ay).toFixed(1));
      n.leader.setAttribute("x2", (lead[2] - ax).toFixed(1));
      n.leader.setAttribute("y2", (lead[3] - ay).toFixed(1));
    }
    n.g.setAttribute("transform", `translate(${n.x.toFixed(2)} ${n.y.toFixed(2)})`);
    n.g.setAttribute("aria-label", ariaFor(d, a, mode, links));
    n.g.setAttribute("role", readOnly ? "img" : "button");
    n.g.setAttribute("tabindex", "0"); // a read-only map is read person by person with Tab too
    n.g.classList.toggle("egomap-reviewed", !!a.reviewed);
    n.alter = a;
    return true;
  }

  function tieKey(a, b) {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  function drawAlters(d) {
    const mode = model.get("label_mode");
    const readOnly = model.get("read_only");
    const seen = new Set();
    let prev = null;
    let changed = false;
    const links = linksOf(d);
    for (const a of d.alters) {
      seen.add(a.id);
      let n = nodes.get(a.id);
      if (!n) {
        n = buildNode(a);
        nodes.set(a.id, n);
      }
      if (updateNode(d, n, a, mode, readOnly, links)) changed = true;
      // keep DOM (and tab) order = the alters' order
      const want = prev ? prev.nextSibling : gAlters.firstChild;
      if (want !== n.g) gAlters.insertBefore(n.g, want);
      prev = n.g;
    }
    for (const [id, n] of nodes) {
      if (!seen.has(id)) {
        n.g.remove();
        nodes.delete(id);
        changed = true;
      }
    }
    const tiesKey = JSON.stringify(d.ties);
    if (!changed && tiesKey === v.lastTiesKey) return; // lines to the person and ties are as drawn
    v.lastTiesKey = tiesKey;
    drawSpokes(d);
    const tseen = new Set();
    adj.clear();
    for (const [a, b] of d.ties) {
      const na = nodes.get(a);
      const nb = nodes.get(b);
      if (!na || !nb) continue;
      const k = tieKey(a, b);
      tseen.add(k);
      let line = ties.get(k);
      if (!line) {
        line = svg("line", { class: "egomap-tie", stroke: v.S.tie.color, "stroke-opacity": v.S.tie.opacity, "stroke-width": px(v.S, "tie").toFixed(2), "data-a": a, "data-b": b });
        ties.set(k, line);
        gTies.append(line);
      }
      line.setAttribute("x1", na.x.toFixed(2));
      line.setAttribute("y1", na.y.toFixed(2));
      line.setAttribute("x2", nb.x.toFixed(2));
      line.setAttribute("y2", nb.y.toFixed(2));
      if (!adj.has(a)) adj.set(a, []);
      if (!adj.has(b)) adj.set(b, []);
      adj.get(a).push([line, 1]);
      adj.get(b).push([line, 2]);
    }
    for (const [k, line] of ties) {
      if (!tseen.has(k)) {
        line.remove();
        ties.delete(k);
      }
    }
  }

  function spokeEnds(d, x, y) {
    const r = Math.hypot(x, y) || 1;
    const c = d.centre * MAP_RADIUS;
    return { x1: ((x / r) * c).toFixed(2), y1: ((y / r) * c).toFixed(2), x2: x.toFixed(2), y2: y.toFixed(2) };
  }

  function drawSpokes(d) {
    const sw = px(v.S, "spoke");
    const seen = new Set();
    for (const a of d.alters) {
      const n = nodes.get(a.id);
      if (!n) continue;
      seen.add(a.id);
      const val = valenceOf(v.S, a.valence);
      let line = spokes.get(a.id);
      if (!line) {
        line = svg("line", { class: "egomap-spoke", "stroke-opacity": v.S.spoke.opacity, "stroke-width": sw.toFixed(2) });
        spokes.set(a.id, line);
        gSpokes.append(line);
      }
      line.setAttribute("stroke", val.line);
      if (val.dash.length) line.setAttribute("stroke-dasharray", val.dash.map((x) => +(x * sw).toFixed(2)).join(" "));
      else line.removeAttribute("stroke-dasharray");
      for (const [k, value] of Object.entries(spokeEnds(d, n.x, n.y))) line.setAttribute(k, value);
    }
    for (const [id, line] of spokes) {
      if (!seen.has(id)) {
        line.remove();
        spokes.delete(id);
      }
    }
  }

  // ---------------------------------------------------------------- legend
  function drawLegend() {
    // the key of egomap.viz.style.KEY: the same entries as the figures and the change view
    legend.replaceChildren(html("h3", {}, "Key"));
    const list = html("ul", { class: "egomap-legend-list" });
    for (const e of v.S.key) {
      const li = html("li");
      const icon = svg("svg", { viewBox: "-40 -36 76 72", width: 34, height: 32, "aria-hidden": "true" });
      if (e.tie) {
        icon.append(svg("line", { x1: -36, y1: 0, x2: 32, y2: 0, stroke: v.S.tie.color, "stroke-opacity": v.S.tie.opacity + 0.2, "stroke-width": 5 }));
      } else {
        const val = valenceOf(v.S, e.valence);
        if (e.spoke) icon.append(svg("line", dashAttr({ x1: -40, y1: 0, x2: 0, y2: 0, stroke: val.line, "stroke-width": 5 }, val.dash, 5)));
        if (e.professional) {
          icon.append(shape(v.S, e.kind, v.MARKER * v.S.professional.scale, { fill: "#FFFFFF", stroke: v.S.professional.color, "stroke-width": px(v.S, "professional_outline") }));
        }
        const ow = px(v.S, "outline");
        const fill = e.valence ? val.color : "#FFFFFF";
        icon.append(shape(v.S, e.kind, v.MARKER, dashAttr({ fill, stroke: v.S.status.retained.color, "stroke-width": ow }, e.valence ? val.dash : [], ow)));
        if (e.valence && val.glyph) {
          const gf = px(v.S, "glyph_font");
          const g = svg("text", { x: 0, y: 0.36 * gf, "text-anchor": "middle", "font-size": gf, "font-weight": 700, fill: val.text });
          g.textContent = val.glyph;
          icon.append(g);
        }
      }
      li.append(icon, document.createTextNode(" " + e.label));
      list.append(li);
    }
    legend.append(list, v.legendExtra); // the resources step's entries (resources.js) below the key
  }

  return { drawBackground, drawAlters, drawLegend, nodeKey, linkedKey, linksOf, spokeEnds };
}
