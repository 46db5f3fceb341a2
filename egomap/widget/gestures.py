"""What the widget does with a gesture: apply it to the map, then answer the front-end.

The front-end sends one request per *completed* gesture (pointer up, Enter,
a button), e.g. ``{"type": "move", "req": 7, "id": ..., "angle": 80.0,
"radius": 0.9}``. :func:`handle` applies it through the :class:`egomap.Map`
API -- which commits to the store before it returns -- and answers in two
updates of the widget's traits: first ``status`` (``"saved"`` or
``"error: ..."``) and ``ack`` (the request handled), then the fresh ``data``
snapshot, whose ``data["ack"]`` names the request it includes. If a save
fails the map is unchanged, so the snapshot shows the store's truth.

Examples
--------
>>> import egomap as em
>>> m = em.Person("R-017").new_map("Baseline")
>>> a = m.add_alter("Mum", ring=0, sector="household")
>>> w = em.MapWidget(m)
>>> handle(w, {"type": "place", "req": 4, "id": a.id, "ring": 1, "sector": "family"})
>>> (w.status, w.ack, w.last_action)
('saved', 4, 'Moved Mum to Middle circle, Family')
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from egomap import fields as _fields
from egomap.errors import EgomapError, NotFoundError, SaveError, ValidationError
from egomap.model import Map
from egomap.widget.resources import apply_resource, apply_review_resource, resource_review_counts, review_items_said
from egomap.widget.snapshot import snapshot

__all__ = ["EDITABLE", "handle", "apply", "review", "review_counts", "next_unreviewed"]

_log = logging.getLogger(__name__)

#: Attributes the details form may change (from the vocabulary: alter fields, then placement fields).
EDITABLE = tuple(f.name for f in _fields.editable())
# A drop is kept this far inside the disc so that a marker never sits on the
# person or off the edge (fractions of the outer radius).
_EDGE_MARGIN = 0.03
# ... and this far outside the person's disc: a full-size marker (radius 0.052) never sits on it.
_CENTRE_MARGIN = 0.055


def handle(w: Any, msg: Mapping[str, Any]) -> None:
    """Apply one gesture message to ``w.map`` and send the answer, then the snapshot, to the front-end.

    ``w`` is a :class:`~egomap.MapWidget` (see :meth:`~egomap.MapWidget.handle`
    for the message types). A bad message or a failed save sets
    ``w.status`` to ``"error: ..."``; the map (and the snapshot sent back)
    then stays as the store holds it.
    """
    req = msg.get("req", 0)
    req = req if isinstance(req, int) and not isinstance(req, bool) else 0
    status = "saved"
    action = ""
    selected = w.selected
    reviewing = w.reviewing
    m: Map = w.map
    try:
        if w.read_only and msg.get("type") not in ("refresh",):
            raise ValidationError("this map is shown read-only", field="read_only")
        action, selected, reviewing = apply(w, msg, selected, reviewing)
    except SaveError as e:
        status = (
            f"error: not saved - {e}. The map shows what the store holds; "
            "check the store file, then press Try again to save this change."
        )
    except EgomapError as e:
        status = f"error: {e}"
    except Exception as e:  # a bug must never look like a save
        _log.exception("MapWidget could not apply %r", msg)
        status = f"error: {type(e).__name__}: {e}"
    if selected and selected not in m.placements:
        selected = ""
    if reviewing and reviewing not in m.placements:
        reviewing = next_unreviewed(m)
    try:
        can_undo, can_redo = m.can_undo, m.can_redo
    except EgomapError:
        can_undo = can_redo = False
    # 1. the answer ("saved" or the error), small, as soon as the store has it
    with w.hold_sync():
        w.can_undo, w.can_redo = can_undo, can_redo
        w.last_action = action if status == "saved" else ""
        w.status = status
        w.ack = req
    # 2. the map as the store now holds it
    data = snapshot(m, w.person_label, w.previous, modes=(w.label_mode,))
    data["ack"] = req
    with w.hold_sync():
        w.data = data
        w.selected = selected
        w.reviewing = reviewing


def _name(m: Map, aid: str) -> str:
    return m.alter(aid).label


def _where(m: Map, aid: str) -> str:
    p = m.placement(aid)
    return f"{m.rings.rings[p.ring].label}, {m.sectors.label(p.sector)}"


def _id(m: Map, ref: object) -> str:
    if not isinstance(ref, str) or ref not in m.placements:
        raise NotFoundError(f"no alter with id {ref!r} on map {m.label!r}")
    return ref


def apply(w: Any, msg: Mapping[str, Any], selected: str, reviewing: str) -> tuple[str, str, str]:
    """Apply one message to ``w.map``; return what was done (in words), the selected and the reviewed alter."""
    m: Map = w.map
    kind = msg.get("type")
    if kind == "move":
        aid = _id(m, msg.get("id"))
        angle, radius = (
            _fields.check_number(msg.get("angle"), "angle"),
            _fields.check_number(msg.get("radius"), "radius"),
        )
        lo = m.rings.band(0)[0] + _CENTRE_MARGIN
        radius = min(max(radius, lo), 1.0 - _EDGE_MARGIN)
        m.move(aid, angle=angle, radius=radius)
        return f"Moved {_name(m, aid)} to {_where(m, aid)}", selected, reviewing
    if kind == "place":
        aid = _id(m, msg.get("id"))
        m.move(aid, ring=msg.get("ring"), sector=msg.get("sector"))
        return f"Moved {_name(m, aid)} to {_where(m, aid)}", selected, reviewing
    if kind == "add":
        ring = msg.get("ring")
        sector = msg.get("sector") or None
        if msg.get("angle") is not None or msg.get("radius") is not None:
            a = m.add_alter(msg.get("label"), angle=msg.get("angle"), radius=msg.get("radius"))
        else:
            if ring is None:
                ring = len(m.rings) - 1
            if sector is None:
                sector = m.sectors.keys[0]
            a = m.add_alter(msg.get("label"), ring=ring, sector=sector)
        return f"Added {a.label} to {_where(m, a.id)}", a.id, reviewing
    if kind == "update":
        aid = _id(m, msg.get("id"))
        fields = msg.get("fields")
        if not isinstance(fields, Mapping) or not fields:
            raise ValidationError("update needs the fields to change", field="fields")
        unknown = sorted(set(fields) - set(EDITABLE))
        if unknown:
            raise ValidationError(f"cannot edit {unknown[0]!r} here", field=unknown[0])
        m.update(aid, **dict(fields))
        return f"Saved details of {_name(m, aid)}", selected, reviewing
    if kind == "remove":
        aid = _id(m, msg.get("id"))
        name = _name(m, aid)
        m.remove_alter(aid)
        return f"Removed {name} from the map", ("" if selected == aid else selected), reviewing
    if kind == "tie":
        a, b = _id(m, msg.get("a")), _id(m, msg.get("b"))
        now = m.toggle_tie(a, b)
        verb = "Linked" if now else "Unlinked"
        return f"{verb} {_name(m, a)} and {_name(m, b)}", selected, reviewing
    if kind == "resource":
        return apply_resource(m, msg), selected, reviewing
    if kind in ("undo", "redo"):
        what = m.undo() if kind == "undo" else m.redo()
        if what is None:
            return f"Nothing to {kind}", selected, reviewing
        return f"{'Undid' if kind == 'undo' else 'Redid'}: {what}", selected, reviewing
    if kind == "review_start":
        if not m.copied_from:
            raise ValidationError("review is for a follow-up map (one copied from an earlier map)", field="review")
        nxt = next_unreviewed(m)
        w.review_counts = review_counts(m, w.previous.places())
        if not nxt:
            return "Everyone on this map has been reviewed", selected, ""
        return f"Reviewing {_name(m, nxt)}", nxt, nxt
    if kind == "review_stop":
        return "Review stopped", selected, ""
    if kind == "review":
        return review(w, msg)
    if kind == "review_resource":
        return apply_review_resource(m, msg), selected, reviewing
    if kind == "refresh":
        m.refresh()
        return "", selected, reviewing
    raise ValidationError(f"unknown widget message type {kind!r}", field="type", value=kind)


def review(w: Any, msg: Mapping[str, Any]) -> tuple[str, str, str]:
    """One step of review mode: keep, move closer or further, or remove the alter ``msg["id"]``.

    What is said names the items (copied forward from the earlier map) the
    alter no longer helps with, if any, and the summary at the end the items
    kept and dropped over the whole map, when any was dropped.
    """
    m: Map = w.map
    aid = _id(m, msg.get("id"))
    action = msg.get("action")
    name = _name(m, aid)
    items_before = w.previous.resources()
    if action == "keep":
        m.update(aid, reviewed=True)
        said = f"{name} stays where they are" + review_items_said(m, aid, items_before.get(aid, []))
    elif action in ("closer", "further"):
        ring = m.placement(aid).ring + (-1 if action == "closer" else 1)
        if not 0 <= ring < len(m.rings):
            edge = "innermost" if action == "closer" else "outermost"
            raise ValidationError(f"{name} is already in the {edge} circle", field="ring", value=ring)
        m.update(aid, ring=ring, reviewed=True)
        said = f"{name} moved {action} ({_where(m, aid)})" + review_items_said(m, aid, items_before.get(aid, []))
    elif action == "remove":
        m.remove_alter(aid)
        said = f"{name} is no longer on the map"
    else:
        raise ValidationError(
            f"unknown review action {action!r}: expected keep, closer, further or remove", field="action"
        )
    counts = w.review_counts = review_counts(m, w.previous.places())
    nxt = next_unreviewed(m)
    if not nxt:
        said += f". Review finished: {counts['kept']} kept, {counts['moved']} moved, {counts['removed']} removed"
        res = resource_review_counts(m, items_before)
        if res["dropped"]:
            said += f". What people could help with: {res['kept']} kept, {res['dropped']} dropped"
    return said, nxt, nxt


def review_counts(m: Map, before: Mapping[str, tuple[int, str]]) -> dict[str, int]:
    """Kept, moved and removed alters of a follow-up map, as the store records them.

    Compared with ``before`` (``{alter id: (ring, sector)}`` on the map it
    was copied from): *kept* = reviewed and in the same ring and sector (or
    new since then), *moved* = reviewed and in another ring or sector,
    *removed* = on the earlier map but not on this one.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("6 months")
    >>> a = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.update(a, reviewed=True)
    >>> review_counts(m, {a.id: (1, "household"), "gone": (2, "friends")})
    {'kept': 0, 'moved': 1, 'removed': 1}
    """
    kept = moved = 0
    placements = m.placements
    for aid, p in placements.items():
        if not p.reviewed:
            continue
        was = before.get(aid)
        if was is not None and was != (p.ring, p.sector):
            moved += 1
        else:
            kept += 1
    return {"kept": kept, "moved": moved, "removed": len(set(before) - set(placements))}


def next_unreviewed(m: Map) -> str:
    """Id of the first alter not yet reviewed ("" when all are)."""
    for aid, p in m.placements.items():
        if not p.reviewed:
            return aid
    return ""
