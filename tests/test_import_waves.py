"""Issue 13: later waves imported into a store that holds the earlier ones, the import report, --link."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import egomap as em
from egomap.cli import main
from egomap.linking import accept, link_waves

LATER = "6b4cb242-4a23-4596-a217-beaddbc496cb"  # NC-001's second interview (2026-08-04)


def _waves(tmp_path: Path) -> tuple[Path, Path]:
    """The sample split in two exports: NC-001's first interview and NC-002, then NC-001's second."""
    one, two = tmp_path / "wave1", tmp_path / "wave2"
    for folder in (one, two):
        folder.mkdir()
        shutil.copy(em.io.SAMPLE / "egomap_sample_protocol.netcanvas", folder)
    for f in em.io.SAMPLE.glob("*.csv"):
        shutil.copy(f, two if LATER in f.name else one)
    return one, two


def _retained(store) -> list[str]:
    p = store.person("NC-001")
    return sorted(a.label for a in em.compare(p.map(0), p.map(1)).retained)


def test_two_waves_by_the_command_line_then_link_auto_accept(tmp_path, capsys):
    one, two = _waves(tmp_path)
    db = str(tmp_path / "s.sqlite")
    assert main(["import", "--store", db, "--format", "network-canvas", str(one)]) == 0
    assert (
        main(["import", "--store", db, "--format", "network-canvas", str(two), "--link", "--auto-accept", "0.95"]) == 0
    )
    out = capsys.readouterr().out
    assert "imported 1 person(s) with 2 map(s)" in out  # NC-001 now has both interviews
    assert "MERGED  NC-001: 'Maya'" in out and "merged 4 pair(s)" in out
    store = em.open_store(db)
    try:
        assert [m.label for m in store.person("NC-001").maps] == ["Interview 2026-02-03", "Interview 2026-08-04"]
        assert _retained(store) == ["Ade", "Jon", "Kim", "Maya"]
    finally:
        store.close()


def test_link_without_auto_accept_merges_nothing(tmp_path, capsys):
    one, two = _waves(tmp_path)
    db = str(tmp_path / "s.sqlite")
    main(["import", "--store", db, "--format", "network-canvas", str(one)])
    assert main(["import", "--store", db, "--format", "network-canvas", str(two), "--link"]) == 0
    out = capsys.readouterr().out
    assert "proposed  NC-001: 'Maya'" in out and "nothing merged" in out and "MERGED" not in out
    store = em.open_store(db)
    try:
        assert _retained(store) == []
    finally:
        store.close()


def test_two_waves_in_python_then_link_waves_and_accept(tmp_path, location):
    one, two = _waves(tmp_path)
    store = em.open_store(location)  # SQLite and PostgreSQL
    try:
        em.io.read_network_canvas(one, store)
        later = em.io.read_network_canvas(two, store)
        assert [p.id for p in later] == ["NC-001"] and later.report.totals.maps == 1
        assert later.report.totals.persons == 1 and later.report.totals.alters == 5
        table = link_waves(store, persons=[p.id for p in later])
        m = store.person("NC-001").map(1)
        props = [p for p in em.link_alters(store.person("NC-001").map(0), m) if p.score >= 0.95]
        assert sorted(table[table.score >= 0.95].later_label) == ["Ade", "Jon", "Kim", "Maya"]
        accept(m, props)
        assert _retained(store) == ["Ade", "Jon", "Kim", "Maya"]
    finally:
        store.close()


def test_repeated_interview_is_skipped_and_reported(tmp_path):
    one, two = _waves(tmp_path)
    store = em.open_store(tmp_path / "s.sqlite")
    try:
        em.io.read_network_canvas(one, store)
        both = tmp_path / "both"
        shutil.copytree(em.io.SAMPLE, both)
        again = em.io.read_network_canvas(both, store)  # wave 1 again, with wave 2
        assert [p.id for p in again] == ["NC-001"] and len(store.person("NC-001").maps) == 2
        skipped = again.report.of("skipped")
        assert len(skipped) == 2 and all("already in the store" in n.message for n in skipped)
        assert {n.file.split("_")[0] for n in skipped} == {"NC-001", "NC-002"}
        assert again.report.totals.maps == 1
    finally:
        store.close()


def test_same_session_with_other_content_is_refused_and_nothing_changes(tmp_path, location):
    one, _ = _waves(tmp_path)
    store = em.open_store(location)
    try:
        em.io.read_network_canvas(one, store)
        before = store.info()
        f = next(one.glob("NC-001_*_attributeList_Person.csv"))
        f.write_text(f.read_text(encoding="utf-8").replace("Maya", "Maia"), encoding="utf-8")
        with pytest.raises(em.InputFileError, match="already has a map with map id .* other content") as e:
            em.io.read_network_canvas(one, store)
        assert e.value.path.endswith("_ego.csv") and e.value.row == 1
        assert store.info() == before
    finally:
        store.close()


def test_egor_later_wave_adds_maps(tmp_path):
    store = em.open_store(tmp_path / "s.sqlite")
    try:
        p = em.Person("R-1", consent_research=True)
        p.new_map("T1", date="2026-01-05").add_alter("Mum", ring=0, sector="household")
        first, second = tmp_path / "a", tmp_path / "b"
        em.io.export_egor(p, first, include_names=True)
        q = em.Person("R-1", consent_research=True)
        q.new_map("T2", date="2026-07-05").add_alter("Mum", ring=1, sector="household")
        em.io.export_egor(q, second, include_names=True)
        em.io.read_egor(first, store)
        out = em.io.read_egor(second, store)
        assert [m.label for m in store.person("R-1").maps] == ["T1", "T2"]
        assert out.report.totals.maps == 1 and out.report.files["alters.csv"].alters == 1
        again = em.io.read_egor(second, store)
        assert list(again) == [] and len(again.report.of("skipped")) == 1
    finally:
        store.close()


def test_later_wave_imported_first_still_gives_maps_in_interview_date_order(tmp_path):
    one, two = _waves(tmp_path)
    store = em.open_store(tmp_path / "s.sqlite")
    try:
        em.io.read_network_canvas(two, store)
        em.io.read_network_canvas(one, store)
        assert [m.date.isoformat() for m in store.person("NC-001").maps] == ["2026-02-03", "2026-08-04"]
    finally:
        store.close()


def test_json_import_returns_a_report(tmp_path):
    path = em.io.export_json(em.demo.demo_case(), tmp_path / "p.json", include_names=True)
    store = em.open_store(tmp_path / "s.sqlite")
    try:
        out = em.io.import_json(path, store)
        t = out.report.totals
        assert [p.id for p in out] == ["DEMO-01"] and (t.persons, t.maps) == (1, 3)
        assert t.alters == len(store.person("DEMO-01").alters) and "p.json: 1 person(s), 3 map(s)" in str(out.report)
    finally:
        store.close()
