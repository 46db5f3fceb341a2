"""The store: where persons, maps and their edit logs are kept (an SQLite file by default).

Every editing call on a map is committed to the store file before it returns
(WAL journal, ``synchronous=FULL``), so a crash or a killed kernel loses no
edit that was acknowledged. Each map has an append-only edit log that backs
``undo()`` and ``redo()``, which therefore survive closing and reopening the
store. Several processes may write to one store file at once: writes are
serialised by SQLite (``BEGIN IMMEDIATE`` with a busy timeout), a map whose
rows another writer changed is reloaded before the next edit is applied, and
the later write wins.

:class:`Store` is the narrow interface; everything SQLite-specific lives in
:mod:`egomap.store.sqlite`, so that another engine is one new module beside it.

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

import os
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from egomap import fields as _f
from egomap.errors import DuplicateError, NotFoundError
from egomap.model import Alter, Map, Person
from egomap.store.backend import StoreBackendMixin
from egomap.store.engine import Engine
from egomap.store.location import check_location, default_store_path, is_database_url
from egomap.store.sqlite import APPLICATION_ID, SCHEMA_VERSION, SQLiteEngine
from egomap.store.sqlite.damage import DamageGuard
from egomap.store.tables import activity_columns, activity_rows, check_columns, owner_reads

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Store",
    "open_store",
    "default_store_path",
    "check_location",
    "is_database_url",
    "SCHEMA_VERSION",
    "APPLICATION_ID",
]


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open (or create) a store.

    Parameters
    ----------
    path : str or path, optional
        The SQLite file, or a ``postgresql://`` (or ``postgres://``) URL of a
        team store on a PostgreSQL server (needs psycopg 3:
        ``pip install -e ".[postgres]"``). Default: :func:`default_store_path`.

    Returns
    -------
    Store

    Raises
    ------
    NotAStoreError
        If the file exists but is not an egomap store.
    StoreError
        If ``path`` is a URL of another database (``mysql://...``), or the
        PostgreSQL server cannot be reached; nothing is created, and the
        message never shows a password.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
    >>> store.info()["persons"]
    0
    >>> store.close()
    """
    check_location(path)
    return Store(default_store_path() if path is None else path)


