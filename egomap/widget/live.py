"""Live updates: show on a widget the edits another session (kernel, practitioner) saves on its map.

Each view of the widget asks about once a second ("anything new?", a
``{"type": "check"}`` message); :meth:`LiveUpdates.changed` answers from the
store's watch (:meth:`egomap.Store.watch`: PostgreSQL ``LISTEN``/``NOTIFY``,
SQLite ``PRAGMA data_version``), which costs almost nothing when nothing
changed. Only if the map's revision moved past the one last shown does the
widget reload the map and send a new snapshot. No thread runs in the kernel;
the watch is opened on the first check and closed with the widget. The
widgets of one store share one watch (on PostgreSQL one listening
connection, however many maps are open), each told every change.

Examples
--------
>>> import tempfile, pathlib, egomap as em
>>> path = pathlib.Path(tempfile.mkdtemp()) / "team.sqlite"
>>> a, b = em.open_store(path), em.open_store(path)
>>> m = a.add_person("R-1").new_map("Baseline")
>>> live = LiveUpdates(m)
>>> live.changed()
False
>>> _ = b.map(m.id).add_alter("Mum", ring=0, sector="household")
>>> live.changed(), len(m)
(True, 1)
>>> live.close(); a.close(); b.close()
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

from egomap.errors import EgomapError
from egomap.model import Map

__all__ = ["ANY", "LiveUpdates", "SharedWatch"]

_log = logging.getLogger(__name__)


#: What :meth:`SharedWatch.poll` answers when any map may have changed (its watch was opened again).
ANY = "*"


class SharedWatch:
    """One :meth:`egomap.Store.watch` shared by the widgets of a store, each told every changed map.

    Use :meth:`for_store` to get (or start) the one of a store; each widget
    joins it (:meth:`join`), asks with its key (:meth:`poll`) and leaves it
    when closed (:meth:`leave`); the store's watch is closed when the last one leaves.
    """

    _open: dict[int, SharedWatch] = {}
    _lock = threading.Lock()

    def __init__(self, store: Any) -> None:
        self.store = store
        self.watch: Any = store.watch()
        self.waiting: dict[int, set[str]] = {}

    @classmethod
    def for_store(cls, store: Any) -> SharedWatch:
        """The shared watch of ``store`` (started on first use)."""
        with cls._lock:
            hub = cls._open.get(id(store))
            if hub is None or hub.store is not store:
                hub = cls._open[id(store)] = cls(store)
            return hub

    def join(self, key: int) -> None:
        """Start telling ``key`` the maps changed from now on."""
        with self._lock:
            self.waiting.setdefault(key, set())

    def poll(self, key: int) -> set[str]:
        """The maps changed since ``key`` last asked (without waiting).

        If the watch was lost (a server restart, a dropped connection), it
        raises the store's error once and is opened again on the next call,
        which then answers :data:`ANY` (anything may have changed meanwhile).
        """
        with self._lock:
            try:
                if self.watch is None:
                    self.watch = self.store.watch()
                    ids = {ANY}
                else:
                    ids = self.watch.poll(0.0)
            except EgomapError:
                self._drop()
                raise
            for seen in self.waiting.values():
                seen |= ids
            out = self.waiting.get(key, set())
            self.waiting[key] = set()
            return out

    def leave(self, key: int) -> None:
        """Stop telling ``key``; the last to leave closes the store's watch."""
        with self._lock:
            self.waiting.pop(key, None)
            if self.waiting:
                return
            if self._open.get(id(self.store)) is self:
                del self._open[id(self.store)]
            self._drop()

    def _drop(self) -> None:
        if self.watch is not None:
            try:
                self.watch.close()
            except Exception:  # already gone with its connection: nothing to close
                _log.debug("watch already closed")
            self.watch = None


class LiveUpdates:
    """Whether another writer changed ``m`` since the widget last showed it.

    Parameters
    ----------
    m : Map
        The widget's map (an in-memory map has no other writers: never changed).
    """

    #: Every this many checks the map's revision is also read from the store (one small query): a map
    #: removed by another writer is then noticed, and so is an edit whose notice was missed.
    FULL_CHECK_EVERY = 10

    def __init__(self, m: Map) -> None:
        self.map = m
        self.shown = m.revision
        self.closed = False
        self._watch: Any = None
        self._checks = 0
        self._failed = False

    def _open(self) -> SharedWatch | None:
        if self._watch is None:
            store = self.map.person.backend
            if getattr(store, "watch", None) is None:  # an in-memory map
                return None
            self._watch = SharedWatch.for_store(store)
            self._watch.join(id(self))
            # a widget dropped without close() still leaves (the last one closes the store's watch)
            self._finalizer = weakref.finalize(self, self._watch.leave, id(self))
        return self._watch

    def showing(self, revision: int) -> None:
        """Note that the widget now shows the map at ``revision`` (after its own edit)."""
        self.shown = revision

    def changed(self) -> bool:
        """Look (cheaply) whether the map changed since last shown; if so reload it and return True.

        Raises :class:`~egomap.errors.EgomapError` if the store cannot be read
        (or the map was removed meanwhile).
        """
        if self.closed:
            return False
        watch = self._open()
        if watch is None:
            return False
        self._checks += 1
        full = self._failed or self._checks % self.FULL_CHECK_EVERY == 0
        try:
            ids = watch.poll(id(self))  # also on a full check: it opens a lost watch again
            if not full and self.map.id not in ids and ANY not in ids and self.map.revision == self.shown:
                return False
            self.map.refresh()
            len(self.map)  # read it now (the snapshot needs it anyway)
        except EgomapError:
            self._failed = True  # the next checks read the store itself until one succeeds
            raise
        self._failed = False
        if self.map.revision == self.shown:
            return False
        self.shown = self.map.revision
        return True

    def close(self) -> None:
        """Stop watching (the widget was closed); later checks answer False."""
        self.closed = True
        if self._watch is not None:
            self._finalizer()  # leaves the shared watch, once
            self._watch = None
