"""The SQL of each kind of edit, for both engines: how an edit the model built changes a map's rows.

Written once, in SQL that SQLite and PostgreSQL both accept (``ON CONFLICT``),
with question-mark placeholders. Each engine passes its :class:`Dialect`: its
placeholder, the error it raises for a taken unique value, and a savepoint for
the one statement that may fail on purpose (PostgreSQL would otherwise abort the
whole transaction). A new kind of edit is added here, once.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from egomap import fields as _f
from egomap.errors import DuplicateError, NotFoundError, ValidationError
from egomap.model import Alter, MapState, Placement
from egomap.store.sqlite.schema import (
    ALTER_COLS,
    GOAL_COLS,
    MAP_COLS,
    MAP_ROW,
    PLACEMENT_COLS,
    alter_row,
    placement_row,
    types_to_db,
)

__all__ = ["Dialect", "apply_edit_sql", "insert_map_sql", "marks", "resource_rows", "resources_from_rows"]


def _no_savepoint(_c: Any) -> AbstractContextManager[Any]:
    return contextlib.nullcontext()


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines when running an edit's SQL."""

    mark: str = "?"
    unique_violation: type[BaseException] = Exception
    savepoint: Callable[[Any], AbstractContextManager[Any]] = _no_savepoint


def marks(n: int) -> str:
    """Question-mark placeholders for ``n`` values; a dialect turns each into its own.

    Examples
    --------
    >>> marks(3)
    '?, ?, ?'
    """
    return ", ".join(["?"] * n)


def _runners(c: Any, dialect: Dialect) -> tuple[Callable[..., Any], Callable[..., None]]:
    """``run(sql, args)`` and ``many(sql, rows)`` on connection ``c``, the SQL put in the dialect's placeholders."""

    def sql_of(sql: str) -> str:
        return sql if dialect.mark == "?" else sql.replace("?", dialect.mark)

    def run(sql: str, args: Sequence[Any]) -> Any:
        return c.execute(sql_of(sql), args)

    def many(sql: str, rows: list[Sequence[Any]]) -> None:
        if rows:
            c.cursor().executemany(sql_of(sql), rows)

    return run, many


