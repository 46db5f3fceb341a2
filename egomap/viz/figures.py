"""Publication figures with matplotlib: the egogram, small multiples and ring flows.

The figures use the look in :mod:`egomap.viz.style`. They are plain
matplotlib figures made without pyplot (so a notebook shows each one once and
nothing stays open); save them with ``fig.savefig("map.svg")`` (or ``.png``,
``.pdf``). Text in SVG output stays text (``svg.fonttype`` ``"none"``, so it is
escaped by matplotlib and can be edited), and PDF fonts are embedded as
TrueType. User text is never read as mathtext.

One map is drawn by :mod:`egomap.viz.mapdraw` (its names, such as
:func:`~egomap.viz.mapdraw.draw_map`, stay importable from here) and the
key by :mod:`egomap.viz.legend`.

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
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from egomap.change import compare, ring_state_labels
from egomap.errors import ValidationError
from egomap.files import private_file
from egomap.model import Map, Person
from egomap.viz import style as _style
from egomap.viz._layout import Frame, Item, frames, resolve_maps
from egomap.viz.legend import HANDLER_MAP, grouped_handles, legend_handles
from egomap.viz.mapdraw import (
    Mark,
    Scene,
    badge_path,
    draw_map,
    frame_marks,
    marker_path,
    plain_text,
    points_per_unit,
    scene_of,
    setup_axes,
)
from egomap.viz.marks import check_marks

__all__ = [
    "EgoFigure",
    "egogram",
    "small_multiples",
    "ring_flows",
    "SAVE_RC",
    # drawing one map lives in egomap.viz.mapdraw; these names stay importable from here
    "Mark",
    "Scene",
    "scene_of",
    "points_per_unit",
    "marker_path",
    "badge_path",
    "frame_marks",
    "setup_axes",
    "draw_map",
]

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
        fname = args[0] if args else kwargs.get("fname")
        if isinstance(fname, (str, os.PathLike)):  # a file it may name people in: owner-only (0600)
            name = os.fspath(fname)
            if kwargs.get("format") is None and not os.path.splitext(name)[1][1:]:
                name = name.rstrip(".") + "." + mpl.rcParams["savefig.format"]  # what matplotlib will write
            private_file(name)
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
    mark: str | Sequence[str] | None = None,
) -> Figure:
    """The concentric-circle map as a publication-quality figure.

    The same look as the widget (:mod:`egomap.viz.style`): the person is a
    dark disc at the centre; rings and sectors are drawn and labelled; each
    alter is a marker whose shape shows the kind of alter (professionals
    have a double outline), whose fill colour, outline dash and glyph
    (+ ~ !) show valence, as do the colour and dash of the line to the
    person; ties between alters are grey lines. Labels of close markers are
    moved apart so that they do not overlap. ``mark="capital"`` adds a tag
    with each alter's kind of social capital (bonding ●, bridging ↔,
    linking ↑), ``mark="resources"`` the number of resource items they could
    help with (see :mod:`egomap.viz.marks`); the key explains both.

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
    mark : {None, "capital", "resources"} or list of them
        Marks to add: social capital tags, resource counts, or both.

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
    >>> fig = em.viz.egogram(m, mark="capital")
    >>> sorted({a.get_gid() for a in fig.axes[0].collections if a.get_gid().startswith("capital")})
    ['capital-bonding', 'capital-linking']
    """
    if not isinstance(m, Map):
        raise ValidationError(f"egogram needs a map (egomap.Map), got {type(m).__name__}", field="map")
    mode = _style.check_label_mode(label_mode)
    marks = check_marks(mark)
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
            handles=legend_handles(fr.items, False, marks),
            handler_map=HANDLER_MAP,
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
        ax,
        scene_of(m, _ego_label(m.person, mode)),
        frame_marks(fr.items, mode, marks),
        fr.ties,
        spokes=spokes,
        show_ties=ties,
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
    changes: bool = True,
    mark: str | Sequence[str] | None = None,
) -> Figure:
    """One panel per time point, with stable positions and changes marked.

    Alters keep their angle from one panel to the next while they stay in a
    sector. The markers look as in :func:`egogram`. New alters (since the
    previous panel) have a thick blue outline and a star; alters who have
    gone are drawn as faded ghosts with a dashed outline where they were;
    ▲/▼ mark moves closer or further out (also when labels are hidden).
    With ``changes=False`` each panel shows its map as it is (the maps side
    by side, no marks). The panels are all the same size and share one key.

    Parameters
    ----------
    person_or_maps : Person or list of Map
    label_mode : {"names", "initials", "hidden"}
    ncols : int, optional
        Panels per row (default: all in one row, up to 3).
    panel_size : float
        Size of one panel in inches.
    ties, spokes, legend, stable : bool
    changes : bool
        Mark new, gone and moved alters (``False``: the maps as they are, side by side).
    mark : {None, "capital", "resources"} or list of them
        Also mark each alter's social capital and the number of resource
        items they could help with, as in :func:`egogram`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import egomap as em
    >>> fig = em.viz.small_multiples(em.demo.demo_case())
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['Baseline (2026-01-12)', '6 months (2026-07-13)', '12 months (2027-01-11)']
    >>> plain = em.viz.small_multiples(em.demo.demo_case(), changes=False)
    >>> [t.get_text() for t in plain.legends[0].texts if t.get_text().strip()][-2:]
    ['Not recorded (dashdot)', 'Tie: they know each other']
    """
    mode = _style.check_label_mode(label_mode)
    marks = check_marks(mark)
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
    if not changes:
        frs = [_as_it_is(fr) for fr in frs]
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
        handles, columns = grouped_handles(
            legend_handles(all_items, changes, marks), len(_style.KEY), fig.get_figwidth()
        )
        fig.legend(
            handles=handles,
            handler_map=HANDLER_MAP,
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
        draw_map(ax, scene, frame_marks(fr.items, mode, marks), fr.ties, spokes=spokes, show_ties=ties, scale=u)
    return fig


def _as_it_is(fr: Frame) -> Frame:
    """A frame without change marks: no ghosts of people who have gone, no new or moved marks, the map's ties."""
    items = [replace(it, status="present", shift=0) for it in fr.items if it.status != "lost"]
    return Frame(fr.label, fr.map, items, [(a, b, "present") for a, b, s in fr.ties if s != "dissolved"], None)


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
                plain_text(
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
                plain_text(
                    ax, t, (y0 + y1) / 2, str(n), ha="center", va="center", fontsize=7, color="white", gid="count"
                )
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
        plain_text(ax, t, 0.6 + gap * 0.3, _map_title(m), ha="center", va="bottom", fontsize=9, gid="timepoint-label")
    ax.set_xlim(-0.9, k - 1 + 0.9)
    ax.set_ylim(lowest - gap, 1.5 + gap)
    ax.set_axis_off()
    ax.set_title(
        f"{maps[0].person.id}: who is in which circle over time" if title is None else title,
        fontsize=_style.FONT["title"],
        parse_math=False,
    )
    return fig
