"""The SQL of each kind of edit on PostgreSQL: :mod:`egomap.store.edit_sql` in PostgreSQL's dialect."""

from __future__ import annotations

from typing import Any

from egomap.store.edit_sql import Dialect
from egomap.store.edit_sql import apply_edit_sql as _apply

__all__ = ["apply_edit_sql", "marks"]


def marks(n: int) -> str:
    """Placeholders for ``n`` values in psycopg's style: ``marks(2) == "%s, %s"``."""
    return ", ".join(["%s"] * n)


def _savepoint(c: Any) -> Any:
    return c.transaction()


def apply_edit_sql(c: Any, map_id: str, person_id: str, edit: dict) -> None:
    """Run the SQL that makes one edit (as the model builds it) on the map's rows (``c``: a psycopg connection)."""
    import psycopg

    _apply(c, map_id, person_id, edit, Dialect("%s", psycopg.errors.UniqueViolation, _savepoint))
