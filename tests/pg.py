"""A throwaway PostgreSQL cluster for the tests (and benchmarks): ``initdb`` + ``pg_ctl`` in a temp folder.

The server refuses to run as root, so when the tests run as root the cluster
is made and started as the ``postgres`` user (``runuser -u postgres --``) in
a folder that user owns. It listens on 127.0.0.1 on a free port, trusts
local connections, keeps its socket in the temp folder, and is stopped with
``pg_ctl -m immediate stop`` at the end (the same call simulates a crash).

When PostgreSQL is missing the tests that need it are skipped locally and
FAIL when the ``CI`` variable is set (``.ci/run`` installs it), as
``tests/conftest.py`` does for Chromium.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("EGOMAP_PG_BIN", "/usr/lib/postgresql/15/bin"))
_names = itertools.count(1)


def _bin(name: str) -> str | None:
    cand = PG_BIN / name
    return str(cand) if cand.exists() else shutil.which(name)


def need_postgres() -> None:
    """Skip (locally) or fail (in CI) when the PostgreSQL server programs are missing."""
    if _bin("initdb") is None or _bin("pg_ctl") is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL not found (initdb, pg_ctl); .ci/run installs Debian's postgresql package")
        pytest.skip("PostgreSQL not found (apt-get install postgresql)")
    pytest.importorskip("psycopg")


def memory_dir() -> str | None:
    """A folder in memory (``/dev/shm``) for a test cluster, if there is one: databases are made and removed
    much faster there. The server still writes and syncs as usual; a killed server's data stays."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One local PostgreSQL server in a temp folder, run by a non-root user."""

    def __init__(self, base: str | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="egomap-pg-", dir=base))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, self.user)
        self.dir.chmod(0o700)
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, *cmd: str | None, check: bool = True) -> subprocess.CompletedProcess:
        argv = [c for c in cmd if c is not None]
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=check, cwd=self.dir)

    def start(self) -> None:
        """Start (or restart) the server and wait until it takes connections."""
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=on -c max_connections=60"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")

    def crash(self) -> None:
        """Stop the server the hard way (``pg_ctl -m immediate stop``): what a power cut would do."""
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)

    def url(self, db: str = "postgres", user: str = "postgres") -> str:
        """A connection URL for ``db`` as ``user``."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    def new_db(self) -> str:
        """A new empty database; its URL (as the superuser)."""
        import psycopg

        name = f"t{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        self.crash()
        shutil.rmtree(self.dir, ignore_errors=True)


def team_db(cluster: Cluster, **members: str) -> tuple[str, dict[str, str]]:
    """A new team store (``egomap team init``) with members ``name=kind`` added: its admin URL and each member's URL."""
    from egomap.store.postgres import team

    admin = cluster.new_db()
    team.init(admin)
    for name, kind in members.items():
        team.add_member(admin, name, kind)
    db = admin.rsplit("/", 1)[1]
    return admin, {name: cluster.url(db, name) for name in members}


def rows_of(location: str | os.PathLike) -> dict[str, list]:
    """Every row of every store table, read through a separate plain connection (SQLite file or PostgreSQL URL)."""
    tables = ("persons", "maps", "alters", "placements", "ties", "goals", "edits")
    if isinstance(location, str) and location.startswith("postgres"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as c:
            out = {}
            for t in tables:
                cur = c.execute(f"SELECT * FROM egomap.{t}")
                out[t] = sorted(map(repr, cur.fetchall()))
            return out
    import sqlite3

    con = sqlite3.connect(location)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}"))) for t in tables}
    finally:
        con.close()


def execute(location: str | os.PathLike, sql: str) -> None:
    """Run SQL statements on a store through a separate plain connection (as an older egomap would write)."""
    if isinstance(location, str) and location.startswith("postgres"):
        import psycopg

        with psycopg.connect(location, autocommit=True, options="-c search_path=egomap") as c:
            for stmt in (s.strip() for s in sql.split(";")):
                if stmt:
                    c.execute(stmt)
        return
    import sqlite3

    con = sqlite3.connect(location)
    con.executescript(sql)
    con.commit()
    con.close()


def query(location: str | os.PathLike, sql: str) -> list[tuple]:
    """The rows of one query on a store, through a separate plain connection (the store's tables by their names)."""
    if isinstance(location, str) and location.startswith("postgres"):
        import psycopg

        with psycopg.connect(location, autocommit=True, options="-c search_path=egomap") as c:
            return c.execute(sql).fetchall()
    import sqlite3

    con = sqlite3.connect(location)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def columns_of(location: str | os.PathLike, table: str) -> set[str]:
    """The column names of one store table."""
    if isinstance(location, str) and location.startswith("postgres"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as c:
            cur = c.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'egomap' AND table_name = %s",
                (table,),
            )
            return {r[0] for r in cur}
    import sqlite3

    con = sqlite3.connect(location)
    try:
        return {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
    finally:
        con.close()


def is_postgres(location: object) -> bool:
    """Whether a store location (or ``store.path``) is a PostgreSQL URL."""
    return isinstance(location, str) and location.startswith("postgres")


def idle(store) -> bool:
    """Whether the store's own connection has no transaction open (SQLite or PostgreSQL)."""
    conn = store._conn
    if is_postgres(store.path):
        import psycopg

        return conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    return not conn.in_transaction
