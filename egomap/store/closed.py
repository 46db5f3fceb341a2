"""Columns with a closed vocabulary read as one character a row, for the whole-table reads of both engines.

A choice (``valence``, ``kind``, ``capital``, ...) or a set of choices (the
support types, stored as sorted comma-separated text) has few possible values.
A scan then asks the database for one character per row (a ``CASE``) and no
separator: numpy turns the text into the values by a lookup table, with no
text to cut and no Python object per row. ``0`` is empty or NULL; ``~`` is a
value outside the vocabulary (an old or edited store), which sends that
column back to the ordinary text path.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from egomap import fields

__all__ = ["Closed", "CLOSED", "closed_columns", "closed_reading", "decode"]

#: A column read one character a row: the SQL, and the values by character (``0``: empty) with the lookup table.
Closed = tuple[str, tuple[np.ndarray, np.ndarray]]
_CODES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # '~': outside the vocabulary


def closed_columns() -> dict[str, Closed]:
    """The vocabulary's choices and sets of choices (as stored), each with its one-character reading."""
    out = {}
    for f in (f for o in ("alter", "placement") for f in fields.of(o)):
        if f.type == "choice" and f.choices:
            values = [f.to_db(v) for v in f.choices]
        elif f.type == "set" and f.choices:
            values = sorted({f.to_db(set(c)) for k in range(1, len(f.choices) + 1) for c in combinations(f.choices, k)})
        else:
            continue
        got = closed_reading(f.column, values)
        if got is not None:
            out[f.column] = got
    return out


def closed_reading(column: str, values: Sequence[str]) -> Closed | None:
    """The one-character reading of ``column`` (a column name or SQL expression) whose values are among ``values``.

    None when there are too many values for one character.

    Examples
    --------
    >>> sql, table = closed_reading("valence", ["supportive", "mixed"])
    >>> sql
    "CASE coalesce(valence, '') WHEN '' THEN '0' WHEN 'supportive' THEN '1' WHEN 'mixed' THEN '2' ELSE '~' END"
    >>> decode("0210", 4, table).tolist(), decode("1~", 2, table)
    ([b'', b'mixed', b'supportive', b''], None)
    """
    values = [v for v in dict.fromkeys(values) if v]
    if len(values) >= len(_CODES):
        return None
    whens = " ".join(f"WHEN '{v.replace(chr(39), chr(39) * 2)}' THEN '{_CODES[i + 1]}'" for i, v in enumerate(values))
    lut = np.zeros(128, dtype=np.intp)
    for i in range(len(values) + 1):
        lut[ord(_CODES[i])] = i
    sql = f"CASE coalesce({column}, '') WHEN '' THEN '0' {whens} ELSE '~' END"
    return sql, (np.array([b"", *(v.encode("utf-8") for v in values)]), lut)


def decode(s: str, n: int, table: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    """One character a row (:func:`closed_reading`) as the values; None if a row holds a value outside them."""
    values, lut = table
    codes = np.frombuffer(s.encode("ascii"), dtype=np.uint8)
    if len(codes) != n or (codes == ord("~")).any():
        return None
    return values[lut[codes]] if n else np.zeros(0, dtype="S1")


#: The vocabulary's closed columns by column name.
CLOSED = closed_columns()
