"""A person: the ego, identified by a pseudonymous id, and their maps over time."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from egomap import fields as _f
from egomap import geometry as _geometry
from egomap import resource_schemes as _resource_schemes
from egomap import schemes as _schemes
from egomap.errors import DuplicateError, NotFoundError, ValidationError
from egomap.model.backend import Backend, MemoryBackend
from egomap.model.data import Alter, MapState, new_id, now
from egomap.model.map import Map, map_index

__all__ = ["Person", "RemovedMap"]


@dataclass(frozen=True)
class RemovedMap:
    """A map taken off a person's maps by :meth:`Person.remove_map`: enough to put it back.

    ``state`` is everything that was on the map; the other attributes are the map's own.
    """

    id: str
    label: str
    state: MapState
    rings: _schemes.RingScheme
    sectors: _schemes.SectorScheme
    copied_from: str | None
    created: str | None
    resource_scheme: _resource_schemes.ResourceScheme | None = None


class Person:
    """The person whose network is mapped, identified by a pseudonymous id.

    ``Person("R-017")`` makes an in-memory person; a person kept in a store
    comes from :meth:`egomap.Store.add_person` or :meth:`egomap.Store.person`.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.Person("R-017", consent_research=True)
    >>> base = p.new_map("Baseline", date="2026-01-12")
    >>> _ = base.add_alter("Mum", ring=0, sector="household")
    >>> six = p.new_map("6 months", copy_from=base)
    >>> [a.label for a in six.alters]
    ['Mum']
    """

    def __init__(
        self,
        id: str,
        display_name: str | None = None,
        *,
        consent_keep: bool = True,
        consent_research: bool = False,
        created: str | None = None,
        backend: Backend | None = None,
    ) -> None:
        self.id = _f.check_person_id(id)
        self.display_name = _f.field("person", "display_name").clean(display_name) or None
        self.consent_keep = _f.check_bool(consent_keep, "consent_keep")
        self.consent_research = _f.check_bool(consent_research, "consent_research")
        self.created = created or now()
        self._backend: Backend = backend if backend is not None else MemoryBackend()

    def __repr__(self) -> str:
        return f"<Person {self.id!r}: {len(self.maps)} maps>"

    @property
    def backend(self) -> Backend:
        """Where the person is kept: a :class:`~egomap.store.Store`, or a :class:`MemoryBackend`."""
        return self._backend

    @property
    def maps(self) -> list[Map]:
        """The person's maps in time order (by date, then by when they were made)."""
        return self._backend.person_maps(self)

    def map(self, ref: str | int) -> Map:
        """A map by label, id, or position in time order (``p.map(-1)`` is the latest).

        Raises
        ------
        NotFoundError
            If there is no such map.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-021")
        >>> _ = p.new_map("Baseline", date="2026-01-12")
        >>> _ = p.new_map("6 months", date="2026-07-12")
        >>> p.map(-1).label, p.map("Baseline").label
        ('6 months', 'Baseline')
        """
        maps = self.maps
        i = map_index(maps, ref)
        if i is not None:
            return maps[i]
        if isinstance(ref, int) and not isinstance(ref, bool):
            raise NotFoundError(f"person {self.id!r} has {len(maps)} maps; no map number {ref}")
        raise NotFoundError(
            f"person {self.id!r} has no map {ref!r}; maps: {', '.join(repr(m.label) for m in maps) or 'none'}"
        )

    def open_map(self, label: str, date: object = None) -> Map:
        """The map for a session: the map with this label, or a new one.

        A new first map starts empty; a new later map starts as a copy of the
        latest map (see :meth:`new_map` with ``copy_from``).

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-018")
        >>> base = p.open_map("Baseline")
        >>> _ = base.add_alter("Mum", ring=0, sector="household")
        >>> follow = p.open_map("6 months")
        >>> [a.label for a in follow.alters], follow.copied_from == base.id
        (['Mum'], True)
        >>> p.open_map("Baseline") is base
        True
        """
        lbl = _f.check_label(label, "map label")
        maps = self.maps
        for m in maps:
            if m.label == lbl:
                return m
        return self.new_map(lbl, date, copy_from=maps[-1] if maps else None)

    def remove_map(self, ref: str | int) -> RemovedMap:
        """Remove a map (e.g. one started by mistake), with everything on it and its edit log.

        The removal is noted, with everything that was on the map, in the edit
        log (:meth:`Map.history`) of the map it was copied from, else of the
        person's latest remaining map. The alters stay on the person's other
        maps. :meth:`restore_map` puts the map back.

        Returns
        -------
        RemovedMap
            What was removed, for :meth:`restore_map`.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-026")
        >>> base = p.new_map("Baseline")
        >>> _ = base.add_alter("Mum", ring=0, sector="household")
        >>> gone = p.remove_map(p.new_map("Follow-up 1", copy_from=base).label)
        >>> [m.label for m in p.maps], base.history()[-1]["description"]
        (['Baseline'], "removed map 'Follow-up 1' (a copy of 'Baseline', 1 alters)")
        >>> [a.label for a in p.restore_map(gone).alters]
        ['Mum']
        """
        m = self.map(ref)
        maps = self.maps
        others = [x for x in maps if x.id != m.id]
        log_to = next((x for x in others if x.id == m.copied_from), others[-1] if others else None)
        source = next((x.label for x in others if x.id == m.copied_from), None)
        what = f"a copy of {source!r}, " if source else ""
        description = f"removed map {m.label!r} ({what}{len(m)} alters)"
        removed = RemovedMap(m.id, m.label, m.state(), m.rings, m.sectors, m.copied_from, m.created, m.resource_scheme)
        with self._backend.transaction():
            self._backend.remove_map(self, m, log_to, m.to_dict(), description)
        return removed

    def restore_map(self, removed: RemovedMap) -> Map:
        """Put back a map removed by :meth:`remove_map` (as it was when removed; its old edit log is not restored).

        Raises
        ------
        DuplicateError
            If the person has a map with that label again.
        """
        copied = removed.copied_from if any(x.id == removed.copied_from for x in self.maps) else None
        return self.add_map(
            removed.state.copy(),
            id=removed.id,
            rings=removed.rings,
            sectors=removed.sectors,
            copied_from=copied,
            created=removed.created,
            resources=removed.resource_scheme,
        )

    def alters_by_id(self) -> dict[str, Alter]:
        """Every alter on any of the person's maps, by id.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-026")
        >>> mum = p.new_map("Baseline").add_alter("Mum", ring=0, sector="household")
        >>> p.alters_by_id()[mum.id].label
        'Mum'
        """
        return self._backend.person_alters(self)

    @property
    def alters(self) -> list[Alter]:
        """Every alter on any of the person's maps."""
        return list(self.alters_by_id().values())

    def update(self, **fields: Any) -> None:
        """Change ``display_name``, ``consent_keep`` or ``consent_research``.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-022")
        >>> p.update(consent_research=True)
        >>> p.consent_research
        True
        """
        clean: dict[str, Any] = {}
        for k, v in fields.items():
            if k == "display_name":
                clean[k] = _f.field("person", k).clean(v) or None
            elif k in ("consent_keep", "consent_research"):
                clean[k] = _f.check_bool(v, k)
            else:
                raise ValidationError(
                    f"unknown person attribute {k!r}; persons have display_name, consent_keep, consent_research",
                    field=k,
                )
        self._backend.update_person(self, clean)
        for k, v in clean.items():
            setattr(self, k, v)

    def new_map(
        self,
        label: str,
        date: object = None,
        *,
        rings: str | _schemes.RingScheme | None = None,
        sectors: str | _schemes.SectorScheme | None = None,
        copy_from: Map | None = None,
        notes: str = "",
        id: str | None = None,
        resources: str | _resource_schemes.ResourceScheme | None = None,
    ) -> Map:
        """Start a new map (time point).

        Parameters
        ----------
        label : str
            E.g. ``"Baseline"`` or ``"6 months"``; unique among the person's maps.
        date : date or str, optional
            ISO date such as ``"2026-01-12"``.
        rings, sectors : str or scheme, optional
            Default: those of ``copy_from``, else ``kahn_antonucci`` and
            ``social_network_map``.
        copy_from : Map, optional
            A previous map of this person: the follow-up starts as a copy of it
            (same alters, placements, ties and who could help with what; open
            goals carried over).
        notes : str
            Free-text notes.
        id : str, optional
            Use this map id (for imports); a new one is made otherwise.
        resources : str or ResourceScheme, optional
            The resource scheme (a registered name, a scheme, or its
            ``to_dict`` form). Default: that of ``copy_from``, else
            :data:`egomap.resource_schemes.DEFAULT_RESOURCES`. A follow-up
            with another scheme keeps the answers to the items both have.

        Returns
        -------
        Map

        Raises
        ------
        DuplicateError
            If the person already has a map with this label.
        ValidationError
            If ``copy_from`` is not a map of this person, or another value is bad.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-024")
        >>> base = p.new_map("Baseline", date="2026-01-12")
        >>> _ = base.add_alter("Mum", ring=0, sector="household")
        >>> six = p.new_map("6 months", date="2026-07-13", copy_from=base)
        >>> [a.label for a in six.alters], six.copied_from == base.id
        (['Mum'], True)
        >>> em.Person("R-025").new_map("Baseline", copy_from=base)
        Traceback (most recent call last):
        ...
        egomap.errors.ValidationError: copy_from is a map of person 'R-024', not of 'R-025'
        """
        lbl = _f.check_label(label, "map label")
        d = _f.check_date(date)
        if copy_from is not None:
            if not isinstance(copy_from, Map):
                raise ValidationError(f"copy_from must be a Map, got {copy_from!r}", field="copy_from")
            if copy_from.person.id != self.id:
                raise ValidationError(
                    f"copy_from is a map of person {copy_from.person.id!r}, not of {self.id!r}",
                    field="copy_from",
                    value=copy_from.label,
                )
            if not copy_from.kept_with(self):
                raise ValidationError(
                    f"copy_from is map {copy_from.label!r} of a person {self.id!r} kept elsewhere (another store, "
                    "or in memory); copy maps within one store, or bring the person in with Store.import_person",
                    field="copy_from",
                    value=copy_from.label,
                )
            # the person's own, up-to-date handle (another kernel may have changed the map since it was loaded)
            copy_from = self.map(copy_from.id)
        rs = _schemes.ring_scheme(rings or (copy_from.rings if copy_from else _schemes.DEFAULT_RINGS))
        ss = _schemes.sector_scheme(sectors or (copy_from.sectors if copy_from else _schemes.DEFAULT_SECTORS))
        default = copy_from.resource_scheme if copy_from else _resource_schemes.DEFAULT_RESOURCES
        res = _resource_schemes.resource_scheme(resources or default)
        if any(m.label == lbl for m in self.maps):
            raise DuplicateError(f"person {self.id!r} already has a map labelled {lbl!r}", field="label", value=lbl)
        state = MapState(info={"label": lbl, "date": d, "notes": _f.check_text(notes, "notes")})
        if copy_from is not None:
            state = _copy_forward(copy_from, rs, ss, state, res)
        return self._add_map(
            state,
            id=id or new_id(),
            rings=rs,
            sectors=ss,
            resources=res,
            copied_from=copy_from.id if copy_from else None,
            copy_from=copy_from,
        )

    def add_map(
        self,
        state: MapState,
        *,
        id: str,
        rings: _schemes.RingScheme,
        sectors: _schemes.SectorScheme,
        copied_from: str | None = None,
        created: str | None = None,
        resources: str | _resource_schemes.ResourceScheme | None = None,
    ) -> Map:
        """Save a whole map made elsewhere (an import, a generator), everything on it at once.

        ``state.info`` holds the map's ``label``, ``date`` and ``notes``; the
        importer has checked every value against the vocabulary. ``resources``
        is the map's resource scheme (default:
        :data:`egomap.resource_schemes.DEFAULT_RESOURCES`); every item of
        ``state.resources`` must be in it and every alter on the map.

        Raises
        ------
        DuplicateError
            If the person already has a map with this label.
        ValidationError
            If ``state.resources`` names an item the scheme lacks or an alter not on the map.

        Examples
        --------
        >>> import egomap as em
        >>> from egomap.model import MapState
        >>> p = em.Person("R-027")
        >>> m = p.add_map(MapState(info={"label": "Wave 1"}), id="w1", rings=em.schemes.ring_scheme("kahn_antonucci"),
        ...               sectors=em.schemes.sector_scheme("none"))
        >>> p.map("Wave 1") is m
        True
        """
        lbl = _f.check_label(state.info.get("label"), "map label")
        if any(m.label == lbl for m in self.maps):
            raise DuplicateError(f"person {self.id!r} already has a map labelled {lbl!r}", field="label", value=lbl)
        res = _resource_schemes.resource_scheme(resources or _resource_schemes.DEFAULT_RESOURCES)
        _check_resources(state, res)
        return self._add_map(
            state, id=id, rings=rings, sectors=sectors, resources=res, copied_from=copied_from, created=created
        )

    def _add_map(
        self,
        state: MapState,
        *,
        id: str,
        rings: _schemes.RingScheme,
        sectors: _schemes.SectorScheme,
        resources: _resource_schemes.ResourceScheme,
        copied_from: str | None,
        created: str | None = None,
        copy_from: Map | None = None,
    ) -> Map:
        info = state.info
        m = Map(
            id=id,
            person=self,
            label=info["label"],
            date=info.get("date"),
            rings=rings,
            sectors=sectors,
            resource_scheme=resources,
            notes=info.get("notes") or "",
            copied_from=copied_from,
            created=created,
            backend=self._backend,
            seq=len(self.maps),
            state=state,
        )
        self._backend.create_map(self, m, state, copy_from)
        return m

    def to_dict(self) -> dict:
        """The person and all their maps as plain data."""
        return {
            "id": self.id,
            "display_name": self.display_name,
            "consent_keep": self.consent_keep,
            "consent_research": self.consent_research,
            "created": self.created,
            "maps": [m.to_dict() for m in self.maps],
        }


