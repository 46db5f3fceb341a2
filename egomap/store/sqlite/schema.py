"""The SQLite schema of an egomap store: tables, migrations, and rows <-> model records by column name.

Columns of persons, maps, alters, placements and goals come from the
vocabulary (:mod:`egomap.fields`). A field added later names the schema
version that added it (``since``), and its migration (``ALTER TABLE ... ADD
COLUMN``) is derived from it: adding an attribute needs no SQL here.
"""

from __future__ import annotations

import dataclasses
import operator
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from egomap import fields as _f
from egomap.model import Alter, Placement

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "TABLES",
    "ALTER_COLS",
    "PLACEMENT_COLS",
    "MAP_COLS",
    "GOAL_COLS",
    "PERSON_COLS",
    "MAP_ROW",
    "alter_row",
    "placement_row",
    "alter_from",
    "placement_from",
    "dicts",
    "decoder",
    "types_to_db",
    "types_from_db",
]

#: ``PRAGMA application_id`` of an egomap store ("EgoM").
APPLICATION_ID = 0x45676F4D

_SCHEMA_V1 = """
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    display_name TEXT,
    consent_keep INTEGER NOT NULL DEFAULT 1,
    consent_research INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE alters (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'person',
    relationship TEXT NOT NULL DEFAULT '',
    is_professional INTEGER NOT NULL DEFAULT 0,
    met_through TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alters_person ON alters(person_id);
CREATE TABLE maps (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    date TEXT,
    notes TEXT NOT NULL DEFAULT '',
    rings TEXT NOT NULL,
    sectors TEXT NOT NULL,
    copied_from TEXT,
    created TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0,
    UNIQUE (person_id, label)
);
CREATE TABLE placements (
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    alter_id TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    ring INTEGER NOT NULL,
    sector TEXT NOT NULL,
    angle REAL NOT NULL,
    radius REAL NOT NULL,
    support_received TEXT NOT NULL DEFAULT '',
    support_given TEXT NOT NULL DEFAULT '',
    valence TEXT,
    contact TEXT,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (map_id, alter_id)
);
CREATE INDEX placements_alter ON placements(alter_id);
CREATE TABLE ties (
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    a TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    b TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    PRIMARY KEY (map_id, a, b),
    CHECK (a < b)
);
CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    steps TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'open',
    alter_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE edits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    time TEXT NOT NULL,
    action TEXT NOT NULL,
    target INTEGER,
    edit TEXT NOT NULL,
    inverse TEXT,
    description TEXT NOT NULL DEFAULT ''
);
"""

#: The table that keeps each owner's attributes.
TABLES = {
    "person": "persons",
    "map": "maps",
    "alter": "alters",
    "placement": "placements",
    "goal": "goals",
    "tie": "ties",
}


def _added_columns(version: int) -> str:
    """``ALTER TABLE ... ADD COLUMN`` for each vocabulary field added in ``version``."""
    out = []
    for f in _f.FIELDS:
        if f.since == version:
            default = f.to_db(f.default)
            tail = "" if default is None else f" NOT NULL DEFAULT {default!r}"
            out.append(f"ALTER TABLE {TABLES[f.owner]} ADD COLUMN {f.column} {f.sql_type}{tail};")
    return "\n".join(out)


#: Migrations: version -> SQL that upgrades a store from version-1 to version.
MIGRATIONS: dict[int, str] = {
    1: _SCHEMA_V1,
    2: """
    ALTER TABLE placements ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE edits ADD COLUMN writer TEXT NOT NULL DEFAULT '';
    CREATE INDEX edits_map ON edits(map_id, id);
    """,
}
for _v in range(3, max(f.since for f in _f.FIELDS) + 1):
    MIGRATIONS[_v] = _added_columns(_v)
# version 5 also: each map's resource scheme (JSON; NULL on maps made before: the default scheme), and who could
# help with each item asked about, one row per (item, alter) and alter_id '' for "no one"
MIGRATIONS[5] += """
ALTER TABLE maps ADD COLUMN resource_scheme TEXT;
CREATE TABLE resources (
    map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    alter_id TEXT NOT NULL,
    PRIMARY KEY (map_id, item, alter_id)
);
"""
#: Current schema version (``PRAGMA user_version``).
SCHEMA_VERSION = max(MIGRATIONS)

