"""The edit log of a PostgreSQL store: saving an edit against the revision it expects, undo and redo.

A mixin of :class:`~egomap.store.postgres.PostgresEngine`: the log is
append-only (the team's roles may insert into it, never change it), and the
undo and redo stacks are rebuilt from it, so they survive reconnecting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from egomap.errors import NotFoundError, SaveError
from egomap.model import StaleRevision, describe_edit, now
from egomap.store.postgres.edits import apply_edit_sql
from egomap.store.postgres.schema import CHANNEL
from egomap.store.sqlite.schema import dicts

__all__ = ["LOCK_PERSON_MAPS", "EditLog", "dumps"]

#: Lock a person's maps (in id order, so that two writers never wait on each other in a circle).
LOCK_PERSON_MAPS = (
    "SELECT id, rev FROM maps WHERE person_id = (SELECT person_id FROM maps WHERE id = %s) ORDER BY id FOR UPDATE"
)


class EditLog:
    """Edits, undo, redo and the history of a map (see :class:`egomap.store.engine.Engine`)."""

    writer: str
    lock: Any
    _stacks: dict[str, tuple[int, list[int], list[int]]]
    _write: Callable[[Callable[[Any], Any]], Any]
    _read: Callable[[Callable[[Any], Any]], Any]
    _depth: int
    _begin_pending: bool
    conn: Any
    psycopg: Any
    committed_early: Callable[[], None]

    def _bump(self, c: Any, map_id: str, expected: int) -> int:
        row = c.execute(
            "UPDATE maps SET rev = rev + 1 WHERE id = %s AND rev = %s RETURNING rev", (map_id, expected)
        ).fetchone()
        if row is None:
            raise SaveError(
                f"map {map_id!r} was changed by another writer since it was read (expected revision {expected}); "
                "nothing was saved"
            )
        return row[0]

    def commit_edit(
        self,
        map_id: str,
        person_id: str,
        edit: dict,
        inverse: dict,
        description: str,
        expected: int,
        *,
        last: bool = False,
    ) -> int:
        """Save one edit and its inverse, and log it, if the map is at revision ``expected``; return the new one.

        One round trip: the edit's rows, then one statement that checks the
        revision (a mismatch divides by zero, stopping the transaction), bumps
        it, logs the edit and notifies listeners; when the edit is ``last`` in
        an outermost transaction, the COMMIT too, and if that transaction has
        sent nothing yet (a map building on what it last read), its BEGIN and
        the lock of the person's maps first. A stale map raises
        :class:`~egomap.model.StaleRevision`.
        """

        def run(c: Any) -> int:
            ends = last and self._depth <= 2  # the caller's transaction (or _write's own) is the outermost one
            fresh, self._begin_pending = self._begin_pending, False
            conn = self.conn
            failed: Exception | None = None
            try:
                with conn.pipeline():
                    try:  # an error read back while sending: the pipeline is then ended cleanly below
                        if fresh:
                            conn.execute("BEGIN", prepare=False)
                            conn.execute(LOCK_PERSON_MAPS, (map_id,))
                        apply_edit_sql(conn, map_id, person_id, edit)
                        cur = conn.execute(
                            "WITH b AS (UPDATE maps SET rev = rev + 1 WHERE id = %s AND rev = %s RETURNING rev), "
                            "i AS (INSERT INTO edits (map_id, time, action, edit, inverse, description, writer) "
                            "SELECT %s, %s, %s, %s, %s, %s, %s FROM b RETURNING id, map_id) "
                            f"SELECT i.id, b.rev, pg_notify('{CHANNEL}', i.map_id), 1 / (SELECT count(*) FROM b) "
                            "FROM (SELECT 1) one LEFT JOIN b ON true LEFT JOIN i ON true",
                            (
                                map_id,
                                expected,
                                map_id,
                                now(),
                                "edit",
                                dumps(edit),
                                dumps(inverse),
                                description,
                                self.writer,
                            ),
                        )
                        if ends:  # never prepared: after an error it is skipped, and a skipped PREPARE is lost
                            conn.execute("COMMIT", prepare=False)
                    except self.psycopg.Error as e:
                        failed = e
            except self.psycopg.Error as e:
                failed = failed or e
            if isinstance(failed, self.psycopg.errors.DivisionByZero):
                raise StaleRevision(
                    f"map {map_id!r} was changed by another writer since it was read (expected revision "
                    f"{expected}); nothing was saved"
                )
            if failed is not None:
                raise failed
            eid, rev, _, _ = cur.fetchone()
            if ends:
                self.committed_early()
            stacks = self._stacks.get(map_id)
            if stacks is not None and stacks[0] == rev - 1:
                self._stacks[map_id] = (rev, stacks[1] + [eid], [])
            else:
                self._stacks.pop(map_id, None)
            return rev

        return self._write(run)

    def delete_map(self, map_id: str, log_to: str | None, record: Mapping[str, Any], description: str) -> None:
        """Delete a map and everything on it (its alters stay, for other maps), noting it in ``log_to``'s log.

        The note holds the removed map's contents (``record``), so the log keeps
        what was removed although the map's own log goes with it.
        """

        def run(c: Any) -> None:
            if log_to is not None:
                c.execute(
                    "INSERT INTO edits (map_id, time, action, edit, description, writer) "
                    f"VALUES (%s, %s, %s, %s, %s, %s) RETURNING pg_notify('{CHANNEL}', map_id)",
                    (log_to, now(), "remove_map", dumps(record), description, self.writer),
                )
            gone = c.execute(f"DELETE FROM maps WHERE id = %s RETURNING pg_notify('{CHANNEL}', id)", (map_id,))
            if gone.fetchone() is None:
                raise NotFoundError(f"map {record.get('label') or map_id!r} is no longer in the store")

        self._write(run)
        self._stacks.pop(map_id, None)

    def _stack(self, c: Any, map_id: str, rev: int | None = None) -> tuple[list[int], list[int]]:
        cached = self._stacks.get(map_id)
        if cached is not None and rev is not None and cached[0] == rev:
            return list(cached[1]), list(cached[2])
        found = c.execute("SELECT rev FROM maps WHERE id = %s", (map_id,)).fetchone()
        if found is None:
            raise NotFoundError(f"map {map_id!r} is no longer in the store")
        rev = found[0]
        if cached is not None and cached[0] == rev:
            return list(cached[1]), list(cached[2])
        undo: list[int] = []
        redo: list[int] = []
        for eid, action, target in c.execute(
            "SELECT id, action, target FROM edits WHERE map_id = %s ORDER BY id", (map_id,)
        ).fetchall():
            if action == "edit":
                undo.append(eid)
                redo.clear()
            elif action == "undo" and undo and undo[-1] == target:
                redo.append(undo.pop())
            elif action == "redo" and redo and redo[-1] == target:
                undo.append(redo.pop())
        self._stacks[map_id] = (rev, undo, redo)
        return list(undo), list(redo)

    def undo_redo(
        self, map_id: str, person_id: str, labels: Mapping[str, str], expected: int, action: str
    ) -> tuple[dict, dict, int] | None:
        """Save and log the undo (or redo) of the map's last edit (or last undone edit)."""

        def run(c: Any) -> tuple[dict, dict, int] | None:
            undo, redo = self._stack(c, map_id, expected)
            stack = undo if action == "undo" else redo
            if not stack:
                return None
            target = stack.pop()
            edit_json, inverse_json = c.execute("SELECT edit, inverse FROM edits WHERE id = %s", (target,)).fetchone()
            edit, inverse = json.loads(edit_json), json.loads(inverse_json)
            apply_edit_sql(c, map_id, person_id, inverse if action == "undo" else edit)
            rev = self._bump(c, map_id, expected)
            c.execute(
                "INSERT INTO edits (map_id, time, action, target, edit, description, writer) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    map_id,
                    now(),
                    action,
                    target,
                    dumps(inverse if action == "undo" else edit),
                    f"{action} {describe_edit(edit, labels)}",
                    self.writer,
                ),
            )
            c.execute(f"SELECT pg_notify('{CHANNEL}', %s)", (map_id,))
            (redo if action == "undo" else undo).append(target)
            self._stacks[map_id] = (rev, undo, redo)
            return edit, inverse, rev

        return self._write(run)

    def can_undo_redo(self, map_id: str, revision: int) -> tuple[bool, bool]:
        """Whether the map has an edit to undo, and an undone edit to redo (a researcher: never; no edit log)."""
        if getattr(self, "researcher", False):
            return False, False
        with self.lock:
            undo, redo = self._read(lambda c: self._stack(c, map_id, revision))
        return bool(undo), bool(redo)

    def history(self, map_id: str) -> list[dict]:
        """The map's edit log, oldest first (a researcher reads none: it holds names)."""
        if getattr(self, "researcher", False):
            return []
        sql = "SELECT id, time, action, target, description, writer, edit FROM edits WHERE map_id = %s ORDER BY id"
        with self.lock:
            rows = self._read(lambda c: list(dicts(c.execute(sql, (map_id,)))))
        for r in rows:
            r["edit"] = json.loads(r["edit"])
        return rows


def dumps(obj: Any) -> str:
    """Compact JSON with sorted keys (how edits are logged)."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)
