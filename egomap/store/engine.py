"""What a storage engine must offer :class:`~egomap.store.Store`: the whole of the narrow interface.

:class:`egomap.store.sqlite.SQLiteEngine` is the one engine today. Another
(PostgreSQL) is one package beside it that implements these calls with the
same guarantees: every write inside :meth:`Engine.transaction` is committed
when the outermost transaction ends (or nothing is); :meth:`Engine.commit_edit`
and :meth:`Engine.undo_redo` write only if the map is at the revision the
caller expects, and return the new one; reads return plain data and model
records (:class:`~egomap.model.MapState`, :class:`~egomap.model.Alter`), never
a :class:`~egomap.model.Map`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from egomap.model import Alter, MapState

__all__ = ["Engine", "MapWatch"]


class MapWatch(Protocol):
    """What :meth:`Engine.watch` gives: which maps other writers changed (PostgreSQL ``LISTEN``, SQLite ``data_version``)."""

    def poll(self, timeout: float = 0.0) -> set[str]:
        """Ids of maps changed since the last call (that the role may see); waits up to ``timeout`` s for the first."""
        ...

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        ...

    def close(self) -> None:
        """Stop watching."""
        ...


class Engine(Protocol):
    """The calls a :class:`~egomap.store.Store` makes on its engine."""

    #: The store file, or for a server a URL without its password.
    path: Path | str

    @property
    def in_transaction(self) -> bool:
        """Whether a write transaction of this engine is open."""
        ...

    def transaction(self) -> AbstractContextManager[Any]:
        """A write transaction; nested ones join the outer one."""
        ...

    def schema_version(self) -> int:
        """The schema version of the store."""
        ...

    def close(self) -> None:
        """Close; any later use raises StoreError."""
        ...

    def watch(self) -> MapWatch:
        """A new watch, on its own connection, for maps that any writer changes from now on."""
        ...

    # persons
    def insert_person(self, row: Mapping[str, Any]) -> None: ...
    def person_row(self, pid: str) -> dict[str, Any] | None: ...
    def person_rows(self) -> list[dict[str, Any]]: ...
    def person_ids(self) -> list[str]: ...
    def update_person(self, pid: str, fields: Mapping[str, Any]) -> None: ...
    def delete_person(self, pid: str) -> None: ...
    def person_alters(self, pid: str) -> dict[str, Alter]: ...
    def insert_alters(self, pid: str, alters: Sequence[Alter]) -> None: ...

    # maps and their edit logs
    def map_rows(self, pid: str) -> list[dict[str, Any]]: ...
    def map_person(self, map_id: str) -> str | None: ...
    def map_revision(self, map_id: str, label: str = "") -> int: ...
    def load_map(self, map_id: str) -> tuple[MapState, int]: ...
    def insert_map(self, pid: str, row: Mapping[str, Any], state: MapState, description: str) -> None: ...
    def delete_map(self, map_id: str, log_to: str | None, record: Mapping[str, Any], description: str) -> None: ...
    def optimistic(self) -> bool: ...
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
    ) -> int: ...
    def undo_redo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int, action: str
    ) -> tuple[dict, dict, int] | None: ...
    def can_undo_redo(self, map_id: str, revision: int) -> tuple[bool, bool]: ...
    def history(self, map_id: str) -> list[dict]: ...

    # whole tables, for cohort analyses
    def counts(self) -> dict[str, int]: ...
    def read_maps(self) -> list[tuple]: ...
    def read_rows(
        self,
        table: str,
        columns: Sequence[str],
        map_ids: Sequence[str] | None,
        on_rows: Callable[[int], None] | None = None,
    ) -> list[tuple]: ...
    def count_rows(self, table: str, map_ids: Sequence[str] | None) -> int: ...
    def read_columns(self, table: str, columns: Sequence[str], map_ids: Sequence[str] | None) -> dict[str, Any]:
        """Whole columns of ``placements``, ``ties`` or ``resources`` as numpy arrays, for the cohort measures.

        The same rows and columns as :meth:`read_rows` (``placements`` may name
        ``map_id``, ``alter_id``, any placement or alter attribute of the
        vocabulary, and on a researcher's team store ``met_through_activity``
        (the store computes it from ``met_through`` for everyone else);
        ``ties``: ``map_id``, ``a``, ``b``, ``types``; ``resources``:
        ``map_id``, ``item``, ``alter_id``, ``""`` for no one; only the maps in
        ``map_ids`` when given, else every map the role may read -- for a
        researcher, the pseudonymised research views), returned as a dict
        ``column -> 1-d numpy array``, every array in one and the same row
        order (any order). Integer and boolean columns (``ring``,
        ``is_professional``) are ``int64`` (NULL: -1), ``angle`` and ``radius``
        ``float64`` (every digit kept); every other column,
        ids included, is a numpy bytes array (dtype ``S<n>``) of the UTF-8
        text, NULL read as ``b""``. Ids must be those :meth:`read_maps` gives
        (pseudonyms on the research views), so that the caller can match them.
        The point is speed and memory: one query per table, no Python object
        per row (SQLite: one ``group_concat`` per column; PostgreSQL could use
        binary ``COPY`` or ``string_agg``).
        """
        ...
