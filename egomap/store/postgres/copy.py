"""Copy a whole store between SQLite and PostgreSQL (either way), edit logs included, and prove it with checksums.

Every table (persons, alters, maps, placements, ties, goals, resources, edits) is copied
row by row in the order it was written, with its ids (so undo and redo work on
the copy as on the original). The number of rows and a SHA-256 checksum of
every table are computed on both sides *inside the target's transaction*; if
any differs, nothing is kept. The target must be an empty store (copying
into a team's PostgreSQL store is the admin's job: the edit log's id
sequence is moved on past the copied ids).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from egomap.errors import StoreError
from egomap.store.postgres.engine import PostgresEngine
from egomap.store.postgres.schema import HIDDEN, ORDERED

__all__ = ["copy_store", "checksum", "TABLES"]

#: The tables copied, parents before children.
TABLES = ("persons", "alters", "maps", "placements", "ties", "goals", "resources", "edits")
_KEYS = {"persons": "id", "maps": "id", "edits": "id"}


def checksum(rows: Iterable[tuple]) -> str:
    """SHA-256 of a table's rows, in an order and form that do not depend on the engine.

    Examples
    --------
    >>> checksum([("a", 1, 0.5, None)]) == checksum([("a", 1, 0.5, None)])
    True
    >>> checksum([("a", 1)]) == checksum([("a", 2)])
    False
    """
    plain = sorted(json.dumps([float(v) if isinstance(v, float) else v for v in r]) for r in rows)
    h = hashlib.sha256()
    for line in plain:
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()


def _db_errors() -> tuple[type[Exception], ...]:
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


class _Side:
    """One end of a copy: an SQLite file or a PostgreSQL database, opened (and migrated) as a store."""

    def __init__(self, location: str | os.PathLike) -> None:
        from egomap.store import Store, is_database_url

        self.pg = is_database_url(location)
        if self.pg:
            self.engine: Any = PostgresEngine(str(location).strip())
            self.name = self.engine.path
            self.conn = self.engine.conn
        else:
            Store(location).close()  # create or upgrade the file as egomap does
            self.name = str(location)
            self.conn = sqlite3.connect(location, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")

    def columns(self, table: str) -> list[str]:
        if self.pg:
            cur = self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'egomap' "
                "AND table_name = %s ORDER BY ordinal_position",
                (table,),
            )
            return [r[0] for r in cur if r[0] not in HIDDEN]
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def rows(self, table: str, cols: list[str]) -> list[tuple]:
        if self.pg:
            order = "n" if table in ORDERED else _KEYS[table]
            return self.conn.execute(f"SELECT {', '.join(cols)} FROM egomap.{table} ORDER BY {order}").fetchall()
        return self.conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall()

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {'egomap.' if self.pg else ''}{table}").fetchone()[0]

    def begin(self) -> None:
        self.conn.execute("BEGIN" if self.pg else "BEGIN IMMEDIATE")

    def write(self, table: str, cols: list[str], rows: list[tuple]) -> None:
        if self.pg:
            with self.conn.cursor() as cur, cur.copy(f"COPY egomap.{table} ({', '.join(cols)}) FROM STDIN") as cp:
                for r in rows:
                    cp.write_row(r)
            if table == "edits":
                self.conn.execute(
                    "SELECT setval(pg_get_serial_sequence('egomap.edits', 'id'), "
                    "(SELECT COALESCE(max(id), 0) + 1 FROM egomap.edits), false)"
                )
        else:
            marks = ", ".join("?" * len(cols))
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)

    def end(self, commit: bool) -> None:
        self.conn.execute("COMMIT" if commit else "ROLLBACK")
        if commit and self.pg:
            # fresh tables have no planner statistics until autovacuum comes by (a minute or more later); without
            # them PostgreSQL plans the research views' joins as if the tables were nearly empty (row by row)
            self.conn.execute("ANALYZE " + ", ".join(f"egomap.{t}" for t in TABLES))

    def close(self) -> None:
        if self.pg:
            self.engine.close()
        else:
            self.conn.close()


def copy_store(
    source: str | os.PathLike, target: str | os.PathLike, *, report: Callable[[str], None] | None = print
) -> dict[str, tuple[int, str]]:
    """Copy everything in ``source`` into the empty store ``target``; compare counts and checksums of every table.

    Parameters
    ----------
    source, target : str or path
        An SQLite store file or a ``postgresql://`` URL each.
    report : callable, optional
        Called with one line per table (rows, checksum, whether both sides agree); ``print`` by default.

    Returns
    -------
    dict
        table -> (rows, checksum), the same on both sides.

    Raises
    ------
    StoreError
        If the target already holds persons, or a count or checksum differs
        after copying (nothing is kept then).

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> with em.open_store(os.path.join(d, "a.sqlite")) as s:
    ...     _ = s.add_person("R-1").new_map("Baseline").add_alter("Mum", ring=0, sector="household")
    >>> done = copy_store(os.path.join(d, "a.sqlite"), os.path.join(d, "b.sqlite"), report=None)
    >>> done["persons"][0], done["edits"][0]
    (1, 2)
    """
    src = _Side(source)
    try:
        dst = _Side(target)
    except BaseException:
        src.close()
        raise
    out: dict[str, tuple[int, str]] = {}
    try:
        if dst.count("persons") or dst.count("edits"):
            raise StoreError(f"the target store {dst.name} is not empty: egomap copy writes only into an empty store")
        dst.begin()
        ok = False
        try:
            for table in TABLES:
                cols = src.columns(table)
                missing = [c for c in cols if c not in dst.columns(table)]
                if missing:
                    raise StoreError(f"the target store has no column {table}.{missing[0]}: upgrade egomap there")
                rows = src.rows(table, cols)
                dst.write(table, cols, rows)
                want = (len(rows), checksum(rows))
                back = dst.rows(table, cols)
                got = (len(back), checksum(back))
                if report is not None:
                    report(f"{table:<11} {want[0]:>8} rows  {want[1][:16]}  {'ok' if got == want else 'DIFFERS'}")
                if got != want:
                    raise StoreError(
                        f"copy of {table} differs ({got[0]} rows, checksum {got[1][:16]}; expected {want[0]} rows, "
                        f"{want[1][:16]}): nothing was copied"
                    )
                out[table] = want
            ok = True
        finally:
            dst.end(ok)
    except _db_errors() as e:
        raise StoreError(f"could not copy into {dst.name}: {e}") from None
    finally:
        src.close()
        dst.close()
    return out
