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

from egomap import schemes as _schemes
from egomap.errors import ValidationError
from egomap.files import write_text
from egomap.geometry import place_labels, polar_to_xy, text_width, wrap
from egomap.model import Map, Person
from egomap.viz import style as _style
from egomap.viz._layout import (
    LABEL_CLEARANCE,
    TAGGED_REACH,
    Frame,
    Item,
    combined_frame,
    frames,
    label_obstacles,
    marker_reach,
    resolve_maps,
)
from egomap.viz.change_view import COLUMNS, LIST_HEIGHT, person_row, row_order, tie_title
from egomap.viz.change_view import page as change_page
from egomap.viz.marks import capital_counts, capital_of, check_marks

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


def _node(item: Item, m: Map, mode: str, maps: Sequence[Map] | None, key: str, mark: tuple[str, ...] = ()) -> dict:
    """Compact node data; the page's script turns it into a vis-network node using the style.

    ``r`` is the person's row in the list of people (:func:`person_row`); the page makes the
    hover text from it as :func:`hover_text` does. With ``mark``: ``c``, the kind of social
    capital (a tag), and ``n``, the number of resource items they could help with (a disc).
    """
    a, p = item.alter, item.placement
    row = person_row(item, m, mode, maps, mark)
    x, y = polar_to_xy(item.angle, item.radius)
    node: dict[str, Any] = {
        "i": key,
        "l": _style.display_label(a.label, mode),
        "x": round(x * SCALE, 1),
        "y": round(-y * SCALE, 1),
        "k": _style.marker_key(a.kind),
        "v": _style.valence_key(p.valence),
        "s": "retained" if item.status == "present" else item.status,
        "r": row,
    }
    if a.is_professional:
        node["p"] = 1
    if item.shift:
        node["m"] = "inward" if item.shift < 0 else "outward"
    if "capital" in mark:
        node["c"] = capital_of(item)[0]
    if "resources" in mark and item.source is not None:
        n = len(item.source.resources_of(a.id))
        if n:
            node["n"] = n
    return node


def _place_labels(
    nodes: list[dict], reach: list[float], obstacles: list[tuple[float, float, float, float]], tagged: bool = False
) -> None:
    """Give each node ``lx``/``ly``: its label's centre relative to the node, so labels do not overlap.

    ``reach`` is each marker's half-width and ``obstacles`` the boxes of the
    person's disc and the ring and sector labels, in map units (y down). With
    ``tagged`` (capital or resource marks shown) labels keep clear of the tags too.
    """
    if tagged:
        reach = [max(r, TAGGED_REACH) for r in reach]
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


