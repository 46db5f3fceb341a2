"""Where a map's and a person's edits go: the :class:`Backend` interface, and :class:`MemoryBackend`.

A backend loads and returns state, and commits edits; it never writes into
a :class:`~egomap.model.map.Map`. A map asks it, inside one
:meth:`~Backend.transaction`, for the revision the store has
(:meth:`~Backend.map_revision`), reloads itself if that is not the revision
it was read at (:meth:`~Backend.load_map`), builds its edit against that
state and commits it against the same revision (:meth:`~Backend.commit_edit`,
which returns the new revision). :class:`egomap.store.Store` is the backend
that saves; :class:`MemoryBackend` keeps everything in memory.

Examples
--------
>>> import egomap as em
>>> p = em.Person("R-040")                     # an in-memory person: a MemoryBackend of its own
>>> m = p.new_map("Baseline")
>>> _ = m.add_alter("Mum", ring=0, sector="household")
>>> m.revision, m.can_undo
(1, True)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from egomap.errors import NotFoundError, SaveError
from egomap.model.data import Alter, MapState, describe_edit, now

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model.map import Map
    from egomap.model.person import Person

__all__ = ["Backend", "MemoryBackend", "StaleRevision"]


class StaleRevision(SaveError):
    """Another writer saved an edit on the map since it was read: nothing was saved; build the edit again."""


class Backend(Protocol):
    """What a :class:`~egomap.model.map.Map` and a :class:`~egomap.model.person.Person` need from where they are kept."""

    def transaction(self) -> Any:
        """A write transaction (a context manager); nested ones join the outer one."""
        ...

    def optimistic(self) -> bool:
        """Inside a transaction: whether an edit may be built on the map as last read.

        True when a stale map costs little to detect: :meth:`commit_edit`
        checks the revision as it saves and raises :class:`StaleRevision`,
        and the map builds the edit again. False: the map reads the revision
        first (:meth:`map_revision`).
        """
        ...

    def map_revision(self, map_id: str) -> int:
        """The map's revision as saved (raises NotFoundError if the map is gone)."""
        ...

    def load_map(self, map_id: str) -> tuple[MapState, int]:
        """Everything on the map as saved, and its revision."""
        ...

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
        """Save one edit and its inverse (and log it) if the map is at revision ``expected``; return the new one.

        ``last`` says nothing more is done in the caller's transaction after
        this edit: if that transaction is the outermost one, a backend may end
        it here (a team store sends its COMMIT with the edit, saving a round trip).
        """
        ...

    def undo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int
    ) -> tuple[dict, dict, int] | None:
        """Save and log the undo of the map's last edit; return (edit, inverse, new revision), or None."""
        ...

    def redo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int
    ) -> tuple[dict, dict, int] | None:
        """Save and log the redo of the last undone edit; return (edit, inverse, new revision), or None."""
        ...

    def can_undo(self, map_id: str, revision: int) -> bool:
        """Whether the map (read at ``revision``) has an edit to undo."""
        ...

    def can_redo(self, map_id: str, revision: int) -> bool:
        """Whether the map (read at ``revision``) has an undone edit to redo."""
        ...

    def history(self, map_id: str) -> list[dict]:
        """The map's edit log, oldest first (see :meth:`Map.history`)."""
        ...

    def person_maps(self, p: Person) -> list[Map]:
        """The person's maps in time order (handles; their contents may load on first use)."""
        ...

    def create_map(self, p: Person, m: Map, state: MapState, copy_from: Map | None) -> None:
        """Save a new map with everything already on it (e.g. copied forward)."""
        ...

    def update_person(self, p: Person, fields: dict) -> None:
        """Save changed person attributes."""
        ...

    def person_alters(self, p: Person) -> dict[str, Alter]:
        """Every alter of the person (on any map), by id."""
        ...

    def sibling_maps(self, m: Map) -> list[Map]:
        """The loaded maps of the same person (so stable alter changes show on all of them)."""
        ...

    def remove_map(self, p: Person, m: Map, log_to: Map | None, record: dict, description: str) -> None:
        """Remove map ``m`` of ``p`` (with its edit log); note the removal, with ``record``, in ``log_to``'s log."""
        ...


