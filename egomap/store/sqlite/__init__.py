"""The SQLite engine of a store: everything SQLite-specific, in one package.

:mod:`~egomap.store.sqlite.schema` holds the tables and migrations (derived
from the vocabulary), :mod:`~egomap.store.sqlite.engine` the connection,
pragmas, transactions with the write-lock retry, and every query. A second
engine (PostgreSQL) is one package beside this one, behind the same calls.
"""

from egomap.store.sqlite.engine import SQLiteEngine
from egomap.store.sqlite.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, TABLES

__all__ = ["SQLiteEngine", "APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "TABLES"]
