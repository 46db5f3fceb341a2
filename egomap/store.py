"""The SQLite store: where persons, maps and their edit logs are kept.

Every editing call on a map is committed to the store file before it returns
(WAL journal, ``synchronous=FULL``), so a crash or a killed kernel loses no
edit that was acknowledged. Each map has an append-only edit log that backs
``undo()`` and ``redo()``, which therefore survive closing and reopening the
store. Several processes may write to one store file at once: writes are
serialised by SQLite (``BEGIN IMMEDIATE`` with a busy timeout), a map whose
rows another writer changed is reloaded before the next edit is applied, and
the later write wins.

Examples
--------
>>> import egomap as em, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "study.sqlite")
>>> store = em.open_store(path)
>>> p = store.add_person("R-017", consent_research=True)
>>> m = p.new_map("Baseline", date="2026-01-12")
>>> _ = m.add_alter("Mum", ring=0, sector="household")
>>> store.close()
>>> again = em.open_store(path)
>>> [a.label for a in again.person("R-017").map("Baseline").alters]
['Mum']
>>> again.close()
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from egomap import schemes as _schemes
from egomap.errors import DuplicateError, NotAStoreError, NotFoundError, SaveError, StoreError, ValidationError
from egomap.model import (
    Alter,
    Goal,
    Map,
    Person,
    Placement,
    Tie,
    _now,
    _person_id,
    describe_edit,
)

__all__ = ["Store", "open_store", "default_store_path", "SCHEMA_VERSION", "APPLICATION_ID"]

#: ``PRAGMA application_id`` of an egomap store ("EgoM").
APPLICATION_ID = 0x45676F4D
#: Current schema version (``PRAGMA user_version``).
SCHEMA_VERSION = 2

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

#: Migrations: version -> SQL that upgrades a store from version-1 to version.
MIGRATIONS: dict[int, str] = {
    1: _SCHEMA_V1,
    2: """
    ALTER TABLE placements ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE edits ADD COLUMN writer TEXT NOT NULL DEFAULT '';
    CREATE INDEX edits_map ON edits(map_id, id);
    """,
}

_ALTER_COLS = ("label", "kind", "relationship", "is_professional", "met_through")
_PLACEMENT_COLS = (
    "ring",
    "sector",
    "angle",
    "radius",
    "support_received",
    "support_given",
    "valence",
    "contact",
    "note",
    "reviewed",
)
_MAP_COLS = ("label", "date", "notes")
_GOAL_COLS = ("text", "steps", "status", "alter_ids")


def default_store_path() -> Path:
    """Where :func:`open_store` keeps the store when no path is given.

    ``$EGOMAP_STORE`` if set, else ``egomap.sqlite`` in the per-user data
    directory (``~/.local/share/egomap`` on Linux,
    ``~/Library/Application Support/egomap`` on macOS,
    ``%LOCALAPPDATA%\\egomap`` on Windows).

    Examples
    --------
    >>> import egomap as em
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EGOMAP_STORE": "~/study.sqlite"}):
    ...     em.default_store_path() == em.default_store_path().home() / "study.sqlite"
    True
    """
    env = os.environ.get("EGOMAP_STORE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("egomap", appauthor=False)) / "egomap.sqlite"


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open (or create) a store.

    Parameters
    ----------
    path : str or path, optional
        The SQLite file. Default: :func:`default_store_path`.

    Returns
    -------
    Store

    Raises
    ------
    NotAStoreError
        If the file exists but is not an egomap store.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
    >>> store.info()["persons"]
    0
    >>> store.close()
    """
    return Store(default_store_path() if path is None else path)


def _support_text(v: Any) -> str:
    return ",".join(sorted(v)) if v else ""


def _support_set(s: str) -> frozenset[str]:
    return frozenset(x for x in s.split(",") if x) if s else frozenset()


