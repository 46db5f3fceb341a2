"""Tests of egomap.io: egor, GraphML and JSON round trips, privacy, Network Canvas import, bad input."""

from __future__ import annotations

import csv
import json
import math
import shutil
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import egomap as em
from egomap.io import network_canvas as nc
from egomap.io.nc_build import position
from egomap.io.nc_protocol import sociograms

REAL_NC = Path(__file__).resolve().parents[2] / "shared" / "data" / "network-canvas-export"
XSS = "<img src=x onerror=alert(1)>"


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def filled(store):
    em.demo.demo_case(store)
    em.demo.synthetic_cohort(store, n=4, k=2, seed=3, consent_rate=0.5)
    p = store.add_person("R-NO", "Alex Secret", consent_research=False)
    p.new_map("Baseline").add_alter("Secret Name", 0, "family")
    m = store.person(em.demo.DEMO_ID).map(-1)
    m.add_alter(XSS, 1, "friends", relationship="Sarah's husband", met_through="St Mary's football", note="Tom Secret")
    m.add_goal("Phone Sarah Jones", steps=["Ask Tom Secret for her number"])
    return store


def _names(store) -> set[str]:
    """Free text that must not leave the store in a pseudonymised export (short common words left out)."""
    out = set()
    for p in store.people():
        if p.display_name:
            out.add(p.display_name)
        for m in p.maps:
            texts = [a.label for a in m.alters] + [a.relationship for a in m.alters] + [a.met_through for a in m.alters]
            texts += [q.note for q in m.placements.values()] + [g.text for g in m.goals] + [m.notes]
            out.update(t for t in texts if t and " " in t)
    return out


# --------------------------------------------------------------------------- egor


def test_egor_export_columns_ids_and_privacy(filled, tmp_path):
    paths = em.io.export_egor(filled, tmp_path / "egor")
    egos, alters, edges = (_rows(paths[k]) for k in ("egos", "alters", "edges"))
    assert list(egos[0]) == list(em.io.egor.EGO_COLUMNS)
    assert list(alters[0]) == list(em.io.egor.ALTER_COLUMNS)
    assert list(edges[0]) == ["egoID", "person_id", "Source", "Target", "tie_types"]
    consenting = [p for p in filled.people() if p.consent_research]
    assert {r["person_id"] for r in egos} == {p.id for p in consenting}
    assert "R-NO" not in {r["person_id"] for r in egos}
    assert len(egos) == sum(len(p.maps) for p in consenting)
    assert len(alters) == sum(len(m) for p in consenting for m in p.maps)
    assert len(edges) == sum(len(m.ties) for p in consenting for m in p.maps)
    # no free text that could hold a name anywhere in the files
    text = "".join(paths[k].read_text(encoding="utf-8") for k in paths)
    for name in _names(filled):
        assert name not in text, name
    # stable pseudonymous ids: the same alter keeps its id across maps; same ids on a second run
    demo = [r for r in alters if r["person_id"] == em.demo.DEMO_ID]
    assert demo[0]["alterID"] == "DEMO-01-A001"
    mum = filled.person(em.demo.DEMO_ID).map(0).alters[0]
    mum_rows = [r for r in demo if r["alterID"] == "DEMO-01-A001"]
    assert [r["map_label"] for r in mum_rows] == ["T1", "T2", "T3"]  # time points, not the map labels
    assert [int(r["ring"]) for r in mum_rows] == [
        filled.person(em.demo.DEMO_ID).map(i).placement(mum).ring for i in range(3)
    ]
    again = em.io.export_egor(filled, tmp_path / "again")
    assert again["alters"].read_text() == paths["alters"].read_text()
    assert {r["egoID"] for r in edges} <= {r["egoID"] for r in egos}


def test_egor_with_names_and_nonconsenting(filled, tmp_path):
    paths = em.io.export_egor(filled, tmp_path, include_names=True, include_nonconsenting=True)
    alters = _rows(paths["alters"])
    assert "Secret Name" in {r["label"] for r in alters}
    assert "Alex Secret" in {r["display_name"] for r in _rows(paths["egos"])}
    kept = em.io.export_egor(filled, tmp_path / "k", keep=["relationship"])
    rows = _rows(kept["alters"])
    assert "relationship" in rows[0] and "label" not in rows[0]
    with pytest.raises(em.ValidationError):
        em.io.export_egor(filled, tmp_path / "x", keep=["label"])


