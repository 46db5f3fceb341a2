"""Interactive change view: a person's network across time points, in one HTML output.

The view uses vis-network, the JavaScript library behind pyvis, taken from
the copy bundled with pyvis and written into the page once. pyvis's own page
template is not used: it loads Bootstrap from a CDN, does not escape the
heading and switches hover titles to ``innerHTML``. Instead one page holds
one network whose data are swapped per time point by a few lines of our own
JavaScript; every user string travels as JSON (escaped for a ``<script>``
element) and reaches the page only through ``textContent`` or the canvas.

The output renders inline in JupyterLab, Voilà and untrusted notebooks: the
page sits in an ``<iframe srcdoc="...">`` inside a ``<div>``. Nothing is
written to disk unless you call :meth:`ChangeView.save`, and nothing is
loaded from the internet.

Examples
--------
>>> import egomap as em
>>> view = em.viz.change_network(em.demo.demo_case(), label_mode="initials")
>>> view.labels
['Baseline', '6 months', '12 months', 'All time points']
>>> view.html.count("vis-network") >= 1 and "<iframe srcdoc=" in view._repr_html_()
True
"""

from __future__ import annotations

import functools
import html
import json
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from egomap import fields as _fields
from egomap import schemes as _schemes
from egomap.errors import ValidationError
from egomap.geometry import place_labels, polar_to_xy, text_width, wrap
from egomap.model import Map, Person
from egomap.viz import style as _style
from egomap.viz._layout import (
    LABEL_CLEARANCE,
    Frame,
    Item,
    combined_frame,
    frames,
    label_obstacles,
    marker_reach,
    resolve_maps,
)

__all__ = ["ChangeView", "InlinePage", "change_network", "change_view_js", "script_json", "vis_network_js"]

#: Map radius in vis-network canvas units.
SCALE = 300.0
_VIS_PATH = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")


