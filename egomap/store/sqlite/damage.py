"""A damaged store file: how SQLite reports it, what egomap says instead, and SQLite's integrity check.

A store file whose pages were overwritten (a disk fault, a copy made while a
notebook was writing, a sync tool) still opens; SQLite then reports
``database disk image is malformed`` from whichever query reads a damaged
page. :class:`DamageGuard` stands between a :class:`~egomap.store.Store` and
its engine and turns that report, from any call, into a
:class:`~egomap.errors.StoreError` that says the file is damaged and how to
recover it; :func:`integrity_check` is what ``egomap check`` runs.
"""

from __future__ import annotations

import functools
import inspect
import os
import sqlite3
from pathlib import Path
from typing import Any

from egomap.errors import StoreError

__all__ = ["is_damaged", "damaged", "DamageGuard", "integrity_check"]

_CORRUPT, _NOTADB = 11, 26  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)


def is_damaged(error: BaseException, *, not_a_database: bool = True) -> bool:
    """Whether ``error`` is SQLite reporting a damaged file (``not_a_database``: also "file is not a database").

    Examples
    --------
    >>> is_damaged(sqlite3.DatabaseError("database disk image is malformed"))
    True
    >>> is_damaged(sqlite3.IntegrityError("UNIQUE constraint failed: persons.id"))
    False
    """
    if not isinstance(error, sqlite3.DatabaseError) or isinstance(error, sqlite3.IntegrityError):
        return False
    codes = (_CORRUPT, _NOTADB) if not_a_database else (_CORRUPT,)
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in codes
    text = str(error)
    return "malformed" in text or (not_a_database and "not a database" in text)


def damaged(path: str | os.PathLike, error: BaseException) -> StoreError:
    """The error egomap raises for a damaged store file: what happened and how to recover.

    Examples
    --------
    >>> print(damaged("/data/s.sqlite", sqlite3.DatabaseError("database disk image is malformed")))  # doctest: +ELLIPSIS
    the store file '/data/s.sqlite' is damaged (database disk image is malformed). ...egomap check --store ...
    """
    p = str(path)
    return StoreError(
        f"the store file {p!r} is damaged ({error}). Nothing was changed. To recover: close every notebook "
        f"that uses it, run `egomap check --store {p}` to see what is wrong, then restore your latest backup "
        f"copy of the store; to save what can still be read, run `sqlite3 {p} .recover | sqlite3 recovered.sqlite` "
        "and open recovered.sqlite (see 'Backing up and recovering a store' in the README)"
    )


class DamageGuard:
    """An engine whose every call reports a damaged file as :func:`damaged` instead of a raw SQLite error.

    Attribute reads and writes pass through to the engine; methods are wrapped
    once, on first use.
    """

    def __init__(self, engine: Any) -> None:
        object.__setattr__(self, "engine", engine)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.engine, name)
        if not inspect.ismethod(attr):
            return attr
        path = self.engine.path

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except sqlite3.DatabaseError as e:
                if is_damaged(e):
                    raise damaged(path, e) from e
                raise

        object.__setattr__(self, name, call)
        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.engine, name, value)


def integrity_check(path: str | os.PathLike) -> list[str]:
    """SQLite's integrity check of a store file, read-only: the problems it finds (an empty list: none).

    Raises
    ------
    StoreError
        If there is no such file.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "s.sqlite")
    >>> em.open_store(path).close()
    >>> integrity_check(path)
    []
    """
    p = Path(path).expanduser().resolve()
    if not p.is_file():
        raise StoreError(f"there is no store file {str(p)!r}")
    try:
        conn = sqlite3.connect(f"{p.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return [f"cannot open the file: {e}"]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as e:
        return [str(e)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else [str(r) for r in rows]
