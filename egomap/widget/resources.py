"""The widget's resources step: what the browser gets of a map's resources, and the ``resource`` gesture.

:func:`resource_data` gives the snapshot's ``resources`` part -- the map's
resource scheme (domains with their items' labels and prompts) and, per item,
the ids of the alters chosen for it, or ``None`` when the item was not asked
(an empty list is "no one") -- together with each alter's items, computed in
one pass over the map's resources. :func:`alter_extras` gives what each alter
of a snapshot carries besides its vocabulary attributes: its effective social
capital, the default rule's type, the items it could help with and their
number. :func:`apply_resource` applies one ``resource`` gesture through
:meth:`egomap.Map.set_resource` (which commits before it returns) and says
what was done in words. In review mode, :func:`apply_review_resource`
answers "could Sam still help with this?" for one item copied forward from
the earlier map, and :func:`review_items_said` / :func:`resource_review_counts`
put what the review kept and dropped in words.

Examples
--------
>>> import egomap as em
>>> m = em.Person("R-1").new_map("Baseline")
>>> mum = m.add_alter("Mum", ring=0, sector="household")
>>> item = m.resource_scheme.keys[0]
>>> said = apply_resource(m, {"item": item, "toggle": mum.id})
>>> data, by_alter = resource_data(m)
>>> data["chosen"][item] == [mum.id], by_alter[mum.id] == [item]
(True, True)
>>> data["chosen"][m.resource_scheme.keys[1]] is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from egomap.errors import NotFoundError, ValidationError
from egomap.model import Map
from egomap.model.capital import default_capital
from egomap.resource_schemes import ResourceScheme

__all__ = [
    "resource_data",
    "scheme_dict",
    "alter_extras",
    "apply_resource",
    "apply_review_resource",
    "review_items_said",
    "resource_review_counts",
]


def scheme_dict(scheme: ResourceScheme) -> dict[str, Any]:
    """A resource scheme as the browser lists it: domains in order, each with its items' keys, labels and prompts.

    Examples
    --------
    >>> import egomap as em
    >>> d = scheme_dict(em.resource_scheme())
    >>> len(d["domains"]), sum(len(dom["items"]) for dom in d["domains"])
    (5, 20)
    """
    by_domain: dict[str, list[dict[str, str]]] = {key: [] for key in scheme.domain_keys}
    for it in scheme.items:
        by_domain[it.domain].append({"key": it.key, "label": it.label, "prompt": it.prompt})
    return {
        "name": scheme.name,
        "title": scheme.title,
        "domains": [{"key": d.key, "label": d.label, "items": by_domain[d.key]} for d in scheme.domains],
    }


def resource_data(m: Map) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The snapshot's ``resources`` part of ``m``, and each alter's items (scheme order), in one pass.

    Returns
    -------
    data : dict
        ``{"scheme": scheme_dict(...), "chosen": {item: sorted alter ids, [] for no one, or None: not asked}}``,
        every item of the scheme present.
    by_alter : dict
        ``{alter id: [item keys]}`` for the alters chosen for at least one item.
    """
    scheme = m.resource_scheme
    given = m.resources
    chosen: dict[str, list[str] | None] = {}
    by_alter: dict[str, list[str]] = {}
    for key in scheme.keys:
        ids = given.get(key)
        if ids is None:
            chosen[key] = None
            continue
        chosen[key] = sorted(ids)
        for aid in ids:
            by_alter.setdefault(aid, []).append(key)
    return {"scheme": scheme_dict(scheme), "chosen": chosen}, by_alter


def alter_extras(m: Map, alter: Any, placement: Any, items: list[str], family: frozenset[str]) -> dict[str, Any]:
    """What a snapshot's alter carries for the resources step and the details form.

    ``capital_effective`` (the person's own view if recorded, else the
    default rule: :meth:`egomap.Map.capital`), ``capital_default`` (the rule's
    type, shown as the form's "Default (...)" choice), ``resources`` (the
    items the alter could help with) and ``n_resources`` (their number, the
    count badge). ``family`` is the map's family sector keys.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> a = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    >>> _ = m.update(a, capital="bridging")
    >>> e = alter_extras(m, a, m.placement(a), [], m.sectors.family_keys)
    >>> e["capital_effective"], e["capital_default"], e["n_resources"]
    ('bridging', 'linking', 0)
    """
    effective = m.capital(alter.id)
    if placement.capital is None:
        rule = effective
    else:
        rule = default_capital(
            placement.sector,
            kind=alter.kind,
            is_professional=alter.is_professional,
            met_through=alter.met_through,
            family_sector=placement.sector in family,
        )
    return {"capital_effective": effective, "capital_default": rule, "resources": items, "n_resources": len(items)}


def _names(m: Map, ids: frozenset[str] | None) -> str:
    if not ids:
        return ""
    return ", ".join(a.label for a in m.alters if a.id in ids)


