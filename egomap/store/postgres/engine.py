"""The PostgreSQL engine of a store: connection, transactions, retries, every query and the edit log.

The same calls and guarantees as :class:`egomap.store.sqlite.SQLiteEngine`:
each write transaction is committed before the call returns (or nothing
is); an edit is saved only if the map is at the revision the caller read
(the map's rows, and those of the person's other maps, are locked ``FOR
UPDATE`` while it is built, so two writers take turns and both edits are
in the log); undo and redo are rebuilt from the append-only edit log, so
they survive reconnecting. A transaction the engine opens itself is retried
on a serialisation failure or deadlock; a lost connection is re-opened for
the next call, and the call that lost it raises :class:`~egomap.errors.SaveError`
or :class:`~egomap.errors.StoreError` (an edit is acknowledged only once
it is committed).

Who sees which rows is decided by PostgreSQL (row-level security, see
:mod:`egomap.store.postgres.schema`), not here: the engine runs the same
queries for everyone, except that a researcher (who has no grant on the
tables) reads the cohort tables through the pseudonymised research views.

A connection string is never shown with its password: messages name the
store as ``postgresql://user@host:port/database``.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from egomap.errors import DuplicateError, NotAStoreError, NotFoundError, SaveError, StoreError
from egomap.model import Alter, Goal, MapState, Placement, Tie, now
from egomap.store.edit_sql import insert_map_sql, resources_from_rows
from egomap.store.postgres.edits import dialect, marks
from egomap.store.postgres.listen import MapListener, connect_listening
from egomap.store.postgres.log import LOCK_PERSON_MAPS, EditLog
from egomap.store.postgres.reads import CohortReads
from egomap.store.postgres.research import ResearchReads
from egomap.store.postgres.schema import CHANNEL, MIGRATIONS, SCHEMA_VERSION, owner_sql, team_sql
from egomap.store.sqlite.schema import (
    ALTER_COLS,
    GOAL_COLS,
    MAP_ROW,
    PERSON_COLS,
    PLACEMENT_COLS,
    alter_from,
    alter_row,
    decoder,
    dicts,
    types_from_db,
)

__all__ = ["PostgresEngine", "display_url", "psycopg_module"]

_LOCK_ID = 0x45676F4D  # advisory lock taken while the schema is created or upgraded
_RETRIES = 8


def psycopg_module() -> Any:
    """psycopg 3, or a StoreError saying how to install it."""
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            'a PostgreSQL store needs psycopg 3, which is not installed: pip install -e ".[postgres]"'
        ) from None
    return psycopg


def display_url(url: str) -> str:
    """The connection URL without its password (what messages and logs show).

    Examples
    --------
    >>> display_url("postgresql://alice:s3cret@db.example:5433/team?sslmode=require")
    'postgresql://alice@db.example:5433/team'
    >>> display_url("postgresql:///?service=egomap")
    'postgresql:///?service=egomap'
    """
    psycopg = psycopg_module()
    try:
        d = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise StoreError("the PostgreSQL store address is not a valid postgresql:// URL") from None
    user = f"{d['user']}@" if d.get("user") else ""
    port = f":{d['port']}" if d.get("port") else ""
    service = f"?service={d['service']}" if d.get("service") else ""
    return f"postgresql://{user}{d.get('host', '')}{port}/{d.get('dbname', '')}{service}"


class PostgresEngine(EditLog, CohortReads, ResearchReads):
    """One egomap store in a PostgreSQL database: its connection, transactions, SQL and migrations.

    Not for direct use: :func:`egomap.open_store` with a ``postgresql://`` URL
    gives a :class:`~egomap.store.Store` that uses one.
    """

    def __init__(self, url: str, *, upto: int = SCHEMA_VERSION, connect_timeout: int = 10) -> None:
        self.psycopg = psycopg_module()
        self._url = url
        self.path = display_url(url)
        self._password = self.psycopg.conninfo.conninfo_to_dict(url).get("password") or ""
        self._timeout = connect_timeout
        self.lock = threading.RLock()
        self.writer = f"{socket.gethostname()}:{os.getpid()}"
        self._depth = 0
        self._begin_pending = False  # a transaction's BEGIN goes out with its first statement
        self._closed = False
        self._stacks: dict[str, tuple[int, list[int], list[int]]] = {}
        self.conn: Any = self._connect()
        self.researcher = False
        try:
            self._migrate(upto)
        except BaseException:
            self.conn.close()
            raise

    # ------------------------------------------------------------------ opening
    def _clean(self, text: object) -> str:
        """An error text with the password (if it ever appears) taken out."""
        s = str(text).strip()
        return s.replace(self._password, "***") if self._password else s

    def _connect(self) -> Any:
        try:
            conn = self.psycopg.connect(
                self._url,
                autocommit=True,
                connect_timeout=self._timeout,
                application_name="egomap",
                options="-c search_path=egomap",
            )
        except self.psycopg.Error as e:
            raise StoreError(f"cannot connect to the store {self.path}: {self._clean(e)}") from None
        return conn

    def _ensure(self) -> Any:
        """The connection, opened again if the server dropped it (never inside a transaction)."""
        if self._closed:
            raise StoreError(f"the store {self.path!r} is closed; open it again with em.open_store()")
        if self.conn.closed or self.conn.broken:
            if self._depth:
                raise SaveError(f"the connection to the store {self.path} was lost; nothing of this change was saved")
            self.conn = self._connect()
        return self.begun()

    def begun(self) -> Any:
        """The connection, with the open transaction's BEGIN sent if it is still waiting."""
        if self._begin_pending:
            self._begin_pending = False
            self.conn.execute("BEGIN")
        return self.conn

    def committed_early(self) -> None:
        """The open transaction's work was committed with its last statement: its end sends no COMMIT.

        A statement after this starts a new transaction (its BEGIN waits as at
        the start), which the end commits as usual.
        """
        self._begin_pending = True

    def _begin_with(self, sql: str, args: Sequence[Any]) -> Any:
        """Run ``sql`` as the transaction's first statement, its BEGIN in the same round trip (a pipeline)."""
        if not self._begin_pending:
            return self.conn.execute(sql, args)
        self._begin_pending = False
        with self.conn.pipeline():
            self.conn.execute("BEGIN")
            cur = self.conn.execute(sql, args)
        return cur

    def _migrate(self, upto: int) -> None:
        c = self.conn
        exists = c.execute("SELECT to_regclass('egomap.meta') IS NOT NULL").fetchone()[0]
        if not exists:
            other = c.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'egomap'").fetchone()[0]
            if other:
                raise NotAStoreError(f"{self.path!r} has a schema 'egomap' that is not an egomap store")
            version = 0
        else:
            version = self._version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"store {self.path!r} was written by a newer egomap (schema {version}; "
                f"this egomap reads up to {SCHEMA_VERSION}); please upgrade egomap"
            )
        if version < upto:
            try:
                self._upgrade(upto)
            except self.psycopg.errors.InsufficientPrivilege as e:
                raise StoreError(
                    f"the store {self.path} needs an upgrade to schema {upto} (it is at {version}) and your database "
                    f"role may not make it; ask the team's admin to run: egomap team init ({self._clean(e)})"
                ) from None
            except self.psycopg.Error as e:
                raise StoreError(f"cannot set up the store {self.path}: {self._clean(e)}") from None
        self.researcher = not c.execute("SELECT has_table_privilege('egomap.persons', 'SELECT')").fetchone()[0]

    def _version(self) -> int:
        row = self.conn.execute("SELECT value FROM egomap.meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _upgrade(self, upto: int) -> None:
        c = self.conn
        with c.transaction():
            c.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
            c.execute("CREATE SCHEMA IF NOT EXISTS egomap")
            exists = c.execute("SELECT to_regclass('egomap.meta') IS NOT NULL").fetchone()[0]
            version = self._version() if exists else 0
            for v in range(version + 1, upto + 1):
                for stmt in _statements(MIGRATIONS[v]):
                    c.execute(stmt)
                c.execute(
                    "INSERT INTO egomap.meta VALUES ('schema_version', %s) ON CONFLICT (key) DO UPDATE SET value = %s",
                    (str(v), str(v)),
                )
            team = c.execute("SELECT 1 FROM egomap.meta WHERE key = 'team'").fetchone()
            if team and version < upto:
                self.apply_team_sql()

    def apply_team_sql(self) -> None:
        """(Re)create the team's policies, grants and research views, owned by ``egomap_admin``."""
        c = self.conn
        for stmt in team_sql():
            c.execute(stmt)
        tables = [r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'egomap'")]
        for stmt in owner_sql(tuple(tables)):
            c.execute(stmt)
        c.execute("INSERT INTO egomap.meta VALUES ('team', '1') ON CONFLICT (key) DO NOTHING")

    def schema_version(self) -> int:
        """The schema version of the store."""
        return int(self.read("SELECT value FROM meta WHERE key = 'schema_version'")[0][0])

    def close(self) -> None:
        """Close the connection; any later use raises StoreError."""
        with self.lock:
            if not self._closed:
                self._closed = True
                self.conn.close()

    def watch(self) -> MapListener:
        """A listener on its own connection for maps other writers change (``LISTEN egomap_maps``)."""
        return MapListener(connect_listening(self.psycopg, self._url, self.path), self.path, self.psycopg.Error)

    # ------------------------------------------------------------------ transactions
    @property
    def in_transaction(self) -> bool:
        """Whether a write transaction of this engine is open."""
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction (nested ones join it), its BEGIN sent with its first statement; database errors become egomap errors."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield _Connection(self)
                finally:
                    self._depth -= 1
                return
            conn = self._ensure()
            self._begin_pending = True
            self._depth = 1
            try:
                yield _Connection(self)
                self._depth = 0
                if self._begin_pending:  # nothing was sent: nothing to commit
                    self._begin_pending = False
                else:
                    conn.execute("COMMIT")
            except BaseException as exc:
                self._depth = 0
                self._stacks.clear()
                sent = not self._begin_pending
                self._begin_pending = False
                if sent and not conn.broken and not conn.closed:
                    try:
                        conn.execute("ROLLBACK")
                    except self.psycopg.Error:
                        pass
                if isinstance(exc, self.psycopg.Error):
                    raise self._error(exc) from None
                raise

    def _error(self, e: Exception) -> Exception:
        """The egomap error for a database error (its text without any password)."""
        errors = self.psycopg.errors
        if isinstance(e, errors.InsufficientPrivilege):
            return SaveError(f"the database refused: {self._clean(e)} (your role may not make this change)")
        if isinstance(e, (errors.SerializationFailure, errors.DeadlockDetected)):
            return _Conflict("another writer changed the same rows at the same moment; nothing was saved: try again")
        if isinstance(e, self.psycopg.OperationalError):
            return SaveError(f"could not save to {self.path}: the connection was lost ({self._clean(e)})")
        return SaveError(f"could not save to {self.path}: {self._clean(e)}")

    def _write(self, fn: Callable[[Any], Any]) -> Any:
        """Run ``fn(conn)`` in a transaction; retried on a serialisation failure or deadlock if the transaction is ours."""
        if self._depth:
            with self.transaction() as c:
                return fn(c)
        delay = 0.01
        for attempt in range(_RETRIES):
            try:
                with self.transaction() as c:
                    return fn(c)
            except _Conflict:
                if attempt == _RETRIES - 1:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
        """All rows of one query; a dropped connection is opened again once (outside a transaction)."""
        with self.lock:
            return self._read(lambda c: c.execute(sql, args).fetchall())

    def _read(self, fn: Callable[[Any], Any]) -> Any:
        for attempt in (0, 1):
            conn = self._ensure()
            try:
                return fn(conn)
            except self.psycopg.OperationalError as e:
                if self._depth or attempt or not (conn.broken or conn.closed):
                    raise StoreError(f"cannot read the store {self.path}: {self._clean(e)}") from None
            except self.psycopg.errors.InsufficientPrivilege as e:
                raise StoreError(f"the database refused: {self._clean(e)}") from None
            except self.psycopg.errors.UndefinedColumn as e:
                raise StoreError(f"the store has no such column for your role: {self._clean(e)}") from None
            except self.psycopg.Error as e:
                raise StoreError(f"cannot read the store {self.path}: {self._clean(e)}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ persons
    def person_row(self, pid: str) -> dict[str, Any] | None:
        """The person's row by column name, or None (also when the database does not show it to this role)."""
        if self.researcher:
            rows = self.research_person_rows(pid)
            return rows[0] if rows else None
        with self.lock:
            rows = self._read(
                lambda c: list(dicts(c.execute(f"SELECT {', '.join(PERSON_COLS)} FROM persons WHERE id = %s", (pid,))))
            )
        return rows[0] if rows else None

    def person_rows(self) -> list[dict[str, Any]]:
        """Every person's row the role may see, ordered by id."""
        if self.researcher:
            return self.research_person_rows()
        with self.lock:
            return self._read(
                lambda c: list(
                    dicts(c.execute(f'SELECT {", ".join(PERSON_COLS)} FROM persons ORDER BY id COLLATE "C"'))
                )
            )

    def person_ids(self) -> list[str]:
        """The ids of all persons the role may see (a researcher: the consenting ones), sorted."""
        table = "research_persons" if self.researcher else "persons"
        return [r[0] for r in self.read(f'SELECT id FROM {table} ORDER BY id COLLATE "C"')]

    def insert_person(self, row: Mapping[str, Any]) -> None:
        """Add a person (DuplicateError if the id is taken), inside a transaction."""

        def run(c: Any) -> None:
            try:
                with c.transaction():
                    c.execute(
                        f"INSERT INTO persons ({', '.join(PERSON_COLS)}) VALUES ({marks(len(PERSON_COLS))})",
                        [int(row[k]) if isinstance(row[k], bool) else row[k] for k in PERSON_COLS],
                    )
            except self.psycopg.errors.UniqueViolation:
                raise DuplicateError(
                    f"a person with id {row['id']!r} is already in the store", field="id", value=row["id"]
                ) from None

        self._write(run)

    def update_person(self, pid: str, fields: Mapping[str, Any]) -> None:
        """Save changed person attributes."""
        cols = [k for k in fields if k in PERSON_COLS and k not in ("id", "created")]
        if not cols:
            return

        def run(c: Any) -> None:
            n = c.execute(
                f"UPDATE persons SET {', '.join(f'{k} = %s' for k in cols)} WHERE id = %s",
                [(int(fields[k]) if isinstance(fields[k], bool) else fields[k]) for k in cols] + [pid],
            ).rowcount
            if n == 0:
                raise NotFoundError(f"no person {pid!r} in the store")

        self._write(run)

    def delete_person(self, pid: str) -> None:
        """Delete a person and everything of theirs."""

        def run(c: Any) -> None:
            if c.execute("DELETE FROM persons WHERE id = %s", (pid,)).rowcount == 0:
                raise NotFoundError(f"no person {pid!r} in the store")

        self._write(run)

    def person_alters(self, pid: str) -> dict[str, Alter]:
        """Every alter of the person on any map, by id."""
        if self.researcher:
            return self.research_alters(pid)
        sql = (
            f"SELECT id, {', '.join(ALTER_COLS)} FROM alters "
            "WHERE person_id = %s AND id IN (SELECT alter_id FROM placements) ORDER BY n"
        )
        with self.lock:
            return self._read(lambda c: {d["id"]: alter_from(d) for d in dicts(c.execute(sql, (pid,)))})

    def insert_alters(self, pid: str, alters: Sequence[Alter]) -> None:
        """Add alters of a person (DuplicateError if an id is taken), inside a transaction."""
        cols = ("id", "person_id", *ALTER_COLS)

        def run(c: Any) -> None:
            try:
                with c.transaction(), c.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO alters ({', '.join(cols)}) VALUES ({marks(len(cols))})",
                        [[a.id, pid, *alter_row(a)] for a in alters],
                    )
            except self.psycopg.errors.UniqueViolation:
                raise DuplicateError(
                    f"an alter of person {pid!r} has an id already in the store", field="alter id"
                ) from None

        self._write(run)

    # ------------------------------------------------------------------ maps
    def map_rows(self, pid: str) -> list[dict[str, Any]]:
        """The person's maps (without their contents) in time order."""
        if self.researcher:
            return self.research_map_rows(pid)
        sql = f"SELECT {', '.join(MAP_ROW)} FROM maps WHERE person_id = %s ORDER BY COALESCE(date, '9999-99-99'), seq"
        with self.lock:
            return self._read(lambda c: list(dicts(c.execute(sql, (pid,)))))

    def map_person(self, map_id: str) -> str | None:
        """The id of the person whose map this is, or None."""
        if self.researcher:
            found = self.research_map(map_id)
            return None if found is None else found[0]
        rows = self.read("SELECT person_id FROM maps WHERE id = %s", (map_id,))
        return rows[0][0] if rows else None

    def optimistic(self) -> bool:
        """Whether the open transaction is the outermost and has sent nothing yet.

        Then a map's edit goes out whole in one round trip (BEGIN, the lock of
        the person's maps, the edit, the revision check, the log, COMMIT:
        :meth:`commit_edit`); a stale map raises
        :class:`~egomap.model.StaleRevision` and the map builds it again.
        """
        return self._depth == 1 and self._begin_pending

    def map_revision(self, map_id: str, label: str = "") -> int:
        """The map's saved revision (NotFoundError if it is gone).

        Inside a write transaction the person's maps are locked (in id order,
        so that two writers never wait on each other in a circle) until it
        ends: the edit about to be built is built on what is saved now.
        """
        if self._depth:
            with self.lock:
                try:
                    rows = self._begin_with(LOCK_PERSON_MAPS, (map_id,)).fetchall()
                except self.psycopg.Error as e:
                    raise self._error(e) from None
            rows = [(r[1],) for r in rows if r[0] == map_id]
        elif self.researcher:
            found = self.research_map(map_id)
            rows = [] if found is None else [(found[1],)]
        else:
            rows = self.read("SELECT rev FROM maps WHERE id = %s", (map_id,))
        if not rows:
            raise NotFoundError(f"map {label or map_id!r} is no longer in the store")
        return rows[0][0]

    def load_map(self, map_id: str) -> tuple[MapState, int]:
        """Everything on the map, and its revision."""
        if self.researcher:
            return self.research_load(map_id)
        with self.lock:
            return self._read(lambda c: self._load(c, map_id))

    def _load(self, c: Any, map_id: str) -> tuple[MapState, int]:
        """The map's rows in one round trip (a pipeline), from one snapshot (its own read-only transaction)."""
        a_cols = ", ".join(f"a.{x} AS a_{x}" for x in ALTER_COLS)
        p_cols = ", ".join(f"p.{x}" for x in PLACEMENT_COLS)
        queries = (
            "SELECT label, date, notes, rev FROM maps WHERE id = %s",
            f"SELECT a.id AS a_id, {a_cols}, p.alter_id, {p_cols} FROM placements p "
            "JOIN alters a ON a.id = p.alter_id WHERE p.map_id = %s ORDER BY p.n",
            "SELECT a, b, types FROM ties WHERE map_id = %s ORDER BY n",
            f"SELECT id, {', '.join(GOAL_COLS)} FROM goals WHERE map_id = %s ORDER BY n",
            "SELECT item, alter_id FROM resources WHERE map_id = %s ORDER BY n",
        )
        own = not self._depth
        curs = [c.cursor() for _ in queries]
        try:
            with c.pipeline():
                if own:
                    c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                for cur, q in zip(curs, queries):
                    cur.execute(q, (map_id,))
                if own:
                    c.execute("COMMIT")
        except BaseException:
            if own and not c.closed and c.info.transaction_status != self.psycopg.pq.TransactionStatus.IDLE:
                c.execute("ROLLBACK")
            raise
        row = curs[0].fetchone()
        if row is None:
            raise NotFoundError(f"map {map_id!r} is no longer in the store")
        st = MapState(info={"label": row[0], "date": row[1], "notes": row[2]})
        cur = curs[1]
        alter = decoder(Alter, "alter", "id", cur.description, "a_")
        placement = decoder(Placement, "placement", "alter_id", cur.description)
        for r in cur.fetchall():
            a = alter(r)
            st.alters[a.id] = a
            st.placements[a.id] = placement(r)
        for a, b, types in curs[2].fetchall():
            st.ties[Tie(a, b)] = types_from_db(types)
        for d in dicts(curs[3]):
            st.goals[d["id"]] = Goal(
                d["id"], d["text"], tuple(json.loads(d["steps"])), d["status"], tuple(json.loads(d["alter_ids"]))
            )
        st.resources = resources_from_rows(curs[4].fetchall())
        return st, row[3]

    def insert_map(self, pid: str, row: Mapping[str, Any], state: MapState, description: str) -> None:
        """Save a new map with everything on it, and log its creation."""

        def run(c: Any) -> None:
            insert_map_sql(c, pid, row, state, dialect())
            c.execute(
                "INSERT INTO edits (map_id, time, action, edit, description, writer) VALUES (%s, %s, %s, %s, %s, %s) "
                f"RETURNING pg_notify('{CHANNEL}', map_id)",
                (
                    row["id"],
                    now(),
                    "create",
                    json.dumps({"op": "create_map", "copied_from": row["copied_from"]}),
                    description,
                    self.writer,
                ),
            )

        self._write(run)


class _Connection:
    """The connection of an open transaction: its first use sends the transaction's waiting ``BEGIN``."""

    def __init__(self, engine: PostgresEngine) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine.begun(), name)


class _Conflict(SaveError):
    """A serialisation failure or deadlock: the transaction can be run again."""


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip()]
