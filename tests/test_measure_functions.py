"""Each measure as a plain function of a map agrees with the measure tables; E-I attributes come from the vocabulary."""

from __future__ import annotations

import inspect
import math
import random
import subprocess
import sys

import numpy as np
import pytest

import egomap as em
import egomap.measures as M
from egomap import fields
from egomap.fields import CAPITAL_TYPES, CONTACTS, KINDS, KNOWN_FOR, SUPPORT_TYPES, VALENCES

#: Column of the measure tables -> the plain function that computes it.
PLAIN = {
    name: getattr(M, name)
    for name in M.MEASURES
    if not name.startswith(("n_received_", "n_given_"))  # n_support_received(m, type), below
}


def _person(seed: int, store: em.Store | None = None) -> em.Person:
    """A person with three maps of random alters, ties and attributes (known_for, capital and resources included)."""
    rng = random.Random(seed)
    p = store.add_person(f"F-{seed}") if store is not None else em.Person(f"F-{seed}")
    prev = None
    for t in range(3):
        m = p.new_map(f"T{t}", date=f"202{t}-03-01", copy_from=prev)
        for a in list(m.alters):
            if rng.random() < 0.3:
                m.remove_alter(a)
        for i in range(rng.randint(0, 10)):
            m.add_alter(
                f"A{t}-{i}",
                ring=rng.randrange(3),
                sector=rng.choice(m.sectors.keys),
                kind=rng.choice(KINDS),
                relationship=rng.choice(["", "friend", " Friend", "mother", "gp"]),
                is_professional=rng.random() < 0.25,
                met_through=rng.choice(["", "football", "Football ", "clinic"]),
                support_received=rng.sample(SUPPORT_TYPES, rng.randint(0, 2)),
                support_given=rng.sample(SUPPORT_TYPES, rng.randint(0, 2)),
                valence=rng.choice([None, *VALENCES]),
                contact=rng.choice([None, *CONTACTS]),
                known_for=rng.choice([None, *KNOWN_FOR]),
            )
        for a in list(m.alters):
            if rng.random() < 0.3:
                m.update(a, known_for=rng.choice([None, *KNOWN_FOR]))
            if rng.random() < 0.2:
                m.update(a, capital=rng.choice([None, *CAPITAL_TYPES]))
        ids = [a.id for a in m.alters]
        for item in m.resource_scheme.keys:
            r = rng.random()
            if r < 0.3:  # not asked (or back to not asked)
                m.set_resource(item, None)
            elif r < 0.4:
                m.set_resource(item, [])  # asked: no one
            elif ids:
                m.set_resource(item, rng.sample(ids, rng.randint(1, min(3, len(ids)))))
        ids = [a.id for a in m.alters]
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                if rng.random() < 0.3:
                    m.add_tie(x, y)
        prev = m
    return p


@pytest.fixture
def cohort(store):
    em.demo.demo_case(store)
    with store.batch():
        for seed in range(5):
            _person(seed, store)
    return store


def _plain(m: em.Map) -> dict[str, float]:
    """Every fixed column of ``em.measures(m)``, computed by the plain functions."""
    out = {name: f(m) for name, f in PLAIN.items()}
    for r in range(len(m.rings)):
        out[f"size_ring_{r}"] = M.size(m, ring=r)
    for k in m.sectors.keys:
        out[f"size_sector_{k}"] = M.size(m, sector=k)
    for t in SUPPORT_TYPES:
        out[f"n_received_{t}"] = M.n_support_received(m, t)
        out[f"n_given_{t}"] = M.n_support_given(m, t)
    for d in em.resource_scheme().domain_keys:  # the default scheme's domains are always columns
        out[f"resources_{d}"] = M.resources_accessed(m, d)
    return out


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9


def test_every_fixed_column_has_a_plain_function():
    assert set(PLAIN) | {f"n_{w}_{t}" for w in ("received", "given") for t in SUPPORT_TYPES} == set(M.MEASURES)
    for f in PLAIN.values():
        assert f.__name__ in M.__all__


