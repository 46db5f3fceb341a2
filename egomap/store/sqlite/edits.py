"""The SQL of each kind of edit on SQLite: :mod:`egomap.store.edit_sql` in SQLite's dialect."""

from __future__ import annotations

import sqlite3

from egomap.store.edit_sql import Dialect
from egomap.store.edit_sql import apply_edit_sql as _apply

__all__ = ["DIALECT", "apply_edit_sql"]

#: SQLite's dialect: question-mark placeholders, IntegrityError for a taken unique value, and no
#: savepoint (a failed statement leaves an SQLite transaction usable).
DIALECT = Dialect("?", sqlite3.IntegrityError)


def apply_edit_sql(c: sqlite3.Connection, map_id: str, person_id: str, edit: dict) -> None:
    """Run the SQL that makes one edit (as the model builds it) on the map's rows."""
    _apply(c, map_id, person_id, edit, DIALECT)