@functools.lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network library bundled with pyvis (read once).

    Any ``</script`` or ``<!--`` would end or confuse the ``<script>`` element the
    library is written into; the bundled version has none, and this is checked.
    """
    path = resources.files("pyvis").joinpath(*_VIS_PATH)
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "<!--" in text:  # pragma: no cover - depends on the pyvis release
        raise RuntimeError("the vis-network bundled with pyvis cannot be inlined safely; please report this")
    return text


@functools.lru_cache(maxsize=1)
def change_view_js() -> str:
    """The change view's page script, ``change_view.js`` beside this module (read once).

    Like :func:`vis_network_js`, checked to hold no ``</script`` or ``<!--``,
    so that it can be written into a ``<script>`` element.

    Examples
    --------
    >>> "window.egomapView" in change_view_js()
    True
    """
    text = resources.files("egomap.viz").joinpath(_JS_FILE).read_text(encoding="utf-8")
    if "</script" in text.lower() or "<!--" in text:  # pragma: no cover - a mistake in the file
        raise RuntimeError(f"{_JS_FILE} cannot be inlined in a <script> element")
    return text


def script_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (and HTML-attribute-free).

    ``<``, ``>``, ``&``, U+2028 and U+2029 are written as ``\\u`` escapes, so
    a label such as ``</script><script>alert(1)</script>`` stays a string.

    Examples
    --------
    >>> script_json({"label": "</script>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --------------------------------------------------------------------------- data


#: Placement attributes the hover text shows one line each for (valence, contact and support have their own lines).
_OTHER_FIELDS = tuple(
    f for f in _fields.compared() if f.name not in ("valence", "contact", "support_received", "support_given")
)


def _title(item: Item, m: Map, mode: str, prev_label: str | None, maps: Sequence[Map] | None) -> str:
    a, p = item.alter, item.placement
    name = _style.display_label(a.label, mode) if mode != "hidden" else ""
    kind = _style.MARKERS[_style.marker_key(a.kind, a.is_professional)]["label"]
    head = name or kind
    if a.relationship:
        head += f" ({a.relationship})"
    lines = [head]
    if item.status == "lost":
        lines.append(f"Gone since {prev_label}" if prev_label is not None else "Not on the latest map")
    elif item.status == "gained":
        lines.append(f"New since {prev_label}" if prev_label is not None else "New since the first map")
    if item.shift:
        lines.append(f"Moved {'closer' if item.shift < 0 else 'further out'} by {abs(item.shift)} ring(s)")
    try:
        ring = m.rings.rings[p.ring].label
        sector = m.sectors.label(p.sector)
    except (IndexError, ValidationError):
        ring, sector = f"ring {p.ring}", p.sector
    lines.append(f"{ring}, {sector}")
    if item.previous is not None and item.previous.sector != p.sector and prev_label is not None:
        lines.append(f"Moved from {_sector_label(m, item.previous.sector)} since {prev_label}")
    lines.append(f"Valence: {p.valence or 'not recorded'}; contact: {p.contact or 'not recorded'}")
    if p.support_received:
        lines.append("Support received: " + ", ".join(sorted(p.support_received)))
    if p.support_given:
        lines.append("Support given: " + ", ".join(sorted(p.support_given)))
    for f in _OTHER_FIELDS:  # attributes added to the vocabulary since (e.g. known_for), when recorded
        if getattr(p, f.name):
            lines.append(f"{f.label}: {f.to_plain(getattr(p, f.name))}")
    if a.met_through:
        lines.append(f"Met through: {a.met_through}")
    if maps is not None and item.history:
        seen = [f"{mm.label}: {'ring ' + str(h.ring) if h else '-'}" for mm, h in zip(maps, item.history)]
        lines.append("; ".join(seen))
    if mode == "names" and p.note:
        lines.append(f"Note: {p.note}")
    return "\n".join(lines)


def _sector_label(m: Map, key: str) -> str:
    try:
        return m.sectors.label(key)
    except ValidationError:  # a sector of an earlier map's scheme
        return key


def _node(item: Item, m: Map, mode: str, prev_label: str | None, maps: Sequence[Map] | None, key: str) -> dict:
    """Compact node data; the page's script turns it into a vis-network node using the style."""
    a, p = item.alter, item.placement
    x, y = polar_to_xy(item.angle, item.radius)
    node: dict[str, Any] = {
        "i": key,
        "l": _style.display_label(a.label, mode),
        "x": round(x * SCALE, 1),
        "y": round(-y * SCALE, 1),
        "k": _style.marker_key(a.kind),
        "v": _style.valence_key(p.valence),
        "s": "retained" if item.status == "present" else item.status,
        "t": _title(item, m, mode, prev_label, maps),
    }
    if a.is_professional:
        node["p"] = 1
    if item.shift:
        node["m"] = "inward" if item.shift < 0 else "outward"
    return node


def _place_labels(nodes: list[dict], reach: list[float], obstacles: list[tuple[float, float, float, float]]) -> None:
    """Give each node ``lx``/``ly``: its label's centre relative to the node, so labels do not overlap.

    ``reach`` is each marker's half-width and ``obstacles`` the boxes of the
    person's disc and the ring and sector labels, in map units (y down).
    """
    font = _style.SIZE["label_font"] * SCALE
    labels = []
    for n in nodes:
        text = n["l"] + (("  " if n["l"] else "") + _style.MOVED[n["m"]]["symbol"] if "m" in n else "")
        labels.append((text_width(text, font), font * 1.1) if text else (0.0, 0.0))
    centres = place_labels(
        [(n["x"], n["y"]) for n in nodes],
        labels,
        [r * SCALE for r in reach],
        _style.SIZE["label_gap"] * SCALE,
        obstacles=[tuple(v * SCALE for v in box) for box in obstacles],  # type: ignore[misc]
        clearance=LABEL_CLEARANCE * SCALE,
    )
    for n, (cx, cy) in zip(nodes, centres):
        n["lx"], n["ly"] = round(cx - n["x"], 1), round(cy - n["y"], 1)


