"""What a researcher reads of a team store: whole maps rebuilt from the pseudonymised research views.

A researcher's role has no grant on the tables, only on the views (consenting
persons; no names, notes or goal texts; alters by pseudonymous code, their
relationship and met-through texts as codes). So that the research exports
(:mod:`egomap.io`) and anything else that walks ``store.people()`` work for a
researcher as for anyone, the engine answers a researcher's reads from the
views: a person has no display name, a map no notes and no goals, an alter's
label is its code (alters and ties keep the order they were written in, as
for everyone), its ``met_through`` a code and whether that names an activity
(``MapState.met_through_activity``, so that ``Map.capital`` gives what it
gives everyone else). Every write is refused by the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from egomap import fields as _f
from egomap.errors import NotFoundError
from egomap.model import Alter, MapState, Placement, Tie
from egomap.store.edit_sql import resources_from_rows
from egomap.store.postgres.schema import CODED, research_columns
from egomap.store.sqlite.schema import ALTER_COLS, PLACEMENT_COLS, decoder, dicts, types_from_db

__all__ = ["ResearchReads"]

_ORDER = "COALESCE(date, '9999-99-99'), seq"


def _alter_select() -> str:
    """The research placements' columns named as the engine's map query names them (``a_`` for the alter's)."""
    kept = set(research_columns("alter")) | set(CODED)
    cols = ["alter_id AS a_id"]
    for c in ALTER_COLS:
        if c == "label":
            cols.append("alter_id AS a_label")  # the alter's code stands for its name
        elif c in kept:
            cols.append(f"{c} AS a_{c}")
        else:
            cols.append(f"{_literal(_f.field('alter', c))} AS a_{c}")
    cols.append("alter_id")
    place = set(research_columns("placement"))
    cols += [c if c in place else f"{_literal(_f.field('placement', c))} AS {c}" for c in PLACEMENT_COLS]
    return ", ".join(cols)


def _literal(f: _f.Field) -> str:
    v = f.to_db(f.default)
    return "NULL" if v is None else repr(v) if isinstance(v, (int, float)) else "'" + str(v).replace("'", "''") + "'"


class ResearchReads:
    """A researcher's person, map and alter reads, from the research views."""

    lock: Any
    _read: Callable[[Callable[[Any], Any]], Any]

    def research_person_rows(self, pid: str | None = None) -> list[dict[str, Any]]:
        """Consenting persons (one, or all by id) without a display name."""
        where, args = ("WHERE id = %s", (pid,)) if pid is not None else ("", ())
        sql = (
            "SELECT id, NULL AS display_name, consent_keep, consent_research, created FROM research_persons "
            f'{where} ORDER BY id COLLATE "C"'
        )
        with self.lock:
            return self._read(lambda c: list(dicts(c.execute(sql, args))))

    def research_map_rows(self, pid: str) -> list[dict[str, Any]]:
        """A consenting person's maps (labels T1, T2, ...; no notes) in time order."""
        sql = (
            "SELECT id, person_id, seq, label, date, '' AS notes, rings, sectors, copied_from, created, rev, "
            "resource_scheme "
            f"FROM research_maps WHERE person_id = %s ORDER BY {_ORDER}"
        )
        with self.lock:
            return self._read(lambda c: list(dicts(c.execute(sql, (pid,)))))

    def research_map(self, map_id: str) -> tuple[str, int] | None:
        """(person id, revision) of a consenting person's map, or None."""
        with self.lock:
            row = self._read(
                lambda c: c.execute("SELECT person_id, rev FROM research_maps WHERE id = %s", (map_id,)).fetchone()
            )
        return None if row is None else (row[0], row[1])

    def research_load(self, map_id: str) -> tuple[MapState, int]:
        """A map as the views show it: alters by code, no notes, no goals."""

        def run(c: Any) -> tuple[MapState, int]:
            row = c.execute("SELECT label, date, rev FROM research_maps WHERE id = %s", (map_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"map {map_id!r} is not in the research views")
            st = MapState(info={"label": row[0], "date": row[1], "notes": ""})
            cur = c.execute(
                f"SELECT {_alter_select()}, met_through_activity FROM research_placements WHERE map_id = %s ORDER BY n",
                (map_id,),
            )
            alter = decoder(Alter, "alter", "id", cur.description, "a_")
            placement = decoder(Placement, "placement", "alter_id", cur.description)
            for r in cur.fetchall():
                a = alter(r)
                st.alters[a.id] = a
                st.placements[a.id] = placement(r)
                st.met_through_activity[a.id] = bool(r[-1])  # met_through is a code: the capital rule needs this
            ties = c.execute("SELECT a, b, types FROM research_ties WHERE map_id = %s ORDER BY n", (map_id,))
            for a, b, types in ties.fetchall():
                st.ties[Tie(*sorted((a, b)))] = types_from_db(types)
            got = c.execute("SELECT item, alter_id FROM research_resources WHERE map_id = %s ORDER BY n", (map_id,))
            st.resources = resources_from_rows(got.fetchall())
            return st, row[2]

        with self.lock:
            return self._read(run)

    def research_alters(self, pid: str) -> dict[str, Alter]:
        """Every alter (by code) on a consenting person's maps."""
        sql = (
            f"SELECT DISTINCT ON (alter_id) {_alter_select()} FROM research_placements "
            "WHERE map_id IN (SELECT id FROM research_maps WHERE person_id = %s) ORDER BY alter_id"
        )

        def run(c: Any) -> dict[str, Alter]:
            cur = c.execute(sql, (pid,))
            alter = decoder(Alter, "alter", "id", cur.description, "a_")
            return {a.id: a for a in map(alter, cur.fetchall())}

        with self.lock:
            return self._read(run)