def test_egor_round_trip(store, tmp_path):
    p = em.demo.demo_case(store)
    paths = em.io.export_egor(store, tmp_path, include_names=True)
    other = em.open_store(tmp_path / "other.sqlite")
    try:
        (q,) = em.io.read_egor(tmp_path, other)
        assert q.id == p.id and q.consent_research
        assert [m.label for m in q.maps] == [m.label for m in p.maps]
        for a, b in zip(p.maps, q.maps):
            assert a.date == b.date and a.notes == b.notes
            la = sorted((x.label, a.placement(x).ring, a.placement(x).sector, a.placement(x).angle) for x in a.alters)
            lb = sorted((x.label, b.placement(x).ring, b.placement(x).sector, b.placement(x).angle) for x in b.alters)
            assert la == lb
            ta = {frozenset((a.alter(t.a).label, a.alter(t.b).label)) for t in a.ties}
            tb = {frozenset((b.alter(t.a).label, b.alter(t.b).label)) for t in b.ties}
            assert ta == tb
            pa = {x.label: a.placement(x).to_dict() | {"alter_id": None} for x in a.alters}
            pb = {x.label: b.placement(x).to_dict() | {"alter_id": None} for x in b.alters}
            assert pa == pb
        # the same alter across maps is one alter
        assert len(q.alters) == len(p.alters)
        assert em.measures(q.map(1))["n_ties"] == em.measures(p.map(1))["n_ties"]
    finally:
        other.close()
    assert paths["egos"].exists()


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3", "@SUM(A1)", "'=already", "''", "'tis"]


def _formula_store(store):
    p = store.add_person("=R-1", "=Display", consent_research=True)
    m = p.new_map("+Baseline", "2026-01-02", notes="-5 =note\n\tindented")
    for i, text in enumerate(FORMULAS):
        m.add_alter(f"{text} {i}", ring=i % 3, sector="family", relationship=text, met_through=text, note=text)
    m.add_tie(m.alters[0], m.alters[1])
    return p


def test_egor_cells_are_spreadsheet_safe_and_round_trip_exactly(store, tmp_path):
    p = _formula_store(store)
    paths = em.io.export_egor(store, tmp_path / "safe", include_names=True)
    for path in paths.values():
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")], (path.name, row)
    alters = _rows(paths["alters"])
    assert alters[0]["relationship"] == "'" + FORMULAS[0]
    assert alters[5]["relationship"] == "''" + "'" and alters[6]["relationship"] == "'tis"
    assert float(alters[0]["angle"]) == p.map(0).placement(p.map(0).alters[0]).angle  # numbers stay numbers
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        (q,) = em.io.read_egor(tmp_path / "safe", other)
        assert q.id == "=R-1" and q.display_name == "=Display" and q.map(0).label == "+Baseline"
        assert q.map(0).notes == p.map(0).notes
        got = sorted((a.label, a.relationship, a.met_through, q.map(0).placement(a).note) for a in q.map(0).alters)
        want = sorted((a.label, a.relationship, a.met_through, p.map(0).placement(a).note) for a in p.map(0).alters)
        assert got == want
    finally:
        other.close()


def test_egor_raw_cells_for_r_pipelines(store, tmp_path):
    _formula_store(store)
    paths = em.io.export_egor(store, tmp_path / "raw", include_names=True, spreadsheet_safe=False)
    alters = _rows(paths["alters"])
    assert alters[0]["relationship"] == FORMULAS[0] and alters[2]["relationship"] == "-3"
    assert _rows(paths["egos"])[0]["egoID"] == "=R-1_0"
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        (q,) = em.io.read_egor(tmp_path / "raw", other, spreadsheet_safe=False)
        assert sorted(a.relationship for a in q.map(0).alters) == sorted(FORMULAS)
    finally:
        other.close()


def test_egor_pseudonymised_round_trip_keeps_structure(filled, tmp_path):
    em.io.export_egor(filled, tmp_path)
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        people = em.io.read_egor(tmp_path, other)
        gone = ["map_id", "map_label", "consent_research"]  # map labels become time points T1, T2...
        a = em.cohort_measures(filled, persons=[p.id for p in people]).drop(columns=gone)
        b = em.cohort_measures(other).drop(columns=gone)
        drop = ["blau_relationship", "iqv_relationship"]  # relationships are not exported by default
        pd.testing.assert_frame_equal(a.drop(columns=drop), b.drop(columns=drop), rtol=1e-12)  # tie order may differ
    finally:
        other.close()


