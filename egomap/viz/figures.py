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
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle

from egomap import schemes as _schemes
from egomap.change import compare, ring_state_labels
from egomap.errors import ValidationError
from egomap.model import Map, Person
from egomap.viz import style as _style
from egomap.viz._layout import Frame, Item, frames, resolve_maps

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


def _draw_background(ax: Axes, m: Map, ego_label: str, fontscale: float) -> None:
    rings = m.rings
    for i in reversed(range(len(rings))):
        ax.add_patch(
            Circle(
                (0, 0),
                rings.band(i)[1],
                facecolor=_style.RING["fills"][i % 2],
                edgecolor=_style.RING["line"],
                lw=0.8,
                zorder=0,
                gid="ring",
            )
        )
    for i, r in enumerate(rings.rings):
        lo, hi = rings.band(i)
        _text(
            ax,
            0.012,
            (lo + hi) / 2,
            r.label,
            fontsize=6.5 * fontscale,
            color=_style.RING["text"],
            style="italic",
            va="center",
            ha="left",
            zorder=0.5,
            gid="ring-label",
        )
    sectors = m.sectors
    if len(sectors) > 1:
        segs = []
        for k in sectors.keys:
            a0 = sectors.span(k)[0]
            segs.append([_schemes.to_xy(a0, _schemes.CENTRE_RADIUS), _schemes.to_xy(a0, 1.0)])
            mid = sectors.mid(k)
            x, y = _schemes.to_xy(mid, 1.07)
            ha = "center" if abs(x) < 0.25 else ("left" if x > 0 else "right")
            va = "center" if abs(y) < 0.9 else ("bottom" if y > 0 else "top")
            _text(
                ax,
                x,
                y,
                sectors.label(k),
                fontsize=_style.FONT["sector"] * fontscale,
                color=_style.RING["text"],
                ha=ha,
                va=va,
                gid="sector-label",
                wrap=False,
            )
        ax.add_collection(
            LineCollection(segs, colors=_style.RING["sector_line"], linewidths=0.8, zorder=0.4, gid="sector-lines")
        )
    ax.add_patch(
        Circle(
            (0, 0),
            _schemes.CENTRE_RADIUS,
            facecolor=_style.EGO["fill"],
            edgecolor=_style.EGO["line"],
            lw=1.4,
            zorder=3,
            gid="ego",
        )
    )
    _text(
        ax,
        0,
        0,
        ego_label,
        fontsize=_style.FONT["label"] * fontscale * 1.1,
        fontweight="bold",
        ha="center",
        va="center",
        zorder=3.1,
        color=_style.EGO["text"],
        gid="ego-label",
    )
    lim = 1.32
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _draw_items(
    ax: Axes,
    items: Sequence[Item],
    ties: Sequence[tuple[str, str, str]],
    label_mode: str,
    *,
    spokes: bool,
    show_ties: bool,
    fontscale: float,
    size: float,
) -> None:
    xy = {it.alter.id: _schemes.to_xy(it.angle, it.radius) for it in items}
    if show_ties and ties:
        for status, color, ls, alpha, lw in (
            ("present", _style.TIE["color"], "solid", _style.TIE["opacity"], _style.TIE["width"]),
            ("formed", _style.STATUS["gained"]["color"], "solid", 0.85, 1.4),
            ("dissolved", _style.STATUS["lost"]["color"], (0, (3, 3)), 0.6, 1.0),
        ):
            segs = [[xy[a], xy[b]] for a, b, s in ties if s == status and a in xy and b in xy]
            if segs:
                ax.add_collection(
                    LineCollection(
                        segs,
                        colors=color,
                        linestyles=[ls],
                        linewidths=lw,
                        alpha=alpha,
                        zorder=1.5,
                        gid=f"ties-{status}",
                    )
                )
    if spokes:
        for vk in _style.VALENCE_ORDER:
            v = _style.VALENCE[vk]
            segs = []
            for it in items:
                if it.status == "lost" or _style.valence_key(it.placement.valence) != vk:
                    continue
                x, y = xy[it.alter.id]
                d = math.hypot(x, y) or 1.0
                c = _schemes.CENTRE_RADIUS / d
                segs.append([(x * c, y * c), (x, y)])
            if segs:
                ax.add_collection(
                    LineCollection(
                        segs,
                        colors=v["color"],
                        linestyles=[v["linestyle"]],
                        linewidths=1.0,
                        alpha=0.75,
                        zorder=1,
                        gid=f"spokes-{vk}",
                    )
                )
    groups: dict[tuple[str, str, str], list[Item]] = {}
    for it in items:
        key = (
            _style.marker_key(it.alter.kind, it.alter.is_professional),
            _style.valence_key(it.placement.valence),
            "retained" if it.status == "present" else it.status,
        )
        groups.setdefault(key, []).append(it)
    for (mk, vk, st), its in groups.items():
        s = _style.STATUS[st]
        ax.scatter(
            [xy[it.alter.id][0] for it in its],
            [xy[it.alter.id][1] for it in its],
            s=size * (1.6 if mk == "pet" else 1.0),
            marker=_style.MARKERS[mk]["mpl"],
            c=_style.VALENCE[vk]["color"],
            edgecolors=s["color"],
            linewidths=s["width"] * 0.8,
            linestyles="--" if s["dash"] else "solid",
            alpha=max(s["opacity"], 0.35),
            zorder=4 if st != "lost" else 3.5,
            gid=f"alters-{st}",
        )
    if label_mode == "hidden":
        return
    for it in items:
        label = _style.display_label(it.alter.label, label_mode)
        if it.shift:
            label += " " + _style.MOVED["inward" if it.shift < 0 else "outward"]["symbol"]
        if not label:
            continue
        x, y = xy[it.alter.id]
        _text(
            ax,
            x,
            y - 0.04,
            label,
            fontsize=_style.FONT["label"] * fontscale,
            color=_style.GREY if it.status == "lost" else "#222222",
            ha="center",
            va="top",
            zorder=5,
            gid="alter-label",
        )


