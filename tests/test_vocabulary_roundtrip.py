"""Every alter and placement attribute of the vocabulary survives the store, JSON, egor and GraphML.

The tests iterate :func:`egomap.fields.of`, so an attribute added to the
vocabulary is checked here with no change to this file (a field of a type this
file cannot make a value for fails loudly instead of being skipped).
"""

from __future__ import annotations

import csv

import networkx as nx
import pytest

import egomap as em
from egomap import fields

OWNERS = ("alter", "placement")
FIELDS = [f for o in OWNERS for f in fields.of(o)]
IDS = [f"{f.owner}.{f.name}" for f in FIELDS]
#: An exact position away from the defaults: ring 1, sector "friends" of the default schemes.
ANGLE, RADIUS = 231.428571, 0.6


def _sample(f: fields.Field):
    """A valid value of ``f`` that is not its default."""
    if f.type == "bool":
        return not f.default
    if f.type == "set":
        return frozenset(f.choices[:2])
    if f.type == "choice" and f.choices:
        return next(c for c in reversed(f.choices) if c != f.default)
    if f.type == "label":
        return f"{f.name} value"
    if f.type == "text":
        return f"{f.name} value" + ("\n  second line " if not f.strip else "")
    raise AssertionError(f"no sample value for the {f.type} field {f.owner}.{f.name}: extend _sample")


def _set_every_attribute(m: em.Map) -> em.Alter:
    """An alter whose every attribute has a non-default value (and a plain one beside it)."""
    a = m.add_alter("Plain", ring=2, sector="family")
    b = m.add_alter("Someone", angle=ANGLE, radius=RADIUS)
    m.update(b, **{f.name: _sample(f) for f in FIELDS if f.name not in fields.POSITION})
    m.add_tie(a, b)
    return m.alter(b.id)


def _expected(f: fields.Field, m: em.Map, alter: em.Alter):
    return getattr(alter if f.owner == "alter" else m.placement(alter), f.name)


def _check(f: fields.Field, got, want) -> None:
    if f.type == "float":
        assert got == pytest.approx(want), f.name
    else:
        assert got == want, f.name
    if f.name not in fields.POSITION:
        assert want != f.default and want == _sample(f), f.name  # the test really set a non-default value


@pytest.fixture
def mapped(tmp_path):
    """(store path, person id, the alter with every attribute set, the map it is on)."""
    path = tmp_path / "s.sqlite"
    s = em.open_store(path)
    p = s.add_person("R-VOC", "Vocab Person", consent_research=True)
    m = p.new_map("Baseline", date="2026-03-01")
    alter = _set_every_attribute(m)
    snapshot = {f.name: _expected(f, m, alter) for f in FIELDS}
    s.close()
    return path, alter, snapshot


def _find(m: em.Map, label: str) -> em.Alter:
    (a,) = [x for x in m.alters if x.label == label]
    return a


def test_sample_values_are_valid_and_not_defaults():
    for f in FIELDS:
        if f.name in fields.POSITION:
            continue
        assert f.clean(_sample(f)) == _sample(f) != f.default, f.name


@pytest.mark.parametrize("f", FIELDS, ids=IDS)
def test_attribute_survives_reopening_the_store(mapped, f):
    path, alter, want = mapped
    with em.open_store(path) as s:
        m = s.person("R-VOC").map(0)
        _check(f, _expected(f, m, m.alter(alter.id)), want[f.name])


@pytest.mark.parametrize("f", FIELDS, ids=IDS)
def test_attribute_survives_json(mapped, tmp_path, f):
    path, alter, want = mapped
    with em.open_store(path) as s:
        out = em.io.export_json(s, tmp_path / "p.json", include_names=True)
    with em.open_store(tmp_path / "other.sqlite") as other:
        em.io.import_json(out, other)
        m = other.person("R-VOC").map(0)
        _check(f, _expected(f, m, m.alter(alter.id)), want[f.name])


@pytest.mark.parametrize("f", FIELDS, ids=IDS)
def test_attribute_survives_egor(mapped, tmp_path, f):
    path, _, want = mapped
    with em.open_store(path) as s:
        em.io.export_egor(s, tmp_path / "egor", include_names=True)
    with em.open_store(tmp_path / "other.sqlite") as other:
        em.io.read_egor(tmp_path / "egor", other)
        m = other.person("R-VOC").map(0)
        _check(f, _expected(f, m, _find(m, want["label"])), want[f.name])


@pytest.mark.parametrize("f", FIELDS, ids=IDS)
def test_attribute_is_in_graphml(mapped, tmp_path, f):
    # checked in the file as networkx reads it (what other tools see); egomap's own reader is tested in test_resources_io
    path, _, want = mapped
    with em.open_store(path) as s:
        (file,) = em.io.export_graphml(s, tmp_path / "g", include_names=True)
    g = nx.read_graphml(file)
    (node,) = [d for _, d in g.nodes(data=True) if d.get("label") == want["label"]]
    value = want[f.name]
    expected = ";".join(sorted(value)) if f.type == "set" else "" if value is None else value
    assert node[f.name] == (pytest.approx(expected) if f.type == "float" else expected), f.name


@pytest.mark.parametrize("f", [f for f in FIELDS if f.identifying], ids=lambda f: f"{f.owner}.{f.name}")
def test_identifying_attribute_left_out_without_names(mapped, tmp_path, f):
    path, _, want = mapped
    with em.open_store(path) as s:
        paths = em.io.export_egor(s, tmp_path / "egor")
        (file,) = em.io.export_graphml(s, tmp_path / "g")
        out = em.io.export_json(s, tmp_path / "p.json")
    with open(paths["alters"], newline="", encoding="utf-8") as fh:
        assert f.name not in next(csv.reader(fh))
    assert all(f.name not in d for _, d in nx.read_graphml(file).nodes(data=True))
    first_line = want[f.name].splitlines()[0]
    for written in [*paths.values(), file, out]:
        assert first_line not in written.read_text(encoding="utf-8"), written.name


def test_known_for_exported_in_egor_with_its_stored_strings(store, tmp_path):
    p = store.add_person("R-KF", consent_research=True)
    m = p.new_map("Baseline")
    for i, value in enumerate(fields.KNOWN_FOR):
        m.add_alter(f"A{i}", ring=i, sector="friends", known_for=value)
    m.add_alter("Unset", ring=0, sector="family")
    assert [m.placement(a).known_for for a in m.alters] == ["less than a year", "1-5 years", "more than 5 years", None]
    paths = em.io.export_egor(store, tmp_path)
    with open(paths["alters"], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["known_for"] for r in rows] == ["less than a year", "1-5 years", "more than 5 years", ""]
    assert "known_for" in em.io.egor.ALTER_COLUMNS
    other = em.open_store(tmp_path / "o.sqlite")
    try:
        (q,) = em.io.read_egor(tmp_path, other)
        assert [q.map(0).placement(a).known_for for a in q.map(0).alters] == [
            "less than a year",
            "1-5 years",
            "more than 5 years",
            None,
        ]
    finally:
        other.close()
