"""Which maps other connections changed in an SQLite store, from ``PRAGMA data_version``.

The same shape as the PostgreSQL listener
(:class:`egomap.store.postgres.listen.MapListener`): :meth:`DataVersionWatch.poll`
gives the ids of maps whose revision changed since the last call. It reads
the file on its own read-only connection, for which SQLite bumps
``data_version`` whenever any other connection (another kernel, or the
store's own) commits: asking costs one statement, and only after a change
are the maps' revisions read.

Examples
--------
>>> import tempfile, pathlib, egomap as em
>>> path = pathlib.Path(tempfile.mkdtemp()) / "team.sqlite"
>>> a, b = em.open_store(path), em.open_store(path)
>>> m = a.add_person("R-1").new_map("Baseline")
>>> watch = a.watch()
>>> _ = b.map(m.id).add_alter("Mum", ring=0, sector="household")
>>> watch.poll(timeout=2.0) == {m.id}
True
>>> watch.poll()
set()
>>> watch.close(); a.close(); b.close()
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from egomap.errors import StoreError

__all__ = ["DataVersionWatch"]

# How often poll(timeout > 0) looks again while waiting (seconds).
_STEP = 0.05


class DataVersionWatch:
    """Report the maps of the SQLite store at ``path`` that changed since the last :meth:`poll`.

    Parameters
    ----------
    path : Path
        The store file (it must exist).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.conn: sqlite3.Connection | None = sqlite3.connect(
                f"{Path(path).as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
            self._version = self._data_version()
            self._revs = self._read_revs()
        except sqlite3.Error:
            raise StoreError(f"cannot watch the store {str(path)!r} for changes") from None

    def _data_version(self) -> int:
        assert self.conn is not None
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _read_revs(self) -> dict[str, int]:
        assert self.conn is not None
        return dict(self.conn.execute("SELECT id, rev FROM maps").fetchall())

    def poll(self, timeout: float = 0.0) -> set[str]:
        """The ids of maps changed since the last call; waits up to ``timeout`` seconds for the first."""
        if self.conn is None:
            raise StoreError(f"the watch on {str(self.path)!r} is closed")
        deadline = time.monotonic() + max(timeout, 0.0)
        while True:
            try:
                version = self._data_version()
                if version != self._version:
                    self._version = version
                    revs = self._read_revs()
                    changed = {k for k, rev in revs.items() if self._revs.get(k) != rev}
                    self._revs = revs
                    if changed:
                        return changed
            except sqlite3.Error:
                raise StoreError(f"cannot read the store {str(self.path)!r} while watching for changes") from None
            if time.monotonic() >= deadline:
                return set()
            time.sleep(_STEP)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self.conn is None

    def close(self) -> None:
        """Stop watching (and close the connection)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> DataVersionWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
