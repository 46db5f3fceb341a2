"""Whole tables of a PostgreSQL store, for the cohort measures and ``store.info()``.

A mixin of :class:`~egomap.store.postgres.PostgresEngine`. A researcher (a
role with no grant on the tables) reads the same tables through the
pseudonymised research views, which hold only consenting persons and no
identifying column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from egomap import fields as _f
from egomap.errors import ValidationError
from egomap.store.closed import CLOSED, decode
from egomap.store.keys import cut_text
from egomap.store.sqlite.schema import PLACEMENT_COLS

__all__ = ["CohortReads"]

_INTS = frozenset(
    {
        "ring",
        "met_through_activity",
        *(f.name for o in ("alter", "placement") for f in _f.of(o) if f.type in ("int", "bool")),
    }
)
_TABLES = ("placements", "ties", "resources")
_FLOATS = frozenset(f.name for o in ("alter", "placement") for f in _f.of(o) if f.type == "float")


class CohortReads:
    """Counts and whole-table reads (see :class:`egomap.store.engine.Engine`)."""

    researcher: bool
    lock: Any
    read: Callable[..., list[tuple]]
    _read: Callable[[Callable[[Any], Any]], Any]
    _depth: int

    def counts(self) -> dict[str, int]:
        """How many persons, maps, alters and edits the role may see."""
        if self.researcher:
            n = self.read("SELECT (SELECT count(*) FROM research_persons), (SELECT count(*) FROM research_maps)")[0]
            return {"persons": n[0], "maps": n[1], "alters": 0, "edits": 0}
        row = self.read(
            "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM maps), (SELECT count(*) FROM alters), "
            "(SELECT count(*) FROM edits)"
        )[0]
        return dict(zip(("persons", "maps", "alters", "edits"), row))

    def read_maps(self) -> list[tuple]:
        """Every map with its person's research consent, ordered by person, date and sequence.

        A researcher reads the consenting persons' maps through ``research_maps``.
        """
        if self.researcher:
            return self.read(
                "SELECT m.id, m.person_id, m.label, m.date, m.rings, m.sectors, 1, m.resource_scheme FROM research_maps m "
                "ORDER BY m.person_id COLLATE \"C\", COALESCE(m.date, '9999-99-99'), m.seq"
            )
        return self.read(
            "SELECT m.id, m.person_id, m.label, m.date, m.rings, m.sectors, p.consent_research, m.resource_scheme "
            "FROM maps m JOIN persons p ON p.id = m.person_id "
            "ORDER BY m.person_id COLLATE \"C\", COALESCE(m.date, '9999-99-99'), m.seq"
        )

    def _table_sql(self, table: str, columns: Sequence[str]) -> str:
        if table == "placements":
            if self.researcher:
                return f"SELECT {', '.join(columns)} FROM research_placements p"
            known = {"map_id", "alter_id", *PLACEMENT_COLS}
            sel = [f"p.{c}" if c in known else f"a.{c}" for c in columns]
            return f"SELECT {', '.join(sel)} FROM placements p JOIN alters a ON a.id = p.alter_id"
        if table in ("ties", "resources"):
            return f"SELECT {', '.join(columns)} FROM {'research_' if self.researcher else ''}{table} p"
        raise ValidationError(f"unknown table {table!r}: placements, ties or resources", field="table")

    def read_rows(
        self,
        table: str,
        columns: Sequence[str],
        map_ids: Sequence[str] | None,
        on_rows: Callable[[int], None] | None = None,
        chunk: int = 50_000,
    ) -> list[tuple]:
        """Rows of ``placements`` (alter columns joined in) or ``ties``, for some maps or all."""
        sql = self._table_sql(table, columns)
        args: tuple = ()
        if map_ids is not None:
            sql += " WHERE p.map_id = ANY(%s)"
            args = (list(map_ids),)

        def run(c: Any) -> list[tuple]:
            with c.cursor() as cur:
                cur.execute(sql, args)
                if on_rows is None:
                    return cur.fetchall()
                out: list = []
                while rows := cur.fetchmany(chunk):
                    out.extend(rows)
                    on_rows(len(rows))
                return out

        with self.lock:
            return self._read(run)

    def count_rows(self, table: str, map_ids: Sequence[str] | None) -> int:
        """How many rows :meth:`read_rows` would return."""
        if table not in _TABLES:
            raise ValidationError(f"unknown table {table!r}: placements, ties or resources", field="table")
        t = table
        if self.researcher:
            t = f"research_{t}"
        if map_ids is None:
            return self.read(f"SELECT COUNT(*) FROM {t}")[0][0]
        return self.read(f"SELECT COUNT(*) FROM {t} WHERE map_id = ANY(%s)", (list(map_ids),))[0][0]

    def read_columns(self, table: str, columns: Sequence[str], map_ids: Sequence[str] | None) -> dict[str, Any]:
        """Whole columns as numpy arrays, one query per table (:meth:`egomap.store.engine.Engine.read_columns`).

        Whole numbers and booleans as ``int64`` (NULL: -1), positions as
        floats, everything else as UTF-8 bytes (NULL: ``b""``); a researcher's
        ids are the views' pseudonyms, as :meth:`read_maps` and the ties give them.
        Each column arrives as one text (``string_agg``, all columns over the
        same rows in the same order), cut into values by numpy and ``bytes.split``,
        so that no Python object is made per row.
        """
        import numpy as np

        inner = self._table_sql(table, columns)
        args: tuple = ()
        if map_ids is not None:
            inner += " WHERE p.map_id = ANY(%s)"
            args = (list(map_ids),)
        aggs = []
        for c in columns:
            if c in _INTS:
                aggs.append(f"string_agg(coalesce(x.{c}::bigint, -1)::text, ' ')")
            elif c in _FLOATS:
                aggs.append(f"string_agg(x.{c}::text, ' ')")
            elif c in CLOSED:  # one character a row (egomap.store.closed)
                aggs.append(f"string_agg({CLOSED[c][0]}, '')")
            else:
                aggs.append(f"string_agg(coalesce(x.{c}::text, ''), E'\\x1f')")
        sql = f"SELECT count(*), {', '.join(aggs)} FROM ({inner}) x"
        n, *texts = self._bulk_read(sql, args)
        out: dict[str, Any] = {}
        for c, text in zip(columns, texts):
            if c in _INTS:
                out[c] = np.array(text.split(" "), dtype=np.int64) if n else np.zeros(0, dtype=np.int64)
            elif c in _FLOATS:
                out[c] = np.array(text.split(" "), dtype=float) if n else np.zeros(0, dtype=float)
            elif not n:
                out[c] = np.zeros(0, dtype="S1")
            elif c in CLOSED:
                got = decode(text or "", n, CLOSED[c][1])
                if got is None:  # a value outside the vocabulary: row by row
                    return self._columns_by_row(table, columns, map_ids)
                out[c] = got
            else:
                got = cut_text(text, n, "\x1f")
                if got is None:  # the separator inside a value (text refuses control characters): row by row
                    return self._columns_by_row(table, columns, map_ids)
                out[c] = got
        return out

    def _bulk_read(self, sql: str, args: tuple) -> tuple:
        """The one row of a whole-table query, with room to hash the joins of the research views in memory.

        With the default ``work_mem`` (4 MB) the views' joins with the alters of a
        large cohort spill to disk in batches; 64 MB for this one query's
        transaction (``SET LOCAL``) makes a researcher's read of the ties a third faster.
        """

        def run(c: Any) -> tuple:
            if self._depth:  # inside the store's own transaction: as it is
                return c.execute(sql, args).fetchone()
            with c.transaction():
                c.execute(f"SET LOCAL work_mem = '{_BULK_WORK_MEM}'")
                return c.execute(sql, args).fetchone()

        with self.lock:
            return self._read(run)

    def _columns_by_row(self, table: str, columns: Sequence[str], map_ids: Sequence[str] | None) -> dict[str, Any]:
        import numpy as np

        rows = self.read_rows(table, columns, map_ids)
        out: dict[str, Any] = {}
        for j, c in enumerate(columns):
            vals = [r[j] for r in rows]
            if c in _INTS:
                out[c] = np.array([-1 if v is None else int(v) for v in vals], dtype=np.int64)
            elif c in _FLOATS:
                out[c] = np.array(vals, dtype=float)
            elif vals:
                out[c] = np.array([b"" if v is None else str(v).encode("utf-8") for v in vals])
            else:
                out[c] = np.zeros(0, dtype="S1")
        return out


#: ``work_mem`` for the one query of a whole-table read (PostgreSQL's default is 4 MB).
_BULK_WORK_MEM = "64MB"
