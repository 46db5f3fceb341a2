"""The vocabulary: every attribute of a person, map, alter, placement, tie and goal, declared once.

Each :class:`Field` says which object owns it, how a value is checked
(:meth:`Field.clean`), its choices, whether it can identify someone (research
exports leave such fields out unless names are asked for), its label in the
widget, and its storage column. Everything else is derived from here: the
model's data classes and their ``update`` methods, the store's columns and
SQL, the widget's editable fields and its details form, the change table,
the networkx attributes, the E-I attributes and the exporters' columns.

To add an attribute, add one :class:`Field` below (with ``since`` set to the
new store schema version) and see ``docs/architecture.md``.

Examples
--------
>>> from egomap import fields
>>> f = fields.field("placement", "valence")
>>> f.choices, f.optional, f.identifying
(('supportive', 'mixed', 'stressful'), True, False)
>>> f.clean("Supportive ")
'supportive'
>>> [f.name for f in fields.of("alter")]
['label', 'kind', 'relationship', 'is_professional', 'met_through']
>>> fields.field("placement", "known_for").clean("1-5 years")
'1-5 years'
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from egomap.errors import ValidationError

__all__ = [
    "KINDS",
    "SUPPORT_TYPES",
    "VALENCES",
    "CONTACTS",
    "KNOWN_FOR",
    "GOAL_STATUSES",
    "MAX_LABEL",
    "MAX_TEXT",
    "OWNERS",
    "Field",
    "FIELDS",
    "of",
    "field",
    "names",
    "editable",
    "identifying",
    "categorical",
    "compared",
    "network",
    "describe",
    "check_chars",
    "check_label",
    "check_text",
    "check_choice",
    "check_bool",
    "check_support",
    "check_tags",
    "check_number",
    "check_date",
    "check_person_id",
]

#: Kinds of alter.
KINDS = ("person", "group", "organisation", "online", "pet")
#: Types of support received from or given to an alter.
SUPPORT_TYPES = ("emotional", "practical", "information", "companionship")
#: How a relationship feels.
VALENCES = ("supportive", "mixed", "stressful")
#: How often the person is in contact with the alter.
CONTACTS = ("daily", "weekly", "monthly", "less often")
#: How long the person has known the alter (Tracy & Whittaker's Social Network Map).
KNOWN_FOR = ("less than a year", "1-5 years", "more than 5 years")
#: Status of a goal.
GOAL_STATUSES = ("open", "in progress", "done", "dropped")
#: Longest label accepted (characters).
MAX_LABEL = 80
#: Longest note or goal text accepted (characters).
MAX_TEXT = 5000
#: The objects that own attributes.
OWNERS = ("person", "map", "alter", "placement", "goal", "tie")

# --------------------------------------------------------------------------- checks

_NONCHARS = r"\ufdd0-\ufdef" + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(17))
_OTHER = rf"|(?P<s>[\u2028\u2029])|(?P<h>[\ud800-\udfff])|(?P<n>[{_NONCHARS}])"
_BAD = re.compile(r"(?P<c>[\x00-\x1f\x7f-\x9f])" + _OTHER)
_BAD_MULTILINE = re.compile(r"(?P<c>[\x00-\x08\x0b-\x1f\x7f-\x9f])" + _OTHER)
_WHAT = {"c": "control characters", "s": "line or paragraph separators", "h": "lone surrogates (broken text)"}


def check_chars(text: str, field: str, *, multiline: bool = False) -> str:
    """``text`` if every character is one egomap accepts, else a :class:`ValidationError` naming ``field``.

    Refused: control characters (``multiline`` allows line breaks and tabs), U+2028/U+2029,
    noncharacters (U+FFFE...) and lone surrogates: every file egomap writes is well-formed.

    Examples
    --------
    >>> check_chars("a\\ud800b", "relationship")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: relationship must not contain lone surrogates (broken text) (U+D800, character 2)
    """
    bad = (_BAD_MULTILINE if multiline else _BAD).search(text)
    if bad:
        what, c = _WHAT.get(bad.lastgroup or "", "noncharacters"), ord(bad.group())
        raise ValidationError(f"{field} must not contain {what} (U+{c:04X}, character {bad.start() + 1})", field=field)
    return text


def check_label(value: object, field: str = "label", *, max_len: int = MAX_LABEL) -> str:
    """A label: one line of text, not empty, no control characters (a longer ``max_len`` allows line breaks).

    Examples
    --------
    >>> check_label("  Mum ")
    'Mum'
    >>> check_label("")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: label must not be empty
    """
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__} {value!r}", field=field, value=value)
    text = value.strip()
    if not text:
        raise ValidationError(f"{field} must not be empty", field=field, value=value)
    check_chars(text, field, multiline=max_len >= MAX_TEXT)
    if len(text) > max_len:
        raise ValidationError(
            f"{field} is too long ({len(text)} characters; at most {max_len}): {text[:30]!r}...",
            field=field,
            value=value,
        )
    return text


def check_text(value: object, field: str, *, max_len: int = MAX_TEXT, strip: bool = True) -> str:
    """Free text (``None`` is the empty text); stripped unless ``strip=False``.

    Examples
    --------
    >>> check_text(" mother ", "relationship"), check_text(None, "note")
    ('mother', '')
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__} {value!r}", field=field, value=value)
    if len(value) > max_len:
        raise ValidationError(f"{field} is too long ({len(value)} characters; at most {max_len})", field=field)
    return check_chars(value.strip() if strip else value, field, multiline=max_len >= MAX_TEXT)


