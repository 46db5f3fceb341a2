"""The change between two maps as a practitioner reads it: a few plain sentences and a small HTML table.

:meth:`egomap.Change.summary` and the notebook display of a
:class:`~egomap.Change` call these.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from egomap.change.words import READABLE_COLUMNS, circles, sector_label
from egomap.measures.capital import resources_accessed

if TYPE_CHECKING:  # pragma: no cover
    from egomap.change import Change
    from egomap.model import Alter

__all__ = ["summary_lines", "change_html"]


def _fmt(value: Any) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(value)) or "none"
    return str(value)


def _pct(x: float, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "&ndash;"
    v = round(100 * x) + 0  # + 0 turns -0 into 0
    return f"{v:+d} points" if signed else f"{v:d}%"


def _count(x: float, signed: bool = False) -> str:
    if x is None or math.isnan(x):
        return "&ndash;"
    return f"{round(x) + 0:+d}" if signed else f"{x:.0f}"


def summary_lines(ch: Change) -> list[str]:
    """The change in a few plain sentences (:meth:`Change.summary`)."""

    def names(alters: Iterable[Alter]) -> str:
        return ", ".join(a.label for a in alters)

    out = []
    if ch.gained:
        out.append(f"{len(ch.gained)} new: {names(ch.gained)}.")
        sources: dict[str, list[Alter]] = {}
        for a in ch.gained:
            if a.met_through:
                sources.setdefault(a.met_through, []).append(a)
        for source, alters in sources.items():
            out.append(f"Met through {source}: {names(alters)}.")
        bridging = ch.new_bridging
        if bridging:
            tie = "tie" if len(bridging) == 1 else "ties"
            out.append(f"{len(bridging)} new bridging {tie} (beyond the person's circles): {names(bridging)}.")
    if ch.lost:
        out.append(f"{len(ch.lost)} gone: {names(ch.lost)}.")
    inward, outward = ch.moved_inward, ch.moved_outward
    for moves, what in ((inward, "closer"), (outward, "further out")):
        if moves:
            each = ", ".join(f"{mv.alter.label} ({circles(abs(mv.shift))})" for mv in moves)
            out.append(f"{len(moves)} moved {what}: {each}.")
    sec = ch.sector_changes
    if sec:
        out.append(
            f"{len(sec)} changed sector: "
            + ", ".join(
                f"{mv.alter.label} ({sector_label(ch.before, mv.sector_before)} to "
                f"{sector_label(ch.after, mv.sector_after)})"
                for mv in sec
            )
            + "."
        )
    felt = [c for c in ch.attribute_changes if c.attribute != "capital"]
    if felt:
        out.append(
            f"{len(felt)} change{'' if len(felt) == 1 else 's'} "
            "in how it feels, support or contact: "
            + "; ".join(
                f"{c.alter.label}: {READABLE_COLUMNS[c.attribute + '_after'].rsplit(' (', 1)[0].lower()} "
                f"{_fmt(c.before)} to {_fmt(c.after)}"
                for c in felt
            )
            + "."
        )
    capital = [c for c in ch.attribute_changes if c.attribute == "capital"]
    if capital:
        out.append("Social capital: " + "; ".join(f"{c.alter.label}: {c.before} to {c.after}" for c in capital) + ".")
    reached = (resources_accessed(ch.before), resources_accessed(ch.after))
    if not any(math.isnan(x) for x in reached) and reached[0] != reached[1]:
        out.append(f"Resources someone could help with: {reached[0]:.0f} to {reached[1]:.0f} items.")
    if ch.ties_formed or ch.ties_dissolved:
        line = f"Ties between alters: {len(ch.ties_formed)} formed, {len(ch.ties_dissolved)} dissolved."

        def pairs(ties: list[tuple[Alter, Alter]]) -> str:
            return ", ".join(f"{x.label} \u2013 {y.label}" for x, y in ties)

        if ch.ties_formed:
            line += f" Formed: {pairs(ch.ties_formed)}."
        if ch.ties_dissolved:
            line += f" Dissolved: {pairs(ch.ties_dissolved)}."
        out.append(line)
    if not out:
        out.append("No change.")
    return out


def change_html(ch: Change) -> str:
    """The change as an HTML block for notebooks (:meth:`Change._repr_html_`); every text escaped."""
    esc = html.escape
    comp = ch.composition
    rows = []
    names = {
        "size": "Alters",
        "ties": "Ties between alters",
        "share_professional": "Share professionals",
        "share_family": "Share family",
        "share_stressful": "Share stressful",
        "share_bridging": "Share bridging",
        "resources_accessed": "Resources someone could help with",
    }
    for key, label in names.items():
        r = comp.loc[key]
        if key.startswith("share"):
            cells = [_pct(r["before"]), _pct(r["after"]), _pct(r["shift"], signed=True)]
        else:
            cells = [_count(r["before"]), _count(r["after"]), _count(r["shift"], signed=True)]
        rows.append(f"<tr><th style='text-align:left'>{esc(label)}</th>" + "".join(f"<td>{c}</td>" for c in cells))
    items = "".join(f"<li>{esc(s)}</li>" for s in summary_lines(ch))
    return (
        "<div class='egomap-change'>"
        f"<p><strong>Change for {esc(ch.person.id)}: {esc(ch.before.label)} &rarr; "
        f"{esc(ch.after.label)}</strong></p>"
        f"<ul>{items}</ul>"
        "<table><thead><tr><th></th>"
        f"<th>{esc(ch.before.label)}</th><th>{esc(ch.after.label)}</th><th>change</th></tr></thead>"
        f"<tbody>{''.join(r + '</tr>' for r in rows)}</tbody></table>"
        "</div>"
    )