def _view(
    frame: Frame,
    mode: str,
    ego: str,
    keys: dict[str, str],
    maps: Sequence[Map] | None = None,
    mark: tuple[str, ...] = (),
) -> dict:
    """One step of the view; ``maps`` is given for the combined view of all of them."""
    m = frame.map
    counts = {s: sum(1 for it in frame.items if it.status == s) for s in ("gained", "lost")}
    moved = sum(1 for it in frame.items if it.shift)
    on_map = sum(1 for it in frame.items if it.status != "lost")
    if maps is not None:
        since: str | None = f"From {maps[0].label} to {maps[-1].label}"
    else:
        since = f"Since {frame.previous}" if frame.previous is not None else None
    nodes = [_node(it, m, mode, maps, keys[it.alter.id], mark) for it in frame.items]
    _place_labels(
        nodes,
        [marker_reach(it.alter) for it in frame.items],
        label_obstacles(
            [(m.rings.band(i)[1], r.label) for i, r in enumerate(m.rings.rings)],
            [(m.sectors.mid(k), m.sectors.label(k)) for k in m.sectors.keys] if len(m.sectors) > 1 else [],
            _style.SIZE["ring_font"],
            _style.SIZE["sector_font"],
        ),
        bool(mark),
    )
    return {
        "label": frame.label,
        "caption": _caption(frame, maps, on_map, counts["gained"], counts["lost"], moved)
        + ("" if maps is not None else _mark_caption(frame, mark)),
        "since": "Since the first map" if maps is not None else "Since the previous map",
        "people": "Everyone on any map" if maps is not None else f"People at {frame.label}",
        "changed": f"What changed ({since[0].lower()}{since[1:]})" if since else COLUMNS[1],
        "rows": row_order(frame.items),
        "hover_since": since,
        "ego": ego,
        "geometry": _geometry(m),
        "nodes": nodes,
        "edges": [
            [*sorted((keys[a], keys[b]), key=_key_order), _TIE_CODES[s], tie_title(frame, a, b, s)]
            for a, b, s in frame.ties
        ],
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


def _mark_caption(frame: Frame, mark: tuple[str, ...]) -> str:
    """What the capital and resource marks add up to on the frame's map."""
    parts = []
    if "capital" in mark:
        counts = capital_counts(frame.items)
        parts.append(", ".join(f"{n} {k}" for k, n in counts.items()))
    if "resources" in mark:
        asked = frame.map.resources
        if asked:
            reached = sum(1 for who in asked.values() if who)
            parts.append(f"someone could help with {reached} of the {len(asked)} resource items asked")
        else:
            parts.append("no resource items asked")
    return "".join(f" - {p}" for p in parts)


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

#: The page script, a plain file beside this module (see :func:`change_view_js`).
_JS_FILE = "change_view.js"


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
        """Write the page to ``path`` (an ``.html`` file that works offline, owner-only); return the path."""
        return write_text(path, self.html)


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

    def __init__(self, page: str, labels: list[str], heading: str, height: int, rows: int = 0, extra: int = 0) -> None:
        # the map and its tabs and summary, then the list of people (``rows`` at most; it scrolls past LIST_HEIGHT);
        # ``extra``: room for a key longer than the map is high (the capital and resource marks)
        super().__init__(page, heading, height + extra + 90 + 80 + min(LIST_HEIGHT, 34 + 40 * rows))
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
    mark: str | Sequence[str] | None = None,
) -> ChangeView:
    """The network across time points, as one interactive view (vis-network, via pyvis).

    Alters sit at their places on the rings and sectors (no physics), and an
    alter who stays in the same sector keeps the same angle from one time
    point to the next. Tabs (or the arrow keys) step through the time
    points and a combined view of all of them. Marker shape shows the kind of
    alter, fill colour and the line to the person show valence, and the
    outline shows whether the alter is new (thick, blue, with a star), still
    there (thin) or gone (dashed, faded ghost where they were); ▲/▼ mark
    moves closer or further out. Hover over an alter for details, shown as plain text.

    Below the map, a list of the people at the time point says the same in
    words, for the keyboard and screen readers: who, what changed ("new",
    "moved one circle closer, into Inner circle"), where, how it feels and
    the other details (see :mod:`egomap.viz.change_view`). Tab to it, then
    ↑/↓ go from person to person, and the person is ringed on the map.

    ``mark="capital"`` adds a tag at each marker's lower right with the kind
    of social capital the alter brings (bonding ●, bridging ↔, linking ↑);
    ``mark="resources"`` a dark disc at the upper left with the number of
    resource items they could help with; the key, the summary line, the
    hover text and the list of people say the same (see :mod:`egomap.viz.marks`).

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
    mark : {None, "capital", "resources"} or list of them
        Marks besides change: social capital tags, resource counts, or both.

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
    >>> "Bridging" in em.viz.change_network(p, mark="capital").html
    True
    """
    mode = _style.check_label_mode(label_mode)
    marks = check_marks(mark)
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
    views = [_view(fr, mode, ego, keys, None, marks) for fr in frames(maps, stable)]
    if combined and len(maps) > 1:
        views.append(_view(combined_frame(maps, stable), mode, ego, keys, maps, marks))
    data = {"scale": SCALE, "style": _style.as_dict(), "feels": COLUMNS[3], "views": views}
    page = change_page(title, script_json(data), (vis_network_js(), change_view_js()), height, marks)
    rows = max(len(v["nodes"]) for v in views)
    extra = max(0, 500 + 130 * ("capital" in marks) + 45 * ("resources" in marks) - height) if marks else 0
    return ChangeView(page, [v["label"] for v in views], title, height, rows, extra)
