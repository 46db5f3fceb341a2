"""Draw a map snapshot without a browser: SVG text and PNG (matplotlib).

The widget front-end (``static/map.js``) and this module draw the same
picture from the same snapshot (see :func:`egomap.widget.widget.snapshot`):
the same view box, ring bands, sector lines, marker shapes and colours. All
positions come from the snapshot, which is built with :mod:`egomap.schemes`.

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
from collections.abc import Mapping
from xml.sax.saxutils import escape

__all__ = [
    "VIEW",
    "VIEW_HEIGHT",
    "MAP_RADIUS",
    "MARKER",
    "VALENCE_STYLE",
    "RING_FILLS",
    "display_label",
    "wrap",
    "xy",
    "shape_points",
    "to_svg",
    "save_png",
]

#: Width and height of the SVG view box (the map is centred on 0, 0).
VIEW = 1060
VIEW_HEIGHT = 880
#: Radius of the map's outer edge in view-box units.
MAP_RADIUS = 350
#: Radius of an alter marker in view-box units.
MARKER = 19

#: Okabe-Ito colour-blind-safe colours; valence is also shown by the outline
#: dash pattern and by a glyph inside the marker, never by colour alone.
VALENCE_STYLE: dict[str, dict[str, str]] = {
    "supportive": {"stroke": "#0072B2", "fill": "#D5E8F4", "dash": "", "glyph": "+"},
    "mixed": {"stroke": "#B07700", "fill": "#FBEBC7", "dash": "7 4", "glyph": "~"},
    "stressful": {"stroke": "#D55E00", "fill": "#F8DCCA", "dash": "2.5 3.5", "glyph": "!"},
    "": {"stroke": "#5F6B76", "fill": "#FFFFFF", "dash": "", "glyph": ""},
}
#: Fills of the ring bands, innermost first (they alternate).
RING_FILLS = ("#EAF0F6", "#F7F9FB")
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def display_label(alter: Mapping, mode: str = "names") -> str:
    """The text shown under a marker: the label, initials, or the alter's number.

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


def wrap(text: str, width: int = 14) -> list[str]:
    """Split a sector label into at most two lines at the space nearest the middle.

    Examples
    --------
    >>> wrap("Services and professionals")
    ['Services and', 'professionals']
    >>> wrap("Family")
    ['Family']
    """
    if len(text) <= width or " " not in text:
        return [text]
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def xy(angle: float, radius: float) -> tuple[float, float]:
    """View-box ``(x, y)`` of a position (y points down, as in SVG)."""
    t = math.radians(angle)
    return radius * MAP_RADIUS * math.sin(t), -radius * MAP_RADIUS * math.cos(t)


def shape_points(kind: str, s: float = MARKER) -> list[tuple[float, float]] | None:
    """Corner points of the marker for ``kind`` around (0, 0); ``None`` means a circle.

    person: circle; group: hexagon; organisation: square; online: diamond; pet: triangle.
    """
    if kind == "organisation":
        k = s * 0.9
        return [(-k, -k), (k, -k), (k, k), (-k, k)]
    if kind == "online":
        k = s * 1.2
        return [(0, -k), (k, 0), (0, k), (-k, 0)]
    if kind == "group":
        k = s * 1.08
        return [(k * math.cos(math.radians(a)), k * math.sin(math.radians(a))) for a in range(0, 360, 60)]
    if kind == "pet":
        k = s * 1.25
        return [(0, -k), (k * 0.95, k * 0.7), (-k * 0.95, k * 0.7)]
    return None


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _shape_svg(kind: str, x: float, y: float, s: float, attrs: str) -> str:
    pts = shape_points(kind, s)
    if pts is None:
        return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(s)}" {attrs}/>'
    p = " ".join(f"{_fmt(x + a)},{_fmt(y + b)}" for a, b in pts)
    return f'<polygon points="{p}" {attrs}/>'


def _style(alter: Mapping) -> dict[str, str]:
    return VALENCE_STYLE.get(alter.get("valence") or "", VALENCE_STYLE[""])


