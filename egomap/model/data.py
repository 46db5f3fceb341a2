"""The plain data of a map: alters, placements, ties, goals, and the edits that change them.

:class:`Alter` and :class:`Placement` are made from the vocabulary
(:mod:`egomap.fields`): each attribute declared there is a field here, with
its default. An *edit* is a small JSON-able dict (``{"op": "update", ...}``)
that :func:`apply_edit` applies to a :class:`MapState`.

Examples
--------
>>> from egomap.model.data import Alter, Placement, MapState, apply_edit
>>> st = MapState()
>>> apply_edit(st, {"op": "add_alter", "alter": {"id": "a1", "label": "Mum"},
...                 "placement": {"alter_id": "a1", "ring": 0, "sector": "household", "angle": 10.0, "radius": 0.3}})
>>> st.alters["a1"].kind, st.placements["a1"].valence, st.placements["a1"].known_for
('person', None, None)
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from egomap import fields as _fields
from egomap.errors import ValidationError

__all__ = [
    "Alter",
    "Placement",
    "Tie",
    "Goal",
    "MapState",
    "apply_edit",
    "describe_edit",
    "tie_types",
    "tie_entries",
    "resource_items",
    "own_attributes",
    "clean_attributes",
    "RESOURCE_LABEL",
    "new_id",
    "now",
]

_PY_TYPES = {
    "label": str,
    "text": str,
    "choice": "str | None",
    "bool": bool,
    "set": frozenset,
    "int": int,
    "float": float,
    "date": "str | None",
    "list": tuple,
}


#: In the ``labels`` that :func:`describe_edit` takes: the prefix of a resource item's key (its value: the item's label).
RESOURCE_LABEL = "resource:"


def new_id() -> str:
    """A new random identifier (32 hex characters)."""
    return uuid.uuid4().hex


def now() -> str:
    """The current time, UTC, ISO 8601 with milliseconds."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def _record(name: str, key: str, owner: str, doc: str) -> type:
    """A frozen dataclass with ``key`` and the fields of ``owner`` (required ones first, in order)."""
    specs: list[Any] = [(key, str)]
    later: list[Any] = []
    for f in _fields.of(owner):
        if not f.optional and f.default is None:
            specs.append((f.name, _PY_TYPES[f.type]))
        else:
            later.append((f.name, _PY_TYPES[f.type], field(default=f.default)))

    def to_dict(self) -> dict:
        """Plain-data form (sets as sorted lists)."""
        d = {key: getattr(self, key)}
        d.update({f.name: f.to_plain(getattr(self, f.name)) for f in _fields.of(owner)})
        return d

    @classmethod  # type: ignore[misc]
    def from_dict(cls, d: Mapping) -> Any:
        """Inverse of :meth:`to_dict` (missing attributes take their defaults)."""
        known = {key: d[key]}
        for f in _fields.of(owner):
            if f.name in d:
                known[f.name] = f.from_plain(d[f.name])
        return cls(**known)

    cls = dataclasses.make_dataclass(
        name,
        specs + later,
        frozen=True,
        namespace={"to_dict": to_dict, "from_dict": from_dict, "__doc__": doc},
    )
    cls.__module__ = __name__
    return cls


Alter = _record(
    "Alter",
    "id",
    "alter",
    """Someone (or a group, organisation, online community, pet) in the person's life.

    An alter keeps one identity (``id``) across all maps of a person. Alters
    are made by :meth:`Map.add_alter`, which validates every attribute. The
    attributes after ``id`` are the ``alter`` fields of :mod:`egomap.fields`:
    ``label``, ``kind``, ``relationship``, ``is_professional``, ``met_through``.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-030").new_map("Baseline")
    >>> coach = m.add_alter("Dave", ring=2, sector="clubs_groups", relationship="football coach",
    ...                     met_through="Community football")
    >>> coach.kind, coach.met_through
    ('person', 'Community football')
    """,
)

Placement = _record(
    "Placement",
    "alter_id",
    "placement",
    """Where an alter sits on one map, and the attributes that can change over time.

    The attributes after ``alter_id`` are the ``placement`` fields of
    :mod:`egomap.fields`. ``ring``/``sector`` and ``angle``/``radius`` always
    agree (see :func:`egomap.geometry.locate`).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-031").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household", valence="supportive", support_received={"emotional"})
    >>> p = m.placement("Mum")
    >>> p.ring, p.sector, p.valence, sorted(p.support_received)
    (0, 'household', 'supportive', ['emotional'])
    >>> em.geometry.locate(p.angle, p.radius, m.rings, m.sectors)
    (0, 'household')
    """,
)


@dataclass(frozen=True)
class Tie:
    """A link between two alters on one map (``a < b``).

    Examples
    --------
    >>> from egomap.model import Tie
    >>> Tie.of("b2", "a1")
    Tie(a='a1', b='b2')
    """

    a: str
    b: str

    @classmethod
    def of(cls, x: str, y: str) -> Tie:
        """The tie between ``x`` and ``y`` in canonical order."""
        return cls(*sorted((x, y)))