def _legend_handles(items: Sequence[Item], with_status: bool) -> list:
    kinds = {_style.marker_key(it.alter.kind, it.alter.is_professional) for it in items}
    vals = {_style.valence_key(it.placement.valence) for it in items if it.status != "lost"}
    handles: list = []
    for k in _style.MARKER_ORDER:
        if k in kinds:
            mk = _style.MARKERS[k]
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="none",
                    marker=mk["mpl"],
                    markersize=8,
                    markerfacecolor="#DDDDDD",
                    markeredgecolor="#333333",
                    label=mk["label"],
                )
            )
    for k in _style.VALENCE_ORDER:
        if k in vals:
            v = _style.VALENCE[k]
            handles.append(
                Line2D(
                    [],
                    [],
                    color=v["color"],
                    ls=v["linestyle"],
                    lw=2,
                    marker="o",
                    markersize=6,
                    markerfacecolor=v["color"],
                    markeredgecolor=v["color"],
                    label=v["label"],
                )
            )
    if with_status:
        statuses = {it.status for it in items}
        for k in ("retained", "gained", "lost"):
            if k in statuses:
                s = _style.STATUS[k]
                handles.append(
                    Line2D(
                        [],
                        [],
                        ls="none",
                        marker="o",
                        markersize=8,
                        markerfacecolor=_style.VALENCE["supportive"]["color"],
                        markeredgecolor=s["color"],
                        markeredgewidth=s["width"] * 0.8,
                        alpha=max(s["opacity"], 0.35),
                        label=s["label"],
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

    The person is at the centre; rings and sectors are drawn and labelled;
    each alter is a marker whose shape shows the kind of alter (squares are
    professionals), whose fill colour and line to the person show valence
    (colour and line style), with ties between alters as thin grey lines.

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
    _draw_background(ax, m, _ego_label(m.person, mode), 1.0)
    _draw_items(ax, fr.items, fr.ties, mode, spokes=spokes, show_ties=ties, fontscale=1.0, size=70)
    ax.set_title(
        f"{m.person.id}: {_map_title(m)}" if title is None else title,
        fontsize=_style.FONT["title"],
        parse_math=False,
    )
    if legend and fr.items:
        ax.legend(
            handles=_legend_handles(fr.items, False),
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
            fontsize=8,
            title="Kind and valence",
            title_fontsize=9,
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
    sector. New alters (since the previous panel) have a thick blue outline;
    alters who have gone are drawn as faded ghosts with a dashed outline where
    they were; ▲/▼ mark moves closer or further out.

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
        _draw_background(ax, fr.map, ego, 0.8)
        _draw_items(ax, fr.items, fr.ties, mode, spokes=spokes, show_ties=ties, fontscale=0.8, size=38)
        ax.set_title(_map_title(fr.map), fontsize=_style.FONT["title"], parse_math=False)
        all_items.extend(fr.items)
    for ax in axes[k:]:
        ax.set_visible(False)
    fig.suptitle(f"{maps[0].person.id}: network across {k} time point(s)", fontsize=12, parse_math=False)
    if legend and all_items:
        handles = _legend_handles(all_items, True)
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 7), frameon=False, fontsize=8)
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
    went from each ring to each ring; alters who appear are drawn from a
    ``new`` block (orange) and alters who leave flow into a ``gone`` block
    (grey).

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
    ['Inner circle', 'Middle circle', 'Outer circle', 'gone', 'new']
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
                col["gone"] = (y, y - n, "gone")
                y -= n + gap
        if t < k - 1:
            n = int(mats[t].iloc[-1, :].sum())
            if n:
                col["new"] = (y, y - n, "new")
        blocks.append(col)
    colour = {f"ring{i}": _RING_COLOURS[i % len(_RING_COLOURS)] for i in range(10)}
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
        f"{maps[0].person.id}: ring membership over time" if title is None else title,
        fontsize=_style.FONT["title"],
        parse_math=False,
    )
    return fig
