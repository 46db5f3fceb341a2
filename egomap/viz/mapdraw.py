"""Drawing one map with matplotlib: rings, sectors, lines, markers and labels.

Used by the figures in :mod:`egomap.viz.figures` and by the widget's PNG
(:func:`egomap.widget.render.save_png`). Everything is drawn in map units
(the outer ring has radius 1, y up) and every size comes from
:data:`egomap.viz.style.SIZE`, converted to points with the axes' scale, so
that a figure looks like the widget at any size. User text is never read as
mathtext.

Examples
--------
>>> from matplotlib.figure import Figure
>>> from egomap.viz.mapdraw import Mark, Scene, draw_map, setup_axes
>>> fig = Figure(figsize=(4, 4))
>>> ax = fig.add_axes((0, 0, 1, 1))
>>> setup_axes(ax)
>>> scene = Scene(0.15, [(0.5, "Inner"), (1.0, "Outer")], [], "Jo")
>>> draw_map(ax, scene, [Mark("a", 0.0, 0.3, "person", False, "supportive", "Mum")])
>>> [t.get_text() for t in ax.texts if t.get_gid() == "alter-label"]
['Mum']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle
from matplotlib.path import Path
from matplotlib.text import Text

from egomap import schemes as _schemes
from egomap.geometry import place_labels, polar_to_xy, wrap
from egomap.model import Map
from egomap.viz import style as _style
from egomap.viz._layout import LABEL_CLEARANCE, TAGGED_REACH, Item, label_obstacles, marker_reach
from egomap.viz.marks import capital_of

__all__ = [
    "Mark",
    "Scene",
    "scene_of",
    "points_per_unit",
    "marker_path",
    "badge_path",
    "frame_marks",
    "setup_axes",
    "draw_map",
    "plain_text",
    "line_style",
]

_RING_FLOOR = 5.0  # smallest ring label, points
_SECTOR_FLOOR = 6.5  # smallest sector label, points


def plain_text(ax: Axes, x: float, y: float, s: str, **kw: Any) -> Text:
    """``ax.text`` with user text never read as mathtext.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> plain_text(Figure().add_subplot(), 0, 0, "$5 & $6").get_text()
    '$5 & $6'
    """
    return ax.text(x, y, s, parse_math=False, **kw)


def line_style(dash: Sequence[float]) -> Any:
    """A matplotlib line style from a dash pattern in multiples of the line width (``[]``: solid).

    Examples
    --------
    >>> line_style([]), line_style([3.2, 1.8])
    ('solid', (0, (3.2, 1.8)))
    """
    return (0, tuple(dash)) if dash else "solid"


@dataclass
class Mark:
    """One alter as drawn: position in map units (y up) and the look."""

    key: str
    x: float
    y: float
    kind: str
    professional: bool
    valence: str  # key into style.VALENCE
    label: str = ""
    status: str = "retained"  # key into style.STATUS
    spoke: bool = True
    reach: float = _style.SIZE["marker"] * 1.05  # half-width a label keeps clear of (map units)
    capital: str = ""  # key into style.CAPITAL: a tag at the lower right ("": no tag)
    count: int = 0  # resource items they could help with: a disc at the upper left (0: no disc)


@dataclass
class Scene:
    """The background of one map: rings, sectors and the person's label."""

    centre: float
    rings: list[tuple[float, str]]  # (outer radius, label), innermost first
    sectors: list[tuple[float, float, str]] = field(default_factory=list)  # (start angle, mid angle, label)
    ego: str = ""


def scene_of(m: Map, ego_label: str) -> Scene:
    """The background of map ``m``."""
    rings, sectors = m.rings, m.sectors
    secs = [(sectors.span(k)[0], sectors.mid(k), sectors.label(k)) for k in sectors.keys] if len(sectors) > 1 else []
    return Scene(
        _schemes.CENTRE_RADIUS, [(rings.band(i)[1], r.label) for i, r in enumerate(rings.rings)], secs, ego_label
    )


def points_per_unit(ax: Axes) -> float:
    """Points per map unit in ``ax`` (runs the figure's layout engine first)."""
    fig = ax.figure
    engine = fig.get_layout_engine()  # type: ignore[union-attr]
    if engine is not None:
        engine.execute(fig)  # type: ignore[arg-type]
    pos = ax.get_position()
    w_in = pos.width * fig.get_figwidth()  # type: ignore[union-attr]
    h_in = pos.height * fig.get_figheight()  # type: ignore[union-attr]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return 72.0 * min(w_in / abs(x1 - x0), h_in / abs(y1 - y0))


