"""Persons, alters, maps, placements, ties and goals: plain data and validation.

This module knows nothing of storage, widgets or plotting. A :class:`Map`
and a :class:`Person` hold their data in memory and describe every change as
an *edit* (a small JSON-able dict). Where each edit goes is decided by a
backend: :class:`MemoryBackend` keeps everything in memory (and gives undo and
redo), and :class:`egomap.store.Store` commits each edit to SQLite before the
call returns.

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

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from egomap import schemes as _schemes
from egomap.errors import DuplicateError, NotFoundError, ValidationError

__all__ = [
    "KINDS",
    "SUPPORT_TYPES",
    "VALENCES",
    "CONTACTS",
    "GOAL_STATUSES",
    "MAX_LABEL",
    "ALTER_FIELDS",
    "PLACEMENT_FIELDS",
    "Alter",
    "Placement",
    "Tie",
    "Goal",
    "Map",
    "Person",
    "Backend",
    "MemoryBackend",
    "apply_edit",
    "describe_edit",
    "new_id",
]

#: Kinds of alter.
KINDS = ("person", "group", "organisation", "online", "pet")
#: Types of support received from or given to an alter.
SUPPORT_TYPES = ("emotional", "practical", "information", "companionship")
#: How a relationship feels.
VALENCES = ("supportive", "mixed", "stressful")
#: How often the person is in contact with the alter.
CONTACTS = ("daily", "weekly", "monthly", "less often")
#: Status of a goal.
GOAL_STATUSES = ("open", "in progress", "done", "dropped")
#: Longest label accepted (characters).
MAX_LABEL = 80
#: Longest note or goal text accepted (characters).
MAX_TEXT = 5000
#: Stable attributes of an alter (the same on every map).
ALTER_FIELDS = ("label", "kind", "relationship", "is_professional", "met_through")
#: Attributes of a placement (per map).
PLACEMENT_FIELDS = (
    "ring",
    "sector",
    "angle",
    "radius",
    "support_received",
    "support_given",
    "valence",
    "contact",
    "note",
    "reviewed",
)
_POSITION_FIELDS = ("ring", "sector", "angle", "radius")


def new_id() -> str:
    """A new random identifier (32 hex characters)."""
    return uuid.uuid4().hex


# --------------------------------------------------------------------------- validation


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _label(value: object, field: str = "label", *, max_len: int = MAX_LABEL) -> str:
    """Clean a label (one line, no control characters) or a longer text (line breaks allowed)."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__} {value!r}", field=field, value=value)
    text = value.strip()
    if not text:
        raise ValidationError(f"{field} must not be empty", field=field, value=value)
    if (_CONTROL if max_len <= MAX_LABEL else _CONTROL_MULTILINE).search(text):
        raise ValidationError(f"{field} must not contain control characters: {text[:30]!r}", field=field, value=value)
    if len(text) > max_len:
        raise ValidationError(
            f"{field} is too long ({len(text)} characters; at most {max_len}): {text[:30]!r}...",
            field=field,
            value=value,
        )
    return text


def _text(value: object, field: str, *, max_len: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__} {value!r}", field=field, value=value)
    if len(value) > max_len:
        raise ValidationError(f"{field} is too long ({len(value)} characters; at most {max_len})", field=field)
    return value.strip() if field != "note" else value


def _choice(value: object, choices: tuple[str, ...], field: str, *, optional: bool = False) -> str | None:
    if value is None or value == "":
        if optional:
            return None
        raise ValidationError(f"{field} is required: one of {', '.join(choices)}", field=field, value=value)
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise ValidationError(f"unknown {field} {value!r}: expected one of {', '.join(choices)}", field=field, value=value)


