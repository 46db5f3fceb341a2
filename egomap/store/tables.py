"""The cohort tables a store reads whole (placements, ties, resources): their columns, and ``met_through_activity``.

``met_through_activity`` (whether an alter's ``met_through`` names an activity:
a club, a course, work, ...; :func:`egomap.model.capital.met_through_activity`)
is what the default capital rule needs of ``met_through``, and the one thing a
researcher may know of it. A researcher's team store computes it in SQL, in
the research view (from the same word list); for everyone else the store
reads ``met_through`` and computes it here, once per distinct text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from egomap import fields as _f
from egomap.errors import NotFoundError, ValidationError
from egomap.model.capital import met_through_activity

__all__ = ["ACTIVITY", "TABLE_COLUMNS", "check_columns", "owner_reads", "activity_rows", "activity_columns"]

#: The column derived from ``met_through`` (0/1).
ACTIVITY = "met_through_activity"

#: The columns of the tables read whole, other than ``placements`` (whose columns are the vocabulary's).
TABLE_COLUMNS = {"ties": ("map_id", "a", "b", "types"), "resources": ("map_id", "item", "alter_id")}


def check_columns(table: str, columns: Sequence[str]) -> list[str]:
    """``columns`` as a list if ``table`` has them all, else an error naming the first it lacks.

    Examples
    --------
    >>> check_columns("resources", ["map_id", "item"])
    ['map_id', 'item']
    >>> check_columns("resources", ["who"])
    Traceback (most recent call last):
    ...
    egomap.errors.NotFoundError: resources have the columns map_id, item and alter_id, not ['who']
    """
    if table == "placements":
        allowed = {"map_id", "alter_id", *_f.names("placement"), *_f.names("alter"), ACTIVITY}
        bad = [c for c in columns if c not in allowed]
        if bad:
            raise NotFoundError(f"placements have no column {bad[0]!r}")
    elif table in TABLE_COLUMNS:
        cols = TABLE_COLUMNS[table]
        if any(c not in cols for c in columns):
            names = f"{', '.join(cols[:-1])} and {cols[-1]}"
            raise NotFoundError(f"{table} have the columns {names}, not {list(columns)!r}")
    else:
        raise ValidationError(f"unknown table {table!r}: placements, ties or resources", field="table", value=table)
    return list(columns)


def owner_reads(engine: Any, table: str, columns: list[str]) -> list[str] | None:
    """The columns to read instead, when ``met_through_activity`` is computed here (None: read as asked).

    A researcher's engine reads it from the research view; any other reads ``met_through``.
    """
    if table != "placements" or ACTIVITY not in columns or getattr(engine, "researcher", False):
        return None
    return [*dict.fromkeys("met_through" if c == ACTIVITY else c for c in columns)]


def _flags() -> Callable[[Any], int]:
    cache: dict[Any, int] = {}

    def flag(text: Any) -> int:
        got = cache.get(text)
        if got is None:
            raw = text.decode("utf-8") if isinstance(text, bytes) else text or ""
            got = cache[text] = int(met_through_activity(raw))
        return got

    return flag


def activity_rows(rows: list[tuple], read: list[str], columns: list[str]) -> list[tuple]:
    """Rows read with the columns ``read`` as rows of ``columns`` (``met_through_activity`` computed)."""
    flag = _flags()
    at = {c: i for i, c in enumerate(read)}
    mt = at["met_through"]
    pick = [(-1 if c == ACTIVITY else at[c]) for c in columns]
    return [tuple(flag(r[mt]) if j < 0 else r[j] for j in pick) for r in rows]


def activity_columns(arrays: dict[str, np.ndarray], columns: list[str]) -> dict[str, np.ndarray]:
    """Columns read with ``met_through`` as the columns asked for (``met_through_activity`` as int64 0/1)."""
    out = {c: arrays[c] for c in columns if c != ACTIVITY}
    if ACTIVITY in columns:
        texts, where = np.unique(arrays["met_through"], return_inverse=True)
        flag = _flags()
        out[ACTIVITY] = np.array([flag(t) for t in texts], dtype=np.int64)[where.reshape(-1)]
    return {c: out[c] for c in columns}
