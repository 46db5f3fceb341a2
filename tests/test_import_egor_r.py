"""Issue 13: egor files that survive a round trip through R (NA, numeric-looking ids, ';', other id columns)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import egomap as em
from egomap.cli import main


@pytest.fixture
def store(tmp_path):
    s = em.open_store(tmp_path / "s.sqlite")
    yield s
    s.close()


def _person(pid: str = "0017") -> em.Person:
    p = em.Person(pid, consent_research=True)
    m = p.new_map("T1", date="2026-01-05")
    m.add_alter("Mum", ring=0, sector="household", relationship="mother")
    m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    m.add_tie("Mum", "Dr Shah")
    return p


def _rewrite(path: Path, change) -> None:
    """Rewrite a CSV as R's write.csv would after read.csv: ``change(row)`` edits each row (a dict)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    header = list(rows[0]) if rows else next(csv.reader(open(path, encoding="utf-8")))
    for r in rows:
        change(r)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)


def test_every_file_has_person_id(tmp_path):
    paths = em.io.export_egor(_person(), tmp_path)
    for name in ("egos", "alters", "edges"):
        with open(paths[name], newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert rows and all(r["person_id"] == "0017" for r in rows), name


def test_r_na_is_missing_in_every_column_or_kept_on_request(store, tmp_path):
    em.io.export_egor(_person(), tmp_path, include_names=True)

    def na(r):
        for k, v in r.items():
            if v == "":
                r[k] = "NA"

    for name in ("egos.csv", "alters.csv", "edges.csv"):
        _rewrite(tmp_path / name, na)
    assert "NA" in (tmp_path / "alters.csv").read_text()  # met_through, note, valence... were empty
    (p,) = em.io.read_egor(tmp_path, store)
    m = p.map(0)
    dr = m.alter("Dr Shah")
    assert dr.relationship == "" and dr.met_through == "" and m.placement(dr).note == ""
    assert m.placement(dr).valence is None and m.notes == ""
    other = em.open_store(tmp_path / "k.sqlite")
    try:
        with pytest.raises(em.InputFileError, match="unknown support_received type 'NA'"):  # kept: not a type
            em.io.read_egor(tmp_path, other, keep_na=True)
        assert other.person_ids() == []
    finally:
        other.close()


def test_keep_na_keeps_a_literal_na_in_free_text(store, tmp_path):
    p = em.Person("R-1", consent_research=True)
    p.new_map("T1").add_alter("NA", ring=0, sector="household", relationship="NA")
    em.io.export_egor(p, tmp_path, include_names=True)
    (kept,) = em.io.read_egor(tmp_path, store, keep_na=True)
    a = kept.map(0).alters[0]
    assert (a.label, a.relationship) == ("NA", "NA")
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        (read,) = em.io.read_egor(tmp_path, other)
        a = read.map(0).alters[0]
        assert a.relationship == "" and a.label.startswith("R-1-A")  # NA read as missing: the alterID stands in
    finally:
        other.close()


def test_numeric_looking_id_mangled_by_r_is_refused_with_the_row(store, tmp_path):
    em.io.export_egor([_person("0017"), _person("R-2")], tmp_path)

    def mangle(r):
        if r["person_id"] == "0017":
            r["person_id"] = "17"  # read.csv without colClasses

    for name in ("egos.csv", "alters.csv", "edges.csv"):
        _rewrite(tmp_path / name, mangle)
    with pytest.raises(em.InputFileError, match="egoID '0017_0' does not match person_id '17'.*colClasses") as e:
        em.io.read_egor(tmp_path, store)
    assert (Path(e.value.path).name, e.value.row, e.value.column) == ("egos.csv", 1, "person_id")
    assert store.person_ids() == []


def test_person_id_of_an_alter_row_must_match_its_ego(store, tmp_path):
    em.io.export_egor(_person("0017"), tmp_path)
    _rewrite(tmp_path / "edges.csv", lambda r: r.update(person_id="17"))
    with pytest.raises(em.InputFileError, match="person_id '17' differs from '0017'") as e:
        em.io.read_egor(tmp_path, store)
    assert (Path(e.value.path).name, e.value.row, e.value.column) == ("edges.csv", 1, "person_id")


def test_semicolon_files_with_egoweb_id_columns(store, tmp_path):
    (tmp_path / "egos.csv").write_text("EgoID;age\n1;34\n2;51\n", encoding="utf-8")
    (tmp_path / "alters.csv").write_text(
        "EgoID;Alter.Number;label;ring;sector\n1;1;Mum;0;household\n1;2;Ben;1;friends\n2;1;Ann;2;family\n",
        encoding="utf-8",
    )
    (tmp_path / "edges.csv").write_text("EgoID;From;To;weight\n1;1;2;3\n", encoding="utf-8")
    with pytest.raises(em.InputFileError, match="pass sep=';'"):
        em.io.read_egor(tmp_path, store)
    ids = {"ego": "EgoID", "alter": "Alter.Number", "source": "From", "target": "To"}
    people = em.io.read_egor(tmp_path, store, sep=";", id_columns=ids)
    assert [p.id for p in people] == ["1", "2"]
    m = store.person("1").map(0)
    assert [a.label for a in m.alters] == ["Mum", "Ben"] and m.has_tie("Mum", "Ben")
    assert "age: 34" in m.notes
    assert people.report.files["alters.csv"].alters == 3 and people.report.files["edges.csv"].ties == 1


def test_cli_sep_and_id_columns(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "egos.csv").write_text("EgoID\nA\n", encoding="utf-8")
    (folder / "alters.csv").write_text("EgoID;Alter.Number;label\nA;1;Mum\n", encoding="utf-8")
    (folder / "edges.csv").write_text("EgoID;Source;Target\n", encoding="utf-8")
    db = str(tmp_path / "s.sqlite")
    args = ["import", "--store", db, "--format", "egor", str(folder), "--sep", ";"]
    assert main([*args, "--id-columns", "ego=EgoID,alter=Alter.Number"]) == 0
    out = capsys.readouterr().out
    assert "imported 1 person(s) with 1 map(s)" in out and "alters.csv: 1 alter(s)" in out
    assert main([*args, "--id-columns", "person=EgoID"]) != 0
    assert "id-columns" in capsys.readouterr().err


def test_multiline_and_line_separator_text_round_trip(store, tmp_path):
    p = em.Person("R-1", consent_research=True)
    m = p.new_map("T1")
    a = m.add_alter("Mum", ring=0, sector="household")
    m.update(a, note="first line\nsecond line")
    em.io.export_egor(p, tmp_path, include_names=True)
    (back,) = em.io.read_egor(tmp_path, store)
    assert back.map(0).placement("Mum").note == "first line\nsecond line"