def to_svg(data: Mapping, label_mode: str = "names", *, size: int = 800) -> str:
    """A standalone SVG document of a map snapshot.

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
    w, h = VIEW / 2, VIEW_HEIGHT / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{round(size * VIEW_HEIGHT / VIEW)}" '
        f'viewBox="{-w} {-h} {VIEW} {VIEW_HEIGHT}" font-family="{escape(_FONT, {chr(34): "&quot;"})}">',
        f"<title>{escape(data['map']['title'])}</title>",
        f'<rect x="{-w}" y="{-h}" width="{VIEW}" height="{VIEW_HEIGHT}" fill="#FFFFFF"/>',
    ]
    for ring in reversed(data["rings"]):
        out.append(
            f'<circle cx="0" cy="0" r="{_fmt(ring["outer"] * MAP_RADIUS)}" '
            f'fill="{RING_FILLS[ring["index"] % 2]}" stroke="#8795A1" stroke-width="2"/>'
        )
    centre = data["centre"] * MAP_RADIUS
    if len(data["sectors"]) > 1:
        for sec in data["sectors"]:
            x0, y0 = xy(sec["start"], data["centre"])
            x1, y1 = xy(sec["start"], 1.0)
            out.append(
                f'<line x1="{_fmt(x0)}" y1="{_fmt(y0)}" x2="{_fmt(x1)}" y2="{_fmt(y1)}" '
                'stroke="#8795A1" stroke-width="2" stroke-dasharray="8 6"/>'
            )
    for sec in data["sectors"]:
        if len(data["sectors"]) == 1:
            break
        x, y = xy(sec["mid"], 1.08)
        anchor = "middle" if abs(x) < 40 else ("start" if x > 0 else "end")
        lines = wrap(sec["label"])
        y0 = y + 7 - 12 * (len(lines) - 1)
        spans = "".join(
            f'<tspan x="{_fmt(x)}" y="{_fmt(y0 + 24 * i)}">{escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        out.append(f'<text text-anchor="{anchor}" font-size="21" font-weight="600" fill="#2F3E46">{spans}</text>')
    for ring in data["rings"]:
        y = -(ring["inner"] + ring["outer"]) / 2 * MAP_RADIUS
        out.append(
            f'<text x="6" y="{_fmt(y + 6)}" font-size="16" fill="#52606D" font-style="italic">'
            f"{escape(ring['label'])}</text>"
        )
    out.append(f'<circle cx="0" cy="0" r="{_fmt(centre)}" fill="#2F3E46"/>')
    out.append(
        f'<text x="0" y="7" text-anchor="middle" font-size="21" font-weight="700" fill="#FFFFFF">'
        f"{escape(data['person_label'])}</text>"
    )
    pos = {a["id"]: xy(a["angle"], a["radius"]) for a in data["alters"]}
    for a, b in data["ties"]:
        if a in pos and b in pos:
            (x1, y1), (x2, y2) = pos[a], pos[b]
            out.append(
                f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
                'stroke="#3E4C59" stroke-opacity="0.55" stroke-width="2.5"/>'
            )
    for alter in data["alters"]:
        x, y = pos[alter["id"]]
        st = _style(alter)
        dash = f' stroke-dasharray="{st["dash"]}"' if st["dash"] else ""
        if alter["is_professional"]:
            out.append(_shape_svg(alter["kind"], x, y, MARKER + 6, 'fill="none" stroke="#1F2933" stroke-width="2.5"'))
        out.append(
            _shape_svg(
                alter["kind"], x, y, MARKER, f'fill="{st["fill"]}" stroke="{st["stroke"]}" stroke-width="4"{dash}'
            )
        )
        if st["glyph"]:
            out.append(
                f'<text x="{_fmt(x)}" y="{_fmt(y + 7)}" text-anchor="middle" font-size="20" font-weight="700" '
                f'fill="{st["stroke"]}">{escape(st["glyph"])}</text>'
            )
        out.append(
            f'<text x="{_fmt(x)}" y="{_fmt(y + MARKER + 24)}" text-anchor="middle" font-size="19" '
            'font-weight="600" fill="#1F2933" stroke="#FFFFFF" stroke-width="5" paint-order="stroke" '
            f'stroke-linejoin="round">{escape(display_label(alter, label_mode))}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def save_png(data: Mapping, path: str | os.PathLike, label_mode: str = "names", *, dpi: int = 150) -> None:
    """Draw a map snapshot with matplotlib and save it as PNG (no browser needed).

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
    from matplotlib import patheffects
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Polygon

    fig = Figure(figsize=(6, 6 * VIEW_HEIGHT / VIEW), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    w, h = VIEW / 2, VIEW_HEIGHT / 2
    ax.set_xlim(-w, w)
    ax.set_ylim(h, -h)  # y down, as in SVG
    ax.set_aspect("equal")
    ax.axis("off")
    pt = 6 * 72 / VIEW  # font size in points per view-box unit

    for ring in reversed(data["rings"]):
        ax.add_patch(
            Circle((0, 0), ring["outer"] * MAP_RADIUS, facecolor=RING_FILLS[ring["index"] % 2], edgecolor="#8795A1")
        )
    if len(data["sectors"]) > 1:
        for sec in data["sectors"]:
            (x0, y0), (x1, y1) = xy(sec["start"], data["centre"]), xy(sec["start"], 1.0)
            ax.plot([x0, x1], [y0, y1], color="#8795A1", linestyle=(0, (4, 3)), linewidth=1)
        for sec in data["sectors"]:
            x, y = xy(sec["mid"], 1.08)
            ha = "center" if abs(x) < 40 else ("left" if x > 0 else "right")
            ax.text(
                x,
                y,
                "\n".join(wrap(sec["label"])),
                ha=ha,
                ma=ha,
                va="center",
                fontsize=21 * pt,
                weight="bold",
                color="#2F3E46",
            )
    for ring in data["rings"]:
        y = -(ring["inner"] + ring["outer"]) / 2 * MAP_RADIUS
        ax.text(6, y, ring["label"], va="center", fontsize=16 * pt, style="italic", color="#52606D")
    ax.add_patch(Circle((0, 0), data["centre"] * MAP_RADIUS, color="#2F3E46"))
    ax.text(0, 0, data["person_label"], ha="center", va="center", fontsize=21 * pt, weight="bold", color="white")
    pos = {a["id"]: xy(a["angle"], a["radius"]) for a in data["alters"]}
    for a, b in data["ties"]:
        if a in pos and b in pos:
            ax.plot(*zip(pos[a], pos[b]), color="#3E4C59", alpha=0.55, linewidth=1.3, zorder=2)
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for alter in data["alters"]:
        x, y = pos[alter["id"]]
        st = _style(alter)
        dash = (0, tuple(float(v) / 2 for v in st["dash"].split())) if st["dash"] else "solid"

        def patch(s, kind=alter["kind"], x=x, y=y, **kw):
            pts = shape_points(kind, s)
            if pts is None:
                return Circle((x, y), s, **kw)
            return Polygon([(x + a, y + b) for a, b in pts], closed=True, **kw)

        if alter["is_professional"]:
            ax.add_patch(patch(MARKER + 6, facecolor="none", edgecolor="#1F2933", linewidth=1.3, zorder=3))
        ax.add_patch(patch(MARKER, facecolor=st["fill"], edgecolor=st["stroke"], linewidth=2, linestyle=dash, zorder=4))
        if st["glyph"]:
            ax.text(
                x,
                y,
                st["glyph"],
                ha="center",
                va="center",
                fontsize=20 * pt,
                weight="bold",
                color=st["stroke"],
                zorder=5,
            )
        ax.text(
            x,
            y + MARKER + 16,
            display_label(alter, label_mode),
            ha="center",
            va="center",
            fontsize=19 * pt,
            weight="bold",
            color="#1F2933",
            path_effects=halo,
            zorder=5,
        )
    fig.savefig(os.fspath(path), format="png", facecolor="white")