_ALTER = _f.of("alter")
_PLACEMENT = _f.of("placement")
ALTER_COLS = tuple(f.column for f in _ALTER)
PLACEMENT_COLS = tuple(f.column for f in _PLACEMENT)
MAP_COLS = ("label", "date", "notes")
GOAL_COLS = _f.names("goal")
PERSON_COLS = ("id", "display_name", "consent_keep", "consent_research", "created")
MAP_ROW = (
    "id",
    "person_id",
    "seq",
    "label",
    "date",
    "notes",
    "rings",
    "sectors",
    "copied_from",
    "created",
    "rev",
    "resource_scheme",
)


def alter_row(a: Alter) -> list:
    """An alter's column values, in ``ALTER_COLS`` order."""
    return [f.to_db(getattr(a, f.name)) for f in _ALTER]


def placement_row(q: Placement) -> list:
    """A placement's column values, in ``PLACEMENT_COLS`` order."""
    return [f.to_db(getattr(q, f.name)) for f in _PLACEMENT]


def alter_from(d: Mapping[str, Any], prefix: str = "") -> Alter:
    """An alter from a row read by column name (columns named ``prefix`` + column)."""
    return Alter(d[prefix + "id"], **{f.name: f.from_db(d[prefix + f.column]) for f in _ALTER})


def placement_from(d: Mapping[str, Any], alter_id: str) -> Placement:
    """A placement from a row read by column name."""
    return Placement(alter_id, **{f.name: f.from_db(d[f.column]) for f in _PLACEMENT})


_NO_TYPES: frozenset[str] = frozenset()


def types_to_db(types: Any) -> str:
    """A tie's types as the ``types`` column of ``ties`` keeps them (sorted, comma-separated; ``""`` for none).

    Examples
    --------
    >>> types_to_db({"DrugTie", "Close"}), types_to_db(None)
    ('Close,DrugTie', '')
    """
    return ",".join(sorted(types)) if types else ""  # as Field.to_db of a set, without a lookup per tie


def types_from_db(text: str | None) -> frozenset[str]:
    """Inverse of :func:`types_to_db`.

    Examples
    --------
    >>> sorted(types_from_db("Close,DrugTie"))
    ['Close', 'DrugTie']
    """
    return frozenset(x for x in text.split(",") if x) if text else _NO_TYPES


def _convert(f: _f.Field) -> Callable[[Any], Any] | None:
    """How a stored value becomes the model's (None: as it is)."""
    if f.type == "set":
        return lambda v: frozenset(x for x in v.split(",") if x) if v else frozenset()
    if f.type == "bool":
        return bool
    return None


def decoder(cls: type, owner: str, key: str, description: Sequence[Sequence[Any]], prefix: str = "") -> Callable:
    """A fast row -> record function for one query: columns found by name in ``description``.

    ``cls`` is :class:`~egomap.model.Alter` or :class:`~egomap.model.Placement`;
    its fields (``key`` first, then the vocabulary's ``owner`` fields) are
    read from the columns ``prefix + column``.
    """
    pos = {c[0]: i for i, c in enumerate(description)}
    idx, conv = [], []
    for j, df in enumerate(dataclasses.fields(cls)):
        if df.name == key:
            idx.append(pos[prefix + key])
            continue
        f = _f.field(owner, df.name)
        idx.append(pos[prefix + f.column])
        c = _convert(f)
        if c is not None:
            conv.append((j, c))
    get = operator.itemgetter(*idx)

    def decode(row: Sequence[Any]) -> Any:
        vals = list(get(row))
        for j, c in conv:
            vals[j] = c(vals[j])
        return cls(*vals)

    return decode


def dicts(cur: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """Rows as dicts by column name."""
    cols = [c[0] for c in cur.description]
    for r in cur:
        yield dict(zip(cols, r))