def apply_edit_sql(c: Any, map_id: str, person_id: str, edit: dict, dialect: Dialect) -> None:
    """Run the SQL that makes one edit (as the model builds it) on the map's rows, on connection ``c``."""
    run, many = _runners(c, dialect)
    op = edit["op"]
    if op == "add_alter":
        a = Alter.from_dict(edit["alter"])
        if edit.get("new_alter"):
            cols = ("id", "person_id", *ALTER_COLS)
            run(
                f"INSERT INTO alters ({', '.join(cols)}) VALUES ({marks(len(cols))})",
                [a.id, person_id, *alter_row(a)],
            )
        elif run("SELECT person_id FROM alters WHERE id = ?", (a.id,)).fetchone() != (person_id,):
            raise NotFoundError(f"alter {a.label!r} does not belong to person {person_id!r}")
        q = Placement.from_dict(edit["placement"])
        cols = ("map_id", "alter_id", *PLACEMENT_COLS)
        run(
            f"INSERT INTO placements ({', '.join(cols)}) VALUES ({marks(len(cols))}) "
            "ON CONFLICT (map_id, alter_id) DO UPDATE SET ring = excluded.ring, sector = excluded.sector, "
            "angle = excluded.angle, radius = excluded.radius",
            [map_id, a.id, *placement_row(q)],
        )
        many(
            "INSERT INTO ties (map_id, a, b, types) SELECT ?, ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?) "
            "AND EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?) "
            "ON CONFLICT DO NOTHING",
            [
                (map_id, *sorted(t[:2]), types_to_db(t[2] if len(t) > 2 else None), map_id, t[0], map_id, t[1])
                for t in edit.get("ties", ())
            ],
        )
        for item in edit.get("resources", ()):  # the alter's items come back (an item of no one has someone again)
            _add_resource(run, map_id, item, [a.id])
    elif op == "remove_alter":
        aid = edit["alter_id"]
        # an item only this alter could help with stays asked: it becomes "no one" (the row of alter '')
        run(
            "INSERT INTO resources (map_id, item, alter_id) SELECT map_id, item, '' FROM resources r "
            "WHERE map_id = ? AND alter_id = ? AND NOT EXISTS (SELECT 1 FROM resources s WHERE s.map_id = r.map_id "
            "AND s.item = r.item AND s.alter_id <> '' AND s.alter_id <> r.alter_id) ON CONFLICT DO NOTHING",
            (map_id, aid),
        )
        run("DELETE FROM resources WHERE map_id = ? AND alter_id = ?", (map_id, aid))
        run("DELETE FROM ties WHERE map_id = ? AND (a = ? OR b = ?)", (map_id, aid, aid))
        run("DELETE FROM placements WHERE map_id = ? AND alter_id = ?", (map_id, aid))
        if edit.get("drop_alter"):
            run(
                "DELETE FROM alters WHERE id = ? AND NOT EXISTS (SELECT 1 FROM placements WHERE alter_id = ?)",
                (aid, aid),
            )
    elif op == "update":
        aid = edit["alter_id"]
        af = {k: v for k, v in (edit.get("alter") or {}).items() if k in ALTER_COLS}
        if af:
            run(
                f"UPDATE alters SET {', '.join(f'{k} = ?' for k in af)} WHERE id = ?",
                [_f.field("alter", k).to_db(v) for k, v in af.items()] + [aid],
            )
            run(
                "UPDATE maps SET rev = rev + 1 WHERE id != ? AND id IN "
                "(SELECT map_id FROM placements WHERE alter_id = ?)",
                (map_id, aid),
            )
        pf = {k: v for k, v in (edit.get("placement") or {}).items() if k in PLACEMENT_COLS}
        if pf:
            run(
                f"UPDATE placements SET {', '.join(f'{k} = ?' for k in pf)} WHERE map_id = ? AND alter_id = ?",
                [_f.field("placement", k).to_db(v) for k, v in pf.items()] + [map_id, aid],
            )
    elif op == "add_tie":
        run(
            "INSERT INTO ties (map_id, a, b, types) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (map_id, edit["a"], edit["b"], types_to_db(edit.get("types"))),
        )
    elif op == "set_tie_types":
        run(
            "UPDATE ties SET types = ? WHERE map_id = ? AND a = ? AND b = ?",
            (types_to_db(edit.get("types")), map_id, edit["a"], edit["b"]),
        )
    elif op == "remove_tie":
        run("DELETE FROM ties WHERE map_id = ? AND a = ? AND b = ?", (map_id, edit["a"], edit["b"]))
    elif op == "set_resource":
        run("DELETE FROM resources WHERE map_id = ? AND item = ?", (map_id, edit["item"]))
        if edit["alters"] is not None:  # None: not asked, no row; [] no one, the row of alter ''
            many(
                "INSERT INTO resources (map_id, item, alter_id) VALUES (?, ?, ?)",
                [(map_id, edit["item"], aid) for aid in edit["alters"] or [""]],
            )
    elif op == "add_goal":
        g = edit["goal"]
        run(
            "INSERT INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET map_id = excluded.map_id, text = excluded.text, steps = excluded.steps, "
            "status = excluded.status, alter_ids = excluded.alter_ids",
            (g["id"], map_id, g["text"], json.dumps(g["steps"]), g["status"], json.dumps(g["alter_ids"])),
        )
    elif op == "remove_goal":
        run("DELETE FROM goals WHERE id = ? AND map_id = ?", (edit["goal_id"], map_id))
    elif op == "update_goal":
        f = {k: v for k, v in edit["fields"].items() if k in GOAL_COLS}
        run(
            f"UPDATE goals SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?",
            [json.dumps(v) if isinstance(v, list) else v for v in f.values()] + [edit["goal_id"]],
        )
    elif op == "update_map":
        f = {k: v for k, v in edit["fields"].items() if k in MAP_COLS}
        try:
            with dialect.savepoint(c):  # on PostgreSQL a taken label must leave the outer transaction usable
                run(f"UPDATE maps SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?", [*f.values(), map_id])
        except dialect.unique_violation:
            raise DuplicateError(
                f"person {person_id!r} already has a map labelled {f.get('label')!r}", field="label"
            ) from None
    elif op == "batch":
        for e in edit["edits"]:
            apply_edit_sql(c, map_id, person_id, e, dialect)
    else:
        raise ValidationError(f"unknown edit {op!r}", field="op")


