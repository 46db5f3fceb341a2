"""Draw a map snapshot without a browser: SVG text and PNG (matplotlib).

The widget front-end (``static/map.js``), this module and the figures in
:mod:`egomap.viz` draw the same picture: the look (colours, sizes, marker
shapes, dashes, glyphs) is the plain data in :mod:`egomap.viz.style`, which
the snapshot carries to the front-end, and labels of close markers are
moved apart with :func:`egomap.geometry.place_labels`, here only
(:func:`label_places`): the snapshot carries the places for every label
mode and the front-end draws its labels there. All positions come from the
snapshot, which is built with :mod:`egomap.schemes`.

User text (labels, the person's label, scheme labels) is escaped for XML,
so a label such as ``<img src=x onerror=alert(1)>`` is shown as text.

Examples
--------
>>> import egomap as em
>>> from egomap.widget.widget import snapshot
>>> from egomap.widget.render import to_svg
>>> m = em.Person("R-1").new_map("Baseline")
>>> _ = m.add_alter("<b>Mum</b>", ring=0, sector="household")
>>> svg = to_svg(snapshot(m))
>>> "&lt;b&gt;Mum&lt;/b&gt;" in svg and "<b>" not in svg
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from egomap.geometry import place_labels, polar_to_xy, text_width, wrap
from egomap.viz import style as _style

__all__ = [
    "VIEW",
    "VIEW_HEIGHT",
    "MAP_RADIUS",
    "MARKER",
    "MARKER_FLOOR",
    "FAR_LABELS_UP_TO",
    "marker_radius",
    "marker_scales",
    "display_label",
    "person_text",
    "wrap",
    "xy",
    "shape_points",
    "label_centres",
    "label_places",
    "label_size",
    "needs_leader",
    "leader_line",
    "ring_label_boxes",
    "to_svg",
    "save_png",
]

#: Width and height of the SVG view box (the map is centred on 0, 0).
VIEW = 1060
VIEW_HEIGHT = 880
#: Radius of the map's outer edge in view-box units.
MAP_RADIUS = 350
#: Radius of an alter marker in view-box units.
MARKER = _style.SIZE["marker"] * MAP_RADIUS
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _px(key: str) -> float:
    """A size from :data:`egomap.viz.style.SIZE` in view-box units."""
    return _style.SIZE[key] * MAP_RADIUS


def person_text(data: Mapping, mode: str = "names") -> str:
    """The text in the centre: the person's name (or id), initials, or nothing with numbers only.

    Examples
    --------
    >>> d = {"person_label": "Jamie Smith", "person_initials": "JS"}
    >>> person_text(d), person_text(d, "initials"), person_text(d, "hidden")
    ('Jamie Smith', 'JS', '')
    """
    if mode == "initials":
        return data.get("person_initials", "")
    if mode == "hidden":
        return ""
    return data["person_label"]


def display_label(alter: Mapping, mode: str = "names") -> str:
    """The text shown next to a marker: the label, initials, or the alter's number.

    Examples
    --------
    >>> display_label({"label": "Dr Okafor", "initials": "DO", "n": 3}, "initials")
    'DO'
    >>> display_label({"label": "Dr Okafor", "initials": "DO", "n": 3}, "hidden")
    '3'
    """
    if mode == "initials":
        return alter["initials"]
    if mode == "hidden":
        return str(alter["n"])
    return alter["label"]


def xy(angle: float, radius: float) -> tuple[float, float]:
    """View-box ``(x, y)`` of a position (y points down, as in SVG)."""
    x, y = polar_to_xy(angle, radius * MAP_RADIUS)
    return x, -y


def shape_points(kind: str, s: float = MARKER) -> list[tuple[float, float]] | None:
    """Corner points of the marker for ``kind`` around (0, 0); ``None`` means a circle.

    person: circle; group: hexagon; organisation: square; online: diamond; pet: triangle.

    Examples
    --------
    >>> shape_points("person") is None, len(shape_points("group"))
    (True, 6)
    """
    return _style.marker_points(kind, s) or None


#: Names are tried further from their markers (with a leader line) on maps of up to this many people; a
#: bigger map (a research import, not drawn in a session) keeps the near places only, to stay fast.
FAR_LABELS_UP_TO = 60
#: The smallest a marker is drawn in a crowded cell (times its full size).
MARKER_FLOOR = 0.55


def marker_radius(alter: Mapping) -> float:
    """An alter's marker radius at full size, view-box units (the outer outline for professionals)."""
    return MARKER * (_style.PROFESSIONAL["scale"] if alter.get("is_professional") else 1.0)


