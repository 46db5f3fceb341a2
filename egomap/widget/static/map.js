// egomap MapWidget front-end (anywidget ES module; no bundler, no CDN imports).
//
// Draws the map from the `data` trait as SVG and sends one message per
// completed gesture (pointer up, Enter, a button) to Python, which saves it
// and sends back a fresh snapshot. During a drag only the DOM moves.
// No module-level mutable state: everything lives inside render(), which
// returns a cleanup function. User text is only ever set with textContent.

const SVGNS = "http://www.w3.org/2000/svg";
const VIEW = 1060; // view box width (map centred on 0, 0) -- as egomap/widget/render.py
const VIEW_HEIGHT = 880;
const MAP_RADIUS = 350; // outer edge in view-box units
const HIT = 36; // touch target radius in view-box units (grown on a small screen, see fitHit)
const MIN_TARGET_PX = 44; // smallest touch target, in CSS pixels
const DRAG_THRESHOLD = 4; // px before a press becomes a drag
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
// The look (colours, sizes as fractions of the map radius, marker shapes,
// dashes, glyphs, the key) is egomap.viz.style, sent once by Python as the
// `style` trait, so the widget, the figures and the change view draw the
// same picture. Nothing of it is repeated here. The details form is built
// from the `fields` trait (egomap.fields.describe()), by field type.
const KIND_WORDS = { person: "", group: "group", organisation: "organisation", online: "online", pet: "pet" };

function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function html(tag, attrs = {}, text = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, String(v));
  }
  if (text !== null) e.textContent = text;
  return e;
}

function xy(angle, radius) {
  const t = (angle * Math.PI) / 180;
  return [radius * MAP_RADIUS * Math.sin(t), -radius * MAP_RADIUS * Math.cos(t)];
}

function polar(x, y) {
  const angle = ((Math.atan2(x, -y) * 180) / Math.PI + 360) % 360;
  return { angle, radius: Math.hypot(x, y) / MAP_RADIUS };
}

function px(S, key) {
  return S.size[key] * MAP_RADIUS;
}

function valenceOf(S, v) {
  return S.valence[v] || S.valence.unknown;
}

function dashAttr(attrs, dash, width) {
  if (dash && dash.length) attrs["stroke-dasharray"] = dash.map((d) => +(d * width).toFixed(2)).join(" ");
  return attrs;
}

function shape(S, kind, s, attrs) {
  const m = S.markers[kind] || S.markers.person;
  if (!m.points.length) return svg("circle", { cx: 0, cy: 0, r: +s.toFixed(2), ...attrs });
  return svg("polygon", { points: m.points.map((p) => p.map((v) => (v * s).toFixed(1)).join(",")).join(" "), ...attrs });
}

// Rough width of bold sans-serif text: the same estimate as egomap.viz.style.text_width.
function textWidth(text, size) {
  let narrow = 0;
  let wide = 0;
  for (const c of text) {
    if ("iljtfrI1.,:;!' |".includes(c)) narrow++;
    if ("mwMW@%".includes(c)) wide++;
  }
  return size * (0.64 * [...text].length - 0.32 * narrow + 0.3 * wide);
}

function overlap(a, b) {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

const CANDIDATES = [["below", 0], ["above", 0], ["right", 0], ["left", 0], ["below", 0.6], ["below", -0.6], ["above", 0.6], ["above", -0.6], ["below2", 0], ["above2", 0]];

// Label centres so that labels of close markers do not overlap: the same
// deterministic step as egomap.viz.style.place_labels (first free candidate
// place: below, above, right, left, diagonals, further out; else least overlap).
function placeLabels(points, sizes, marker, gap, obstacles) {
  const boxes = points.map(([x, y]) => [x - marker, y - marker, x + marker, y + marker]).concat(obstacles);
  return points.map(([x, y], i) => {
    const [w, h] = sizes[i];
    if (w <= 0 || h <= 0) return [x, y + marker + gap];
    let best = null;
    let bestOverlap = Infinity;
    for (const [side, shift] of CANDIDATES) {
      const dy = marker + gap + h / 2;
      let cx = x;
      let cy = y;
      if (side === "below") [cx, cy] = [x + shift * w, y + dy];
      else if (side === "above") [cx, cy] = [x + shift * w, y - dy];
      else if (side === "below2") cy = y + dy + h;
      else if (side === "above2") cy = y - dy - h;
      else if (side === "right") cx = x + marker + gap + w / 2;
      else cx = x - marker - gap - w / 2;
      const box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
      let o = 0;
      boxes.forEach((b, j) => {
        if (j !== i) o += overlap(box, b);
      });
      if (o < bestOverlap - 1e-9) {
        best = [cx, cy];
        bestOverlap = o;
      }
      if (o <= 0) break;
    }
    boxes.push([best[0] - w / 2, best[1] - h / 2, best[0] + w / 2, best[1] + h / 2]);
    return best;
  });
}

function wrap(text, width = 14) {
  if (text.length <= width || !text.includes(" ")) return [text];
  let cut = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === " " && (cut < 0 || Math.abs(i - text.length / 2) < Math.abs(cut - text.length / 2))) cut = i;
  }
  return [text.slice(0, cut), text.slice(cut + 1)];
}

// the person in the centre: no name in big type with initials or numbers only
function personText(d, mode) {
  if (mode === "initials") return d.person_initials || "";
  if (mode === "hidden") return "";
  return d.person_label;
}

function displayLabel(a, mode) {
  if (mode === "initials") return a.initials;
  if (mode === "hidden") return String(a.n);
  return a.label;
}