def test_plain_functions_equal_the_tables(cohort):
    df = em.cohort_measures(cohort).set_index("map_id")
    n = 0
    for p in cohort.people():
        for m in p.maps:
            s = em.measures(m)
            row = df.loc[m.id]
            plain = _plain(m)
            assert set(plain) == set(s.index), m.id
            for name, v in plain.items():
                assert isinstance(v, float), name
                assert _same(v, s[name]), (name, m.id, v, s[name])
                assert _same(v, row[name]), (name, m.id, v, row[name])
            n += 1
    assert n == 3 + 5 * 3


def test_plain_functions_on_empty_and_one_alter_maps():
    m = em.Person("R-0").new_map("Baseline")
    assert M.size(m) == 0 and M.n_ties(m) == 0 and M.n_components(m) == 0 and M.n_isolates(m) == 0
    for f in (M.density, M.effective_size, M.efficiency, M.constraint, M.share_professional, M.blau_sector,
              M.iqv_sector, M.blau_kind, M.iqv_kind, M.ei_professional, M.share_reciprocal, M.share_stressful):  # fmt: skip
        assert math.isnan(f(m)), f.__name__
    m.add_alter("Mum", 0, "household")
    assert math.isnan(M.density(m)) and M.effective_size(m) == 1 and M.constraint(m) == 1
    assert M.size(m, ring=0) == 1 and math.isnan(M.size(m, ring=3)) and math.isnan(M.size(m, sector="nowhere"))
    with pytest.raises(em.ValidationError):
        M.n_support_received(m, "money")


def test_structural_holes_against_networkx():
    # Burt (1992) constraint and Borgatti (1997) effective size, with the person tied to every alter:
    # the plain functions give networkx's values on that graph.
    nx = pytest.importorskip("networkx")
    p = _person(42)
    for m in p.maps:
        if not len(m):
            continue
        g = nx.Graph()
        g.add_edges_from(("me", a.id) for a in m.alters)
        g.add_edges_from((t.a, t.b) for t in m.ties)
        assert M.constraint(m) == pytest.approx(nx.constraint(g)["me"], abs=1e-12)
        assert M.effective_size(m) == pytest.approx(nx.effective_size(g)["me"], abs=1e-12)
        ga = g.subgraph([a.id for a in m.alters])
        assert M.n_components(m) == nx.number_connected_components(ga)
        assert M.n_isolates(m) == nx.number_of_isolates(ga)


def test_ei_attributes_come_from_the_vocabulary():
    cats = [f.name for f in fields.categorical()]
    assert "known_for" in cats
    assert set(cats) <= set(M.EI_ATTRIBUTES)
    # the free-text alter fields are compared too (ignoring case), as before the vocabulary
    assert {"relationship", "met_through"} <= set(M.EI_ATTRIBUTES)
    for name in M.EI_ATTRIBUTES:
        f = next(f for o in ("alter", "placement") for f in fields.of(o) if f.name == name)
        assert f.categorical or (f.owner == "alter" and f.type == "text"), name


def test_known_for_ei_by_hand():
    # Krackhardt & Stern (1988): (E - I) / (E + I); alters with no value are left out.
    m = em.Person("R-K").new_map("Baseline")
    m.add_alter("Mum", 0, "household", known_for="more than 5 years")
    m.add_alter("Dad", 0, "household", known_for="More than 5 years ")
    m.add_alter("Coach", 2, "clubs_groups", known_for="less than a year")
    m.add_alter("Dr A", 2, "services")  # not recorded
    assert M.ei_index(m, "known_for", "more than 5 years") == (1 - 2) / 3
    s = em.measures(m, ei={"ei_known": ("known_for", "1-5 years")})
    assert s["ei_known"] == 1.0 and list(s.index)[-1] == "ei_known"
    with pytest.raises(em.ValidationError):
        em.measures(m, ei={"ei_known": ("known_for", 5)})