def marker_scales(data: Mapping) -> list[float]:
    """How large each alter's marker is drawn (1 = full size), so that markers never overlap.

    A marker shrinks (down to :data:`MARKER_FLOOR`) only when another marker,
    or the person's disc, is closer than two full-size markers would need.

    Examples
    --------
    >>> d = {"centre": 0.15, "alters": [{"angle": 90.0, "radius": 0.5}, {"angle": 90.0, "radius": 0.565},
    ...      {"angle": 270.0, "radius": 0.6}]}
    >>> [round(s, 2) for s in marker_scales(d)]
    [0.6, 0.6, 1.0]
    """
    alters = data["alters"]
    pts = [xy(a["angle"], a["radius"]) for a in alters]
    radii = [marker_radius(a) for a in alters]
    centre = data["centre"] * MAP_RADIUS
    reach = 2 * max(radii, default=MARKER)  # markers farther apart than this never touch
    grid: dict[tuple[int, int], list[int]] = {}
    for j, (x, y) in enumerate(pts):
        grid.setdefault((math.floor(x / reach), math.floor(y / reach)), []).append(j)
    out = []
    for i, ((x, y), r) in enumerate(zip(pts, radii)):
        s = min(1.0, (math.hypot(x, y) - centre - 1.0) / r)
        kx, ky = math.floor(x / reach), math.floor(y / reach)
        for j in (j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in grid.get((kx + dx, ky + dy), ())):
            (x2, y2), r2 = pts[j], radii[j]
            if j != i and abs(x2 - x) < r + r2 and abs(y2 - y) < r + r2:
                s = min(s, (math.hypot(x2 - x, y2 - y) - 1.0) / (r + r2))
        out.append(round(max(MARKER_FLOOR, s), 3))
    return out


def ring_label_boxes(rings: Sequence[Mapping]) -> list[tuple[float, float, float, float]]:
    """Boxes (view-box units) around the ring labels drawn up the 12 o'clock line.

    Examples
    --------
    >>> box = ring_label_boxes([{"label": "Inner circle", "inner": 0.15, "outer": 0.43}])[0]
    >>> box[0] == round(_style.RING["label_x"] * MAP_RADIUS, 2) and box[1] < -0.29 * MAP_RADIUS < box[3]
    True
    """
    font = _px("screen_ring_font")
    out = []
    for r in rings:
        y = -(r["inner"] + r["outer"]) / 2 * MAP_RADIUS
        x = round(_style.RING["label_x"] * MAP_RADIUS, 2)
        out.append((x, y - 0.6 * font, x + 0.9 * text_width(r["label"], font), y + 0.6 * font))
    return out


def label_size(text: str) -> tuple[float, float]:
    """A name's box as drawn in the widget (view-box units): the estimated width with a margin, and the line height.

    Examples
    --------
    >>> w, h = label_size("Mum")
    >>> w > 0 and h > 0, label_size("")
    (True, (0.0, 0.0))
    """
    if not text:
        return (0.0, 0.0)
    font = _px("screen_label_font")
    return (text_width(text, font) * 1.15 + 2.0, font * 1.22)


def label_centres(
    points: Sequence[tuple[float, float]],
    labels: Sequence[str],
    centre: float,
    rings: Sequence[Mapping] = (),
    radii: Sequence[float] | None = None,
) -> list[tuple[float, float]]:
    """Where labels go (view-box units), so that labels do not overlap each other or any marker.

    Estimated text widths, then :func:`egomap.geometry.place_labels` (with
    its further places, for crowded cells), keeping clear of the person's
    disc and of the ring labels (``rings`` as in a snapshot). ``radii``:
    each marker's drawn radius (default: full size).
    """
    c = centre * MAP_RADIUS + 2.0
    # the person's disc, as three boxes (a square inside it, and a wide and a tall bar)
    disc = [(-0.75 * c, -0.75 * c, 0.75 * c, 0.75 * c), (-c, -0.45 * c, c, 0.45 * c), (-0.45 * c, -c, 0.45 * c, c)]
    return place_labels(
        points,
        [label_size(t) for t in labels],
        [r * 1.05 for r in radii] if radii is not None else MARKER * 1.05,
        _px("label_gap"),
        obstacles=[*disc, *ring_label_boxes(rings)],
        far=len(points) <= FAR_LABELS_UP_TO,
    )


