// egomap MapWidget front-end: constants and pure helpers (no state, no DOM of a view).
// Label places, initials and sector label lines come in the snapshot, computed
// by Python (egomap/widget/snapshot.py): nothing of them is computed here.
// User text is only ever set with textContent.

export const SVGNS = "http://www.w3.org/2000/svg";
export const VIEW = 1060; // view box width (map centred on 0, 0) -- as egomap/widget/render.py
export const VIEW_HEIGHT = 880;
export const MAP_RADIUS = 350; // outer edge in view-box units
export const HIT = 36; // touch target radius in view-box units (grown on a small screen, see fitHit)
export const MIN_TARGET_PX = 44; // smallest touch target, in CSS pixels
export const DRAG_THRESHOLD = 4; // px before a press becomes a drag
// No answer from Python this long after a gesture: the kernel is gone (restarted or shut down).
export const ACK_TIMEOUT_MS = 3500;
// How often each view asks Python whether another session changed the map (live updates).
export const CHECK_MS = 1000;
export const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
// The look (colours, sizes as fractions of the map radius, marker shapes,
// dashes, glyphs, the key) is egomap.viz.style, sent once by Python as the
// `map_style` trait, so the widget, the figures and the change view draw the
// same picture. Nothing of it is repeated here. The details form is built
// from the `fields` trait (egomap.fields.describe()), by field type.
export const KIND_WORDS = { person: "", group: "group", organisation: "organisation", online: "online", pet: "pet" };

export function svg(tag, attrs = {}) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function html(tag, attrs = {}, text = null) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, String(v));
  }
  if (text !== null) e.textContent = text;
  return e;
}

export function xy(angle, radius) {
  const t = (angle * Math.PI) / 180;
  return [radius * MAP_RADIUS * Math.sin(t), -radius * MAP_RADIUS * Math.cos(t)];
}

export function polar(x, y) {
  const angle = ((Math.atan2(x, -y) * 180) / Math.PI + 360) % 360;
  return { angle, radius: Math.hypot(x, y) / MAP_RADIUS };
}

export function px(S, key) {
  return S.size[key] * MAP_RADIUS;
}

export function valenceOf(S, v) {
  return S.valence[v] || S.valence.unknown;
}

export function dashAttr(attrs, dash, width) {
  if (dash && dash.length) attrs["stroke-dasharray"] = dash.map((d) => +(d * width).toFixed(2)).join(" ");
  return attrs;
}

export function shape(S, kind, s, attrs) {
  const m = S.markers[kind] || S.markers.person;
  if (!m.points.length) return svg("circle", { cx: 0, cy: 0, r: +s.toFixed(2), ...attrs });
  return svg("polygon", { points: m.points.map((p) => p.map((v) => (v * s).toFixed(1)).join(",")).join(" "), ...attrs });
}

// the person in the centre: no name in big type with initials or numbers only
export function personText(d, mode) {
  if (mode === "initials") return d.person_initials || "";
  if (mode === "hidden") return "";
  return d.person_label;
}

export function displayLabel(a, mode) {
  if (mode === "initials") return a.initials;
  if (mode === "hidden") return String(a.n);
  return a.label;
}

export function ringLabel(d, i) {
  return d.rings[i] ? d.rings[i].label : "";
}

export function sectorLabel(d, key) {
  const s = d.sectors.find((x) => x.key === key);
  return s ? s.label : key;
}