def check_choice(value: object, choices: tuple[str, ...], field: str, *, optional: bool = False) -> str | None:
    """One of ``choices`` (case and surrounding spaces ignored); ``None`` or ``""`` if ``optional``.

    Examples
    --------
    >>> check_choice("Weekly", CONTACTS, "contact"), check_choice("", CONTACTS, "contact", optional=True)
    ('weekly', None)
    """
    if value is None or value == "":
        if optional:
            return None
        raise ValidationError(f"{field} is required: one of {', '.join(choices)}", field=field, value=value)
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise ValidationError(f"unknown {field} {value!r}: expected one of {', '.join(choices)}", field=field, value=value)


def check_bool(value: object, field: str) -> bool:
    """True or False (also 1 or 0).

    Examples
    --------
    >>> check_bool(1, "is_professional")
    True
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValidationError(f"{field} must be True or False, got {value!r}", field=field, value=value)


def check_support(value: object, field: str) -> frozenset[str]:
    """A set of support types (an iterable, or text separated by commas or semicolons).

    Examples
    --------
    >>> sorted(check_support("emotional; practical", "support_received"))
    ['emotional', 'practical']
    """
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


def check_tags(value: object, field: str) -> frozenset[str]:
    """A set of short names (an iterable, or text separated by commas), e.g. a tie's types.

    Each name is one line of text (:func:`check_label`) without commas.

    Examples
    --------
    >>> sorted(check_tags("DrugTie, Close", "types"))
    ['Close', 'DrugTie']
    """
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        raise ValidationError(f"{field} must be a set of names, got {value!r}", field=field, value=value)
    out = frozenset(check_label(v, field) for v in items if not isinstance(v, str) or v.strip())
    if any("," in v for v in out):
        raise ValidationError(f"{field} names must not contain commas: {sorted(out)!r}", field=field, value=value)
    return out


def check_number(value: object, field: str) -> float:
    """A finite real number, as a float.

    Examples
    --------
    >>> check_number(3, "angle")
    3.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValidationError(f"{field} must be a finite number, got {value!r}", field=field, value=value)
    return float(value)


