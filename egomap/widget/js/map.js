// egomap MapWidget front-end (anywidget ES module; no CDN imports). The
// sources are the modules in this folder; egomap/widget/static/map.js is
// their bundle (see README.md).
//
// Draws the map from the `data` trait as SVG and sends one message per
// completed gesture (pointer up, Enter, a button) to Python, which saves it
// and sends back a fresh snapshot. During a drag only the DOM moves.
// No module-level mutable state: everything of a view lives in the object
// `v` made by render(), which returns a cleanup function. User text is only
// ever set with textContent.
import { HIT, ACK_TIMEOUT_MS, CHECK_MS, px, displayLabel } from "./util.js";
import { skeleton } from "./dom.js";
import { makeDraw } from "./draw.js";
import { makePanels } from "./panels.js";
import { makeInput } from "./input.js";
import { makeExport } from "./exporter.js";
import { makeResources } from "./resources.js";

function render({ model, el }) {
  const ac = new AbortController();
  const listen = (target, type, fn, opts = {}) => target.addEventListener(type, fn, { ...opts, signal: ac.signal });
  const modelHandlers = [];
  const onModel = (name, fn) => {
    model.on(name, fn);
    modelHandlers.push([name, fn]);
  };

  // ---------------------------------------------------------------- view state (per view)
  const dom = skeleton(el);
  const { root, addInput, addRing, addSector, addBtn, tieBtn, undoBtn, redoBtn, modeSel, reviewBtn, svgBtn, pngBtn, status, retryBtn, title, hint, svgRoot, live } = dom;
  const pending = new Map(); // req -> {t0, type, msg}
  const held = new Map(); // alter id -> {x, y, req}: where a dropped marker stays until the snapshot that answers req
  const nodes = new Map(); // alter id -> {g, parts..., alter, x, y}
  const v = {
    model,
    el,
    listen,
    ...dom,
    pending,
    held,
    nodes,
    ties: new Map(), // "a|b" -> line
    adj: new Map(), // alter id -> [[line, end]]
    spokes: new Map(), // alter id -> line from the person
    reqSeq: 0,
    focusDetails: null, // alter id whose details get the focus once drawn (Enter on a person)
    failed: null, // the last gesture that could not be saved (offered again with "Try again")
    disconnected: false, // the kernel is gone (comm closed, or no answer in time): no edit is accepted
    hitR: HIT, // touch target radius in view-box units
    tieMode: false,
    tieFrom: null,
    resStep: false, // the resources step ("Who could help?") is open in this view
    resItem: null, // the resource item it shows (key), chosen in the list
    resActive: null, // the item the list's keyboard focus is on
    showCounts: false, // markers show how many items each person could help with
    liveUpdates: 0, // snapshots of another session's edits received (data.live)
    press: null, // pointer press / drag in progress
    geometryKey: "",
    lastTiesKey: "",
    geometryRev: 0, // bumped when rings or sectors change (marker descriptions name them)
    lastData: null,
    panelFor: null,
    S: null, // the style (egomap.viz.style), from the map_style trait
    MARKER: 18, // marker radius in view-box units (from the style)
    send,
    schedule,
  };
  v.resources = makeResources(v);
  v.draw = makeDraw(v);
  v.panels = makePanels(v);
  const input = (v.input = makeInput(v));
  const exporter = makeExport(v);

  // ---------------------------------------------------------------- messages
  const timers = new Set();
  // Returns the request id, or null when nothing was sent (the kernel is gone).
  function send(msg) {
    if (v.disconnected) {
      lostConnection(true);
      return null;
    }
    const req = ++v.reqSeq + Math.floor(Math.random() * 1e6) * 1000; // unique across views of one model
    pending.set(req, { t0: performance.now(), type: msg.type, msg });
    // no answer in time: the kernel is gone (restarted, shut down) or the page lost it
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (pending.has(req)) lostConnection(true);
    }, ACK_TIMEOUT_MS);
    timers.add(timer);
    showStatus("saving");
    // A gesture goes to Python as a change of the `request` trait: the same
    // path as any anywidget trait change (measured faster here than model.send).
    model.set("request", { ...msg, req });
    model.save_changes();
    return req;
  }

  // Said in words, never shown as saved: the change was not saved, what was typed stays, no edit is accepted.
  function lostConnection(afterEdit) {
    const first = !v.disconnected;
    v.disconnected = true;
    root.classList.add("egomap-disconnected");
    root.dataset.connection = "lost";
    pending.clear();
    held.clear(); // a dropped marker goes back to where the last saved snapshot has it
    v.failed = null;
    retryBtn.hidden = true;
    status.classList.remove("egomap-status-saving", "egomap-status-saved");
    status.classList.add("egomap-status-error", "egomap-status-lost");
    status.setAttribute("role", "alert");
    status.setAttribute("data-status", "lost");
    status.textContent = afterEdit
      ? "Not connected — this change was not saved. Run the cell again to continue."
      : "Not connected — changes can no longer be saved. Run the cell again to continue.";
    if (first || afterEdit) live.textContent = status.textContent;
    schedule();
  }

  function showStatus(s) {
    if (v.disconnected) return;
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
    if (v.disconnected && ack) {
      // an answer after all (a very slow save): the kernel is there; say what it says
      v.disconnected = false;
      root.classList.remove("egomap-disconnected");
      status.classList.remove("egomap-status-lost");
      delete root.dataset.connection;
    }
    if (p && p.type === "add" && !st.startsWith("error") && addInput.value.trim() === p.msg.label) {
      addInput.value = ""; // saved: the name box is free for the next one (kept until then)
    }
    if (p) {
      root.dataset.roundTripMs = (performance.now() - p.t0).toFixed(2);
      root.dataset.ack = String(ack);
      pending.delete(ack);
      if (st.startsWith("error: not saved")) {
        v.failed = p.msg; // a save failure: the gesture can be sent again as it was
      } else if (!st.startsWith("error")) {
        v.failed = null;
      }
      retryBtn.hidden = !v.failed;
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
    if (d && d.live && !v.disconnected) {
      // another session's edit, shown by the periodic check: said politely, focus stays where it is
      v.liveUpdates++;
      root.dataset.liveUpdates = String(v.liveUpdates);
      live.textContent = "Map updated by another session";
    }
    const t = d && [...held.values()].find((h) => h.req === d.ack);
    if (t) {
      root.dataset.snapshotMs = (performance.now() - t.t0).toFixed(2);
      root.dataset.snapshotAck = String(d.ack);
    }
    if (d) for (const [id, h] of held) if (h.req === d.ack) held.delete(id);
    schedule();
  }

  function update() {
    const d = model.get("data");
    v.S = model.get("map_style");
    if (!d || !d.rings || !v.S || !v.S.size) return;
    v.MARKER = px(v.S, "marker");
    const readOnly = model.get("read_only");
    root.classList.toggle("egomap-readonly", readOnly);
    root.classList.toggle("egomap-private", model.get("label_mode") === "hidden");
    const gk = JSON.stringify([d.rings, d.sectors, d.person_label, d.centre, model.get("label_mode")]);
    if (gk !== v.geometryKey) {
      v.geometryKey = gk;
      v.geometryRev++;
      v.draw.drawBackground(d);
      v.draw.drawLegend();
    }
    title.textContent = `${d.map.title} · ${d.alters.length} ${d.alters.length === 1 ? "person" : "people"}`;
    const nLinks = `${d.ties.length} ${d.ties.length === 1 ? "link" : "links"}`;
    const nPeople = `${d.alters.length} ${d.alters.length === 1 ? "person" : "people"}`;
    svgRoot.setAttribute("aria-label", `Network map ${d.map.title} of ${d.map.person}: ${nPeople}, ${nLinks}`);
    v.resources.drawPanel(d, readOnly); // before the markers: it may drop an item the scheme no longer has
    if (!v.press || !v.press.dragging) {
      v.draw.drawAlters(d);
      // the request whose snapshot is now drawn (tests and benchmarks wait on it)
      if (d.ack !== undefined) root.dataset.drawnAck = String(d.ack);
    }
    v.lastData = d;
    const selected = model.get("selected");
    for (const [id, n] of nodes) {
      n.g.classList.toggle("egomap-selected", id === selected);
      n.g.classList.toggle("egomap-tie-from", id === v.tieFrom);
    }
    modeSel.value = model.get("label_mode");
    undoBtn.disabled = !model.get("can_undo") || v.disconnected;
    redoBtn.disabled = !model.get("can_redo") || v.disconnected;
    for (const b of [addBtn, tieBtn, reviewBtn]) b.disabled = v.disconnected;
    reviewBtn.hidden = !d.map.copied_from;
    tieBtn.setAttribute("aria-pressed", String(v.tieMode));
    tieBtn.classList.toggle("egomap-on", v.tieMode);
    root.classList.toggle("egomap-tie-mode", v.tieMode);
    hint.textContent = hintText(readOnly);
    v.panels.drawDetails(d, selected, readOnly);
    fitDetails();
    v.panels.drawReview(d, readOnly);
    if (v.focusDetails && v.focusDetails === selected && v.panelFor === selected) {
      // Enter on a person: focus goes on into their details (Esc brings it back)
      v.focusDetails = null;
      const first = v.details.querySelector("[data-field]");
      if (first) (first.tagName === "FIELDSET" ? first.querySelector("input") : first).focus();
    } else if (v.focusDetails && v.focusDetails !== selected && selected) {
      v.focusDetails = null;
    }
  }

  // The line under the title: what a click, a tap or a key does now.
  function hintText(readOnly) {
    if (readOnly) return "";
    if (v.resStep) {
      return v.resItem
        ? "Click or tap the people who could help (again to take them off). Keyboard: Tab to a person, Enter. Esc or Done to finish."
        : "Choose an item in the list “Who could help?” (arrows, Enter), then the people who could help.";
    }
    if (v.tieMode) {
      if (!v.tieFrom) return "Link people: choose one person, then another who knows them.";
      const from = nodes.get(v.tieFrom);
      return `Now choose who ${from ? displayLabel(from.alter, model.get("label_mode")) : ""} knows (again to remove the link). Esc to stop.`;
    }
    return "Drag people to move them. Keyboard: Tab to a person, arrows move them, Enter opens details (Esc back), Delete removes.";
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

  // ---------------------------------------------------------------- live updates
  // About once a second each view asks Python "anything new?" (another session's
  // edit). Not a gesture: no request id, no pending entry, no ack timeout, so it
  // is never shown as saving nor taken as a sign of life; Python answers only with
  // a new snapshot (data.live), and only when the map changed. During a drag the
  // snapshot is kept and drawn right after the drop (see update()).
  const checker = setInterval(() => {
    if (v.disconnected || (el.ownerDocument && el.ownerDocument.hidden)) return;
    try {
      model.send({ type: "check" });
    } catch (e) {
      stopChecking(); // the channel is gone: the next gesture says so (lost-kernel message)
    }
  }, CHECK_MS);
  root.dataset.checking = "on";
  function stopChecking() {
    clearInterval(checker);
    root.dataset.checking = "off";
  }

  // ---------------------------------------------------------------- wiring
  function addFromInput() {
    const label = addInput.value.trim();
    if (!label) {
      addInput.focus();
      return;
    }
    // the name stays in the box until Python says it is saved (a lost kernel must not lose it)
    send({ type: "add", label, ring: Number(addRing.value), sector: addSector.value });
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
    v.tieMode = !v.tieMode;
    v.tieFrom = null;
    if (v.tieMode) v.resStep = false; // one step at a time
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
  listen(svgBtn, "click", () => exporter.download(new Blob([exporter.exportSvgText()], { type: "image/svg+xml" }), exporter.fileName("svg")));
  listen(pngBtn, "click", exporter.exportPng);
  listen(svgRoot, "pointerdown", input.onSvgPointerDown);
  listen(svgRoot, "pointermove", input.onPointerMove);
  listen(svgRoot, "pointerup", input.onPointerUp);
  listen(svgRoot, "pointercancel", input.onPointerCancel);
  listen(svgRoot, "lostpointercapture", (e) => {
    // capture is released after pointerup (press is already cleared then); losing it
    // in the middle of a gesture is treated as a cancel, so no drag is left hanging
    if (v.press && e.pointerId === v.press.id) input.onPointerCancel(e);
  });
  listen(retryBtn, "click", () => {
    if (!v.failed) return;
    const msg = v.failed;
    v.failed = null;
    retryBtn.hidden = true;
    send(msg);
  });
  listen(root, "keydown", input.onRootKey);

  // Beside the map, the details are never taller than it (they scroll; the page does not): on a
  // laptop every control stays next to the map. Under the map (a narrow window) they take their room.
  function fitDetails() {
    const c = svgRoot.getBoundingClientRect();
    const beside = dom.details.parentElement.getBoundingClientRect().left >= c.right - 1;
    const cap = beside && c.height >= 240 ? Math.floor(c.height) : 0;
    dom.details.style.maxHeight = cap ? `${cap}px` : "";
    dom.details.classList.toggle("egomap-capped", cap > 0 && dom.details.scrollHeight > cap + 1);
  }

  let resizeObserver = null;
  if (typeof ResizeObserver !== "undefined") {
    resizeObserver = new ResizeObserver(() => {
      input.fitHit();
      fitDetails();
    });
    resizeObserver.observe(svgRoot);
  }

  onModel("change:data", onData);
  for (const name of ["label_mode", "read_only", "selected", "reviewing", "can_undo", "can_redo"]) {
    onModel(`change:${name}`, schedule);
  }
  onModel("change:ack", onAck);
  onModel("change:status", () => showStatus(pending.size ? "saving" : model.get("status")));
  onModel("comm:close", () => {
    // the kernel closed the widget's channel
    stopChecking();
    lostConnection(pending.size > 0);
  });

  showStatus(model.get("status") || "saved");
  update();

  return () => {
    stopChecking();
    ac.abort();
    for (const t of timers) clearTimeout(t);
    if (resizeObserver) resizeObserver.disconnect();
    for (const [name, fn] of modelHandlers) model.off(name, fn);
    root.remove();
  };
}

export default { render };