def _view(frame: Frame, mode: str, ego: str, keys: dict[str, str], maps: Sequence[Map] | None = None) -> dict:
    """One step of the view; ``maps`` is given for the combined view of all of them."""
    m = frame.map
    counts = {s: sum(1 for it in frame.items if it.status == s) for s in ("gained", "lost")}
    moved = sum(1 for it in frame.items if it.shift)
    on_map = sum(1 for it in frame.items if it.status != "lost")
    nodes = [_node(it, m, mode, frame.previous, maps, keys[it.alter.id]) for it in frame.items]
    _place_labels(
        nodes,
        [marker_reach(it.alter) for it in frame.items],
        label_obstacles(
            [(m.rings.band(i)[1], r.label) for i, r in enumerate(m.rings.rings)],
            [(m.sectors.mid(k), m.sectors.label(k)) for k in m.sectors.keys] if len(m.sectors) > 1 else [],
            _style.SIZE["ring_font"],
            _style.SIZE["sector_font"],
        ),
    )
    return {
        "label": frame.label,
        "caption": _caption(frame, maps, on_map, counts["gained"], counts["lost"], moved),
        "since": "Since the first map" if maps is not None else "Since the previous map",
        "ego": ego,
        "geometry": _geometry(m),
        "nodes": nodes,
        "edges": [[*sorted((keys[a], keys[b]), key=_key_order), _TIE_CODES[s]] for a, b, s in frame.ties],
    }


_TIE_CODES = {"present": 0, "formed": 1, "dissolved": 2}


def _caption(frame: Frame, maps: Sequence[Map] | None, n: int, gained: int, lost: int, moved: int) -> str:
    """The line under the view (user text is only joined in, never read as a format string)."""
    if maps is not None:
        return (
            f"Everyone on any map, where they were last. From {maps[0].label} to {maps[-1].label}: "
            f"{gained} joined, {lost} gone, {moved} in another circle"
        )
    text = f"{n} on the map"
    if frame.previous is not None:
        text += f" - since {frame.previous}: {gained} new, {lost} gone, {moved} moved to another circle"
    return text


def _key_order(key: str) -> int:
    """Order of a node key ``a<number>`` (first seen first), so tie order does not depend on random ids."""
    return int(key[1:])


def _canvas_xy(angle: float, radius: float) -> list[float]:
    """Canvas ``[x, y]`` (y down, map radius :data:`SCALE`) of a position."""
    x, y = polar_to_xy(angle, radius * SCALE)
    return [round(x, 3), round(-y, 3)]


def _sector_geometry(start: float, mid: float, label: str) -> dict:
    """A sector as drawn: its dividing line (person's disc to the edge) and where its label goes."""
    return {
        "start": start,
        "mid": mid,
        "label": wrap(label),
        "line": _canvas_xy(start, _schemes.CENTRE_RADIUS) + _canvas_xy(start, 1.0),
        "at": _canvas_xy(mid, 1.08),
    }


def _geometry(m: Map) -> dict:
    rings = m.rings
    return {
        "centre": _schemes.CENTRE_RADIUS,
        "rings": [rings.band(i)[1] for i in range(len(rings))],
        "ring_labels": [r.label for r in rings.rings],
        "sectors": [
            _sector_geometry(m.sectors.span(k)[0], m.sectors.mid(k), m.sectors.label(k)) for k in m.sectors.keys
        ]
        if len(m.sectors) > 1
        else [],
    }


# --------------------------------------------------------------------------- page