def check_date(value: object, field: str = "date") -> str | None:
    """An ISO date text (or ``None``) from a date, a datetime or text.

    Examples
    --------
    >>> check_date("2026-01-12"), check_date(None)
    ('2026-01-12', None)
    """
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


def check_person_id(value: object) -> str:
    """A pseudonymous person id: a label of at most 64 characters, no slashes, tabs or line breaks.

    Examples
    --------
    >>> check_person_id(" R-017 ")
    'R-017'
    """
    pid = check_label(value, "person id", max_len=64)
    if any(c in pid for c in "\n\r\t/\\"):
        raise ValidationError(f"person id {pid!r} must not contain slashes, tabs or line breaks", field="person id")
    return pid


# --------------------------------------------------------------------------- fields

#: The types a field can have, and what the storage keeps for each.
_SQL_TYPES = dict.fromkeys(("label", "text", "choice", "set", "date", "list"), "TEXT")
_SQL_TYPES |= {"bool": "INTEGER", "int": "INTEGER", "float": "REAL"}


@dataclass(frozen=True)
class Field:
    """One attribute of the vocabulary.

    Attributes
    ----------
    name : str
        The attribute's name in Python, in edits, exports and the store.
    owner : str
        ``"person"``, ``"map"``, ``"alter"`` (stable across maps), ``"placement"``
        (per map), ``"goal"`` or ``"tie"`` (per map).
    type : str
        ``"label"``, ``"text"``, ``"choice"``, ``"bool"``, ``"set"`` (of
        ``choices``, or of short names if it has none), ``"int"``, ``"float"``, ``"date"`` or ``"list"``.
    label : str
        How the widget and the docs name it ("How it feels").
    choices : tuple of str
        The allowed values of a choice or set.
    optional : bool
        A choice may be left unset (``None``).
    default : object
        The value when none is given.
    identifying : bool
        Free text that can carry a name: research exports leave it out
        unless names are asked for.
    editable : bool
        Shown and editable in the widget's details form.
    max_len : int
        Longest text accepted.
    strip : bool
        Surrounding spaces are removed from text.
    since : int
        The store schema version that added the column.
    categorical : bool
        Usable as an E-I index / composition attribute.
    network : bool
        Part of the network data (graphs, change tables, figures); false for
        session bookkeeping such as ``reviewed``.
    """

    name: str
    owner: str
    type: str
    label: str
    choices: tuple[str, ...] = ()
    optional: bool = True
    default: Any = None
    identifying: bool = False
    editable: bool = False
    max_len: int = MAX_LABEL
    strip: bool = True
    since: int = 1
    categorical: bool = False
    network: bool = True

    @property
    def column(self) -> str:
        """The storage column (the same as the name)."""
        return self.name

    @property
    def sql_type(self) -> str:
        """The SQL type of the column (``TEXT``, ``INTEGER`` or ``REAL``)."""
        return _SQL_TYPES[self.type]

    def clean(self, value: object) -> Any:
        """The checked value, or a :class:`~egomap.errors.ValidationError` naming the field.

        Examples
        --------
        >>> field("alter", "kind").clean("Group")
        'group'
        >>> field("placement", "known_for").clean("ages")
        Traceback (most recent call last):
        ...
        egomap.errors.ValidationError: unknown known_for 'ages': expected one of less than a year, 1-5 years, more than 5 years
        """
        t = self.type
        if t == "label":
            return check_label(value, self.name, max_len=self.max_len)
        if t == "text":
            return check_text(value, self.name, max_len=self.max_len, strip=self.strip)
        if t == "choice":
            return check_choice(value, self.choices, self.name, optional=self.optional)
        if t == "bool":
            return check_bool(value, self.name)
        if t == "set":
            return check_support(value, self.name) if self.choices else check_tags(value, self.name)
        if t == "float":
            return check_number(value, self.name)
        if t == "date":
            return check_date(value, self.name)
        raise ValidationError(f"{self.name} cannot be set this way", field=self.name)  # int, list: own checks

    def to_plain(self, value: Any) -> Any:
        """JSON-able form of a value (sets become sorted lists, tuples lists)."""
        if self.type == "set":
            return sorted(value or ())
        if self.type == "list":
            return list(value or ())
        return value

    def from_plain(self, value: Any) -> Any:
        """Inverse of :meth:`to_plain`."""
        if self.type == "set":
            return frozenset(value or ())
        if self.type == "list":
            return tuple(value or ())
        return value

    def to_db(self, value: Any) -> Any:
        """The value as the store keeps it (sets as comma-separated text, booleans as 0/1)."""
        if self.type == "set":
            return ",".join(sorted(value)) if value else ""
        if self.type == "bool":
            return int(bool(value))
        return value

    def from_db(self, value: Any) -> Any:
        """Inverse of :meth:`to_db`."""
        if self.type == "set":
            return frozenset(x for x in value.split(",") if x) if value else frozenset()
        if self.type == "bool":
            return bool(value)
        return value

    def describe(self) -> dict[str, Any]:
        """A plain description for the widget's details form."""
        return {
            "name": self.name,
            "owner": self.owner,
            "type": "note" if (self.type == "text" and not self.strip) else self.type,
            "label": self.label,
            "choices": list(self.choices),
            "optional": self.optional,
            "max_len": self.max_len,
        }