def test_egor_round_trip_rebuilds_unknown_schemes(store, tmp_path):
    # Network Canvas imports make ring schemes (``network_canvas_4``) that another egomap does not know;
    # egos.csv carries n_rings and sector keys so that the maps still import, with the same measures.
    em.io.read_network_canvas(em.io.SAMPLE, store)
    custom = em.schemes.SectorScheme(
        "my_sectors", [em.schemes.Sector("kin", "Kin", is_family=True), em.schemes.Sector("rest", "Everyone else")]
    )
    p = store.add_person("R-CUSTOM", consent_research=True)
    m = p.new_map("Baseline", sectors=custom)
    m.add_alter("A", 0, "kin")
    m.add_alter("B", 2, "rest")
    paths = em.io.export_egor(store, tmp_path)
    egos = _rows(paths["egos"])
    assert {r["n_rings"] for r in egos} == {"4", "3"} and "kin;rest" in {r["sector_keys"] for r in egos}
    assert {r["family_sectors"] for r in egos if r["person_id"] == "R-CUSTOM"} == {"kin"}
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        em.io.read_egor(tmp_path, other)
        q = other.person("NC-001").map(0)
        assert q.rings.name == "network_canvas_4" and len(q.rings) == 4
        drop = ["map_id", "map_label", "consent_research", "blau_relationship", "iqv_relationship"]
        a = em.cohort_measures(store).drop(columns=drop)
        b = em.cohort_measures(other).drop(columns=drop)
        pd.testing.assert_frame_equal(a, b, rtol=1e-12)
        assert other.person("R-CUSTOM").map(0).sectors.family_keys == {"kin"}
    finally:
        other.close()
    # a known scheme name with a different ring count is an error naming the cell
    row = [r["person_id"] for r in egos].index("R-CUSTOM") + 1  # kahn_antonucci rings
    _edit_csv(paths["egos"], row, "n_rings", "7")
    with pytest.raises(em.InputFileError, match="7 rings, but ring scheme 'kahn_antonucci' has 3") as e:
        em.io.read_egor(tmp_path, store)
    assert (e.value.row, e.value.column) == (row, "n_rings")


def test_pseudonymised_exports_hold_no_free_text(store, tmp_path):
    # every free-text field gets a marker word; none may appear in any file written without include_names
    p = store.add_person("R-1", "Quentinmark", consent_research=True)
    m = p.new_map("Baseline", date="2026-01-01", notes="Notesmark")
    a = m.add_alter("Zebmark", 0, "family", relationship="Wifemark", met_through="Clubmark", note="Notealtmark")
    b = m.add_alter("Yolmark", 1, "friends")
    m.add_tie(a, b)
    m.add_goal("Goalmark", steps=["Stepmark"], alters=[a])
    m.set_resource("small_loan", [a, b])  # resources.csv names alters by their pseudonyms only
    m.set_resource("job_advice", [])
    store.add_person("R-2", "Noconmark", consent_research=False).new_map("B").add_alter("Hidemark", 0, "family")
    em.io.export_egor(store, tmp_path / "out")
    em.io.export_graphml(store, tmp_path / "out")
    em.io.export_json(store, tmp_path / "out" / "p.json")
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 7  # egor's three files and two of resources, one GraphML file, the JSON file
    assert "R-1-A001" in (tmp_path / "out" / "resources.csv").read_text(encoding="utf-8")
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "mark" not in text.lower(), f.name
        assert "R-2" not in text, f.name
    g = nx.read_graphml(tmp_path / "out" / "R-1_0.graphml")
    assert {k for _, d in g.nodes(data=True) for k in d} & {"label", "relationship", "met_through", "note"} == set()


# --------------------------------------------------------------------------- GraphML, JSON


def test_graphml_per_map(filled, tmp_path):
    files = em.io.export_graphml(filled, tmp_path)
    consenting = [p for p in filled.people() if p.consent_research]
    assert len(files) == sum(len(p.maps) for p in consenting)
    demo = filled.person(em.demo.DEMO_ID)
    g = nx.read_graphml(tmp_path / "DEMO-01_1.graphml")
    m = demo.map(1)
    assert g.nodes["ego"]["ego"] is True
    assert sum(1 for _, d in g.nodes(data=True) if not d["ego"]) == len(m)
    assert sum(1 for *_, d in g.edges(data=True) if d["tie"] == "alter") == len(m.ties)
    assert sum(1 for *_, d in g.edges(data=True) if d["tie"] == "ego") == len(m)
    node = g.nodes["DEMO-01-A001"]
    assert node["support_received"] == "emotional;practical" and "label" not in node
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    for name in _names(filled):
        assert name not in text
    named = em.io.export_graphml(demo, tmp_path / "n", include_names=True)
    assert nx.read_graphml(named[0]).nodes["DEMO-01-A001"]["label"] == "Mum"


