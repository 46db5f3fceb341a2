"""Issue 13: small Network Canvas exports in the shapes that misplaced people; each is placed right or refused."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

import egomap as em

EGO = "networkCanvasEgoUUID"
EDGE_COLS = ["edgeID", "from", "to", EGO, "networkCanvasUUID", "networkCanvasSourceUUID", "networkCanvasTargetUUID"]


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _protocol(folder: Path, stages: list[dict], node_types: dict | None = None) -> Path:
    types = node_types or {"t-person": {"name": "Person", "variables": {"v-lay": {"name": "Cords", "type": "layout"}}}}
    proto = {"codebook": {"node": types, "edge": {}}, "stages": stages}
    path = folder / "study.netcanvas"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("protocol.json", json.dumps(proto))
    return path


def _sociogram(sid: str, circles: int, skewed: bool = False, layouts=(("t-person", "v-lay"),)) -> dict:
    prompts = [{"id": f"{sid}-{t}", "subject": {"entity": "node", "type": t}, "layout": {"layoutVariable": v}}
               for t, v in layouts]  # fmt: skip
    return {"id": sid, "type": "Sociogram", "label": f"Stage {sid}",
            "background": {"concentricCircles": circles, "skewedTowardCenter": skewed}, "prompts": prompts}  # fmt: skip


def _export(folder: Path, nodes: list[tuple], edges: dict[str, list[tuple]] | None = None,
            node_type: str = "Person", layout: str = "Cords", ego: bool = True) -> Path:  # fmt: skip
    """One interview (case C-1): nodes (id, name, x, y), edges by type as (source, target)."""
    folder.mkdir(exist_ok=True)
    prefix = folder / "C-1_s-0001"
    if ego:
        _write(Path(f"{prefix}_ego.csv"), [EGO, "networkCanvasCaseID", "networkCanvasSessionID", "sessionStart"],
               [["e-1", "C-1", "s-0001", "2026-03-01T10:00:00.000Z"]])  # fmt: skip
    _write(Path(f"{prefix}_attributeList_{node_type}.csv"),
           ["nodeID", EGO, "networkCanvasUUID", "name", f"{layout}_x", f"{layout}_y"],
           [[i + 1, "e-1", nid, name, x, y] for i, (nid, name, x, y) in enumerate(nodes)])  # fmt: skip
    for typ, pairs in (edges or {}).items():
        _write(Path(f"{prefix}_edgeList_{typ}.csv"), EDGE_COLS,
               [[i + 1, 0, 0, "e-1", f"{typ}-{i}", a, b] for i, (a, b) in enumerate(pairs)])  # fmt: skip
    return folder


NODES = [("n1", "Ana", 0.5, 0.45), ("n2", "Ben", 0.7, 0.5), ("n3", "Cy", 0.5, 0.9)]


@pytest.fixture
def store(tmp_path):
    s = em.open_store(tmp_path / "s.sqlite")
    yield s
    s.close()


def _map(store) -> em.Map:
    return store.person("C-1").map(0)


def test_several_stages_first_by_default_and_stage_chooses(store, tmp_path):
    folder = _export(tmp_path / "x", NODES)
    _protocol(folder, [_sociogram("a", 5), {"id": "nq", "type": "NameGenerator"}, _sociogram("b", 4),
                       _sociogram("c", 3)])  # fmt: skip
    out = em.io.read_network_canvas(folder, store)
    assert len(_map(store).rings) == 5 and out.report.stage.startswith("1 'Stage a' (5 circles")
    assert any("also has 2 'Stage b' (4 circles" in n.message for n in out.report.of("assumed"))
    for i, (stage, number, circles) in enumerate([("Stage b", 2, 4), (3, 3, 3), ("c", 3, 3)]):
        other = em.open_store(tmp_path / f"t{i}.sqlite")
        try:
            out = em.io.read_network_canvas(folder, other, stage=stage)
            assert len(other.person("C-1").map(0).rings) == circles
            assert out.report.stage.startswith(f"{number} 'Stage")
            with pytest.raises(em.ValidationError, match="no Sociogram stage 'z'.*Stage a"):
                em.io.read_network_canvas(folder, other, stage="z")
        finally:
            other.close()


def test_landscape_canvas_changes_the_circle(store, tmp_path):
    folder = _export(tmp_path / "x", NODES)
    _protocol(folder, [_sociogram("a", 4)])
    square = em.io.read_network_canvas(folder, store)
    assert _map(store).placement("Ben").ring == 1  # 0.4 radii out on a square canvas
    assert any("canvas was taken as square" in n.message for n in square.report.of("assumed"))
    wide = em.open_store(tmp_path / "w.sqlite")
    try:
        out = em.io.read_network_canvas(folder, wide, canvas=(1920, 1080))
        assert wide.person("C-1").map(0).placement("Ben").ring == 2  # 0.4 * 16/9 = 0.71 radii out
        assert wide.person("C-1").map(0).placement("Ana").ring == 0  # vertical distances are unchanged
        assert not any("square" in n.message for n in out.report.of("assumed"))
    finally:
        wide.close()


def test_corner_nodes_go_to_the_outer_circle_and_are_flagged(store, tmp_path):
    folder = _export(tmp_path / "x", [*NODES, ("n4", "Dee", 0.02, 0.03), ("n5", "Eve", 0.99, 0.5)])
    _protocol(folder, [_sociogram("a", 4)])
    out = em.io.read_network_canvas(folder, store)
    m = _map(store)
    assert out.report.placed_outside == 1  # Dee: 1.34 radii out; Eve 0.98 radii is inside
    assert m.placement("Dee").ring == 3 and "Outside every Network Canvas circle (1.34 radii" in m.placement("Dee").note
    assert m.placement("Eve").ring == 3 and "Outside" not in m.placement("Eve").note
    (flag,) = [n for n in out.report.of("flagged") if "outside every circle" in n.message]
    assert flag.row == 4 and flag.file.endswith("_attributeList_Person.csv")
    assert "placed_outside: 1" in str(out.report)


def test_second_node_type_with_its_own_layout_variable(store, tmp_path):
    folder = _export(tmp_path / "x", NODES)
    _export(folder, [("v1", "Gym", 0.5, 0.1)], node_type="Venue_Place", layout="venue_layout", ego=False)
    types = {
        "t-person": {"name": "Person", "variables": {"v-lay": {"name": "Cords", "type": "layout"}}},
        "t-venue": {"name": "Venue_Place", "variables": {"v-vl": {"name": "venue_layout", "type": "layout"}}},
    }
    _protocol(folder, [_sociogram("a", 4, layouts=(("t-person", "v-lay"), ("t-venue", "v-vl")))], types)
    out = em.io.read_network_canvas(folder, store)
    m = _map(store)
    assert m.placement("Gym").ring == 3 and "Not placed" not in m.placement("Gym").note
    assert m.placement("Ana").ring == 0 and "Network Canvas Venue_Place" in m.placement("Gym").note
    assert out.report.of("flagged") == []
    assert out.report.files[next(folder.glob("*Venue_Place.csv")).name].alters == 1


def test_underscore_edge_types_and_several_types_reported(store, tmp_path):
    folder = _export(tmp_path / "x", NODES, {"had_sex": [("n1", "n2")], "Drug_Tie": [("n1", "n2"), ("n2", "n3")]})
    _protocol(folder, [_sociogram("a", 4)])
    out = em.io.read_network_canvas(folder, store)
    m = _map(store)
    assert len(m.ties) == 2 and "Drug_Tie (2), had_sex (1)" in m.notes
    (merged,) = [n for n in out.report.of("assumed") if "merged" in n.message]
    assert "Drug_Tie: 2 edge(s) gave 2 new tie(s), had_sex: 1 edge(s) gave 0 new tie(s)" in merged.message
    only = em.open_store(tmp_path / "o.sqlite")
    try:
        em.io.read_network_canvas(folder, only, edge_types=["Drug_Tie"])
        assert len(only.person("C-1").map(0).ties) == 2
    finally:
        only.close()


@pytest.mark.parametrize("option", ["skip_self_loops", "skip_duplicate_edges"])
def test_self_loops_and_repeated_edges_refused_or_skipped(store, tmp_path, option):
    bad = ("n2", "n2") if option == "skip_self_loops" else ("n2", "n1")
    folder = _export(tmp_path / "x", NODES, {"Close": [("n1", "n2"), ("n2", "n3"), bad]})
    _protocol(folder, [_sociogram("a", 4)])
    f = next(folder.glob("*_edgeList_Close.csv"))
    with pytest.raises(em.InputFileError, match=option.replace("_", "_")) as e:
        em.io.read_network_canvas(folder, store)
    assert (e.value.path, e.value.row) == (str(f), 3)
    assert store.person_ids() == []  # nothing written
    out = em.io.read_network_canvas(folder, store, **{option: True})
    assert len(_map(store).ties) == 2
    (skip,) = out.report.of("skipped")
    assert (skip.file, skip.row) == (f.name, 3)


def test_interview_without_ego_file_refused_or_skipped(store, tmp_path):
    folder = _export(tmp_path / "x", NODES, {"Close": [("n1", "n2")]})
    _protocol(folder, [_sociogram("a", 4)])
    lost = folder / "C-2_s-0002_attributeList_Person.csv"
    _write(
        lost, ["nodeID", EGO, "networkCanvasUUID", "name", "Cords_x", "Cords_y"], [[1, "e-2", "m1", "Zed", 0.5, 0.5]]
    )
    with pytest.raises(
        em.InputFileError, match="'e-2'.*ego file.*C-2_s-0002_attributeList_Person.csv.*skip_incomplete"
    ):
        em.io.read_network_canvas(folder, store)
    assert store.person_ids() == []
    out = em.io.read_network_canvas(folder, store, skip_incomplete=True)
    assert store.person_ids() == ["C-1"]
    (skip,) = out.report.of("skipped")
    assert skip.file == lost.name and "no ego file" in skip.message


def test_pixel_coordinates_refused_with_the_row(store, tmp_path):
    folder = _export(tmp_path / "x", [*NODES, ("n4", "Dee", 812, 431)])
    _protocol(folder, [_sociogram("a", 4)])
    with pytest.raises(em.InputFileError, match="pixel coordinates") as e:
        em.io.read_network_canvas(folder, store)
    assert (e.value.row, e.value.column) == (4, "Cords_x")
    assert store.person_ids() == []


def test_appledouble_files_are_ignored(store, tmp_path):
    folder = _export(tmp_path / "x", NODES)
    _protocol(folder, [_sociogram("a", 4)])
    (folder / "._C-1_s-0001_ego.csv").write_bytes(b"\x00\x05\x16\x07\xff\xfe binary resource fork")
    (folder / "._study.netcanvas").write_bytes(b"\x00\x05\x16\x07")
    em.io.read_network_canvas(folder, store)
    assert len(_map(store)) == 3


def test_unplaced_node_type_is_flagged(store, tmp_path):
    folder = _export(tmp_path / "x", [("n1", "Ana", "", "")])
    _protocol(folder, [_sociogram("a", 4)])
    out = em.io.read_network_canvas(folder, store)
    assert _map(store).placement("Ana").ring == 3 and "Not placed" in _map(store).placement("Ana").note
    assert [n.row for n in out.report.of("flagged")] == [1]
