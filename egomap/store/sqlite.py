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

from egomap import fields as _f
from egomap.errors import DuplicateError, NotAStoreError, NotFoundError, SaveError, StoreError, ValidationError
from egomap.model import Alter, Goal, MapState, Placement, Tie, describe_edit, now

__all__ = ["SQLiteEngine", "SCHEMA_VERSION", "APPLICATION_ID", "MIGRATIONS", "TABLES"]

#: ``PRAGMA application_id`` of an egomap store ("EgoM").
APPLICATION_ID = 0x45676F4D

_SCHEMA_V1 = """
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    display_name TEXT,
    consent_keep INTEGER NOT NULL DEFAULT 1,
    consent_research INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE alters (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'person',
    relationship TEXT NOT NULL DEFAULT '',
    is_professional INTEGER NOT NULL DEFAULT 0,
    met_through TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alters_person ON alters(person_id);
CREATE TABLE maps (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    date TEXT,
    notes TEXT NOT NULL DEFAULT '',
    rings TEXT NOT NULL,
    sectors TEXT NOT NULL,
    copied_from TEXT,
    created TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0,
    UNIQUE (person_id, label)
);
CREATE TABLE placements (
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    alter_id TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    ring INTEGER NOT NULL,
    sector TEXT NOT NULL,
    angle REAL NOT NULL,
    radius REAL NOT NULL,
    support_received TEXT NOT NULL DEFAULT '',
    support_given TEXT NOT NULL DEFAULT '',
    valence TEXT,
    contact TEXT,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (map_id, alter_id)
);
CREATE INDEX placements_alter ON placements(alter_id);
CREATE TABLE ties (
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    a TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    b TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    PRIMARY KEY (map_id, a, b),
    CHECK (a < b)
);
CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    steps TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'open',
    alter_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE edits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    time TEXT NOT NULL,
    action TEXT NOT NULL,
    target INTEGER,
    edit TEXT NOT NULL,
    inverse TEXT,
    description TEXT NOT NULL DEFAULT ''
);
"""

#: The table that keeps each owner's attributes.
TABLES = {"person": "persons", "map": "maps", "alter": "alters", "placement": "placements", "goal": "goals"}


def _added_columns(version: int) -> str:
    """``ALTER TABLE ... ADD COLUMN`` for each vocabulary field added in ``version``."""
    out = []
    for f in _f.FIELDS:
        if f.since == version:
            default = f.to_db(f.default)
            tail = "" if default is None else f" NOT NULL DEFAULT {default!r}"
            out.append(f"ALTER TABLE {TABLES[f.owner]} ADD COLUMN {f.column} {f.sql_type}{tail};")
    return "\n".join(out)


#: Migrations: version -> SQL that upgrades a store from version-1 to version.
MIGRATIONS: dict[int, str] = {
    1: _SCHEMA_V1,
    2: """
    ALTER TABLE placements ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE edits ADD COLUMN writer TEXT NOT NULL DEFAULT '';
    CREATE INDEX edits_map ON edits(map_id, id);
    """,
}
for _v in range(3, max(f.since for f in _f.FIELDS) + 1):
    MIGRATIONS[_v] = _added_columns(_v)
#: Current schema version (``PRAGMA user_version``).
SCHEMA_VERSION = max(MIGRATIONS)

_ALTER = _f.of("alter")
_PLACEMENT = _f.of("placement")
_ALTER_COLS = tuple(f.column for f in _ALTER)
_PLACEMENT_COLS = tuple(f.column for f in _PLACEMENT)
_MAP_COLS = ("label", "date", "notes")
_GOAL_COLS = _f.names("goal")
_PERSON_COLS = ("id", "display_name", "consent_keep", "consent_research", "created")
_MAP_ROW = ("id", "person_id", "seq", "label", "date", "notes", "rings", "sectors", "copied_from", "created", "rev")


def _alter_row(a: Alter) -> list:
    return [f.to_db(getattr(a, f.name)) for f in _ALTER]


