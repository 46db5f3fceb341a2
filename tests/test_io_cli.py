"""Tests of `egomap export` and `egomap import` through egomap.cli.main."""

from __future__ import annotations

import csv
import json

import networkx as nx

import egomap as em
from egomap.cli import main


def _store_with_demo(path):
    s = em.open_store(path)
    em.demo.demo_case(s)
    s.add_person("R-NO", "Hidden Person", consent_research=False).new_map("Baseline").add_alter(
        "Secret Pal", 0, "family"
    )
    s.close()


def test_export_egor_then_import(tmp_path, capsys):
    src = tmp_path / "a.sqlite"
    _store_with_demo(src)
    assert main(["export", "--store", str(src), "--format", "egor", str(tmp_path / "egor")]) == 0
    out = capsys.readouterr().out
    assert "pseudonymised) for 1 person(s)" in out and "left out 1 person(s) without consent" in out
    with open(tmp_path / "egor" / "alters.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert "label" not in rows[0] and {r["person_id"] for r in rows} == {em.demo.DEMO_ID}
    dst = tmp_path / "b.sqlite"
    assert main(["import", "--store", str(dst), "--format", "egor", str(tmp_path / "egor")]) == 0
    assert "imported 1 person(s) with 3 map(s)" in capsys.readouterr().out
    with em.open_store(dst) as s:
        assert s.person_ids() == [em.demo.DEMO_ID]


def test_export_graphml_then_import(tmp_path, capsys):
    src = tmp_path / "a.sqlite"
    _store_with_demo(src)
    out = tmp_path / "graphml"
    assert main(["export", "--store", str(src), "--format", "graphml", "--include-names", str(out)]) == 0
    capsys.readouterr()
    dst = tmp_path / "b.sqlite"
    assert main(["import", "--store", str(dst), "--format", "graphml", str(out)]) == 0
    assert "imported 1 person(s) with 3 map(s)" in capsys.readouterr().out  # only who consented to research
    with em.open_store(src) as a, em.open_store(dst) as b:
        for ma, mb in zip(a.person(em.demo.DEMO_ID).maps, b.person(em.demo.DEMO_ID).maps):
            assert sorted(x.label for x in ma.alters) == sorted(x.label for x in mb.alters)
            assert len(ma.ties) == len(mb.ties)

            def who(m):  # the import gives alters new ids: compare by name
                return {item: sorted(m.alter(a).label for a in ids) for item, ids in m.resources.items()}

            assert who(ma) == who(mb) and [ma.capital(a) for a in ma.alters] == [mb.capital(a.label) for a in ma.alters]


def test_export_egor_keep_notes_of_a_network_canvas_import(tmp_path, capsys):
    db = str(tmp_path / "nc.sqlite")
    assert main(["import", "--store", db, "--format", "network-canvas", str(em.io.SAMPLE)]) == 0
    out = tmp_path / "egor"
    assert main(["export", "--store", db, "--format", "egor", str(out), "--keep", "note"]) == 0
    with open(out / "alters.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert "label" not in rows[0] and "Age: 52" in rows[0]["note"] and "Maya" not in (out / "alters.csv").read_text()
    capsys.readouterr()
    assert main(["export", "--store", db, "--format", "json", str(tmp_path / "x.json"), "--keep", "note"]) == 2
    assert "--keep is for --format egor" in capsys.readouterr().err


def test_export_json_with_names_round_trips(tmp_path):
    src = tmp_path / "a.sqlite"
    _store_with_demo(src)
    out = tmp_path / "people.json"
    args = ["export", "--store", str(src), "--format", "json", str(out), "--include-names"]
    assert main([*args, "--person", "R-NO", "--include-nonconsenting"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [p["id"] for p in data["persons"]] == ["R-NO"]
    assert data["persons"][0]["display_name"] == "Hidden Person"
    assert main(["import", "--store", str(tmp_path / "b.sqlite"), "--format", "json", str(out)]) == 0
    with em.open_store(tmp_path / "b.sqlite") as b, em.open_store(src) as a:
        assert b.person("R-NO").to_dict() == a.person("R-NO").to_dict()


def test_export_graphml(tmp_path):
    src = tmp_path / "a.sqlite"
    _store_with_demo(src)
    assert main(["export", "--store", str(src), "--format", "graphml", str(tmp_path / "g")]) == 0
    files = sorted((tmp_path / "g").glob("*.graphml"))
    assert [f.name for f in files] == ["DEMO-01_0.graphml", "DEMO-01_1.graphml", "DEMO-01_2.graphml"]
    assert nx.read_graphml(files[0]).nodes["ego"]["ego"] is True


def test_import_network_canvas_sample(tmp_path, capsys):
    dst = tmp_path / "nc.sqlite"
    assert main(["import", "--store", str(dst), "--format", "network-canvas", str(em.io.SAMPLE)]) == 0
    assert "imported 2 person(s) with 3 map(s)" in capsys.readouterr().out
    rc = main(["import", "--store", str(dst), "--format", "network-canvas", str(em.io.SAMPLE), "--rings", "3",
               "--edge-type", "Close"])  # fmt: skip
    assert rc == 2  # already imported: a clear error, nothing written twice
    assert "nothing was imported" in capsys.readouterr().err
    with em.open_store(dst) as s:
        assert s.info()["maps"] == 3 and len(s.person("NC-001").map(0).rings) == 4
        assert s.person("NC-001").consent_research  # Network Canvas data is collected for research
    other = str(tmp_path / "other.sqlite")
    assert (
        main(["import", "--store", other, "--format", "network-canvas", str(em.io.SAMPLE), "--no-research-consent"])
        == 0
    )
    with em.open_store(other) as s:
        assert not any(p.consent_research for p in s.people())


def test_import_errors_are_messages_not_tracebacks(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not json")
    assert main(["import", "--store", str(tmp_path / "s.sqlite"), "--format", "json", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("egomap: error:") and "bad.json" in err and "Traceback" not in err
    assert main(["import", "--store", str(tmp_path / "s.sqlite"), "--format", "egor", str(tmp_path / "none")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_export_egor_cells_safe_by_default_raw_on_request(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    with em.open_store(db) as s:
        s.add_person("R-1", consent_research=True).new_map("Baseline").add_alter(
            "=cmd|' /C calc'!A0", 0, "family", relationship="@SUM(1)"
        )
    for flag, first in ((), "'"), (("--raw-cells",), "="):
        out = tmp_path / f"egor{len(flag)}"
        args = ["export", "--store", str(db), "--format", "egor", "--include-names", *flag, str(out)]
        assert main(args) == 0
        with open(out / "alters.csv", newline="", encoding="utf-8") as f:
            (row,) = list(csv.DictReader(f))
        assert row["label"][0] == first and row["relationship"] == ("'" if not flag else "") + "@SUM(1)"
        dst = tmp_path / f"b{len(flag)}.sqlite"
        assert main(["import", "--store", str(dst), "--format", "egor", *flag, str(out)]) == 0
        with em.open_store(dst) as s:
            assert s.person("R-1").map(0).alters[0].label == "=cmd|' /C calc'!A0"
    capsys.readouterr()
    assert main(["export", "--store", str(db), "--format", "json", "--raw-cells", str(tmp_path / "x.json")]) == 2
    assert "--raw-cells is for --format egor" in capsys.readouterr().err


# --------------------------------------------------------------------------- no free text in research files


def _free_text_fields() -> list[em.fields.Field]:
    """Every free-text field of the vocabulary (the person id is the pseudonym itself)."""
    text = [f for f in em.fields.FIELDS if f.type in ("label", "text") or (f.type == "list" and f.identifying)]
    return [f for f in text if (f.owner, f.name) != ("person", "id")]


def _marked_store(path) -> dict[str, str]:
    """A consenting person whose every free-text field holds its own marker word; returns field -> marker."""
    markers = {f"{f.owner}.{f.name}": f"Zq{f.owner}{f.name.replace('_', '')}Marker" for f in _free_text_fields()}
    with em.open_store(path) as s:
        p = s.add_person("R-1", consent_research=True)
        m0 = p.new_map("Plain first", "2026-01-01")
        m = p.new_map("Plain", "2026-02-01")
        m0.add_alter("Plain B", 1, "friends")
        a = m.add_alter("Plain A", 0, "family")
        m.add_tie(a, m.add_alter("Plain C", 2, "friends"))
        g = m.add_goal("Plain goal")
        for f in _free_text_fields():
            word = markers[f"{f.owner}.{f.name}"]
            value = [word] if f.type == "list" else word
            if f.owner == "person":
                p.update(**{f.name: value})
            elif f.owner == "map":
                m.update_map(**{f.name: value})
            elif f.owner in ("alter", "placement"):
                m.update(a, **{f.name: value})
            elif f.owner == "goal":
                m.update_goal(g, **{f.name: value})
            else:  # pragma: no cover - a new owner: extend this test
                raise AssertionError(f"cannot set {f.owner}.{f.name}")
    return markers


def _texts(folder) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


def test_default_exports_hold_no_free_text_api_and_cli(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    markers = _marked_store(db)
    assert len(markers) >= 9  # display name, map label and notes, alter texts, note, goal text and steps
    api, cli, named = tmp_path / "api", tmp_path / "cli", tmp_path / "named"
    with em.open_store(db) as s:
        em.io.export_egor(s, api / "egor")
        em.io.export_graphml(s, api / "graphml")
        em.io.export_json(s, api / "p.json")
        em.io.export_json(s, named / "p.json", include_names=True)
        assert json.dumps(em.io.to_json(s)).count("Marker") == 0
    for fmt, out in (("egor", "egor"), ("graphml", "graphml"), ("json", "p.json")):
        assert main(["export", "--store", str(db), "--format", fmt, str(cli / out)]) == 0
    capsys.readouterr()
    for folder in (api, cli):
        text = _texts(folder)
        assert "Marker" not in text, [k for k, w in markers.items() if w in text]
    with_names = _texts(named)
    assert [k for k, w in markers.items() if w not in with_names] == []  # the markers were really set
    with open(api / "egor" / "egos.csv", newline="", encoding="utf-8") as f:
        egos = list(csv.DictReader(f))
    assert [(r["map_label"], r["map_date"]) for r in egos] == [("T1", "2026-01-01"), ("T2", "2026-02-01")]
    g = nx.read_graphml(api / "graphml" / "R-1_1.graphml")
    assert g.graph["map_label"] == "T2"
    data = json.loads((api / "p.json").read_text(encoding="utf-8"))
    assert [m["label"] for m in data["persons"][0]["maps"]] == ["T1", "T2"]
    with em.open_store(tmp_path / "again.sqlite") as s:  # the pseudonymised JSON still imports
        (q,) = em.io.import_json(api / "p.json", s)
        assert [m.label for m in q.maps] == ["T1", "T2"] and [str(m.date) for m in q.maps] == [
            "2026-01-01",
            "2026-02-01",
        ]


def test_import_prints_the_report_and_takes_network_canvas_options(tmp_path, capsys):
    db = str(tmp_path / "s.sqlite")
    args = ["import", "--store", db, "--format", "network-canvas", str(em.io.SAMPLE)]
    assert main([*args, "--canvas", "1024x768", "--stage", "1", "--skip-self-loops", "--skip-duplicate-edges"]) == 0
    out = capsys.readouterr().out
    assert "13 alter(s), 6 tie(s)" in out and "circles from Sociogram stage 1 'Place people'" in out
    assert "Flagged:" in out and "no Cords position; put in the outer ring" in out
    assert "taken as square" not in out  # the canvas was given
    with em.open_store(db) as s:  # 1024x768: x counts 4/3 as much as on a square canvas
        assert s.person("NC-001").map(0).placement("Ade").ring == 1  # 0.54 radii out (0.41 on a square)
    other = str(tmp_path / "o.sqlite")
    assert main(["import", "--store", other, "--format", "network-canvas", str(em.io.SAMPLE)]) == 0
    assert "the canvas was taken as square" in capsys.readouterr().out
    with em.open_store(other) as s:
        assert s.person("NC-001").map(0).placement("Ade").ring == 0
    for bad, what in (
        (["--canvas", "wide"], "--canvas must be WIDTHxHEIGHT"),
        (["--stage", "9"], "no Sociogram stage '9'"),
        (["--auto-accept", "0.9"], "--auto-accept is for --link"),
    ):
        assert main(["import", "--store", str(tmp_path / "x.sqlite"), "--format", "network-canvas",
                     str(em.io.SAMPLE), *bad]) == 2  # fmt: skip
        assert what in capsys.readouterr().err
    assert main(["import", "--store", db, "--format", "json", str(tmp_path / "a.json"), "--skip-incomplete"]) == 2
    assert "--skip-incomplete is for --format network-canvas" in capsys.readouterr().err