def marker_path(kind: str) -> Path:
    """The marker outline for ``kind`` as a matplotlib path (radius 1, y up)."""
    pts = _style.marker_points(kind)
    if not pts:
        return Path.unit_circle()
    return Path([(x, -y) for x, y in pts] + [(0.0, 0.0)], closed=True)


def badge_path() -> Path:
    """The star that marks new alters (radius 1, y up)."""
    return Path([(x, -y) for x, y in _style.BADGE["points"]] + [(0.0, 0.0)], closed=True)


def _extent(kind: str) -> float:
    pts = _style.marker_points(kind)
    return max(max(abs(x), abs(y)) for x, y in pts) if pts else 1.0


def frame_marks(items: Sequence[Item], label_mode: str, mark: Sequence[str] = ()) -> list[Mark]:
    """Marks for the items of a frame (moves marked with ▲/▼ after the label).

    ``mark`` (checked by :func:`egomap.viz.marks.check_marks`) adds the
    capital tags and the resource counts.
    """
    out = []
    for it in items:
        label = _style.display_label(it.alter.label, label_mode)
        if it.shift:  # the mark stays when names are hidden
            label += (" " if label else "") + _style.MOVED["inward" if it.shift < 0 else "outward"]["symbol"]
        x, y = polar_to_xy(it.angle, it.radius)
        out.append(
            Mark(
                it.alter.id,
                x,
                y,
                _style.marker_key(it.alter.kind),
                it.alter.is_professional,
                _style.valence_key(it.placement.valence),
                label,
                "retained" if it.status == "present" else it.status,
                it.status != "lost",
                max(marker_reach(it.alter), TAGGED_REACH) if mark else marker_reach(it.alter),
                capital_of(it)[0] if "capital" in mark else "",
                len(it.source.resources_of(it.alter.id)) if "resources" in mark and it.source is not None else 0,
            )
        )
    return out


def setup_axes(ax: Axes, lim: tuple[float, float] = (1.51, 1.26)) -> None:
    """Map-unit limits (centre at 0, 0; by default the widget's view box), equal aspect, no axes."""
    ax.set_xlim(-lim[0], lim[0])
    ax.set_ylim(-lim[1], lim[1])
    ax.set_aspect("equal")
    ax.set_axis_off()


