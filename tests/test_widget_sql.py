"""How much SQL one widget gesture costs: a drag on a person's third map, in a fresh kernel.

The widget keeps what it needs of the map the third one was copied from
(each alter's ring, for "last time" and the review counts), so a drag
writes the move and reads nothing of the earlier maps.
"""

from __future__ import annotations

import re

import pytest

import egomap as em
from egomap.widget import MapWidget

MAX_STATEMENTS = 9


@pytest.fixture
def three_maps(tmp_path):
    """A store file with one person and three maps (each copied from the one before), a dozen alters each."""
    path = tmp_path / "study.sqlite"
    with em.open_store(path) as s:
        p = s.add_person("R-017")
        base = p.new_map("Baseline", date="2026-01-12")
        keys = base.sectors.keys
        for i in range(12):
            base.add_alter(f"Alter {i}", ring=i % 3, sector=keys[i % len(keys)], valence="supportive")
        base.add_tie("Alter 0", "Alter 1")
        six = p.new_map("6 months", date="2026-07-13", copy_from=base)
        six.move("Alter 2", ring=0, sector="family")
        p.new_map("12 months", date="2027-01-11", copy_from=six)
    return path


def drag_statements(store, w, aid, angle=200.0, radius=0.9):
    sql: list[str] = []
    store._conn.set_trace_callback(sql.append)
    try:
        w.handle({"type": "move", "req": 1, "id": aid, "angle": angle, "radius": radius})
    finally:
        store._conn.set_trace_callback(None)
    assert w.status == "saved", w.status
    return [" ".join(s.split()) for s in sql]


def other_maps_read(sql, ids):
    return [s for s in sql if any(i in s for i in ids) or re.search(r"\bFROM (placements|ties|goals)\b", s)]


def test_one_drag_on_a_third_map_costs_at_most_nine_statements(three_maps):
    store = em.open_store(three_maps)  # a fresh store object, as in a new kernel
    try:
        p = store.person("R-017")
        m = p.map("12 months")
        w = MapWidget(m)
        earlier = [x.id for x in p.maps if x.id != m.id]
        aid = m.alter("Alter 3").id
        sql = drag_statements(store, w, aid)
        assert len(sql) <= MAX_STATEMENTS, "\n".join(sql)
        assert other_maps_read(sql, earlier) == [], "\n".join(sql)
        assert not [s for s in sql if s.startswith("SELECT") and "FROM maps WHERE person_id" in s]
        assert (m.placement(aid).ring, m.placement(aid).sector) == (2, "clubs_groups")
        # a second drag costs the same, and the snapshot still knows the rings of last time
        sql = drag_statements(store, w, m.alter("Alter 2").id, angle=10.0, radius=0.3)
        assert len(sql) <= MAX_STATEMENTS and other_maps_read(sql, earlier) == [], "\n".join(sql)
        last_time = {a["label"]: a["previous_ring"] for a in w.data["alters"]}
        assert last_time["Alter 2"] == 0 and last_time["Alter 3"] == 0
    finally:
        store.close()


def test_the_kept_rings_follow_edits_of_the_earlier_map(three_maps):
    store = em.open_store(three_maps)
    try:
        p = store.person("R-017")
        m = p.map("12 months")
        w = MapWidget(m)
        six = p.map("6 months")
        six.move("Alter 4", ring=2, sector="friends")  # the earlier map changes (same store object)
        w.handle({"type": "refresh", "req": 1})
        assert next(a for a in w.data["alters"] if a["label"] == "Alter 4")["previous_ring"] == 2
        w.handle({"type": "review_start", "req": 2})
        w.handle({"type": "review", "req": 3, "id": m.alter("Alter 4").id, "action": "keep"})
        assert w.review_counts == {"kept": 0, "moved": 1, "removed": 0}
    finally:
        store.close()
