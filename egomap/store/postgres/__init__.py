"""The PostgreSQL engine of a store: a team's maps on one server, with who-sees-what decided by the database.

:mod:`~egomap.store.postgres.schema` holds the tables and migrations (derived
from the vocabulary, as the SQLite engine's are) and the team's roles,
row-level security policies and research views;
:mod:`~egomap.store.postgres.engine` the connection, transactions, retries and
queries; :mod:`~egomap.store.postgres.team` sets up a team
(``egomap team ...``); :mod:`~egomap.store.postgres.copy` copies a whole
store between SQLite and PostgreSQL (``egomap copy``). psycopg 3 is imported
only when a PostgreSQL store is opened.
"""

from egomap.store.postgres.engine import PostgresEngine, display_url
from egomap.store.postgres.schema import MIGRATIONS, ROLES, SCHEMA_VERSION

__all__ = ["PostgresEngine", "display_url", "MIGRATIONS", "ROLES", "SCHEMA_VERSION"]