def _add_resource(run: Callable[..., Any], map_id: str, item: str, alter_ids: Sequence[str]) -> None:
    """Add alters to an item asked about (no longer "no one")."""
    run("DELETE FROM resources WHERE map_id = ? AND item = ? AND alter_id = ''", (map_id, item))
    for aid in alter_ids:
        run(
            "INSERT INTO resources (map_id, item, alter_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (map_id, item, aid),
        )


def resource_rows(map_id: str, resources: Mapping[str, Iterable[str]]) -> list[tuple[str, str, str]]:
    """The rows of table ``resources`` for a map's resources: one per (item, alter); ``(item, "")`` for no one.

    Examples
    --------
    >>> resource_rows("m1", {"small_loan": {"b2", "a1"}, "advice": set()})
    [('m1', 'small_loan', 'a1'), ('m1', 'small_loan', 'b2'), ('m1', 'advice', '')]
    """
    return [(map_id, item, aid) for item, ids in resources.items() for aid in (sorted(ids) or [""])]


def resources_from_rows(rows: Iterable[Sequence[str]]) -> dict[str, frozenset[str]]:
    """Inverse of :func:`resource_rows`: ``(item, alter_id)`` rows as a map's resources.

    Examples
    --------
    >>> resources_from_rows([("small_loan", "a1"), ("advice", ""), ("small_loan", "b2")]) == {
    ...     "small_loan": {"a1", "b2"}, "advice": frozenset()}
    True
    """
    out: dict[str, set[str]] = {}
    for item, aid in rows:
        got = out.setdefault(item, set())
        if aid:
            got.add(aid)
    return {k: frozenset(v) for k, v in out.items()}


def insert_map_sql(c: Any, pid: str, row: Mapping[str, Any], state: MapState, dialect: Dialect) -> None:
    """Save a new map's rows (the map, its placements, ties, goals and resources) after checking the person, id and label.

    The engine then logs the map's creation in its own way.
    """
    run, many = _runners(c, dialect)

    taken = DuplicateError(f"person {pid!r} already has a map labelled {row['label']!r}", field="label")
    if run("SELECT 1 FROM persons WHERE id = ?", (pid,)).fetchone() is None:
        raise NotFoundError(f"no person {pid!r} in the store")
    if run("SELECT 1 FROM maps WHERE id = ?", (row["id"],)).fetchone():
        raise DuplicateError(f"a map with id {row['id']!r} is already in the store", field="map id")
    if run("SELECT 1 FROM maps WHERE person_id = ? AND label = ?", (pid, row["label"])).fetchone():
        raise taken
    seq = run("SELECT COALESCE(MAX(seq) + 1, 0) FROM maps WHERE person_id = ?", (pid,)).fetchone()[0]
    values = dict(row, person_id=pid, seq=seq, rev=0)
    values["rings"], values["sectors"] = json.dumps(row["rings"]), json.dumps(row["sectors"])
    scheme = row.get("resource_scheme")
    values["resource_scheme"] = None if scheme is None else json.dumps(scheme)
    try:
        with dialect.savepoint(c):  # another writer may take the label meanwhile
            run(f"INSERT INTO maps ({', '.join(MAP_ROW)}) VALUES ({marks(len(MAP_ROW))})", [values[k] for k in MAP_ROW])
    except dialect.unique_violation:
        raise taken from None
    cols = ("map_id", "alter_id", *PLACEMENT_COLS)
    many(
        f"INSERT INTO placements ({', '.join(cols)}) VALUES ({marks(len(cols))})",
        [[row["id"], q.alter_id, *placement_row(q)] for q in state.placements.values()],
    )
    many(
        "INSERT INTO ties (map_id, a, b, types) VALUES (?, ?, ?, ?)",
        [(row["id"], t.a, t.b, types_to_db(v)) for t, v in state.ties.items()],
    )
    many(
        "INSERT INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (g.id, row["id"], g.text, json.dumps(list(g.steps)), g.status, json.dumps(list(g.alter_ids)))
            for g in state.goals.values()
        ],
    )
    many("INSERT INTO resources (map_id, item, alter_id) VALUES (?, ?, ?)", resource_rows(row["id"], state.resources))
