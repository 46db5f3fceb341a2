"""The ``egomap team`` and ``egomap copy`` commands (registered by :mod:`egomap.cli`).

``egomap team init postgresql://...`` sets up a team store (tables, roles,
row-level security, research views); ``add-practitioner``, ``add-lead`` and
``add-researcher NAME`` add a person who logs in as the database role NAME;
``assign PERSON PRACTITIONER`` puts a person on a practitioner's caseload
(``--replace``: and takes them off everyone else's). ``egomap copy --from X
--to Y`` copies a whole store between SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable

from egomap.errors import StoreError

__all__ = ["add_parsers", "COMMANDS"]


def _url(args: argparse.Namespace) -> str:
    from egomap.store import is_database_url

    url = getattr(args, "url", None) or args.store or os.environ.get("EGOMAP_STORE", "")
    if not is_database_url(url):
        raise StoreError("egomap team works on a PostgreSQL store: give --store postgresql://... (or EGOMAP_STORE)")
    return url.strip()


def _team(args: argparse.Namespace) -> int:
    from egomap.store.postgres import team

    url = _url(args)
    if args.team_command == "init":
        print(f"egomap: team store ready at {team.init(url)}")
        print("egomap: add people with: egomap team add-practitioner NAME (add-lead, add-researcher)")
    elif args.team_command == "assign":
        team.assign(url, args.person, args.practitioner, replace=args.replace)
        print(f"egomap: {args.person} is on {args.practitioner}'s caseload" + (" only" if args.replace else ""))
    else:
        kind = args.team_command.removeprefix("add-")
        password = getpass.getpass(f"password for {args.name}: ") if args.password else None
        team.add_member(url, args.name, kind, password=password)
        print(f"egomap: {args.name} logs in as a {kind} (database role {args.name!r})")
    return 0


def _copy(args: argparse.Namespace) -> int:
    from egomap.store import is_database_url
    from egomap.store.postgres.copy import copy_store
    from egomap.store.postgres.engine import display_url

    def shown(x: str) -> str:
        return display_url(x) if is_database_url(x) else x

    print(f"egomap: copying {shown(args.source)} -> {shown(args.target)}")
    print(f"{'table':<11} {'rows':>8}       checksum (sha256)  both sides")
    copy_store(args.source, args.target)
    print("egomap: copied; every table's rows and checksum are the same on both sides")
    return 0


def add_parsers(sub: argparse._SubParsersAction, store_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``team`` (with its own sub-commands) and ``copy``."""
    p = sub.add_parser(
        "team",
        help="set up a team store on PostgreSQL: roles, caseloads, research access",
        description="Set up and manage a team store on a PostgreSQL server (run as the database's admin).",
    )
    tsub = p.add_subparsers(dest="team_command", metavar="TEAM_COMMAND")
    tsub.required = True
    q = tsub.add_parser("init", help="create the tables, roles, row-level security and research views")
    q.add_argument("url", nargs="?", metavar="URL", help="postgresql://admin@host/db (default: --store)")
    store_arg(q)
    for kind in ("practitioner", "lead", "researcher"):
        q = tsub.add_parser(f"add-{kind}", help=f"let a database login role work as a {kind}")
        q.add_argument("name", metavar="NAME", help="the database role (made if missing)")
        q.add_argument("--password", action="store_true", help="ask for a password to set for the role")
        store_arg(q)
    q = tsub.add_parser("assign", help="put a person on a practitioner's caseload")
    q.add_argument("person", metavar="PERSON")
    q.add_argument("practitioner", metavar="PRACTITIONER")
    q.add_argument("--replace", action="store_true", help="and take them off every other caseload")
    store_arg(q)
    p = sub.add_parser(
        "copy",
        help="copy a whole store between SQLite and PostgreSQL",
        description="Copy everything (edit logs included) into an empty store; counts and checksums are compared.",
    )
    p.add_argument("--from", dest="source", required=True, metavar="STORE", help="an SQLite file or postgresql:// URL")
    p.add_argument("--to", dest="target", required=True, metavar="STORE", help="an empty store: file or URL")


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"team": _team, "copy": _copy}
