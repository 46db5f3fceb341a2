"""Where a store is: a file path, a ``postgresql://`` URL, or the per-user default (``$EGOMAP_STORE``).

Re-exported by :mod:`egomap.store`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from egomap.errors import StoreError

__all__ = ["default_store_path", "check_location", "is_database_url"]


def default_store_path() -> Path | str:
    """Where :func:`open_store` keeps the store when no path is given.

    ``$EGOMAP_STORE`` if set (a file, or a ``postgresql://`` URL, returned as
    it is), else ``egomap.sqlite`` in the per-user data
    directory (``~/.local/share/egomap`` on Linux,
    ``~/Library/Application Support/egomap`` on macOS,
    ``%LOCALAPPDATA%\\egomap`` on Windows).

    Examples
    --------
    >>> import egomap as em
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"EGOMAP_STORE": "~/study.sqlite"}):
    ...     em.default_store_path() == em.default_store_path().home() / "study.sqlite"
    True
    """
    env = os.environ.get("EGOMAP_STORE")
    check_location(env)
    if env and is_database_url(env):
        return env.strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("egomap", appauthor=False)) / "egomap.sqlite"


def is_database_url(location: object) -> bool:
    """Whether ``location`` is a PostgreSQL URL (``postgresql://...`` or ``postgres://...``).

    Examples
    --------
    >>> is_database_url("postgresql://alice@db/egomap"), is_database_url("study.sqlite")
    (True, False)
    """
    return isinstance(location, str) and re.match(r"^postgres(ql)?://", location.strip(), re.IGNORECASE) is not None


def check_location(location: object) -> None:
    """Refuse a URL of a database egomap has no engine for (``mysql://...``) where a store is meant.

    A ``postgresql://`` or ``postgres://`` URL is a team store on a
    PostgreSQL server; any other ``scheme://`` would otherwise become a local
    file in a folder named ``mysql:`` -- a team would believe its maps were
    shared while each kept a private copy. The message never repeats the URL
    (it may hold a password).

    Examples
    --------
    >>> check_location("study.sqlite")
    >>> check_location("postgresql://alice@db/egomap")
    >>> check_location("mysql://alice:secret@db/egomap")
    Traceback (most recent call last):
    ...
    egomap.errors.StoreError: egomap cannot open a mysql:// store: a store is an SQLite file path or a postgresql:// URL (nothing was created)
    """
    if is_database_url(location):
        return
    if isinstance(location, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", location.strip()):
        scheme = location.strip().split("://", 1)[0]
        raise StoreError(
            f"egomap cannot open a {scheme}:// store: a store is an SQLite file path or a postgresql:// URL "
            "(nothing was created)"
        )
