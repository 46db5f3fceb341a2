"""Whole columns of an SQLite store as numpy arrays: one query per table, no Python object per row.

:func:`read_columns` implements :meth:`egomap.store.engine.Engine.read_columns`
for SQLite. Each table is scanned once with one ``group_concat`` per column, so
that a column arrives as one string; numpy cuts it into an array (text of one
width, the usual case for ids, is a reshape). Alter attributes of placements
come from one scan of the alters table, matched to the placements' alter ids
in numpy (:func:`egomap.store.keys.lookup`), which is much cheaper than a join
on text ids.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

import numpy as np

from egomap import fields
from egomap.errors import ValidationError
from egomap.store.closed import CLOSED, Closed, closed_reading, decode
from egomap.store.keys import as_bytes, cut_text, lookup
from egomap.store.sqlite.schema import PLACEMENT_COLS

__all__ = ["read_columns"]

_SEP = "\x1f"  # text fields refuse control characters; a value holding it takes the slow path
_INTS = frozenset(
    {"ring", *(f.name for o in ("alter", "placement") for f in fields.of(o) if f.type in ("int", "bool"))}
)
_FLOATS = frozenset(f.name for o in ("alter", "placement") for f in fields.of(o) if f.type == "float")
_IN = "(SELECT value FROM json_each(?))"
_BLOCK = 1_000_000  # rowids scanned at a time: bounds the text in flight (about 100 MB a block)


def read_columns(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], map_ids: Sequence[str] | None
) -> dict[str, np.ndarray]:
    """The columns of ``placements`` (alter attributes included), ``ties`` or ``resources`` as numpy arrays."""
    ids = None if map_ids is None else json.dumps(list(map_ids))
    if table in ("ties", "resources"):
        return _scan(conn, table, columns, None if ids is None else (f"map_id IN {_IN}", ids))
    if table != "placements":
        raise ValidationError(f"unknown table {table!r}: placements, ties or resources", field="table")
    own = [c for c in columns if c in ("map_id", "alter_id") or c in PLACEMENT_COLS]
    of_alter = [c for c in columns if c not in own]
    scan = list(dict.fromkeys([*own, *(["alter_id"] if of_alter else [])]))
    closed = _sector_vocabulary(conn) if "sector" in scan else {}
    out = _scan(conn, "placements", scan, None if ids is None else (f"map_id IN {_IN}", ids), closed)
    if of_alter:
        where = None if ids is None else (f"person_id IN (SELECT person_id FROM maps WHERE id IN {_IN})", ids)
        al = _scan(conn, "alters", ["id", *of_alter], where)
        row = lookup(al["id"], out["alter_id"])
        for c in of_alter:
            out[c] = al[c][row]
    return {c: out[c] for c in columns}


def _scan(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    where: tuple[str, str] | None,
    closed: Mapping[str, Closed] | None = None,
) -> dict[str, np.ndarray]:
    """One table's columns; a whole large table in blocks of rowids, so that the text in flight stays small."""
    closed = {**CLOSED, **(closed or {})}
    if where is not None:
        return _scan_part(conn, table, columns, where[0], [where[1]], closed)
    lo, hi = conn.execute(f"SELECT min(rowid), max(rowid) FROM {table}").fetchone()
    if lo is None or hi - lo < _BLOCK:
        return _scan_part(conn, f"{table} NOT INDEXED", columns, None, [], closed)
    # NOT INDEXED: rows in rowid order, whole or in blocks (a covering index would give its own order)
    parts = [
        _scan_part(conn, f"{table} NOT INDEXED", columns, "rowid BETWEEN ? AND ?", [start, start + _BLOCK - 1], closed)
        for start in range(lo, hi + 1, _BLOCK)
    ]
    return {c: np.concatenate([p.pop(c) for p in parts]) for c in columns}


def _scan_part(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    where: str | None,
    where_args: list,
    closed: Mapping[str, Closed],
) -> dict[str, np.ndarray]:
    text = [c for c in columns if c not in _FLOATS]  # floats keep every digit only row by row
    parts = []
    for c in text:
        if c in _INTS:
            parts.append(f"group_concat(ifnull({c}, -1), ' ')")
        elif c in closed:
            parts.append(f"group_concat({closed[c][0]}, '')")
        else:
            parts.append(f"group_concat(ifnull({c}, ''), ?)")
    tail = f" FROM {table}" + (f" WHERE {where}" if where else "")
    args = [_SEP for c in text if c not in _INTS and c not in closed] + where_args
    n, *cols = conn.execute(f"SELECT {', '.join(['count(*)', *parts])}{tail}", args).fetchone()
    out: dict[str, np.ndarray] = dict(zip(text, cols))
    del cols  # each column's text is freed once it is cut into an array
    for c in columns:
        if c in _FLOATS:
            got = None
        elif c in _INTS:
            got = _ints(out[c] or "", n)
        elif c in closed:
            got = decode(out[c] or "", n, closed[c][1])
        else:
            got = cut_text(out[c] or "", n, _SEP)
        if got is None:  # a float, or a separator inside a value: that column row by row
            rows = [v for (v,) in conn.execute(f"SELECT {c}{tail}", where_args)]
            got = np.array(rows, dtype=float) if c in _FLOATS else as_bytes(rows)
        out[c] = got
    return out


def _sector_vocabulary(conn: sqlite3.Connection) -> dict[str, Closed]:
    """The sector keys of the maps' sector schemes as a closed vocabulary (a few distinct schemes in a store)."""
    keys: dict[str, None] = {}
    for (text,) in conn.execute("SELECT DISTINCT sectors FROM maps"):
        try:
            keys.update(dict.fromkeys(str(s["key"]) for s in json.loads(text)["sectors"]))
        except (TypeError, KeyError, ValueError):
            return {}  # a scheme this reading does not understand: the sectors are read as text
    got = closed_reading("sector", list(keys))
    return {} if got is None else {"sector": got}


def _ints(s: str, n: int) -> np.ndarray:
    """``n`` whole numbers joined by spaces as an int64 array (one width of digits: no parsing per value)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    digits = cut_text(s, n, " ")
    if digits is not None:
        grid = np.ascontiguousarray(digits).view(np.uint8).reshape(n, -1)
        if grid.shape[1] and ((grid >= 48) & (grid <= 57)).all():
            powers = 10 ** np.arange(grid.shape[1] - 1, -1, -1, dtype=np.int64)
            return (grid.astype(np.int64) - 48) @ powers
    return np.array(s.split(" "), dtype=np.int64)