_CSS = """
html,body{margin:0;padding:0;background:#fff;color:#222;font-family:DejaVu Sans,Arial,sans-serif;font-size:14px}
.em-head{display:flex;flex-wrap:wrap;align-items:center;gap:8px;padding:8px 10px 4px 10px}
.em-head h1{font-size:16px;margin:0 12px 0 0;font-weight:600}
.em-steps{display:flex;flex-wrap:wrap;gap:4px}
.em-steps button{font:inherit;padding:4px 10px;border:1px solid #888;background:#f6f6f6;border-radius:4px;cursor:pointer}
.em-steps button[aria-selected=true]{background:#0072B2;color:#fff;border-color:#0072B2}
.em-steps button:focus-visible{outline:3px solid #E69F00;outline-offset:1px}
.em-main{display:flex;flex-wrap:nowrap}
#em-net{flex:1 1 auto;height:%(height)dpx;min-width:300px;border-top:1px solid #e5e5e5}
.em-legend{flex:0 0 235px;padding:8px 10px;font-size:12px;border-top:1px solid #e5e5e5;border-left:1px solid #e5e5e5}
.em-legend h2{font-size:12px;margin:8px 0 2px 0;font-weight:600}
.em-legend div{display:flex;align-items:center;gap:6px;margin:2px 0}
#em-caption{margin:4px 10px 6px 10px;font-size:13px;color:#444;min-height:1.2em}
div.vis-tooltip{position:absolute;visibility:hidden;padding:6px 8px;white-space:pre-line;max-width:320px;
 font-family:inherit;font-size:12px;color:#000;background:#fffbe6;border:1px solid #999;border-radius:3px;
 box-shadow:2px 2px 6px rgba(0,0,0,.2);pointer-events:none;z-index:5}
"""

#: The page script, a plain file beside this module (see :func:`change_view_js`).
_JS_FILE = "change_view.js"


def _swatch_line(color: str, dash: list, width: float = 2.5, opacity: float = 1.0) -> str:
    d = f' stroke-dasharray="{" ".join(str(x) for x in _style.dash_pattern(dash, width))}"' if dash else ""
    return (
        f'<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" '
        f'stroke="{color}" stroke-opacity="{opacity}" stroke-width="{width}"{d}/></svg>'
    )


def _shape(kind: str, cx: float, cy: float, r: float, attrs: str) -> str:
    pts = _style.marker_points(kind, r)
    if not pts:
        return f'<circle cx="{cx}" cy="{cy}" r="{r:.2f}" {attrs}/>'
    return f'<polygon points="{" ".join(f"{cx + x:.2f},{cy + y:.2f}" for x, y in pts)}" {attrs}/>'


def _swatch(entry: dict[str, Any], status: str = "retained") -> str:
    """A key entry drawn as in the view: line to the person, double outline, marker, glyph."""
    if entry.get("tie"):
        return _swatch_line(_style.TIE["color"], [], 2.5, 0.8)
    v = _style.VALENCE[entry["valence"] or "unknown"]
    st = _style.STATUS[status]
    r, cx, cy, ow = 6.0, 23.0, 10.0, 1.3 * st["width"]
    parts = ["<svg width='34' height='20' aria-hidden='true'>"]
    if entry.get("spoke"):
        d = _style.dash_pattern(v["dash"], 2)
        dash = f' stroke-dasharray="{" ".join(str(x) for x in d)}"' if d else ""
        parts.append(f'<line x1="0" y1="{cy}" x2="{cx}" y2="{cy}" stroke="{v["line"]}" stroke-width="2"{dash}/>')
    if entry.get("professional"):
        parts.append(
            _shape(
                entry["kind"],
                cx,
                cy,
                r * _style.PROFESSIONAL["scale"],
                f'fill="#FFFFFF" stroke="{_style.PROFESSIONAL["color"]}" stroke-width="1"',
            )
        )
    pattern = st["dash"] or (v["dash"] if entry["valence"] else [])
    d = _style.dash_pattern(pattern, ow)
    dash = f' stroke-dasharray="{" ".join(str(x) for x in d)}"' if d else ""
    fill = v["color"] if entry["valence"] else "#FFFFFF"
    parts.append(
        _shape(
            entry["kind"],
            cx,
            cy,
            r,
            f'fill="{fill}" fill-opacity="{st["opacity"]}" stroke="{st["color"]}" stroke-width="{ow}"{dash}',
        )
    )
    if entry["valence"] and v["glyph"]:
        parts.append(
            f'<text x="{cx}" y="{cy + 3.5}" text-anchor="middle" font-size="10" font-weight="700" '
            f'fill="{v["text"]}">{html.escape(v["glyph"])}</text>'
        )
    if st["badge"]:
        b = _style.BADGE
        bx, by, br = cx + b["offset"][0] * r, cy + b["offset"][1] * r, b["size"] * r
        pts = " ".join(f"{bx + x * br:.2f},{by + y * br:.2f}" for x, y in b["points"])
        parts.append(f'<polygon points="{pts}" fill="{b["color"]}" stroke="{b["edge"]}" stroke-width="0.8"/>')
    parts.append("</svg>")
    return "".join(parts)


