"""Social capital in exported files: the effective type, where it comes from, and reading it back.

Every export that writes an alter's ``capital`` (egor's ``alters.csv``, GraphML, pseudonymised JSON)
writes the *effective* type, :meth:`egomap.Map.capital` (``bonding``, ``bridging`` or
``linking``), so a researcher has it without egomap's rule, and beside it ``capital_source``:
``person`` when the practitioner recorded the person's own view (the placement's ``capital``),
``default`` when egomap's rule (:func:`egomap.model.capital.default_capital`) gave it.

Reading back, a ``person`` type is recorded as the person's view and a ``default`` type is left
to the rule again, so the round trip is exact. One case keeps a ``default`` type as recorded:
when the rule, given what the file holds, would now say otherwise. That happens in a
pseudonymised file, which leaves out ``met_through`` (a friend met at a football club is
bridging by the rule; without "football club" the rule says bonding): keeping the type keeps
every alter's capital, and so the capital measures, the same in the store that reads the file.
The import report lists these alters. A file without ``capital_source`` (written by another
program) gives each ``capital`` as recorded.

Examples
--------
>>> import egomap as em
>>> m = em.Person("R-1").new_map("Baseline")
>>> sam = m.add_alter("Sam", ring=1, sector="friends", met_through="Tuesday football club")
>>> capital_cells(m, sam.id)
('bridging', 'default')
>>> stored_capital("bridging", "default", sector="friends", kind="person", is_professional=False, family_sector=False)
('bridging', True)
>>> stored_capital("bonding", "default", sector="friends", kind="person", is_professional=False, family_sector=False)
(None, False)
"""

from __future__ import annotations

from typing import Any

from egomap import fields as _f
from egomap.errors import ValidationError
from egomap.model.capital import default_capital

__all__ = ["SOURCE", "SOURCES", "capital_cells", "stored_capital", "with_source", "kept_note"]

#: The column (GraphML: node attribute) beside ``capital`` saying where the type comes from.
SOURCE = "capital_source"
#: Its values: the person's own view, or egomap's default rule.
SOURCES = ("person", "default")
_CAPITAL = _f.field("placement", "capital")


def capital_cells(m: Any, alter_id: str) -> tuple[str, str]:
    """``(capital, capital_source)`` of an alter on map ``m`` as every export writes them."""
    return m.capital(alter_id), m.capital_source(alter_id)


def with_source(columns: list[str]) -> list[str]:
    """``columns`` with :data:`SOURCE` after ``capital`` (unchanged without ``capital``).

    Examples
    --------
    >>> with_source(["ring", "capital", "note"])
    ['ring', 'capital', 'capital_source', 'note']
    """
    if "capital" not in columns:
        return list(columns)
    i = columns.index("capital") + 1
    return [*columns[:i], SOURCE, *columns[i:]]


def stored_capital(
    value: object,
    source: object,
    *,
    sector: str,
    kind: str,
    is_professional: bool,
    family_sector: bool,
    met_through: str = "",
) -> tuple[str | None, bool]:
    """What a placement stores for an exported ``capital`` and ``capital_source``, and whether a default was kept.

    Parameters
    ----------
    value : str or None
        The exported ``capital`` (``""`` or None: not recorded).
    source : str or None
        The exported ``capital_source``: ``"person"``, ``"default"``, or ``""``/None when the
        file has none (the value is then the person's view, as recorded).
    sector, kind, is_professional, family_sector, met_through
        What the rule needs, as the file gives them.

    Returns
    -------
    tuple
        ``(capital, kept)``: the placement's ``capital`` (None: the rule decides) and True if a
        ``default`` type was kept as recorded because the rule now gives another type.

    Raises
    ------
    ValidationError
        An unknown type (field ``capital``) or source (field ``capital_source``), or a ``person``
        source without a type.
    """
    capital = _CAPITAL.clean(value.strip() if isinstance(value, str) else value) or None
    src = source.strip().lower() if isinstance(source, str) else source
    if src in (None, ""):
        return capital, False
    if src not in SOURCES:
        raise ValidationError(
            f"{source!r} is not a capital source: expected {' or '.join(SOURCES)}", field=SOURCE, value=source
        )
    if src == "person":
        if capital is None:
            raise ValidationError(
                "the person's view needs a capital type (bonding, bridging or linking)", field="capital"
            )
        return capital, False
    if capital is None:
        return None, False
    rule = default_capital(
        sector, kind=kind, is_professional=is_professional, met_through=met_through or "", family_sector=family_sector
    )
    return (None, False) if rule == capital else (capital, True)


def kept_note(n: int) -> str:
    """The import report's note on ``n`` default types kept as recorded."""
    return (
        f"social capital of {n} alter(s) kept as exported: egomap's default rule gives another type from what the "
        "file holds (a pseudonymised file has no 'met through'), so it is recorded as their capital"
    )