def test_graphml_file_names_never_clash(store, tmp_path):
    for pid in ("R 1", "R_1", "R?1", "..", "<script>"):
        store.add_person(pid, consent_research=True).new_map("Baseline").add_alter("A", 0, "family")
    files = em.io.export_graphml(store, tmp_path / "g")
    assert len({f.name for f in files}) == 5 and "R_1_0.graphml" in {f.name for f in files}
    assert sorted(nx.read_graphml(f).graph["person_id"] for f in files) == sorted(store.person_ids())


def test_json_round_trip_lossless(store, tmp_path):
    p = em.demo.demo_case(store)
    m = p.map(-1)
    m.add_alter(XSS, 1, "friends", note="line one\nline two ünïcødé")
    m.update(XSS, reviewed=True)
    path = em.io.export_json(store, tmp_path / "p.json", include_names=True)
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        (q,) = em.io.import_json(path, other)
        assert q.to_dict() == store.person(p.id).to_dict()
        reopened = other.person(p.id).to_dict()
        assert reopened == p.to_dict()
        with pytest.raises(em.InputFileError, match="nothing was imported"):
            em.io.import_json(path, other)  # already there: nothing written twice
        assert other.info()["persons"] == 1
    finally:
        other.close()


def test_json_round_trip_of_network_canvas_import(store, tmp_path):
    # custom ring schemes, notes with many lines, dates, exact positions and goals all come back
    people = em.io.read_network_canvas(em.io.SAMPLE, store)
    m = people[0].map(-1)
    m.add_goal("Call Maya", steps=["find number", "call"], alters=[m.alters[0]], status="in progress")
    path = em.io.export_json(store, tmp_path / "nc.json", include_names=True)
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        em.io.import_json(path, other)
        for p in store.people():
            assert other.person(p.id).to_dict() == p.to_dict()
        pd.testing.assert_frame_equal(em.cohort_measures(store), em.cohort_measures(other))
    finally:
        other.close()


def test_json_pseudonymised_by_default(filled, tmp_path):
    data = em.io.to_json(filled)
    text = json.dumps(data, ensure_ascii=False)
    for name in _names(filled):
        assert name not in text, name
    assert data["pseudonymised"] is True
    assert {d["id"] for d in data["persons"]} == {p.id for p in filled.people() if p.consent_research}
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        people = em.io.from_json(data, other)
        assert [len(p.maps) for p in people] == [len(d["maps"]) for d in data["persons"]]
        assert other.person(em.demo.DEMO_ID).map(0).alters[0].label == "DEMO-01-A001"
    finally:
        other.close()


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda d: d["persons"][0]["maps"][0]["placements"][0].update(ring=2), "ring/sector"),
        (lambda d: d["persons"][0]["maps"][0]["ties"].append(["nobody", "x"]), "tie"),
        (lambda d: d["persons"][0]["maps"][0]["alters"][0].update(kind="robot"), "kind"),
        (lambda d: d["persons"][0]["maps"][0].pop("label"), "label"),
        (lambda d: d.update(format="other"), "not an egomap JSON"),
        (lambda d: d["persons"][0]["maps"][0]["placements"][0].update(radius=1e308), "radius 1e.308 .* outside 0-1"),
        (lambda d: d["persons"][0]["maps"][0]["placements"][0].update(angle=1e308, radius=2.0), "outside 0-1"),
        (lambda d: d["persons"][0]["maps"][0]["sectors"]["sectors"][0].update(label="Home\ufffe"), "sector label"),
        (lambda d: d["persons"][0]["maps"][0].update(notes="a\ud800b"), "notes must not contain lone surrogates"),
        (lambda d: d["persons"][0]["maps"][0]["alters"].append([[[]]]), r"persons\[0\].maps\[0\]: list indices"),
    ],
)
def test_json_bad_input(store, tmp_path, mutate, match):
    data = em.io.to_json(em.demo.demo_case(), include_names=True)
    mutate(data)
    with pytest.raises(em.InputFileError, match=match):
        em.io.from_json(data, store)
    assert store.person_ids() == []