@functools.lru_cache(maxsize=1)
def _legend() -> str:
    """Static legend (style data only: no user text): the key shared with the widget and figures."""
    esc = html.escape
    parts = ["<h2>Key</h2>"]
    for e in _style.KEY:
        parts.append(f"<div>{_swatch(e)}{esc(e['label'])}</div>")
    parts.append("<h2 id='em-since'>Since the previous map</h2>")
    for k in ("retained", "gained", "lost"):
        s = _style.STATUS[k]
        entry = {"kind": "person", "valence": "supportive", "professional": False}
        parts.append(f"<div>{_swatch(entry, k)}{esc(s['label'])}</div>")
    for k in ("inward", "outward"):
        mv = _style.MOVED[k]
        parts.append(f"<div><span style='width:34px;text-align:center'>{mv['symbol']}</span>{esc(mv['label'])}</div>")
    parts.append("<h2>Ties between alters</h2>")
    parts.append(f"<div>{_swatch_line(_style.STATUS['gained']['color'], [])}New tie</div>")
    parts.append(f"<div>{_swatch_line(_style.STATUS['lost']['color'], [2, 2])}Tie gone</div>")
    return "".join(parts)


def _attr(text: str) -> str:
    """Escape ``text`` for a single-quoted HTML attribute (``&`` and ``'``).

    Escaping only what ends or changes the attribute keeps the notebook output
    small (the page is full of double quotes).
    """
    return text.replace("&", "&amp;").replace("'", "&#39;")


