"""What maps and persons call on a store: the :class:`~egomap.model.Backend` side of :class:`~egomap.store.Store`.

Each call goes to the engine (:mod:`egomap.store.sqlite`); the store keeps
only the identity map (one :class:`~egomap.model.Map` object per map id, held
weakly) and which maps an open batch has touched.
"""

from __future__ import annotations

import functools
import json
import weakref
from collections.abc import Mapping, Sequence

from egomap import resource_schemes as _resource_schemes
from egomap import schemes as _schemes
from egomap.model import Alter, Map, MapState, Person
from egomap.store.engine import Engine, MapWatch

__all__ = ["StoreBackendMixin"]


class StoreBackendMixin:
    """The backend calls of a store (see :class:`egomap.model.Backend`)."""

    _engine: Engine
    _maps: weakref.WeakValueDictionary[str, Map]
    _touched: set[str]

    def watch(self) -> MapWatch:
        """Watch for maps that other writers (another kernel, another practitioner) change.

        Returns an object with ``poll(timeout=0.0)``: the ids of the maps
        changed since the last call (on PostgreSQL from ``LISTEN``/``NOTIFY``,
        only maps this login may see; on SQLite from ``PRAGMA data_version``),
        and ``close()``. The map widget uses it to show another session's
        edits; see :mod:`egomap.store.sqlite.watch` for an example.
        """
        return self._engine.watch()

    def update_person(self, p: Person, fields: dict) -> None:
        """Save changed person attributes."""
        if fields:
            self._engine.update_person(p.id, fields)

    def person_alters(self, p: Person) -> dict[str, Alter]:
        """Every alter of the person (on any map), by id."""
        return self._engine.person_alters(p.id)

    def sibling_maps(self, m: Map) -> list[Map]:
        """The loaded maps of the same person (so stable alter changes show on all of them)."""
        return [x for x in list(self._maps.values()) if x.person.id == m.person.id]

    def person_maps(self, p: Person) -> list[Map]:
        """The person's maps in time order; a map's contents are read when first used."""
        out = []
        for row in self._engine.map_rows(p.id):
            m = self._maps.get(row["id"])
            if m is None:
                m = Map(
                    id=row["id"],
                    person=p,
                    label=row["label"],
                    date=row["date"],
                    notes=row["notes"],
                    rings=_schemes.RingScheme.from_dict(json.loads(row["rings"])),
                    sectors=_schemes.SectorScheme.from_dict(json.loads(row["sectors"])),
                    resource_scheme=_resource_scheme(row["resource_scheme"]),
                    copied_from=row["copied_from"],
                    created=row["created"],
                    backend=self,
                    seq=row["seq"],
                    rev=row["rev"],
                )
                self._maps[m.id] = m
            else:
                m.refresh(row["rev"])
            out.append(m)
        return out

    def create_map(self, p: Person, m: Map, state: MapState, copy_from: Map | None) -> None:
        """Save a new map (with everything already on it, e.g. copied forward)."""
        row = {
            "id": m.id,
            "label": m.label,
            "date": m.date.isoformat() if m.date else None,
            "notes": m.notes,
            "rings": m.rings.to_dict(),
            "sectors": m.sectors.to_dict(),
            # egomap's own default scheme is kept as NULL (its wording is frozen): 3.8 KB less per map
            "resource_scheme": None
            if m.resource_scheme == _resource_schemes.BUILTIN_RESOURCES
            else m.resource_scheme.to_dict(),
            "copied_from": m.copied_from,
            "created": m.created,
        }
        desc = f"new map {m.label!r}" + (f" copied from {copy_from.label!r}" if copy_from else "")
        self._engine.insert_map(p.id, row, state, desc)
        self._maps[m.id] = m

    def remove_map(self, p: Person, m: Map, log_to: Map | None, record: dict, description: str) -> None:
        """Delete map ``m`` (its placements, ties, goals and edit log); log the removal in ``log_to``'s edit log."""
        self._engine.delete_map(m.id, log_to.id if log_to is not None else None, record, description)
        self._maps.pop(m.id, None)
        self._touched.discard(m.id)

    def map_revision(self, map_id: str) -> int:
        """The map's saved revision (NotFoundError if it is gone)."""
        m = self._maps.get(map_id)
        return self._engine.map_revision(map_id, m.label if m is not None else "")

    def load_map(self, map_id: str) -> tuple[MapState, int]:
        """Everything on the map as saved, and its revision."""
        return self._engine.load_map(map_id)

    def optimistic(self) -> bool:
        """Whether a map may build an edit on what it last read (the engine checks the revision as it saves)."""
        return self._engine.optimistic()

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
        """Save one edit and its inverse (and log it) against revision ``expected``; return the new revision."""
        rev = self._engine.commit_edit(map_id, person_id, edit, inverse, description, expected, last=last)
        self._touched.add(map_id)
        return rev

    def undo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int
    ) -> tuple[dict, dict, int] | None:
        """Save and log the undo of the map's last edit; return (edit, inverse, new revision), or None."""
        done = self._engine.undo_redo(map_id, person_id, labels, expected, "undo")
        self._touched.add(map_id)
        return done

    def redo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int
    ) -> tuple[dict, dict, int] | None:
        """Save and log the redo of the last undone edit; return (edit, inverse, new revision), or None."""
        done = self._engine.undo_redo(map_id, person_id, labels, expected, "redo")
        self._touched.add(map_id)
        return done

    def can_undo(self, map_id: str, revision: int) -> bool:
        """Whether the map has an edit to undo."""
        return self._engine.can_undo_redo(map_id, revision)[0]

    def can_redo(self, map_id: str, revision: int) -> bool:
        """Whether the map has an undone edit to redo."""
        return self._engine.can_undo_redo(map_id, revision)[1]

    def history(self, map_id: str) -> list[dict]:
        """The map's edit log, oldest first (see :meth:`Map.history`)."""
        return self._engine.history(map_id)

    def import_maps(self, person_id: str, maps: Sequence[Map]) -> list[Map]:
        """Save whole maps made elsewhere (a later wave of an import) as new maps of a person in the store.

        Map and alter ids are kept; alters not yet in the store are added. One
        transaction: on any error nothing is saved.

        Raises
        ------
        NotFoundError
            If the person is not in the store.
        DuplicateError
            If a map id or label is taken, or a new alter's id is used by another person.

        Examples
        --------
        >>> import egomap as em, tempfile, os
        >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> _ = store.add_person("R-9").new_map("Baseline", date="2026-01-05")
        >>> later = em.Person("R-9").new_map("6 months", date="2026-07-05")
        >>> _ = later.add_alter("Mum", ring=0, sector="household")
        >>> [m.label for m in store.import_maps("R-9", [later])], [m.label for m in store.person("R-9").maps]
        (['6 months'], ['Baseline', '6 months'])
        >>> store.close()
        """
        handle = self.person(person_id)  # type: ignore[attr-defined]  # Store.person
        with self._engine.transaction():
            known = set(handle.alters_by_id())
            new: dict[str, Alter] = {}
            for m in maps:
                new.update({a.id: a for a in m.alters if a.id not in known})
            self._engine.insert_alters(person_id, list(new.values()))
            return [
                handle.add_map(
                    m.state(),
                    id=m.id,
                    rings=m.rings,
                    sectors=m.sectors,
                    created=m.created,
                    resources=m.resource_scheme,
                )
                for m in maps
            ]


@functools.lru_cache(maxsize=64)
def _resource_scheme(text: str | None) -> _resource_schemes.ResourceScheme:
    """A map's resource scheme as stored (JSON); NULL is egomap's built-in default scheme."""
    return (
        _resource_schemes.BUILTIN_RESOURCES
        if text is None
        else _resource_schemes.ResourceScheme.from_dict(json.loads(text))
    )