def test_json_bad_files(store, tmp_path):
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "latin.json").write_bytes('{"a": "é"}'.encode("latin-1"))
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "deep.json").write_text("[" * 200_000)
    (tmp_path / "deep2.json").write_text('{"format": "egomap", "persons": [' + "[" * 200_000 + "]" * 200_000 + "]}")
    for name, match in [
        ("deep.json", "nested too deeply"),
        ("deep2.json", "nested too deeply"),
        ("empty.json", "empty"),
        ("latin.json", "UTF-8"),
        ("broken.json", "JSON"),
        ("no.json", "not found"),
    ]:
        with pytest.raises(em.InputFileError, match=match) as e:
            em.io.import_json(tmp_path / name, store)
        assert name in str(e.value)


# --------------------------------------------------------------------------- Network Canvas


def test_ring_radii_match_network_canvas_radar():
    # Network Canvas Interviewer Radar.js: skewed radii = (3 * equal-area + equal-increment) / 4
    assert nc.ring_radii(3, skewed=False) == pytest.approx([1 / 3, 2 / 3, 1])
    r = nc.ring_radii(5)
    assert r[-1] == pytest.approx(1.0)
    assert r[0] == pytest.approx((3 * math.sqrt(1 / 5) + 1 / 5) / 4)
    assert all(a < b for a, b in zip(r, r[1:]))
    with pytest.raises(em.ValidationError):
        nc.ring_radii(0)


def test_position_to_ring():
    rs, n = nc._as_rings(4, False)
    radii = nc.ring_radii(4, False)
    # straight above the centre (y points down in Network Canvas), in the 2nd circle
    angle, radius, _ = position(0.5, 0.5 - 0.5 * 0.3, radii, rs)
    assert angle == pytest.approx(0.0) and rs.ring_at(radius) == 1
    angle, radius, _ = position(0.5 + 0.5 * 0.9, 0.5, radii, rs)  # to the right, outer circle
    assert angle == pytest.approx(90.0) and rs.ring_at(radius) == 3
    angle, radius, d = position(0.0, 1.0, radii, rs)  # beyond the edge: outer ring
    assert rs.ring_at(radius) == 3 and angle == pytest.approx(225.0) and d == pytest.approx(2**0.5)


def test_sample_import(store):
    people = em.io.read_network_canvas(em.io.SAMPLE, store)
    assert [p.id for p in people] == ["NC-001", "NC-002"]
    p = store.person("NC-001")
    assert [m.label for m in p.maps] == ["Interview 2026-02-03", "Interview 2026-08-04"]
    m0, m1 = p.maps
    assert len(m0.rings) == 4 and m0.sectors.name == "none"
    assert [a.label for a in m0.alters] == ["Maya", "Jon", "Ade", "Kim", "Lou"]
    assert m0.placement("Maya").ring == 0 and m0.placement("Lou").ring == 3
    assert m0.has_tie("Maya", "Jon") and m0.has_tie("Jon", "Ade") and len(m0.ties) == 2  # Close + Conflict merged
    assert "Relationship: Family" in m0.placement("Maya").note and "Age: 52" in m0.placement("Maya").note
    assert "Relationship_" not in m0.placement("Maya").note
    assert "Not placed" in m1.placement("Kim").note and m1.placement("Kim").ring == 3
    assert "Mood: Good" in m0.notes and "Close (2), Conflict (1)" in m0.notes
    assert m0.id == "6b4cb242-4a23-4596-a217-beaddbc496cb" or len(m0.id) == 36
    assert p.consent_research


def test_sample_import_options(store):
    people = em.io.read_network_canvas(
        em.io.SAMPLE,
        store,
        rings=3,
        edge_types=["Conflict"],
        attributes={"contact": "ContactFreq", "valence": "Age"},
    )
    m0 = people[0].map(0)
    assert len(m0.rings) == 3 and len(m0.ties) == 1
    assert m0.placement("Maya").contact == "daily" and m0.placement("Lou").contact == "less often"
    assert "ContactFreq" not in m0.placement("Maya").note  # used, so not repeated in the note
    assert m0.placement("Maya").valence is None and "Age: 52" in m0.placement("Maya").note  # did not fit: kept
    assert "only Conflict" in m0.notes


def test_sample_protocol_and_no_protocol(store, tmp_path):
    proto = nc.read_protocol(em.io.SAMPLE / "egomap_sample_protocol.netcanvas")
    assert [(s.circles, s.skewed, s.layouts) for s in sociograms(proto)] == [(4, True, {"Person": "Cords"})]
    folder = tmp_path / "nc"
    shutil.copytree(em.io.SAMPLE, folder)
    (folder / "egomap_sample_protocol.netcanvas").unlink()
    with pytest.raises(em.InputFileError, match="no .netcanvas protocol file") as e:
        em.io.read_network_canvas(folder, store)
    assert e.value.path == str(folder)
    people = em.io.read_network_canvas(folder, store, rings=5)
    assert len(people[0].map(0).rings) == 5


