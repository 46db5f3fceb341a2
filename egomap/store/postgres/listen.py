"""A connection that listens on the channel ``egomap_maps`` and reports changed maps the role may see.

Used by :class:`egomap.store.postgres.notify.MapChanges` and by
``PostgresEngine.watch`` (so that both give the same object); it imports
nothing of the engine, which starts it.
"""

from __future__ import annotations

from typing import Any

from egomap.errors import StoreError
from egomap.store.postgres.schema import CHANNEL

__all__ = ["APPLICATION", "MapListener", "connect_listening"]

#: The ``application_name`` of a listening connection (so an administrator can tell them apart).
APPLICATION = "egomap watch"


def connect_listening(psycopg: Any, url: str, path: str) -> Any:
    """A new autocommit connection to ``url`` that listens on the channel (StoreError naming ``path`` if not)."""
    try:
        conn = psycopg.connect(
            url, autocommit=True, options="-c search_path=egomap", application_name=APPLICATION, connect_timeout=5
        )
        conn.execute(f"LISTEN {CHANNEL}")
    except psycopg.Error:
        raise StoreError(f"cannot listen for changes on the store {path}") from None
    return conn


class MapListener:
    """Which maps other writers changed, from a listening connection (see :func:`connect_listening`).

    Parameters
    ----------
    conn : psycopg.Connection
        An autocommit connection that has run ``LISTEN egomap_maps``.
    path : str
        The store's URL without password (for messages).
    error : type
        ``psycopg.Error``.
    """

    def __init__(self, conn: Any, path: str, error: type[Exception]) -> None:
        self.conn = conn
        self.path = path
        self._error = error

    def poll(self, timeout: float = 0.0) -> set[str]:
        """The ids of maps changed (and visible to this role) since the last call; waits up to ``timeout`` seconds for the first."""
        try:
            ids = {n.payload for n in self.conn.notifies(timeout=timeout, stop_after=1)}
            if ids:  # whatever else has arrived meanwhile, without waiting
                ids |= {n.payload for n in self.conn.notifies(timeout=0.0)}
            if not ids:
                return set()
            rows = self.conn.execute("SELECT id FROM maps WHERE id = ANY(%s)", (sorted(ids),)).fetchall()
        except self._error:
            raise StoreError(f"lost the connection to the store {self.path} while listening for changes") from None
        return {r[0] for r in rows}

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (or the connection is gone)."""
        return bool(self.conn.closed)

    def close(self) -> None:
        """Stop listening (and close the connection)."""
        self.conn.close()

    def __enter__(self) -> MapListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