def _bool(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValidationError(f"{field} must be True or False, got {value!r}", field=field, value=value)


def _support(value: object, field: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        items: Iterable[object] = [v for v in value.replace(";", ",").split(",") if v.strip()]
    elif isinstance(value, Iterable):
        items = value
    else:
        raise ValidationError(
            f"{field} must be a set of {', '.join(SUPPORT_TYPES)}, got {value!r}", field=field, value=value
        )
    out = set()
    for v in items:
        if not isinstance(v, str) or v.strip().lower() not in SUPPORT_TYPES:
            raise ValidationError(
                f"unknown {field} type {v!r}: expected any of {', '.join(SUPPORT_TYPES)}",
                field=field,
                value=v,
            )
        out.add(v.strip().lower())
    return frozenset(out)


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValidationError(f"{field} must be a finite number, got {value!r}", field=field, value=value)
    return float(value)


def _date(value: object, field: str = "date") -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ValidationError(f"{field} must be a date like '2026-01-12', got {value!r}", field=field, value=value)


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Alter:
    """Someone (or a group, organisation, online community, pet) in the person's life.

    An alter keeps one identity (``id``) across all maps of a person. Alters
    are made by :meth:`Map.add_alter`, which validates every attribute.

    Attributes
    ----------
    id : str
    label : str
        As the person wants it shown: a name, initials or a nickname.
    kind : str
        One of ``KINDS``: person, group, organisation, online, pet.
    relationship : str
        Free text, e.g. ``"mother"``, ``"football coach"``.
    is_professional : bool
        Paid or formal support.
    met_through : str
        The activity, group or agency where they met.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-030").new_map("Baseline")
    >>> coach = m.add_alter("Dave", ring=2, sector="clubs_groups", relationship="football coach",
    ...                     met_through="Community football")
    >>> coach.kind, coach.met_through
    ('person', 'Community football')
    """

    id: str
    label: str
    kind: str = "person"
    relationship: str = ""
    is_professional: bool = False
    met_through: str = ""

    def to_dict(self) -> dict:
        """Plain-data form."""
        return asdict(self)


@dataclass(frozen=True)
class Placement:
    """Where an alter sits on one map, and the attributes that can change over time.

    ``ring``/``sector`` and ``angle``/``radius`` always agree (see
    :func:`egomap.schemes.locate`).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-031").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household", valence="supportive", support_received={"emotional"})
    >>> p = m.placement("Mum")
    >>> p.ring, p.sector, p.valence, sorted(p.support_received)
    (0, 'household', 'supportive', ['emotional'])
    >>> em.schemes.locate(p.angle, p.radius, m.rings, m.sectors)
    (0, 'household')
    """

    alter_id: str
    ring: int
    sector: str
    angle: float
    radius: float
    support_received: frozenset[str] = frozenset()
    support_given: frozenset[str] = frozenset()
    valence: str | None = None
    contact: str | None = None
    note: str = ""
    reviewed: bool = False

    def to_dict(self) -> dict:
        """Plain-data form (support types as sorted lists)."""
        d = asdict(self)
        d["support_received"] = sorted(self.support_received)
        d["support_given"] = sorted(self.support_given)
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> Placement:
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        d["support_received"] = frozenset(d.get("support_received") or ())
        d["support_given"] = frozenset(d.get("support_given") or ())
        return cls(**{k: d[k] for k in ("alter_id", *PLACEMENT_FIELDS) if k in d})


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
    """Everything on one map, in memory."""

    alters: dict[str, Alter] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)
    ties: dict[Tie, None] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- edits


def apply_edit(state: MapState, edit: Mapping) -> None:
    """Apply one edit (as built by :class:`Map`) to an in-memory map state."""
    op = edit["op"]
    if op == "add_alter":
        a = Alter(**edit["alter"])
        state.alters[a.id] = a
        state.placements[a.id] = Placement.from_dict(edit["placement"])
        for t in edit.get("ties", ()):
            state.ties[Tie.of(*t)] = None
    elif op == "remove_alter":
        aid = edit["alter_id"]
        state.alters.pop(aid, None)
        state.placements.pop(aid, None)
        for t in [t for t in state.ties if aid in (t.a, t.b)]:
            del state.ties[t]
    elif op == "update":
        aid = edit["alter_id"]
        if edit.get("alter"):
            state.alters[aid] = replace(state.alters[aid], **edit["alter"])
        if edit.get("placement"):
            fields = dict(edit["placement"])
            for k in ("support_received", "support_given"):
                if k in fields:
                    fields[k] = frozenset(fields[k])
            state.placements[aid] = replace(state.placements[aid], **fields)
    elif op == "add_tie":
        state.ties[Tie.of(edit["a"], edit["b"])] = None
    elif op == "remove_tie":
        state.ties.pop(Tie.of(edit["a"], edit["b"]), None)
    elif op == "add_goal":
        g = Goal.from_dict(edit["goal"])
        state.goals[g.id] = g
    elif op == "remove_goal":
        state.goals.pop(edit["goal_id"], None)
    elif op == "update_goal":
        fields = dict(edit["fields"])
        for k in ("steps", "alter_ids"):
            if k in fields:
                fields[k] = tuple(fields[k])
        state.goals[edit["goal_id"]] = replace(state.goals[edit["goal_id"]], **fields)
    elif op == "update_map":
        state.info.update(edit["fields"])
    elif op == "batch":
        for e in edit["edits"]:
            apply_edit(state, e)
    else:  # pragma: no cover - edits are built here
        raise ValueError(f"unknown edit {op!r}")


def describe_edit(edit: Mapping, labels: Mapping[str, str] | None = None) -> str:
    """A short human description of an edit, e.g. ``"move Mum"``."""
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
        if keys & set(_POSITION_FIELDS) and not keys - set(_POSITION_FIELDS):
            return f"move {name(edit['alter_id'])}"
        return f"edit {lbl}"
    if op in ("add_tie", "remove_tie"):
        verb = "link" if op == "add_tie" else "unlink"
        return f"{verb} {name(edit['a'])} and {name(edit['b'])}"
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


class Backend(Protocol):
    """Where a map's and a person's edits go. See :class:`MemoryBackend`."""

    def begin(self, m: Map) -> Any:
        """A write transaction around one edit (a context manager); reloads the map if another writer changed it."""
        ...

    def write(self, m: Map, edit: dict, inverse: dict) -> None:
        """Save one edit and its inverse (and log it) inside the transaction opened by :meth:`begin`."""
        ...

    def undo(self, m: Map) -> tuple[dict, dict] | None:
        """Backend side of :meth:`Map.undo`: save and log the undo of the map's last edit; return (edit, inverse)."""
        ...

    def redo(self, m: Map) -> tuple[dict, dict] | None:
        """Backend side of :meth:`Map.redo`: save and log the redo of the last undone edit; return (edit, inverse)."""
        ...

    def can_undo(self, m: Map) -> bool:
        """Whether the map has an edit to undo."""
        ...

    def can_redo(self, m: Map) -> bool:
        """Whether the map has an undone edit to redo."""
        ...

    def history(self, m: Map) -> list[dict]:
        """The map's edit log, oldest first (see :meth:`Map.history`)."""
        ...

    def person_maps(self, p: Person) -> list[Map]:
        """The person's maps in time order."""
        ...

    def create_map(self, p: Person, m: Map, copy_from: Map | None) -> None:
        """Save a new map (with everything already on it, e.g. copied forward)."""
        ...

    def update_person(self, p: Person, fields: dict) -> None:
        """Save changed person attributes."""
        ...

    def person_alters(self, p: Person) -> dict[str, Alter]:
        """Every alter of the person (on any map), by id."""
        ...

    def sibling_maps(self, m: Map) -> list[Map]:
        """The loaded maps of the same person (so stable alter changes show on all of them)."""
        ...


class _NullTx:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class MemoryBackend:
    """Keeps persons and maps in memory only; undo and redo are kept per map."""

    def __init__(self) -> None:
        self._log: dict[str, list[dict]] = {}
        self._undo: dict[str, list[tuple[dict, dict]]] = {}
        self._redo: dict[str, list[tuple[dict, dict]]] = {}
        self._maps: dict[str, list[Map]] = {}

    def begin(self, m: Map) -> _NullTx:
        """A write transaction around one edit (a context manager); reloads the map if another writer changed it."""
        return _NullTx()

    def write(self, m: Map, edit: dict, inverse: dict) -> None:
        """Save one edit and its inverse (and log it) inside the transaction opened by :meth:`begin`."""
        self._undo.setdefault(m.id, []).append((edit, inverse))
        self._redo[m.id] = []
        self._log.setdefault(m.id, []).append(
            {"time": _now(), "action": "edit", "edit": edit, "description": describe_edit(edit, m._labels())}
        )

    def undo(self, m: Map) -> tuple[dict, dict] | None:
        """Backend side of :meth:`Map.undo`: save and log the undo of the map's last edit; return (edit, inverse)."""
        stack = self._undo.get(m.id)
        if not stack:
            return None
        edit, inverse = stack.pop()
        self._redo.setdefault(m.id, []).append((edit, inverse))
        self._log[m.id].append(
            {"time": _now(), "action": "undo", "edit": inverse, "description": describe_edit(edit, m._labels())}
        )
        return edit, inverse

    def redo(self, m: Map) -> tuple[dict, dict] | None:
        """Backend side of :meth:`Map.redo`: save and log the redo of the last undone edit; return (edit, inverse)."""
        stack = self._redo.get(m.id)
        if not stack:
            return None
        edit, inverse = stack.pop()
        self._undo[m.id].append((edit, inverse))
        self._log[m.id].append(
            {"time": _now(), "action": "redo", "edit": edit, "description": describe_edit(edit, m._labels())}
        )
        return edit, inverse

    def can_undo(self, m: Map) -> bool:
        """Whether the map has an edit to undo."""
        return bool(self._undo.get(m.id))

    def can_redo(self, m: Map) -> bool:
        """Whether the map has an undone edit to redo."""
        return bool(self._redo.get(m.id))

    def history(self, m: Map) -> list[dict]:
        """The map's edit log, oldest first (see :meth:`Map.history`)."""
        return list(self._log.get(m.id, []))

    def person_maps(self, p: Person) -> list[Map]:
        """The person's maps in time order."""
        return list(self._maps.get(p.id, []))

    def create_map(self, p: Person, m: Map, copy_from: Map | None) -> None:
        """Save a new map (with everything already on it, e.g. copied forward)."""
        self._maps.setdefault(p.id, []).append(m)
        self._maps[p.id].sort(key=_map_order)

    def update_person(self, p: Person, fields: dict) -> None:
        """Save changed person attributes."""
        pass

    def sibling_maps(self, m: Map) -> list[Map]:
        """The loaded maps of the same person (so stable alter changes show on all of them)."""
        return list(self._maps.get(m.person.id, []))

    def person_alters(self, p: Person) -> dict[str, Alter]:
        """Every alter of the person (on any map), by id."""
        out: dict[str, Alter] = {}
        for m in self._maps.get(p.id, []):
            out.update(m._state.alters)
        return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


def _map_order(m: Map) -> tuple:
    return (m._state.info.get("date") or "9999-99-99", m._seq)


# --------------------------------------------------------------------------- Map


class Map:
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
        notes: str = "",
        copied_from: str | None = None,
        created: str | None = None,
        backend: Backend,
        seq: int = 0,
    ) -> None:
        self.id = id
        self.person = person
        self.rings = rings
        self.sectors = sectors
        self.copied_from = copied_from
        self.created = created or _now()
        self._backend = backend
        self._seq = seq
        self._rev = 0
        self._state = MapState(info={"label": label, "date": date, "notes": notes})

    # ------------------------------------------------------------------ reading
    @property
    def label(self) -> str:
        """The map's label, e.g. ``"Baseline"``."""
        return self._state.info["label"]

    @property
    def date(self) -> _dt.date | None:
        """The date of the map (or None)."""
        d = self._state.info.get("date")
        return _dt.date.fromisoformat(d) if d else None

    @property
    def notes(self) -> str:
        """Free-text notes on the map."""
        return self._state.info.get("notes") or ""

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
        return {a.id: a.label for a in self._state.alters.values()}

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
            "alters": [a.to_dict() for a in st.alters.values()],
            "placements": [p.to_dict() for p in st.placements.values()],
            "ties": [[t.a, t.b] for t in st.ties],
            "goals": [g.to_dict() for g in st.goals.values()],
        }

    # ------------------------------------------------------------------ editing core
    def _edit(self, build: Callable[[], tuple[dict, dict] | None]) -> dict | None:
        with self._backend.begin(self):
            built = build()
            if built is None:
                return None
            edit, inverse = built
            self._backend.write(self, edit, inverse)
        apply_edit(self._state, edit)
        self._propagate(edit)
        return edit

    def _propagate(self, edit: Mapping) -> None:
        """Stable alter attributes are the same on every map: show a change on the other loaded maps too."""
        if edit["op"] == "update" and edit.get("alter"):
            aid = edit["alter_id"]
            for other in self._backend.sibling_maps(self):
                if other is not self and aid in other._state.alters:
                    other._state.alters[aid] = self._state.alters[aid]
        elif edit["op"] == "batch":
            for e in edit["edits"]:
                self._propagate(e)

    def refresh(self) -> None:
        """Reload from the store if another writer changed this map."""
        with self._backend.begin(self):
            pass

    def _cell_spots(self, ring: int, sector: str, exclude: str | None = None) -> list[tuple[float, float]]:
        return [
            (p.angle, p.radius)
            for aid, p in self._state.placements.items()
            if p.ring == ring and p.sector == sector and aid != exclude
        ]

    def _position(
        self,
        ring: object,
        sector: object,
        angle: object,
        radius: object,
        current: Placement | None = None,
        exclude: str | None = None,
    ) -> dict:
        rings, sectors = self.rings, self.sectors
        if angle is not None or radius is not None:
            a = _number(angle, "angle") % 360.0 if angle is not None else current.angle if current else None
            r = _number(radius, "radius") if radius is not None else current.radius if current else None
            if a is None or r is None:
                raise ValidationError(
                    "give both angle and radius for a new alter", field="angle" if a is None else "radius"
                )
            if r < 0:
                raise ValidationError(f"radius must not be negative, got {r!r}", field="radius", value=r)
            r = min(r, 1.0)
            rr, ss = _schemes.locate(a, r, rings, sectors)
            if ring is not None and rings.check(ring) != rr:
                raise ValidationError(
                    f"ring {ring!r} does not match radius {r!r} (ring {rr})", field="ring", value=ring
                )
            if sector is not None and sectors.check(sector) != ss:
                raise ValidationError(
                    f"sector {sector!r} does not match angle {a!r} (sector {ss!r})", field="sector", value=sector
                )
            return {"ring": rr, "sector": ss, "angle": round(a, 6), "radius": round(r, 6)}
        if current is None:
            rr = rings.check(ring) if ring is not None else len(rings) - 1
            if sector is None:
                if len(sectors) > 1:
                    raise ValidationError(
                        f"sector is required: one of {', '.join(sectors.keys)}", field="sector", value=None
                    )
                sector = sectors.keys[0]
            ss = sectors.check(sector)
        else:
            rr = rings.check(ring) if ring is not None else current.ring
            ss = sectors.check(sector) if sector is not None else current.sector
            if (rr, ss) == (current.ring, current.sector):
                return {}
            if ss == current.sector:  # only the ring changes: keep the angle, same place in band
                lo, hi = rings.band(current.ring)
                frac = min(max((current.radius - lo) / (hi - lo), 0.05), 0.95)
                nlo, nhi = rings.band(rr)
                return {"ring": rr, "radius": round(nlo + frac * (nhi - nlo), 6)}
        a, r = _schemes.spread_position(rr, ss, rings, sectors, taken=self._cell_spots(rr, ss, exclude))
        return {"ring": rr, "sector": ss, "angle": a, "radius": r}

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
                known = self.person._alters()
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
                if aid in self._state.alters or (id is not None and aid in self.person._alters()):
                    raise DuplicateError(f"an alter with id {aid!r} already exists", field="id", value=aid)
                alter = Alter(
                    aid,
                    _label(label),
                    _choice(kind, KINDS, "kind"),  # type: ignore[arg-type]
                    _text(relationship, "relationship", max_len=MAX_LABEL),
                    _bool(is_professional, "is_professional"),
                    _text(met_through, "met_through", max_len=MAX_LABEL * 2),
                )
                new = True
            pos = self._position(ring, sector, angle, radius)
            placement = Placement(
                alter.id,
                pos["ring"],
                pos["sector"],
                pos["angle"],
                pos["radius"],
                _support(support_received, "support_received"),
                _support(support_given, "support_given"),
                _choice(valence, VALENCES, "valence", optional=True),
                _choice(contact, CONTACTS, "contact", optional=True),
                _text(note, "note"),
            )
            edit = {"op": "add_alter", "alter": alter.to_dict(), "placement": placement.to_dict(), "new_alter": new}
            inverse = {"op": "remove_alter", "alter_id": alter.id, "drop_alter": new}
            return edit, inverse

        edit = self._edit(build)
        assert edit is not None
        return self._state.alters[edit["alter"]["id"]]

    def remove_alter(self, ref: Alter | str) -> None:
        """Take an alter off this map (their ties on this map go too).

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
            ties = [[t.a, t.b] for t in self._state.ties if aid in (t.a, t.b)]
            edit = {"op": "remove_alter", "alter_id": aid, "drop_alter": False}
            inverse = {
                "op": "add_alter",
                "alter": self._state.alters[aid].to_dict(),
                "placement": self._state.placements[aid].to_dict(),
                "ties": ties,
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
        ``valence``, ``contact``, ``note``, ``reviewed``; ``ring``, ``sector``,
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
                if k == "label":
                    a_new[k] = _label(v)
                elif k == "kind":
                    a_new[k] = _choice(v, KINDS, "kind")
                elif k == "relationship":
                    a_new[k] = _text(v, k, max_len=MAX_LABEL)
                elif k == "met_through":
                    a_new[k] = _text(v, k, max_len=MAX_LABEL * 2)
                elif k == "is_professional":
                    a_new[k] = _bool(v, k)
                elif k in ("support_received", "support_given"):
                    p_new[k] = _support(v, k)
                elif k == "valence":
                    p_new[k] = _choice(v, VALENCES, k, optional=True)
                elif k == "contact":
                    p_new[k] = _choice(v, CONTACTS, k, optional=True)
                elif k == "note":
                    p_new[k] = _text(v, k)
                elif k == "reviewed":
                    p_new[k] = _bool(v, k)
                elif k not in _POSITION_FIELDS:
                    raise ValidationError(
                        f"unknown attribute {k!r}; alters have {', '.join(ALTER_FIELDS + PLACEMENT_FIELDS)}",
                        field=k,
                    )
            pos_args = {k: fields[k] for k in _POSITION_FIELDS if k in fields}
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

    # ------------------------------------------------------------------ ties
    def _tie_ids(self, a: Alter | str, b: Alter | str) -> tuple[str, str]:
        x, y = self._resolve(a), self._resolve(b)
        if x == y:
            raise ValidationError(
                f"an alter cannot be tied to themself ({self._state.alters[x].label!r})", field="tie", value=x
            )
        return x, y

    def add_tie(self, a: Alter | str, b: Alter | str) -> Tie:
        """Record that ``a`` and ``b`` know each other (no-op if already tied).

        Parameters
        ----------
        a, b : Alter or str
            Two different alters on this map (Alter, id or label).

        Returns
        -------
        Tie

        Raises
        ------
        NotFoundError
            If either alter is not on this map.
        ValidationError
            If ``a`` and ``b`` are the same alter.

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-011").new_map("Baseline")
        >>> mum = m.add_alter("Mum", ring=0, sector="household")
        >>> _ = m.add_alter("Gran", ring=1, sector="family")
        >>> _ = m.add_tie(mum, "Gran")
        >>> m.has_tie("Gran", "Mum")
        True
        >>> m.add_tie(mum, "Mum")
        Traceback (most recent call last):
        ...
        egomap.errors.ValidationError: an alter cannot be tied to themself ('Mum')
        """

        def build():
            x, y = self._tie_ids(a, b)
            t = Tie.of(x, y)
            if t in self._state.ties:
                return None
            return {"op": "add_tie", "a": t.a, "b": t.b}, {"op": "remove_tie", "a": t.a, "b": t.b}

        self._edit(build)
        return Tie.of(*self._tie_ids(a, b))

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
            return {"op": "remove_tie", "a": t.a, "b": t.b}, {"op": "add_tie", "a": t.a, "b": t.b}

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
            out["text"] = _label(text, "goal text", max_len=MAX_TEXT)
        if steps is not None:
            if isinstance(steps, str):
                steps = [steps]
            if not isinstance(steps, Iterable):
                raise ValidationError(f"goal steps must be a list of text, got {steps!r}", field="steps", value=steps)
            out["steps"] = [_label(s, "goal step", max_len=MAX_TEXT) for s in steps]
        if status is not None:
            out["status"] = _choice(status, GOAL_STATUSES, "goal status")
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
                f["label"] = _label(label, "map label")
                if f["label"] != self.label and any(m.label == f["label"] for m in self.person.maps if m.id != self.id):
                    raise DuplicateError(
                        f"person {self.person.id!r} already has a map labelled {f['label']!r}", field="label"
                    )
            if date is not ...:
                f["date"] = _date(date)
            if notes is not None:
                f["notes"] = _text(notes, "notes")
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
        with self._backend.begin(self):
            pair = self._backend.undo(self)
        if pair is None:
            return None
        edit, inverse = pair
        labels = self._labels()
        apply_edit(self._state, inverse)
        self._propagate(inverse)
        labels.update(self._labels())
        return describe_edit(edit, labels)

    def redo(self) -> str | None:
        """Redo the last undone edit; return what was redone (or None).

        See :meth:`undo` for an example.
        """
        with self._backend.begin(self):
            pair = self._backend.redo(self)
        if pair is None:
            return None
        edit, _ = pair
        apply_edit(self._state, edit)
        self._propagate(edit)
        return describe_edit(edit, self._labels())

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to undo."""
        return self._backend.can_undo(self)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to redo."""
        return self._backend.can_redo(self)

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
        return self._backend.history(self)


# --------------------------------------------------------------------------- Person


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
        self.id = _person_id(id)
        self.display_name = _text(display_name, "display_name", max_len=MAX_LABEL) or None
        self.consent_keep = _bool(consent_keep, "consent_keep")
        self.consent_research = _bool(consent_research, "consent_research")
        self.created = created or _now()
        self._backend: Backend = backend if backend is not None else MemoryBackend()

    def __repr__(self) -> str:
        return f"<Person {self.id!r}: {len(self.maps)} maps>"

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
        if isinstance(ref, int) and not isinstance(ref, bool):
            try:
                return maps[ref]
            except IndexError:
                raise NotFoundError(f"person {self.id!r} has {len(maps)} maps; no map number {ref}") from None
        for m in maps:
            if m.id == ref or m.label == ref:
                return m
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
        lbl = _label(label, "map label")
        maps = self.maps
        for m in maps:
            if m.label == lbl:
                return m
        return self.new_map(lbl, date, copy_from=maps[-1] if maps else None)

    def _alters(self) -> dict[str, Alter]:
        return self._backend.person_alters(self)

    @property
    def alters(self) -> list[Alter]:
        """Every alter on any of the person's maps."""
        return list(self._alters().values())

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
                clean[k] = _text(v, k, max_len=MAX_LABEL) or None
            elif k in ("consent_keep", "consent_research"):
                clean[k] = _bool(v, k)
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
            (same alters, placements and ties; open goals carried over).
        notes : str
            Free-text notes.
        id : str, optional
            Use this map id (for imports); a new one is made otherwise.

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
        lbl = _label(label, "map label")
        d = _date(date)
        if copy_from is not None:
            if not isinstance(copy_from, Map):
                raise ValidationError(f"copy_from must be a Map, got {copy_from!r}", field="copy_from")
            if copy_from.person.id != self.id:
                raise ValidationError(
                    f"copy_from is a map of person {copy_from.person.id!r}, not of {self.id!r}",
                    field="copy_from",
                    value=copy_from.label,
                )
            if not _same_place(copy_from._backend, self._backend):
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
        if any(m.label == lbl for m in self.maps):
            raise DuplicateError(f"person {self.id!r} already has a map labelled {lbl!r}", field="label", value=lbl)
        m = Map(
            id=id or new_id(),
            person=self,
            label=lbl,
            date=d,
            rings=rs,
            sectors=ss,
            notes=_text(notes, "notes"),
            copied_from=copy_from.id if copy_from else None,
            backend=self._backend,
            seq=len(self.maps),
        )
        if copy_from is not None:
            src = copy_from._state
            same_geometry = (len(rs), ss.keys) == (len(copy_from.rings), copy_from.sectors.keys)
            for aid, a in src.alters.items():
                m._state.alters[aid] = a
                p = replace(src.placements[aid], reviewed=False)
                if not same_geometry:
                    ring = min(p.ring, len(rs) - 1)
                    sec = p.sector if p.sector in ss._index else ss.sector_at(p.angle)
                    ang, rad = _schemes.spread_position(ring, sec, rs, ss, taken=m._cell_spots(ring, sec))
                    p = replace(p, ring=ring, sector=sec, angle=ang, radius=rad)
                m._state.placements[aid] = p
            m._state.ties = dict(src.ties)
            for g in src.goals.values():
                if g.status in ("open", "in progress"):
                    ng = replace(g, id=new_id())
                    m._state.goals[ng.id] = ng
        self._backend.create_map(self, m, copy_from)
        return m

    def changes(self) -> list:
        """Compare each pair of consecutive maps: a list of :class:`egomap.change.Change`.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-023")
        >>> base = p.new_map("Baseline")
        >>> six = p.new_map("6 months", copy_from=base)
        >>> _ = six.add_alter("Coach", ring=2, sector="clubs_groups")
        >>> [a.label for a in p.changes()[0].gained]
        ['Coach']
        """
        from egomap.change import changes

        return changes(self)

    def to_networkx(self, **kwargs: Any) -> Any:
        """The person's network across all maps as a networkx graph (see :func:`egomap.graph.person_to_networkx`)."""
        from egomap.graph import person_to_networkx

        return person_to_networkx(self, **kwargs)

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


def _same_place(a: Backend, b: Backend) -> bool:
    """Whether two backends keep their data in the same place (the same object, or the same store file)."""
    path = getattr(a, "path", None)
    return a is b or (path is not None and path == getattr(b, "path", None))


def _person_id(value: object) -> str:
    pid = _label(value, "person id", max_len=64)
    if any(c in pid for c in "\n\r\t/\\"):
        raise ValidationError(f"person id {pid!r} must not contain slashes, tabs or line breaks", field="person id")
    return pid
