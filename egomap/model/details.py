"""Ties, goals, the map's own details, and undo: the editing methods a :class:`~egomap.model.map.Map` mixes in.

The methods here use the map's editing core (``_edit``, ``_resolve``,
``_state``) and nothing else; see :mod:`egomap.model.map`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from egomap import fields as _f
from egomap.errors import DuplicateError, NotFoundError, ValidationError
from egomap.model.backend import Backend
from egomap.model.data import (
    Alter,
    Goal,
    MapState,
    Tie,
    apply_edit,
    describe_edit,
    new_id,
    resource_items,
    tie_entries,
    tie_types,
)

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model.person import Person

__all__ = ["MapDetailsMixin"]


class MapDetailsMixin:
    """Editing of ties, goals and map details (label, date, notes)."""

    id: str
    label: str
    person: Person
    _state: MapState
    _edit: Callable[..., dict | None]
    _resolve: Callable[..., str]
    goal: Callable[..., Goal]
    _backend: Backend
    _rev: int
    _catch_up: Callable[[], None]
    _labels: Callable[[], dict[str, str]]
    _propagate: Callable[..., None]
    has_tie: Callable[..., bool]

    # ------------------------------------------------------------------ ties
    def _tie_ids(self, a: Alter | str, b: Alter | str) -> tuple[str, str]:
        x, y = self._resolve(a), self._resolve(b)
        if x == y:
            raise ValidationError(
                f"an alter cannot be tied to themself ({self._state.alters[x].label!r})", field="tie", value=x
            )
        return x, y

    def add_tie(self, a: Alter | str, b: Alter | str, *, types: Iterable[str] | str | None = None) -> Tie:
        """Record that ``a`` and ``b`` know each other (no-op if already tied).

        Parameters
        ----------
        a, b : Alter or str
            Two different alters on this map (Alter, id or label).
        types : iterable of str, optional
            The tie's types (short names, e.g. Network Canvas edge types
            ``{"Close", "DrugTie"}``); none for a tie drawn in egomap. If the
            tie exists already, its types are left as they are (see
            :meth:`set_tie_types`).

        Returns
        -------
        Tie

        Raises
        ------
        NotFoundError
            If either alter is not on this map.
        ValidationError
            If ``a`` and ``b`` are the same alter, or a type name is not one line of text.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-011").new_map("Baseline")
        >>> mum = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.add_alter("Gran", ring=1, sector="family")
        >>> _ = m.add_tie(mum, "Gran", types={"Close"})
        >>> m.has_tie("Gran", "Mum"), sorted(m.tie_types("Gran", "Mum"))
        (True, ['Close'])
        >>> m.add_tie(mum, "Mum")
        Traceback (most recent call last):
        ...
        egomap.errors.ValidationError: an alter cannot be tied to themself ('Mum')
        """
        clean = _f.field("tie", "types").clean(types)

        def build():
            x, y = self._tie_ids(a, b)
            t = Tie.of(x, y)
            if t in self._state.ties:
                return None
            edit = {"op": "add_tie", "a": t.a, "b": t.b}
            if clean:
                edit["types"] = sorted(clean)
            return edit, {"op": "remove_tie", "a": t.a, "b": t.b}

        self._edit(build)
        return Tie.of(*self._tie_ids(a, b))

    def tie_types(self, a: Alter | str, b: Alter | str) -> frozenset[str]:
        """The types of the tie between ``a`` and ``b`` (empty if it has none, or there is no tie).

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-014").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.add_alter("Gran", ring=1, sector="family")
        >>> _ = m.add_tie("Mum", "Gran")
        >>> m.tie_types("Mum", "Gran")
        frozenset()
        """
        return tie_types(self._state, Tie.of(*self._tie_ids(a, b)))

    def set_tie_types(self, a: Alter | str, b: Alter | str, types: Iterable[str] | str | None) -> None:
        """Set the types of the tie between ``a`` and ``b`` (an edit that can be undone).

        Raises
        ------
        NotFoundError
            If either alter is not on this map, or they are not tied.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-015").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.add_alter("Gran", ring=1, sector="family")
        >>> _ = m.add_tie("Mum", "Gran", types=["Close"])
        >>> m.set_tie_types("Gran", "Mum", {"Close", "Family"})
        >>> sorted(m.tie_types("Mum", "Gran"))
        ['Close', 'Family']
        >>> m.undo()
        'set the tie types of Gran and Mum'
        >>> sorted(m.tie_types("Mum", "Gran"))
        ['Close']
        """
        clean = _f.field("tie", "types").clean(types)

        def build():
            x, y = self._tie_ids(a, b)
            t = Tie.of(x, y)
            if t not in self._state.ties:
                labels = self._state.alters[x].label, self._state.alters[y].label
                raise NotFoundError(f"{labels[0]!r} and {labels[1]!r} are not tied on map {self.label!r}")
            old = tie_types(self._state, t)
            if old == clean:
                return None
            edit = {"op": "set_tie_types", "a": t.a, "b": t.b}
            return {**edit, "types": sorted(clean)}, {**edit, "types": sorted(old)}

        self._edit(build)

    def remove_tie(self, a: Alter | str, b: Alter | str) -> None:
        """Remove the tie between ``a`` and ``b`` (no-op if there is none).

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-012").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.add_alter("Gran", ring=1, sector="family")
        >>> _ = m.add_tie("Mum", "Gran")
        >>> m.remove_tie("Gran", "Mum")
        >>> m.ties
        []
        """

        def build():
            t = Tie.of(*self._tie_ids(a, b))
            if t not in self._state.ties:
                return None
            types = sorted(tie_types(self._state, t))
            inverse = {"op": "add_tie", "a": t.a, "b": t.b, **({"types": types} if types else {})}
            return {"op": "remove_tie", "a": t.a, "b": t.b}, inverse

        self._edit(build)

    def toggle_tie(self, a: Alter | str, b: Alter | str) -> bool:
        """Add the tie if absent, remove it if present; return whether it now exists.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-013").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.add_alter("Gran", ring=1, sector="family")
        >>> m.toggle_tie("Mum", "Gran"), m.toggle_tie("Mum", "Gran")
        (True, False)
        """
        if self.has_tie(a, b):
            self.remove_tie(a, b)
            return False
        self.add_tie(a, b)
        return True

    # ------------------------------------------------------------------ goals
    def _goal_fields(self, text=None, steps=None, status=None, alters=None) -> dict:
        out: dict[str, Any] = {}
        if text is not None:
            out["text"] = _f.check_label(text, "goal text", max_len=_f.MAX_TEXT)
        if steps is not None:
            if isinstance(steps, str):
                steps = [steps]
            if not isinstance(steps, Iterable):
                raise ValidationError(f"goal steps must be a list of text, got {steps!r}", field="steps", value=steps)
            out["steps"] = [_f.check_label(s, "goal step", max_len=_f.MAX_TEXT) for s in steps]
        if status is not None:
            out["status"] = _f.check_choice(status, _f.GOAL_STATUSES, "goal status")
        if alters is not None:
            if isinstance(alters, (str, Alter)):
                alters = [alters]
            if not isinstance(alters, Iterable):
                raise ValidationError(f"goal alters must be a list of alters, got {alters!r}", field="alters")
            out["alter_ids"] = [self._resolve(a) for a in alters]
        return out

    def add_goal(
        self,
        text: str,
        steps: Iterable[str] = (),
        status: str = "open",
        alters: Iterable[Alter | str] = (),
    ) -> Goal:
        """Record a goal agreed together.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-005").new_map("Baseline")
        >>> coach = m.add_alter("Coach", ring=2, sector="clubs_groups")
        >>> g = m.add_goal("Go to the Tuesday football session", steps=["Ask about kit"], alters=[coach])
        >>> g.status
        'open'
        """

        def build():
            f = self._goal_fields(text, steps, status, alters)
            g = Goal(new_id(), f["text"], tuple(f["steps"]), f["status"], tuple(f["alter_ids"]))
            return {"op": "add_goal", "goal": g.to_dict()}, {"op": "remove_goal", "goal_id": g.id}

        edit = self._edit(build)
        assert edit is not None
        return self._state.goals[edit["goal"]["id"]]

    def update_goal(self, goal: Goal | str, **fields: Any) -> Goal:
        """Change a goal's ``text``, ``steps``, ``status`` or ``alters``.

        Parameters
        ----------
        goal : Goal or str
            The goal, its id or its text.
        **fields
            ``text`` (str), ``steps`` (list of str), ``status`` (one of
            ``GOAL_STATUSES``), ``alters`` (alters on this map).

        Returns
        -------
        Goal

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-014").new_map("Baseline")
        >>> g = m.add_goal("Go to the Tuesday football session")
        >>> m.update_goal(g, status="done").status
        'done'
        """
        unknown = set(fields) - {"text", "steps", "status", "alters"}
        if unknown:
            raise ValidationError(f"unknown goal field {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
        g = self.goal(goal)

        def build():
            f = self._goal_fields(**fields)
            old = g.to_dict()
            f = {k: v for k, v in f.items() if old[k] != v}
            if not f:
                return None
            return (
                {"op": "update_goal", "goal_id": g.id, "fields": f},
                {"op": "update_goal", "goal_id": g.id, "fields": {k: old[k] for k in f}},
            )

        self._edit(build)
        return self._state.goals[g.id]

    def remove_goal(self, goal: Goal | str) -> None:
        """Delete a goal.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-015").new_map("Baseline")
        >>> g = m.add_goal("Join a walking group")
        >>> m.remove_goal(g)
        >>> m.goals
        []
        """
        g = self.goal(goal)
        self._edit(lambda: ({"op": "remove_goal", "goal_id": g.id}, {"op": "add_goal", "goal": g.to_dict()}))

    # ------------------------------------------------------------------ one person, two alters
    def merge_alter(self, ref: Alter | str, into: Alter | str) -> Alter:
        """Record that ``ref`` on this map is the same person as ``into``, an alter from another of the person's maps.

        For maps that were not copied forward (imports from other tools give
        everyone a new id at each time point). ``ref``'s place, ties, goals,
        resources and per-map details on this map pass to ``into``, who keeps their stable
        details (name, kind, relationship); ``ref`` stops being a separate
        alter. It is one edit in this map's log: :meth:`undo` separates them again.

        Parameters
        ----------
        ref : Alter or str
            The alter on this map (Alter, id or label).
        into : Alter or str
            The same person's alter from another map (Alter or id), not on this map.

        Returns
        -------
        Alter
            ``into``, now on this map.

        Raises
        ------
        NotFoundError
            If ``ref`` is not on this map or ``into`` is not an alter of this person.
        DuplicateError
            If ``into`` is already on this map.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-040")
        >>> t1, t2 = p.new_map("T1"), p.new_map("T2")
        >>> maya = t1.add_alter("Maya", ring=2, sector="friends")
        >>> _ = t2.add_alter("maya", ring=1, sector="friends")
        >>> _ = t2.merge_alter("maya", into=maya)
        >>> [a.label for a in t2.alters], t2.placement(maya).ring
        (['Maya'], 1)
        >>> [mv.alter.label for mv in em.compare(t1, t2).moved_inward]
        ['Maya']
        >>> t2.undo()
        'merge maya into Maya'
        """

        def build():
            bid = self._resolve(ref)
            aid = into.id if isinstance(into, Alter) else into
            known = self.person.alters_by_id()
            if not isinstance(aid, str) or aid not in known:
                raise NotFoundError(f"alter {aid!r} is not an alter of person {self.person.id!r}")
            if aid in self._state.alters:
                raise DuplicateError(f"{known[aid].label!r} is already on map {self.label!r}", field="into")
            st = self._state
            old, place = st.alters[bid], st.placements[bid]
            ties = tie_entries(st, bid)
            items = resource_items(st, bid)  # who could help with what passes to ``into`` too
            moved_ties = [[aid if x == bid else x for x in t[:2]] + t[2:] for t in ties]
            goals = [g for g in st.goals.values() if bid in g.alter_ids]
            elsewhere = any(bid in m.placements for m in self.person.maps if m.id != self.id)
            edit_goals, undo_goals = [], []
            for g in goals:
                ids = [aid if x == bid else x for x in g.alter_ids]
                edit_goals.append({"op": "update_goal", "goal_id": g.id, "fields": {"alter_ids": ids}})
                undo_goals.append({"op": "update_goal", "goal_id": g.id, "fields": {"alter_ids": list(g.alter_ids)}})
            placed = {**place.to_dict(), "alter_id": aid}
            description = f"merge {old.label} into {known[aid].label}"
            edit = {
                "op": "batch",
                "description": description,
                "edits": [
                    *edit_goals,
                    {"op": "remove_alter", "alter_id": bid, "drop_alter": not elsewhere},
                    {
                        "op": "add_alter",
                        "alter": known[aid].to_dict(),
                        "placement": placed,
                        "ties": moved_ties,
                        "resources": items,
                    },
                ],
            }
            inverse = {
                "op": "batch",
                "description": f"separate {old.label} from {known[aid].label}",
                "edits": [
                    {"op": "remove_alter", "alter_id": aid, "drop_alter": False},
                    {
                        "op": "add_alter",
                        "alter": old.to_dict(),
                        "placement": place.to_dict(),
                        "ties": ties,
                        "resources": items,
                        "new_alter": not elsewhere,
                    },
                    *undo_goals,
                ],
            }
            return edit, inverse

        self._edit(build)
        return self._state.alters[into.id if isinstance(into, Alter) else into]

    # ------------------------------------------------------------------ map details
    def update_map(self, *, label: str | None = None, date: object = ..., notes: str | None = None) -> None:
        """Change the map's label, date or notes.

        Parameters
        ----------
        label : str, optional
            New label, unique among the person's maps.
        date : date, str or None, optional
            New date (``None`` clears it); leave out to keep the date.
        notes : str, optional
            New notes.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-016").new_map("Baseline")
        >>> m.update_map(date="2026-01-12", notes="Met at home.")
        >>> m.date, m.notes
        (datetime.date(2026, 1, 12), 'Met at home.')
        """

        def build():
            f: dict[str, Any] = {}
            if label is not None:
                f["label"] = _f.check_label(label, "map label")
                if f["label"] != self.label and any(m.label == f["label"] for m in self.person.maps if m.id != self.id):
                    raise DuplicateError(
                        f"person {self.person.id!r} already has a map labelled {f['label']!r}", field="label"
                    )
            if date is not ...:
                f["date"] = _f.check_date(date)
            if notes is not None:
                f["notes"] = _f.check_text(notes, "notes")
            f = {k: v for k, v in f.items() if self._state.info.get(k) != v}
            if not f:
                return None
            old = {k: self._state.info.get(k) for k in f}
            return {"op": "update_map", "fields": f}, {"op": "update_map", "fields": old}

        self._edit(build)

    # ------------------------------------------------------------------ undo
    def undo(self) -> str | None:
        """Undo the last edit on this map; return what was undone (or None).

        In a store, the undo is itself saved (and logged) before this
        returns, so it survives reopening the store.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-019").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.move("Mum", ring=2)
        >>> m.undo(), m.placement("Mum").ring
        ('move Mum', 0)
        >>> m.redo(), m.placement("Mum").ring
        ('move Mum', 2)
        """
        labels = self._labels()
        with self._backend.transaction():
            self._catch_up()
            labels = self._labels()
            done = self._backend.undo(self.id, self.person.id, labels, self._rev)
            if done is None:
                return None
            edit, inverse, self._rev = done
        apply_edit(self._state, inverse)
        self._propagate(inverse)
        labels.update(self._labels())
        return describe_edit(edit, labels)

    def redo(self) -> str | None:
        """Redo the last undone edit; return what was redone (or None).

        See :meth:`undo` for an example.
        """
        with self._backend.transaction():
            self._catch_up()
            done = self._backend.redo(self.id, self.person.id, self._labels(), self._rev)
            if done is None:
                return None
            edit, _, self._rev = done
        apply_edit(self._state, edit)
        self._propagate(edit)
        return describe_edit(edit, self._labels())

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return self._backend.can_undo(self.id, self._rev)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return self._backend.can_redo(self.id, self._rev)

    def history(self) -> list[dict]:
        """The edit log of this map: one dict per edit, undo or redo, oldest first.

        Each entry has at least ``time``, ``action`` (``"edit"``, ``"undo"``,
        ``"redo"``; a store also logs ``"create"``), ``description`` and
        ``edit``; a store adds ``id``, ``target`` and ``writer``.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-020").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> [(e["action"], e["description"]) for e in m.history()]
        [('edit', 'add Mum')]
        """
        return self._backend.history(self.id)


# --------------------------------------------------------------------------- Person