def _check_resources(state: MapState, scheme: _resource_schemes.ResourceScheme) -> None:
    """Every item of ``state.resources`` in ``scheme``, every alter on the map, as sets of ids."""
    for key, ids in state.resources.items():
        scheme.item(key)  # a ValidationError naming an unknown item
        if not isinstance(ids, (set, frozenset, list, tuple)):
            raise ValidationError(f"the alters for resource {key!r} must be a set of alter ids", field="resources")
        missing = [a for a in ids if a not in state.placements]
        if missing:
            raise ValidationError(
                f"resource {key!r} names alter {missing[0]!r}, who is not on the map",
                field="resources",
                value=missing[0],
            )
        state.resources[key] = frozenset(ids)


def _copy_forward(
    src: Map,
    rs: _schemes.RingScheme,
    ss: _schemes.SectorScheme,
    state: MapState,
    res: _resource_schemes.ResourceScheme,
) -> MapState:
    """A follow-up's state: the same alters, placements (not yet reviewed), ties and resources; open goals carried over.

    Resources of items the follow-up's scheme has are kept (to be reviewed: "could Sam still help with this?").
    """
    same_geometry = (len(rs), ss.keys) == (len(src.rings), src.sectors.keys)
    placements = src.placements
    for a in src.alters:
        p = replace(placements[a.id], reviewed=False)
        if not same_geometry:
            ring = min(p.ring, len(rs) - 1)
            sec = p.sector if p.sector in ss.keys else ss.sector_at(p.angle)
            taken = [(q.angle, q.radius) for q in state.placements.values() if (q.ring, q.sector) == (ring, sec)]
            ang, rad = _geometry.spread_position(ring, sec, rs, ss, taken=taken)
            p = replace(p, ring=ring, sector=sec, angle=ang, radius=rad)
        state.alters[a.id] = a
        state.placements[a.id] = p
    state.ties = {t: src.tie_types(t.a, t.b) for t in src.ties}
    have = set(res.keys)
    state.resources = {k: v for k, v in src.resources.items() if k in have}
    for g in src.goals:
        if g.status in ("open", "in progress"):
            ng = replace(g, id=new_id())
            state.goals[ng.id] = ng
    return state
