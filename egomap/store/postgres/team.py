"""A team on a PostgreSQL store: its roles, the people who log in, and who has which person on their caseload.

Each person who uses the store logs in to PostgreSQL as their own role, a
member of one of the group roles (:data:`~egomap.store.postgres.schema.ROLES`):

- ``egomap_practitioner``: sees and edits only the persons on their caseload
  (a person they add is put on it; a person may be on several caseloads);
- ``egomap_lead``: sees and edits the whole team's persons and can (re)assign them;
- ``egomap_researcher``: reads only the consenting persons, through
  pseudonymised views (no names, labels, notes or other free text; alters by
  pseudonymous id), and can write nothing.

The database decides (row-level security, grants), so neither a private
method nor hand-written SQL gets round it. Run these as the database's
admin (a superuser, or a role that may create roles and owns the database);
:func:`assign` may also be run by a team lead.
"""

from __future__ import annotations

import re
from typing import Any

from egomap.errors import NotFoundError, StoreError, ValidationError
from egomap.store.postgres.engine import PostgresEngine
from egomap.store.postgres.schema import ROLES

__all__ = ["init", "add_member", "assign", "caseload", "KINDS"]

#: What ``add_member`` can make someone: practitioner, lead or researcher.
KINDS = ("practitioner", "lead", "researcher")
_NAME = re.compile(r"^[a-z_][a-z0-9_.@-]{0,62}$")


def _role_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"a database role name is 1-63 lower-case letters, digits, '_', '.', '@' or '-' "
            f"(starting with a letter or '_'), got {name!r}",
            field="name",
            value=name,
        )
    return name


def _engine(url: str) -> PostgresEngine:
    return PostgresEngine(url)


def init(url: str) -> str:
    """Make (or bring up to date) a team store: tables, group roles, row-level security, research views.

    Running it again is harmless (it also re-makes the policies and views
    after an upgrade).

    Parameters
    ----------
    url : str
        ``postgresql://`` URL of the database, as its admin (a superuser, or
        a role that may create roles and owns the database).

    Returns
    -------
    str
        The store's address without its password.

    Raises
    ------
    StoreError
        If the server cannot be reached or the role may not set it up.

    Examples
    --------
    Against a server (not run here)::

        init("postgresql://postgres@db.example.org/egomap")
    """
    eng = _engine(url)
    sql = eng.psycopg.sql
    try:
        with eng.transaction() as c:
            c.execute("SELECT pg_advisory_xact_lock(1164406605)")
            for role in ROLES.values():
                exists = c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
                if not exists:
                    c.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            eng.apply_team_sql()
            db = c.execute("SELECT current_database()").fetchone()[0]
            groups = sql.SQL(", ").join(sql.Identifier(r) for k, r in ROLES.items() if k != "admin")
            c.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(db), groups))
        return eng.path
    finally:
        eng.close()


def add_member(url: str, name: str, kind: str, *, password: str | None = None) -> None:
    """Add a person who logs in as the database role ``name`` as a practitioner, lead or researcher.

    Parameters
    ----------
    url : str
        The team store's URL, as its admin.
    name : str
        The database role (lower-case letters, digits, ``_ . @ -``); made if
        it does not exist (``LOGIN``).
    kind : {"practitioner", "lead", "researcher"}
        The group role it joins.
    password : str, optional
        Set as the role's password; otherwise the server's own
        authentication (certificate, Kerberos, LDAP, ...) is used.

    Raises
    ------
    ValidationError
        If ``name`` or ``kind`` is not acceptable.
    StoreError
        If the store is not set up for a team yet (``egomap team init``).

    Examples
    --------
    Against a server (not run here)::

        add_member("postgresql://postgres@db.example.org/egomap", "alice", "practitioner")
    """
    if kind not in KINDS:
        raise ValidationError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}", field="kind", value=kind)
    name = _role_name(name)
    eng = _engine(url)
    sql = eng.psycopg.sql
    try:
        with eng.transaction() as c:
            _check_team(c)
            if not c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                c.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            if password is not None:
                c.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
            c.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(ROLES[kind]), sql.Identifier(name)))
    finally:
        eng.close()


def assign(url: str, person: str, practitioner: str, *, replace: bool = False) -> None:
    """Put a person on a practitioner's caseload (``replace``: and take them off everyone else's).

    Run by the admin or a team lead (the database refuses anyone else).

    Parameters
    ----------
    url : str
        The team store's URL, as the admin or a lead.
    person : str
        The person's pseudonymous id.
    practitioner : str
        The practitioner's database role.
    replace : bool
        Also take the person off every other caseload (a reassignment).

    Examples
    --------
    Against a server (not run here)::

        assign("postgresql://lena@db.example.org/egomap", "R-017", "bob", replace=True)

    Raises
    ------
    NotFoundError
        If there is no such person, or ``practitioner`` is not a practitioner of the team.
    """
    name = _role_name(practitioner)
    eng = _engine(url)
    try:
        with eng.transaction() as c:
            _check_team(c)
            if not c.execute("SELECT 1 FROM persons WHERE id = %s", (person,)).fetchone():
                raise NotFoundError(f"no person {person!r} in the store {eng.path}")
            member = c.execute(
                "SELECT pg_has_role(%s, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
                (name, ROLES["practitioner"], name),
            ).fetchone()
            if not member or not member[0]:
                raise NotFoundError(f"{name!r} is not a practitioner of the team (egomap team add-practitioner {name})")
            if replace:
                c.execute("DELETE FROM caseload WHERE person_id = %s AND member != %s", (person, name))
            c.execute("INSERT INTO caseload VALUES (%s, %s) ON CONFLICT DO NOTHING", (person, name))
    finally:
        eng.close()


def caseload(url: str) -> list[tuple[str, str]]:
    """(person, practitioner) pairs the connecting role may see, sorted."""
    eng = _engine(url)
    try:
        return [
            tuple(r) for r in eng.read('SELECT person_id, member FROM caseload ORDER BY person_id COLLATE "C", member')
        ]
    finally:
        eng.close()


def _check_team(c: Any) -> None:
    if not c.execute("SELECT 1 FROM meta WHERE key = 'team'").fetchone():
        raise StoreError("this store is not set up for a team yet: run egomap team init first")