@dataclass(frozen=True)
class Goal:
    """A goal agreed together, e.g. "go to the Tuesday football session".

    Made by :meth:`Map.add_goal`; ``alter_ids`` are the alters the goal is about.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-032").new_map("Baseline")
    >>> g = m.add_goal("Go to the Tuesday football session", steps=["Find the times"])
    >>> g.text, g.steps, g.status
    ('Go to the Tuesday football session', ('Find the times',), 'open')
    """

    id: str
    text: str
    steps: tuple[str, ...] = ()
    status: str = "open"
    alter_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Plain-data form."""
        return {
            "id": self.id,
            "text": self.text,
            "steps": list(self.steps),
            "status": self.status,
            "alter_ids": list(self.alter_ids),
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> Goal:
        """Inverse of :meth:`to_dict`."""
        return cls(
            d["id"], d["text"], tuple(d.get("steps") or ()), d.get("status", "open"), tuple(d.get("alter_ids") or ())
        )


@dataclass
class MapState:
    """Everything on one map, in memory: what a store loads and returns.

    ``info`` holds the map's ``label``, ``date`` and ``notes``. ``ties`` maps
    each tie to its types (the ``tie`` field ``types`` of
    :mod:`egomap.fields`: a frozenset, empty for ties drawn in egomap).
    ``resources`` maps each item of the map's resource scheme that was asked
    about to the ids of the alters who could provide it: an item missing is
    "not asked", an empty frozenset "no one". ``met_through_activity`` is
    empty unless the store hides ``met_through`` (a researcher's view of a
    team store): then, for each alter, whether it names an activity (all the
    default capital rule needs of it).
    """

    alters: dict[str, Alter] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)
    ties: dict[Tie, frozenset[str]] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, frozenset[str]] = field(default_factory=dict)
    met_through_activity: dict[str, bool] = field(default_factory=dict)

    def copy(self) -> MapState:
        """A copy that can be changed without changing this one (the records themselves are frozen)."""
        return MapState(
            dict(self.alters),
            dict(self.placements),
            dict(self.ties),
            dict(self.goals),
            dict(self.info),
            dict(self.resources),
            dict(self.met_through_activity),
        )


def tie_types(state: MapState, tie: Tie) -> frozenset[str]:
    """The types of a tie on a map (empty if it has none or is not there).

    Examples
    --------
    >>> st = MapState(ties={Tie("a1", "b2"): frozenset({"Close"})})
    >>> sorted(tie_types(st, Tie.of("b2", "a1"))), tie_types(st, Tie("a1", "c3"))
    (['Close'], frozenset())
    """
    return frozenset(state.ties.get(tie) or ())


def tie_entries(state: MapState, alter_id: str) -> list[list]:
    """An alter's ties as an ``add_alter`` edit lists them: ``[a, b]``, or ``[a, b, types]`` if it has types.

    Examples
    --------
    >>> st = MapState(ties={Tie("a1", "b2"): frozenset({"Close"}), Tie("a1", "c3"): frozenset()})
    >>> tie_entries(st, "a1")
    [['a1', 'b2', ['Close']], ['a1', 'c3']]
    """
    out: list[list] = []
    for t, types in state.ties.items():
        if alter_id in (t.a, t.b):
            out.append([t.a, t.b, sorted(types)] if types else [t.a, t.b])
    return out


def resource_items(state: MapState, alter_id: str) -> list[str]:
    """The items an alter could help with on a map (as a ``remove_alter`` inverse carries them).

    Examples
    --------
    >>> st = MapState(resources={"lend_money": frozenset({"a1", "b2"}), "advice_job": frozenset({"b2"})})
    >>> resource_items(st, "a1"), resource_items(st, "c3")
    (['lend_money'], [])
    """
    return [k for k, ids in state.resources.items() if alter_id in ids]


def _types(edit: Mapping) -> frozenset[str]:
    return frozenset(edit.get("types") or ())


def own_attributes(attributes: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """The attributes of ``owner`` among those ``add_alter`` takes; any other is an error naming it.

    Examples
    --------
    >>> own_attributes({"known_for": "1-5 years", "kind": "group"}, "placement")
    {'known_for': '1-5 years'}
    """
    known = _fields.names("alter") + _fields.names("placement")
    taken = [k for k in known if k not in _fields.POSITION and k != "reviewed"]
    for k in attributes:
        if k not in taken:
            why = "is set with update() once the alter is on the map" if k in known else "is not an attribute"
            raise ValidationError(f"{k!r} {why}; add_alter takes {', '.join(taken)}", field=k)
    return {k: v for k, v in attributes.items() if k in _fields.names(owner)}


def clean_attributes(owner: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Each value checked by its field of ``owner``.

    Examples
    --------
    >>> clean_attributes("placement", {"valence": "Supportive "})
    {'valence': 'supportive'}
    """
    return {k: _fields.field(owner, k).clean(v) for k, v in values.items()}