def test_known_for_ei_agrees_between_map_and_cohort(cohort):
    values = {p.id: random.Random(p.id).choice(KNOWN_FOR) for p in cohort.people()}
    values.pop("F-3")  # a person without a value: NaN
    ei = {
        "ei_known": ("known_for", values),
        "ei_known_5": ("known_for", "more than 5 years"),
        "ei_contact": ("contact", "weekly"),
        "ei_met": ("met_through", "football"),
    }
    df = em.cohort_measures(cohort, ei=ei)
    assert list(df.columns[-len(ei) :]) == list(ei)
    assert df.loc[df["person_id"] == "F-3", "ei_known"].isna().all()
    assert df["ei_known"].notna().any() and df["ei_known_5"].notna().any()
    for row in df.itertuples(index=False):
        m = cohort.person(row.person_id).map(row.map_index)
        s = em.measures(m, ei=ei)
        for name, (attr, value) in ei.items():
            want = M.ei_index(m, attr, value)
            assert _same(want, s[name]), (name, row.map_id)
            assert _same(want, getattr(row, name)), (name, row.map_id)
    ch = em.cohort_changes(cohort, ei=ei)
    assert {"d_ei_known", "d_ei_known_5"} <= set(ch.columns)


def test_cohort_reads_only_the_columns_it_needs(cohort, monkeypatch):
    asked = []
    read = type(cohort).read_columns

    def spy(self, table, columns, *args, **kw):
        asked.append((table, list(columns)))
        return read(self, table, columns, *args, **kw)

    monkeypatch.setattr(type(cohort), "read_columns", spy)
    em.cohort_measures(cohort, ei={"ei_known": ("known_for", "1-5 years")})
    pl = [c for t, c in asked if t == "placements"]
    assert len(pl) == 1 and "known_for" in pl[0] and "contact" not in pl[0] and "note" not in pl[0]
    assert "label" not in pl[0] and "angle" not in pl[0]  # never names, never positions
    assert [c for t, c in asked if t == "ties"] == [["map_id", "a", "b"]]
    assert [c for t, c in asked if t == "resources"] == [["map_id", "item", "alter_id"]]
    assert "met_through_activity" in pl[0] and "met_through" not in pl[0]  # capital's rule, never the text