function render({ model, el }) {
  const ac = new AbortController();
  const listen = (target, type, fn, opts = {}) => target.addEventListener(type, fn, { ...opts, signal: ac.signal });
  const modelHandlers = [];
  const onModel = (name, fn) => {
    model.on(name, fn);
    modelHandlers.push([name, fn]);
  };

  // ---------------------------------------------------------------- view state (per view)
  let reqSeq = 0;
  const pending = new Map(); // req -> {t0, type, msg}
  const held = new Map(); // alter id -> {x, y, req}: where a dropped marker stays until the snapshot that answers req
  let failed = null; // the last gesture that could not be saved (offered again with "Try again")
  let hitR = HIT; // touch target radius in view-box units
  let tieMode = false;
  let tieFrom = null;
  let press = null; // pointer press / drag in progress
  let geometryKey = "";
  let lastTiesKey = "";
  let geometryRev = 0; // bumped when rings or sectors change (marker descriptions name them)
  let lastData = null;
  let panelFor = null;
  const nodes = new Map(); // alter id -> {g, parts..., alter, x, y}
  const ties = new Map(); // "a|b" -> line
  const adj = new Map(); // alter id -> [[line, end]]
  const spokes = new Map(); // alter id -> line from the person
  let S = null; // the style (egomap.viz.style), from the style trait
  let MARKER = 18; // marker radius in view-box units (from the style)

  // ---------------------------------------------------------------- skeleton
  const root = html("div", { class: "egomap-root", "data-lm-suppress-shortcuts": "true", "data-p-suppress-shortcuts": "true" });
  const bar = html("div", { class: "egomap-toolbar", role: "toolbar", "aria-label": "Map tools" });
  const addInput = html("input", {
    class: "egomap-add-input",
    type: "text",
    placeholder: "Type a name, press Enter",
    "aria-label": "Name of someone to add",
    maxlength: "80",
  });
  const addRing = html("select", { class: "egomap-add-ring", "aria-label": "Circle for the new person" });
  const addSector = html("select", { class: "egomap-add-sector", "aria-label": "Sector for the new person" });
  const addBtn = html("button", { class: "egomap-btn egomap-add-btn", type: "button" }, "Add");
  const tieBtn = html("button", { class: "egomap-btn egomap-tie-btn", type: "button", "aria-pressed": "false" }, "Link people");
  const undoBtn = html("button", { class: "egomap-btn egomap-undo", type: "button", title: "Undo (Ctrl+Z)" }, "↶ Undo");
  const redoBtn = html("button", { class: "egomap-btn egomap-redo", type: "button", title: "Redo (Ctrl+Shift+Z)" }, "↷ Redo");
  const modeSel = html("select", { class: "egomap-label-mode", "aria-label": "How names show" });
  for (const [v, t] of [["names", "Names"], ["initials", "Initials"], ["hidden", "Numbers only"]]) {
    modeSel.append(html("option", { value: v }, t));
  }
  const reviewBtn = html("button", { class: "egomap-btn egomap-review-btn", type: "button" }, "Review changes");
  const svgBtn = html("button", { class: "egomap-btn egomap-export-svg", type: "button" }, "Save SVG");
  const pngBtn = html("button", { class: "egomap-btn egomap-export-png", type: "button" }, "Save PNG");
  const status = html("span", { class: "egomap-status", role: "status", "aria-live": "polite" });
  const retryBtn = html("button", { class: "egomap-btn egomap-retry", type: "button", hidden: "" }, "Try again");
  const addGroup = html("div", { class: "egomap-add" });
  addGroup.append(addInput, addRing, addSector, addBtn);
  const editTools = html("div", { class: "egomap-tools egomap-edit-tools" });
  editTools.append(tieBtn, undoBtn, redoBtn, reviewBtn);
  const viewTools = html("div", { class: "egomap-tools" });
  viewTools.append(modeSel, svgBtn, pngBtn, status, retryBtn);
  bar.append(addGroup, editTools, viewTools);

  const title = html("div", { class: "egomap-title" });
  const hint = html("div", { class: "egomap-hint" });
  const main = html("div", { class: "egomap-main" });
  const canvas = html("div", { class: "egomap-canvas" });
  const svgRoot = svg("svg", {
    class: "egomap-svg",
    viewBox: `${-VIEW / 2} ${-VIEW_HEIGHT / 2} ${VIEW} ${VIEW_HEIGHT}`,
    role: "group",
    "font-family": FONT,
  });
  const gBg = svg("g", { class: "egomap-bg" });
  const gSpokes = svg("g", { class: "egomap-spokes" });
  const gTies = svg("g", { class: "egomap-ties" });
  const gEgo = svg("g", { class: "egomap-ego" });
  const gAlters = svg("g", { class: "egomap-alters" });
  svgRoot.append(gBg, gSpokes, gTies, gEgo, gAlters);
  canvas.append(svgRoot);
  const panel = html("div", { class: "egomap-panel" });
  const reviewBox = html("section", { class: "egomap-review", "aria-label": "Review" });
  const details = html("section", { class: "egomap-details", "aria-label": "Details" });
  const legend = html("section", { class: "egomap-legend", "aria-label": "Key" });
  panel.append(reviewBox, details, legend);
  main.append(canvas, panel);
  const live = html("div", { class: "egomap-sr-only", "aria-live": "polite" });
  root.append(bar, title, hint, main, live);
  el.append(root);

  // ---------------------------------------------------------------- messages
  function send(msg) {
    const req = ++reqSeq + Math.floor(Math.random() * 1e6) * 1000; // unique across views of one model
    pending.set(req, { t0: performance.now(), type: msg.type, msg });
    showStatus("saving");
    // A gesture goes to Python as a change of the `request` trait: the same
    // path as any anywidget trait change (measured faster here than model.send).
    model.set("request", { ...msg, req });
    model.save_changes();
    return req;
  }

  function showStatus(s) {
    status.classList.remove("egomap-status-error", "egomap-status-saving", "egomap-status-saved");
    status.removeAttribute("role");
    if (s === "saving") {
      status.textContent = "Saving…";
      status.classList.add("egomap-status-saving");
    } else if (s.startsWith("error")) {
      status.textContent = "⚠ " + s.replace(/^error:\s*/, "");
      status.classList.add("egomap-status-error");
      status.setAttribute("role", "alert");
    } else {
      status.textContent = "✓ Saved";
      status.classList.add("egomap-status-saved");
    }
    status.setAttribute("data-status", s.startsWith("error") ? "error" : s);
  }

  // Python answers each gesture first with `ack` + `status` (as soon as the
  // store has committed it, or failed to), then with the new snapshot, whose
  // `data.ack` says which request it already includes.
  function onAck() {
    const ack = model.get("ack");
    const p = pending.get(ack);
    const st = model.get("status") || "saved";
    if (p) {
      root.dataset.roundTripMs = (performance.now() - p.t0).toFixed(2);
      root.dataset.ack = String(ack);
      pending.delete(ack);
      if (st.startsWith("error: not saved")) {
        failed = p.msg; // a save failure: the gesture can be sent again as it was
      } else if (!st.startsWith("error")) {
        failed = null;
      }
      retryBtn.hidden = !failed;
      if (st.startsWith("error")) {
        // nothing changed in the store: a dropped marker goes back at once
        for (const [id, h] of held) if (h.req === ack) held.delete(id);
        schedule();
      }
    }
    showStatus(pending.size ? "saving" : st);
    const said = model.get("last_action");
    if (said && p) live.textContent = said;
    if (st.startsWith("error") && p) live.textContent = status.textContent;
  }

  function onData() {
    const d = model.get("data");
    const p = d && pending.get(d.ack);
    const t = d && [...held.values()].find((h) => h.req === d.ack);
    if (t) {
      root.dataset.snapshotMs = (performance.now() - t.t0).toFixed(2);
      root.dataset.snapshotAck = String(d.ack);
    }
    if (d) for (const [id, h] of held) if (h.req === d.ack) held.delete(id);
    schedule();
  }

  // ---------------------------------------------------------------- drawing
  function drawBackground(d) {
    const R = S.ring;
    gBg.replaceChildren();
    gBg.append(svg("rect", { x: -VIEW / 2, y: -VIEW_HEIGHT / 2, width: VIEW, height: VIEW_HEIGHT, fill: "#FFFFFF" }));
    for (const ring of [...d.rings].reverse()) {
      gBg.append(
        svg("circle", { class: "egomap-ring", cx: 0, cy: 0, r: ring.outer * MAP_RADIUS, fill: R.fills[ring.index % 2], stroke: R.line, "stroke-width": px(S, "ring_line") }),
      );
    }
    if (d.sectors.length > 1) {
      const sw = px(S, "sector_line");
      for (const s of d.sectors) {
        const [x0, y0] = xy(s.start, d.centre);
        const [x1, y1] = xy(s.start, 1);
        gBg.append(svg("line", dashAttr({ x1: x0, y1: y0, x2: x1, y2: y1, stroke: R.sector_line, "stroke-width": sw }, R.sector_dash, sw)));
      }
      const font = px(S, "sector_font");
      for (const s of d.sectors) {
        const [x, y] = xy(s.mid, 1.08);
        const anchor = Math.abs(x) < 0.12 * MAP_RADIUS ? "middle" : x > 0 ? "start" : "end";
        const lines = wrap(s.label);
        const t = svg("text", { class: "egomap-sector-label", "text-anchor": anchor, "font-size": font.toFixed(1), "font-weight": 700, fill: R.text });
        lines.forEach((line, i) => {
          const span = svg("tspan", { x, y: y + 0.35 * font - 0.55 * font * (lines.length - 1) + 1.1 * font * i });
          span.textContent = line;
          t.append(span);
        });
        gBg.append(t);
      }
    }
    const rf = px(S, "ring_font");
    for (const ring of d.rings) {
      const t = svg("text", { class: "egomap-ring-label", x: R.label_x * MAP_RADIUS, y: -((ring.inner + ring.outer) / 2) * MAP_RADIUS + 0.35 * rf, "font-size": rf.toFixed(1), fill: R.ring_text, "font-style": "italic" });
      t.textContent = ring.label;
      gBg.append(t);
    }
    gEgo.replaceChildren();
    gEgo.append(svg("circle", { cx: 0, cy: 0, r: d.centre * MAP_RADIUS, fill: S.ego.fill }));
    const ef = px(S, "ego_font");
    const me = svg("text", { class: "egomap-person", x: 0, y: (0.35 * ef).toFixed(1), "text-anchor": "middle", "font-size": ef.toFixed(1), "font-weight": 700, fill: S.ego.text });
    me.textContent = personText(d, model.get("label_mode"));
    gEgo.append(me);
    // ring / sector choices for adding
    addRing.replaceChildren(...d.rings.map((r) => html("option", { value: r.index }, r.label)));
    addRing.value = String(d.rings.length - 1);
    addSector.replaceChildren(...d.sectors.map((s) => html("option", { value: s.key }, s.label)));
  }

  function ringLabel(d, i) {
    return d.rings[i] ? d.rings[i].label : "";
  }

  function sectorLabel(d, key) {
    const s = d.sectors.find((x) => x.key === key);
    return s ? s.label : key;
  }

  function ariaFor(d, a, mode) {
    const bits = [mode === "names" ? a.label : `Person ${displayLabel(a, mode)}`];
    if (mode === "names" && a.relationship) bits.push(a.relationship);
    if (KIND_WORDS[a.kind]) bits.push(KIND_WORDS[a.kind]);
    if (a.is_professional) bits.push("professional");
    bits.push(ringLabel(d, a.ring), sectorLabel(d, a.sector));
    if (a.valence) bits.push(a.valence);
    return bits.join(", ");
  }

  function buildNode(a) {
    const g = svg("g", { class: "egomap-alter", "data-id": a.id });
    const hit = svg("circle", { class: "egomap-hit", cx: 0, cy: 0, r: hitR.toFixed(1), fill: "transparent" });
    const sel = svg("circle", { class: "egomap-selring", cx: 0, cy: 0, r: MARKER * S.professional.scale + 8, fill: "none", stroke: "#111111", "stroke-width": 3, "stroke-dasharray": "4 3" });
    const lf = px(S, "label_font");
    const label = svg("text", { class: "egomap-label", x: 0, y: MARKER + 24, "text-anchor": "middle", "font-size": lf.toFixed(1), "font-weight": 700, fill: S.label.color, stroke: S.label.halo, "stroke-width": px(S, "label_halo").toFixed(1), "paint-order": "stroke", "stroke-linejoin": "round" });
    const gf = px(S, "glyph_font");
    const glyph = svg("text", { class: "egomap-glyph", x: 0, y: (0.36 * gf).toFixed(1), "text-anchor": "middle", "font-size": gf.toFixed(1), "font-weight": 700 });
    const n = { g, hit, sel, label, glyph, outer: null, body: null, look: "", alter: null, x: 0, y: 0 };
    g.append(hit, sel, label, glyph);
    listen(g, "keydown", (e) => onAlterKey(e, n));
    return n;
  }

  // Returns whether anything about the marker changed (redrawing 150 unchanged
  // markers would keep the page busy for tens of ms after every answer).
  function nodeKey(a, mode, readOnly) {
    const h = held.get(a.id);
    return `${geometryRev}|${mode}|${readOnly}|${h ? `${h.x},${h.y}` : ""}|${JSON.stringify(a)}`;
  }

  function updateNode(d, n, a, mode, readOnly) {
    const h = held.get(a.id);
    const key = nodeKey(a, mode, readOnly);
    if (n.key === key) {
      n.alter = a;
      return false;
    }
    n.key = key;
    const look = `${a.kind}|${a.is_professional}|${a.valence}`;
    if (n.look !== look) {
      n.look = look;
      const v = valenceOf(S, a.valence);
      if (n.outer) n.outer.remove();
      if (n.body) n.body.remove();
      n.outer = a.is_professional
        ? shape(S, a.kind, MARKER * S.professional.scale, { class: "egomap-prof", fill: "#FFFFFF", stroke: S.professional.color, "stroke-width": px(S, "professional_outline").toFixed(2) })
        : null;
      const ow = px(S, "outline");
      n.body = shape(S, a.kind, MARKER, dashAttr({ class: "egomap-body", fill: v.color, stroke: S.status.retained.color, "stroke-width": ow.toFixed(2) }, v.dash, ow));
      n.g.insertBefore(n.body, n.label);
      if (n.outer) n.g.insertBefore(n.outer, n.body);
      n.glyph.textContent = v.glyph;
      n.glyph.setAttribute("fill", v.text);
    }
    const text = displayLabel(a, mode);
    if (n.label.textContent !== text) n.label.textContent = text;
    [n.x, n.y] = h ? [h.x, h.y] : xy(a.angle, a.radius);
    n.g.setAttribute("transform", `translate(${n.x.toFixed(2)} ${n.y.toFixed(2)})`);
    n.g.setAttribute("aria-label", ariaFor(d, a, mode));
    n.g.setAttribute("role", readOnly ? "img" : "button");
    n.g.setAttribute("tabindex", readOnly ? "-1" : "0");
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
    for (const a of d.alters) {
      seen.add(a.id);
      let n = nodes.get(a.id);
      if (!n) {
        n = buildNode(a);
        nodes.set(a.id, n);
      }
      if (updateNode(d, n, a, mode, readOnly)) changed = true;
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
    if (!changed && tiesKey === lastTiesKey) return; // labels, lines to the person and ties are as drawn
    lastTiesKey = tiesKey;
    placeAllLabels(d);
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
        line = svg("line", { class: "egomap-tie", stroke: S.tie.color, "stroke-opacity": S.tie.opacity, "stroke-width": px(S, "tie").toFixed(2), "data-a": a, "data-b": b });
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

  // Boxes around the ring labels up the 12 o'clock line: the same as egomap/widget/render.py ring_label_boxes.
  function ringLabelBoxes(d) {
    const font = px(S, "ring_font");
    const x = Math.round(S.ring.label_x * MAP_RADIUS * 100) / 100;
    return d.rings.map((r) => {
      const y = (-(r.inner + r.outer) / 2) * MAP_RADIUS;
      return [x, y - 0.6 * font, x + 0.9 * textWidth(r.label, font), y + 0.6 * font];
    });
  }

  function placeAllLabels(d) {
    const font = px(S, "label_font");
    const list = d.alters.map((a) => nodes.get(a.id)).filter((n) => n);
    const c = d.centre * MAP_RADIUS * 0.8;
    const centres = placeLabels(
      list.map((n) => [n.x, n.y]),
      list.map((n) => (n.label.textContent ? [textWidth(n.label.textContent, font), font * 1.1] : [0, 0])),
      MARKER * 1.05,
      px(S, "label_gap"),
      [[-c, -c, c, c], ...ringLabelBoxes(d)],
    );
    list.forEach((n, i) => {
      n.label.setAttribute("x", (centres[i][0] - n.x).toFixed(1));
      n.label.setAttribute("y", (centres[i][1] - n.y + 0.35 * font).toFixed(1));
    });
  }

  function spokeEnds(d, x, y) {
    const r = Math.hypot(x, y) || 1;
    const c = d.centre * MAP_RADIUS;
    return { x1: ((x / r) * c).toFixed(2), y1: ((y / r) * c).toFixed(2), x2: x.toFixed(2), y2: y.toFixed(2) };
  }

  function drawSpokes(d) {
    const sw = px(S, "spoke");
    const seen = new Set();
    for (const a of d.alters) {
      const n = nodes.get(a.id);
      if (!n) continue;
      seen.add(a.id);
      const v = valenceOf(S, a.valence);
      let line = spokes.get(a.id);
      if (!line) {
        line = svg("line", { class: "egomap-spoke", "stroke-opacity": S.spoke.opacity, "stroke-width": sw.toFixed(2) });
        spokes.set(a.id, line);
        gSpokes.append(line);
      }
      line.setAttribute("stroke", v.line);
      if (v.dash.length) line.setAttribute("stroke-dasharray", v.dash.map((x) => +(x * sw).toFixed(2)).join(" "));
      else line.removeAttribute("stroke-dasharray");
      for (const [k, val] of Object.entries(spokeEnds(d, n.x, n.y))) line.setAttribute(k, val);
    }
    for (const [id, line] of spokes) {
      if (!seen.has(id)) {
        line.remove();
        spokes.delete(id);
      }
    }
  }

  function update() {
    const d = model.get("data");
    S = model.get("style");
    if (!d || !d.rings || !S || !S.size) return;
    MARKER = px(S, "marker");
    const readOnly = model.get("read_only");
    root.classList.toggle("egomap-readonly", readOnly);
    root.classList.toggle("egomap-private", model.get("label_mode") === "hidden");
    const gk = JSON.stringify([d.rings, d.sectors, d.person_label, d.centre, model.get("label_mode")]);
    if (gk !== geometryKey) {
      geometryKey = gk;
      geometryRev++;
      drawBackground(d);
      drawLegend();
    }
    title.textContent = `${d.map.title} · ${d.alters.length} ${d.alters.length === 1 ? "person" : "people"}`;
    svgRoot.setAttribute("aria-label", `Network map ${d.map.title} of ${d.map.person}: ${d.alters.length} people, ${d.ties.length} links`);
    if (!press || !press.dragging) drawAlters(d);
    lastData = d;
    const selected = model.get("selected");
    for (const [id, n] of nodes) {
      n.g.classList.toggle("egomap-selected", id === selected);
      n.g.classList.toggle("egomap-tie-from", id === tieFrom);
    }
    modeSel.value = model.get("label_mode");
    undoBtn.disabled = !model.get("can_undo");
    redoBtn.disabled = !model.get("can_redo");
    reviewBtn.hidden = !d.map.copied_from;
    tieBtn.setAttribute("aria-pressed", String(tieMode));
    tieBtn.classList.toggle("egomap-on", tieMode);
    root.classList.toggle("egomap-tie-mode", tieMode);
    hint.textContent = readOnly
      ? ""
      : tieMode
        ? tieFrom
          ? `Now choose who ${nodes.get(tieFrom) ? displayLabel(nodes.get(tieFrom).alter, model.get("label_mode")) : ""} knows (again to remove the link). Esc to stop.`
          : "Link people: choose one person, then another who knows them."
        : "Drag people to move them. Keyboard: Tab to a person, arrows move them, Enter shows details, Delete removes.";
    drawDetails(d, selected, readOnly);
    drawReview(d, readOnly);
  }

  let scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      update();
    });
  }

  // ---------------------------------------------------------------- details panel
  // One control per editable field of the vocabulary (egomap.fields.describe()),
  // by type: a text box, a note box, a list of choices ("not said" when the
  // field is optional), a check box, or a set of check boxes. Each control
  // has data-field=<name>.
  function fieldControl(f) {
    const attrs = { "data-field": f.name };
    if (f.type === "label" || f.type === "text") {
      const input = html("input", { type: "text", maxlength: String(f.max_len), ...attrs });
      return { input, box: labelled(f.label, input) };
    }
    if (f.type === "note") {
      const input = html("textarea", { rows: "3", ...attrs });
      return { input, box: labelled(f.label, input) };
    }
    if (f.type === "choice") {
      const input = html("select", attrs);
      if (f.optional) input.append(html("option", { value: "" }, "not said"));
      for (const c of f.choices) input.append(html("option", { value: c }, c));
      return { input, box: labelled(f.label, input) };
    }
    if (f.type === "bool") {
      const input = html("input", { type: "checkbox", ...attrs });
      const box = html("label", { class: "egomap-check" });
      box.append(input, document.createTextNode(" " + f.label));
      return { input, box };
    }
    if (f.type === "set") {
      const input = html("fieldset", { class: "egomap-support", ...attrs });
      input.append(html("legend", {}, f.label));
      for (const c of f.choices) {
        const lab = html("label", { class: "egomap-check" });
        lab.append(html("input", { type: "checkbox", value: c }), document.createTextNode(" " + c));
        input.append(lab);
      }
      return { input, box: input };
    }
    return null;
  }

  // The value a control holds, as the update message sends it.
  function controlValue(f, input) {
    if (f.type === "bool") return input.checked;
    if (f.type === "set") return [...input.querySelectorAll("input:checked")].map((x) => x.value);
    if (f.type === "choice") return input.value || null;
    return input.value;
  }

  function labelled(labelText, input) {
    const wrapEl = html("label", { class: "egomap-field" });
    wrapEl.append(html("span", {}, labelText), input);
    return wrapEl;
  }

  function drawDetails(d, selected, readOnly) {
    const a = d.alters.find((x) => x.id === selected);
    if (!a || readOnly) {
      if (panelFor !== null) {
        details.replaceChildren();
        panelFor = null;
      }
      if (!details.firstChild) details.append(html("p", { class: "egomap-muted" }, readOnly ? "" : "Select someone on the map to see and edit their details."));
      return;
    }
    const active = el.ownerDocument.activeElement;
    if (panelFor === a.id && details.contains(active)) {
      // do not disturb typing; refresh the other fields' values
      syncDetails(a, active);
      return;
    }
    if (panelFor === a.id) {
      syncDetails(a, null);
      return;
    }
    panelFor = a.id;
    const id = a.id;
    const head = html("h3", { class: "egomap-details-title" });
    const form = html("div", { class: "egomap-form" });
    for (const f of model.get("fields") || []) {
      const c = fieldControl(f);
      if (!c) continue;
      form.append(c.box);
      const text = f.type === "label" || f.type === "text" || f.type === "note";
      listen(c.input, "change", () => {
        const value = controlValue(f, c.input);
        const cur = nodes.get(id);
        if (text && (!cur || cur.alter[f.name] === value)) return; // nothing typed
        send({ type: "update", id, fields: { [f.name]: value } });
      });
    }
    const del = html("button", { class: "egomap-btn egomap-delete", type: "button" }, "Remove from map");
    const close = html("button", { class: "egomap-btn egomap-close", type: "button" }, "Close");
    const buttons = html("div", { class: "egomap-row" });
    buttons.append(del, close);
    form.append(buttons);
    details.replaceChildren(head, form);
    syncDetails(a, null);
    listen(del, "click", () => send({ type: "remove", id }));
    listen(close, "click", () => {
      model.set("selected", "");
      model.save_changes();
      const n = nodes.get(id);
      if (n) n.g.focus();
    });
  }

  function syncDetails(a, active) {
    const head = details.querySelector(".egomap-details-title");
    // with initials or numbers only (a projector, a screenshot) the name is not shown in big type
    const mode = model.get("label_mode");
    if (head) head.textContent = mode === "names" ? a.label : mode === "hidden" ? `Person ${a.n}` : a.initials;
    for (const input of details.querySelectorAll("[data-field]")) {
      if (input === active || input.contains(active)) continue;
      const name = input.dataset.field;
      if (input.tagName === "FIELDSET") {
        for (const box of input.querySelectorAll("input")) box.checked = (a[name] || []).includes(box.value);
      } else if (input.type === "checkbox") {
        input.checked = !!a[name];
      } else {
        input.value = a[name] || "";
      }
    }
  }

  // ---------------------------------------------------------------- review
  function drawReview(d, readOnly) {
    reviewBox.replaceChildren();
    const rid = model.get("reviewing");
    const a = rid && d.alters.find((x) => x.id === rid);
    if (readOnly || !a) {
      reviewBox.hidden = true;
      return;
    }
    reviewBox.hidden = false;
    const done = d.alters.filter((x) => x.reviewed).length;
    const mode = model.get("label_mode");
    reviewBox.append(html("h3", {}, `Review: ${done} of ${d.alters.length} done`));
    const q = html("p", { class: "egomap-review-q" });
    const who = html("strong", {}, displayLabel(a, mode));
    q.append(who, document.createTextNode(" — still in your life? Closer or further than before?"));
    reviewBox.append(q);
    const was = a.previous_ring >= 0 ? `Last time: ${ringLabel(d, a.previous_ring)}. ` : "";
    reviewBox.append(html("p", { class: "egomap-muted" }, `${was}Now: ${ringLabel(d, a.ring)}, ${sectorLabel(d, a.sector)}.`));
    const row = html("div", { class: "egomap-row" });
    const acts = [
      ["keep", "Still here, same place"],
      ["closer", "Closer"],
      ["further", "Further"],
      ["remove", "No longer in my life"],
    ];
    for (const [action, text] of acts) {
      const b = html("button", { class: `egomap-btn egomap-review-${action}`, type: "button" }, text);
      if (action === "closer" && a.ring === 0) b.disabled = true;
      if (action === "further" && a.ring === d.rings.length - 1) b.disabled = true;
      listen(b, "click", () => send({ type: "review", id: a.id, action }));
      row.append(b);
    }
    const stop = html("button", { class: "egomap-btn egomap-review-stop", type: "button" }, "Stop review");
    listen(stop, "click", () => send({ type: "review_stop" }));
    row.append(stop);
    reviewBox.append(row);
  }

  // ---------------------------------------------------------------- legend
  function drawLegend() {
    // the key of egomap.viz.style.KEY: the same entries as the figures and the change view
    legend.replaceChildren(html("h3", {}, "Key"));
    const list = html("ul", { class: "egomap-legend-list" });
    for (const e of S.key) {
      const li = html("li");
      const icon = svg("svg", { viewBox: "-40 -36 76 72", width: 34, height: 32, "aria-hidden": "true" });
      if (e.tie) {
        icon.append(svg("line", { x1: -36, y1: 0, x2: 32, y2: 0, stroke: S.tie.color, "stroke-opacity": S.tie.opacity + 0.2, "stroke-width": 5 }));
      } else {
        const v = valenceOf(S, e.valence);
        if (e.spoke) icon.append(svg("line", dashAttr({ x1: -40, y1: 0, x2: 0, y2: 0, stroke: v.line, "stroke-width": 5 }, v.dash, 5)));
        if (e.professional) {
          icon.append(shape(S, e.kind, MARKER * S.professional.scale, { fill: "#FFFFFF", stroke: S.professional.color, "stroke-width": px(S, "professional_outline") }));
        }
        const ow = px(S, "outline");
        const fill = e.valence ? v.color : "#FFFFFF";
        icon.append(shape(S, e.kind, MARKER, dashAttr({ fill, stroke: S.status.retained.color, "stroke-width": ow }, e.valence ? v.dash : [], ow)));
        if (e.valence && v.glyph) {
          const gf = px(S, "glyph_font");
          const g = svg("text", { x: 0, y: 0.36 * gf, "text-anchor": "middle", "font-size": gf, "font-weight": 700, fill: v.text });
          g.textContent = v.glyph;
          icon.append(g);
        }
      }
      li.append(icon, document.createTextNode(" " + e.label));
      list.append(li);
    }
    legend.append(list);
  }

  // ---------------------------------------------------------------- pointer
  function toSvg(e) {
    const m = svgRoot.getScreenCTM();
    if (!m) return [0, 0];
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return [p.x, p.y];
  }

  function moveDom(n, x, y) {
    n.g.setAttribute("transform", `translate(${x.toFixed(2)} ${y.toFixed(2)})`);
    const spoke = spokes.get(n.alter.id);
    if (spoke && lastData) for (const [k, val] of Object.entries(spokeEnds(lastData, x, y))) spoke.setAttribute(k, val);
    const list = adj.get(n.alter.id);
    if (!list) return;
    const xs = x.toFixed(2);
    const ys = y.toFixed(2);
    for (const [line, end] of list) {
      line.setAttribute(end === 1 ? "x1" : "x2", xs);
      line.setAttribute(end === 1 ? "y1" : "y2", ys);
    }
  }

  function onPointerDown(e, n) {
    if (model.get("read_only") || press || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    svgRoot.setPointerCapture(e.pointerId);
    const [sx, sy] = toSvg(e);
    press = { n, id: e.pointerId, cx: e.clientX, cy: e.clientY, dx: n.x - sx, dy: n.y - sy, dragging: false, x: n.x, y: n.y };
    n.g.focus({ preventScroll: true });
  }

  function onPointerMove(e) {
    if (!press || e.pointerId !== press.id) return;
    if (!press.dragging) {
      if (Math.hypot(e.clientX - press.cx, e.clientY - press.cy) < DRAG_THRESHOLD) return;
      press.dragging = true;
      press.n.g.classList.add("egomap-dragging");
      gAlters.append(press.n.g); // draw on top while dragging
    }
    const [sx, sy] = toSvg(e);
    let x = sx + press.dx;
    let y = sy + press.dy;
    const r = Math.hypot(x, y);
    const max = MAP_RADIUS * 1.02;
    if (r > max) {
      x = (x * max) / r;
      y = (y * max) / r;
    }
    press.x = x;
    press.y = y;
    moveDom(press.n, x, y);
  }

  function onPointerUp(e) {
    if (!press || e.pointerId !== press.id) return;
    const p = press;
    press = null;
    p.n.g.classList.remove("egomap-dragging");
    if (svgRoot.hasPointerCapture(e.pointerId)) svgRoot.releasePointerCapture(e.pointerId);
    if (p.dragging) {
      const { angle, radius } = polar(p.x, p.y);
      const req = send({ type: "move", id: p.n.alter.id, angle: Math.round(angle * 1e4) / 1e4, radius: Math.round(radius * 1e5) / 1e5 });
      // the marker stays where it was dropped until the snapshot with the saved position arrives
      held.set(p.n.alter.id, { x: p.x, y: p.y, req, t0: pending.get(req).t0 });
      // It is already drawn there: only put it back in tab order now; labels,
      // lines and the rest are redrawn once, when the saved snapshot arrives.
      restoreOrder(p.n);
      // drawn by hand where it was dropped: nothing to redraw until the snapshot (or a failure) arrives
      p.n.key = nodeKey(p.n.alter, model.get("label_mode"), model.get("read_only"));
    } else {
      choose(p.n);
    }
  }

  function restoreOrder(n) {
    const list = lastData ? lastData.alters : [];
    const i = list.findIndex((a) => a.id === n.alter.id);
    const next = i >= 0 && i + 1 < list.length ? nodes.get(list[i + 1].id) : null;
    gAlters.insertBefore(n.g, next ? next.g : null);
  }

  function onPointerCancel(e) {
    if (!press || e.pointerId !== press.id) return;
    const p = press;
    press = null;
    p.n.g.classList.remove("egomap-dragging");
    if (svgRoot.hasPointerCapture(e.pointerId)) svgRoot.releasePointerCapture(e.pointerId);
    moveDom(p.n, p.n.x, p.n.y); // back where it was: nothing is sent
    schedule();
  }

  function choose(n) {
    const id = n.alter.id;
    if (tieMode) {
      if (!tieFrom) {
        tieFrom = id;
      } else if (tieFrom === id) {
        tieFrom = null;
      } else {
        send({ type: "tie", a: tieFrom, b: id });
        tieFrom = null;
      }
      schedule();
      return;
    }
    model.set("selected", id);
    model.save_changes();
    schedule();
  }

  // ---------------------------------------------------------------- keyboard
  function onAlterKey(e, n) {
    if (model.get("read_only")) return;
    const a = n.alter;
    const d = lastData;
    const si = d.sectors.findIndex((s) => s.key === a.sector);
    let place = null;
    if (e.key === "ArrowUp") place = { ring: Math.max(a.ring - 1, 0), sector: a.sector };
    else if (e.key === "ArrowDown") place = { ring: Math.min(a.ring + 1, d.rings.length - 1), sector: a.sector };
    else if (e.key === "ArrowRight") place = { ring: a.ring, sector: d.sectors[(si + 1) % d.sectors.length].key };
    else if (e.key === "ArrowLeft") place = { ring: a.ring, sector: d.sectors[(si - 1 + d.sectors.length) % d.sectors.length].key };
    if (place) {
      e.preventDefault();
      e.stopPropagation();
      if (place.ring !== a.ring || place.sector !== a.sector) send({ type: "place", id: a.id, ...place });
      return;
    }
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      choose(n);
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      e.stopPropagation();
      const next = n.g.nextElementSibling || n.g.previousElementSibling;
      send({ type: "remove", id: a.id });
      if (next) next.focus();
    }
  }

  function onRootKey(e) {
    const tag = (e.target.tagName || "").toUpperCase();
    const typing = tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
    const ctrl = e.ctrlKey || e.metaKey;
    if (e.key === "Escape") {
      if (tieFrom || tieMode) {
        tieFrom = null;
        tieMode = false;
        schedule();
      } else if (model.get("selected") && !model.get("read_only")) {
        model.set("selected", "");
        model.save_changes();
      }
      e.stopPropagation();
      return;
    }
    if (!ctrl || typing || model.get("read_only")) {
      if (ctrl || ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Enter", "Delete", "Backspace", " "].includes(e.key)) e.stopPropagation();
      return;
    }
    const k = e.key.toLowerCase();
    if (k === "z" && !e.shiftKey) {
      e.preventDefault();
      e.stopPropagation();
      send({ type: "undo" });
    } else if ((k === "z" && e.shiftKey) || k === "y") {
      e.preventDefault();
      e.stopPropagation();
      send({ type: "redo" });
    }
  }

  // ---------------------------------------------------------------- export
  function exportSvgText() {
    const clone = svgRoot.cloneNode(true);
    for (const x of clone.querySelectorAll(".egomap-hit, .egomap-selring")) x.remove();
    for (const x of clone.querySelectorAll("[tabindex]")) x.removeAttribute("tabindex");
    clone.setAttribute("xmlns", SVGNS);
    clone.setAttribute("width", String(VIEW));
    clone.setAttribute("height", String(VIEW_HEIGHT));
    const t = document.createElementNS(SVGNS, "title");
    t.textContent = lastData ? lastData.map.title : "map";
    clone.insertBefore(t, clone.firstChild);
    return new XMLSerializer().serializeToString(clone);
  }

  function fileName(ext) {
    const d = lastData ? lastData.map : { person: "map", label: "" };
    return `${d.person}-${d.label}`.replace(/[^A-Za-z0-9_-]+/g, "_") + "." + ext;
  }

  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = html("a", { href: url, download: name });
    a.style.display = "none";
    root.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function exportPng() {
    const text = exportSvgText();
    const img = new Image();
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = 2 * VIEW;
      c.height = 2 * VIEW_HEIGHT;
      const g = c.getContext("2d");
      g.fillStyle = "#FFFFFF";
      g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0, c.width, c.height);
      URL.revokeObjectURL(url);
      c.toBlob((blob) => blob && download(blob, fileName("png")), "image/png");
    };
    img.src = url;
  }

  // ---------------------------------------------------------------- wiring
  function addFromInput() {
    const label = addInput.value.trim();
    if (!label) {
      addInput.focus();
      return;
    }
    send({ type: "add", label, ring: Number(addRing.value), sector: addSector.value });
    addInput.value = "";
    addInput.focus();
  }
  listen(addInput, "keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      e.stopPropagation();
      addFromInput();
    }
  });
  listen(addBtn, "click", addFromInput);
  listen(tieBtn, "click", () => {
    tieMode = !tieMode;
    tieFrom = null;
    schedule();
  });
  listen(undoBtn, "click", () => send({ type: "undo" }));
  listen(redoBtn, "click", () => send({ type: "redo" }));
  listen(reviewBtn, "click", () => send({ type: "review_start" }));
  listen(modeSel, "change", () => {
    model.set("label_mode", modeSel.value);
    model.save_changes();
    schedule();
  });
  listen(svgBtn, "click", () => download(new Blob([exportSvgText()], { type: "image/svg+xml" }), fileName("svg")));
  listen(pngBtn, "click", exportPng);
  // Touch targets overlap when people sit close together: a press goes to the
  // nearest marker within reach, so pressing a marker always picks that one.
  listen(svgRoot, "pointerdown", (e) => {
    const [sx, sy] = toSvg(e);
    let best = null;
    let bestD = hitR;
    for (const n of nodes.values()) {
      const dd = Math.hypot(n.x - sx, n.y - sy);
      if (dd <= bestD) {
        best = n;
        bestD = dd;
      }
    }
    if (best) onPointerDown(e, best);
  });
  listen(svgRoot, "pointermove", onPointerMove);
  listen(svgRoot, "pointerup", onPointerUp);
  listen(svgRoot, "pointercancel", onPointerCancel);
  listen(svgRoot, "lostpointercapture", (e) => {
    // capture is released after pointerup (press is already cleared then); losing it
    // in the middle of a gesture is treated as a cancel, so no drag is left hanging
    if (press && e.pointerId === press.id) onPointerCancel(e);
  });
  listen(retryBtn, "click", () => {
    if (!failed) return;
    const msg = failed;
    failed = null;
    retryBtn.hidden = true;
    send(msg);
  });
  listen(root, "keydown", onRootKey);

  // Touch targets stay at least 44 CSS px across when the map is drawn small
  // (a narrow notebook column, a phone): the hit circles grow with the scale.
  function fitHit() {
    const m = svgRoot.getScreenCTM();
    const scale = m ? Math.hypot(m.a, m.b) : 0;
    const r = scale > 0 ? Math.max(HIT, MIN_TARGET_PX / 2 / scale + 0.5) : HIT;
    if (Math.abs(r - hitR) < 0.05) return;
    hitR = r;
    for (const n of nodes.values()) n.hit.setAttribute("r", hitR.toFixed(1));
  }
  let resizeObserver = null;
  if (typeof ResizeObserver !== "undefined") {
    resizeObserver = new ResizeObserver(() => fitHit());
    resizeObserver.observe(svgRoot);
  }

  onModel("change:data", onData);
  for (const name of ["label_mode", "read_only", "selected", "reviewing", "can_undo", "can_redo"]) {
    onModel(`change:${name}`, schedule);
  }
  onModel("change:ack", onAck);
  onModel("change:status", () => showStatus(pending.size ? "saving" : model.get("status")));

  showStatus(model.get("status") || "saved");
  update();

  return () => {
    ac.abort();
    if (resizeObserver) resizeObserver.disconnect();
    for (const [name, fn] of modelHandlers) model.off(name, fn);
    root.remove();
  };
}

export default { render };