@pytest.mark.skipif(not REAL_NC.is_dir(), reason="shared Network Canvas sample not present")
def test_real_network_canvas_export_imports_every_interview(store):
    egos = sorted(REAL_NC.glob("*_ego.csv"))
    people = em.io.read_network_canvas(REAL_NC, store)
    assert sum(len(p.maps) for p in people) == len(egos) == 10
    for f in egos:
        ego = _rows(f)[0]
        m = store.person(ego["networkCanvasCaseID"]).map(ego["networkCanvasSessionID"])
        nodes = _rows(Path(str(f).replace("_ego.csv", "_attributeList_Person.csv")))
        assert len(m) == len(nodes)
        assert len(m.rings) == 5  # first sociogram: 5 circles skewed toward the centre
        assert {a.label for a in m.alters} == {r["name"] for r in nodes}
        pairs = set()
        for ef in REAL_NC.glob(f.name.replace("_ego.csv", "_edgeList_*.csv")):
            pairs |= {frozenset((r["networkCanvasSourceUUID"], r["networkCanvasTargetUUID"])) for r in _rows(ef)}
        assert {frozenset((t.a, t.b)) for t in m.ties} == pairs
        for r in nodes:
            x, y = float(r["Cords_x"]), float(r["Cords_y"])
            d = math.hypot(x - 0.5, y - 0.5) / 0.5
            ring = next((i for i, b in enumerate(nc.ring_radii(5, True)) if d <= b), 4)
            assert m.placement(r["networkCanvasUUID"]).ring == ring


# --------------------------------------------------------------------------- bad input


def _copy_sample(tmp_path) -> Path:
    folder = tmp_path / "nc"
    shutil.copytree(em.io.SAMPLE, folder)
    return folder


def _one(folder: Path, pattern: str) -> Path:
    return sorted(folder.glob(pattern))[0]


def _edit_csv(path: Path, row: int, column: str, value: str) -> None:
    rows = _rows(path)
    rows[row - 1][column] = value
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize(
    ("breaks", "file_glob", "row", "column", "match"),
    [
        ("unknown_edge", "*_edgeList_Close.csv", 1, "networkCanvasTargetUUID", "unknown node"),
        ("duplicate_node", "*_attributeList_Person.csv", 2, "networkCanvasUUID", "repeats"),
        ("bad_number", "*_attributeList_Person.csv", 1, "Cords_x", "not a number"),
        ("missing_column", "*_attributeList_Person.csv", None, "networkCanvasUUID", "no column"),
        ("empty", "*_ego.csv", None, None, "empty"),
        ("latin1", "*_attributeList_Person.csv", 2, "name", "UTF-8"),
        ("unknown_ego", "*_attributeList_Person.csv", 1, "networkCanvasEgoUUID", "unknown interview"),
        ("huge_coordinate", "*_attributeList_Person.csv", 2, "Cords_x", "outside the canvas"),
        ("negative_coordinate", "*_attributeList_Person.csv", 1, "Cords_y", "outside the canvas"),
        ("short_row", "*_attributeList_Person.csv", 2, "Relationship_Family", "has 8 cells but the header has 12"),
        ("no_layout", "*_attributeList_Person.csv", None, "Cords_x", "no layout columns .Cords_x and Cords_y"),
    ],
)
def test_network_canvas_bad_input(store, tmp_path, breaks, file_glob, row, column, match):
    folder = _copy_sample(tmp_path)
    f = _one(folder, file_glob)
    rows = _rows(f)
    if breaks == "unknown_edge":
        _edit_csv(f, 1, column, "no-such-node")
    elif breaks == "duplicate_node":
        _edit_csv(f, 2, column, rows[0][column])
    elif breaks == "bad_number":
        _edit_csv(f, 1, column, "left")
    elif breaks == "missing_column":
        text = f.read_text().replace("networkCanvasUUID", "uuid")
        f.write_text(text)
    elif breaks == "empty":
        f.write_text("")
    elif breaks == "latin1":
        _edit_csv(f, 2, "name", "Zoë")
        f.write_bytes(f.read_text(encoding="utf-8").encode("latin-1"))
    elif breaks == "unknown_ego":
        _edit_csv(f, 1, column, "someone-else")
    elif breaks == "huge_coordinate":
        _edit_csv(f, 2, column, "123456789012345678901234567890")
    elif breaks == "negative_coordinate":
        _edit_csv(f, 1, column, "-0.2")
    elif breaks == "short_row":
        lines = f.read_text(encoding="utf-8").splitlines()
        assert lines[0].split(",")[8] == "Relationship_Family"  # the sample's 9th of 12 columns
        lines[2] = ",".join(next(csv.reader([lines[2]]))[:8])
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif breaks == "no_layout":
        for g in folder.glob(file_glob):
            g.write_text(g.read_text(encoding="utf-8").replace("Cords_", "Place_"), encoding="utf-8")
    with pytest.raises(em.InputFileError, match=match) as e:
        em.io.read_network_canvas(folder, store)
    err = e.value
    assert err.path == str(f)
    assert err.row == row and err.column == column
    assert store.person_ids() == []  # nothing written


