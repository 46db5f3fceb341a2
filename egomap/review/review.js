// The linking review list (egomap.review.LinkReview): one group of choices per person on the
// earlier map. Every user text goes in through textContent or a form value, never as markup.

const CHOICES = [
  ["same", "Same person"],
  ["different", "Different people"],
  ["unsure", "Not sure yet"],
];

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

function describe(row) {
  if (row.later_id === null || row.later_id === undefined) return "No one on the later map looks like them.";
  const score = row.score === null || row.score === undefined ? "" : `Match ${Math.round(row.score * 100)} %: `;
  return score + (row.reasons.length ? row.reasons.join("; ") : "chosen by hand") + ".";
}

function render({ model, el: root }) {
  const uid = `egomap-review-${Math.random().toString(36).slice(2, 9)}`;
  const box = el("section", { class: "egomap-review", "aria-labelledby": `${uid}-h` });
  root.append(box);

  function draw() {
    const focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement.id : null;
    box.replaceChildren();
    const [earlier, later] = model.get("titles");
    box.append(el("h3", { id: `${uid}-h` }, `Who is the same person on “${earlier}” and “${later}”?`));
    const rows = model.get("rows");
    const partners = model.get("partners");
    if (!rows.length) box.append(el("p", {}, "Everyone on the earlier map is on the later map already."));
    const list = el("ol", { class: "egomap-review-list" });
    rows.forEach((row, i) => {
      const item = el("li", { class: "egomap-review-row" + (row.linked ? " linked" : "") });
      const set = el("fieldset", { id: `${uid}-row-${i}` });
      const pair = row.later_label === null || row.later_label === undefined ? "no match proposed" : row.later_label;
      set.append(el("legend", {}, `${row.earlier_label} (${earlier}) and ${pair} (${later})`));
      set.append(el("p", { class: "egomap-review-why" }, row.linked ? "Linked: now one person on both maps." : describe(row)));
      if (!row.linked) {
        const group = el("div", { class: "egomap-review-choices" });
        for (const [value, label] of CHOICES) {
          const id = `${uid}-r${i}-${value}`;
          const input = el("input", { type: "radio", name: `${uid}-r${i}`, id, value });
          input.checked = row.decision === value;
          input.disabled = value === "same" && !row.later_id;
          input.addEventListener("change", () => model.send({ type: "decide", row: i, decision: value }));
          const lab = el("label", { for: id }, label);
          group.append(input, lab);
        }
        set.append(group);
        const sid = `${uid}-p${i}`;
        const pick = el("select", { id: sid });
        pick.append(el("option", { value: "" }, "(no one)"));
        for (const p of partners) {
          const opt = el("option", { value: p.id }, p.label);
          opt.selected = p.id === row.later_id;
          pick.append(opt);
        }
        if (!row.later_id) pick.value = "";
        pick.addEventListener("change", () => model.send({ type: "partner", row: i, later_id: pick.value || null }));
        const plab = el("label", { for: sid, class: "egomap-review-partner" }, `On ${later}, ${row.earlier_label} is: `);
        set.append(plab, pick);
      }
      item.append(set);
      list.append(item);
    });
    box.append(list);
    const n = rows.filter((r) => r.decision === "same" && r.later_id && !r.linked).length;
    const apply = el("button", { type: "button", id: `${uid}-apply`, class: "egomap-review-apply" });
    apply.textContent = n === 1 ? "Link the 1 confirmed pair" : `Link the ${n} confirmed pairs`;
    apply.disabled = n === 0;
    apply.addEventListener("click", () => model.send({ type: "apply" }));
    box.append(apply);
    const status = el("p", { class: "egomap-review-status", role: model.get("error") ? "alert" : "status" });
    status.textContent = model.get("status");
    box.append(status);
    if (focused) {
      const again = document.getElementById(focused);
      if (again) again.focus();
      else apply.focus();
    }
  }

  draw();
  const names = ["rows", "partners", "titles", "status", "error"];
  for (const name of names) model.on(`change:${name}`, draw);
  return () => {
    for (const name of names) model.off(`change:${name}`, draw);
    box.remove();
  };
}

export default { render };
