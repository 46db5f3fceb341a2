// Pointer (mouse, pen, touch) and keyboard gestures on one view. During a
// drag only the DOM moves; one message is sent when the gesture is complete.
import { HIT, MAP_RADIUS, MIN_TARGET_PX, DRAG_THRESHOLD, polar } from "./util.js";

// The input handlers of view `v` (see render() in map.js for what `v` holds).
export function makeInput(v) {
  const { model, nodes, adj, spokes, held, pending, svgRoot, gAlters, send, schedule } = v;

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
    if (spoke && v.lastData) for (const [k, val] of Object.entries(v.draw.spokeEnds(v.lastData, x, y))) spoke.setAttribute(k, val);
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
    if (model.get("read_only") || v.disconnected || v.press || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    svgRoot.setPointerCapture(e.pointerId);
    const [sx, sy] = toSvg(e);
    v.press = { n, id: e.pointerId, cx: e.clientX, cy: e.clientY, dx: n.x - sx, dy: n.y - sy, dragging: false, x: n.x, y: n.y };
    n.g.focus({ preventScroll: true });
  }

  function onPointerMove(e) {
    if (!v.press || e.pointerId !== v.press.id) return;
    if (!v.press.dragging) {
      if (v.resStep) return; // in the resources step a press only chooses: nobody is moved by accident
      if (Math.hypot(e.clientX - v.press.cx, e.clientY - v.press.cy) < DRAG_THRESHOLD) return;
      v.press.dragging = true;
      v.press.n.g.classList.add("egomap-dragging");
      gAlters.append(v.press.n.g); // draw on top while dragging
    }
    const [sx, sy] = toSvg(e);
    let x = sx + v.press.dx;
    let y = sy + v.press.dy;
    const r = Math.hypot(x, y);
    const max = MAP_RADIUS * 1.02;
    if (r > max) {
      x = (x * max) / r;
      y = (y * max) / r;
    }
    v.press.x = x;
    v.press.y = y;
    moveDom(v.press.n, x, y);
  }

  function onPointerUp(e) {
    if (!v.press || e.pointerId !== v.press.id) return;
    const p = v.press;
    v.press = null;
    p.n.g.classList.remove("egomap-dragging");
    if (svgRoot.hasPointerCapture(e.pointerId)) svgRoot.releasePointerCapture(e.pointerId);
    if (p.dragging) {
      const { angle, radius } = polar(p.x, p.y);
      const req = send({ type: "move", id: p.n.alter.id, angle: Math.round(angle * 1e4) / 1e4, radius: Math.round(radius * 1e5) / 1e5 });
      if (req === null) {
        moveDom(p.n, p.n.x, p.n.y); // not sent (no kernel): back where it was
        restoreOrder(p.n);
        return;
      }
      // the marker stays where it was dropped until the snapshot with the saved position arrives
      held.set(p.n.alter.id, { x: p.x, y: p.y, req, t0: pending.get(req).t0 });
      // It is already drawn there: only put it back in tab order now; labels,
      // lines and the rest are redrawn once, when the saved snapshot arrives.
      restoreOrder(p.n);
      // drawn by hand where it was dropped: nothing to redraw until the snapshot (or a failure) arrives
      const links = v.lastData ? v.draw.linksOf(v.lastData) : null;
      p.n.key = v.draw.nodeKey(p.n.alter, model.get("label_mode"), model.get("read_only"), v.draw.linkedKey(links, p.n.alter));
    } else {
      choose(p.n);
    }
  }

  function restoreOrder(n) {
    const list = v.lastData ? v.lastData.alters : [];
    const i = list.findIndex((a) => a.id === n.alter.id);
    const next = i >= 0 && i + 1 < list.length ? nodes.get(list[i + 1].id) : null;
    gAlters.insertBefore(n.g, next ? next.g : null);
  }

  function onPointerCancel(e) {
    if (!v.press || e.pointerId !== v.press.id) return;
    const p = v.press;
    v.press = null;
    p.n.g.classList.remove("egomap-dragging");
    if (svgRoot.hasPointerCapture(e.pointerId)) svgRoot.releasePointerCapture(e.pointerId);
    moveDom(p.n, p.n.x, p.n.y); // back where it was: nothing is sent
    schedule();
  }

  function choose(n) {
    const id = n.alter.id;
    if (v.resStep) {
      v.resources.toggle(n); // could help with the item, or no longer
      return;
    }
    if (v.tieMode) {
      if (!v.tieFrom) {
        v.tieFrom = id;
      } else if (v.tieFrom === id) {
        v.tieFrom = null;
      } else {
        send({ type: "tie", a: v.tieFrom, b: id });
        v.tieFrom = null;
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
    const d = v.lastData;
    if (v.resStep) {
      // the resources step: Enter or Space chooses (or unchooses) a person; nothing moves or is removed
      if (["Enter", " ", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Delete", "Backspace"].includes(e.key)) {
        e.preventDefault();
        e.stopPropagation();
        if (e.key === "Enter" || e.key === " ") choose(n);
      }
      return;
    }
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
      else {
        // at the inner or outer edge: say why nothing moved
        const circle = d.rings[a.ring] ? d.rings[a.ring].label : "";
        v.live.textContent = e.key === "ArrowUp"
          ? `Not moved: already in the ${circle}, the closest circle.`
          : `Not moved: already in the ${circle}, the outermost circle.`;
      }
      return;
    }
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      if (!v.tieMode) v.focusDetails = a.id; // Enter goes on into the details
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
    // Ctrl+Z in a text box undoes typing; on a check box (details, review) it undoes the last edit of the map
    const box = tag === "INPUT" && ["checkbox", "radio"].includes(e.target.type);
    const typing = (tag === "INPUT" && !box) || tag === "TEXTAREA" || tag === "SELECT";
    const ctrl = e.ctrlKey || e.metaKey;
    if (e.key === "Escape") {
      if (v.resStep) {
        v.resources.leave(true); // back to normal editing
      } else if (v.tieFrom || v.tieMode) {
        v.tieFrom = null;
        v.tieMode = false;
        schedule();
      } else if (model.get("selected") && !model.get("read_only")) {
        // back to the person whose details were open
        const n = nodes.get(model.get("selected"));
        model.set("selected", "");
        model.save_changes();
        if (n) n.g.focus();
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

  // Touch targets stay at least 44 CSS px across when the map is drawn small
  // (a narrow notebook column, a phone): the hit circles grow with the scale.
  function fitHit() {
    const m = svgRoot.getScreenCTM();
    const scale = m ? Math.hypot(m.a, m.b) : 0;
    const r = scale > 0 ? Math.max(HIT, MIN_TARGET_PX / 2 / scale + 0.5) : HIT;
    if (Math.abs(r - v.hitR) < 0.05) return;
    v.hitR = r;
    for (const n of nodes.values()) n.hit.setAttribute("r", v.hitR.toFixed(1));
  }

  // Touch targets overlap when people sit close together: a press goes to the
  // nearest marker within reach, so pressing a marker always picks that one.
  function onSvgPointerDown(e) {
    const [sx, sy] = toSvg(e);
    let best = null;
    let bestD = v.hitR;
    for (const n of nodes.values()) {
      const dd = Math.hypot(n.x - sx, n.y - sy);
      if (dd <= bestD) {
        best = n;
        bestD = dd;
      }
    }
    if (best) onPointerDown(e, best);
  }

  return { onSvgPointerDown, onPointerMove, onPointerUp, onPointerCancel, onAlterKey, onRootKey, fitHit };
}
