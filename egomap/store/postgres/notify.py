"""Which maps other writers changed, told by PostgreSQL (``LISTEN``/``NOTIFY``), for views that show a map live.

Every committed edit, undo, redo and new map sends the map's id on the
channel ``egomap_maps`` (delivered only when its transaction commits). A
:class:`MapChanges` listens on its own connection and reports the ids of
changed maps that the listening role may see: the ids are checked against
the ``maps`` table, so row-level security keeps another caseload's activity
out. (Only the store side: no widget uses it yet.)
"""

from __future__ import annotations

from typing import Any

from egomap.errors import StoreError
from egomap.store.postgres.engine import display_url, psycopg_module
from egomap.store.postgres.schema import CHANNEL

__all__ = ["CHANNEL", "MapChanges"]


class MapChanges:
    """Listen for changed maps of a PostgreSQL store.

    Parameters
    ----------
    url : str
        The store's ``postgresql://`` URL (the same role as the store's user).

    Examples
    --------
    A second kernel (or a widget's timer) asks which maps changed since it last looked::

        changes = MapChanges("postgresql://alice@db/egomap")
        for map_id in changes.poll(timeout=2.0):
            store.map(map_id).refresh()
        changes.close()
    """

    def __init__(self, url: str) -> None:
        psycopg = psycopg_module()
        self.path = display_url(url)
        try:
            self.conn: Any = psycopg.connect(url, autocommit=True, options="-c search_path=egomap")
            self.conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            raise StoreError(f"cannot listen for changes on the store {self.path}") from None

    def poll(self, timeout: float = 0.0) -> set[str]:
        """The ids of maps changed (and visible to this role) since the last call; waits up to ``timeout`` seconds for the first."""
        psycopg = psycopg_module()
        try:
            ids = {n.payload for n in self.conn.notifies(timeout=timeout, stop_after=1)}
            if ids:  # whatever else has arrived meanwhile, without waiting
                ids |= {n.payload for n in self.conn.notifies(timeout=0.0)}
            if not ids:
                return set()
            rows = self.conn.execute("SELECT id FROM maps WHERE id = ANY(%s)", (sorted(ids),)).fetchall()
        except psycopg.Error:
            raise StoreError(f"lost the connection to the store {self.path} while listening for changes") from None
        return {r[0] for r in rows}

    def close(self) -> None:
        """Stop listening."""
        self.conn.close()

    def __enter__(self) -> MapChanges:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