def _placement_row(q: Placement) -> list:
    return [f.to_db(getattr(q, f.name)) for f in _PLACEMENT]


def _alter_from(d: Mapping[str, Any]) -> Alter:
    return Alter(d["id"], **{f.name: f.from_db(d[f.column]) for f in _ALTER})


def _placement_from(d: Mapping[str, Any], alter_id: str) -> Placement:
    return Placement(alter_id, **{f.name: f.from_db(d[f.column]) for f in _PLACEMENT})


def _dicts(cur: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """Rows as dicts by column name."""
    cols = [c[0] for c in cur.description]
    for r in cur:
        yield dict(zip(cols, r))


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
                    raise SaveError(f"could not save to {str(self.path)!r}: {exc}") from exc
                raise

    def read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        """All rows of one query (under the engine's lock)."""
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    # ------------------------------------------------------------------ persons
    def person_row(self, pid: str) -> dict[str, Any] | None:
        """The person's row by column name, or None."""
        with self.lock:
            rows = list(
                _dicts(self.conn.execute(f"SELECT {', '.join(_PERSON_COLS)} FROM persons WHERE id = ?", (pid,)))
            )
        return rows[0] if rows else None

    def person_rows(self) -> list[dict[str, Any]]:
        """Every person's row, ordered by id."""
        with self.lock:
            return list(_dicts(self.conn.execute(f"SELECT {', '.join(_PERSON_COLS)} FROM persons ORDER BY id")))

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
                f"INSERT INTO persons ({', '.join(_PERSON_COLS)}) VALUES ({', '.join('?' * len(_PERSON_COLS))})",
                [int(row[k]) if isinstance(row[k], bool) else row[k] for k in _PERSON_COLS],
            )

    def update_person(self, pid: str, fields: Mapping[str, Any]) -> None:
        """Save changed person attributes."""
        cols = [k for k in fields if k in _PERSON_COLS and k not in ("id", "created")]
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
                f"SELECT id, {', '.join(_ALTER_COLS)} FROM alters "
                "WHERE person_id = ? AND id IN (SELECT alter_id FROM placements) ORDER BY rowid",
                (pid,),
            )
            return {d["id"]: _alter_from(d) for d in _dicts(cur)}

    def insert_alters(self, pid: str, alters: Sequence[Alter]) -> None:
        """Add alters of a person (DuplicateError if an id is taken), inside a transaction."""
        cols = ("id", "person_id", *_ALTER_COLS)
        with self.transaction() as c:
            try:
                c.executemany(
                    f"INSERT INTO alters ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [[a.id, pid, *_alter_row(a)] for a in alters],
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
                f"SELECT {', '.join(_MAP_ROW)} FROM maps WHERE person_id = ? "
                "ORDER BY COALESCE(date, '9999-99-99'), seq",
                (pid,),
            )
            return list(_dicts(cur))

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
            a_cols = ", ".join(f"a.{c} AS a_{c}" for c in _ALTER_COLS)
            p_cols = ", ".join(f"p.{c}" for c in _PLACEMENT_COLS)
            cur = c.execute(
                f"SELECT a.id AS a_id, {a_cols}, {p_cols} FROM placements p JOIN alters a ON a.id = p.alter_id "
                "WHERE p.map_id = ? ORDER BY p.rowid",
                (map_id,),
            )
            for d in _dicts(cur):
                aid = d["a_id"]
                st.alters[aid] = Alter(aid, **{f.name: f.from_db(d["a_" + f.column]) for f in _ALTER})
                st.placements[aid] = _placement_from(d, aid)
            for a, b in c.execute("SELECT a, b FROM ties WHERE map_id = ? ORDER BY rowid", (map_id,)):
                st.ties[Tie(a, b)] = None
            cur = c.execute(f"SELECT id, {', '.join(_GOAL_COLS)} FROM goals WHERE map_id = ? ORDER BY rowid", (map_id,))
            for d in _dicts(cur):
                st.goals[d["id"]] = Goal(
                    d["id"], d["text"], tuple(json.loads(d["steps"])), d["status"], tuple(json.loads(d["alter_ids"]))
                )
            return st, row[3]

    def insert_map(self, pid: str, row: Mapping[str, Any], state: MapState, description: str) -> None:
        """Save a new map with everything on it, and log its creation."""
        with self.transaction() as c:
            if c.execute("SELECT 1 FROM persons WHERE id = ?", (pid,)).fetchone() is None:
                raise NotFoundError(f"no person {pid!r} in the store")
            if c.execute("SELECT 1 FROM maps WHERE id = ?", (row["id"],)).fetchone():
                raise DuplicateError(f"a map with id {row['id']!r} is already in the store", field="map id")
            if c.execute("SELECT 1 FROM maps WHERE person_id = ? AND label = ?", (pid, row["label"])).fetchone():
                raise DuplicateError(f"person {pid!r} already has a map labelled {row['label']!r}", field="label")
            seq = c.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM maps WHERE person_id = ?", (pid,)).fetchone()[0]
            values = dict(row, person_id=pid, seq=seq, rev=0)
            values["rings"], values["sectors"] = json.dumps(row["rings"]), json.dumps(row["sectors"])
            c.execute(
                f"INSERT INTO maps ({', '.join(_MAP_ROW)}) VALUES ({', '.join('?' * len(_MAP_ROW))})",
                [values[k] for k in _MAP_ROW],
            )
            cols = ("map_id", "alter_id", *_PLACEMENT_COLS)
            c.executemany(
                f"INSERT INTO placements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [[row["id"], q.alter_id, *_placement_row(q)] for q in state.placements.values()],
            )
            c.executemany("INSERT INTO ties (map_id, a, b) VALUES (?,?,?)", [(row["id"], t.a, t.b) for t in state.ties])
            c.executemany(
                "INSERT INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (?,?,?,?,?,?)",
                [
                    (g.id, row["id"], g.text, json.dumps(list(g.steps)), g.status, json.dumps(list(g.alter_ids)))
                    for g in state.goals.values()
                ],
            )
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
        self, map_id: str, person_id: str, edit: dict, inverse: dict, description: str, expected: int
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
            rows = list(_dicts(cur))
        for r in rows:
            r["edit"] = json.loads(r["edit"])
        return rows

    def _apply_sql(self, map_id: str, person_id: str, edit: dict) -> None:
        c = self.conn
        op = edit["op"]
        if op == "add_alter":
            a = Alter.from_dict(edit["alter"])
            if edit.get("new_alter"):
                cols = ("id", "person_id", *_ALTER_COLS)
                c.execute(
                    f"INSERT INTO alters ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [a.id, person_id, *_alter_row(a)],
                )
            elif c.execute("SELECT person_id FROM alters WHERE id = ?", (a.id,)).fetchone() != (person_id,):
                raise NotFoundError(f"alter {a.label!r} does not belong to person {person_id!r}")
            q = Placement.from_dict(edit["placement"])
            cols = ("map_id", "alter_id", *_PLACEMENT_COLS)
            c.execute(
                f"INSERT INTO placements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                "ON CONFLICT (map_id, alter_id) DO UPDATE SET ring = excluded.ring, sector = excluded.sector, "
                "angle = excluded.angle, radius = excluded.radius",
                [map_id, a.id, *_placement_row(q)],
            )
            c.executemany(
                "INSERT OR IGNORE INTO ties (map_id, a, b) SELECT ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?) "
                "AND EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?)",
                [(map_id, *sorted(t), map_id, t[0], map_id, t[1]) for t in edit.get("ties", ())],
            )
        elif op == "remove_alter":
            aid = edit["alter_id"]
            c.execute("DELETE FROM ties WHERE map_id = ? AND (a = ? OR b = ?)", (map_id, aid, aid))
            c.execute("DELETE FROM placements WHERE map_id = ? AND alter_id = ?", (map_id, aid))
            if edit.get("drop_alter"):
                c.execute(
                    "DELETE FROM alters WHERE id = ? AND NOT EXISTS (SELECT 1 FROM placements WHERE alter_id = ?)",
                    (aid, aid),
                )
        elif op == "update":
            aid = edit["alter_id"]
            af = {k: v for k, v in (edit.get("alter") or {}).items() if k in _ALTER_COLS}
            if af:
                c.execute(
                    f"UPDATE alters SET {', '.join(f'{k} = ?' for k in af)} WHERE id = ?",
                    [_f.field("alter", k).to_db(v) for k, v in af.items()] + [aid],
                )
                c.execute(
                    "UPDATE maps SET rev = rev + 1 WHERE id != ? AND id IN "
                    "(SELECT map_id FROM placements WHERE alter_id = ?)",
                    (map_id, aid),
                )
            pf = {k: v for k, v in (edit.get("placement") or {}).items() if k in _PLACEMENT_COLS}
            if pf:
                c.execute(
                    f"UPDATE placements SET {', '.join(f'{k} = ?' for k in pf)} WHERE map_id = ? AND alter_id = ?",
                    [_f.field("placement", k).to_db(v) for k, v in pf.items()] + [map_id, aid],
                )
        elif op == "add_tie":
            c.execute("INSERT OR IGNORE INTO ties (map_id, a, b) VALUES (?,?,?)", (map_id, edit["a"], edit["b"]))
        elif op == "remove_tie":
            c.execute("DELETE FROM ties WHERE map_id = ? AND a = ? AND b = ?", (map_id, edit["a"], edit["b"]))
        elif op == "add_goal":
            g = edit["goal"]
            c.execute(
                "INSERT OR REPLACE INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (?,?,?,?,?,?)",
                (g["id"], map_id, g["text"], json.dumps(g["steps"]), g["status"], json.dumps(g["alter_ids"])),
            )
        elif op == "remove_goal":
            c.execute("DELETE FROM goals WHERE id = ? AND map_id = ?", (edit["goal_id"], map_id))
        elif op == "update_goal":
            f = {k: v for k, v in edit["fields"].items() if k in _GOAL_COLS}
            c.execute(
                f"UPDATE goals SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?",
                [json.dumps(v) if isinstance(v, list) else v for v in f.values()] + [edit["goal_id"]],
            )
        elif op == "update_map":
            f = {k: v for k, v in edit["fields"].items() if k in _MAP_COLS}
            try:
                c.execute(f"UPDATE maps SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?", [*f.values(), map_id])
            except sqlite3.IntegrityError:
                raise DuplicateError(
                    f"person {person_id!r} already has a map labelled {f.get('label')!r}", field="label"
                ) from None
        elif op == "batch":
            for e in edit["edits"]:
                self._apply_sql(map_id, person_id, e)
        else:
            raise ValidationError(f"unknown edit {op!r}", field="op")

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
            "SELECT m.id, m.person_id, m.label, m.date, m.rings, m.sectors, p.consent_research "
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
        """Rows of ``placements`` (alter columns joined in) or ``ties``, for some maps or all."""
        if table == "placements":
            known = {"map_id", "alter_id", *_PLACEMENT_COLS}
            sel = [f"p.{c}" if c in known else f"a.{c}" for c in columns]
            sql = f"SELECT {', '.join(sel)} FROM placements p JOIN alters a ON a.id = p.alter_id"
            where = " WHERE p.map_id IN (SELECT value FROM json_each(?))"
        elif table == "ties":
            sql = f"SELECT {', '.join(columns)} FROM ties"
            where = " WHERE map_id IN (SELECT value FROM json_each(?))"
        else:
            raise ValidationError(f"unknown table {table!r}: placements or ties", field="table")
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
        if map_ids is None:
            return self.read(f"SELECT COUNT(*) FROM {'placements' if table == 'placements' else 'ties'}")[0][0]
        t = "placements" if table == "placements" else "ties"
        return self.read(
            f"SELECT COUNT(*) FROM {t} WHERE map_id IN (SELECT value FROM json_each(?))", (json.dumps(list(map_ids)),)
        )[0][0]


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