class Store(StoreBackendMixin):
    """An egomap store: one SQLite file, or a team's PostgreSQL database. Use :func:`open_store` to get one.

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
        if is_database_url(path):
            from egomap.store.postgres import PostgresEngine

            self._engine: Engine = PostgresEngine(str(path).strip(), upto=_upto)
        else:  # a damaged file: a StoreError saying so and how to recover, from any call
            self._engine = cast("Engine", DamageGuard(SQLiteEngine(path, upto=_upto)))
        #: The store file, or the server's URL without its password (``postgresql://user@host:port/db``).
        self.path: Path | str = self._engine.path
        self._maps: weakref.WeakValueDictionary[str, Map] = weakref.WeakValueDictionary()
        self._touched: set[str] = set()

    @property
    def _conn(self) -> Any:
        """The engine's connection, SQLite or psycopg (for tests and debugging only)."""
        return self._engine.conn

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        return self._engine.schema_version()

    def close(self) -> None:
        """Close the store file (again: nothing happens). Using the store or its maps afterwards raises StoreError."""
        self._engine.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<egomap Store {str(self.path)!r}>"

    # ------------------------------------------------------------------ transactions
    def transaction(self) -> Any:
        """A write transaction (a context manager); nested ones, and those inside :meth:`batch`, join the outer one."""
        return self._engine.transaction()

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
        if self._engine.in_transaction:
            with self._engine.transaction():
                yield self
            return
        before = set(self._maps.keys())
        self._touched = set()
        try:
            with self._engine.transaction():
                yield self
        except BaseException:
            for map_id in self._touched & before:
                m = self._maps.get(map_id)
                if m is not None:
                    try:
                        m.refresh()
                    except NotFoundError:
                        pass
            raise
        finally:
            self._touched = set()

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
        self._engine.insert_person(_person_row(p))
        return p

    def _person(self, row: Mapping[str, Any]) -> Person:
        return Person(
            row["id"],
            row["display_name"],
            consent_keep=bool(row["consent_keep"]),
            consent_research=bool(row["consent_research"]),
            created=row["created"],
            backend=self,
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
        pid = _f.check_person_id(id)
        if create and pid not in self.person_ids():
            try:
                return self.add_person(pid)
            except DuplicateError:  # another kernel added them just now
                pass
        row = self._engine.person_row(pid)
        if row is None:
            raise NotFoundError(f"no person {pid!r} in the store {str(self.path)!r}")
        return self._person(row)

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
        return [self._person(r) for r in self._engine.person_rows()]

    def person_ids(self) -> list[str]:
        """The ids of all persons, sorted."""
        return self._engine.person_ids()

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
        self._engine.delete_person(_f.check_person_id(id))

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
            alters.update({a.id: a for a in m.alters})
        with self._engine.transaction():
            self._engine.insert_person(_person_row(person))
            self._engine.insert_alters(person.id, list(alters.values()))
            handle = self._person(_person_row(person))
            for i, m in enumerate(maps):  # the person is new: no other map to check labels against
                state = m.state()
                copy = Map(
                    id=m.id,
                    person=handle,
                    label=m.label,
                    date=m.date.isoformat() if m.date else None,
                    rings=m.rings,
                    sectors=m.sectors,
                    resource_scheme=m.resource_scheme,
                    notes=m.notes,
                    copied_from=m.copied_from,
                    created=m.created,
                    backend=self,
                    seq=i,
                    state=state,
                )
                self.create_map(handle, copy, state, None)
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
        cached = self._maps.get(map_id)
        if cached is not None:
            return cached
        pid = self._engine.map_person(map_id)
        if pid is None:
            raise NotFoundError(f"no map with id {map_id!r} in the store")
        return self.person(pid).map(map_id)

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
        return {"path": str(self.path), "schema_version": self.schema_version, **self._engine.counts()}

    # ------------------------------------------------------------------ whole tables, for cohort analyses
    def read_maps(self) -> pd.DataFrame:
        """Every map, one row each, ordered by person, date and order of making.

        Columns: ``map_id``, ``person_id``, ``map_label``, ``map_date``,
        ``rings`` and ``sectors`` (the schemes as JSON text: few distinct values, cheap
        to group by), ``consent_research`` (bool), ``resource_scheme`` (JSON
        text; missing for egomap's own default scheme, :data:`egomap.resource_schemes.BUILTIN_RESOURCES`).

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = store.add_person("R-1").new_map("Baseline", date="2026-01-12")
        >>> store.read_maps()[["person_id", "map_label", "map_date"]].values.tolist()
        [['R-1', 'Baseline', '2026-01-12']]
        >>> store.close()
        """
        import pandas as pd

        cols = [
            "map_id",
            "person_id",
            "map_label",
            "map_date",
            "rings",
            "sectors",
            "consent_research",
            "resource_scheme",
        ]
        df = pd.DataFrame(self._engine.read_maps(), columns=cols)
        df["consent_research"] = df["consent_research"].astype(bool)
        return df

    def count_rows(self, table: str, map_ids: Sequence[str] | None = None) -> int:
        """How many rows :meth:`read_table` would read (for a progress bar)."""
        return self._engine.count_rows(table, map_ids)

    def read_table(
        self,
        table: str,
        columns: Sequence[str],
        map_ids: Sequence[str] | None = None,
        *,
        on_rows: Callable[[int], None] | None = None,
    ) -> pd.DataFrame:
        """One table's rows for some maps (or all), with the columns asked for.

        Parameters
        ----------
        table : {"placements", "ties", "resources"}
            ``placements`` may name any placement or alter attribute of the
            vocabulary (:mod:`egomap.fields`) plus ``map_id``, ``alter_id`` and
            ``met_through_activity`` (0/1: ``met_through`` names an activity);
            ``ties`` has ``map_id``, ``a``, ``b`` and ``types`` (a tie's types,
            comma-separated); ``resources`` has ``map_id``, ``item`` and
            ``alter_id`` (one row per item asked and alter; ``""`` for no one).
        columns : sequence of str
        map_ids : sequence of str, optional
            The maps to read; all maps if not given.
        on_rows : callable, optional
            Called with the number of rows read after each chunk (progress bars).

        Returns
        -------
        pandas.DataFrame
            Values as the store keeps them (support types as comma-separated text).

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> m = store.add_person("R-1").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household", known_for="more than 5 years")
        >>> store.read_table("placements", ["ring", "kind", "known_for"]).values.tolist()
        [[0, 'person', 'more than 5 years']]
        >>> store.close()
        """
        import pandas as pd

        cols = check_columns(table, columns)
        read = owner_reads(self._engine, table, cols)
        rows = self._engine.read_rows(table, read or cols, map_ids, on_rows)
        return pd.DataFrame(rows if read is None else activity_rows(rows, read, cols), columns=cols)

    def read_columns(self, table: str, columns: Sequence[str], map_ids: Sequence[str] | None = None) -> dict:
        """The columns of :meth:`read_table` as numpy arrays, read fast and in little memory (cohort measures).

        Returns a dict ``column -> array``, all in one row order: ``ring`` and
        ``is_professional`` as int64, other columns (ids too) as UTF-8 bytes
        (``dtype 'S<n>'``; missing text is ``b""``); see
        :meth:`egomap.store.engine.Engine.read_columns`.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = store.add_person("R-1").new_map("Baseline").add_alter("Mum", ring=0, sector="household")
        >>> {k: v.tolist() for k, v in store.read_columns("placements", ["ring", "sector", "kind"]).items()}
        {'ring': [0], 'sector': [b'household'], 'kind': [b'person']}
        >>> store.close()
        """
        cols = check_columns(table, columns)
        read = owner_reads(self._engine, table, cols)
        got = self._engine.read_columns(table, read or cols, map_ids)
        return got if read is None else activity_columns(got, cols)


def _person_row(p: Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "display_name": p.display_name,
        "consent_keep": p.consent_keep,
        "consent_research": p.consent_research,
        "created": p.created,
    }