def test_network_canvas_missing_folder_and_files(store, tmp_path):
    with pytest.raises(em.InputFileError, match="not found"):
        em.io.read_network_canvas(tmp_path / "nope", store)
    (tmp_path / "empty").mkdir()
    with pytest.raises(em.InputFileError, match="no Network Canvas ego file"):
        em.io.read_network_canvas(tmp_path / "empty", store)
    with pytest.raises(em.InputFileError, match="not found"):
        em.io.read_network_canvas([tmp_path / "a_ego.csv"], store, rings=3)


def test_network_canvas_import_twice_writes_nothing(store):
    em.io.read_network_canvas(em.io.SAMPLE, store)
    before = store.info()
    again = em.io.read_network_canvas(em.io.SAMPLE, store)  # every interview is a repeat: skipped, reported
    assert list(again) == [] and store.info() == before
    assert len(again.report.of("skipped")) == 3 and again.report.totals.maps == 0
    assert all("already in the store" in n.message and n.row == 1 for n in again.report.of("skipped"))


def test_bad_protocol(store, tmp_path):
    bad = tmp_path / "x.netcanvas"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("other.json", "{}")
    with pytest.raises(em.InputFileError, match="no protocol.json"):
        em.io.read_network_canvas(em.io.SAMPLE, store, protocol=bad)


@pytest.mark.parametrize(
    ("file", "edit", "row", "column", "match"),
    [
        ("edges.csv", ("Target", "nobody"), 1, "Target", "unknown alter"),
        ("alters.csv", ("ring", "two"), 1, "ring", "not a number"),
        ("alters.csv", ("ring", "7"), 1, "ring", "unknown ring"),
        ("alters.csv", ("alterID", "DEMO-01-A001"), 2, "alterID", "repeats"),
        ("alters.csv", ("egoID", "X_9"), 1, "egoID", "unknown egoID"),
        ("egos.csv", {"sector_scheme": "nope", "sector_keys": ""}, 1, "sector_scheme", "unknown sector scheme"),
        ("egos.csv", ("sector_keys", "a;b"), 1, "sector_keys", "differ from scheme"),
        ("egos.csv", {"ring_scheme": "nope", "n_rings": ""}, 1, "ring_scheme", "unknown ring scheme"),
        ("egos.csv", {"ring_scheme": "nope", "n_rings": "0"}, 1, "n_rings", "at least one ring"),
        ("egos.csv", ("map_date", "yesterday"), 1, "map_date", "date"),
        ("alters.csv", ("valence", "great"), 1, "valence", "valence"),
    ],
)
def test_egor_bad_input(store, tmp_path, file, edit, row, column, match):
    paths = em.io.export_egor(em.demo.demo_case(), tmp_path)
    f = tmp_path / file
    for col, value in edit.items() if isinstance(edit, dict) else [edit]:
        _edit_csv(f, row, col, value)
    with pytest.raises(em.InputFileError, match=match) as e:
        em.io.read_egor(tmp_path, store)
    assert (e.value.path, e.value.row, e.value.column) == (str(f), row, column)
    assert store.person_ids() == []
    assert paths


