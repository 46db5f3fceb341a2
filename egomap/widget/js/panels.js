// The side panel of one view: the details form (built from the field
// descriptions of the vocabulary, sent once as the `fields` trait) and review mode.
import { html, displayLabel, ringLabel, sectorLabel } from "./util.js";

// The panel functions of view `v` (see render() in map.js for what `v` holds).
export function makePanels(v) {
  const { model, el, listen, nodes, details, reviewBox, send } = v;

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
      const input = html("textarea", { rows: "2", ...attrs });
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
      if (v.panelFor !== null) {
        details.replaceChildren();
        v.panelFor = null;
      }
      if (!details.firstChild) details.append(html("p", { class: "egomap-muted" }, readOnly ? "" : "Select someone on the map to see and edit their details."));
      return;
    }
    const active = el.ownerDocument.activeElement;
    if (v.panelFor === a.id && details.contains(active)) {
      // do not disturb typing; refresh the other fields' values
      syncDetails(a, active);
      return;
    }
    if (v.panelFor === a.id) {
      syncDetails(a, null);
      return;
    }
    v.panelFor = a.id;
    const id = a.id;
    // the name, Remove and Close on top (kept in view when the details scroll beside the map)
    const head = html("h3", { class: "egomap-details-title" });
    const del = html("button", { class: "egomap-btn egomap-delete", type: "button" }, "Remove from map");
    const close = html("button", { class: "egomap-btn egomap-close", type: "button" }, "Close");
    const top = html("div", { class: "egomap-details-head" });
    top.append(head, del, close);
    const form = html("div", { class: "egomap-form" });
    for (const f of model.get("fields") || []) {
      const c = fieldControl(f);
      if (!c) continue;
      c.box.classList.add(`egomap-f-${f.type}`, `egomap-field-${f.name}`);
      form.append(c.box);
      const text = f.type === "label" || f.type === "text" || f.type === "note";
      listen(c.input, "change", () => {
        const value = controlValue(f, c.input);
        const cur = nodes.get(id);
        if (text && (!cur || cur.alter[f.name] === value)) return; // nothing typed
        send({ type: "update", id, fields: { [f.name]: value } });
      });
    }
    // what they could help with (the resources step) and the social capital they bring
    const resOf = html("div", { class: "egomap-res-of" });
    resOf.append(html("h4", {}, "Could help with"), html("p", { class: "egomap-res-of-items" }), html("p", { class: "egomap-capital-said" }));
    form.append(resOf);
    details.replaceChildren(top, form);
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
    syncResources(a);
  }

  // The items the person could help with, their social capital and where it comes from.
  function syncResources(a) {
    const items = v.resources.itemsOf(v.lastData || model.get("data"), a);
    const list = details.querySelector(".egomap-res-of-items");
    if (list) list.textContent = items.length ? items.join("; ") : "Not chosen for any item yet (see “Who could help?”).";
    const rule = a.capital_default || "";
    const choice = details.querySelector("select[data-field='capital']");
    if (choice && choice.options.length && choice.options[0].value === "") choice.options[0].textContent = rule ? `Default (${rule})` : "Default";
    const said = details.querySelector(".egomap-capital-said");
    if (said) {
      said.textContent = a.capital
        ? `Social capital: ${a.capital}, the person's own view (default: ${rule}).`
        : `Social capital: ${a.capital_effective || rule}, egomap's default from the sector, kind, role and where they met.`;
    }
  }

  // ---------------------------------------------------------------- review
  // The box is built again only when what it asks changes (the next person, a
  // move); a check box's state is set in place, so the focus stays on it. When
  // it is built again the focus goes to the same control for the next person.
  let reviewKey = "";
  let reviewFor = ""; // the person the box was built for
  const reviewSent = new Map(); // "alter id|item key" -> request id of its last check box change
  const qid = `egomap-review-q-${Math.floor(Math.random() * 1e9).toString(36)}`;

  // The items the reviewed person could help with on the earlier map (copied
  // forward), as the scheme lists them.
  function reviewItems(d, a) {
    const before = new Set(a.previous_resources || []);
    if (!before.size) return [];
    const all = ((d.resources && d.resources.scheme && d.resources.scheme.domains) || []).flatMap((dom) => dom.items);
    return all.filter((it) => before.has(it.key));
  }

  // Whom the review asks about, in words (with numbers only, "Person 4" rather than a bare "4")
  function reviewName(a, mode) {
    return mode === "hidden" ? `Person ${a.n}` : displayLabel(a, mode);
  }

  function drawReview(d, readOnly) {
    const rid = model.get("reviewing");
    const a = rid && d.alters.find((x) => x.id === rid);
    const doc = el.ownerDocument;
    const hadFocus = reviewBox.contains(doc.activeElement) ? doc.activeElement : null;
    if (readOnly || !a) {
      const was = !reviewBox.hidden;
      reviewBox.replaceChildren();
      reviewBox.hidden = true;
      reviewKey = "";
      reviewFor = "";
      if (was && hadFocus && !v.reviewBtn.hidden) v.reviewBtn.focus(); // the review ended under the keyboard
      return;
    }
    reviewBox.hidden = false;
    const done = d.alters.filter((x) => x.reviewed).length;
    const mode = model.get("label_mode");
    const items = reviewItems(d, a);
    const key = JSON.stringify([a.id, reviewName(a, mode), done, d.alters.length, a.ring, a.sector, a.previous_ring, d.rings.length, items.map((it) => [it.key, it.label])]);
    if (key !== reviewKey) {
      reviewKey = key;
      const samePerson = reviewFor === a.id;
      reviewFor = a.id;
      const focusAgain = hadFocus ? hadFocus.dataset.item || hadFocus.dataset.review || "" : null;
      buildReview(d, a, done, mode, items);
      if (focusAgain !== null) {
        // the same control for the same person; for the next person the start of their questions
        const same = samePerson && [...reviewBox.querySelectorAll("[data-item], [data-review]")].find((x) => (x.dataset.item || x.dataset.review) === focusAgain && !x.disabled);
        const first = reviewBox.querySelector("input[data-item]") || reviewBox.querySelector(".egomap-review-keep");
        (same || first).focus();
      }
    }
    syncReviewItems(d, a);
  }

  function buildReview(d, a, done, mode, items) {
    reviewBox.replaceChildren();
    reviewBox.append(html("h3", {}, `Review: ${done} of ${d.alters.length} done`));
    const q = html("p", { class: "egomap-review-q", id: qid });
    const who = html("strong", {}, reviewName(a, mode));
    q.append(who, document.createTextNode(" — still in your life? Closer or further than before?"));
    reviewBox.append(q);
    const was = a.previous_ring >= 0 ? `Last time: ${ringLabel(d, a.previous_ring)}. ` : "";
    reviewBox.append(html("p", { class: "egomap-muted" }, `${was}Now: ${ringLabel(d, a.ring)}, ${sectorLabel(d, a.sector)}.`));
    if (items.length) {
      // what they could help with last time: checked = still could (unchecked takes them off the item)
      const box = html("fieldset", { class: "egomap-support egomap-review-res" });
      box.append(html("legend", {}, `Could ${reviewName(a, mode)} still help with these?`));
      for (const it of items) {
        const input = html("input", { type: "checkbox", "data-item": it.key });
        const lab = html("label", { class: "egomap-check" });
        lab.append(input, document.createTextNode(" " + it.label));
        listen(input, "change", () => {
          const req = send({ type: "review_resource", id: a.id, item: it.key, still: input.checked });
          if (req !== null) reviewSent.set(`${a.id}|${it.key}`, req);
        });
        box.append(lab);
      }
      reviewBox.append(box);
    }
    const row = html("div", { class: "egomap-row" });
    const acts = [
      ["keep", "Still here, same place"],
      ["closer", "Closer"],
      ["further", "Further"],
      ["remove", "No longer in my life"],
    ];
    for (const [action, text] of acts) {
      // a screen reader on a button hears whom it is about
      const b = html("button", { class: `egomap-btn egomap-review-${action}`, type: "button", "data-review": action, "aria-describedby": qid }, text);
      if (action === "closer" && a.ring === 0) b.disabled = true;
      if (action === "further" && a.ring === d.rings.length - 1) b.disabled = true;
      listen(b, "click", () => send({ type: "review", id: a.id, action }));
      row.append(b);
    }
    const stop = html("button", { class: "egomap-btn egomap-review-stop", type: "button", "data-review": "stop" }, "Stop review");
    listen(stop, "click", () => send({ type: "review_stop" }));
    row.append(stop);
    reviewBox.append(row);
  }

  // Each check box as the store holds it, except one whose change is not yet in
  // the snapshot drawn (saving, or saved and its snapshot on the way): it keeps
  // what was clicked, so it does not flicker back while focused. After an error
  // or a lost connection it shows the store's truth again.
  function syncReviewItems(d, a) {
    const now = new Set(a.resources || []);
    const ack = model.get("ack");
    const failed = (model.get("status") || "").startsWith("error");
    for (const input of reviewBox.querySelectorAll("input[data-item]")) {
      const item = input.dataset.item;
      const sent = `${a.id}|${item}`;
      const req = reviewSent.get(sent);
      if (req !== undefined) {
        if (d.ack !== req && (v.pending.has(req) || (ack === req && !failed))) continue;
        reviewSent.delete(sent);
      }
      input.checked = now.has(item);
    }
  }

  return { drawDetails, drawReview };
}
