"""Persons, alters, maps, placements, ties and goals: plain data and validation.

This package knows nothing of storage, widgets or plotting. A :class:`Map`
and a :class:`Person` hold their data in memory and describe every change as
an *edit* (a small JSON-able dict). Where each edit goes is decided by a
backend (:mod:`egomap.model.backend`): :class:`MemoryBackend` keeps
everything in memory (and gives undo and redo), and :class:`egomap.store.Store`
commits each edit before the call returns. Every attribute is declared once,
in :mod:`egomap.fields`.

Examples
--------
>>> import egomap as em
>>> p = em.Person("R-001")                      # an in-memory person (no store)
>>> m = p.new_map("Baseline", date="2026-01-12")
>>> mum = m.add_alter("Mum", ring=0, sector="household", relationship="mother")
>>> gran = m.add_alter("Gran", ring=1, sector="family")
>>> m.add_tie(mum, "Gran")
Tie(a=..., b=...)
>>> m.move(mum, ring=1, sector="family")
Placement(...)
>>> m.placement(mum).ring
1
>>> m.undo()
'move Mum'
>>> m.placement("Mum").ring
0
"""

from egomap.fields import CONTACTS, GOAL_STATUSES, KINDS, KNOWN_FOR, MAX_LABEL, MAX_TEXT, SUPPORT_TYPES, VALENCES
from egomap.fields import names as _names
from egomap.model.backend import Backend, MemoryBackend, StaleRevision
from egomap.model.data import Alter, Goal, MapState, Placement, Tie, apply_edit, describe_edit, new_id, now
from egomap.model.map import Map, map_index
from egomap.model.person import Person

__all__ = [
    "KINDS",
    "SUPPORT_TYPES",
    "VALENCES",
    "CONTACTS",
    "KNOWN_FOR",
    "GOAL_STATUSES",
    "MAX_LABEL",
    "MAX_TEXT",
    "ALTER_FIELDS",
    "PLACEMENT_FIELDS",
    "Alter",
    "Placement",
    "Tie",
    "Goal",
    "MapState",
    "Map",
    "map_index",
    "Person",
    "Backend",
    "MemoryBackend",
    "StaleRevision",
    "apply_edit",
    "describe_edit",
    "new_id",
    "now",
]

#: Stable attributes of an alter (the same on every map).
ALTER_FIELDS = _names("alter")
#: Attributes of a placement (per map).
PLACEMENT_FIELDS = _names("placement")
