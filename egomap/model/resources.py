"""Who could help with what, and the social capital each alter brings: the methods a :class:`~egomap.model.map.Map` mixes in.

A map has a resource scheme (:mod:`egomap.resource_schemes`), kept with it
like its rings. For each item of the scheme asked about, the map records the
alters who could provide it (``MapState.resources``): an item missing is "not
asked", an empty set "no one". Each alter's kind of social capital (bonding,
bridging, linking) is the placement's ``capital`` when the practitioner
recorded the person's own view, else the default rule of
:mod:`egomap.model.capital`.

The methods here use the map's editing core (``_edit``, ``_resolve``,
``_state``) and nothing else; see :mod:`egomap.model.map`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from egomap import resource_schemes as _resource_schemes
from egomap import schemes as _schemes
from egomap.errors import ValidationError
from egomap.model.capital import ACTIVITY_WORDS, default_capital
from egomap.model.data import Alter, MapState

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model.person import Person

__all__ = ["MapResourcesMixin"]


class MapResourcesMixin:
    """Resources per item (``set_resource``, ``resource``, ``resources_of``) and social capital (``capital``)."""

    id: str
    label: str
    person: Person
    sectors: _schemes.SectorScheme
    resource_scheme: _resource_schemes.ResourceScheme
    _state: MapState
    _edit: Callable[..., dict | None]
    _resolve: Callable[..., str]

    # ------------------------------------------------------------------ resources
    def _item_key(self, item: object) -> str:
        """The key of ``item`` (a key or a ResourceItem) if it is in the map's resource scheme."""
        key = getattr(item, "key", item)
        if not isinstance(key, str):
            raise ValidationError(f"a resource item must be given by its key, got {item!r}", field="item", value=item)
        self.resource_scheme.item(key)  # a ValidationError naming it if the scheme has no such item
        return key

    @property
    def resources(self) -> dict[str, frozenset[str]]:
        """Who could help with each item asked about: item key -> alter ids (a copy; empty set: no one).

        An item that was not asked about is not in the dict.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-060").new_map("Baseline")
        >>> mum = m.add_alter("Mum", ring=0, sector="household")
        >>> item = m.resource_scheme.keys[0]
        >>> m.set_resource(item, [mum])
        >>> m.resources == {item: frozenset({mum.id})}
        True
        """
        return dict(self._state.resources)

    def resource(self, item: str) -> frozenset[str] | None:
        """The ids of the alters who could help with ``item``; an empty set for no one, None if not asked.

        Raises
        ------
        ValidationError
            If the map's resource scheme has no such item.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-061").new_map("Baseline")
        >>> item = m.resource_scheme.keys[0]
        >>> print(m.resource(item))
        None
        >>> m.set_resource(item, [])
        >>> m.resource(item)
        frozenset()
        """
        return self._state.resources.get(self._item_key(item))

    def set_resource(self, item: str, alters: Iterable[Alter | str] | None) -> None:
        """Record who could help with ``item`` (an edit that can be undone).

        Parameters
        ----------
        item : str
            The key of an item of the map's resource scheme.
        alters : iterable of Alter or str, or None
            The alters on this map who could provide it (Alter, id or label);
            ``[]`` records "no one", ``None`` goes back to "not asked".

        Raises
        ------
        ValidationError
            If the item is not in the map's resource scheme, or ``alters`` is not a list of alters.
        NotFoundError
            If an alter is not on this map.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-062").new_map("Baseline")
        >>> mum = m.add_alter("Mum", ring=0, sector="household")
        >>> gran = m.add_alter("Gran", ring=1, sector="family")
        >>> item = m.resource_scheme.keys[0]
        >>> m.set_resource(item, [mum, "Gran"])
        >>> sorted(m.alter(a).label for a in m.resource(item))
        ['Gran', 'Mum']
        >>> m.undo().startswith("record who could help with")
        True
        >>> print(m.resource(item))
        None
        >>> m.set_resource("fly_a_plane", [mum])
        Traceback (most recent call last):
        ...
        egomap.errors.ValidationError: ...fly_a_plane...
        """
        key = self._item_key(item)
        if alters is not None:
            if isinstance(alters, (str, Alter)):
                alters = [alters]
            if not isinstance(alters, Iterable):
                raise ValidationError(
                    f"the alters who could help must be a list of alters (or None), got {alters!r}", field="alters"
                )
            alters = list(alters)

        def build():
            new = None if alters is None else sorted({self._resolve(a) for a in alters})
            old = self._state.resources.get(key)
            before = None if old is None else sorted(old)
            if new == before:
                return None
            edit = {"op": "set_resource", "item": key}
            return {**edit, "alters": new}, {**edit, "alters": before}

        self._edit(build)

    def resources_of(self, ref: Alter | str) -> tuple[str, ...]:
        """The items (keys, in the scheme's order) the alter ``ref`` could help with on this map.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-063").new_map("Baseline")
        >>> mum = m.add_alter("Mum", ring=0, sector="household")
        >>> first, second = m.resource_scheme.keys[:2]
        >>> m.set_resource(second, [mum]); m.set_resource(first, [mum])
        >>> m.resources_of("Mum") == (first, second)
        True
        """
        aid = self._resolve(ref)
        have = self._state.resources
        return tuple(k for k in self.resource_scheme.keys if aid in have.get(k, ()))

    # ------------------------------------------------------------------ social capital
    def capital(self, ref: Alter | str) -> str:
        """The kind of social capital the alter brings: ``"bonding"``, ``"bridging"`` or ``"linking"``.

        The placement's ``capital`` when it was recorded (the person's own
        view, which wins), else egomap's default rule
        (:func:`egomap.model.capital.default_capital`) from the sector, kind,
        ``is_professional`` and ``met_through``. ``m.update(alter,
        capital="bridging")`` records a view; ``capital=None`` goes back to the rule.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-064").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
        >>> _ = m.add_alter("Sam", ring=1, sector="friends", met_through="Tuesday football club")
        >>> [m.capital(x) for x in ("Mum", "Dr Shah", "Sam")]
        ['bonding', 'linking', 'bridging']
        >>> _ = m.update("Mum", capital="bridging")
        >>> m.capital("Mum"), m.capital_source("Mum"), m.capital_source("Sam")
        ('bridging', 'person', 'default')
        """
        aid = self._resolve(ref)
        q = self._state.placements[aid]
        if q.capital:
            return q.capital
        a = self._state.alters[aid]
        met = a.met_through
        hidden = self._state.met_through_activity.get(aid)  # a researcher's map: met_through is a code
        if hidden is not None:
            met = ACTIVITY_WORDS[0] if hidden else ""  # an activity, as the rule reads it, or none
        return default_capital(
            q.sector,
            kind=a.kind,
            is_professional=a.is_professional,
            met_through=met,
            family_sector=q.sector in self.sectors.family_keys,
        )

    def capital_source(self, ref: Alter | str) -> str:
        """Where :meth:`capital` comes from: ``"person"`` (recorded, the person's own view) or ``"default"`` (the rule).

        See :meth:`capital` for an example.
        """
        return "person" if self._state.placements[self._resolve(ref)].capital else "default"