class MemoryBackend:
    """Keeps persons and maps in memory only; undo and redo are kept per map."""

    def __init__(self) -> None:
        self._log: dict[str, list[dict]] = {}
        self._undo: dict[str, list[tuple[dict, dict]]] = {}
        self._redo: dict[str, list[tuple[dict, dict]]] = {}
        self._maps: dict[str, list[Map]] = {}
        self._revs: dict[str, int] = {}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Nothing to open in memory."""
        yield

    def optimistic(self) -> bool:
        """No: in memory the revision is read at no cost."""
        return False

    def map_revision(self, map_id: str) -> int:
        """The map's revision (the number of edits, undos and redos)."""
        return self._revs.get(map_id, 0)

    def load_map(self, map_id: str) -> tuple[MapState, int]:  # pragma: no cover - maps in memory never reload
        """In memory the map itself holds its state; there is nothing to load."""
        raise NotFoundError(f"map {map_id!r} is kept in memory only")

    def _bump(self, map_id: str) -> int:
        self._revs[map_id] = self._revs.get(map_id, 0) + 1
        return self._revs[map_id]

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
        """Keep one edit and its inverse for undo, and log it."""
        self._undo.setdefault(map_id, []).append((edit, inverse))
        self._redo[map_id] = []
        self._log.setdefault(map_id, []).append(
            {"time": now(), "action": "edit", "edit": edit, "description": description}
        )
        return self._bump(map_id)

    def _move(self, map_id: str, labels: Mapping[str, str], action: str) -> tuple[dict, dict, int] | None:
        src, dst = (self._undo, self._redo) if action == "undo" else (self._redo, self._undo)
        stack = src.get(map_id)
        if not stack:
            return None
        edit, inverse = stack.pop()
        dst.setdefault(map_id, []).append((edit, inverse))
        self._log[map_id].append(
            {
                "time": now(),
                "action": action,
                "edit": inverse if action == "undo" else edit,
                "description": describe_edit(edit, labels),
            }
        )
        return edit, inverse, self._bump(map_id)

    def undo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int
    ) -> tuple[dict, dict, int] | None:
        """Undo the map's last edit; return (edit, inverse, new revision)."""
        return self._move(map_id, labels, "undo")

    def redo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int
    ) -> tuple[dict, dict, int] | None:
        """Redo the last undone edit; return (edit, inverse, new revision)."""
        return self._move(map_id, labels, "redo")

    def can_undo(self, map_id: str, revision: int) -> bool:
        """Whether the map has an edit to undo."""
        return bool(self._undo.get(map_id))

    def can_redo(self, map_id: str, revision: int) -> bool:
        """Whether the map has an undone edit to redo."""
        return bool(self._redo.get(map_id))

    def history(self, map_id: str) -> list[dict]:
        """The map's edit log, oldest first (see :meth:`Map.history`)."""
        return list(self._log.get(map_id, []))

    def person_maps(self, p: Person) -> list[Map]:
        """The person's maps in time order."""
        return list(self._maps.get(p.id, []))

    def create_map(self, p: Person, m: Map, state: MapState, copy_from: Map | None) -> None:
        """Keep a new map (it holds its own state)."""
        self._maps.setdefault(p.id, []).append(m)
        self._maps[p.id].sort(key=lambda x: (x.date.isoformat() if x.date else "9999-99-99", x.seq))

    def remove_map(self, p: Person, m: Map, log_to: Map | None, record: dict, description: str) -> None:
        """Forget map ``m`` and its undo stacks; note the removal in ``log_to``'s log."""
        maps = self._maps.get(p.id, [])
        if not any(x.id == m.id for x in maps):
            raise NotFoundError(f"map {m.label!r} is no longer kept for person {p.id!r}")
        self._maps[p.id] = [x for x in maps if x.id != m.id]
        for d in (self._log, self._undo, self._redo, self._revs):
            d.pop(m.id, None)
        if log_to is not None:
            self._log.setdefault(log_to.id, []).append(
                {"time": now(), "action": "remove_map", "edit": record, "description": description}
            )

    def update_person(self, p: Person, fields: dict) -> None:
        """Nothing to save in memory."""

    def sibling_maps(self, m: Map) -> list[Map]:
        """The maps of the same person."""
        return list(self._maps.get(m.person.id, []))

    def person_alters(self, p: Person) -> dict[str, Alter]:
        """Every alter of the person (on any map), by id."""
        out: dict[str, Alter] = {}
        for m in self._maps.get(p.id, []):
            out.update({a.id: a for a in m.alters})
        return out
