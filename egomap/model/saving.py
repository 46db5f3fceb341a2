"""How a map saves: each edit built, committed through the backend, and only then applied in memory.

A mixin of :class:`~egomap.model.map.Map`: the editing methods build an edit
and its inverse and hand them to :meth:`SavingMixin._edit`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from egomap.model.backend import Backend, StaleRevision
from egomap.model.data import Alter, MapState, apply_edit, describe_edit

if TYPE_CHECKING:
    from egomap.model.person import Person

__all__ = ["SavingMixin"]


class SavingMixin:
    """Saving edits, catching up with other writers, and showing stable changes on sibling maps."""

    id: str
    person: Person
    _backend: Backend
    _st: MapState | None
    _rev: int
    _info: dict[str, Any] | None

    _state: MapState
    _labels: Callable[[], dict[str, str]]

    # ------------------------------------------------------------------ editing core
    def _edit(self, build: Callable[[], tuple[dict, dict] | None]) -> dict | None:
        """Build an edit against the saved state and commit it; then (and only then) apply it here.

        Where the backend allows it (:meth:`~egomap.model.backend.Backend.optimistic`),
        the edit is first built on the map as last read and its revision
        checked as it is saved, in one round trip; if another writer saved an
        edit meanwhile nothing is saved, and the edit is built again on the
        map as saved now (read under lock).
        """
        try:
            return self._save(build, careful=False)
        except StaleRevision:
            return self._save(build, careful=True)

    def _save(self, build: Callable[[], tuple[dict, dict] | None], *, careful: bool) -> dict | None:
        with self._backend.transaction():
            if careful or self._st is None or not self._backend.optimistic():
                self._catch_up()
            built = build()
            if built is None:
                return None
            edit, inverse = built
            self._rev = self._backend.commit_edit(
                self.id, self.person.id, edit, inverse, describe_edit(edit, self._labels()), self._rev, last=True
            )
        apply_edit(self._state, edit)
        self._propagate(edit)
        return edit

    def _catch_up(self) -> None:
        """Inside a transaction: reload if another writer saved an edit since this map was read."""
        rev = self._backend.map_revision(self.id)
        if rev != self._rev or self._st is None:
            self._st, self._rev = self._backend.load_map(self.id)
            self._info = self._st.info

    def sync_alter(self, alter: Alter) -> None:
        """Show a stable attribute change made on another map of the same person (no save: it is saved)."""
        if self._st is not None and alter.id in self._st.alters:
            self._st.alters[alter.id] = alter

    def _propagate(self, edit: Mapping) -> None:
        """Stable alter attributes are the same on every map: show a change on the other loaded maps too."""
        if edit["op"] == "update" and edit.get("alter"):
            aid = edit["alter_id"]
            for other in self._backend.sibling_maps(self):
                if other is not self:
                    other.sync_alter(self._state.alters[aid])
        elif edit["op"] == "batch":
            for e in edit["edits"]:
                self._propagate(e)

    def refresh(self, revision: int | None = None) -> None:
        """Reload from the store if another writer changed this map.

        ``revision``, when given, is the map's revision as the caller just read
        it from the store: nothing is read if it is this map's own.
        """
        if revision is not None and revision == self._rev and self._st is not None:
            return
        rev = self._backend.map_revision(self.id) if revision is None else revision
        if rev != self._rev:
            self._st, self._info = None, None