def label_places(data: Mapping, label_mode: str = "names") -> list[tuple[float, float]]:
    """Where each alter's label is drawn: the text's centre ``x`` and baseline ``y`` (view-box units).

    One place per alter of the snapshot ``data``, in its order, rounded to
    0.1 as the SVG is written. :func:`to_svg` draws the labels here, and the
    snapshot carries these places for every label mode (``alters[i]["labels"]``),
    so the widget draws its labels exactly where the SVG export does.
    Markers are taken at the size they are drawn (``alters[i]["scale"]``, else
    :func:`marker_scales`).

    Examples
    --------
    >>> import egomap as em
    >>> from egomap.widget.snapshot import snapshot
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> d = snapshot(m)
    >>> label_places(d, "initials") == [tuple(d["alters"][0]["labels"]["initials"])]
    True
    """
    alters = data["alters"]
    texts = [display_label(a, label_mode) for a in alters]
    points = [xy(a["angle"], a["radius"]) for a in alters]
    scales = [a["scale"] for a in alters] if all("scale" in a for a in alters) else marker_scales(data)
    radii = [marker_radius(a) * s for a, s in zip(alters, scales)]
    lift = 0.35 * _px("screen_label_font")  # from the box's centre to the text's baseline
    return [
        (round(cx, 1), round(cy + lift, 1))
        for cx, cy in label_centres(points, texts, data["centre"], data.get("rings", ()), radii)
    ]


def needs_leader(alter: Mapping, place: Sequence[float], text: str) -> bool:
    """Whether a label placed at ``place`` (centre x, baseline y) is away from its marker (draw a leader line).

    Examples
    --------
    >>> a = {"angle": 0.0, "radius": 0.5, "is_professional": False, "scale": 1.0}
    >>> x, y = xy(0.0, 0.5)
    >>> needs_leader(a, (x, y + 40), "Mum"), needs_leader(a, (x, y + 120), "Mum")
    (False, True)
    """
    font = _px("screen_label_font")
    x, y = xy(alter["angle"], alter["radius"])
    r = marker_radius(alter) * alter.get("scale", 1.0) * 1.05 + _px("label_gap")
    w, h = label_size(text)
    cx, cy = place[0], place[1] - 0.35 * font
    dx = max(abs(cx - x) - w / 2, 0.0)
    dy = max(abs(cy - y) - h / 2, 0.0)
    return math.hypot(dx, dy) > r + 0.35 * h


def leader_line(alter: Mapping, place: Sequence[float], text: str) -> tuple[float, float, float, float]:
    """A leader line from the marker's edge to the nearest point of its label's box (view-box units)."""
    font = _px("screen_label_font")
    x, y = xy(alter["angle"], alter["radius"])
    w, h = label_size(text)
    cx, cy = place[0], place[1] - 0.35 * font
    px_, py_ = min(max(x, cx - w / 2), cx + w / 2), min(max(y, cy - h / 2), cy + h / 2)
    d = math.hypot(px_ - x, py_ - y) or 1.0
    r = marker_radius(alter) * alter.get("scale", 1.0)
    return (round(x + (px_ - x) * r / d, 1), round(y + (py_ - y) * r / d, 1), round(px_, 1), round(py_, 1))


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _dash(dash: Sequence[float], width: float) -> str:
    return f' stroke-dasharray="{" ".join(_fmt(d) for d in _style.dash_pattern(dash, width))}"' if dash else ""


def _shape_svg(kind: str, x: float, y: float, s: float, attrs: str) -> str:
    pts = shape_points(kind, s)
    if pts is None:
        return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(s)}" {attrs}/>'
    p = " ".join(f"{_fmt(x + a)},{_fmt(y + b)}" for a, b in pts)
    return f'<polygon points="{p}" {attrs}/>'


def _valence(alter: Mapping) -> dict:
    return _style.VALENCE[_style.valence_key(alter.get("valence") or None)]


