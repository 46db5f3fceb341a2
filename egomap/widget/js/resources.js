// The resources step of one view ("Who could help?") and the resource counts.
//
// The map's resource scheme and who was chosen for each item come in the
// snapshot (data.resources: scheme domains and items with labels and prompts;
// per item the chosen alter ids, or null for "not asked"); each alter carries
// its effective social capital and how many items it could help with.
// What the step shows (open or not, the item chosen, counts on or off) is
// this view's own state, kept in `v`; every change to the map is one gesture
// sent to Python (`{"type": "resource", item, toggle | alters}`), which saves
// it through Map.set_resource before it answers. Item labels and prompts come
// from a user's scheme file: they are only ever set with textContent.
import { SVGNS, html, svg, displayLabel } from "./util.js";

// The mark of someone chosen for the item: a solid ring plus a check mark (not colour alone).
const CHOSEN_COLOUR = "#00684A";
const BADGE_COLOUR = "#1F2933";

// The resources functions of view `v` (see render() in map.js for what `v` holds).
export function makeResources(v) {
  const { model, listen, nodes, resourceBox, resBtn, countBtn, legendExtra } = v;
  const uid = `egomap-res-${Math.floor(Math.random() * 1e9).toString(36)}`;
  let built = ""; // the scheme the list was built for
  let parts = null; // the list's elements: {list, options: Map(key -> el), item, prompt, who, noneBtn, clearBtn, doneBtn}

  // ---------------------------------------------------------------- reading the snapshot
  function res(d) {
    return (d && d.resources) || { scheme: { domains: [] }, chosen: {} };
  }

  function items(d) {
    return res(d).scheme.domains.flatMap((dom) => dom.items);
  }

  function itemOf(d, key) {
    return items(d).find((it) => it.key === key) || null;
  }

  // Alter ids chosen for `key` (in map order), or null when the item was not asked.
  function chosenFor(d, key) {
    const ids = res(d).chosen[key];
    if (ids === null || ids === undefined) return null;
    const set = new Set(ids);
    return d.alters.filter((a) => set.has(a.id)).map((a) => a.id);
  }

  function nameOf(d, id) {
    const a = d.alters.find((x) => x.id === id);
    return a ? displayLabel(a, model.get("label_mode")) : "";
  }

  // "Mum, Gran" / "no one" / "not asked yet"
  function whoText(d, key) {
    const ids = chosenFor(d, key);
    if (ids === null) return "not asked yet";
    if (!ids.length) return "no one";
    return ids.map((id) => nameOf(d, id)).join(", ");
  }

  function stateText(d, key) {
    const ids = chosenFor(d, key);
    if (ids === null) return "not asked";
    if (!ids.length) return "no one";
    return `${ids.length} ${ids.length === 1 ? "person" : "people"}`;
  }

  // ---------------------------------------------------------------- markers
  // What of the step and the counts a marker shows (part of its redraw key).
  function nodeState() {
    return `${v.resStep ? v.resItem || "-" : ""}|${v.showCounts}`;
  }

  // Whether alter `a` is chosen for the item the step shows.
  function isChosen(a) {
    return !!(v.resStep && v.resItem && (a.resources || []).includes(v.resItem));
  }

  // Words added to a marker's aria-label.
  function ariaBits(d, a) {
    const bits = [];
    if (isChosen(a)) {
      const it = itemOf(d, v.resItem);
      bits.push(`could help with ${it ? it.label : v.resItem}`);
    }
    if (v.showCounts) {
      const k = a.n_resources || 0;
      bits.push(`could help with ${k} ${k === 1 ? "item" : "items"}`);
    }
    return bits;
  }

  // The check mark and the count badge of one marker (made once, shown or hidden).
  function decorate(n, a, size) {
    if (!n.resMark) {
      n.resMark = svg("g", { class: "egomap-res-mark", "aria-hidden": "true" });
      // a white gap under the ring keeps it apart from a marker of a similar colour (a supportive green)
      n.resHalo = svg("circle", { cx: 0, cy: 0, fill: "none", stroke: "#FFFFFF", "stroke-width": 9 });
      n.resRing = svg("circle", { class: "egomap-res-ring", cx: 0, cy: 0, fill: "none", stroke: CHOSEN_COLOUR, "stroke-width": 4 });
      const tick = svg("g", { class: "egomap-res-tick" });
      tick.append(svg("circle", { r: 12, fill: CHOSEN_COLOUR, stroke: "#FFFFFF", "stroke-width": 2 }));
      const t = svg("text", { y: 5.5, "text-anchor": "middle", "font-size": 16, "font-weight": 700, fill: "#FFFFFF" });
      t.textContent = "✓";
      tick.append(t);
      n.resTick = tick;
      n.resMark.append(n.resHalo, n.resRing, tick);
      n.badge = svg("g", { class: "egomap-res-badge", "aria-hidden": "true" });
      n.badgeDisc = svg("circle", { r: 13, fill: BADGE_COLOUR, stroke: "#FFFFFF", "stroke-width": 2 });
      n.badgeText = svg("text", { y: 5.5, "text-anchor": "middle", "font-size": 15, "font-weight": 700, fill: "#FFFFFF" });
      n.badge.append(n.badgeDisc, n.badgeText);
      n.g.insertBefore(n.resMark, n.label);
      n.g.append(n.badge);
    }
    const r = size + 6;
    const off = (size + 8) * Math.SQRT1_2;
    n.resHalo.setAttribute("r", r.toFixed(1));
    n.resRing.setAttribute("r", r.toFixed(1));
    n.resTick.setAttribute("transform", `translate(${(-off).toFixed(1)} ${(-off).toFixed(1)})`);
    n.badge.setAttribute("transform", `translate(${off.toFixed(1)} ${(-off).toFixed(1)})`);
    const chosen = isChosen(a);
    n.resMark.style.display = chosen ? "" : "none";
    n.g.classList.toggle("egomap-res-chosen", chosen);
    // in the step each person is a toggle: a screen reader says "pressed" for the chosen
    if (v.resStep && v.resItem && !model.get("read_only")) n.g.setAttribute("aria-pressed", String(chosen));
    else n.g.removeAttribute("aria-pressed");
    const k = a.n_resources || 0;
    n.badge.style.display = v.showCounts && k > 0 ? "" : "none";
    n.badgeText.textContent = String(k);
  }

  // ---------------------------------------------------------------- the step's panel
  function build(d, readOnly) {
    resourceBox.replaceChildren();
    const head = html("div", { class: "egomap-details-head" });
    const h = html("h3", { id: `${uid}-h` }, "Who could help?");
    const doneBtn = html("button", { class: "egomap-btn egomap-res-done", type: "button" }, "Done");
    head.append(h, doneBtn);
    const scheme = res(d).scheme;
    const intro = html("p", { class: "egomap-muted egomap-res-intro" });
    const how = readOnly ? "Choose an item to see who could help." : "Choose an item, then the people who could help.";
    intro.textContent = scheme.title ? `${scheme.title}. ${how}` : how;
    const list = html("div", { class: "egomap-res-list", role: "listbox", "aria-labelledby": `${uid}-h` });
    const options = new Map();
    scheme.domains.forEach((dom, i) => {
      const group = html("div", { class: "egomap-res-group", role: "group", "aria-labelledby": `${uid}-d${i}` });
      group.append(html("div", { class: "egomap-res-domain", id: `${uid}-d${i}` }, dom.label));
      for (const it of dom.items) {
        const opt = html("div", { class: "egomap-res-option", role: "option", id: `${uid}-${options.size}`, "data-item": it.key, "aria-selected": "false", tabindex: "-1" });
        opt.append(html("span", { class: "egomap-res-label" }, it.label), html("span", { class: "egomap-res-state" }));
        listen(opt, "click", () => choose(it.key, true));
        listen(opt, "keydown", (e) => onOptionKey(e, it.key));
        options.set(it.key, opt);
        group.append(opt);
      }
      list.append(group);
    });
    const item = html("div", { class: "egomap-res-item" });
    const prompt = html("p", { class: "egomap-res-prompt" });
    const who = html("p", { class: "egomap-res-who", "data-testid": "res-who" });
    const row = html("div", { class: "egomap-row egomap-res-actions" });
    const noneBtn = html("button", { class: "egomap-btn egomap-res-none", type: "button", "aria-pressed": "false" }, "No one");
    const clearBtn = html("button", { class: "egomap-btn egomap-res-clear", type: "button" }, "Not asked / clear");
    row.append(noneBtn, clearBtn);
    item.append(prompt, who, row);
    resourceBox.append(head, intro, list, item);
    listen(noneBtn, "click", () => v.resItem && v.send({ type: "resource", item: v.resItem, alters: [] }));
    listen(clearBtn, "click", () => v.resItem && v.send({ type: "resource", item: v.resItem, alters: null }));
    listen(doneBtn, "click", () => leave(true));
    parts = { list, options, item, prompt, who, noneBtn, clearBtn, doneBtn };
  }

  // Draw the panel from the snapshot (built once per scheme; afterwards only its states change, so focus stays).
  function drawPanel(d, readOnly) {
    resBtn.setAttribute("aria-pressed", String(!!v.resStep));
    resBtn.classList.toggle("egomap-on", !!v.resStep);
    countBtn.setAttribute("aria-pressed", String(!!v.showCounts));
    countBtn.classList.toggle("egomap-on", !!v.showCounts);
    v.root.classList.toggle("egomap-resource-step", !!v.resStep);
    v.root.classList.toggle("egomap-res-view", !!(v.resStep || v.showCounts));
    drawKey();
    if (!v.resStep) {
      resourceBox.hidden = true;
      return;
    }
    resourceBox.hidden = false;
    const key = JSON.stringify([res(d).scheme, readOnly]);
    if (key !== built || !parts) {
      built = key;
      build(d, readOnly);
    }
    if (v.resItem && !itemOf(d, v.resItem)) v.resItem = null; // the scheme changed under us
    const active = v.resActive && parts.options.has(v.resActive) ? v.resActive : v.resItem || [...parts.options.keys()][0];
    for (const [k, opt] of parts.options) {
      opt.setAttribute("aria-selected", String(k === v.resItem));
      opt.setAttribute("tabindex", k === active ? "0" : "-1");
      opt.querySelector(".egomap-res-state").textContent = stateText(d, k);
      opt.dataset.state = chosenFor(d, k) === null ? "not-asked" : chosenFor(d, k).length ? "chosen" : "no-one";
    }
    const it = v.resItem && itemOf(d, v.resItem);
    parts.item.hidden = !it;
    if (it) {
      parts.prompt.textContent = it.prompt || it.label;
      const ids = chosenFor(d, it.key);
      parts.who.textContent = ids === null ? "Not asked yet." : ids.length ? `Could help: ${whoText(d, it.key)}.` : "No one could help with this.";
      parts.noneBtn.setAttribute("aria-pressed", String(ids !== null && ids.length === 0));
      parts.noneBtn.classList.toggle("egomap-on", ids !== null && ids.length === 0);
      parts.clearBtn.disabled = ids === null || v.disconnected;
      parts.noneBtn.disabled = v.disconnected;
    }
    parts.item.querySelector(".egomap-res-actions").hidden = readOnly;
  }

  // ---------------------------------------------------------------- the key
  function drawKey() {
    legendExtra.replaceChildren();
    if (v.resStep) legendExtra.append(keyRow("tick", "Could help with the chosen item (ring and ✓)"));
    if (v.showCounts) legendExtra.append(keyRow("badge", "Number of items this person could help with"));
    legendExtra.hidden = !legendExtra.firstChild;
  }

  function keyRow(what, text) {
    const li = html("li");
    const icon = document.createElementNS(SVGNS, "svg");
    icon.setAttribute("viewBox", "-18 -18 36 36");
    icon.setAttribute("width", "30");
    icon.setAttribute("height", "30");
    icon.setAttribute("aria-hidden", "true");
    if (what === "tick") {
      icon.append(svg("circle", { r: 13, fill: "none", stroke: CHOSEN_COLOUR, "stroke-width": 4 }));
      const t = svg("text", { y: 6, "text-anchor": "middle", "font-size": 17, "font-weight": 700, fill: CHOSEN_COLOUR });
      t.textContent = "✓";
      icon.append(t);
    } else {
      icon.append(svg("circle", { r: 14, fill: BADGE_COLOUR }));
      const t = svg("text", { y: 6, "text-anchor": "middle", "font-size": 16, "font-weight": 700, fill: "#FFFFFF" });
      t.textContent = "3";
      icon.append(t);
    }
    li.append(icon, document.createTextNode(" " + text));
    return li;
  }

  // ---------------------------------------------------------------- gestures
  function say(text) {
    v.live.textContent = text;
  }

  // Choose the item the step shows (a view's own state: nothing is saved).
  function choose(key, focus) {
    const d = v.lastData;
    const it = itemOf(d, key);
    if (!it) return;
    v.resItem = key;
    v.resActive = key;
    say(`${it.label}. ${it.prompt || ""} Could help: ${whoText(d, key)}.`.replace(/\s+/g, " "));
    v.schedule();
    if (focus && parts && parts.options.get(key)) parts.options.get(key).focus();
  }

  function onOptionKey(e, key) {
    const keys = [...parts.options.keys()];
    const i = keys.indexOf(key);
    let j = null;
    if (e.key === "ArrowDown" || e.key === "ArrowRight") j = Math.min(i + 1, keys.length - 1);
    else if (e.key === "ArrowUp" || e.key === "ArrowLeft") j = Math.max(i - 1, 0);
    else if (e.key === "Home") j = 0;
    else if (e.key === "End") j = keys.length - 1;
    if (j !== null) {
      e.preventDefault();
      e.stopPropagation();
      v.resActive = keys[j];
      for (const [k, opt] of parts.options) opt.setAttribute("tabindex", k === keys[j] ? "0" : "-1");
      parts.options.get(keys[j]).focus();
      return;
    }
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      choose(key, true);
    }
  }

  // A click, tap, Enter or Space on a person during the step: they could help with the item, or no longer.
  function toggle(n) {
    if (model.get("read_only")) return;
    if (!v.resItem) {
      say("Choose an item first: the list “Who could help?” beside the map.");
      return;
    }
    v.send({ type: "resource", item: v.resItem, toggle: n.alter.id });
  }

  function enter() {
    v.resStep = true;
    v.tieMode = false;
    v.tieFrom = null;
    v.schedule();
    queueMicrotask(() => {
      const opt = parts && (parts.options.get(v.resItem) || parts.list.querySelector("[tabindex='0']"));
      if (opt) opt.focus();
    });
    say("Who could help? Choose an item from the list, then the people who could help.");
  }

  // Back to normal editing.
  function leave(focusButton) {
    v.resStep = false;
    v.schedule();
    if (focusButton) resBtn.focus();
    say("Back to editing the map.");
  }

  function toggleCounts() {
    v.showCounts = !v.showCounts;
    v.schedule();
    say(v.showCounts ? "Showing how many items each person could help with." : "Resource counts hidden.");
  }

  // Details of one person: the items they could help with (labels, scheme order).
  function itemsOf(d, a) {
    const keys = new Set(a.resources || []);
    return items(d).filter((it) => keys.has(it.key)).map((it) => it.label);
  }

  listen(resBtn, "click", () => (v.resStep ? leave(false) : enter()));
  listen(countBtn, "click", toggleCounts);

  return { nodeState, ariaBits, decorate, drawPanel, toggle, enter, leave, itemsOf, chosenFor };
}
