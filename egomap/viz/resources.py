"""Who could help with what, on one map: the resource table and the sheet for the person.

A map records, for each item of its resource scheme that was asked about
(:attr:`egomap.Map.resource_scheme`, e.g. "Who could lend you a small sum of
money?"), the people who could provide it. This module shows that record:

* :func:`resource_table` - a pandas DataFrame, one row per item in the
  scheme's order, with its domain and prompt and a column ``who``: the people
  who could help, or *no one* (asked, nobody), or *not asked*;
* :func:`resource_sheet` - the same as a readable HTML table for a notebook
  or a page to give the person (:meth:`ResourceSheet.save`), the items
  grouped by domain. Every piece of text is escaped: a name is never markup.

With ``names=False`` people are given by pseudonymous codes (the codes of
egomap's research exports, :func:`egomap.io.pseudonyms`), so the table can
be shown or shared without names.

Examples
--------
>>> import egomap as em
>>> m = em.demo.demo_case().map("Baseline")
>>> t = em.resource_table(m)
>>> t.loc["small_loan", "who"], t.loc["job_advice", "who"], t.loc["fix_things", "who"]
('Mum', 'no one', 'not asked')
>>> em.resource_table(m, names=False).loc["health_advice", "who"]
'DEMO-01-A005, DEMO-01-A006'
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from egomap.errors import ValidationError
from egomap.files import write_text
from egomap.geometry import check_label_mode, initials
from egomap.model import Map

__all__ = ["NO_ONE", "NOT_ASKED", "COLUMNS", "resource_table", "ResourceSheet", "resource_sheet", "who_names"]

#: What the table says for an item asked about with nobody named.
NO_ONE = "no one"
#: What the table says for an item not asked about.
NOT_ASKED = "not asked"
#: The table's columns, in order.
COLUMNS = ("domain", "item", "prompt", "who")


def _check_map(m: object) -> Map:
    if not isinstance(m, Map):
        raise ValidationError(f"expected a map (egomap.Map), got {type(m).__name__}", field="map", value=m)
    return m


def who_names(m: Map, names: bool = True, label_mode: str | None = None) -> dict[str, str]:
    """How each alter of ``m`` is named in the table: alter id -> text.

    ``names=True``: the label as on the map; ``names=False``: the
    pseudonymous code of egomap's exports (``R-017-A003``). ``label_mode``, if
    given, overrides ``names`` to match a picture: ``"names"``,
    ``"initials"``, or ``"hidden"`` (the number each person has on the map, as
    the co-drawing widget shows it).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> [who_names(m, label_mode=x)[m.alters[4].id] for x in ("names", "initials", "hidden")]
    ['Priya', 'P', '5']
    """
    m = _check_map(m)
    if label_mode is not None:
        mode = check_label_mode(label_mode)
        if mode == "initials":
            return {a.id: initials(a.label) for a in m.alters}
        if mode == "hidden":
            return {a.id: str(n) for n, a in enumerate(m.alters, start=1)}
        return {a.id: a.label for a in m.alters}
    if not isinstance(names, bool):
        raise ValidationError(f"names must be True or False, got {names!r}", field="names", value=names)
    if names:
        return {a.id: a.label for a in m.alters}
    from egomap.io import pseudonyms

    codes = pseudonyms(m.person)
    return {a.id: codes.get(a.id, a.id) for a in m.alters}


def resource_table(
    m: Map, names: bool = True, *, label_mode: str | None = None, asked_only: bool = False
) -> pd.DataFrame:
    """Who could help with what on map ``m``: one row per resource item, in the scheme's order.

    Parameters
    ----------
    m : Map
    names : bool
        ``True``: people by their label on the map; ``False``: by pseudonymous
        codes (``R-017-A003``, the codes of egomap's research exports).
    label_mode : {"names", "initials", "hidden"}, optional
        Name people as a picture of the map does (overrides ``names``;
        ``"hidden"``: the number each person has on the map).
    asked_only : bool
        Leave out the items that were not asked about.

    Returns
    -------
    pandas.DataFrame
        Index: the item keys (``"small_loan"``). Columns ``domain`` and
        ``item`` (their labels), ``prompt`` (what to ask) and ``who``: the
        people who could help, in the map's order and separated by commas,
        or ``"no one"`` (asked, nobody named), or ``"not asked"``.

    Raises
    ------
    ValidationError
        If ``m`` is not a map or ``names`` is not True or False.

    See Also
    --------
    resource_sheet : the same as a readable HTML table.
    egomap.Map.set_resource : record who could help with an item.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-070").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.add_alter("Sam", ring=1, sector="friends")
    >>> m.set_resource("small_loan", ["Sam", "Mum"])
    >>> m.set_resource("crisis_call", [])
    >>> t = em.resource_table(m, asked_only=True)
    >>> t[["item", "who"]]
                                      item       who
    key
    small_loan   Lend a small sum of money  Mum, Sam
    crisis_call           Call in a crisis    no one
    >>> em.resource_table(m, names=False).loc["small_loan", "who"]
    'R-070-A001, R-070-A002'
    >>> em.resource_table(m).loc["company", "who"]
    'not asked'
    """
    m = _check_map(m)
    who = who_names(m, names, label_mode)
    scheme = m.resource_scheme
    asked = m.resources
    order = {a.id: i for i, a in enumerate(m.alters)}
    rows, keys = [], []
    for it in scheme.items:
        got = asked.get(it.key)
        if got is None:
            if asked_only:
                continue
            text = NOT_ASKED
        elif not got:
            text = NO_ONE
        else:
            text = ", ".join(who[a] for a in sorted(got, key=lambda a: order.get(a, len(order))))
        keys.append(it.key)
        rows.append((_domain_label(m, it.domain), it.label, it.prompt, text))
    return pd.DataFrame(rows, index=pd.Index(keys, name="key", dtype=object), columns=list(COLUMNS), dtype=object)


def _domain_label(m: Map, key: str) -> str:
    return next((d.label for d in m.resource_scheme.domains if d.key == key), key)


# --------------------------------------------------------------------------- the sheet

_CSS = (
    ".egomap-res-sheet{font-family:DejaVu Sans,Arial,sans-serif;color:#1F2933;max-width:60em}"
    ".egomap-res-sheet h2{font-size:1.1em;margin:.3em 0}"
    ".egomap-res-sheet p{margin:.2em 0 .6em 0;color:#3E4C59;font-size:.9em}"
    ".egomap-res-sheet table{border-collapse:collapse;width:100%}"
    ".egomap-res-sheet th,.egomap-res-sheet td{text-align:left;vertical-align:top;padding:.3em .6em;"
    "border-bottom:1px solid #E4E7EB}"
    ".egomap-res-sheet thead th{background:#F0F4F8}"
    ".egomap-res-sheet tbody th.egomap-res-domain{background:#F7F9FB;font-size:1em;padding-top:.6em}"
    ".egomap-res-sheet .egomap-res-prompt{display:block;font-weight:400;color:#52606D;font-size:.9em}"
    ".egomap-res-sheet .egomap-res-noone{font-weight:700}"
    ".egomap-res-sheet .egomap-res-notasked{font-style:italic;color:#52606D}"
)


class ResourceSheet:
    """Who could help with what, as an HTML table that displays itself in a notebook.

    Attributes
    ----------
    table : pandas.DataFrame
        The :func:`resource_table` it shows.
    title : str
        The heading (escaped when shown).
    html : str
        The table as an HTML fragment (every text escaped; styles scoped to ``.egomap-res-sheet``).
    """

    def __init__(self, table: pd.DataFrame, title: str, note: str = "") -> None:
        self.table = table
        self.title = title
        self.note = note
        self.html = _sheet_html(table, title, note)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<ResourceSheet {self.title!r}: {len(self.table)} items>"

    def page(self) -> str:
        """A whole HTML page holding the sheet (works offline; nothing is loaded)."""
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(self.title)}</title></head><body>{self.html}</body></html>\n"
        )

    def save(self, path: str | os.PathLike) -> Path:
        """Write :meth:`page` to ``path`` (an ``.html`` file, readable by its owner only); return the path."""
        return write_text(path, self.page())


def _sheet_html(table: pd.DataFrame, title: str, note: str) -> str:
    esc = html.escape
    out = [f"<div class='egomap-res-sheet'><style>{_CSS}</style><h2>{esc(title)}</h2>"]
    if note:
        out.append(f"<p>{esc(note)}</p>")
    out.append(
        "<table><thead><tr><th scope='col'>Who could help with this?</th><th scope='col'>Who</th></tr></thead><tbody>"
    )
    domain = None
    for row in table.itertuples(index=False):
        if row.domain != domain:
            domain = row.domain
            out.append(f"<tr><th colspan='2' scope='colgroup' class='egomap-res-domain'>{esc(domain)}</th></tr>")
        cls = {NO_ONE: " class='egomap-res-noone'", NOT_ASKED: " class='egomap-res-notasked'"}.get(row.who, "")
        who = {NO_ONE: "No one", NOT_ASKED: "Not asked"}.get(row.who, row.who)
        out.append(
            f"<tr><th scope='row'>{esc(row.item)}<span class='egomap-res-prompt'>{esc(row.prompt)}</span></th>"
            f"<td{cls}>{esc(who)}</td></tr>"
        )
    if table.empty:
        out.append("<tr><td colspan='2'>No resource items asked yet.</td></tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def resource_sheet(
    m: Map,
    names: bool = True,
    *,
    label_mode: str | None = None,
    asked_only: bool = False,
    title: str | None = None,
) -> ResourceSheet:
    """Who could help with what on map ``m``, as a readable table for a notebook or for the person.

    The items are grouped by domain, each with the question to ask; *No one*
    (asked, nobody named) and *Not asked* are written out and look different
    (bold, grey italic). Every piece of text is escaped.

    Parameters
    ----------
    m : Map
    names : bool
        ``False``: pseudonymous codes instead of names (as :func:`resource_table`).
    label_mode : {"names", "initials", "hidden"}, optional
        Name people as a picture of the map does (overrides ``names``).
    asked_only : bool
        Leave out the items not asked about.
    title : str, optional
        Heading (default: the map's label and date; with ``names=False`` the person's id and
        the map's time point, ``T1``, ``T2``, ...).

    Returns
    -------
    ResourceSheet
        Displays itself in a notebook; ``.save(path)`` writes a page to give the person.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("12 months")
    >>> sheet = em.viz.resource_sheet(m, asked_only=True)
    >>> sheet.title
    'Who could help with what: 12 months (2027-01-11)'
    >>> "Dave, Sue" in sheet.html and "Not asked" not in sheet.html
    True
    """
    m = _check_map(m)
    table = resource_table(m, names, label_mode=label_mode, asked_only=asked_only)
    if title is None:
        if names or label_mode is not None:
            when = f"{m.label} ({m.date.isoformat()})" if m.date else m.label
        else:
            when = f"{m.person.id}, T{m.person.maps.index(m) + 1}" if m in m.person.maps else m.person.id
        title = f"Who could help with what: {when}"
    asked = m.resources
    reached = sum(1 for who in asked.values() if who)
    note = f"Someone could help with {reached} of the {len(asked)} items asked." if asked else ""
    return ResourceSheet(table, title, note)