class InlinePage:
    """A self-contained HTML page that displays itself inline in a notebook.

    The page goes into an ``<iframe srcdoc>`` inside a ``<div>``: no file,
    no URL, so it works in JupyterLab, Voilà and the classic notebook alike.
    The text inside the iframe element is never shown by a browser; it shows
    only where the iframe is removed, as JupyterLab does with the outputs of
    a saved notebook that is not trusted.
    """

    #: CSS class of the wrapping ``<div>``.
    css_class = "egomap-page"
    #: What is shown, for the message in an untrusted notebook.
    what = "The page"

    def __init__(self, page: str, heading: str, frame_height: int) -> None:
        self.html = page
        self.heading = heading
        self.frame_height = frame_height

    def _repr_html_(self) -> str:
        untrusted = (
            f"{self.what} is not shown because this notebook is not trusted: run the cell again "
            "(or trust the notebook) to see it."
        )
        return (
            f'<div class="{self.css_class}" style="width:100%">'
            f"<iframe srcdoc='{_attr(self.html)}' title=\"{html.escape(self.heading, quote=True)}\" "
            f'sandbox="allow-scripts" style="width:100%;height:{self.frame_height}px;border:0" loading="eager">'
            f"{untrusted}</iframe></div>"
        )

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (an ``.html`` file that works offline); return the path."""
        p = Path(path)
        p.write_text(self.html, encoding="utf-8")
        return p


class ChangeView(InlinePage):
    """An interactive change view (an HTML page) that displays itself in a notebook.

    Attributes
    ----------
    html : str
        The complete, self-contained HTML page.
    labels : list of str
        The views the viewer can step through: one per map, then the combined view.
    """

    css_class = "egomap-change-view"
    what = "The change view"

    def __init__(self, page: str, labels: list[str], heading: str, height: int) -> None:
        super().__init__(page, heading, height + 90)
        self.labels = labels
        self.height = height

    def __repr__(self) -> str:
        return f"<ChangeView {self.heading!r}: {len(self.labels)} views, {len(self.html)} characters>"


def change_network(
    person_or_maps: Person | Sequence[Map],
    label_mode: str = "names",
    *,
    heading: str | None = None,
    height: int = 620,
    stable: bool = True,
    combined: bool = True,
) -> ChangeView:
    """The network across time points, as one interactive view (vis-network, via pyvis).

    Alters sit at their places on the rings and sectors (no physics), and an
    alter who stays in the same sector keeps the same angle from one time
    point to the next. Buttons (or the arrow keys) step through the time
    points and a combined view of all of them. Marker shape shows the kind of
    alter, fill colour and the line to the person show valence, and the
    outline shows whether the alter is new (thick, blue, with a star), still
    there (thin) or gone (dashed, faded ghost where they were); ▲/▼ mark
    moves closer or further out. Hover over an alter for details, shown as plain text.

    Parameters
    ----------
    person_or_maps : Person or list of Map
        A person (all their maps in time order) or some maps of one person.
    label_mode : {"names", "initials", "hidden"}
        How alters are labelled. With ``"initials"`` and ``"hidden"`` the
        hover text leaves out names and notes as well.
    heading : str, optional
        Heading above the view (escaped). Default: the person's id.
    height : int
        Height of the network area in pixels.
    stable : bool
        Keep an alter's angle from map to map while they stay in a sector.
    combined : bool
        Add the combined view of all time points.

    Returns
    -------
    ChangeView
        Displays itself in a notebook; ``.html`` is the page, ``.save(path)`` writes it.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> view = em.viz.change_network(p, label_mode="hidden", heading="Jamie's network")
    >>> view.labels[-1], "Marcus" in view.html
    ('All time points', False)
    """
    mode = _style.check_label_mode(label_mode)
    maps = resolve_maps(person_or_maps)
    if not isinstance(height, int) or isinstance(height, bool) or not 200 <= height <= 4000:
        raise ValidationError(f"height must be a whole number of pixels 200..4000, got {height!r}", field="height")
    person = maps[0].person
    who = person.display_name or person.id
    ego = _style.display_label(who, mode) if mode != "hidden" else "Person"
    title = (
        heading
        if heading is not None
        else f"{person.id}: network across {len(maps)} time point{'' if len(maps) == 1 else 's'}"
    )
    # short, deterministic node keys (alter ids are random and long)
    keys: dict[str, str] = {}
    for mm in maps:
        for alt in mm.alters:
            keys.setdefault(alt.id, f"a{len(keys)}")
    views = [_view(fr, mode, ego, keys) for fr in frames(maps, stable)]
    if combined and len(maps) > 1:
        views.append(_view(combined_frame(maps, stable), mode, ego, keys, maps))
    data = {"scale": SCALE, "style": _style.as_dict(), "views": views}
    esc = html.escape
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS % {'height': height}}</style>"
        f"<script>{vis_network_js()}</script></head><body>"
        f'<div class="em-head"><h1 id="em-heading">{esc(title)}</h1>'
        '<div class="em-steps" id="em-steps" role="tablist" aria-label="Time points"></div></div>'
        f'<div class="em-main"><div id="em-net"></div><div class="em-legend">{_legend()}</div></div>'
        '<p id="em-caption"></p>'
        f'<script type="application/json" id="em-data">{script_json(data)}</script>'
        f"<script>\n{change_view_js()}</script></body></html>\n"
    )
    return ChangeView(page, [v["label"] for v in views], title, height)
