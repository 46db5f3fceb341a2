"""The SQL of each kind of edit on PostgreSQL: how an edit the model built changes a map's rows.

The same edits as :mod:`egomap.store.sqlite.edits`, in PostgreSQL's dialect
(``ON CONFLICT`` instead of ``INSERT OR IGNORE``/``OR REPLACE``).
"""

from __future__ import annotations

import json
from typing import Any

from egomap import fields as _f
from egomap.errors import DuplicateError, NotFoundError, ValidationError
from egomap.model import Alter, Placement
from egomap.store.sqlite.schema import (
    ALTER_COLS,
    GOAL_COLS,
    MAP_COLS,
    PLACEMENT_COLS,
    alter_row,
    placement_row,
    types_to_db,
)

__all__ = ["apply_edit_sql", "marks"]


def marks(n: int) -> str:
    """``%s, %s, ...`` for ``n`` values."""
    return ", ".join(["%s"] * n)


def apply_edit_sql(c: Any, map_id: str, person_id: str, edit: dict) -> None:
    """Run the SQL that makes one edit (as the model builds it) on the map's rows (``c``: a psycopg connection)."""
    import psycopg

    op = edit["op"]
    if op == "add_alter":
        a = Alter.from_dict(edit["alter"])
        if edit.get("new_alter"):
            cols = ("id", "person_id", *ALTER_COLS)
            c.execute(
                f"INSERT INTO alters ({', '.join(cols)}) VALUES ({marks(len(cols))})", [a.id, person_id, *alter_row(a)]
            )
        elif c.execute("SELECT person_id FROM alters WHERE id = %s", (a.id,)).fetchone() != (person_id,):
            raise NotFoundError(f"alter {a.label!r} does not belong to person {person_id!r}")
        q = Placement.from_dict(edit["placement"])
        cols = ("map_id", "alter_id", *PLACEMENT_COLS)
        c.execute(
            f"INSERT INTO placements ({', '.join(cols)}) VALUES ({marks(len(cols))}) "
            "ON CONFLICT (map_id, alter_id) DO UPDATE SET ring = excluded.ring, sector = excluded.sector, "
            "angle = excluded.angle, radius = excluded.radius",
            [map_id, a.id, *placement_row(q)],
        )
        for t in edit.get("ties", ()):
            lo, hi = sorted(t[:2])
            c.execute(
                "INSERT INTO ties (map_id, a, b, types) SELECT %s, %s, %s, %s "
                "WHERE EXISTS (SELECT 1 FROM placements WHERE map_id = %s AND alter_id = %s) "
                "AND EXISTS (SELECT 1 FROM placements WHERE map_id = %s AND alter_id = %s) "
                "ON CONFLICT DO NOTHING",
                (map_id, lo, hi, types_to_db(t[2] if len(t) > 2 else None), map_id, t[0], map_id, t[1]),
            )
    elif op == "remove_alter":
        aid = edit["alter_id"]
        c.execute("DELETE FROM ties WHERE map_id = %s AND (a = %s OR b = %s)", (map_id, aid, aid))
        c.execute("DELETE FROM placements WHERE map_id = %s AND alter_id = %s", (map_id, aid))
        if edit.get("drop_alter"):
            c.execute(
                "DELETE FROM alters WHERE id = %s AND NOT EXISTS (SELECT 1 FROM placements WHERE alter_id = %s)",
                (aid, aid),
            )
    elif op == "update":
        aid = edit["alter_id"]
        af = {k: v for k, v in (edit.get("alter") or {}).items() if k in ALTER_COLS}
        if af:
            c.execute(
                f"UPDATE alters SET {', '.join(f'{k} = %s' for k in af)} WHERE id = %s",
                [_f.field("alter", k).to_db(v) for k, v in af.items()] + [aid],
            )
            c.execute(
                "UPDATE maps SET rev = rev + 1 WHERE id != %s AND id IN "
                "(SELECT map_id FROM placements WHERE alter_id = %s)",
                (map_id, aid),
            )
        pf = {k: v for k, v in (edit.get("placement") or {}).items() if k in PLACEMENT_COLS}
        if pf:
            c.execute(
                f"UPDATE placements SET {', '.join(f'{k} = %s' for k in pf)} WHERE map_id = %s AND alter_id = %s",
                [_f.field("placement", k).to_db(v) for k, v in pf.items()] + [map_id, aid],
            )
    elif op == "add_tie":
        c.execute(
            "INSERT INTO ties (map_id, a, b, types) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (map_id, edit["a"], edit["b"], types_to_db(edit.get("types"))),
        )
    elif op == "set_tie_types":
        c.execute(
            "UPDATE ties SET types = %s WHERE map_id = %s AND a = %s AND b = %s",
            (types_to_db(edit.get("types")), map_id, edit["a"], edit["b"]),
        )
    elif op == "remove_tie":
        c.execute("DELETE FROM ties WHERE map_id = %s AND a = %s AND b = %s", (map_id, edit["a"], edit["b"]))
    elif op == "add_goal":
        g = edit["goal"]
        c.execute(
            "INSERT INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET map_id = excluded.map_id, text = excluded.text, steps = excluded.steps, "
            "status = excluded.status, alter_ids = excluded.alter_ids",
            (g["id"], map_id, g["text"], json.dumps(g["steps"]), g["status"], json.dumps(g["alter_ids"])),
        )
    elif op == "remove_goal":
        c.execute("DELETE FROM goals WHERE id = %s AND map_id = %s", (edit["goal_id"], map_id))
    elif op == "update_goal":
        f = {k: v for k, v in edit["fields"].items() if k in GOAL_COLS}
        c.execute(
            f"UPDATE goals SET {', '.join(f'{k} = %s' for k in f)} WHERE id = %s",
            [json.dumps(v) if isinstance(v, list) else v for v in f.values()] + [edit["goal_id"]],
        )
    elif op == "update_map":
        f = {k: v for k, v in edit["fields"].items() if k in MAP_COLS}
        try:
            with c.transaction():  # a savepoint: a taken label leaves the outer transaction usable
                c.execute(f"UPDATE maps SET {', '.join(f'{k} = %s' for k in f)} WHERE id = %s", [*f.values(), map_id])
        except psycopg.errors.UniqueViolation:
            raise DuplicateError(
                f"person {person_id!r} already has a map labelled {f.get('label')!r}", field="label"
            ) from None
    elif op == "batch":
        for e in edit["edits"]:
            apply_edit_sql(c, map_id, person_id, e)
    else:
        raise ValidationError(f"unknown edit {op!r}", field="op")
