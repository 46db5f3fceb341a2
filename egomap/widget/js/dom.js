// The skeleton of one view: toolbar, title, hint, the SVG layers and the side panel.
import { VIEW, VIEW_HEIGHT, FONT, svg, html } from "./util.js";

// Build the elements of a view inside `el`; return them by name.
export function skeleton(el) {
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
  // the arrows are decoration: a screen reader says "Undo", not "↶ Undo"
  const undoBtn = html("button", { class: "egomap-btn egomap-undo", type: "button", title: "Undo (Ctrl+Z)" });
  undoBtn.append(html("span", { "aria-hidden": "true" }, "↶ "), document.createTextNode("Undo"));
  const redoBtn = html("button", { class: "egomap-btn egomap-redo", type: "button", title: "Redo (Ctrl+Shift+Z)" });
  redoBtn.append(html("span", { "aria-hidden": "true" }, "↷ "), document.createTextNode("Redo"));
  const modeSel = html("select", { class: "egomap-label-mode", "aria-label": "How names show" });
  for (const [v, t] of [["names", "Names"], ["initials", "Initials"], ["hidden", "Numbers only"]]) {
    modeSel.append(html("option", { value: v }, t));
  }
  const reviewBtn = html("button", { class: "egomap-btn egomap-review-btn", type: "button" }, "Review changes");
  // the resources step and the counts: shown on a read-only map too (looking does not change it)
  const resBtn = html("button", { class: "egomap-btn egomap-res-btn", type: "button", "aria-pressed": "false" }, "Who could help?");
  const countBtn = html("button", { class: "egomap-btn egomap-count-btn", type: "button", "aria-pressed": "false", title: "Show how many items each person could help with" }, "Resource counts");
  const svgBtn = html("button", { class: "egomap-btn egomap-export-svg", type: "button" }, "Save SVG");
  const pngBtn = html("button", { class: "egomap-btn egomap-export-png", type: "button" }, "Save PNG");
  const status = html("span", { class: "egomap-status", role: "status", "aria-live": "polite" });
  const retryBtn = html("button", { class: "egomap-btn egomap-retry", type: "button", hidden: "" }, "Try again");
  const addGroup = html("div", { class: "egomap-add" });
  addGroup.append(addInput, addRing, addSector, addBtn);
  const editTools = html("div", { class: "egomap-tools egomap-edit-tools" });
  editTools.append(tieBtn, undoBtn, redoBtn, reviewBtn);
  const resTools = html("div", { class: "egomap-tools egomap-res-tools" });
  resTools.append(resBtn, countBtn);
  const viewTools = html("div", { class: "egomap-tools" });
  viewTools.append(modeSel, svgBtn, pngBtn, status, retryBtn);
  bar.append(addGroup, editTools, resTools, viewTools);

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
  const resourceBox = html("section", { class: "egomap-resources", "aria-label": "Who could help?", hidden: "" });
  const legend = html("section", { class: "egomap-legend", "aria-label": "Key" });
  const legendExtra = html("ul", { class: "egomap-legend-list egomap-legend-res", hidden: "" });
  panel.append(resourceBox, reviewBox, details, legend);
  main.append(canvas, panel);
  const live = html("div", { class: "egomap-sr-only", "aria-live": "polite" });
  root.append(bar, title, hint, main, live);
  el.append(root);
  return { root, addInput, addRing, addSector, addBtn, tieBtn, undoBtn, redoBtn, modeSel, reviewBtn, resBtn, countBtn, svgBtn, pngBtn, status, retryBtn, title, hint, svgRoot, gBg, gSpokes, gTies, gEgo, gAlters, reviewBox, details, resourceBox, legend, legendExtra, live };
}
