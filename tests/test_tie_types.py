"""The type(s) of each tie kept as data (issue 13): the model, both store engines, and the migration to it."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

import egomap as em
from egomap.store import SCHEMA_VERSION

sys.path.insert(0, str(Path(__file__).parent))
from pg import columns_of, execute, team_db  # noqa: E402
from test_store_migration import _V2_FILE_SQL  # noqa: E402

# The version-2 file of test_store_migration as version 3 left it (version 3 added placements.known_for only).
_V3_FILE_SQL = _V2_FILE_SQL.replace(
    "PRAGMA user_version = 2;", "ALTER TABLE placements ADD COLUMN known_for TEXT;\nPRAGMA user_version = 3;"
)


def _pair(m):
    m.add_alter("Mum", ring=0, sector="household")
    m.add_alter("Gran", ring=1, sector="family")
    m.add_alter("Jon", ring=2, sector="friends")


def test_add_set_undo_redo_in_memory():
    m = em.Person("R-T1").new_map("Baseline")
    _pair(m)
    m.add_tie("Mum", "Gran", types={"Close", "DrugTie"})
    m.add_tie("Mum", "Jon")
    assert m.tie_types("Gran", "Mum") == {"Close", "DrugTie"} and m.tie_types("Mum", "Jon") == frozenset()
    m.add_tie("Mum", "Gran", types={"SexTie"})  # already tied: no change, no edit
    assert m.tie_types("Mum", "Gran") == {"Close", "DrugTie"}
    m.set_tie_types("Mum", "Gran", ["SexTie"])
    assert m.tie_types("Mum", "Gran") == {"SexTie"}
    assert m.undo() == "set the tie types of Gran and Mum" and m.tie_types("Mum", "Gran") == {"Close", "DrugTie"}
    assert m.redo() and m.tie_types("Mum", "Gran") == {"SexTie"}
    m.remove_tie("Mum", "Gran")
    assert not m.has_tie("Mum", "Gran")
    m.undo()  # the tie comes back with its types
    assert m.tie_types("Mum", "Gran") == {"SexTie"}
    m.remove_alter("Gran")
    m.undo()  # so does a removed alter's tie
    assert m.tie_types("Mum", "Gran") == {"SexTie"}


def test_bad_type_names_are_refused():
    m = em.Person("R-T2").new_map("Baseline")
    _pair(m)
    with pytest.raises(em.ValidationError, match="commas"):
        m.add_tie("Mum", "Gran", types=["Close", "a,b"])
    with pytest.raises(em.ValidationError, match="types must not contain control characters"):
        m.add_tie("Mum", "Gran", types=["Close\x07"])
    with pytest.raises(em.ValidationError, match="types must not contain line or paragraph separators"):
        m.add_tie("Mum", "Gran", types=["a\u2028b"])
    with pytest.raises(em.ValidationError, match="types must not contain noncharacters"):
        m.add_tie("Mum", "Gran", types=["a\ufffeb"])  # GraphML could not hold it
    with pytest.raises(em.ValidationError, match="types must not be empty|must be text"):
        m.add_tie("Mum", "Gran", types=[3])
    assert not m.has_tie("Mum", "Gran")
    with pytest.raises(em.NotFoundError, match="not tied"):
        m.set_tie_types("Mum", "Gran", ["Close"])


def test_copy_forward_keeps_types(location):
    with em.open_store(location) as s:
        p = s.add_person("R-T3")
        m = p.new_map("Baseline")
        _pair(m)
        m.add_tie("Mum", "Gran", types=["Close", "DrugTie"])
        m.add_tie("Mum", "Jon")
        m6 = p.new_map("6 months", copy_from=m)
        assert m6.tie_types("Mum", "Gran") == {"Close", "DrugTie"} and m6.tie_types("Mum", "Jon") == frozenset()
    with em.open_store(location) as s:
        m6 = s.person("R-T3").map("6 months")
        assert m6.tie_types("Mum", "Gran") == {"Close", "DrugTie"}


def test_round_trip_and_undo_across_reconnect(location):
    with em.open_store(location) as s:
        m = s.add_person("R-T4").new_map("Baseline")
        _pair(m)
        m.add_tie("Mum", "Gran", types=["Close", "DrugTie"])
        m.add_tie("Gran", "Jon", types=["SexTie"])
        m.set_tie_types("Gran", "Jon", ["SexTie", "Close"])
    with em.open_store(location) as s:
        m = s.person("R-T4").map("Baseline")
        assert m.tie_types("Mum", "Gran") == {"Close", "DrugTie"}
        assert m.tie_types("Jon", "Gran") == {"SexTie", "Close"}
        assert m.undo() == "set the tie types of Gran and Jon"
    with em.open_store(location) as s:
        m = s.person("R-T4").map("Baseline")
        assert m.tie_types("Jon", "Gran") == {"SexTie"}
        m.remove_alter("Mum")
        assert m.undo() == "remove Mum"
    with em.open_store(location) as s:
        m = s.person("R-T4").map("Baseline")
        assert m.tie_types("Mum", "Gran") == {"Close", "DrugTie"}
        m.remove_tie("Gran", "Jon")
    with em.open_store(location) as s:
        m = s.person("R-T4").map("Baseline")
        assert not m.has_tie("Gran", "Jon")
        m.undo()
    with em.open_store(location) as s:
        assert s.person("R-T4").map("Baseline").tie_types("Gran", "Jon") == {"SexTie"}


def test_merge_alter_keeps_tie_types(store):
    p = store.add_person("R-T5")
    m = p.new_map("Baseline")
    _pair(m)
    m2 = p.new_map("6 months")
    m2.add_alter("Mum", ring=0, sector="household")
    m2.add_alter("Granny", ring=1, sector="family")
    m2.add_tie("Mum", "Granny", types=["Close"])
    m2.merge_alter("Granny", into=m.alter("Gran"))
    assert m2.tie_types("Mum", "Gran") == {"Close"}
    m2.undo()
    assert m2.tie_types("Mum", "Granny") == {"Close"}


def test_migration_from_a_version_3_sqlite_file(tmp_path):
    """A file of the previous schema version opens and gains ``ties.types`` (empty), and its undo history still works."""
    assert SCHEMA_VERSION >= 4
    path = tmp_path / "v3.sqlite"
    con = sqlite3.connect(path)
    con.executescript(_V3_FILE_SQL)
    assert "types" not in {r[1] for r in con.execute("PRAGMA table_info(ties)")}
    con.close()
    with em.open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        m = s.person("R-V2").map("Baseline")
        assert m.has_tie("Mum", "Dave") and m.tie_types("Mum", "Dave") == frozenset()
        m.set_tie_types("Mum", "Dave", ["Close"])
        assert m.undo().startswith("set the tie types") and m.undo() == "move Mum"
    with em.open_store(path) as s:
        m = s.person("R-V2").map("Baseline")
        assert m.redo() == "move Mum" and m.redo().startswith("set the tie types")
        assert m.tie_types("Mum", "Dave") == {"Close"}
    assert "types" in columns_of(path, "ties")


def test_migration_from_the_previous_version_on_postgresql(pg_cluster):
    url = pg_cluster.new_db()
    with em.open_store(url) as s:
        m = s.add_person("R-PG").new_map("Baseline")
        _pair(m)
        m.add_tie("Mum", "Gran")
    # as an egomap of schema version 3 left it (before ties.types, and version 5's resources and capital)
    execute(
        url,
        "ALTER TABLE ties DROP COLUMN types; DROP TABLE resources; ALTER TABLE maps DROP COLUMN resource_scheme; "
        "ALTER TABLE placements DROP COLUMN capital; UPDATE meta SET value = '3' WHERE key = 'schema_version'",
    )
    assert "types" not in columns_of(url, "ties")
    with em.open_store(url) as s:
        assert s.schema_version == SCHEMA_VERSION
        m = s.person("R-PG").map("Baseline")
        assert m.has_tie("Mum", "Gran") and m.tie_types("Mum", "Gran") == frozenset()
        m.set_tie_types("Mum", "Gran", ["Close"])
    with em.open_store(url) as s:
        assert s.person("R-PG").map("Baseline").tie_types("Mum", "Gran") == {"Close"}


def test_network_canvas_import_keeps_edge_types(store, tmp_path):
    """A pair linked by Close and Drug_Tie is one tie with both types; ``edge_types`` still filters."""
    from test_import_nc_fixtures import NODES, _export, _protocol, _sociogram

    edges = {"Close": [("n1", "n2"), ("n2", "n3")], "Drug_Tie": [("n2", "n1")], "had_sex": [("n1", "n3")]}
    folder = _export(tmp_path / "x", NODES, edges)
    _protocol(folder, [_sociogram("a", 4)])
    em.io.read_network_canvas(folder, store)
    m = store.person("C-1").map(0)
    assert len(m.ties) == 3
    assert m.tie_types("Ana", "Ben") == {"Close", "Drug_Tie"}
    assert m.tie_types("Ben", "Cy") == {"Close"} and m.tie_types("Ana", "Cy") == {"had_sex"}
    with em.open_store(tmp_path / "only.sqlite") as only:
        em.io.read_network_canvas(folder, only, edge_types=["Drug_Tie", "had_sex"])
        m = only.person("C-1").map(0)
        assert len(m.ties) == 2 and m.tie_types("Ana", "Ben") == {"Drug_Tie"} and not m.has_tie("Ben", "Cy")


def test_network_canvas_sample_ties_keep_their_types(store):
    m0 = em.io.read_network_canvas(em.io.SAMPLE, store)[0].maps[0]
    assert m0.tie_types("Maya", "Jon") == {"Close", "Conflict"} and m0.tie_types("Jon", "Ade") == {"Close"}


def _typed_person(store):
    p = store.add_person("R-EX", consent_research=True)
    m = p.new_map("Baseline", date="2026-01-12")
    _pair(m)
    m.add_tie("Mum", "Gran", types=["DrugTie", "Close"])
    m.add_tie("Gran", "Jon")
    return p


def _ties_by_label(m):
    lab = {a.id: a.label for a in m.alters}
    return sorted((*sorted((lab[t.a], lab[t.b])), tuple(sorted(m.tie_types(t.a, t.b)))) for t in m.ties)


def test_to_networkx_and_person_graph_carry_types(store):
    from egomap.graph import person_to_networkx, to_networkx

    p = _typed_person(store)
    m = p.map("Baseline")
    mum, gran, jon = (m.alter(x).id for x in ("Mum", "Gran", "Jon"))
    g = to_networkx(m)
    assert g.edges[mum, gran]["types"] == "Close,DrugTie" and g.edges[gran, jon]["types"] == ""
    assert g.edges["__ego__", mum]["types"] == ""
    m6 = p.new_map("6 months", copy_from=m)
    m6.set_tie_types("Mum", "Gran", ["Close"])
    h = person_to_networkx(p)
    assert h.edges[mum, gran]["types"] == ["Close,DrugTie", "Close"]
    m6.remove_tie("Gran", "Jon")
    assert person_to_networkx(p).edges[gran, jon]["types"] == ["", None]


def test_json_round_trip_keeps_types(store, tmp_path):
    p = _typed_person(store)
    data = em.io.to_json(p, include_names=True)
    assert ["Close", "DrugTie"] in [t[2] for t in data["persons"][0]["maps"][0]["ties"] if len(t) > 2]
    with em.open_store(tmp_path / "other.sqlite") as other:
        q = em.io.from_json(data, other)[0]
        assert q.to_dict() == p.to_dict()
        assert _ties_by_label(q.map("Baseline")) == _ties_by_label(p.map("Baseline"))
    research = em.io.to_json(p)  # pseudonymised: the types are kept (category names, not about a person)
    with em.open_store(tmp_path / "research.sqlite") as other:
        m = em.io.from_json(research, other)[0].maps[0]
        assert sorted(tuple(sorted(m.tie_types(t.a, t.b))) for t in m.ties) == [(), ("Close", "DrugTie")]
    bad = em.io.to_json(p, include_names=True)
    bad["persons"][0]["maps"][0]["ties"][0][2] = ["a,b"]
    with em.open_store(tmp_path / "bad.sqlite") as other, pytest.raises(em.EgomapError, match="commas"):
        em.io.from_json(bad, other)


def test_egor_round_trip_keeps_types(store, tmp_path):
    import csv

    p = _typed_person(store)
    paths = em.io.export_egor(p, tmp_path / "egor", include_names=True)
    with open(paths["edges"], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["tie_types"] for r in rows) == ["", "Close,DrugTie"]
    with em.open_store(tmp_path / "back.sqlite") as back:
        q = em.io.read_egor(tmp_path / "egor", back)[0]
        assert _ties_by_label(q.maps[0]) == _ties_by_label(p.map("Baseline"))
    # an egor file written before tie_types (no such column) reads as ties without types
    with open(paths["edges"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["egoID", "person_id", "Source", "Target"])
        w.writerows([[r["egoID"], r["person_id"], r["Source"], r["Target"]] for r in rows])
    with em.open_store(tmp_path / "old.sqlite") as back:
        m = em.io.read_egor(tmp_path / "egor", back)[0].maps[0]
        assert len(m.ties) == 2 and all(m.tie_types(t.a, t.b) == frozenset() for t in m.ties)


def test_egor_refuses_a_bad_type_naming_file_and_row(store, tmp_path):
    import csv

    p = _typed_person(store)
    paths = em.io.export_egor(p, tmp_path / "egor", include_names=True)
    with open(paths["edges"], newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[1][4] = "Close\x07"
    with open(paths["edges"], "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    with em.open_store(tmp_path / "back.sqlite") as back:
        with pytest.raises(em.InputFileError, match="edges.csv.*row 1, column .tie_types.") as e:
            em.io.read_egor(tmp_path / "egor", back)
        assert "control characters" in str(e.value) and back.person_ids() == []


def test_graphml_edges_carry_types(store, tmp_path):
    import networkx as nx

    p = _typed_person(store)
    (path,) = em.io.export_graphml(p, tmp_path / "g")
    g = nx.read_graphml(path)
    alter_ties = sorted(d["types"] for _, _, d in g.edges(data=True) if d["tie"] == "alter")
    assert alter_ties == ["", "Close,DrugTie"]
    m = p.map("Baseline")
    m.set_tie_types("Gran", "Jon", ['<b a="1">&amp;</b>'])  # markup in a type name is text in the XML
    (path,) = em.io.export_graphml(p, tmp_path / "h")
    assert '<b a="1">&amp;</b>' in {d["types"] for _, _, d in nx.read_graphml(path).edges(data=True)}
    assert {d["types"] for _, _, d in g.edges(data=True) if d["tie"] == "ego"} == {""}


def _changing_ties() -> em.Person:
    p = em.Person("R-CV")
    a = p.new_map("Baseline", date="2026-01-01")
    _pair(a)
    a.add_tie("Mum", "Gran", types=["Close", "<img src=x onerror=alert(1)>"])
    a.add_tie("Gran", "Jon", types=["DrugTie"])
    a.add_tie("Mum", "Jon")
    b = p.new_map("Later", date="2026-06-01", copy_from=a)
    b.remove_tie("Gran", "Jon")
    return p


def test_change_view_and_pyvis_edge_titles_give_the_types():
    from egomap.viz.pyvis_net import to_pyvis

    p = _changing_ties()
    net = to_pyvis(p, time_point="Later")
    titles = sorted(e.get("title", "") for e in net.edges if e.get("title"))
    assert titles == ["Tie types: <img src=x onerror=alert(1)>, Close", "Tie types: DrugTie"]  # the gone tie's too
    net = to_pyvis(p.map("Baseline"))
    assert len([e for e in net.edges if e.get("title", "").startswith("Tie types")]) == 2


def test_change_view_hover_shows_tie_types_as_text(page):
    from test_change_view_js import open_view

    data = open_view(page, em.viz.change_network(_changing_ties()))
    later = next(v for v in data["views"] if v["label"] == "Later")
    assert sorted(e[3] for e in later["edges"]) == [
        "",
        "Tie types: <img src=x onerror=alert(1)>, Close",
        "Tie types: DrugTie",
    ]
    ev = "window.egomapView"
    page.evaluate(f"{ev}.show({data['views'].index(later)})")
    page.wait_for_function(f"{ev}.label() === 'Later' && {ev}.edgeCount() === 3")
    shown = page.evaluate(f"{ev}.network.body.data.edges.get().map(e => e.title ? e.title.textContent : '')")
    assert sorted(shown) == sorted(e[3] for e in later["edges"])
    # hovering the middle of the Mum-Gran tie shows its types, as text
    edge = next(e for e in later["edges"] if "Close" in e[3])
    mid = page.evaluate(
        f"(ids) => {{ const p = {ev}.network.getPositions(ids); "
        "return {x: (p[ids[0]].x + p[ids[1]].x) / 2, y: (p[ids[0]].y + p[ids[1]].y) / 2}; }",
        edge[:2],
    )
    d = page.evaluate(f"(p) => {ev}.network.canvasToDOM(p)", mid)
    box = page.locator("#em-net").bounding_box()
    page.mouse.move(box["x"] + d["x"], box["y"] + d["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert page.locator("div.vis-tooltip").inner_text() == edge[3]
    assert page.locator("div.vis-tooltip img").count() == 0
    assert page.errors == [] and page.dialogs == []


def test_read_table_gives_tie_types(location):
    with em.open_store(location) as s:
        p = _typed_person(s)
        m = p.map("Baseline")
        rows = s.read_table("ties", ["a", "b", "types"]).values.tolist()
        lab = {a.id: a.label for a in m.alters}
        assert sorted((*sorted((lab[a], lab[b])), t) for a, b, t in rows) == [
            ("Gran", "Jon", ""),
            ("Gran", "Mum", "Close,DrugTie"),
        ]
        cols = s.read_columns("ties", ["types"])
        assert sorted(cols["types"].tolist()) == [b"", b"Close,DrugTie"]
        with pytest.raises(em.NotFoundError, match="map_id, a, b and types"):
            s.read_table("ties", ["a", "weight"])


def test_copy_between_engines_carries_tie_types(tmp_path, pg_cluster):
    from egomap.store.postgres.copy import copy_store

    src = tmp_path / "typed.sqlite"
    with em.open_store(src) as s:
        _typed_person(s)
    url = pg_cluster.new_db()
    copy_store(src, url, report=None)
    back = tmp_path / "back.sqlite"
    copy_store(url, back, report=None)
    for where in (url, back):
        with em.open_store(where) as s:
            m = s.person("R-EX").map("Baseline")
            assert m.tie_types("Mum", "Gran") == {"Close", "DrugTie"} and m.tie_types("Gran", "Jon") == frozenset()
            undone = m.undo()  # the edit log came along (the two names come in the order of their random ids)
            assert undone.startswith("link ") and sorted(undone[5:].split(" and ")) == ["Gran", "Jon"]


def test_a_researcher_sees_the_tie_types_through_the_views(pg_cluster):
    _, urls = team_db(pg_cluster, pia="practitioner", rex="researcher")
    with em.open_store(urls["pia"]) as s:
        _typed_person(s)
    with em.open_store(urls["rex"]) as r:
        m = r.person("R-EX").maps[0]
        assert sorted(tuple(sorted(m.tie_types(t.a, t.b))) for t in m.ties) == [(), ("Close", "DrugTie")]
        assert sorted(r.read_table("ties", ["types"])["types"]) == ["", "Close,DrugTie"]