def test_em_measures_is_the_callable_package_in_a_fresh_interpreter():
    code = (
        "import egomap as em\n"
        "m = em.demo.demo_case().map('Baseline')\n"
        "print(em.measures(m)['density'] == em.measures.density(m), em.measures.constraint(m) > 0)\n"
        "import egomap.measures\n"
        "print(em.measures(m)['size'] == em.measures.size(m))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "True"]


@pytest.mark.parametrize("name", sorted(set(M.__all__) - {"MEASURES", "CHANGE_MEASURES", "ID_COLUMNS",
                                                           "CHANGE_ID_COLUMNS", "EI_ATTRIBUTES", "EGO", "EISpec",
                                                           "RESOURCEFUL"}))  # fmt: skip
def test_docstrings_are_numpydoc_with_examples(name):
    doc = inspect.getdoc(getattr(M, name)) or ""
    assert "Examples\n--------\n>>> " in doc, name
    if name not in ("reference_measures",):
        assert "See Also\n--------" in doc, name


@pytest.mark.parametrize(
    ("name", "cites"),
    [
        ("constraint", ["Burt, R. S. (1992)", "Structural Holes"]),
        ("effective_size", ["Burt, R. S. (1992)", "Borgatti, S. P. (1997)", "Connections* 20(1)"]),
        ("efficiency", ["Borgatti, S. P. (1997)"]),
        ("ei_index", ["Krackhardt, D., & Stern, R. N. (1988)", "Quarterly* 51(2)"]),
        ("ei_professional", ["Krackhardt, D., & Stern, R. N. (1988)"]),
        ("blau", ["Blau, P. M. (1977)", "Agresti, A., & Agresti, B. F. (1978)"]),
        ("iqv_sector", ["Agresti, A., & Agresti, B. F. (1978)"]),
    ],
)
def test_references(name, cites):
    doc = inspect.getdoc(getattr(M, name)) or ""
    assert "References\n----------" in doc
    for c in cites:
        assert c in doc, (name, c)


def test_values_are_python_floats():
    m = em.demo.demo_case().map("Baseline")
    for name, f in PLAIN.items():
        v = f(m)
        assert type(v) is float, name
    assert np.isclose(M.constraint(m), em.measures(m)["constraint"], rtol=0, atol=1e-12)


def test_value_counts_feed_blau_and_iqv(cohort):
    # Blau (1977) and IQV (Agresti & Agresti 1978) from value_counts give the fixed composition columns.
    for p in cohort.people():
        for m in p.maps:
            sec = M.value_counts(m, "sector")
            assert list(sec.index) == list(m.sectors.keys) and sec.sum() == len(m)
            assert _same(M.blau(sec), M.blau_sector(m)) and _same(M.iqv(sec, len(sec)), M.iqv_sector(m))
            kind = M.value_counts(m, "kind")
            assert list(kind.index) == list(KINDS)
            assert _same(M.blau(kind), M.blau_kind(m)) and _same(M.iqv(kind, len(KINDS)), M.iqv_kind(m))
            rel = M.value_counts(m, "relationship")
            assert _same(M.blau(rel), M.blau_relationship(m)) and _same(M.iqv(rel, len(rel)), M.iqv_relationship(m))
            known = M.value_counts(m, "known_for")
            assert list(known.index) == list(KNOWN_FOR)
            assert known.sum() == sum(a is not None for a in (q.known_for for q in m.state().placements.values()))
            assert list(M.value_counts(m, "ring").index) == list(range(len(m.rings)))
            assert list(M.value_counts(m, "is_professional").index) == [False, True]
    with pytest.raises(em.ValidationError):
        M.value_counts(m, "label")


def test_egor_variants_by_hand():
    m = em.Person("R-1").new_map("Baseline")
    m.add_alter("Mum", ring=0, sector="family", relationship="Mother", met_through="Church")
    m.add_alter("Gran", ring=1, sector="family", relationship="mother", met_through="church")
    m.add_alter("Sam", ring=1, sector="friends", met_through="football")
    m.add_alter("Jo", ring=2, sector="friends", relationship="friend")
    assert M.diversity_count(m, "relationship") == 2.0  # mother, friend
    assert M.diversity_count(m, "relationship", variant="egor") == 3.0  # Mother, mother, friend
    assert M.diversity_entropy(m, "sector") == pytest.approx(1.0)  # 1/2, 1/2
    assert M.diversity_entropy(m, "relationship", base=math.e) == pytest.approx(
        -(2 / 3) * math.log(2 / 3) - (1 / 3) * math.log(1 / 3)
    )
    assert M.composition_of(m, "relationship").to_dict() == {"mother": 2 / 3, "friend": 1 / 3}
    assert M.composition_of(m, "relationship", variant="egor").to_dict() == {
        "Mother": 0.25,
        "mother": 0.25,
        "<NA>": 0.25,
        "friend": 0.25,
    }
    assert M.composition_of(m, "sector", absolute=True).to_dict() == {"family": 2.0, "friends": 2.0}
    # E-I: egomap = ei_index; egor compares the stored text exactly
    assert M.comp_ei(m, "met_through", "church") == M.ei_index(m, "met_through", "church") == pytest.approx(-1 / 3)
    assert M.comp_ei(m, "met_through", "church", variant="egor") == pytest.approx(1 / 3)  # only Gran is internal
    assert math.isnan(M.comp_ei(m, "met_through", None, variant="egor"))
    with pytest.raises(em.ValidationError, match="variant"):
        M.diversity_count(m, "kind", variant="R")


@pytest.mark.parametrize("seed", range(4))
def test_density_and_constraint_are_egors(seed):
    """egor's ego_density: ties / (n (n - 1) / 2) without the person; ego_constraint: igraph on the graph with the person."""
    ig = pytest.importorskip("igraph")
    for m in _person(seed).maps:
        alters = [a.id for a in m.alters]
        n = len(alters)
        if n < 2:
            continue
        index = {a: i for i, a in enumerate(alters)}
        edges = [(index[t.a], index[t.b]) for t in m.ties]
        assert M.density(m) == pytest.approx(len(edges) / (n * (n - 1) / 2), abs=1e-12)
        g = ig.Graph(n=n + 1, edges=edges + [(n, i) for i in range(n)])
        assert M.constraint(m) == pytest.approx(g.constraint([n])[0], abs=1e-12)