def test_egor_style_files_written_for_r(store, tmp_path):
    # the minimal three files threefiles_to_egor reads (ID.vars defaults egoID/alterID/Source/Target),
    # alter ids numbered within each ego; columns egomap has no field for are kept as notes
    (tmp_path / "egos.csv").write_text("egoID,age\n1,34\n2,51\n")
    (tmp_path / "alters.csv").write_text("egoID,alterID,sex\n1,1,m\n1,2,w\n1,3,w\n2,1,m\n2,2,\n")
    (tmp_path / "edges.csv").write_text("egoID,Source,Target,weight\n1,1,2,1\n1,2,3,2\n2,1,2,1\n")
    people = em.io.read_egor(tmp_path, store)
    assert [p.id for p in people] == ["1", "2"]
    m = store.person("1").map(0)
    assert [a.label for a in m.alters] == ["1", "2", "3"] and len(m.ties) == 2
    assert m.notes == "Other columns of egos.csv:\nage: 34"
    assert m.placement("2").note == "Other columns of alters.csv:\nsex: w"
    assert store.person("2").map(0).placement("2").note == ""  # empty cells are left out
    assert list(em.cohort_measures(store)["density"]) == [2 / 3, 1.0]


def test_egor_repeated_map_label_names_the_label_column(store, tmp_path):
    paths = em.io.export_egor(em.demo.demo_case(), tmp_path)
    _edit_csv(paths["egos"], 2, "map_label", "T1")
    with pytest.raises(em.InputFileError, match="already has a map labelled") as e:
        em.io.read_egor(tmp_path, store)
    assert (e.value.path, e.value.row, e.value.column) == (str(paths["egos"]), 2, "map_label")
    assert store.person_ids() == []


def test_egor_unknown_ring_scheme_is_refused_with_its_value(store, tmp_path):
    paths = em.io.export_egor(em.demo.demo_case(), tmp_path)
    _edit_csv(paths["egos"], 2, "ring_scheme", "my_rings")
    with pytest.raises(em.InputFileError, match="unknown ring scheme 'my_rings'") as e:
        em.io.read_egor(tmp_path, store)
    assert (e.value.path, e.value.row, e.value.column) == (str(paths["egos"]), 2, "ring_scheme")
    _edit_csv(paths["egos"], 2, "ring_scheme", "network_canvas_3")  # what a Network Canvas import makes
    assert store.person(em.io.read_egor(tmp_path, store)[0].id).map(1).rings.name == "network_canvas_3"


@pytest.mark.parametrize("radius", ["1.5", "-0.1", "123456789012345678901234567890"])
def test_egor_radius_outside_0_1_is_refused(store, tmp_path, radius):
    paths = em.io.export_egor(em.demo.demo_case(), tmp_path)
    _edit_csv(paths["alters"], 3, "radius", radius)
    with pytest.raises(em.InputFileError, match="outside 0-1") as e:
        em.io.read_egor(tmp_path, store)
    assert (e.value.path, e.value.row, e.value.column) == (str(paths["alters"]), 3, "radius")
    assert store.person_ids() == []


def test_egor_sector_key_with_a_control_character_is_refused(store, tmp_path):
    paths = em.io.export_egor(em.demo.demo_case(), tmp_path)
    for row in (1, 2, 3):
        _edit_csv(paths["egos"], row, "sector_scheme", "mine")
        _edit_csv(paths["egos"], row, "sector_keys", "kin\x07;rest")
    with pytest.raises(em.InputFileError, match="sector key must not contain control characters") as e:
        em.io.read_egor(tmp_path, store)
    assert (e.value.row, e.value.column) == (1, "sector_keys")


def test_semicolon_separated_csv_gets_a_hint(store, tmp_path):
    # R's write.csv2 (and egor's own example files) separate columns with ';'
    paths = em.io.export_egor(em.demo.demo_case(), tmp_path)
    paths["edges"].write_text(paths["edges"].read_text().replace(",", ";"))
    with pytest.raises(em.InputFileError, match="separated by ';'") as e:
        em.io.read_egor(tmp_path, store)
    assert e.value.column == "egoID" and e.value.path == str(paths["edges"])


def test_egor_missing_and_empty_files(store, tmp_path):
    em.io.export_egor(em.demo.demo_case(), tmp_path)
    (tmp_path / "edges.csv").unlink()
    with pytest.raises(em.InputFileError, match="not found") as e:
        em.io.read_egor(tmp_path, store)
    assert e.value.path.endswith("edges.csv")
    (tmp_path / "edges.csv").write_text("egoID,Source\n")
    with pytest.raises(em.InputFileError, match="no column 'Target'"):
        em.io.read_egor(tmp_path, store)
    (tmp_path / "egos.csv").write_bytes(b"")
    with pytest.raises(em.InputFileError, match="empty"):
        em.io.read_egor(tmp_path, store)
    assert store.person_ids() == []
