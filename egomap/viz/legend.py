"""The key (legend) of the matplotlib figures: the same entries as in the widget and the change view.

Each entry of :data:`egomap.viz.style.KEY` becomes a :class:`KeyEntry`
handle, drawn by :class:`KeyHandler` as on the map (marker with its glyph and
double outline, line to the person, or a tie).

Examples
--------
>>> from matplotlib.figure import Figure
>>> from egomap.viz.legend import HANDLER_MAP, legend_handles
>>> fig = Figure()
>>> leg = fig.legend(handles=legend_handles(None, False), handler_map=HANDLER_MAP)
>>> len(leg.texts) == len(legend_handles(None, False))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.artist import Artist
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon
from matplotlib.text import Text

from egomap.viz import style as _style
from egomap.viz._layout import Item
from egomap.viz.mapdraw import line_style

__all__ = ["KeyEntry", "KeyHandler", "HANDLER_MAP", "legend_handles", "mark_handles", "grouped_handles"]


class KeyEntry(Artist):
    """A legend handle standing for one entry of :data:`egomap.viz.style.KEY` (or a change status)."""

    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__()
        self.entry = entry
        self.set_label(entry["label"])


class KeyHandler(HandlerBase):
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
        if e.get("capital") or e.get("count"):
            return _tag_artist(e, handlebox, (cx, cy), fontsize * 0.62, tr)
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
                    linestyle=line_style(v["dash"]),
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
            linestyle=line_style(s["dash"] or (v["dash"] if e["valence"] else ())),
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


def _tag_artist(e: dict[str, Any], handlebox: Any, at: tuple[float, float], r: float, tr: Any) -> Artist:
    """A capital tag or a resource-count disc, as on the map."""
    cx, cy = at
    if e.get("capital"):
        cap, T = _style.CAPITAL[e["capital"]], _style.CAPITAL_TAG
        fill, edge, text, symbol, size = cap["color"], T["edge"], cap["text"], cap["symbol"], T["font"] * cap["scale"]
    else:
        C = _style.COUNT
        fill, edge, text, symbol, size = C["color"], C["edge"], C["text"], str(e["count"]), C["font"] * 0.9
    disc = Circle((cx, cy), r, transform=tr, facecolor=fill, edgecolor=edge, lw=0.8)
    handlebox.add_artist(disc)
    handlebox.add_artist(
        Text(cx, cy, symbol, fontsize=r * 1.45 * size, fontweight="bold", color=text, ha="center", va="center",
             transform=tr)
    )  # fmt: skip
    return disc


def mark_handles(mark: Sequence[str]) -> list:
    """Legend handles for the capital tags and the resource counts (``mark``, as checked by ``check_marks``).

    Examples
    --------
    >>> [h.get_label().split(":")[0] for h in mark_handles(("capital", "resources"))]
    ['Bonding (●)', 'Bridging (↔)', 'Linking (↑)', 'Resource items they could help with']
    """
    out: list = []
    if "capital" in mark:
        out += [KeyEntry({"label": _style.CAPITAL[k]["label"], "capital": k}) for k in _style.CAPITAL_ORDER]
    if "resources" in mark:
        out.append(KeyEntry({"label": _style.COUNT["label"], "count": 3}))
    return out


def legend_handles(items: Sequence[Item] | None, with_status: bool, mark: Sequence[str] = ()) -> list:
    """Legend handles: the key, then (``with_status``) the change states and moves among ``items``, then ``mark``.

    Examples
    --------
    >>> [h.get_label() for h in legend_handles(None, False)][:2]
    ['Person', 'Group']
    """
    handles: list = [KeyEntry(e) for e in _style.KEY]
    if with_status and items is not None:
        statuses = {it.status for it in items}
        for k in ("retained", "gained", "lost"):
            if k in statuses:
                # a plain white marker: no valence glyph ("+" means supportive)
                handles.append(
                    KeyEntry({"label": _style.STATUS[k]["label"], "kind": "person", "valence": None, "status": k})
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
    return handles + mark_handles(mark)


#: Pass as ``handler_map`` to ``legend()`` so that :class:`KeyEntry` handles are drawn.
HANDLER_MAP = {KeyEntry: KeyHandler()}


def grouped_handles(handles: list, n_key: int, width: float) -> tuple[list, int]:
    """Legend handles padded with blanks so that the key, the change states, the moves and the capital and
    resource marks each start a column, in as few rows (at least 3) as let the columns fit a figure ``width`` inches wide.

    Returns the handles and the number of columns.
    """
    key, rest = handles[:n_key], handles[n_key:]
    marked = [h for h in rest if isinstance(h, KeyEntry) and ("capital" in h.entry or "count" in h.entry)]
    status = [h for h in rest if isinstance(h, KeyEntry) and h not in marked]
    moves = [h for h in rest if not isinstance(h, KeyEntry)]
    groups = [g for g in (key, status, moves, marked) if g]

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
