"""The SQL of each kind of edit: how an edit the model built changes a map's rows."""

from __future__ import annotations

import json
import sqlite3

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

__all__ = ["apply_edit_sql"]


def apply_edit_sql(c: sqlite3.Connection, map_id: str, person_id: str, edit: dict) -> None:
    """Run the SQL that makes one edit (as the model builds it) on the map's rows."""
    op = edit["op"]
    if op == "add_alter":
        a = Alter.from_dict(edit["alter"])
        if edit.get("new_alter"):
            cols = ("id", "person_id", *ALTER_COLS)
            c.execute(
                f"INSERT INTO alters ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [a.id, person_id, *alter_row(a)],
            )
        elif c.execute("SELECT person_id FROM alters WHERE id = ?", (a.id,)).fetchone() != (person_id,):
            raise NotFoundError(f"alter {a.label!r} does not belong to person {person_id!r}")
        q = Placement.from_dict(edit["placement"])
        cols = ("map_id", "alter_id", *PLACEMENT_COLS)
        c.execute(
            f"INSERT INTO placements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            "ON CONFLICT (map_id, alter_id) DO UPDATE SET ring = excluded.ring, sector = excluded.sector, "
            "angle = excluded.angle, radius = excluded.radius",
            [map_id, a.id, *placement_row(q)],
        )
        c.executemany(
            "INSERT OR IGNORE INTO ties (map_id, a, b, types) SELECT ?, ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?) "
            "AND EXISTS (SELECT 1 FROM placements WHERE map_id = ? AND alter_id = ?)",
            [
                (map_id, *sorted(t[:2]), types_to_db(t[2] if len(t) > 2 else None), map_id, t[0], map_id, t[1])
                for t in edit.get("ties", ())
            ],
        )
    elif op == "remove_alter":
        aid = edit["alter_id"]
        c.execute("DELETE FROM ties WHERE map_id = ? AND (a = ? OR b = ?)", (map_id, aid, aid))
        c.execute("DELETE FROM placements WHERE map_id = ? AND alter_id = ?", (map_id, aid))
        if edit.get("drop_alter"):
            c.execute(
                "DELETE FROM alters WHERE id = ? AND NOT EXISTS (SELECT 1 FROM placements WHERE alter_id = ?)",
                (aid, aid),
            )
    elif op == "update":
        aid = edit["alter_id"]
        af = {k: v for k, v in (edit.get("alter") or {}).items() if k in ALTER_COLS}
        if af:
            c.execute(
                f"UPDATE alters SET {', '.join(f'{k} = ?' for k in af)} WHERE id = ?",
                [_f.field("alter", k).to_db(v) for k, v in af.items()] + [aid],
            )
            c.execute(
                "UPDATE maps SET rev = rev + 1 WHERE id != ? AND id IN "
                "(SELECT map_id FROM placements WHERE alter_id = ?)",
                (map_id, aid),
            )
        pf = {k: v for k, v in (edit.get("placement") or {}).items() if k in PLACEMENT_COLS}
        if pf:
            c.execute(
                f"UPDATE placements SET {', '.join(f'{k} = ?' for k in pf)} WHERE map_id = ? AND alter_id = ?",
                [_f.field("placement", k).to_db(v) for k, v in pf.items()] + [map_id, aid],
            )
    elif op == "add_tie":
        c.execute(
            "INSERT OR IGNORE INTO ties (map_id, a, b, types) VALUES (?,?,?,?)",
            (map_id, edit["a"], edit["b"], types_to_db(edit.get("types"))),
        )
    elif op == "set_tie_types":
        c.execute(
            "UPDATE ties SET types = ? WHERE map_id = ? AND a = ? AND b = ?",
            (types_to_db(edit.get("types")), map_id, edit["a"], edit["b"]),
        )
    elif op == "remove_tie":
        c.execute("DELETE FROM ties WHERE map_id = ? AND a = ? AND b = ?", (map_id, edit["a"], edit["b"]))
    elif op == "add_goal":
        g = edit["goal"]
        c.execute(
            "INSERT OR REPLACE INTO goals (id, map_id, text, steps, status, alter_ids) VALUES (?,?,?,?,?,?)",
            (g["id"], map_id, g["text"], json.dumps(g["steps"]), g["status"], json.dumps(g["alter_ids"])),
        )
    elif op == "remove_goal":
        c.execute("DELETE FROM goals WHERE id = ? AND map_id = ?", (edit["goal_id"], map_id))
    elif op == "update_goal":
        f = {k: v for k, v in edit["fields"].items() if k in GOAL_COLS}
        c.execute(
            f"UPDATE goals SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?",
            [json.dumps(v) if isinstance(v, list) else v for v in f.values()] + [edit["goal_id"]],
        )
    elif op == "update_map":
        f = {k: v for k, v in edit["fields"].items() if k in MAP_COLS}
        try:
            c.execute(f"UPDATE maps SET {', '.join(f'{k} = ?' for k in f)} WHERE id = ?", [*f.values(), map_id])
        except sqlite3.IntegrityError:
            raise DuplicateError(
                f"person {person_id!r} already has a map labelled {f.get('label')!r}", field="label"
            ) from None
    elif op == "batch":
        for e in edit["edits"]:
            apply_edit_sql(c, map_id, person_id, e)
    else:
        raise ValidationError(f"unknown edit {op!r}", field="op")
