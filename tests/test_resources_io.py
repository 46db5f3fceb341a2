"""Resources, resource schemes and social capital through every export and back (issue 17).

Round trips go store -> file -> a new store and compare what a map says: who could help with
each item (with "no one" distinct from "not asked"), each alter's capital and where it comes
from, and the map's resource scheme, a custom one included.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import networkx as nx
import pytest

import egomap as em
from egomap.graph import person_to_networkx, to_networkx
from egomap.io._common import pseudonyms

sys.path.insert(0, str(Path(__file__).parent))
from pg import team_db  # noqa: E402

CUSTOM = em.ResourceScheme(
    "study_items",
    [em.ResourceDomain("practical", "Practical help"), em.ResourceDomain("talk", "Someone to talk to")],
    [
        em.ResourceItem("lift", "practical", "A lift", "Who could give you a lift to an appointment?"),
        em.ResourceItem("formula", "practical", "=SUM(A1)", "-Who could fill in a form with you?"),
        em.ResourceItem("listen", "talk", "Listen", "Who would listen if you were low?"),
    ],
    title="Study items",
    description="A test scheme.\nSecond line.",
)


def _fill(store: em.Store) -> em.Person:
    """Two maps: the default scheme (resources, 'no one', items not asked) and then a custom one."""
    p = store.add_person("R-17", "Zqdisplaymark", consent_research=True)
    m = p.new_map("Baseline", date="2026-01-10")
    mum = m.add_alter("Mum Zqlabel", 0, "household", relationship="Zqrelmark")
    coach = m.add_alter("Coach Zqlabel", 1, "friends", met_through="Tuesday football club")  # default: bridging
    shah = m.add_alter("Dr Shah", 2, "services", is_professional=True)  # default: linking
    pal = m.add_alter("Pal", 1, "friends")  # default: bonding; the person says bridging
    m.update(pal, capital="bridging")
    m.update(mum, capital="bonding")  # recorded, equal to the rule: still the person's view
    m.set_resource("small_loan", [mum, pal])
    m.set_resource("job_advice", [coach])
    m.set_resource("health_advice", [shah, mum])
    m.set_resource("crisis_call", [])  # asked: no one
    m2 = p.new_map("6 months", date="2026-07-10", copy_from=m, resources=CUSTOM)
    m2.set_resource("lift", [mum])
    m2.set_resource("listen", [])
    return store.person("R-17")


def _summary(m: em.Map, names: dict[str, str] | None = None) -> dict:
    """What a map says about resources and capital, by alter label (or by ``names``: id -> name)."""
    name = (lambda aid: names[aid]) if names else (lambda aid: m.alter(aid).label)
    return {
        "scheme": m.resource_scheme.to_dict(),
        "resources": {k: sorted(name(a) for a in v) for k, v in m.resources.items()},
        "capital": {name(a.id): (m.capital(a), m.capital_source(a)) for a in m.alters},
        "items_of": {name(a.id): m.resources_of(a) for a in m.alters},
    }


def _summaries(p: em.Person, names: dict[str, str] | None = None) -> list[dict]:
    return [_summary(m, names) for m in p.maps]


@pytest.fixture
def filled(store):
    return _fill(store)


def _other(tmp_path, name="other.sqlite") -> em.Store:
    return em.open_store(tmp_path / name)


def _export(fmt: str, source, out, **kw):
    if fmt == "egor":
        return em.io.export_egor(source, out / "egor", **kw)
    if fmt == "graphml":
        return em.io.export_graphml(source, out / "graphml", **kw)
    return em.io.export_json(source, out / "p.json", **kw)


def _read(fmt: str, out, store):
    if fmt == "egor":
        return em.io.read_egor(out / "egor", store)
    if fmt == "graphml":
        return em.io.read_graphml(out / "graphml", store)
    return em.io.import_json(out / "p.json", store)


def test_the_fixture_has_what_the_round_trips_check(filled):
    base, later = filled.maps
    assert base.resource("crisis_call") == frozenset() and base.resource("company") is None
    assert {base.capital_source(a) for a in base.alters} == {"person", "default"}
    assert {base.capital(a) for a in base.alters} == {"bonding", "bridging", "linking"}
    assert later.resource_scheme == CUSTOM and later.resources == {"lift": frozenset({base.alter("Mum Zqlabel").id}),
                                                                  "listen": frozenset()}  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "egor", "graphml"])
def test_round_trip_with_names_is_exact(filled, tmp_path, fmt):
    _export(fmt, filled, tmp_path, include_names=True)
    with _other(tmp_path) as other:
        imported = _read(fmt, tmp_path, other)
        back = other.person("R-17")  # as saved, read again from the store
        assert _summaries(back) == _summaries(filled)
        assert [m.resource_scheme for m in back.maps] == [em.resource_scheme(), CUSTOM]
        assert [m.placement(m.alter("Mum Zqlabel")).capital for m in back.maps] == ["bonding", "bonding"]
        assert back.map(0).placement(back.map(0).alter("Coach Zqlabel")).capital is None  # the rule, as before
        assert [p.id for p in imported] == ["R-17"] and not imported.report.of("assumed")


@pytest.mark.parametrize("fmt", ["json", "egor", "graphml"])
def test_pseudonymised_round_trip_keeps_resources_and_every_capital(filled, tmp_path, fmt):
    _export(fmt, filled, tmp_path)
    ids = pseudonyms(filled)
    with _other(tmp_path) as other:
        imported = _read(fmt, tmp_path, other)
        back = other.person("R-17")
        want, got = _summaries(filled, ids), _summaries(back)
        assert [g["resources"] for g in got] == [w["resources"] for w in want]
        assert [g["scheme"] for g in got] == [w["scheme"] for w in want]
        assert [g["items_of"] for g in got] == [w["items_of"] for w in want]
        # the effective capital of every alter is kept; the coach's default needed "met through", which is
        # left out, so it is kept as recorded (and the import report says so)
        assert [{k: c for k, (c, _) in g["capital"].items()} for g in got] == [
            {k: c for k, (c, _) in w["capital"].items()} for w in want
        ]
        coach = ids[filled.map(0).alter("Coach Zqlabel").id]
        assert [m.capital_source(coach) for m in back.maps] == ["person", "person"]
        shah = ids[filled.map(0).alter("Dr Shah").id]
        assert back.map(0).capital_source(shah) == "default"  # the rule still gives linking
        notes = imported.report.notes
        assert notes and [n.kind for n in notes] == ["assumed"] * len(notes)
        assert "met through" in str(imported.report)


def test_egor_files(filled, tmp_path):
    paths = em.io.export_egor(filled, tmp_path)
    assert set(paths) == {"egos", "alters", "edges", "resources", "resource_scheme"}
    with open(paths["resources"], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = pseudonyms(filled)
    m = filled.map(0)
    mum, pal = ids[m.alter("Mum Zqlabel").id], ids[m.alter("Pal").id]
    assert list(rows[0]) == list(em.io.egor.RESOURCE_COLUMNS)
    assert [(r["egoID"], r["item"], r["domain"], r["alterID"]) for r in rows[:3]] == [
        ("R-17_0", "small_loan", "help_at_home", mum),
        ("R-17_0", "small_loan", "help_at_home", pal),
        ("R-17_0", "job_advice", "expert_advice", ids[m.alter("Coach Zqlabel").id]),
    ]
    no_one = [(r["egoID"], r["item"]) for r in rows if r["alterID"] == ""]
    assert no_one == [("R-17_0", "crisis_call"), ("R-17_1", "listen")]
    assert "company" not in {r["item"] for r in rows}  # not asked: no row
    assert {r["map_label"] for r in rows} == {"T1", "T2"}
    with open(paths["resource_scheme"], newline="", encoding="utf-8") as f:
        schemes = list(csv.DictReader(f))
    assert [r["resource_scheme"] for r in schemes] == ["egomap_resources"] * 20 + ["study_items"] * 3
    assert schemes[20]["prompt"] == "Who could give you a lift to an appointment?"
    assert schemes[21]["label"] == "'=SUM(A1)" and schemes[21]["prompt"] == "'-Who could fill in a form with you?"
    with open(paths["egos"], newline="", encoding="utf-8") as f:
        assert [r["resource_scheme"] for r in csv.DictReader(f)] == ["egomap_resources", "study_items"]
    with open(paths["alters"], newline="", encoding="utf-8") as f:
        alters = list(csv.DictReader(f))
    header = list(alters[0])
    assert header.index("capital_source") == header.index("capital") + 1
    got = {(r["alterID"], r["map_index"]): (r["capital"], r["capital_source"]) for r in alters}
    assert got[(mum, "0")] == ("bonding", "person") and got[(pal, "1")] == ("bridging", "person")
    assert got[(ids[m.alter("Dr Shah").id], "0")] == ("linking", "default")


def test_egor_raw_cells_round_trip(filled, tmp_path):
    em.io.export_egor(filled, tmp_path, include_names=True, spreadsheet_safe=False)
    text = (tmp_path / "resource_scheme.csv").read_text(encoding="utf-8")
    assert ",=SUM(A1)," in text
    with _other(tmp_path) as other:
        em.io.read_egor(tmp_path, other, spreadsheet_safe=False)
        assert other.person("R-17").map(1).resource_scheme == CUSTOM


def test_egor_without_resource_files_reads_as_nothing_asked(filled, tmp_path):
    paths = em.io.export_egor(filled, tmp_path, include_names=True)
    paths["resources"].unlink()
    paths["resource_scheme"].unlink()
    _edit(paths["egos"], 2, "resource_scheme", "")  # a scheme not registered here would be refused
    with _other(tmp_path) as other:
        (q,) = em.io.read_egor(tmp_path, other)
        assert [m.resources for m in q.maps] == [{}, {}]
        assert [m.resource_scheme.name for m in q.maps] == ["egomap_resources"] * 2
        # capital is in alters.csv and still read
        assert q.map(0).capital("Pal") == "bridging" and q.map(0).capital_source("Pal") == "person"
    # the three files given one by one
    with _other(tmp_path, "three.sqlite") as other:
        (q,) = em.io.read_egor([paths["egos"], paths["alters"], paths["edges"]], other)
        assert q.map(0).resources == {}


def test_egor_unknown_scheme_without_its_file_is_refused(filled, tmp_path):
    paths = em.io.export_egor(filled, tmp_path)
    paths["resource_scheme"].unlink()
    with _other(tmp_path) as other, pytest.raises(em.InputFileError, match="study_items") as e:
        em.io.read_egor(tmp_path, other)
    assert (e.value.path, e.value.row, e.value.column) == (str(paths["egos"]), 2, "resource_scheme")


def _edit(path, row: int, column: str, value: str) -> None:
    """Set one cell (data row ``row``, 1-based) of a CSV file."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows[row][rows[0].index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def _append(path, **cells: str) -> int:
    """Add a data row (cells by column); return its number."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows.append([cells.get(c, "") for c in rows[0]])
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return len(rows) - 1


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "message"),
    [
        ("resources", 1, "item", "fly_a_plane", "unknown resource item 'fly_a_plane'"),
        ("resources", 1, "alterID", "R-17-A099", "unknown alter 'R-17-A099'"),
        ("resources", 1, "domain", "skills", "is in domain 'help_at_home'"),
        ("resources", 1, "egoID", "R-17_7", "unknown egoID 'R-17_7'"),
        ("resource_scheme", 21, "prompt", "", "is empty"),
        ("resource_scheme", 22, "item", "lift", "repeats item 'lift'"),
        ("resource_scheme", 21, "item", "Not A Key", "snake_case"),
        ("alters", 1, "capital_source", "maybe", "not a capital source"),
        ("alters", 1, "capital", "glue", "glue"),
    ],
)
def test_egor_bad_rows_name_file_row_and_column(filled, tmp_path, file, row, column, value, message):
    paths = em.io.export_egor(filled, tmp_path)
    _edit(paths[file], row, column, value)
    with _other(tmp_path) as other:
        with pytest.raises(em.InputFileError, match=message) as e:
            em.io.read_egor(tmp_path, other)
        assert (e.value.path, e.value.row, e.value.column) == (str(paths[file]), row, column)
        assert other.person_ids() == []  # nothing saved


def test_egor_no_one_and_alters_for_one_item_is_refused(filled, tmp_path):
    paths = em.io.export_egor(filled, tmp_path)
    row = _append(paths["resources"], egoID="R-17_0", person_id="R-17", item="small_loan", alterID="")
    with _other(tmp_path) as other, pytest.raises(em.InputFileError, match="no one") as e:
        em.io.read_egor(tmp_path, other)
    assert (e.value.row, e.value.column) == (row, "alterID")
    # the same row twice is refused too
    paths = em.io.export_egor(filled, tmp_path / "again")
    row = _append(paths["resources"], egoID="R-17_0", person_id="R-17", item="crisis_call", alterID="")
    with _other(tmp_path, "again.sqlite") as other, pytest.raises(em.InputFileError, match="repeats") as e:
        em.io.read_egor(tmp_path / "again", other)
    assert e.value.row == row


def test_egor_repeated_import_compares_resources(filled, tmp_path):
    paths = em.io.export_egor(filled, tmp_path, include_names=True)
    with _other(tmp_path) as other:
        em.io.read_egor(tmp_path, other)
        again = em.io.read_egor(tmp_path, other)  # the same interviews: skipped
        assert len(again.report.of("skipped")) == 2
        _edit(paths["resources"], 1, "item", "move_or_carry")  # the same map with other resources: refused
        with pytest.raises(em.InputFileError, match="other content"):
            em.io.read_egor(tmp_path, other)


def test_egor_two_schemes_of_one_name_are_told_apart(store, tmp_path):
    p = store.add_person("R-2", consent_research=True)
    p.new_map("A", resources=CUSTOM).set_resource("lift", [])
    changed = em.ResourceScheme("study_items", CUSTOM.domains, CUSTOM.items[:2] + CUSTOM.items[2:], title="Changed")
    p.new_map("B", resources=changed).set_resource("lift", [])
    paths = em.io.export_egor(store, tmp_path)
    with open(paths["egos"], newline="", encoding="utf-8") as f:
        assert [r["resource_scheme"] for r in csv.DictReader(f)] == ["study_items", "study_items#2"]
    with _other(tmp_path) as other:
        (q,) = em.io.read_egor(tmp_path, other)
        assert [m.resource_scheme.title for m in q.maps] == ["Study items", "Changed"]
        assert [m.resource("lift") for m in q.maps] == [frozenset(), frozenset()]


def test_graphml_attributes(filled, tmp_path):
    files = em.io.export_graphml(filled, tmp_path)
    g = nx.read_graphml(files[0])
    ids = pseudonyms(filled)
    m = filled.map(0)
    mum, pal = ids[m.alter("Mum Zqlabel").id], ids[m.alter("Pal").id]
    assert g.nodes[mum]["resources"] == "small_loan,health_advice" and g.nodes[mum]["n_resources"] == 2
    assert (g.nodes[pal]["capital"], g.nodes[pal]["capital_source"]) == ("bridging", "person")
    shah = ids[m.alter("Dr Shah").id]
    assert (g.nodes[shah]["capital"], g.nodes[shah]["capital_source"]) == ("linking", "default")
    assert g.graph["resources_asked"] == "small_loan,job_advice,health_advice,crisis_call"
    assert em.ResourceScheme.from_dict(json.loads(g.graph["resource_scheme"])) == em.resource_scheme()
    h = nx.read_graphml(files[1])
    assert em.ResourceScheme.from_dict(json.loads(h.graph["resource_scheme"])) == CUSTOM
    assert h.graph["resources_asked"] == "lift,listen" and h.nodes[mum]["resources"] == "lift"
    assert h.nodes[pal]["resources"] == "" and h.nodes[pal]["n_resources"] == 0


def test_graphml_bad_input_names_file_node_and_attribute(filled, tmp_path):
    files = em.io.export_graphml(filled, tmp_path)
    g = nx.read_graphml(files[0])
    node = next(n for n, d in g.nodes(data=True) if d.get("resources"))
    number = [n for n, d in g.nodes(data=True) if not d["ego"]].index(node) + 1
    g.nodes[node]["resources"] = "small_loan,company"  # company was not asked
    nx.write_graphml(g, files[0])
    with _other(tmp_path, "o1.sqlite") as other, pytest.raises(em.InputFileError, match="company") as e:
        em.io.read_graphml(files, other)
    assert (e.value.path, e.value.row, e.value.column) == (str(files[0]), number, "resources")
    g.nodes[node]["resources"] = "small_loan"
    g.graph["resources_asked"] = "small_loan,fly"
    nx.write_graphml(g, files[0])
    with _other(tmp_path, "o2.sqlite") as other, pytest.raises(em.InputFileError, match="fly") as e:
        em.io.read_graphml(files, other)
    assert (e.value.path, e.value.row, e.value.column) == (str(files[0]), None, "resources_asked")
    g.graph["resources_asked"] = "small_loan"
    g.graph["resource_scheme"] = "{not json"
    nx.write_graphml(g, files[0])
    with _other(tmp_path, "o3.sqlite") as other:
        with pytest.raises(em.InputFileError, match="JSON") as e:
            em.io.read_graphml(files, other)
        assert e.value.column == "resource_scheme" and other.person_ids() == []
    files[0].write_text("<graphml><broken", encoding="utf-8")
    with _other(tmp_path, "o4.sqlite") as other, pytest.raises(em.InputFileError, match="not a GraphML file"):
        em.io.read_graphml(files[0], other)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["resources"].update(fly=[]), "unknown resource item 'fly'"),
        (lambda m: m["resources"].update(small_loan=["nobody"]), "'nobody', not an alter of the map"),
        (lambda m: m["resources"].update(small_loan=None), "list of alter ids"),
        (lambda m: m.update(resources=[]), "resources must be an object"),
        (lambda m: m["resource_scheme"].update(items=[]), "at least one item"),
    ],
)
def test_json_bad_resources_are_refused(filled, change, message, tmp_path):
    data = em.io.to_json(filled, include_names=True)
    change(data["persons"][0]["maps"][0])
    with _other(tmp_path) as other:
        with pytest.raises(em.InputFileError, match=message) as e:
            em.io.from_json(data, other)
        assert e.value.column in ("resources", "resource_scheme") and other.person_ids() == []


def test_json_carries_no_one_apart_from_not_asked(filled, tmp_path):
    (m0, m1) = em.io.to_json(filled)["persons"][0]["maps"]
    assert m0["resources"]["crisis_call"] == [] and "company" not in m0["resources"]
    assert m1["resource_scheme"] == CUSTOM.to_dict()
    assert {q["capital_source"] for q in m0["placements"]} == {"person", "default"}
    named = em.io.to_json(filled, include_names=True)["persons"][0]["maps"][0]
    assert "capital_source" not in named["placements"][0]  # with names: Map.to_dict as it is
    old = {k: v for k, v in named.items() if k not in ("resources", "resource_scheme")}  # a file from before
    with _other(tmp_path) as other:
        (q,) = em.io.from_json({"format": "egomap", "persons": [{"id": "R-OLD", "maps": [old]}]}, other)
        assert q.map(0).resources == {} and q.map(0).resource_scheme == em.resource_scheme()


def test_pseudonymised_exports_carry_no_name(filled, tmp_path):
    out = tmp_path / "out"
    em.io.export_egor(filled, out / "egor")
    em.io.export_graphml(filled, out / "graphml")
    em.io.export_json(filled, out / "p.json")
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert {f.name for f in files} >= {"resources.csv", "resource_scheme.csv", "R-17_0.graphml", "p.json"}
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "Zq" not in text and "Shah" not in text and "football" not in text, f.name
    resources = (out / "egor" / "resources.csv").read_text(encoding="utf-8")
    assert "R-17-A001" in resources  # alters by pseudonym
    assert "Mum" not in resources and filled.map(0).alter("Pal").id not in resources


def test_networkx_graphs_carry_capital_and_resources(filled):
    m = filled.map(0)
    g = to_networkx(m)
    mum, coach, pal = (m.alter(x).id for x in ("Mum Zqlabel", "Coach Zqlabel", "Pal"))
    assert g.nodes[mum]["resources"] == "small_loan,health_advice" and g.nodes[mum]["n_resources"] == 2
    assert (g.nodes[coach]["capital"], g.nodes[coach]["capital_source"]) == ("bridging", "default")
    assert (g.nodes[pal]["capital"], g.nodes[pal]["capital_source"]) == ("bridging", "person")
    assert g.graph["resource_scheme"] == "egomap_resources"
    assert g.graph["resources_asked"] == "small_loan,job_advice,health_advice,crisis_call"
    h = person_to_networkx(filled)
    assert h.nodes[mum]["resources"] == ["small_loan,health_advice", "lift"]
    assert h.nodes[pal]["n_resources"] == [1, 0] and h.nodes[coach]["capital"] == ["bridging", "bridging"]
    assert h.graph["resources_asked"] == ["small_loan,job_advice,health_advice,crisis_call", "lift,listen"]


def test_research_exports_through_the_views_equal_the_full_data(pg_cluster, tmp_path):
    # a researcher's maps hide met_through, yet the coach's default capital (bridging: met at a football
    # club) and every resource row must come out of the views exactly as from the full data
    admin, urls = team_db(pg_cluster, alice="practitioner", rita="researcher")
    with em.open_store(urls["alice"]) as a:
        _fill(a)
    with em.open_store(admin) as full, em.open_store(urls["rita"]) as r:
        for fmt in ("egor", "graphml", "json"):
            want, got = _export(fmt, full, tmp_path / "full"), _export(fmt, r, tmp_path / "views")
            want = sorted(map(str, want.values() if isinstance(want, dict) else [want] if fmt == "json" else want))
            got = sorted(map(str, got.values() if isinstance(got, dict) else [got] if fmt == "json" else got))
            assert len(want) == len(got) > 0
            for w, g in zip(want, got):
                assert open(w, "rb").read() == open(g, "rb").read(), (fmt, w)
        rows = (tmp_path / "views" / "egor" / "alters.csv").read_text(encoding="utf-8")
        assert ",bridging,default," in rows  # the coach, by the rule, through the views
