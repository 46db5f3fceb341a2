"""The SQLite engine of a store: every line of SQL, the pragmas, the write-lock retry and the migrations.

Everything SQLite-specific lives here, behind the small set of calls that
:class:`egomap.store.Store` makes: open and migrate a file, run a write
transaction, load a map's state and revision, commit an edit against the
revision it expects, keep the append-only edit log (undo and redo), and read
whole tables for the cohort measures. It returns plain data and model records
and never holds or changes a :class:`~egomap.model.Map`.

Columns are derived from the vocabulary (:mod:`egomap.fields`) and rows are
read by column name, so a new attribute is a new :class:`~egomap.fields.Field`
with ``since`` set to the new schema version: its migration
(``ALTER TABLE ... ADD COLUMN``) is derived too.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from egomap.errors import DuplicateError, NotAStoreError, NotFoundError, SaveError, StoreError, ValidationError
from egomap.model import Alter, Goal, MapState, Placement, Tie, describe_edit, now
from egomap.store.edit_sql import insert_map_sql, resources_from_rows
from egomap.store.sqlite.damage import damaged, is_damaged
from egomap.store.sqlite.edits import DIALECT, apply_edit_sql
from egomap.store.sqlite.schema import (
    ALTER_COLS,
    APPLICATION_ID,
    GOAL_COLS,
    MAP_ROW,
    MIGRATIONS,
    PERSON_COLS,
    PLACEMENT_COLS,
    SCHEMA_VERSION,
    alter_from,
    alter_row,
    decoder,
    dicts,
    types_from_db,
)
from egomap.store.sqlite.watch import DataVersionWatch

__all__ = ["SQLiteEngine"]


class SQLiteEngine:
    """One egomap store file: its connection, transactions, SQL and migrations.

    Not for direct use: :func:`egomap.open_store` gives a :class:`~egomap.store.Store`
    that uses one.
    """

    def __init__(self, path: str | os.PathLike, *, upto: int = SCHEMA_VERSION) -> None:
        if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
            raise ValidationError(f"a store path must be a file name, got {path!r}", field="path", value=path)
        self.path = Path(path).expanduser().resolve()
        self.lock = threading.RLock()
        self.writer = f"{socket.gethostname()}:{os.getpid()}"
        self._depth = 0
        self._stacks: dict[str, tuple[int, list[int], list[int]]] = {}
        self.conn: Any = self._connect(upto)

    # ------------------------------------------------------------------ opening
    def _connect(self, upto: int) -> sqlite3.Connection:
        p = self.path
        if p.is_dir():
            raise NotAStoreError(f"{str(p)!r} is a folder, not an egomap store file")
        if p.exists() and p.stat().st_size > 0:
            with open(p, "rb") as f:
                head = f.read(16)
            if head != b"SQLite format 3\x00":
                raise NotAStoreError(f"{str(p)!r} is not an egomap store (not an SQLite file)")
        elif p.exists():  # an empty file (e.g. made by `touch`): it becomes the store, so make it private
            try:
                os.chmod(p, 0o600)
            except OSError:  # pragma: no cover - not the owner; SQLite will say if it cannot write
                pass
        else:
            try:
                p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
            except OSError as e:
                raise StoreError(f"cannot create store {str(p)!r}: {e.strerror}") from e
        try:
            conn = sqlite3.connect(p, timeout=30.0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open store {str(p)!r}: {e}") from e
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA foreign_keys = ON")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id not in (0, APPLICATION_ID):
                raise NotAStoreError(
                    f"{str(p)!r} is an SQLite file of another application (application_id {app_id}), "
                    "not an egomap store"
                )
            if app_id != APPLICATION_ID:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise NotAStoreError(f"{str(p)!r} is an SQLite file but not an egomap store")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. on a network file system
                raise StoreError(f"store {str(p)!r} cannot use WAL journal mode (got {mode!r})")
            conn.execute("PRAGMA synchronous = FULL")
            self._migrate(conn, upto)
        except sqlite3.OperationalError as e:  # e.g. a read-only file or folder: the file itself may be fine
            conn.close()
            raise StoreError(f"cannot open store {str(p)!r}: {e}") from e
        except sqlite3.DatabaseError as e:  # "file is not a database" and the like
            conn.close()
            if is_damaged(e, not_a_database=False):
                raise damaged(p, e) from e
            raise NotAStoreError(f"{str(p)!r} is not an egomap store ({e})") from e
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection, upto: int) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {str(self.path)!r} was written by a newer egomap (schema {version}; "
                f"this egomap reads up to {SCHEMA_VERSION}); please upgrade egomap"
            )
        if version >= upto:
            return
        _begin_immediate(conn)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for v in range(version + 1, upto + 1):
                for stmt in _statements(MIGRATIONS[v]):
                    conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {v}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        """The schema version of the open file."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        """Close the file; any later use raises StoreError."""
        with self.lock:
            if not isinstance(self.conn, _Closed):
                self.conn.close()
                self.conn = _Closed(self.path)

    def watch(self) -> DataVersionWatch:
        """A watch on its own read-only connection for maps other connections change (``PRAGMA data_version``)."""
        return DataVersionWatch(self.path)

    # ------------------------------------------------------------------ transactions
    @property
    def in_transaction(self) -> bool:
        """Whether a write transaction of this engine is open."""
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``, retried while another process writes); nested ones join it."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            try:
                _begin_immediate(self.conn)
            except sqlite3.Error as e:
                raise SaveError(f"could not save to {str(self.path)!r}: {e}") from e
            self._depth = 1
            try:
                yield self.conn
                self._depth = 0
                self.conn.execute("COMMIT")
            except BaseException as exc:
                self._depth = 0
                _rollback(self.conn)
                self._stacks.clear()
                if isinstance(exc, sqlite3.IntegrityError):
                    raise SaveError(f"could not save: {exc}") from exc
                if isinstance(exc, sqlite3.Error):
                    why = damaged(self.path, exc) if is_damaged(exc) else exc
                    raise SaveError(f"could not save to {str(self.path)!r}: {why}") from exc
                raise

    def read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        """All rows of one query (under the engine's lock)."""
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    # ------------------------------------------------------------------ persons
    def person_row(self, pid: str) -> dict[str, Any] | None:
        """The person's row by column name, or None."""
        with self.lock:
            rows = list(dicts(self.conn.execute(f"SELECT {', '.join(PERSON_COLS)} FROM persons WHERE id = ?", (pid,))))
        return rows[0] if rows else None

    def person_rows(self) -> list[dict[str, Any]]:
        """Every person's row, ordered by id."""
        with self.lock:
            return list(dicts(self.conn.execute(f"SELECT {', '.join(PERSON_COLS)} FROM persons ORDER BY id")))

    def person_ids(self) -> list[str]:
        """The ids of all persons, sorted."""
        return [r[0] for r in self.read("SELECT id FROM persons ORDER BY id")]

    def insert_person(self, row: Mapping[str, Any]) -> None:
        """Add a person (DuplicateError if the id is taken), inside a transaction."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM persons WHERE id = ?", (row["id"],)).fetchone():
                raise DuplicateError(
                    f"a person with id {row['id']!r} is already in the store", field="id", value=row["id"]
                )
            c.execute(
                f"INSERT INTO persons ({', '.join(PERSON_COLS)}) VALUES ({', '.join('?' * len(PERSON_COLS))})",
                [int(row[k]) if isinstance(row[k], bool) else row[k] for k in PERSON_COLS],
            )

    def update_person(self, pid: str, fields: Mapping[str, Any]) -> None:
        """Save changed person attributes."""
        cols = [k for k in fields if k in PERSON_COLS and k not in ("id", "created")]
        if not cols:
            return
        with self.transaction() as c:
            n = c.execute(
                f"UPDATE persons SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                [(int(fields[k]) if isinstance(fields[k], bool) else fields[k]) for k in cols] + [pid],
            ).rowcount
            if n == 0:
                raise NotFoundError(f"no person {pid!r} in the store")

    def delete_person(self, pid: str) -> None:
        """Delete a person and everything of theirs."""
        with self.transaction() as c:
            if c.execute("DELETE FROM persons WHERE id = ?", (pid,)).rowcount == 0:
                raise NotFoundError(f"no person {pid!r} in the store")

    def person_alters(self, pid: str) -> dict[str, Alter]:
        """Every alter of the person on any map, by id."""
        with self.lock:
            cur = self.conn.execute(
                f"SELECT id, {', '.join(ALTER_COLS)} FROM alters "
                "WHERE person_id = ? AND id IN (SELECT alter_id FROM placements) ORDER BY rowid",
                (pid,),
            )
            return {d["id"]: alter_from(d) for d in dicts(cur)}

    def insert_alters(self, pid: str, alters: Sequence[Alter]) -> None:
        """Add alters of a person (DuplicateError if an id is taken), inside a transaction."""
        cols = ("id", "person_id", *ALTER_COLS)
        with self.transaction() as c:
            try:
                c.executemany(
                    f"INSERT INTO alters ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [[a.id, pid, *alter_row(a)] for a in alters],
                )
            except sqlite3.IntegrityError:
                raise DuplicateError(
                    f"an alter of person {pid!r} has an id already in the store", field="alter id"
                ) from None

    # ------------------------------------------------------------------ maps
    def map_rows(self, pid: str) -> list[dict[str, Any]]:
        """The person's maps (without their contents) in time order."""
        with self.lock:
            cur = self.conn.execute(
                f"SELECT {', '.join(MAP_ROW)} FROM maps WHERE person_id = ? ORDER BY COALESCE(date, '9999-99-99'), seq",
                (pid,),
            )
            return list(dicts(cur))

    def map_person(self, map_id: str) -> str | None:
        """The id of the person whose map this is, or None."""
        rows = self.read("SELECT person_id FROM maps WHERE id = ?", (map_id,))
        return rows[0][0] if rows else None

    def map_exists(self, map_id: str) -> bool:
        """Whether a map with this id is in the store."""
        return bool(self.read("SELECT 1 FROM maps WHERE id = ?", (map_id,)))

    def map_revision(self, map_id: str, label: str = "") -> int:
        """The map's saved revision (NotFoundError if it is gone)."""
        rows = self.read("SELECT rev FROM maps WHERE id = ?", (map_id,))
        if not rows:
            raise NotFoundError(f"map {label or map_id!r} is no longer in the store")
        return rows[0][0]

    def load_map(self, map_id: str) -> tuple[MapState, int]:
        """Everything on the map, and its revision."""
        with self.lock:
            c = self.conn
            row = c.execute("SELECT label, date, notes, rev FROM maps WHERE id = ?", (map_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"map {map_id!r} is no longer in the store")
            st = MapState(info={"label": row[0], "date": row[1], "notes": row[2]})
            a_cols = ", ".join(f"a.{c} AS a_{c}" for c in ALTER_COLS)
            p_cols = ", ".join(f"p.{c}" for c in PLACEMENT_COLS)
            cur = c.execute(
                f"SELECT a.id AS a_id, {a_cols}, p.alter_id, {p_cols} FROM placements p "
                "JOIN alters a ON a.id = p.alter_id WHERE p.map_id = ? ORDER BY p.rowid",
                (map_id,),
            )
            alter = decoder(Alter, "alter", "id", cur.description, "a_")
            placement = decoder(Placement, "placement", "alter_id", cur.description)
            for r in cur:
                a = alter(r)
                st.alters[a.id] = a
                st.placements[a.id] = placement(r)
            for a, b, types in c.execute("SELECT a, b, types FROM ties WHERE map_id = ? ORDER BY rowid", (map_id,)):
                st.ties[Tie(a, b)] = types_from_db(types)
            cur = c.execute(f"SELECT id, {', '.join(GOAL_COLS)} FROM goals WHERE map_id = ? ORDER BY rowid", (map_id,))
            for d in dicts(cur):
                st.goals[d["id"]] = Goal(
                    d["id"], d["text"], tuple(json.loads(d["steps"])), d["status"], tuple(json.loads(d["alter_ids"]))
                )
            st.resources = resources_from_rows(
                c.execute("SELECT item, alter_id FROM resources WHERE map_id = ? ORDER BY rowid", (map_id,))
            )
            return st, row[3]

    def insert_map(self, pid: str, row: Mapping[str, Any], state: MapState, description: str) -> None:
        """Save a new map with everything on it, and log its creation."""
        with self.transaction() as c:
            insert_map_sql(c, pid, row, state, DIALECT)
            c.execute(
                "INSERT INTO edits (map_id, time, action, edit, description, writer) VALUES (?,?,?,?,?,?)",
                (
                    row["id"],
                    now(),
                    "create",
                    json.dumps({"op": "create_map", "copied_from": row["copied_from"]}),
                    description,
                    self.writer,
                ),
            )

    def delete_map(self, map_id: str, log_to: str | None, record: Mapping[str, Any], description: str) -> None:
        """Delete a map and everything on it (its alters stay, for other maps), noting it in ``log_to``'s log."""
        with self.transaction() as c:
            if c.execute("DELETE FROM maps WHERE id = ?", (map_id,)).rowcount == 0:
                raise NotFoundError(f"map {record.get('label') or map_id!r} is no longer in the store")
            if log_to is not None:
                c.execute(
                    "INSERT INTO edits (map_id, time, action, edit, description, writer) VALUES (?,?,?,?,?,?)",
                    (log_to, now(), "remove_map", _dumps(record), description, self.writer),
                )
        self._stacks.pop(map_id, None)

    def optimistic(self) -> bool:
        """No: the revision of a local file is read at no cost, under the write lock already held."""
        return False

    # ------------------------------------------------------------------ edits
    def _bump(self, map_id: str, expected: int) -> int:
        row = self.conn.execute(
            "UPDATE maps SET rev = rev + 1 WHERE id = ? AND rev = ? RETURNING rev", (map_id, expected)
        ).fetchone()
        if row is None:
            raise SaveError(
                f"map {map_id!r} was changed by another writer since it was read (expected revision {expected}); "
                "nothing was saved"
            )
        return row[0]

    def commit_edit(
        self,
        map_id: str,
        person_id: str,
        edit: dict,
        inverse: dict,
        description: str,
        expected: int,
        *,
        last: bool = False,
    ) -> int:
        """Save one edit and its inverse, and log it, if the map is at revision ``expected``; return the new one."""
        with self.transaction() as c:
            self._apply_sql(map_id, person_id, edit)
            rev = self._bump(map_id, expected)
            cur = c.execute(
                "INSERT INTO edits (map_id, time, action, edit, inverse, description, writer) VALUES (?,?,?,?,?,?,?)",
                (map_id, now(), "edit", _dumps(edit), _dumps(inverse), description, self.writer),
            )
            stacks = self._stacks.get(map_id)
            if stacks is not None and stacks[0] == rev - 1:
                self._stacks[map_id] = (rev, stacks[1] + [cur.lastrowid], [])
            else:
                self._stacks.pop(map_id, None)
        return rev

    def _stack(self, map_id: str, rev: int | None = None) -> tuple[list[int], list[int]]:
        cached = self._stacks.get(map_id)
        if cached is not None and rev is not None and cached[0] == rev:
            return list(cached[1]), list(cached[2])
        rev = self.conn.execute("SELECT rev FROM maps WHERE id = ?", (map_id,)).fetchone()[0]
        if cached is not None and cached[0] == rev:
            return list(cached[1]), list(cached[2])
        undo: list[int] = []
        redo: list[int] = []
        for eid, action, target in self.conn.execute(
            "SELECT id, action, target FROM edits WHERE map_id = ? ORDER BY id", (map_id,)
        ):
            if action == "edit":
                undo.append(eid)
                redo.clear()
            elif action == "undo" and undo and undo[-1] == target:
                redo.append(undo.pop())
            elif action == "redo" and redo and redo[-1] == target:
                undo.append(redo.pop())
        self._stacks[map_id] = (rev, undo, redo)
        return list(undo), list(redo)

    def undo_redo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int, action: str
    ) -> tuple[dict, dict, int] | None:
        """Save and log the undo (or redo) of the map's last edit (or last undone edit)."""
        with self.transaction() as c:
            undo, redo = self._stack(map_id, expected)
            stack = undo if action == "undo" else redo
            if not stack:
                return None
            target = stack.pop()
            edit_json, inverse_json = c.execute("SELECT edit, inverse FROM edits WHERE id = ?", (target,)).fetchone()
            edit, inverse = json.loads(edit_json), json.loads(inverse_json)
            self._apply_sql(map_id, person_id, inverse if action == "undo" else edit)
            rev = self._bump(map_id, expected)
            c.execute(
                "INSERT INTO edits (map_id, time, action, target, edit, description, writer) VALUES (?,?,?,?,?,?,?)",
                (
                    map_id,
                    now(),
                    action,
                    target,
                    _dumps(inverse if action == "undo" else edit),
                    f"{action} {describe_edit(edit, labels)}",
                    self.writer,
                ),
            )
            (redo if action == "undo" else undo).append(target)
            self._stacks[map_id] = (rev, undo, redo)
        return edit, inverse, rev

    def can_undo_redo(self, map_id: str, revision: int) -> tuple[bool, bool]:
        """Whether the map has an edit to undo, and an undone edit to redo."""
        with self.lock:
            undo, redo = self._stack(map_id, revision)
        return bool(undo), bool(redo)

    def history(self, map_id: str) -> list[dict]:
        """The map's edit log, oldest first."""
        with self.lock:
            cur = self.conn.execute(
                "SELECT id, time, action, target, description, writer, edit FROM edits WHERE map_id = ? ORDER BY id",
                (map_id,),
            )
            rows = list(dicts(cur))
        for r in rows:
            r["edit"] = json.loads(r["edit"])
        return rows

    def _apply_sql(self, map_id: str, person_id: str, edit: dict) -> None:
        apply_edit_sql(self.conn, map_id, person_id, edit)

    # ------------------------------------------------------------------ whole tables
    def counts(self) -> dict[str, int]:
        """How many persons, maps, alters and edits the file holds."""
        with self.lock:
            c = self.conn
            return {
                t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("persons", "maps", "alters", "edits")
            }

    def read_maps(self) -> list[tuple]:
        """Every map with its person's research consent, ordered by person, date and sequence."""
        return self.read(
            "SELECT m.id, m.person_id, m.label, m.date, m.rings, m.sectors, p.consent_research, m.resource_scheme "
            "FROM maps m JOIN persons p ON p.id = m.person_id "
            "ORDER BY m.person_id, COALESCE(m.date, '9999-99-99'), m.seq"
        )

    def read_rows(
        self,
        table: str,
        columns: Sequence[str],
        map_ids: Sequence[str] | None,
        on_rows: Callable[[int], None] | None = None,
        chunk: int = 50_000,
    ) -> list[tuple]:
        """Rows of ``placements`` (alter columns joined in), ``ties`` or ``resources``, for some maps or all."""
        if table == "placements":
            known = {"map_id", "alter_id", *PLACEMENT_COLS}
            sel = [f"p.{c}" if c in known else f"a.{c}" for c in columns]
            sql = f"SELECT {', '.join(sel)} FROM placements p JOIN alters a ON a.id = p.alter_id"
            where = " WHERE p.map_id IN (SELECT value FROM json_each(?))"
        elif table in ("ties", "resources"):
            sql = f"SELECT {', '.join(columns)} FROM {table}"
            where = " WHERE map_id IN (SELECT value FROM json_each(?))"
        else:
            raise ValidationError(f"unknown table {table!r}: placements, ties or resources", field="table")
        args: tuple = ()
        if map_ids is not None:
            sql += where
            args = (json.dumps(list(map_ids)),)
        with self.lock:
            cur = self.conn.execute(sql, args)
            if on_rows is None:
                return cur.fetchall()
            out: list = []
            while rows := cur.fetchmany(chunk):
                out.extend(rows)
                on_rows(len(rows))
            return out

    def count_rows(self, table: str, map_ids: Sequence[str] | None) -> int:
        """How many rows :meth:`read_rows` would return."""
        if table not in ("placements", "ties", "resources"):
            raise ValidationError(f"unknown table {table!r}: placements, ties or resources", field="table")
        t = table
        if map_ids is None:
            return self.read(f"SELECT COUNT(*) FROM {t}")[0][0]
        return self.read(
            f"SELECT COUNT(*) FROM {t} WHERE map_id IN (SELECT value FROM json_each(?))", (json.dumps(list(map_ids)),)
        )[0][0]

    def read_columns(self, table: str, columns: Sequence[str], map_ids: Sequence[str] | None) -> dict[str, Any]:
        """Whole columns as numpy arrays, one scan per table (:meth:`egomap.store.engine.Engine.read_columns`)."""
        from egomap.store.sqlite.columns import read_columns

        with self.lock:
            return read_columns(self.conn, table, columns, map_ids)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip()]


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retrying while another process holds the write lock."""
    deadline = time.monotonic() + 60.0
    delay = 0.005
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


class _Closed:
    """Stands in for the connection of a closed store: any use says so plainly."""

    in_transaction = False

    def __init__(self, path: Path) -> None:
        self.path = path

    def __getattr__(self, name: str) -> Any:
        raise StoreError(f"the store {str(self.path)!r} is closed; open it again with em.open_store()")


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass
