"""Change in plain words: moves between circles, and the change table a practitioner reads.

:meth:`egomap.Change.to_frame` gives the researcher's table (raw column
names, circles as numbers, missing values as ``None``/``<NA>``); with
``readable=True`` it is passed through :func:`readable_frame`, which uses
the words here. The change view (:func:`egomap.viz.change_network`) says
moves the same way (:func:`shift_words`).

Examples
--------
>>> shift_words(-1), shift_words(2), shift_words(0)
('one circle closer', 'two circles further out', 'same circle')
>>> READABLE_COLUMNS["valence_after"], READABLE_COLUMNS["ring_before"], MISSING
('How it feels (after)', 'Circle (before)', '–')
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from egomap import fields as _fields
from egomap.errors import ValidationError
from egomap.model import Map

__all__ = [
    "circles",
    "ATTRIBUTES",
    "TABLE_ATTRIBUTES",
    "MISSING",
    "READABLE_COLUMNS",
    "STATUS_WORDS",
    "shift_words",
    "ring_label",
    "sector_label",
    "resource_labels",
    "readable_frame",
]

#: Placement attributes whose changes are reported for retained alters (from the vocabulary).
ATTRIBUTES = tuple(f.name for f in _fields.compared())

#: The ``<attribute>_before`` / ``<attribute>_after`` columns of a change table: :data:`ATTRIBUTES`, then the
#: effective social ``capital`` and the ``resources`` an alter could provide (both per map).
TABLE_ATTRIBUTES = (*(a for a in ATTRIBUTES if a != "capital"), "capital", "resources")

#: How a readable table shows a value that is missing or not recorded (one way, everywhere).
MISSING = "\u2013"

#: A change status in words: ``retained`` / ``gained`` / ``lost`` as a practitioner says it.
STATUS_WORDS = {"retained": "still there", "gained": "new", "lost": "gone"}

_COUNTS = ("one", "two", "three", "four", "five", "six")


def circles(n: int) -> str:
    """A number of circles in words.

    Examples
    --------
    >>> circles(1), circles(2), circles(9)
    ('one circle', 'two circles', '9 circles')
    """
    count = _COUNTS[n - 1] if 0 < n <= len(_COUNTS) else str(n)
    return f"{count} circle{'' if n == 1 else 's'}"


def shift_words(shift: int) -> str:
    """A move between circles in plain words (``shift`` < 0 is closer to the person).

    Examples
    --------
    >>> shift_words(-3), shift_words(1), shift_words(9)
    ('three circles closer', 'one circle further out', '9 circles further out')
    """
    if shift == 0:
        return "same circle"
    return f"{circles(abs(shift))} {'closer' if shift < 0 else 'further out'}"


def ring_label(m: Map, ring: int) -> str:
    """The label of circle ``ring`` of ``m`` ("circle 5" for one its scheme does not have)."""
    rings = m.rings.rings
    return rings[ring].label if 0 <= ring < len(rings) else f"circle {ring}"


def sector_label(m: Map, key: str) -> str:
    """The label of sector ``key`` of ``m`` (the key itself for one of an earlier map's scheme)."""
    try:
        return m.sectors.label(key)
    except ValidationError:
        return key


def resource_labels(m: Map, keys: str) -> str:
    """Resource items (keys, comma-separated as in a change table) by their labels in ``m``'s resource scheme.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> key = m.resource_scheme.keys[0]
    >>> resource_labels(m, key) == m.resource_scheme.item(key).label
    True
    """
    scheme = m.resource_scheme
    known = set(scheme.keys)
    return ", ".join(scheme.item(k).label if k in known else k for k in keys.split(",") if k)


def _missing(value: Any) -> bool:
    """``None``, ``NaN``, ``<NA>`` or empty text (pandas turns ``None`` into ``NaN`` in some columns)."""
    return value == "" if isinstance(value, str) else value is None or bool(pd.isna(value))


def _shown(owner: str, name: str) -> str:
    return _fields.field(owner, name).label


#: The columns of a readable change table: raw column of ``Change.to_frame()`` -> the name shown.
READABLE_COLUMNS: dict[str, str] = {
    "label": "Name",
    "relationship": _shown("alter", "relationship"),
    "kind": _shown("alter", "kind"),
    "is_professional": _shown("alter", "is_professional"),
    "met_through": _shown("alter", "met_through"),
    "status": "Change",
    "ring_before": f"{_shown('placement', 'ring')} (before)",
    "ring_after": f"{_shown('placement', 'ring')} (after)",
    "shift": "Moved",
    "sector_before": f"{_shown('placement', 'sector')} (before)",
    "sector_after": f"{_shown('placement', 'sector')} (after)",
    **{
        f"{a}_{w}": f"{'Resources' if a == 'resources' else _shown('placement', a)} ({w})"
        for a in TABLE_ATTRIBUTES
        for w in ("before", "after")
    },
}


def readable_frame(df: pd.DataFrame, before: Map, after: Map) -> pd.DataFrame:
    """A change table (``Change.to_frame()``) in words, for practitioners.

    The columns of :data:`READABLE_COLUMNS` under their plain names, circles
    and sectors by their labels on ``before`` / ``after``, the status as
    new / gone / still there, moves as :func:`shift_words`, sets as
    comma-separated words, and every missing or empty value as
    :data:`MISSING`. Every cell is text.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> a, b = p.map("Baseline"), p.map("6 months")
    >>> table = readable_frame(em.compare(a, b).to_frame(), a, b).set_index("Name")
    >>> print(table.loc[["Dad", "Josh"], ["Change", "Circle (before)", "Moved"]].to_string())
               Change Circle (before)                  Moved
    Name
    Dad   still there   Middle circle  one circle further out
    Josh          new               –                      –
    """
    words: dict[str, Any] = {
        "status": lambda v: STATUS_WORDS.get(v, v),
        "is_professional": lambda v: "yes" if v else "no",
        "ring_before": lambda v: ring_label(before, int(v)),
        "ring_after": lambda v: ring_label(after, int(v)),
        "shift": lambda v: shift_words(int(v)),
        "sector_before": lambda v: sector_label(before, v),
        "sector_after": lambda v: sector_label(after, v),
        "resources_before": lambda v: resource_labels(before, v),
        "resources_after": lambda v: resource_labels(after, v),
    }
    out = {}
    for raw, shown in READABLE_COLUMNS.items():
        convert = words.get(raw, lambda v: str(v).replace(",", ", "))
        out[shown] = [MISSING if _missing(v) else convert(v) for v in df[raw]]
    return pd.DataFrame(out, index=df.index, dtype=object)