_P, _M, _A, _L, _G, _T = OWNERS
_SET = {"default": frozenset(), "editable": True}

#: Every attribute, in the order forms, tables and exports show them.
FIELDS: tuple[Field, ...] = (
    # person
    Field("id", _P, "label", "Pseudonymous id", max_len=64, optional=False),
    Field("display_name", _P, "text", "Name shown in sessions", identifying=True),
    Field("consent_keep", _P, "bool", "Consent to keep the map", default=True),
    Field("consent_research", _P, "bool", "Consent to research use", default=False),
    # map
    Field("label", _M, "label", "Map", optional=False, identifying=True),  # "Visit with Maria": T1, T2... in research
    Field("date", _M, "date", "Date"),
    Field("notes", _M, "text", "Notes", default="", identifying=True, max_len=MAX_TEXT),
    # alter: stable, the same on every map
    Field("label", _A, "label", "Name or label", optional=False, identifying=True, editable=True),
    Field("kind", _A, "choice", "Kind", KINDS, optional=False, default="person", editable=True, categorical=True),
    Field("relationship", _A, "text", "Relationship", default="", identifying=True, editable=True),
    Field(
        "is_professional",
        _A,
        "bool",
        "Paid or professional support",
        default=False,
        editable=True,
        categorical=True,
    ),
    Field("met_through", _A, "text", "Met through", default="", identifying=True, editable=True, max_len=2 * MAX_LABEL),
    # placement: per map
    Field("ring", _L, "int", "Circle", optional=False, categorical=True),
    Field("sector", _L, "choice", "Sector", optional=False, categorical=True),
    Field("angle", _L, "float", "Angle", optional=False),
    Field("radius", _L, "float", "Radius", optional=False),
    Field("support_received", _L, "set", "Support they give the person", SUPPORT_TYPES, **_SET),
    Field("support_given", _L, "set", "Support the person gives them", SUPPORT_TYPES, **_SET),
    Field("valence", _L, "choice", "How it feels", VALENCES, editable=True, categorical=True),
    Field("contact", _L, "choice", "Contact", CONTACTS, editable=True, categorical=True),
    Field("known_for", _L, "choice", "Known for", KNOWN_FOR, editable=True, categorical=True, since=3),
    Field("note", _L, "text", "Note", default="", identifying=True, editable=True, max_len=MAX_TEXT, strip=False),
    Field("reviewed", _L, "bool", "Reviewed", default=False, network=False),
    # goal
    Field("text", _G, "label", "Goal", optional=False, identifying=True, max_len=MAX_TEXT),
    Field("steps", _G, "list", "Steps", default=(), identifying=True),
    Field("status", _G, "choice", "Status", GOAL_STATUSES, optional=False, default="open"),
    Field("alter_ids", _G, "list", "About", default=()),
    # tie: per map; the types an imported tie was (e.g. Network Canvas edge types), none for ties drawn in egomap
    Field("types", _T, "set", "Tie types", default=frozenset(), since=4),
)

