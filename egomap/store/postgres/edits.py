"""The SQL of each kind of edit on PostgreSQL: :mod:`egomap.store.edit_sql` in PostgreSQL's dialect."""

from __future__ import annotations

import functools
from typing import Any

from egomap.store.edit_sql import Dialect
from egomap.store.edit_sql import apply_edit_sql as _apply

__all__ = ["apply_edit_sql", "dialect", "marks"]


def marks(n: int) -> str:
    """Placeholders for ``n`` values in psycopg's style: ``marks(2) == "%s, %s"``."""
    return ", ".join(["%s"] * n)


def _savepoint(c: Any) -> Any:
    return c.transaction()


@functools.lru_cache(maxsize=1)
def dialect() -> Dialect:
    """PostgreSQL's dialect: psycopg's placeholders, its UniqueViolation, and a savepoint around a statement
    that may fail on purpose (so that the transaction stays usable). psycopg is read only when it is used."""
    import psycopg

    return Dialect("%s", psycopg.errors.UniqueViolation, _savepoint)


def apply_edit_sql(c: Any, map_id: str, person_id: str, edit: dict) -> None:
    """Run the SQL that makes one edit (as the model builds it) on the map's rows (``c``: a psycopg connection)."""
    _apply(c, map_id, person_id, edit, dialect())