def draw_map(
    ax: Axes,
    scene: Scene,
    marks: Sequence[Mark],
    ties: Sequence[tuple[str, str, str]] = (),
    *,
    spokes: bool = True,
    show_ties: bool = True,
    scale: float | None = None,
) -> None:
    """Draw one map (background, lines, markers, labels) into ``ax``, sized for its current scale.

    ``scale`` is the axes' points per map unit, if already known (see :func:`points_per_unit`).
    Alter labels and glyphs take no part in the figure's layout (there can be hundreds; they
    sit inside the axes).
    """
    S = _style.SIZE
    u = points_per_unit(ax) if scale is None else scale

    def fs(key: str, floor: float = 4.0) -> float:
        return max(S[key] * u, floor)

    _draw_background(ax, scene, u, fs)
    xy = {mk.key: (mk.x, mk.y) for mk in marks}
    if show_ties and ties:
        for status, color, dash, alpha, width in (
            ("present", _style.TIE["color"], (), _style.TIE["opacity"], 1.0),
            ("formed", _style.STATUS["gained"]["color"], (), 0.85, 1.6),
            ("dissolved", _style.STATUS["lost"]["color"], (2.0, 2.0), 0.6, 1.2),
        ):
            segs = [[xy[a], xy[b]] for a, b, s in ties if s == status and a in xy and b in xy]
            if segs:
                ax.add_collection(
                    LineCollection(
                        segs,
                        colors=color,
                        linestyles=[line_style(dash)],
                        linewidths=S["tie"] * u * width,
                        alpha=alpha,
                        zorder=1.5,
                        gid=f"ties-{status}",
                    )
                )
    if spokes:
        for vk in _style.VALENCE_ORDER:
            v = _style.VALENCE[vk]
            segs = []
            for mk in marks:
                if not mk.spoke or mk.valence != vk:
                    continue
                d = math.hypot(mk.x, mk.y) or 1.0
                c = scene.centre / d
                segs.append([(mk.x * c, mk.y * c), (mk.x, mk.y)])
            if segs:
                ax.add_collection(
                    LineCollection(
                        segs,
                        colors=v["line"],
                        linestyles=[line_style(v["dash"])],
                        linewidths=S["spoke"] * u,
                        alpha=_style.SPOKE["opacity"],
                        zorder=1,
                        gid=f"spokes-{vk}",
                    )
                )
    radius = S["marker"] * u  # marker radius in points
    groups: dict[tuple[str, str, str, bool], list[Mark]] = {}
    for mk in marks:
        groups.setdefault((mk.kind, mk.valence, mk.status, mk.professional), []).append(mk)
    for (kind, vk, st, prof), mks in groups.items():
        s = _style.STATUS[st]
        v = _style.VALENCE[vk]
        size = (2 * _extent(kind) * radius) ** 2
        xs, ys = [mk.x for mk in mks], [mk.y for mk in mks]
        z = 4 if st != "lost" else 3.5
        if prof:
            ax.scatter(
                xs,
                ys,
                s=size * _style.PROFESSIONAL["scale"] ** 2,
                marker=marker_path(kind),
                facecolors="#FFFFFF",
                edgecolors=_style.PROFESSIONAL["color"],
                linewidths=S["professional_outline"] * u,
                alpha=s["opacity"],
                zorder=z - 0.05,
                gid="professional",
            )
        ax.scatter(
            xs,
            ys,
            s=size,
            marker=marker_path(kind),
            c=v["color"],
            edgecolors=s["color"],
            linewidths=S["outline"] * u * s["width"],
            linestyles=[line_style(s["dash"] or v["dash"])],
            alpha=s["opacity"],
            zorder=z,
            gid=f"alters-{st}",
        )
        if v["glyph"]:
            for mk in mks:
                plain_text(
                    ax,
                    mk.x,
                    mk.y,
                    v["glyph"],
                    fontsize=fs("glyph_font"),
                    fontweight="bold",
                    color=v["text"],
                    alpha=s["opacity"],
                    ha="center",
                    va="center_baseline",
                    zorder=z + 0.01,
                    in_layout=False,
                    gid="glyph",
                )
    obstacles = label_obstacles(
        scene.rings,
        [(mid, label) for _, mid, label in scene.sectors],
        fs("ring_font", _RING_FLOOR) / u,
        fs("sector_font", _SECTOR_FLOOR) / u,
    )
    badged = [mk for mk in marks if _style.STATUS[mk.status]["badge"]]
    if badged:
        b = _style.BADGE
        off = (b["offset"][0] * S["marker"], -b["offset"][1] * S["marker"])  # map units, y up
        ax.scatter(
            [mk.x + off[0] for mk in badged],
            [mk.y + off[1] for mk in badged],
            s=(2 * b["size"] * radius) ** 2,
            marker=badge_path(),
            c=b["color"],
            edgecolors=b["edge"],
            linewidths=S["outline"] * u,
            zorder=4.2,
            gid="badge-gained",
        )
    _draw_tags(ax, marks, u)
    _draw_labels(ax, marks, u, fs("label_font", _style.FONT["min_label"]), obstacles)


def _draw_tags(ax: Axes, marks: Sequence[Mark], u: float) -> None:
    """The capital tags (lower right: a symbol on a coloured disc) and the resource counts (upper left)."""
    S, T, C = _style.SIZE, _style.CAPITAL_TAG, _style.COUNT
    radius = S["marker"] * u  # points
    for key in _style.CAPITAL_ORDER:
        tagged = [mk for mk in marks if mk.capital == key]
        if not tagged:
            continue
        cap = _style.CAPITAL[key]
        off = (T["offset"][0] * S["marker"], -T["offset"][1] * S["marker"])  # map units, y up
        for mk in tagged:
            alpha = _style.STATUS[mk.status]["opacity"]
            ax.scatter(
                [mk.x + off[0]],
                [mk.y + off[1]],
                s=(2 * T["size"] * radius) ** 2,
                marker="o",
                c=cap["color"],
                edgecolors=T["edge"],
                linewidths=S["outline"] * u * 0.8,
                alpha=alpha,
                zorder=4.3,
                gid=f"capital-{key}",
            )
            plain_text(
                ax,
                mk.x + off[0],
                mk.y + off[1],
                cap["symbol"],
                fontsize=max(T["font"] * cap["scale"] * T["size"] * radius * 1.45, 3.0),
                fontweight="bold",
                color=cap["text"],
                alpha=alpha,
                ha="center",
                va="center",
                zorder=4.31,
                in_layout=False,
                gid="capital-symbol",
            )
    counted = [mk for mk in marks if mk.count > 0]
    off = (C["offset"][0] * S["marker"], -C["offset"][1] * S["marker"])
    for mk in counted:
        alpha = _style.STATUS[mk.status]["opacity"]
        ax.scatter(
            [mk.x + off[0]],
            [mk.y + off[1]],
            s=(2 * C["size"] * radius) ** 2,
            marker="o",
            c=C["color"],
            edgecolors=C["edge"],
            linewidths=S["outline"] * u * 0.8,
            alpha=alpha,
            zorder=4.3,
            gid="resource-count",
        )
        plain_text(
            ax,
            mk.x + off[0],
            mk.y + off[1],
            str(mk.count),
            fontsize=max(C["font"] * C["size"] * radius * 1.3, 3.0),
            fontweight="bold",
            color=C["text"],
            alpha=alpha,
            ha="center",
            va="center_baseline",
            zorder=4.31,
            in_layout=False,
            gid="resource-count-text",
        )


