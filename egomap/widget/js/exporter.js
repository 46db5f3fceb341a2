// Saving what one view shows as an SVG or PNG file (no server round trip).
import { SVGNS, VIEW, VIEW_HEIGHT, html } from "./util.js";

// The export functions of view `v` (see render() in map.js for what `v` holds).
export function makeExport(v) {
  const { root, svgRoot } = v;

  // ---------------------------------------------------------------- export
  function exportSvgText() {
    const clone = svgRoot.cloneNode(true);
    for (const x of clone.querySelectorAll(".egomap-hit, .egomap-selring")) x.remove();
    for (const x of clone.querySelectorAll("[tabindex]")) x.removeAttribute("tabindex");
    clone.setAttribute("xmlns", SVGNS);
    clone.setAttribute("width", String(VIEW));
    clone.setAttribute("height", String(VIEW_HEIGHT));
    const t = document.createElementNS(SVGNS, "title");
    t.textContent = v.lastData ? v.lastData.map.title : "map";
    clone.insertBefore(t, clone.firstChild);
    return new XMLSerializer().serializeToString(clone);
  }

  function fileName(ext) {
    const d = v.lastData ? v.lastData.map : { person: "map", label: "" };
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

  return { exportSvgText, fileName, download, exportPng };
}
