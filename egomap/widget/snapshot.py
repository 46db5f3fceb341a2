"""What the widget's front-end draws: one map as plain JSON-able data.

:func:`snapshot` gives the map's geometry (ring bands and sector spans from
:mod:`egomap.schemes`, so the browser draws exactly what Python uses to
locate a drop) and one dict per alter whose attribute keys come from the
vocabulary (:func:`egomap.fields.of`): adding an attribute there adds it
here. Results the browser would otherwise compute again are in it too:
where each alter's label goes in each label mode (the places the SVG export
uses, :func:`egomap.widget.render.label_places`), each alter's initials and
each sector label's lines; the map's resource scheme, who was chosen for
each item, and each alter's social capital and items
(:mod:`egomap.widget.resources`), and on a follow-up map the items each
alter could help with on the earlier map (``previous_resources``, for review mode). The look (:mod:`egomap.viz.style`) and the field descriptions of the
details form (:func:`egomap.fields.describe`) are not in the snapshot: the
widget sends them once, as traits.

:class:`PreviousRings` keeps what a follow-up map's widget needs from the
map it was copied from (each alter's ring, sector and items), read once and again
only when that map has changed, so an edit does not re-read earlier maps.

Examples
--------
>>> import egomap as em
>>> m = em.Person("R-1").new_map("Baseline")
>>> _ = m.add_alter("Mary-Jane", ring=0, sector="household")
>>> a = snapshot(m)["alters"][0]
>>> a["initials"], a["valence"], a["known_for"], a["previous_ring"]
('MJ', '', '', -1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from egomap import fields as _fields
from egomap import schemes as _schemes
from egomap.errors import NotFoundError
from egomap.geometry import LABEL_MODES, initials, wrap
from egomap.model import Map
from egomap.widget.render import display_label, label_places, leader_line, marker_scales, needs_leader
from egomap.widget.resources import alter_extras, resource_data

__all__ = ["snapshot", "alter_dict", "add_label_places", "PreviousRings"]

_ALTER_FIELDS = _fields.of("alter")
_PLACEMENT_FIELDS = _fields.of("placement")


def _plain(f: _fields.Field, value: Any) -> Any:
    """A value as the front-end gets it: sets as sorted lists, an unset optional choice as ``""``."""
    if f.type == "choice" and f.optional:
        return value or ""
    return f.to_plain(value)


def alter_dict(n: int, alter: Any, placement: Any, previous_ring: int = -1) -> dict[str, Any]:
    """One alter of a snapshot: its number, id, initials and every alter and placement attribute.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> a = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    >>> d = alter_dict(1, a, m.placement(a))
    >>> d["initials"], d["is_professional"], d["support_received"], d["ring"]
    ('DS', True, [], 2)
    """
    out: dict[str, Any] = {"id": alter.id, "n": n}
    for f in _ALTER_FIELDS:
        out[f.name] = _plain(f, getattr(alter, f.name))
    out["initials"] = initials(alter.label)
    for f in _PLACEMENT_FIELDS:
        out[f.name] = _plain(f, getattr(placement, f.name))
    out["previous_ring"] = previous_ring
    return out


class PreviousRings:
    """Ring, sector and items of each alter on the map that ``m`` was copied from.

    The earlier map is looked up once and kept (a strong reference, so the
    store keeps it loaded); its placements and resources are read again only when its
    :attr:`~egomap.Map.revision` has changed.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.Person("R-1")
    >>> base = p.new_map("Baseline")
    >>> mum = base.add_alter("Mum", ring=0, sector="household")
    >>> six = p.new_map("6 months", copy_from=base)
    >>> PreviousRings(six).places() == {mum.id: (0, "household")}
    True
    >>> PreviousRings(base).places()
    {}
    """

    def __init__(self, m: Map) -> None:
        self._m = m
        self._prev: Map | None = None
        self._rev: int | None = None
        self._places: dict[str, tuple[int, str]] = {}
        self._items: dict[str, list[str]] = {}

    def _read(self) -> bool:
        """Read the earlier map again if it changed; False when there is none."""
        ref = self._m.copied_from
        if not ref:
            return False
        if self._prev is None or self._prev.id != ref:
            try:
                self._prev = self._m.person.map(ref)
            except NotFoundError:
                return False
            self._rev = None
        if self._rev is None or self._rev != self._prev.revision:
            self._places = {aid: (p.ring, p.sector) for aid, p in self._prev.placements.items()}
            have = self._prev.resources
            items: dict[str, list[str]] = {}
            for key in self._m.resource_scheme.keys:  # this map's order; an item it lacks cannot be reviewed
                for aid in have.get(key, ()):
                    items.setdefault(aid, []).append(key)
            self._items = items
            self._rev = self._prev.revision
        return True

    def places(self) -> dict[str, tuple[int, str]]:
        """``{alter id: (ring, sector)}`` on the earlier map (empty for a first map)."""
        return self._places if self._read() else {}

    def resources(self) -> dict[str, list[str]]:
        """``{alter id: [item keys]}``: what each alter could help with on the earlier map.

        Only items of this map's resource scheme, in its order (what review
        mode asks about: "could Sam still help with these?"); alters with no
        item are left out.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-1")
        >>> base = p.new_map("Baseline")
        >>> sam = base.add_alter("Sam", ring=1, sector="friends")
        >>> first, second = base.resource_scheme.keys[:2]
        >>> base.set_resource(second, [sam]); base.set_resource(first, [sam])
        >>> six = p.new_map("6 months", copy_from=base)
        >>> PreviousRings(six).resources() == {sam.id: [first, second]}
        True
        """
        return self._items if self._read() else {}

    def rings(self) -> dict[str, int]:
        """``{alter id: ring}`` on the earlier map."""
        return {aid: ring for aid, (ring, _) in self.places().items()}


def snapshot(
    m: Map,
    person_label: str | None = None,
    previous: PreviousRings | None = None,
    modes: Sequence[str] = LABEL_MODES,
) -> dict[str, Any]:
    """Everything the front-end needs to draw ``m``, as plain JSON-able data.

    Parameters
    ----------
    m : Map
        The map.
    person_label : str, optional
        Shown in the centre disc. Default: the person's display name, else
        their pseudonymous id.
    previous : PreviousRings, optional
        What is kept of the map ``m`` was copied from (a widget passes its
        own, so that the earlier map is not read again on every edit).
    modes : sequence of str
        The label modes to place labels for (see :func:`add_label_places`).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> d = snapshot(m)
    >>> [(r["inner"], round(r["outer"], 4)) for r in d["rings"]][0]
    (0.15, 0.4333)
    >>> d["sectors"][0]["key"], d["sectors"][0]["start"], d["person_label"]
    ('household', 0.0, 'R-1')
    """
    rings, sectors = m.rings, m.sectors
    previous = previous or PreviousRings(m)
    before = previous.places() if m.copied_from else {}
    items_before = previous.resources() if m.copied_from else {}
    placements = m.placements
    resources, by_alter = resource_data(m)
    family = sectors.family_keys
    alters = []
    for n, a in enumerate(m.alters, start=1):
        p = placements[a.id]
        d = alter_dict(n, a, p, before[a.id][0] if a.id in before else -1)
        d.update(alter_extras(m, a, p, by_alter.get(a.id, []), family))
        d["previous_resources"] = items_before.get(a.id, [])
        alters.append(d)
    date = m.date.isoformat() if m.date else ""
    centre = person_label or m.person.display_name or m.person.id
    out = {
        "map": {
            "id": m.id,
            "label": m.label,
            "person": m.person.id,
            "date": date,
            "copied_from": m.copied_from or "",
            "title": f"{m.label} ({date})" if date else m.label,
        },
        "person_label": centre,
        "person_initials": initials(centre),
        "centre": _schemes.CENTRE_RADIUS,
        "rings": [
            {"index": i, "label": r.label, "prompt": r.prompt, "inner": lo, "outer": hi}
            for i, r in enumerate(rings.rings)
            for lo, hi in [rings.band(i)]
        ],
        "sectors": [
            {
                "key": s.key,
                "label": s.label,
                "prompt": s.prompt,
                "start": sectors.span(s.key)[0],
                "end": sectors.span(s.key)[1],
                "mid": sectors.mid(s.key),
                "lines": wrap(s.label),
            }
            for s in sectors.sectors
        ],
        "alters": alters,
        "ties": [[t.a, t.b] for t in m.ties],
        "resources": resources,
    }
    add_label_places(out, modes)
    return out


def add_label_places(data: dict[str, Any], modes: Sequence[str] = LABEL_MODES) -> None:
    """Put where each alter's label goes, in the label ``modes``, into the snapshot ``data``.

    ``data["alters"][i]["labels"][mode]`` becomes ``[x, baseline y]`` for
    each mode, in view-box units, from :func:`egomap.widget.render.label_places`
    -- the places the SVG export draws the labels at (places of other modes
    already there are kept). Placement takes 4-9 ms per mode for a
    150-alter map, so a widget asks only for its current mode after each
    edit, and for another mode when the label mode is switched.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> sorted(snapshot(m)["alters"][0]["labels"])
    ['hidden', 'initials', 'names']
    """
    alters = data["alters"]
    if not all("scale" in a for a in alters):
        for a, s in zip(alters, marker_scales(data)):
            a["scale"] = s
    for a in alters:
        a["labels"] = dict(a.get("labels") or {})
        a["leaders"] = dict(a.get("leaders") or {})
    for mode in modes:
        for a, (x, y) in zip(alters, label_places(data, mode)):
            a["labels"][mode] = [x, y]
            text = display_label(a, mode)
            a["leaders"][mode] = list(leader_line(a, (x, y), text)) if text and needs_leader(a, (x, y), text) else []
