"""Publication figures with matplotlib: the egogram, small multiples and ring flows.

The figures use the look in :mod:`egomap.viz.style`. They are plain
matplotlib figures made without pyplot (so a notebook shows each one once and
nothing stays open); save them with ``fig.savefig("map.svg")`` (or ``.png``,
``.pdf``). Text in SVG output stays text (``svg.fonttype`` ``"none"``, so it is
escaped by matplotlib and can be edited), and PDF fonts are embedded as
TrueType. User text is never read as mathtext.

Examples
--------
>>> import egomap as em
>>> p = em.demo.demo_case()
>>> fig = em.viz.egogram(p.map("6 months"), label_mode="initials")
>>> len(fig.axes[0].findobj(lambda a: a.get_gid() == "alter-label"))
11
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon, Rectangle
from matplotlib.path import Path
from matplotlib.text import Text

from egomap import schemes as _schemes
from egomap.change import compare, ring_state_labels
from egomap.errors import ValidationError
from egomap.geometry import polar_to_xy
from egomap.model import Map, Person
from egomap.viz import style as _style
from egomap.viz._layout import (
    LABEL_CLEARANCE,
    Frame,
    Item,
    frames,
    label_obstacles,
    marker_reach,
    resolve_maps,
)

__all__ = ["EgoFigure", "egogram", "small_multiples", "ring_flows", "SAVE_RC"]

#: rc settings used while saving: text stays text in SVG, TrueType fonts in PDF.
SAVE_RC: dict[str, Any] = {"svg.fonttype": "none", "pdf.fonttype": 42, "ps.fonttype": 42, "svg.hashsalt": "egomap"}

_RING_COLOURS = [
    _style.OKABE_ITO["blue"],
    _style.OKABE_ITO["sky_blue"],
    _style.OKABE_ITO["bluish_green"],
    _style.OKABE_ITO["yellow"],
    _style.OKABE_ITO["reddish_purple"],
]
_NEW_COLOUR = _style.OKABE_ITO["orange"]
_RING_FLOOR = 5.0  # smallest ring label, points
_SECTOR_FLOOR = 6.5  # smallest sector label, points
_GONE_COLOUR = _style.GREY


class EgoFigure(Figure):
    """A matplotlib Figure that saves with :data:`SAVE_RC` (text stays text in SVG)."""

    def savefig(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102 - as Figure.savefig
        with mpl.rc_context(SAVE_RC):
            super().savefig(*args, **kwargs)

    def _repr_png_(self) -> bytes:
        """Show the figure in a notebook, with or without ``%matplotlib inline``."""
        import io

        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        return buf.getvalue()


def _new_figure(figsize: tuple[float, float]) -> EgoFigure:
    fig = EgoFigure(figsize=figsize, dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


def _text(ax: Axes, x: float, y: float, s: str, **kw: Any):
    return ax.text(x, y, s, parse_math=False, **kw)


# --------------------------------------------------------------------------- drawing one map
#
# Everything is drawn in map units (the outer ring has radius 1, y up) and
# every size comes from egomap.viz.style.SIZE, converted to points with the
# axes' scale, so that a figure looks like the widget at any size.


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


def _lw(dash: Sequence[float]) -> Any:
    return (0, tuple(dash)) if dash else "solid"


def frame_marks(items: Sequence[Item], label_mode: str) -> list[Mark]:
    """Marks for the items of a frame (moves marked with ▲/▼ after the label)."""
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
                marker_reach(it.alter),
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
                        linestyles=[_lw(dash)],
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
                        linestyles=[_lw(v["dash"])],
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
            linestyles=[_lw(s["dash"] or v["dash"])],
            alpha=s["opacity"],
            zorder=z,
            gid=f"alters-{st}",
        )
        if v["glyph"]:
            for mk in mks:
                _text(
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
    _draw_labels(ax, marks, u, fs("label_font", _style.FONT["min_label"]), obstacles)


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
        _text(
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
            _text(
                ax,
                x,
                y,
                "\n".join(_style.wrap(label)),
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
                linestyles=[_lw(R["sector_dash"])],
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
    _text(
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
    centres = _style.place_labels(
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
        _text(
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


class _KeyEntry(Artist):
    """A legend handle standing for one entry of :data:`egomap.viz.style.KEY` (or a change status)."""

    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__()
        self.entry = entry
        self.set_label(entry["label"])


class _KeyHandler(HandlerBase):
    """Draws a key entry: marker with its glyph and double outline, line to the person, or a tie."""

    def legend_artist(self, legend: Any, orig_handle: Any, fontsize: float, handlebox: Any) -> Artist:
        e = orig_handle.entry
        x0, y0 = -handlebox.xdescent, -handlebox.ydescent
        w, h = handlebox.width, handlebox.height
        cx, cy = x0 + w * 0.62, y0 + h / 2
        tr = handlebox.get_transform()
        if e.get("tie"):
            line = Line2D([x0, x0 + w], [cy, cy], color=_style.TIE["color"], lw=1.6, alpha=0.8, transform=tr)
            handlebox.add_artist(line)
            return line
        v = _style.VALENCE[e["valence"] or "unknown"]
        s = _style.STATUS[e.get("status", "retained")]
        r = fontsize * 0.62
        if e.get("spoke"):
            handlebox.add_artist(
                Line2D(
                    [x0, cx],
                    [cy, cy],
                    color=v["line"],
                    lw=1.6,
                    linestyle=_lw(v["dash"]),
                    alpha=min(1.0, _style.SPOKE["opacity"] + 0.3),
                    transform=tr,
                )
            )
        pts = _style.marker_points(e["kind"])

        def patch(k: float, **kw: Any) -> Artist:
            if not pts:
                return Circle((cx, cy), r * k, transform=tr, **kw)
            return Polygon([(cx + x * r * k, cy - y * r * k) for x, y in pts], closed=True, transform=tr, **kw)

        if e.get("professional"):
            handlebox.add_artist(
                patch(_style.PROFESSIONAL["scale"], facecolor="#FFFFFF", edgecolor=_style.PROFESSIONAL["color"], lw=0.9)
            )
        body = patch(
            1.0,
            facecolor=v["color"] if e["valence"] else "#FFFFFF",
            edgecolor=s["color"],
            lw=1.1 * s["width"],
            linestyle=_lw(s["dash"] or (v["dash"] if e["valence"] else ())),
            alpha=s["opacity"],
        )
        handlebox.add_artist(body)
        if s.get("badge"):
            b = _style.BADGE
            bx, by, br = cx + b["offset"][0] * r, cy - b["offset"][1] * r, b["size"] * r
            handlebox.add_artist(
                Polygon(
                    [(bx + x * br, by - y * br) for x, y in b["points"]],
                    closed=True,
                    transform=tr,
                    facecolor=b["color"],
                    edgecolor=b["edge"],
                    lw=0.6,
                )
            )
        if e["valence"] and v["glyph"]:
            handlebox.add_artist(
                Text(
                    cx,
                    cy,
                    v["glyph"],
                    fontsize=fontsize * 0.95,
                    fontweight="bold",
                    color=v["text"],
                    ha="center",
                    va="center_baseline",
                    transform=tr,
                )
            )
        return body


def _legend_handles(items: Sequence[Item] | None, with_status: bool) -> list:
    handles: list = [_KeyEntry(e) for e in _style.KEY]
    if with_status and items is not None:
        statuses = {it.status for it in items}
        for k in ("retained", "gained", "lost"):
            if k in statuses:
                handles.append(
                    _KeyEntry(
                        {"label": _style.STATUS[k]["label"], "kind": "person", "valence": "supportive", "status": k}
                    )
                )
        for k in ("inward", "outward"):
            if any((it.shift < 0) if k == "inward" else (it.shift > 0) for it in items):
                mv = _style.MOVED[k]
                handles.append(
                    Line2D(
                        [],
                        [],
                        ls="none",
                        marker="$" + mv["symbol"] + "$",
                        markersize=8,
                        color="#333333",
                        label=mv["label"],
                    )
                )
    return handles


_HANDLER_MAP = {_KeyEntry: _KeyHandler()}


def _grouped(handles: list, n_key: int, width: float) -> tuple[list, int]:
    """Legend handles padded with blanks so that the key, the change states and the moves each start a
    column, in as few rows (at least 3) as let the columns fit a figure ``width`` inches wide.

    Returns the handles and the number of columns.
    """
    key, rest = handles[:n_key], handles[n_key:]
    status = [h for h in rest if isinstance(h, _KeyEntry)]
    moves = [h for h in rest if not isinstance(h, _KeyEntry)]
    groups = [g for g in (key, status, moves) if g]

    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    pt = _style.FONT["legend"]
    prop, t2p = FontProperties(size=pt), TextToPath()
    text = {id(h): t2p.get_text_width_height_descent(h.get_label(), prop, ismath=False)[0] for g in groups for h in g}

    def inches(rows: int) -> float:  # legend width: per column its widest text, the handle (2.8) and spaces (2.8)
        cols = [g[i : i + rows] for g in groups for i in range(0, len(g), rows)]
        return sum(max(text[id(h)] for h in col) + 5.6 * pt for col in cols) / 72

    rows = 3
    while inches(rows) > width * 0.95 and rows < len(handles):
        rows += 1
    out: list = []
    for group in groups:
        out += group + [Line2D([], [], ls="none", label=" ") for _ in range(-len(group) % rows)]
    return out, len(out) // rows


def _ego_label(person: Person, mode: str) -> str:
    if mode == "hidden":
        return ""
    return (
        _style.display_label(person.display_name or person.id, mode)
        if mode == "names"
        else _style.initials(person.display_name or person.id)
    )


def _map_title(m: Map) -> str:
    return f"{m.label} ({m.date.isoformat()})" if m.date else m.label


def egogram(
    m: Map,
    label_mode: str = "names",
    ax: Axes | None = None,
    *,
    legend: bool = True,
    ties: bool = True,
    spokes: bool = True,
    title: str | None = None,
    figsize: tuple[float, float] = (9.0, 7.0),
) -> Figure:
    """The concentric-circle map as a publication-quality figure.

    The same look as the widget (:mod:`egomap.viz.style`): the person is a
    dark disc at the centre; rings and sectors are drawn and labelled; each
    alter is a marker whose shape shows the kind of alter (professionals
    have a double outline), whose fill colour, outline dash and glyph
    (+ ~ !) show valence, as do the colour and dash of the line to the
    person; ties between alters are grey lines. Labels of close markers are
    moved apart so that they do not overlap.

    Parameters
    ----------
    m : Map
    label_mode : {"names", "initials", "hidden"}
        How alters (and the person) are labelled.
    ax : matplotlib Axes, optional
        Draw into this axes; otherwise a new figure is made.
    legend, ties, spokes : bool
        Draw the legend, the alter-alter ties, the lines to the person.
    title : str, optional
        Title (default: person id, map label and date). Pass ``""`` for none.
    figsize : (float, float)
        Size in inches of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Save with ``fig.savefig("map.svg")`` (or ``.png``, ``.pdf``).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> fig = em.viz.egogram(m, label_mode="hidden")
    >>> fig.axes[0].findobj(lambda a: a.get_gid() == "alter-label")
    []
    """
    if not isinstance(m, Map):
        raise ValidationError(f"egogram needs a map (egomap.Map), got {type(m).__name__}", field="map")
    mode = _style.check_label_mode(label_mode)
    if ax is None:
        fig: Figure = _new_figure(figsize)
        ax = fig.add_subplot()
    else:
        fig = ax.figure  # type: ignore[assignment]
    fr = frames([m])[0]
    setup_axes(ax)
    ax.set_title(
        f"{m.person.id}: {_map_title(m)}" if title is None else title,
        fontsize=_style.FONT["title"],
        parse_math=False,
    )
    if legend:
        ax.legend(
            handles=_legend_handles(fr.items, False),
            handler_map=_HANDLER_MAP,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=_style.FONT["legend"],
            handlelength=2.8,
            handleheight=1.6,
            title="Key",
            title_fontsize=_style.FONT["legend"] + 1,
        )
    draw_map(
        ax, scene_of(m, _ego_label(m.person, mode)), frame_marks(fr.items, mode), fr.ties, spokes=spokes, show_ties=ties
    )
    return fig


def small_multiples(
    person_or_maps: Person | Sequence[Map],
    label_mode: str = "initials",
    *,
    ncols: int | None = None,
    panel_size: float = 4.2,
    ties: bool = True,
    spokes: bool = True,
    legend: bool = True,
    stable: bool = True,
) -> Figure:
    """One panel per time point, with stable positions and changes marked.

    Alters keep their angle from one panel to the next while they stay in a
    sector. The markers look as in :func:`egogram`. New alters (since the
    previous panel) have a thick blue outline and a star; alters who have
    gone are drawn as faded ghosts with a dashed outline where they were;
    ▲/▼ mark moves closer or further out (also when labels are hidden).

    Parameters
    ----------
    person_or_maps : Person or list of Map
    label_mode : {"names", "initials", "hidden"}
    ncols : int, optional
        Panels per row (default: all in one row, up to 3).
    panel_size : float
        Size of one panel in inches.
    ties, spokes, legend, stable : bool

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import egomap as em
    >>> fig = em.viz.small_multiples(em.demo.demo_case())
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['Baseline (2026-01-12)', '6 months (2026-07-13)', '12 months (2027-01-11)']
    """
    mode = _style.check_label_mode(label_mode)
    maps = resolve_maps(person_or_maps)
    k = len(maps)
    if ncols is None:
        ncols = min(k, 3)
    if not isinstance(ncols, int) or ncols < 1:
        raise ValidationError(f"ncols must be a whole number >= 1, got {ncols!r}", field="ncols")
    nrows = math.ceil(k / ncols)
    fig = _new_figure((panel_size * ncols, panel_size * nrows + (0.9 if legend else 0.3)))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    ego = _ego_label(maps[0].person, mode)
    all_items: list[Item] = []
    frs: list[Frame] = frames(maps, stable)
    for ax, fr in zip(axes, frs):
        setup_axes(ax)
        ax.set_title(_map_title(fr.map), fontsize=_style.FONT["title"], parse_math=False)
        all_items.extend(fr.items)
    for ax in axes[k:]:
        ax.set_visible(False)
    fig.suptitle(
        f"{maps[0].person.id}: network across {k} time point{'' if k == 1 else 's'}", fontsize=12, parse_math=False
    )
    if legend and all_items:
        handles, columns = _grouped(_legend_handles(all_items, True), len(_style.KEY), fig.get_figwidth())
        fig.legend(
            handles=handles,
            handler_map=_HANDLER_MAP,
            loc="outside lower center",
            ncols=columns,
            frameon=False,
            fontsize=_style.FONT["legend"],
            handlelength=2.8,
            handleheight=1.6,
        )
    u = points_per_unit(axes[0])  # the panels are all the same size: lay the figure out once
    for ax, fr in zip(axes, frs):
        scene = scene_of(fr.map, ego)
        draw_map(ax, scene, frame_marks(fr.items, mode), fr.ties, spokes=spokes, show_ties=ties, scale=u)
    return fig


# --------------------------------------------------------------------------- ring flows


def ring_flows(
    person_or_maps: Person | Sequence[Map],
    ax: Axes | None = None,
    *,
    figsize: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """Ring membership flows between time points (an alluvial figure).

    Each time point is a column of blocks, one per ring, as tall as the
    number of alters in that ring. Bands between columns show how many alters
    went from each ring to each ring. Alters who are new on a map flow from
    a "new" block (orange, labelled "new by <that map>") under the previous
    column; alters who have left flow into a "gone" block (grey, "gone by
    <that map>") under the column of the map they are missing from.

    Parameters
    ----------
    person_or_maps : Person or list of Map
        At least two maps of one person.
    ax : matplotlib Axes, optional
    figsize : (float, float), optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import egomap as em
    >>> fig = em.viz.ring_flows(em.demo.demo_case())
    >>> sorted({t.get_text().split(" (")[0] for t in fig.axes[0].texts if t.get_gid() == "state-label"})
    ['Inner circle', 'Middle circle', 'Outer circle', 'gone by 12 months', 'new by 12 months', 'new by 6 months']
    """
    maps = resolve_maps(person_or_maps)
    if len(maps) < 2:
        raise ValidationError("ring_flows needs at least two maps of the person", field="maps")
    k = len(maps)
    mats = [compare(a, b).ring_transitions for a, b in zip(maps, maps[1:])]
    if ax is None:
        fig: Figure = _new_figure(figsize or (2.6 * k + 1.5, 5.5))
        ax = fig.add_subplot()
    else:
        fig = ax.figure  # type: ignore[assignment]
    # blocks per column: rings, then "gone" (inflow from t-1), then "new" (outflow to t+1)
    total = max(len(m) for m in maps) or 1
    gap = max(0.6, total * 0.05)
    w = 0.14
    blocks: list[dict[str, tuple[float, float, str]]] = []
    for t, m in enumerate(maps):
        pl = m.placements
        col: dict[str, tuple[float, float, str]] = {}
        y = 0.0
        states = ring_state_labels(m)
        counts = [sum(1 for p in pl.values() if p.ring == i) for i in range(len(m.rings))]
        for i, (state, n) in enumerate(zip(states, counts)):
            col[f"ring{i}"] = (y, y - n, state)
            y -= n + gap
        if t > 0:
            n = int(mats[t - 1].iloc[:, -1].sum())
            if n:
                col["gone"] = (y, y - n, f"gone by {m.label}")
                y -= n + gap
        if t < k - 1:
            n = int(mats[t].iloc[-1, :].sum())
            if n:  # alters new on the next map flow from here
                col["new"] = (y, y - n, f"new by {maps[t + 1].label}")
        blocks.append(col)
    most_rings = max(len(m.rings) for m in maps)
    colour = {f"ring{i}": _RING_COLOURS[i % len(_RING_COLOURS)] for i in range(most_rings)}
    colour.update(new=_NEW_COLOUR, gone=_GONE_COLOUR)
    for t, col in enumerate(blocks):
        for key, (y0, y1, state) in col.items():
            ax.add_patch(
                Rectangle((t - w / 2, y1), w, y0 - y1, facecolor=colour[key], edgecolor="#333333", lw=0.6, gid="block")
            )
            n = round(y0 - y1)
            side = -1 if (t == 0 or key == "new") and key != "gone" else 1
            if t == k - 1 and key != "gone":
                side = 1
            if t == 0 or t == k - 1 or key in ("new", "gone"):
                _text(
                    ax,
                    t + side * (w / 2 + 0.04),
                    (y0 + y1) / 2,
                    f"{state} ({n})",
                    ha="right" if side < 0 else "left",
                    va="center",
                    fontsize=8,
                    zorder=3,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                    gid="state-label",
                )
            elif y0 - y1 >= 1:
                _text(ax, t, (y0 + y1) / 2, str(n), ha="center", va="center", fontsize=7, color="white", gid="count")
    xs = [i / 24 for i in range(25)]
    ease = [3 * s * s - 2 * s * s * s for s in xs]
    for t, mat in enumerate(mats):
        src_keys = [f"ring{i}" for i in range(mat.shape[0] - 1)] + ["new"]
        dst_keys = [f"ring{j}" for j in range(mat.shape[1] - 1)] + ["gone"]
        out_off = {key: blocks[t][key][0] if key in blocks[t] else 0.0 for key in src_keys}
        in_off = {key: blocks[t + 1][key][0] if key in blocks[t + 1] else 0.0 for key in dst_keys}
        for i, sk in enumerate(src_keys):
            for j, dk in enumerate(dst_keys):
                n = int(mat.iat[i, j])
                if not n:
                    continue
                s0, d0 = out_off[sk], in_off[dk]
                out_off[sk] -= n
                in_off[dk] -= n
                x0, x1 = t + w / 2, t + 1 - w / 2
                top = [s0 + (d0 - s0) * e for e in ease]
                bottom = [v - n for v in top]
                ax.fill_between(
                    [x0 + (x1 - x0) * s for s in xs],
                    bottom,
                    top,
                    color=colour[sk] if sk != "new" else _NEW_COLOUR,
                    alpha=0.45 if dk != "gone" else 0.3,
                    lw=0,
                    gid="flow",
                )
    lowest = min(y1 for col in blocks for (_, y1, _) in col.values()) if any(blocks) else -1
    for t, m in enumerate(maps):
        _text(ax, t, 0.6 + gap * 0.3, _map_title(m), ha="center", va="bottom", fontsize=9, gid="timepoint-label")
    ax.set_xlim(-0.9, k - 1 + 0.9)
    ax.set_ylim(lowest - gap, 1.5 + gap)
    ax.set_axis_off()
    ax.set_title(
        f"{maps[0].person.id}: who is in which circle over time" if title is None else title,
        fontsize=_style.FONT["title"],
        parse_math=False,
    )
    return fig