class Store:
    """An egomap store in one SQLite file. Use :func:`open_store` to get one.

    A store can be used as a context manager (closed at the end). Maps got
    from a store save every edit before the editing call returns.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> with em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite")) as store:
    ...     m = store.add_person("R-017").new_map("Baseline")
    ...     _ = m.add_alter("Mum", ring=0, sector="household")
    ...     print(store.info()["alters"], m.history()[-1]["description"])
    1 add Mum
    """

    def __init__(self, path: str | os.PathLike, *, _upto: int = SCHEMA_VERSION) -> None:
        if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
            raise ValidationError(f"a store path must be a file name, got {path!r}", field="path", value=path)
        self.path = Path(path).expanduser().resolve()
        self._lock = threading.RLock()
        self._maps: weakref.WeakValueDictionary[str, Map] = weakref.WeakValueDictionary()
        self._stacks: dict[str, tuple[int, list[int], list[int]]] = {}
        self._batch_depth = 0
        self._tx_depth = 0
        self._pending: dict[str, tuple[Map, int]] = {}
        self._writer = f"{socket.gethostname()}:{os.getpid()}"
        self._conn = self._connect(_upto)

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

    @property
    def schema_version(self) -> int:
        """The schema version of the open store file."""
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        """Close the store file (again: nothing happens). Using the store or its maps afterwards raises StoreError."""
        with self._lock:
            if not isinstance(self._conn, _Closed):
                self._conn.close()
                self._conn = _Closed(self.path)  # type: ignore[assignment]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<egomap Store {str(self.path)!r}>"

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (or a part of the enclosing batch)."""
        with self._lock:
            if self._batch_depth or self._tx_depth:
                self._tx_depth += 1
                try:
                    yield self._conn
                finally:
                    self._tx_depth -= 1
                return
            try:
                _begin_immediate(self._conn)
            except sqlite3.Error as e:
                raise SaveError(f"could not save to {str(self.path)!r}: {e}") from e
            self._tx_depth = 1
            try:
                yield self._conn
                self._tx_depth = 0
                self._conn.execute("COMMIT")
            except BaseException as exc:
                self._tx_depth = 0
                _rollback(self._conn)
                self._pending.clear()
                if isinstance(exc, sqlite3.IntegrityError):
                    raise SaveError(f"could not save: {exc}") from exc
                if isinstance(exc, sqlite3.Error):
                    raise SaveError(f"could not save to {str(self.path)!r}: {exc}") from exc
                raise
            self._settle()

    def _settle(self) -> None:
        for m, rev in self._pending.values():
            m._rev = rev
        self._pending.clear()

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Group many edits into one transaction: all are saved, or none.

        Used by imports and generators; much faster than one commit per edit.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> try:
        ...     with store.batch():
        ...         p = store.add_person("R-1")
        ...         m = p.new_map("Baseline")
        ...         _ = m.add_alter("Mum", ring=0, sector="household")
        ...         _ = m.add_alter("", ring=0, sector="household")   # bad: nothing is saved
        ... except em.ValidationError as e:
        ...     print(e)
        label must not be empty
        >>> store.person_ids()
        []
        """
        with self._lock:
            if self._batch_depth:
                self._batch_depth += 1
                try:
                    yield self
                finally:
                    self._batch_depth -= 1
                return
            try:
                _begin_immediate(self._conn)
            except sqlite3.Error as e:
                raise SaveError(f"could not save to {str(self.path)!r}: {e}") from e
            self._batch_depth = 1
            touched_before = set(self._maps.keys())
            try:
                yield self
                self._conn.execute("COMMIT")
            except BaseException as exc:
                _rollback(self._conn)
                stale = [m for m, _ in self._pending.values()]
                self._pending.clear()
                self._stacks.clear()
                for m in stale:
                    if m.id in touched_before:
                        try:
                            self._load(m)
                        except NotFoundError:
                            pass
                if isinstance(exc, sqlite3.Error):
                    raise SaveError(f"could not save to {str(self.path)!r}: {exc}") from exc
                raise
            finally:
                self._batch_depth = 0
            self._settle()

    # ------------------------------------------------------------------ persons
    def add_person(
        self,
        id: str,
        display_name: str | None = None,
        *,
        consent_keep: bool = True,
        consent_research: bool = False,
    ) -> Person:
        """Add a person, identified by a pseudonymous id the practitioner picks.

        Saved before this returns.

        Parameters
        ----------
        id : str
            Pseudonymous id such as ``"R-017"`` (at most 64 characters; no
            slashes, tabs or line breaks). Never a real name.
        display_name : str, optional
            A name to show in sessions (left out of research exports).
        consent_keep : bool
            Consent to keep the map.
        consent_research : bool
            Consent to research use of the map.

        Returns
        -------
        Person

        Raises
        ------
        DuplicateError
            If a person with that id is already in the store.
        ValidationError
            If the id or another value is not acceptable.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> store.add_person("R-017", consent_research=True).consent_research
        True
        >>> store.add_person("R-017")
        Traceback (most recent call last):
        ...
        egomap.errors.DuplicateError: a person with id 'R-017' is already in the store
        >>> store.close()
        """
        p = Person(id, display_name, consent_keep=consent_keep, consent_research=consent_research, backend=self)
        with self._tx() as c:
            if c.execute("SELECT 1 FROM persons WHERE id = ?", (p.id,)).fetchone():
                raise DuplicateError(f"a person with id {p.id!r} is already in the store", field="id", value=p.id)
            c.execute(
                "INSERT INTO persons (id, display_name, consent_keep, consent_research, created) VALUES (?,?,?,?,?)",
                (p.id, p.display_name, int(p.consent_keep), int(p.consent_research), p.created),
            )
        return p

    def _person_from_row(self, row: tuple) -> Person:
        return Person(
            row[0], row[1], consent_keep=bool(row[2]), consent_research=bool(row[3]), created=row[4], backend=self
        )

    def person(self, id: str, *, create: bool = False) -> Person:
        """The person with this id.

        Parameters
        ----------
        id : str
            The pseudonymous id.
        create : bool
            Add the person (with default consents) if they are not in the store yet.

        Raises
        ------
        NotFoundError
            If there is no such person and ``create`` is false.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> store.person("R-017", create=True).id
        'R-017'
        """
        pid = _person_id(id)
        if create and pid not in self.person_ids():
            try:
                return self.add_person(pid)
            except DuplicateError:  # another kernel added them just now
                pass
        with self._lock:
            row = self._conn.execute(
                "SELECT id, display_name, consent_keep, consent_research, created FROM persons WHERE id = ?", (pid,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no person {pid!r} in the store {str(self.path)!r}")
        return self._person_from_row(row)

    def people(self) -> list[Person]:
        """All persons, ordered by id.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = store.add_person("R-2"), store.add_person("R-1")
        >>> [p.id for p in store.people()], store.person_ids()
        (['R-1', 'R-2'], ['R-1', 'R-2'])
        >>> store.close()
        """
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, display_name, consent_keep, consent_research, created FROM persons ORDER BY id"
            ).fetchall()
        return [self._person_from_row(r) for r in rows]

    def person_ids(self) -> list[str]:
        """The ids of all persons, sorted."""
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT id FROM persons ORDER BY id")]

    def delete_person(self, id: str) -> None:
        """Delete a person and all their maps and edit logs (e.g. consent withdrawn).

        Raises
        ------
        NotFoundError
            If there is no such person.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = store.add_person("R-1").new_map("Baseline")
        >>> store.delete_person("R-1")
        >>> store.info()["maps"]
        0
        >>> store.close()
        """
        pid = _person_id(id)
        with self._tx() as c:
            if c.execute("DELETE FROM persons WHERE id = ?", (pid,)).rowcount == 0:
                raise NotFoundError(f"no person {pid!r} in the store")

    def import_person(self, person: Person) -> Person:
        """Save a whole person kept elsewhere (in memory, or another store) into this store.

        Ids of the person, maps, alters and goals are kept, so an export
        read back gives the same data. Everything is written in one
        transaction: on any error nothing is saved.

        Raises
        ------
        DuplicateError
            If the person id, or one of the alter or map ids, is already in the store.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> p = em.Person("R-9")
        >>> _ = p.new_map("Baseline").add_alter("Mum", ring=0, sector="household")
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> [a.label for a in store.import_person(p).map("Baseline").alters]
        ['Mum']
        """
        maps = person.maps
        alters: dict[str, Alter] = {}
        for m in maps:
            alters.update(m._state.alters)
        with self._tx() as c:
            if c.execute("SELECT 1 FROM persons WHERE id = ?", (person.id,)).fetchone():
                raise DuplicateError(
                    f"a person with id {person.id!r} is already in the store", field="id", value=person.id
                )
            c.execute(
                "INSERT INTO persons (id, display_name, consent_keep, consent_research, created) VALUES (?,?,?,?,?)",
                (
                    person.id,
                    person.display_name,
                    int(person.consent_keep),
                    int(person.consent_research),
                    person.created,
                ),
            )
            try:
                c.executemany(
                    "INSERT INTO alters (id, person_id, label, kind, relationship, is_professional, met_through) "
                    "VALUES (?,?,?,?,?,?,?)",
                    [
                        (a.id, person.id, a.label, a.kind, a.relationship, int(a.is_professional), a.met_through)
                        for a in alters.values()
                    ],
                )
            except sqlite3.IntegrityError:
                raise DuplicateError(
                    f"an alter of person {person.id!r} has an id already in the store", field="alter id"
                ) from None
            handle = self._person_from_row(
                (person.id, person.display_name, person.consent_keep, person.consent_research, person.created)
            )
            for i, m in enumerate(maps):
                if c.execute("SELECT 1 FROM maps WHERE id = ?", (m.id,)).fetchone():
                    raise DuplicateError(f"a map with id {m.id!r} is already in the store", field="map id")
                copy = Map(
                    id=m.id,
                    person=handle,
                    label=m.label,
                    date=m._state.info.get("date"),
                    rings=m.rings,
                    sectors=m.sectors,
                    notes=m.notes,
                    copied_from=m.copied_from,
                    created=m.created,
                    backend=self,
                    seq=i,
                )
                copy._state.alters = dict(m._state.alters)
                copy._state.placements = dict(m._state.placements)
                copy._state.ties = dict(m._state.ties)
                copy._state.goals = dict(m._state.goals)
                self.create_map(handle, copy, None)
        return handle

    def map(self, map_id: str) -> Map:
        """A map by its id.

        Raises
        ------
        NotFoundError
            If there is no map with that id.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> m = store.add_person("R-1").new_map("Baseline")
        >>> store.map(m.id) is m
        True
        >>> store.close()
        """
        with self._lock:
            cached = self._maps.get(map_id)
            if cached is not None:
                return cached
            row = self._conn.execute("SELECT person_id FROM maps WHERE id = ?", (map_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no map with id {map_id!r} in the store")
        return self.person(row[0]).map(map_id)

    def info(self) -> dict[str, Any]:
        """Where the store is and how much it holds.

        Returns
        -------
        dict
            ``path``, ``schema_version`` and the numbers of ``persons``,
            ``maps``, ``alters`` and ``edits``.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = store.add_person("R-1").new_map("Baseline")
        >>> {k: v for k, v in store.info().items() if k in ("persons", "maps")}
        {'persons': 1, 'maps': 1}
        >>> store.close()
        """
        with self._lock:
            c = self._conn
            return {
                "path": str(self.path),
                "schema_version": self.schema_version,
                "persons": c.execute("SELECT count(*) FROM persons").fetchone()[0],
                "maps": c.execute("SELECT count(*) FROM maps").fetchone()[0],
                "alters": c.execute("SELECT count(*) FROM alters").fetchone()[0],
                "edits": c.execute("SELECT count(*) FROM edits").fetchone()[0],
            }

    def measures(
        self,
        persons: Any = None,
        maps: Any = None,
        progress: bool | None = None,
        *,
        consenting_only: bool = False,
        ei: Any = None,
    ) -> Any:
        """Per-map measures, one row per person x map (a pandas DataFrame).

        Columns and options: :func:`egomap.measures.cohort_measures`. ``persons``
        (ids) and ``maps`` (labels, or positions such as ``0`` and ``-1``) choose
        rows; ``consenting_only`` keeps persons who consented to research use;
        ``ei`` adds E-I index columns; a tqdm progress bar shows on large
        cohorts (``progress=True``/``False`` to choose).

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = em.demo.demo_case(store)
        >>> store.measures(maps=[0, -1])[["map_label", "size"]].values.tolist()
        [['Baseline', 7.0], ['12 months', 12.0]]
        >>> store.close()
        """
        from egomap.measures import cohort_measures

        return cohort_measures(self, persons, maps, progress, consenting_only=consenting_only, ei=ei)

    def changes(
        self,
        persons: Any = None,
        maps: Any = None,
        progress: bool | None = None,
        *,
        consenting_only: bool = False,
        ei: Any = None,
    ) -> Any:
        """Change measures, one row per person x pair of consecutive maps (a pandas DataFrame).

        Columns and options: :func:`egomap.measures.cohort_changes`; the options
        are those of :meth:`measures` (with ``maps``, pairs are consecutive among
        the chosen maps).

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = em.demo.demo_case(store)
        >>> store.changes(maps=[0, -1])[["to_label", "n_gained", "n_lost", "n_retained"]].values.tolist()
        [['12 months', 7.0, 2.0, 5.0]]
        >>> store.close()
        """
        from egomap.measures import cohort_changes

        return cohort_changes(self, persons, maps, progress, consenting_only=consenting_only, ei=ei)

    # ------------------------------------------------------------------ backend: persons
    def update_person(self, p: Person, fields: dict) -> None:
        """Save changed person attributes."""
        if not fields:
            return
        cols = [k for k in fields if k in ("display_name", "consent_keep", "consent_research")]
        with self._tx() as c:
            n = c.execute(
                f"UPDATE persons SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                [(int(fields[k]) if isinstance(fields[k], bool) else fields[k]) for k in cols] + [p.id],
            ).rowcount
            if n == 0:
                raise NotFoundError(f"no person {p.id!r} in the store")

    def person_alters(self, p: Person) -> dict[str, Alter]:
        """Every alter of the person (on any map), by id."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, label, kind, relationship, is_professional, met_through FROM alters "
                "WHERE person_id = ? AND id IN (SELECT alter_id FROM placements) ORDER BY rowid",
                (p.id,),
            ).fetchall()
        return {r[0]: Alter(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows}

    def sibling_maps(self, m: Map) -> list[Map]:
        """The loaded maps of the same person (so stable alter changes show on all of them)."""
        return [x for x in list(self._maps.values()) if x.person.id == m.person.id]

    def person_maps(self, p: Person) -> list[Map]:
        """The person's maps in time order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, rev FROM maps WHERE person_id = ? ORDER BY COALESCE(date, '9999-99-99'), seq",
                (p.id,),
            ).fetchall()
            out = []
            for map_id, rev in rows:
                m = self._maps.get(map_id)
                if m is None:
                    m = self._new_handle(p, map_id)
                elif m._rev != rev and not self._batch_depth:
                    self._load(m)
                out.append(m)
            return out

    def _new_handle(self, p: Person, map_id: str) -> Map:
        row = self._conn.execute(
            "SELECT label, date, notes, rings, sectors, copied_from, created, seq FROM maps WHERE id = ?", (map_id,)
        ).fetchone()
        m = Map(
            id=map_id,
            person=p,
            label=row[0],
            date=row[1],
            notes=row[2],
            rings=_schemes.RingScheme.from_dict(json.loads(row[3])),
            sectors=_schemes.SectorScheme.from_dict(json.loads(row[4])),
            copied_from=row[5],
            created=row[6],
            backend=self,
            seq=row[7],
        )
        self._load(m)
        self._maps[map_id] = m
        return m

    def _load(self, m: Map) -> None:
        """Read the map's rows into memory."""
        c = self._conn
        row = c.execute("SELECT label, date, notes, rev FROM maps WHERE id = ?", (m.id,)).fetchone()
        if row is None:
            raise NotFoundError(f"map {m.label!r} is no longer in the store")
        st = m._state
        st.info = {"label": row[0], "date": row[1], "notes": row[2]}
        st.alters, st.placements, st.ties, st.goals = {}, {}, {}, {}
        for r in c.execute(
            "SELECT a.id, a.label, a.kind, a.relationship, a.is_professional, a.met_through, p.ring, p.sector, "
            "p.angle, p.radius, p.support_received, p.support_given, p.valence, p.contact, p.note, p.reviewed "
            "FROM placements p JOIN alters a ON a.id = p.alter_id WHERE p.map_id = ? ORDER BY p.rowid",
            (m.id,),
        ):
            st.alters[r[0]] = Alter(r[0], r[1], r[2], r[3], bool(r[4]), r[5])
            st.placements[r[0]] = Placement(
                r[0], r[6], r[7], r[8], r[9], _support_set(r[10]), _support_set(r[11]), r[12], r[13], r[14], bool(r[15])
            )
        for a, b in c.execute("SELECT a, b FROM ties WHERE map_id = ? ORDER BY rowid", (m.id,)):
            st.ties[Tie(a, b)] = None
        for r in c.execute(
            "SELECT id, text, steps, status, alter_ids FROM goals WHERE map_id = ? ORDER BY rowid", (m.id,)
        ):
            st.goals[r[0]] = Goal(r[0], r[1], tuple(json.loads(r[2])), r[3], tuple(json.loads(r[4])))
        m._rev = row[3]

    def create_map(self, p: Person, m: Map, copy_from: Map | None) -> None:
        """Save a new map (with everything already on it, e.g. copied forward)."""
        st = m._state
        with self._tx() as c:
            if c.execute("SELECT 1 FROM persons WHERE id = ?", (p.id,)).fetchone() is None:
                raise NotFoundError(f"no person {p.id!r} in the store")
            if c.execute("SELECT 1 FROM maps WHERE person_id = ? AND label = ?", (p.id, m.label)).fetchone():
                raise DuplicateError(f"person {p.id!r} already has a map labelled {m.label!r}", field="label")
            seq = c.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM maps WHERE person_id = ?", (p.id,)).fetchone()[0]
            c.execute(
                "INSERT INTO maps (id, person_id, seq, label, date, notes, rings, sectors, copied_from, created, rev) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,0)",
                (
                    m.id,
                    p.id,
                    seq,
                    m.label,
                    st.info.get("date"),
                    m.notes,
                    json.dumps(m.rings.to_dict()),
                    json.dumps(m.sectors.to_dict()),
                    m.copied_from,
                    m.created,
                ),
            )
            c.executemany(
                "INSERT INTO placements (map_id, alter_id, ring, sector, angle, radius, support_received, "
                "support_given, valence, contact, note, reviewed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        m.id,
                        q.alter_id,
                        q.ring,
                        q.sector,
                        q.angle,
                        q.radius,
                        _support_text(q.support_received),
                        _support_text(q.support_given),
                        q.valence,
                        q.contact,
                        q.note,
                        int(q.reviewed),
                    )
                    for q in st.placements.values()
                ],
            )
            c.executemany("INSERT INTO ties (map_id, a, b) VALUES (?,?,?)", [(m.id, t.a, t.b) for t in st.ties])
            c.executemany(
                "INSERT INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (?,?,?,?,?,?)",
                [
                    (g.id, m.id, g.text, json.dumps(list(g.steps)), g.status, json.dumps(list(g.alter_ids)))
                    for g in st.goals.values()
                ],
            )
            desc = f"new map {m.label!r}" + (f" copied from {copy_from.label!r}" if copy_from else "")
            c.execute(
                "INSERT INTO edits (map_id, time, action, edit, description, writer) VALUES (?,?,?,?,?,?)",
                (
                    m.id,
                    _now(),
                    "create",
                    json.dumps({"op": "create_map", "copied_from": m.copied_from}),
                    desc,
                    self._writer,
                ),
            )
        m._rev = 0
        self._maps[m.id] = m

    # ------------------------------------------------------------------ backend: map edits
    @contextmanager
    def begin(self, m: Map) -> Iterator[None]:
        """A write transaction around one edit (a context manager); reloads the map if another writer changed it."""
        with self._tx() as c:
            row = c.execute("SELECT rev FROM maps WHERE id = ?", (m.id,)).fetchone()
            if row is None:
                raise NotFoundError(f"map {m.label!r} is no longer in the store")
            if row[0] != m._rev and m.id not in self._pending:
                self._load(m)
            yield

    def _bump(self, m: Map) -> int:
        rev = self._conn.execute("UPDATE maps SET rev = rev + 1 WHERE id = ? RETURNING rev", (m.id,)).fetchone()[0]
        self._pending[m.id] = (m, rev)
        return rev

    def write(self, m: Map, edit: dict, inverse: dict) -> None:
        """Save one edit and its inverse (and log it) inside the transaction opened by :meth:`begin`."""
        c = self._conn
        self._apply_sql(m, edit)
        rev = self._bump(m)
        cur = c.execute(
            "INSERT INTO edits (map_id, time, action, edit, inverse, description, writer) VALUES (?,?,?,?,?,?,?)",
            (m.id, _now(), "edit", _dumps(edit), _dumps(inverse), describe_edit(edit, m._labels()), self._writer),
        )
        stacks = self._stacks.get(m.id)
        if stacks is not None and stacks[0] == rev - 1:
            self._stacks[m.id] = (rev, stacks[1] + [cur.lastrowid], [])
        else:
            self._stacks.pop(m.id, None)

    def _stack(self, m: Map) -> tuple[list[int], list[int]]:
        rev = self._conn.execute("SELECT rev FROM maps WHERE id = ?", (m.id,)).fetchone()[0]
        cached = self._stacks.get(m.id)
        if cached is not None and cached[0] == rev:
            return list(cached[1]), list(cached[2])
        undo: list[int] = []
        redo: list[int] = []
        for eid, action, target in self._conn.execute(
            "SELECT id, action, target FROM edits WHERE map_id = ? ORDER BY id", (m.id,)
        ):
            if action == "edit":
                undo.append(eid)
                redo.clear()
            elif action == "undo" and undo and undo[-1] == target:
                redo.append(undo.pop())
            elif action == "redo" and redo and redo[-1] == target:
                undo.append(redo.pop())
        self._stacks[m.id] = (rev, undo, redo)
        return list(undo), list(redo)

    def _undo_redo(self, m: Map, action: str) -> tuple[dict, dict] | None:
        undo, redo = self._stack(m)
        stack = undo if action == "undo" else redo
        if not stack:
            return None
        target = stack.pop()
        edit_json, inverse_json = self._conn.execute(
            "SELECT edit, inverse FROM edits WHERE id = ?", (target,)
        ).fetchone()
        edit, inverse = json.loads(edit_json), json.loads(inverse_json)
        self._apply_sql(m, inverse if action == "undo" else edit)
        rev = self._bump(m)
        self._conn.execute(
            "INSERT INTO edits (map_id, time, action, target, edit, description, writer) VALUES (?,?,?,?,?,?,?)",
            (
                m.id,
                _now(),
                action,
                target,
                _dumps(inverse if action == "undo" else edit),
                f"{action} {describe_edit(edit, m._labels())}",
                self._writer,
            ),
        )
        if action == "undo":
            redo.append(target)
        else:
            undo.append(target)
        self._stacks[m.id] = (rev, undo, redo)
        return edit, inverse

    def undo(self, m: Map) -> tuple[dict, dict] | None:
        """Backend side of :meth:`Map.undo`: save and log the undo of the map's last edit; return (edit, inverse)."""
        return self._undo_redo(m, "undo")

    def redo(self, m: Map) -> tuple[dict, dict] | None:
        """Backend side of :meth:`Map.redo`: save and log the redo of the last undone edit; return (edit, inverse)."""
        return self._undo_redo(m, "redo")

    def can_undo(self, m: Map) -> bool:
        """Whether the map has an edit to undo."""
        with self._lock:
            return bool(self._stack(m)[0])

    def can_redo(self, m: Map) -> bool:
        """Whether the map has an undone edit to redo."""
        with self._lock:
            return bool(self._stack(m)[1])

    def history(self, m: Map) -> list[dict]:
        """The map's edit log, oldest first (see :meth:`Map.history`)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, time, action, target, description, writer, edit FROM edits WHERE map_id = ? ORDER BY id",
                (m.id,),
            ).fetchall()
        return [
            {
                "id": r[0],
                "time": r[1],
                "action": r[2],
                "target": r[3],
                "description": r[4],
                "writer": r[5],
                "edit": json.loads(r[6]),
            }
            for r in rows
        ]

    def _apply_sql(self, m: Map, edit: dict) -> None:
        c = self._conn
        op = edit["op"]
        if op == "add_alter":
            a = edit["alter"]
            if edit.get("new_alter"):
                c.execute(
                    "INSERT INTO alters (id, person_id, label, kind, relationship, is_professional, met_through) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (
                        a["id"],
                        m.person.id,
                        a["label"],
                        a["kind"],
                        a["relationship"],
                        int(a["is_professional"]),
                        a["met_through"],
                    ),
                )
            elif c.execute("SELECT person_id FROM alters WHERE id = ?", (a["id"],)).fetchone() != (m.person.id,):
                raise NotFoundError(f"alter {a['label']!r} does not belong to person {m.person.id!r}")
            q = edit["placement"]
            c.execute(
                "INSERT INTO placements (map_id, alter_id, ring, sector, angle, radius, support_received, "
                "support_given, valence, contact, note, reviewed) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (map_id, alter_id) DO UPDATE SET ring = excluded.ring, sector = excluded.sector, "
                "angle = excluded.angle, radius = excluded.radius",
                (
                    m.id,
                    a["id"],
                    q["ring"],
                    q["sector"],
                    q["angle"],
                    q["radius"],
                    _support_text(q["support_received"]),
                    _support_text(q["support_given"]),
                    q["valence"],
                    q["contact"],
                    q["note"],
                    int(q.get("reviewed", 0)),
                ),
            )
            c.executemany(
                "INSERT OR IGNORE INTO ties (map_id, a, b) SELECT ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?) "
                "AND EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?)",
                [(m.id, *sorted(t), m.id, t[0], m.id, t[1]) for t in edit.get("ties", ())],
            )
        elif op == "remove_alter":
            aid = edit["alter_id"]
            c.execute("DELETE FROM ties WHERE map_id = ? AND (a = ? OR b = ?)", (m.id, aid, aid))
            c.execute("DELETE FROM placements WHERE map_id = ? AND alter_id = ?", (m.id, aid))
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
                    [int(v) if isinstance(v, bool) else v for v in af.values()] + [aid],
                )
                c.execute(
                    "UPDATE maps SET rev = rev + 1 WHERE id != ? AND id IN "
                    "(SELECT map_id FROM placements WHERE alter_id = ?)",
                    (m.id, aid),
                )
            pf = {k: v for k, v in (edit.get("placement") or {}).items() if k in _PLACEMENT_COLS}
            if pf:
                vals = [
                    _support_text(v) if k.startswith("support") else int(v) if isinstance(v, bool) else v
                    for k, v in pf.items()
                ]
                c.execute(
                    f"UPDATE placements SET {', '.join(f'{k} = ?' for k in pf)} WHERE map_id = ? AND alter_id = ?",
                    vals + [m.id, aid],
                )
        elif op == "add_tie":
            c.execute("INSERT OR IGNORE INTO ties (map_id, a, b) VALUES (?,?,?)", (m.id, edit["a"], edit["b"]))
        elif op == "remove_tie":
            c.execute("DELETE FROM ties WHERE map_id = ? AND a = ? AND b = ?", (m.id, edit["a"], edit["b"]))
        elif op == "add_goal":
            g = edit["goal"]
            c.execute(
                "INSERT OR REPLACE INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (?,?,?,?,?,?)",
                (g["id"], m.id, g["text"], json.dumps(g["steps"]), g["status"], json.dumps(g["alter_ids"])),
            )
        elif op == "remove_goal":
            c.execute("DELETE FROM goals WHERE id = ? AND map_id = ?", (edit["goal_id"], m.id))
        elif op == "update_goal":
            f = {k: v for k, v in edit["fields"].items() if k in _GOAL_COLS}
            c.execute(
                f"UPDATE goals SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?",
                [json.dumps(v) if isinstance(v, list) else v for v in f.values()] + [edit["goal_id"]],
            )
        elif op == "update_map":
            f = {k: v for k, v in edit["fields"].items() if k in _MAP_COLS}
            try:
                c.execute(f"UPDATE maps SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?", [*f.values(), m.id])
            except sqlite3.IntegrityError:
                raise DuplicateError(
                    f"person {m.person.id!r} already has a map labelled {f.get('label')!r}", field="label"
                ) from None
        elif op == "batch":
            for e in edit["edits"]:
                self._apply_sql(m, e)
        else:
            raise ValidationError(f"unknown edit {op!r}", field="op")


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