# --------------------------------------------------------------------------- edits


def apply_edit(state: MapState, edit: Mapping) -> None:
    """Apply one edit (as built by :class:`Map`) to an in-memory map state."""
    op = edit["op"]
    if op == "add_alter":
        a = Alter.from_dict(edit["alter"])
        state.alters[a.id] = a
        state.placements[a.id] = Placement.from_dict(edit["placement"])
        for t in edit.get("ties", ()):
            state.ties[Tie.of(t[0], t[1])] = frozenset(t[2] if len(t) > 2 else ())
        for k in edit.get("resources", ()):
            state.resources[k] = state.resources.get(k, frozenset()) | {a.id}
    elif op == "remove_alter":
        aid = edit["alter_id"]
        state.alters.pop(aid, None)
        state.placements.pop(aid, None)
        for t in [t for t in state.ties if aid in (t.a, t.b)]:
            del state.ties[t]
        for k in resource_items(state, aid):  # the item stays asked: it may become "no one"
            state.resources[k] = state.resources[k] - {aid}
    elif op == "set_resource":
        if edit["alters"] is None:
            state.resources.pop(edit["item"], None)
        else:
            state.resources[edit["item"]] = frozenset(edit["alters"])
    elif op == "update":
        aid = edit["alter_id"]
        if edit.get("alter"):
            state.alters[aid] = replace(state.alters[aid], **edit["alter"])
        if edit.get("placement"):
            changed = {k: _fields.field("placement", k).from_plain(v) for k, v in edit["placement"].items()}
            state.placements[aid] = replace(state.placements[aid], **changed)
    elif op == "add_tie":
        state.ties[Tie.of(edit["a"], edit["b"])] = _types(edit)
    elif op == "set_tie_types":
        state.ties[Tie.of(edit["a"], edit["b"])] = _types(edit)
    elif op == "remove_tie":
        state.ties.pop(Tie.of(edit["a"], edit["b"]), None)
    elif op == "add_goal":
        g = Goal.from_dict(edit["goal"])
        state.goals[g.id] = g
    elif op == "remove_goal":
        state.goals.pop(edit["goal_id"], None)
    elif op == "update_goal":
        changed = dict(edit["fields"])
        for k in ("steps", "alter_ids"):
            if k in changed:
                changed[k] = tuple(changed[k])
        state.goals[edit["goal_id"]] = replace(state.goals[edit["goal_id"]], **changed)
    elif op == "update_map":
        state.info.update(edit["fields"])
    elif op == "batch":
        for e in edit["edits"]:
            apply_edit(state, e)
    else:  # pragma: no cover - edits are built here
        raise ValueError(f"unknown edit {op!r}")


def describe_edit(edit: Mapping, labels: Mapping[str, str] | None = None) -> str:
    """A short human description of an edit, e.g. ``"move Mum"``.

    Examples
    --------
    >>> describe_edit({"op": "update", "alter_id": "a1", "placement": {"ring": 2}}, {"a1": "Mum"})
    'move Mum'
    >>> edit = {"op": "set_resource", "item": "lend_money", "alters": ["a1"]}
    >>> describe_edit(edit, {RESOURCE_LABEL + "lend_money": "Lend a small sum of money"}), describe_edit(edit)
    ('record who could help with lend a small sum of money', 'record who could help with lend money')
    """
    labels = labels or {}
    op = edit["op"]

    def name(aid: str) -> str:
        return labels.get(aid, "someone")

    if op == "add_alter":
        return f"add {edit['alter']['label']}"
    if op == "remove_alter":
        return f"remove {name(edit['alter_id'])}"
    if op == "update":
        keys = set(edit.get("placement", {})) | set(edit.get("alter", {}))
        lbl = edit.get("alter", {}).get("label") or name(edit["alter_id"])
        if keys & set(_fields.POSITION) and not keys - set(_fields.POSITION):
            return f"move {name(edit['alter_id'])}"
        return f"edit {lbl}"
    if op in ("add_tie", "remove_tie"):
        verb = "link" if op == "add_tie" else "unlink"
        return f"{verb} {name(edit['a'])} and {name(edit['b'])}"
    if op == "set_tie_types":
        return "set the tie types of " + " and ".join(sorted((name(edit["a"]), name(edit["b"]))))
    if op == "set_resource":
        what = labels.get(RESOURCE_LABEL + edit["item"]) or edit["item"].replace("_", " ")
        if what[1:2].islower():  # "Lend a small sum" reads on in lower case; "GP advice" keeps its capitals
            what = what[0].lower() + what[1:]
        return f"record who could help with {what}"
    if op == "add_goal":
        return f"add goal {edit['goal']['text'][:40]!r}"
    if op == "remove_goal":
        return "remove goal"
    if op == "update_goal":
        return "edit goal"
    if op == "update_map":
        return "edit map details"
    if op == "batch":
        return edit.get("description") or "several changes"
    return op
