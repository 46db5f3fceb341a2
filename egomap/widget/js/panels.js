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
    // the name and Close on top, Remove right under them: reachable without scrolling on a laptop
    const head = html("h3", { class: "egomap-details-title" });
    const del = html("button", { class: "egomap-btn egomap-delete", type: "button" }, "Remove from map");
    const close = html("button", { class: "egomap-btn egomap-close", type: "button" }, "Close");
    const top = html("div", { class: "egomap-details-head" });
    top.append(head, close);
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
    const buttons = html("div", { class: "egomap-row egomap-details-foot" });
    buttons.append(del);
    form.append(buttons);
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
        ? `Social capital: ${a.capital} (the person's own view; default: ${rule})`
        : `Social capital — default: ${a.capital_effective || rule} (from the sector, kind, professional role and where they met)`;
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

  return { drawDetails, drawReview };
}