def apply_resource(m: Map, msg: Mapping[str, Any]) -> str:
    """Apply one ``resource`` gesture to ``m``; return what was done, in words (read out by screen readers).

    ``msg`` holds ``item`` (a key of the map's resource scheme) and either
    ``toggle`` (an alter id: chosen for the item, or taken off it; taking off
    the last one leaves the item *not asked*, since "no one" is said with its
    own button) or ``alters`` (a list of alter ids, ``[]`` for "no one", or
    ``None`` for "not asked").

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> item = m.resource_scheme.keys[0]
    >>> apply_resource(m, {"item": item, "alters": []}).endswith("no one could help")
    True
    >>> m.resource(item)
    frozenset()
    """
    scheme = m.resource_scheme
    item = scheme.item(msg.get("item"))
    label = item.label
    if "toggle" in msg:
        aid = msg.get("toggle")
        if not isinstance(aid, str) or aid not in m.placements:
            raise NotFoundError(f"no alter with id {aid!r} on map {m.label!r}")
        now = set(m.resource(item.key) or ())
        name = m.alter(aid).label
        if aid in now:
            now.discard(aid)
            done = f"Took {name} off {label}"
        else:
            now.add(aid)
            done = f"{name} could help with {label}"
        m.set_resource(item.key, now or None)
        after = m.resource(item.key)
        return f"{done}. Could help: {_names(m, after)}" if after else f"{done}. Nobody chosen: not asked"
    if "alters" not in msg:
        raise ValidationError("a resource gesture needs 'toggle' or 'alters'", field="alters")
    alters = msg.get("alters")
    if alters is None:
        m.set_resource(item.key, None)
        return f"{label}: not asked"
    if not isinstance(alters, list):
        raise ValidationError(
            f"alters must be a list of alter ids or null, got {alters!r}", field="alters", value=alters
        )
    m.set_resource(item.key, alters)
    after = m.resource(item.key)
    return f"{label}: could help: {_names(m, after)}" if after else f"{label}: no one could help"


def apply_review_resource(m: Map, msg: Mapping[str, Any]) -> str:
    """Review mode: could the alter ``msg["id"]`` still help with ``msg["item"]``? (``msg["still"]``: True or False).

    True puts the alter (back) on the item; False takes them off it. Taken
    off the last one, the item stays asked and becomes "no one" -- it was
    asked at the earlier time point -- as when an alter is removed from the
    map (:meth:`egomap.Map.remove_alter`). One undoable edit
    (:meth:`egomap.Map.set_resource`), saved before this returns; nothing
    when nothing changes.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.Person("R-1")
    >>> base = p.new_map("Baseline")
    >>> sam = base.add_alter("Sam", ring=1, sector="friends")
    >>> item = base.resource_scheme.keys[0]
    >>> base.set_resource(item, [sam])
    >>> six = p.new_map("6 months", copy_from=base)
    >>> apply_review_resource(six, {"id": sam.id, "item": item, "still": False}).startswith("Sam no longer")
    True
    >>> six.resource(item)
    frozenset()
    >>> _ = apply_review_resource(six, {"id": sam.id, "item": item, "still": True})
    >>> six.resource(item) == {sam.id}
    True
    """
    aid = msg.get("id")
    if not isinstance(aid, str) or aid not in m.placements:
        raise NotFoundError(f"no alter with id {aid!r} on map {m.label!r}")
    item = m.resource_scheme.item(msg.get("item"))
    still = msg.get("still")
    if not isinstance(still, bool):
        raise ValidationError(f"still must be true or false, got {still!r}", field="still", value=still)
    name, label = m.alter(aid).label, item.label
    given = m.resource(item.key)
    now = set(given or ())
    if still:
        now.add(aid)
        m.set_resource(item.key, sorted(now))
        return f"{name} could still help with {label}"
    if given is None:  # not asked on this map: there is nobody to take off
        return f"{name} no longer helps with {label}"
    now.discard(aid)
    m.set_resource(item.key, sorted(now))  # [] is "no one": the item was asked
    return f"{name} no longer helps with {label}" + ("" if now else ". No one could help with it now")


def review_items_said(m: Map, aid: str, before: list[str]) -> str:
    """What review mode kept and dropped of one alter's items, in words; ``""`` when nothing was dropped.

    ``before`` are the items the alter could help with on the earlier map
    (:meth:`egomap.widget.snapshot.PreviousRings.resources`).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("6 months")
    >>> sam = m.add_alter("Sam", ring=1, sector="friends")
    >>> a, b = m.resource_scheme.keys[:2]
    >>> m.set_resource(a, [sam]); m.set_resource(b, [])
    >>> review_items_said(m, sam.id, [a, b]) == f"; could still help with 1 of 2 items, no longer with {m.resource_scheme.item(b).label}"
    True
    >>> review_items_said(m, sam.id, [a])
    ''
    """
    if not before:
        return ""
    have = m.resources
    dropped = [k for k in before if aid not in have.get(k, ())]
    if not dropped:
        return ""
    labels = ", ".join(m.resource_scheme.item(k).label for k in dropped)
    n = len(before)
    return f"; could still help with {n - len(dropped)} of {n} {'item' if n == 1 else 'items'}, no longer with {labels}"


def resource_review_counts(m: Map, before: Mapping[str, list[str]]) -> dict[str, int]:
    """Of what the alters still on ``m`` could help with on the earlier map: how much is kept, how much dropped.

    ``before`` is ``{alter id: [item keys]}`` on the earlier map
    (:meth:`egomap.widget.snapshot.PreviousRings.resources`). An alter no
    longer on the map is left out (review mode says they were removed).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("6 months")
    >>> sam = m.add_alter("Sam", ring=1, sector="friends")
    >>> a, b = m.resource_scheme.keys[:2]
    >>> m.set_resource(a, [sam])
    >>> resource_review_counts(m, {sam.id: [a, b], "gone": [a]})
    {'kept': 1, 'dropped': 1}
    """
    have = m.resources
    placements = m.placements
    kept = dropped = 0
    for aid, keys in before.items():
        if aid not in placements:
            continue
        for k in keys:
            if aid in have.get(k, ()):
                kept += 1
            else:
                dropped += 1
    return {"kept": kept, "dropped": dropped}
