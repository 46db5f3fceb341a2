"""Who could help with what, drawn as a picture: the table for the person, under a picture of their map.

The session panel (:class:`egomap.SessionPanel`) adds this table to the
picture a person takes home; :func:`resource_figure` draws it with
matplotlib (no browser needed), as :func:`egomap.viz.resource_sheet` shows
it in a notebook: the items grouped by domain, each with who could help, or
*No one*. Text is never read as mathtext.

Examples
--------
>>> import egomap as em
>>> fig = resource_figure(em.demo.demo_case().map("Baseline"))
>>> [t.get_text() for t in fig.axes[-1].texts if t.get_gid() == "resource-who"][:3]
['Mum', 'Dad', 'No one']
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

from matplotlib.figure import Figure

from egomap.model import Map
from egomap.viz.figures import EgoFigure
from egomap.viz.mapdraw import plain_text
from egomap.viz.resources import NO_ONE, NOT_ASKED, resource_table

__all__ = ["resource_figure"]

_FONT = 9.5  # points
_ROW = 0.2  # inches per line of text
_SPACING = _ROW * 72 / _FONT  # matplotlib linespacing that gives one line per _ROW
_INK, _GREY, _RULE = "#1F2933", "#52606D", "#CBD2D9"


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def resource_figure(
    m: Map,
    names: bool = True,
    *,
    label_mode: str | None = None,
    asked_only: bool = True,
    picture: str | os.PathLike | None = None,
    width: float = 8.0,
    title: str | None = None,
) -> Figure:
    """The resource table of map ``m`` as a figure, optionally under a picture of the map.

    Parameters
    ----------
    m : Map
    names : bool
        ``False``: pseudonymous codes instead of names (see :func:`egomap.viz.resource_table`).
    label_mode : {"names", "initials", "hidden"}, optional
        Name people as the picture of the map does (overrides ``names``).
    asked_only : bool
        Leave out the items not asked about (the default: a picture for the person).
    picture : path, optional
        A PNG of the map to put above the table (e.g. from ``MapWidget.save_png``).
    width : float
        Width of the figure in inches.
    title : str, optional
        Heading above the table (default: "Who could help with what").

    Returns
    -------
    matplotlib.figure.Figure
        Save with ``fig.savefig("picture.png")`` (owner-only, as every egomap figure).
    """
    table = resource_table(m, names, label_mode=label_mode, asked_only=asked_only)
    chars = max(int(width * 0.92 * 72 / (_FONT * 0.56)), 30)  # characters across the table, about
    item_w = int(chars * 0.55)
    rows: list[tuple[str, Any, list[str], list[str]]] = []  # (kind, domain or who-kind, left lines, right lines)
    domain = None
    for row in table.itertuples(index=False):
        if row.domain != domain:
            domain = row.domain
            rows.append(("domain", None, [domain], []))
        who = {NO_ONE: "No one", NOT_ASKED: "Not asked"}.get(row.who, row.who)
        rows.append(("item", row.who, _lines(row.item, item_w), _lines(who, chars - item_w - 4)))
    if not rows:
        rows.append(("empty", None, ["No resource items asked yet."], []))
    n_lines = sum(max(len(a), len(b)) + (0.8 if kind == "domain" else 0.35) for kind, _, a, b in rows)
    table_h = (n_lines + 3.2) * _ROW
    pic_h = 0.0
    image = None
    if picture is not None:
        from matplotlib.image import imread

        image = imread(os.fspath(picture))
        pic_h = width * image.shape[0] / image.shape[1]
    fig = EgoFigure(figsize=(width, pic_h + table_h), dpi=100)
    fig.set_facecolor("white")
    if image is not None:
        top = fig.add_axes((0, table_h / (pic_h + table_h), 1, pic_h / (pic_h + table_h)))
        top.imshow(image)
        top.set_axis_off()
    ax = fig.add_axes((0.04, 0, 0.92, table_h / (pic_h + table_h)))
    ax.set_xlim(0, 1)
    ax.set_ylim(-table_h / _ROW, 0)
    ax.set_axis_off()
    y = -0.9
    plain_text(ax, 0, y, "Who could help with what" if title is None else title, fontsize=12, fontweight="bold",
               color=_INK, va="center", gid="resource-title")  # fmt: skip
    y -= 1.6
    split = (item_w + 2) / chars
    for kind, who, left, right in rows:
        h = max(len(left), len(right))
        if kind == "domain":
            y -= 0.3
            ax.axhline(y + 0.65, color=_RULE, lw=0.8)
            plain_text(
                ax, 0, y, left[0], fontsize=10, fontweight="bold", color=_INK, va="center", gid="resource-domain"
            )
            y -= 1.5
            continue
        if kind == "empty":
            plain_text(ax, 0, y, left[0], fontsize=_FONT, color=_GREY, va="center", gid="resource-empty")
            break
        look = (
            {"fontweight": "bold"} if who == NO_ONE else {"style": "italic", "color": _GREY} if who == NOT_ASKED else {}
        )
        for x, lines, gid, extra in ((0.02, left, "resource-item", {}), (split, right, "resource-who", look)):
            # one text per cell, its lines on the same baselines as the other cell's
            plain_text(ax, x, y - 0.3, "\n".join(lines), fontsize=_FONT, va="baseline", linespacing=_SPACING,
                       gid=gid, **{"color": _INK, **extra})  # fmt: skip
        y -= h + 0.35
    return fig