def to_svg(data: Mapping, label_mode: str = "names", *, size: int = 800) -> str:
    """A standalone SVG document of a map snapshot, drawn as the widget draws it.

    Parameters
    ----------
    data : mapping
        A snapshot as made by :func:`egomap.widget.widget.snapshot`.
    label_mode : {"names", "initials", "hidden"}
        How alters are labelled.
    size : int
        Width in pixels (the height follows the view box).

    Returns
    -------
    str
    """
    ring, ego, tie, label = _style.RING, _style.EGO, _style.TIE, _style.LABEL
    w, h = VIEW / 2, VIEW_HEIGHT / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{round(size * VIEW_HEIGHT / VIEW)}" '
        f'viewBox="{-w} {-h} {VIEW} {VIEW_HEIGHT}" font-family="{escape(_FONT, {chr(34): "&quot;"})}">',
        f"<title>{escape(data['map']['title'])}</title>",
        f'<rect x="{-w}" y="{-h}" width="{VIEW}" height="{VIEW_HEIGHT}" fill="#FFFFFF"/>',
    ]
    for r in reversed(data["rings"]):
        out.append(
            f'<circle cx="0" cy="0" r="{_fmt(r["outer"] * MAP_RADIUS)}" fill="{ring["fills"][r["index"] % 2]}" '
            f'stroke="{ring["line"]}" stroke-width="{_fmt(_px("ring_line"))}"/>'
        )
    centre = data["centre"] * MAP_RADIUS
    if len(data["sectors"]) > 1:
        sw = _px("sector_line")
        for sec in data["sectors"]:
            x0, y0 = xy(sec["start"], data["centre"])
            x1, y1 = xy(sec["start"], 1.0)
            out.append(
                f'<line x1="{_fmt(x0)}" y1="{_fmt(y0)}" x2="{_fmt(x1)}" y2="{_fmt(y1)}" '
                f'stroke="{ring["sector_line"]}" stroke-width="{_fmt(sw)}"{_dash(ring["sector_dash"], sw)}/>'
            )
        font = _px("sector_font")
        for sec in data["sectors"]:
            x, y = xy(sec["mid"], 1.08)
            anchor = "middle" if abs(x) < 0.12 * MAP_RADIUS else ("start" if x > 0 else "end")
            lines = wrap(sec["label"])
            y0 = y + 0.35 * font - 0.55 * font * (len(lines) - 1)
            spans = "".join(
                f'<tspan x="{_fmt(x)}" y="{_fmt(y0 + 1.1 * font * i)}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            out.append(
                f'<text text-anchor="{anchor}" font-size="{_fmt(font)}" font-weight="700" fill="{ring["text"]}">'
                f"{spans}</text>"
            )
    inner = data["centre"]
    font = _px("screen_ring_font")
    for r in data["rings"]:
        y = -(inner + r["outer"]) / 2 * MAP_RADIUS
        inner = r["outer"]
        out.append(
            f'<text x="{_fmt(_style.RING["label_x"] * MAP_RADIUS)}" y="{_fmt(y + 0.35 * font)}" font-size="{_fmt(font)}" '
            f'fill="{ring["ring_text"]}" font-style="italic">{escape(r["label"])}</text>'
        )
    pos = {a["id"]: xy(a["angle"], a["radius"]) for a in data["alters"]}
    sw = _px("spoke")
    for alter in data["alters"]:
        x, y = pos[alter["id"]]
        d = math.hypot(x, y) or 1.0
        v = _valence(alter)
        out.append(
            f'<line class="spoke" x1="{_fmt(x / d * centre)}" y1="{_fmt(y / d * centre)}" x2="{_fmt(x)}" y2="{_fmt(y)}" '
            f'stroke="{v["line"]}" stroke-opacity="{_style.SPOKE["opacity"]}" stroke-width="{_fmt(sw)}"{_dash(v["dash"], sw)}/>'
        )
    for a, b in data["ties"]:
        if a in pos and b in pos:
            (x1, y1), (x2, y2) = pos[a], pos[b]
            out.append(
                f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" stroke="{tie["color"]}" '
                f'stroke-opacity="{tie["opacity"]}" stroke-width="{_fmt(_px("tie"))}"/>'
            )
    out.append(f'<circle cx="0" cy="0" r="{_fmt(centre)}" fill="{ego["fill"]}"/>')
    font = _px("ego_font")
    out.append(
        f'<text x="0" y="{_fmt(0.35 * font)}" text-anchor="middle" font-size="{_fmt(font)}" font-weight="700" '
        f'fill="{ego["text"]}">{escape(person_text(data, label_mode))}</text>'
    )
    ow, st = _px("outline"), _style.STATUS["retained"]
    glyph_font = _px("glyph_font")
    scales = [a["scale"] for a in data["alters"]] if all("scale" in a for a in data["alters"]) else marker_scales(data)
    for alter, scale in zip(data["alters"], scales):
        x, y = pos[alter["id"]]
        v = _valence(alter)
        if alter["is_professional"]:
            out.append(
                _shape_svg(
                    alter["kind"],
                    x,
                    y,
                    MARKER * scale * _style.PROFESSIONAL["scale"],
                    f'fill="#FFFFFF" stroke="{_style.PROFESSIONAL["color"]}" '
                    f'stroke-width="{_fmt(_px("professional_outline"))}"',
                )
            )
        out.append(
            _shape_svg(
                alter["kind"],
                x,
                y,
                MARKER * scale,
                f'fill="{v["color"]}" stroke="{st["color"]}" stroke-width="{_fmt(ow)}"{_dash(v["dash"], ow)}',
            )
        )
        if v["glyph"]:
            gf = glyph_font * scale
            out.append(
                f'<text x="{_fmt(x)}" y="{_fmt(y + 0.36 * gf)}" text-anchor="middle" '
                f'font-size="{_fmt(gf)}" font-weight="700" fill="{v["text"]}">{escape(v["glyph"])}</text>'
            )
    labels = [display_label(a, label_mode) for a in data["alters"]]
    font = _px("screen_label_font")
    places = label_places(data, label_mode)
    for alter, scale, text, place in zip(data["alters"], scales, labels, places):
        if text and needs_leader({**alter, "scale": scale}, place, text):
            x1, y1, x2, y2 = leader_line({**alter, "scale": scale}, place, text)
            out.append(
                f'<line class="leader" x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
                f'stroke="{label["color"]}" stroke-width="1.5"/>'
            )
    for text, (lx, ly) in zip(labels, places):
        if not text:
            continue
        out.append(
            f'<text x="{_fmt(lx)}" y="{_fmt(ly)}" text-anchor="middle" font-size="{_fmt(font)}" '
            f'font-weight="700" fill="{label["color"]}" stroke="{label["halo"]}" '
            f'stroke-width="{_fmt(_px("label_halo"))}" paint-order="stroke" stroke-linejoin="round">'
            f"{escape(text)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def save_png(data: Mapping, path: str | os.PathLike, label_mode: str = "names", *, dpi: int = 150) -> None:
    """Draw a map snapshot with matplotlib and save it as PNG (no browser needed).

    The picture is drawn by :func:`egomap.viz.mapdraw.draw_map`, as the
    egogram is, over the widget's view box.

    Parameters
    ----------
    data : mapping
        A snapshot as made by :func:`egomap.widget.widget.snapshot`.
    path : str or path
        Where to write the PNG file.
    label_mode : {"names", "initials", "hidden"}
        How alters are labelled.
    dpi : int
        Resolution; the figure is 6 inches wide.
    """
    from matplotlib.figure import Figure

    from egomap.viz.mapdraw import Mark, Scene, draw_map, setup_axes

    fig = Figure(figsize=(6, 6 * VIEW_HEIGHT / VIEW), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    setup_axes(ax, (VIEW / 2 / MAP_RADIUS, VIEW_HEIGHT / 2 / MAP_RADIUS))
    sectors = data["sectors"]
    scene = Scene(
        data["centre"],
        [(r["outer"], r["label"]) for r in data["rings"]],
        [(s["start"], s["mid"], s["label"]) for s in sectors] if len(sectors) > 1 else [],
        person_text(data, label_mode),
    )
    marks = []
    for a in data["alters"]:
        x, y = polar_to_xy(a["angle"], a["radius"])
        marks.append(
            Mark(
                a["id"],
                x,
                y,
                _style.marker_key(a["kind"]),
                bool(a["is_professional"]),
                _style.valence_key(a.get("valence") or None),
                display_label(a, label_mode),
            )
        )
    draw_map(ax, scene, marks, [(a, b, "present") for a, b in data["ties"]])
    fig.savefig(os.fspath(path), format="png", facecolor="white")
