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

from dataclasses import dataclass
from typing import Any

from egomap.checks import (
    MAX_LABEL,
    MAX_TEXT,
    SUPPORT_TYPES,
    check_bool,
    check_chars,
    check_choice,
    check_date,
    check_label,
    check_number,
    check_person_id,
    check_support,
    check_tags,
    check_text,
)
from egomap.errors import ValidationError

__all__ = [
    "KINDS",
    "SUPPORT_TYPES",
    "VALENCES",
    "CONTACTS",
    "KNOWN_FOR",
    "GOAL_STATUSES",
    "CAPITAL_TYPES",
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
#: How a relationship feels.
VALENCES = ("supportive", "mixed", "stressful")
#: How often the person is in contact with the alter.
CONTACTS = ("daily", "weekly", "monthly", "less often")
#: How long the person has known the alter (Tracy & Whittaker's Social Network Map).
KNOWN_FOR = ("less than a year", "1-5 years", "more than 5 years")
#: Status of a goal.
GOAL_STATUSES = ("open", "in progress", "done", "dropped")
#: Kinds of social capital an alter brings (Putnam 2000; Szreter & Woolcock 2004).
CAPITAL_TYPES = ("bonding", "bridging", "linking")
#: The objects that own attributes.
OWNERS = ("person", "map", "alter", "placement", "goal", "tie")

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
    # unset (None): the default rule of egomap.model.capital gives the type; set: the person's own view, which wins
    Field("capital", _L, "choice", "Social capital", CAPITAL_TYPES, editable=True, since=5),
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
    ['support_received', 'support_given', 'valence', 'contact', 'known_for', 'capital']
    """
    return tuple(f for f in of("placement") if f.type in ("set", "choice") and f.name not in POSITION and f.network)


def network(owner: str) -> tuple[Field, ...]:
    """The fields of ``owner`` that are part of the network data (in graphs and tables).

    Examples
    --------
    >>> [f.name for f in network("placement")][4:]
    ['support_received', 'support_given', 'valence', 'contact', 'known_for', 'capital', 'note']
    """
    return tuple(f for f in of(owner) if f.network)


def describe() -> list[dict[str, Any]]:
    """Plain descriptions of the editable fields, as the widget's details form uses them.

    Examples
    --------
    >>> [d["name"] for d in describe()][-3:]
    ['known_for', 'capital', 'note']
    """
    return [f.describe() for f in editable()]
