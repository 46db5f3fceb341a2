"""Which maps other writers changed, told by PostgreSQL (``LISTEN``/``NOTIFY``), for views that show a map live.

Every committed edit, undo, redo and new map sends the map's id on the
channel ``egomap_maps`` (delivered only when its transaction commits). A
:class:`MapChanges` listens on its own connection and reports the ids of
changed maps that the listening role may see: the ids are checked against
the ``maps`` table, so row-level security keeps another caseload's activity
out. :meth:`egomap.Store.watch` gives the same for any store (SQLite:
``PRAGMA data_version``); the widget checks it about once a second.
"""

from __future__ import annotations

from egomap.store.postgres.engine import display_url, psycopg_module
from egomap.store.postgres.listen import MapListener, connect_listening
from egomap.store.postgres.schema import CHANNEL

__all__ = ["CHANNEL", "MapChanges"]


class MapChanges(MapListener):
    """Listen for changed maps of a PostgreSQL store (what ``em.open_store(url).watch()`` gives).

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
        path = display_url(url)
        super().__init__(connect_listening(psycopg, url, path), path, psycopg.Error)