_BY_OWNER: dict[str, tuple[Field, ...]] = {o: tuple(f for f in FIELDS if f.owner == o) for o in OWNERS}
_BY_NAME: dict[tuple[str, str], Field] = {(f.owner, f.name): f for f in FIELDS}
#: Placement fields that say where an alter is (set through ``move``, checked against the schemes).
POSITION = ("ring", "sector", "angle", "radius")


def of(owner: str) -> tuple[Field, ...]:
    """The fields of one owner, in order.

    Examples
    --------
    >>> [f.name for f in of("goal")]
    ['text', 'steps', 'status', 'alter_ids']
    """
    try:
        return _BY_OWNER[owner]
    except KeyError:
        raise ValidationError(f"unknown owner {owner!r}: one of {', '.join(OWNERS)}", field="owner") from None


def field(owner: str, name: str) -> Field:
    """One field by owner and name.

    Examples
    --------
    >>> field("alter", "met_through").max_len
    160
    """
    try:
        return _BY_NAME[(owner, name)]
    except KeyError:
        raise ValidationError(f"{owner}s have no attribute {name!r}", field=name) from None


def names(owner: str) -> tuple[str, ...]:
    """The names of one owner's fields, in order.

    Examples
    --------
    >>> names("placement")[:4]
    ('ring', 'sector', 'angle', 'radius')
    """
    return tuple(f.name for f in of(owner))


def editable(*owners: str) -> tuple[Field, ...]:
    """The fields the widget's details form shows and edits (alter, then placement).

    Examples
    --------
    >>> [f.name for f in editable()][:3]
    ['label', 'kind', 'relationship']
    """
    return tuple(f for o in (owners or ("alter", "placement")) for f in of(o) if f.editable)


def identifying(owner: str | None = None) -> tuple[Field, ...]:
    """The fields that can carry a name (left out of research exports by default).

    Examples
    --------
    >>> [f.name for f in identifying("alter")]
    ['label', 'relationship', 'met_through']
    """
    return tuple(f for f in FIELDS if f.identifying and (owner is None or f.owner == owner))


def categorical() -> tuple[Field, ...]:
    """Alter and placement fields usable as E-I index / composition attributes.

    Examples
    --------
    >>> [f.name for f in categorical()]
    ['kind', 'is_professional', 'ring', 'sector', 'valence', 'contact', 'known_for']
    """
    return tuple(f for o in ("alter", "placement") for f in of(o) if f.categorical)


def compared() -> tuple[Field, ...]:
    """Placement attributes whose changes between two maps of a person are reported (not the position).

    Examples
    --------
    >>> [f.name for f in compared()]
    ['support_received', 'support_given', 'valence', 'contact', 'known_for']
    """
    return tuple(f for f in of("placement") if f.type in ("set", "choice") and f.name not in POSITION and f.network)


def network(owner: str) -> tuple[Field, ...]:
    """The fields of ``owner`` that are part of the network data (in graphs and tables).

    Examples
    --------
    >>> [f.name for f in network("placement")][4:]
    ['support_received', 'support_given', 'valence', 'contact', 'known_for', 'note']
    """
    return tuple(f for f in of(owner) if f.network)


def describe() -> list[dict[str, Any]]:
    """Plain descriptions of the editable fields, as the widget's details form uses them.

    Examples
    --------
    >>> [d["name"] for d in describe()][-2:]
    ['known_for', 'note']
    """
    return [f.describe() for f in editable()]
