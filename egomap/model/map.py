"""A map: one time point of one person's network, and every way to edit it.

Each editing method validates its input against the vocabulary
(:mod:`egomap.fields`), builds an *edit* and its inverse, has the backend
commit it against the revision the map was read at (a store commits before
the call returns), and only then applies it to the map in memory: a failed
edit leaves both unchanged. Ties, goals and the map's own details are edited
through :class:`egomap.model.details.MapDetailsMixin`, resources and social
capital through :class:`egomap.model.resources.MapResourcesMixin`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from egomap import fields as _f
from egomap import resource_schemes as _resource_schemes
from egomap import schemes as _schemes
from egomap.errors import DuplicateError, NotFoundError, ValidationError
from egomap.model.backend import Backend
from egomap.model.data import (
    RESOURCE_LABEL,
    Alter,
    Goal,
    MapState,
    Placement,
    Tie,
    clean_attributes,
    new_id,
    now,
    own_attributes,
    resource_items,
)
from egomap.model.details import MapDetailsMixin
from egomap.model.naming import map_index
from egomap.model.placing import cell_spots, place
from egomap.model.resources import MapResourcesMixin
from egomap.model.saving import SavingMixin

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model.person import Person

__all__ = ["Map", "map_index"]

_ALTER_NAMES = _f.names("alter")
_PLACEMENT_NAMES = _f.names("placement")


class Map(SavingMixin, MapDetailsMixin, MapResourcesMixin):
    """One time point of one person's network.

    Do not construct directly: use :meth:`Person.new_map` (or get maps from a
    store). Every editing method validates its input, sends the edit to the
    backend (which, for a store, commits it before returning) and only then
    changes the map in memory: a failed edit leaves both unchanged.

    Alters can be given to any method as an :class:`Alter`, an alter id, or
    a label (which must be unique on the map).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-033").new_map("Baseline", date="2026-01-12")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> m
    <Map 'Baseline' of 'R-033', date=2026-01-12: 1 alters, 0 ties>
    >>> m.rings.name, m.sectors.name
    ('kahn_antonucci', 'social_network_map')
    """

    def __init__(
        self,
        *,
        id: str,
        person: Person,
        label: str,
        date: str | None = None,
        rings: _schemes.RingScheme,
        sectors: _schemes.SectorScheme,
        resource_scheme: _resource_schemes.ResourceScheme | None = None,
        notes: str = "",
        copied_from: str | None = None,
        created: str | None = None,
        backend: Backend,
        seq: int = 0,
        state: MapState | None = None,
        rev: int = 0,
    ) -> None:
        self.id = id
        self.person = person
        self.rings = rings
        self.sectors = sectors
        self.resource_scheme = resource_scheme or _resource_schemes.resource_scheme(_resource_schemes.DEFAULT_RESOURCES)
        self.copied_from = copied_from
        self.created = created or now()
        self.seq = seq
        self._backend = backend
        self._rev = rev
        self._st: MapState | None = state
        self._info: dict[str, Any] | None = {"label": label, "date": date, "notes": notes}
        if state is not None and not state.info:
            state.info.update(self._info)

    @property
    def _details(self) -> dict[str, Any]:
        """Label, date and notes: from the loaded state, else as read when the handle was made."""
        if self._st is not None or self._info is None:
            return self._state.info
        return self._info

    @property
    def _state(self) -> MapState:
        """The map's data, loaded from the backend on first use (and again after another writer changed it)."""
        if self._st is None:
            self._st, self._rev = self._backend.load_map(self.id)
            self._info = self._st.info
        return self._st

    @property
    def revision(self) -> int:
        """How many edits the store has saved on this map (as far as this handle knows)."""
        return self._rev

    def kept_with(self, person: Person) -> bool:
        """Whether this map is kept where ``person`` is (the same backend, or the same store file)."""
        a, b = self._backend, person.backend
        path = getattr(a, "path", None)
        return a is b or (path is not None and path == getattr(b, "path", None))

    def state(self) -> MapState:
        """A copy of everything on the map (for stores and importers).

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-035").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> [a.label for a in m.state().alters.values()]
        ['Mum']
        """
        return self._state.copy()

    # ------------------------------------------------------------------ reading
    @property
    def label(self) -> str:
        """The map's label, e.g. ``"Baseline"``."""
        return self._details["label"]

    @property
    def date(self) -> _dt.date | None:
        """The date of the map (or None)."""
        d = self._details.get("date")
        return _dt.date.fromisoformat(d) if d else None

    @property
    def notes(self) -> str:
        """Free-text notes on the map."""
        return self._details.get("notes") or ""

    @property
    def alters(self) -> list[Alter]:
        """The alters on this map, in the order they were added."""
        return list(self._state.alters.values())

    @property
    def placements(self) -> dict[str, Placement]:
        """Placement of each alter on this map, by alter id."""
        return dict(self._state.placements)

    @property
    def ties(self) -> list[Tie]:
        """The alter-alter ties on this map."""
        return list(self._state.ties)

    @property
    def goals(self) -> list[Goal]:
        """The goals agreed on this map."""
        return list(self._state.goals.values())

    def __len__(self) -> int:
        return len(self._state.alters)

    def __contains__(self, ref: object) -> bool:
        try:
            self._resolve(ref)  # type: ignore[arg-type]
        except (NotFoundError, ValidationError):
            return False
        return True

    def __repr__(self) -> str:
        d = f", date={self._state.info.get('date')}" if self._state.info.get("date") else ""
        return f"<Map {self.label!r} of {self.person.id!r}{d}: {len(self)} alters, {len(self._state.ties)} ties>"

    def _labels(self) -> dict[str, str]:
        """Alter labels by id, and resource item labels (for descriptions of edits)."""
        items = {RESOURCE_LABEL + it.key: it.label for it in self.resource_scheme.items}
        return {**items, **{a.id: a.label for a in self._state.alters.values()}}

    def _resolve(self, ref: Alter | str) -> str:
        """Alter id of ``ref`` (an Alter, an id or a unique label) on this map."""
        st = self._state
        if isinstance(ref, Alter):
            if ref.id in st.alters:
                return ref.id
            raise NotFoundError(f"alter {ref.label!r} is not on map {self.label!r}")
        if not isinstance(ref, str):
            raise ValidationError(
                f"an alter must be given as an Alter, an id or a label, got {ref!r}", field="alter", value=ref
            )
        if ref in st.alters:
            return ref
        hits = [a.id for a in st.alters.values() if a.label == ref]
        if not hits:
            key = ref.strip().casefold()
            hits = [a.id for a in st.alters.values() if a.label.casefold() == key]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ValidationError(
                f"{len(hits)} alters on map {self.label!r} are labelled {ref!r}; pass the Alter itself",
                field="alter",
                value=ref,
            )
        raise NotFoundError(f"no alter {ref!r} on map {self.label!r}")

    def alter(self, ref: Alter | str) -> Alter:
        """The alter ``ref`` (an Alter, id or label) as it is now.

        Raises
        ------
        NotFoundError
            If there is no such alter on this map.
        ValidationError
            If the label is shared by several alters (pass the Alter instead).

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-034").new_map("Baseline")
        >>> mum = m.add_alter("Mum", ring=0, sector="household")
        >>> m.alter("mum") == m.alter(mum.id) == mum
        True
        """
        return self._state.alters[self._resolve(ref)]

    def placement(self, ref: Alter | str) -> Placement:
        """The placement of alter ``ref`` on this map."""
        return self._state.placements[self._resolve(ref)]

    def has_tie(self, a: Alter | str, b: Alter | str) -> bool:
        """Whether ``a`` and ``b`` are tied on this map.

        See :meth:`add_tie` for an example.
        """
        return Tie.of(self._resolve(a), self._resolve(b)) in self._state.ties

    def goal(self, ref: Goal | str) -> Goal:
        """A goal by Goal, id or text."""
        gid = ref.id if isinstance(ref, Goal) else ref
        if gid in self._state.goals:
            return self._state.goals[gid]
        for g in self._state.goals.values():
            if g.text == ref:
                return g
        raise NotFoundError(f"no goal {ref!r} on map {self.label!r}")

    def to_dict(self) -> dict:
        """Everything on the map as plain data."""
        st = self._state
        return {
            "id": self.id,
            "person_id": self.person.id,
            "label": self.label,
            "date": st.info.get("date"),
            "notes": self.notes,
            "copied_from": self.copied_from,
            "created": self.created,
            "rings": self.rings.to_dict(),
            "sectors": self.sectors.to_dict(),
            "resource_scheme": self.resource_scheme.to_dict(),
            "alters": [a.to_dict() for a in st.alters.values()],
            "placements": [p.to_dict() for p in st.placements.values()],
            "ties": [[t.a, t.b, *([sorted(v)] if v else [])] for t, v in st.ties.items()],  # [a, b, types] if typed
            "goals": [g.to_dict() for g in st.goals.values()],
            "resources": {k: sorted(v) for k, v in st.resources.items()},  # an item not asked is not there; [] no one
        }

    def _cell_spots(self, ring: int, sector: str, exclude: str | None = None) -> list[tuple[float, float]]:
        return cell_spots(self._state.placements, ring, sector, exclude)

    def _position(
        self,
        ring: object,
        sector: object,
        angle: object,
        radius: object,
        current: Placement | None = None,
        exclude: str | None = None,
    ) -> dict:
        taken = self._state.placements
        return place(self.rings, self.sectors, taken, ring, sector, angle, radius, current=current, exclude=exclude)

    # ------------------------------------------------------------------ alters
    def add_alter(
        self,
        label: str | Alter,
        ring: int | None = None,
        sector: str | None = None,
        *,
        angle: float | None = None,
        radius: float | None = None,
        kind: str = "person",
        relationship: str = "",
        is_professional: bool = False,
        met_through: str = "",
        support_received: Iterable[str] = (),
        support_given: Iterable[str] = (),
        valence: str | None = None,
        contact: str | None = None,
        note: str = "",
        id: str | None = None,
        **attributes: Any,
    ) -> Alter:
        """Put someone on the map.

        Parameters
        ----------
        label : str or Alter
            The name as the person wants it shown, or an :class:`Alter` of the
            same person from another map (someone who comes back).
        ring, sector : int, str
            Where to place them. ``sector`` is required when the sector scheme
            has more than one sector; ``ring`` defaults to the outer ring.
        angle, radius : float, optional
            An exact position instead (ring and sector are derived from it).
        kind, relationship, is_professional, met_through
            Stable attributes (ignored when an existing Alter is given).
        support_received, support_given, valence, contact, note
            Attributes of the placement on this map.
        **attributes
            Any other attribute of the vocabulary (:mod:`egomap.fields`),
            e.g. ``known_for="1-5 years"``.
        id : str, optional
            Use this alter id (for imports); a new one is made otherwise.

        Returns
        -------
        Alter

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-002").new_map("Baseline")
        >>> a = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
        >>> (m.placement(a).ring, m.placement(a).sector, a.is_professional)
        (2, 'services', True)
        """

        def build():
            if isinstance(label, Alter):
                known = self.person.alters_by_id()
                if label.id not in known:
                    raise NotFoundError(f"alter {label.label!r} does not belong to person {self.person.id!r}")
                alter = known[label.id]
                if alter.id in self._state.alters:
                    raise DuplicateError(f"{alter.label!r} is already on map {self.label!r}", field="alter")
                new = False
            else:
                aid = id or new_id()
                if not isinstance(aid, str) or not aid:
                    raise ValidationError(f"alter id must be non-empty text, got {aid!r}", field="id")
                if aid in self._state.alters or (id is not None and aid in self.person.alters_by_id()):
                    raise DuplicateError(f"an alter with id {aid!r} already exists", field="id", value=aid)
                given = {"kind": kind, "relationship": relationship, "is_professional": is_professional}
                given["met_through"] = met_through
                alter = Alter(
                    aid, **clean_attributes("alter", {"label": label, **given, **own_attributes(attributes, "alter")})
                )
                new = True
            pos = self._position(ring, sector, angle, radius)
            per_map = {"support_received": support_received, "support_given": support_given, "valence": valence}
            per_map.update(contact=contact, note=note, **own_attributes(attributes, "placement"))
            placement = Placement(alter.id, **pos, **clean_attributes("placement", per_map))
            edit = {"op": "add_alter", "alter": alter.to_dict(), "placement": placement.to_dict(), "new_alter": new}
            inverse = {"op": "remove_alter", "alter_id": alter.id, "drop_alter": new}
            return edit, inverse

        edit = self._edit(build)
        assert edit is not None
        return self._state.alters[edit["alter"]["id"]]

    def remove_alter(self, ref: Alter | str) -> None:
        """Take an alter off this map (their ties and resources on this map go too; undo puts them back).

        The alter stays on the person's other maps.

        Parameters
        ----------
        ref : Alter or str
            The alter, its id or its label.

        Raises
        ------
        NotFoundError
            If the alter is not on this map.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-010").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> m.remove_alter("Mum")
        >>> len(m), m.undo()
        (0, 'remove Mum')
        """

        def build():
            aid = self._resolve(ref)
            ties = [[t.a, t.b, *([sorted(v)] if v else [])] for t, v in self._state.ties.items() if aid in (t.a, t.b)]
            edit = {"op": "remove_alter", "alter_id": aid, "drop_alter": False}
            inverse = {
                "op": "add_alter",
                "alter": self._state.alters[aid].to_dict(),
                "placement": self._state.placements[aid].to_dict(),
                "ties": ties,
                "resources": resource_items(self._state, aid),
                "new_alter": False,
            }
            return edit, inverse

        self._edit(build)

    def move(
        self,
        ref: Alter | str,
        ring: int | None = None,
        sector: str | None = None,
        *,
        angle: float | None = None,
        radius: float | None = None,
    ) -> Placement:
        """Move an alter to another ring and/or sector, or to an exact position.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-003").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> m.move("Mum", radius=0.9, angle=60).ring   # dropped in the outer band
        2
        """

        def build():
            aid = self._resolve(ref)
            cur = self._state.placements[aid]
            new = self._position(ring, sector, angle, radius, current=cur, exclude=aid)
            new = {k: v for k, v in new.items() if getattr(cur, k) != v}
            if not new:
                return None
            edit = {"op": "update", "alter_id": aid, "placement": new}
            inverse = {"op": "update", "alter_id": aid, "placement": {k: getattr(cur, k) for k in new}}
            return edit, inverse

        aid = self._resolve(ref)
        self._edit(build)
        return self._state.placements[aid]

    def update(self, ref: Alter | str, **fields: Any) -> Alter:
        """Change attributes of an alter (stable ones and those of this placement).

        Stable attributes: ``label``, ``kind``, ``relationship``,
        ``is_professional``, ``met_through`` (they change on every map).
        Placement attributes: ``support_received``, ``support_given``,
        ``valence``, ``contact``, ``known_for``, ``capital`` (None: the default
        rule, see :meth:`capital`), ``note``, ``reviewed``; ``ring``, ``sector``,
        ``angle``, ``radius`` move the alter.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-004").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.update("Mum", support_received={"emotional"}, valence="supportive")
        >>> sorted(m.placement("Mum").support_received)
        ['emotional']
        """

        def build():
            aid = self._resolve(ref)
            alter, cur = self._state.alters[aid], self._state.placements[aid]
            a_new: dict[str, Any] = {}
            p_new: dict[str, Any] = {}
            for k, v in fields.items():
                if k in _f.POSITION:
                    continue
                owner = "alter" if k in _ALTER_NAMES else "placement" if k in _PLACEMENT_NAMES else None
                if owner is None:
                    raise ValidationError(
                        f"unknown attribute {k!r}; alters have {', '.join(_ALTER_NAMES + _PLACEMENT_NAMES)}",
                        field=k,
                    )
                (a_new if owner == "alter" else p_new)[k] = _f.field(owner, k).clean(v)
            pos_args = {k: fields[k] for k in _f.POSITION if k in fields}
            if pos_args:
                p_new.update(
                    self._position(
                        pos_args.get("ring"),
                        pos_args.get("sector"),
                        pos_args.get("angle"),
                        pos_args.get("radius"),
                        current=cur,
                        exclude=aid,
                    )
                )
            a_new = {k: v for k, v in a_new.items() if getattr(alter, k) != v}
            p_new = {k: v for k, v in p_new.items() if getattr(cur, k) != v}
            if not a_new and not p_new:
                return None

            def plain(d):
                return {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in d.items()}

            edit = {"op": "update", "alter_id": aid, "alter": plain(a_new), "placement": plain(p_new)}
            inverse = {
                "op": "update",
                "alter_id": aid,
                "alter": {k: getattr(alter, k) for k in a_new},
                "placement": plain({k: getattr(cur, k) for k in p_new}),
            }
            return edit, inverse

        aid = self._resolve(ref)
        self._edit(build)
        return self._state.alters[aid]