def _draw_background(ax: Axes, scene: Scene, u: float, fs: Any) -> None:
    S, R = _style.SIZE, _style.RING
    for i in reversed(range(len(scene.rings))):
        ax.add_patch(
            Circle(
                (0, 0),
                scene.rings[i][0],
                facecolor=R["fills"][i % 2],
                edgecolor=R["line"],
                lw=S["ring_line"] * u,
                zorder=0,
                gid="ring",
            )
        )
    inner = scene.centre
    for outer, label in scene.rings:
        plain_text(
            ax,
            R["label_x"],
            (inner + outer) / 2,
            label,
            fontsize=fs("ring_font", _RING_FLOOR),
            color=R["ring_text"],
            style="italic",
            va="center",
            ha="left",
            zorder=0.5,
            gid="ring-label",
        )
        inner = outer
    if scene.sectors:
        segs = []
        for start, mid, label in scene.sectors:
            segs.append([polar_to_xy(start, scene.centre), polar_to_xy(start, 1.0)])
            x, y = polar_to_xy(mid, 1.08)
            ha = "center" if abs(x) < 0.12 else ("left" if x > 0 else "right")
            plain_text(
                ax,
                x,
                y,
                "\n".join(wrap(label)),
                fontsize=fs("sector_font", _SECTOR_FLOOR),
                fontweight="bold",
                color=R["text"],
                ha=ha,
                ma=ha,
                va="center",
                linespacing=1.1,
                gid="sector-label",
            )
        ax.add_collection(
            LineCollection(
                segs,
                colors=R["sector_line"],
                linestyles=[line_style(R["sector_dash"])],
                linewidths=S["sector_line"] * u,
                zorder=0.4,
                gid="sector-lines",
            )
        )
    ax.add_patch(
        Circle(
            (0, 0), scene.centre, facecolor=_style.EGO["fill"], edgecolor=_style.EGO["line"], lw=0, zorder=3, gid="ego"
        )
    )
    plain_text(
        ax,
        0,
        0,
        scene.ego,
        fontsize=fs("ego_font", 6.5),
        fontweight="bold",
        ha="center",
        va="center",
        zorder=3.1,
        color=_style.EGO["text"],
        gid="ego-label",
    )


def _draw_labels(
    ax: Axes, marks: Sequence[Mark], u: float, size: float, obstacles: Sequence[tuple[float, float, float, float]]
) -> None:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    shown = [mk for mk in marks if mk.label]
    if not shown:
        return
    prop = FontProperties(size=size, weight="bold")
    t2p = TextToPath()
    sizes = []
    for mk in shown:
        w = t2p.get_text_width_height_descent(mk.label, prop, ismath=False)[0]
        sizes.append((w / u + 0.01, size * 1.1 / u))
    # every marker is an obstacle (also the unlabelled ones); labels are placed for the labelled ones
    order = shown + [mk for mk in marks if not mk.label]
    centres = place_labels(
        [(mk.x, -mk.y) for mk in order],
        sizes + [(0.0, 0.0)] * (len(order) - len(shown)),
        [mk.reach for mk in order],
        _style.SIZE["label_gap"],
        obstacles=obstacles,
        clearance=LABEL_CLEARANCE,
    )[: len(shown)]
    # a light box rather than a stroked halo: path effects would turn SVG text into paths
    halo = {"boxstyle": "round,pad=0.12", "facecolor": _style.LABEL["halo"], "edgecolor": "none", "alpha": 0.78}
    for mk, (x, y) in zip(shown, centres):
        plain_text(
            ax,
            x,
            -y,
            mk.label,
            fontsize=size,
            fontweight=_style.LABEL["weight"],
            color=_style.LABEL["faded"] if mk.status == "lost" else _style.LABEL["color"],
            ha="center",
            va="center",
            zorder=5,
            bbox=halo,
            in_layout=False,
            gid="alter-label",
        )
