"""Tests of egomap.measures: known values, agreement with networkx, cohort tables."""

from __future__ import annotations

import math
import random
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import egomap as em
from egomap.measures import (
    CHANGE_ID_COLUMNS,
    CHANGE_MEASURES,
    EI_ATTRIBUTES,
    ID_COLUMNS,
    MEASURES,
    blau,
    change_measures,
    ei_index,
    iqv,
    measures,
    reference_measures,
)
from egomap.model import SUPPORT_TYPES, VALENCES


def _map_from_graph(ego: str, g: nx.Graph) -> em.Map:
    """A map of ``ego`` whose alters are ego's neighbours in ``g`` (ties among them kept)."""
    m = em.Person(f"P-{ego}").new_map("Baseline", sectors="none")
    for v in g[ego]:
        m.add_alter(str(v), ring=1)
    for a, b in g.subgraph(list(g[ego])).edges:
        m.add_tie(str(a), str(b))
    return m


# Burt's example network as used in networkx's structural-holes tests
# (networkx/algorithms/tests/test_structuralholes.py, "Example from
# http://www.analytictech.com/connections/v20(1)/holes.htm"; values computed with
# UCINET and igraph and checked by hand there).
HOLES = nx.Graph(
    [("A", "B"), ("A", "F"), ("A", "G"), ("A", "E"), ("E", "G"), ("F", "G"), ("B", "G"), ("B", "D"), ("D", "G")]
    + [("G", "C")]
)


@pytest.mark.parametrize(
    ("ego", "constraint", "effective_size"),
    # G and C: the whole example graph is their ego network, so the published
    # constraint applies. A's published constraint (0.595) counts ties of A's
    # alters to people outside A's ego network, which a map does not hold;
    # for A we check the published effective size and networkx on A's ego graph.
    [("G", 0.400, 4.67), ("A", None, 2.50), ("C", 1.0, 1.0)],
)
def test_structural_holes_known_values(ego, constraint, effective_size):
    m = _map_from_graph(ego, HOLES)
    s = measures(m)
    if constraint is None:
        constraint = nx.constraint(nx.ego_graph(HOLES, ego))[ego]
    assert s["constraint"] == pytest.approx(constraint, abs=1e-3)
    assert s["effective_size"] == pytest.approx(effective_size, abs=1e-2)
    assert s["efficiency"] == pytest.approx(effective_size / len(HOLES[ego]), abs=1e-2)


def test_effective_size_borgatti_formula():
    # Borgatti (1997), "Structural holes: unpacking Burt's redundancy measures",
    # Connections 20(1): effective size = n - 2t/n for an undirected binary ego network.
    # Ego with 4 alters and ties a-b, b-c: 4 - 2*2/4 = 3.
    g = nx.Graph([("ego", x) for x in "abcd"] + [("a", "b"), ("b", "c")])
    s = measures(_map_from_graph("ego", g))
    assert s["effective_size"] == 3.0
    assert s["efficiency"] == 0.75
    assert s["n_ties"] == 2 and s["density"] == pytest.approx(2 / 6)
    assert s["n_components"] == 2 and s["n_isolates"] == 1


def test_blau_and_iqv_formula():
    # Blau (1977): 1 - sum p_k^2; IQV (Agresti & Agresti 1978): Blau / (1 - 1/K).
    assert blau([1, 1, 1, 1]) == 0.75
    assert iqv([1, 1, 1, 1], 4) == 1.0
    assert blau([5]) == 0.0
    assert blau([2, 1, 1]) == pytest.approx(1 - (0.25 + 0.0625 + 0.0625))
    assert iqv([2, 1, 1], 7) == pytest.approx(0.625 / (1 - 1 / 7))
    assert math.isnan(blau([])) and math.isnan(iqv([3], 1))


def test_composition_support_and_valence_by_hand():
    p = em.Person("R-1")
    m = p.new_map("Baseline")  # social_network_map: household and family are family sectors
    m.add_alter("Mum", 0, "household", relationship="Mother", support_received={"emotional", "practical"},
                support_given={"companionship"}, valence="supportive")  # fmt: skip
    m.add_alter("Dad", 1, "family", relationship="father", support_received={"practical"}, valence="stressful")
    m.add_alter("Dr A", 2, "services", relationship="GP", is_professional=True, support_received={"information"})
    m.add_alter("Sam", 1, "friends", relationship=" mother ", kind="group")  # same relationship as Mum
    s = measures(m)
    assert s["size"] == 4
    assert [s[f"size_ring_{i}"] for i in range(3)] == [1, 2, 1]
    assert s["size_sector_household"] == 1 and s["size_sector_neighbours"] == 0
    assert s["share_professional"] == 0.25 and s["share_family"] == 0.5
    assert s["ei_professional"] == (1 - 3) / 4
    assert s["blau_sector"] == pytest.approx(0.75)
    assert s["iqv_sector"] == pytest.approx(0.75 / (1 - 1 / 7))
    # relationships: mother x2, father, gp -> Blau 1 - (4+1+1)/16, K = 3 observed
    assert s["blau_relationship"] == pytest.approx(1 - 6 / 16)
    assert s["iqv_relationship"] == pytest.approx((1 - 6 / 16) / (1 - 1 / 3))
    assert s["blau_kind"] == pytest.approx(1 - (9 + 1) / 16)
    assert s["n_support_received"] == 3 and s["n_support_given"] == 1
    assert s["n_received_practical"] == 2 and s["n_given_companionship"] == 1 and s["n_given_emotional"] == 0
    assert s["share_reciprocal"] == pytest.approx(1 / 3)
    assert s["n_stressful"] == 1 and s["share_stressful"] == 0.5  # 2 alters have a valence
    assert s["density"] == 0 and s["n_components"] == 4 and s["n_isolates"] == 4


def test_ei_index_krackhardt_stern_formula():
    # Krackhardt & Stern (1988), Social Psychology Quarterly 51(2): E-I = (E - I) / (E + I) with E the
    # ties to people unlike ego and I the ties to people like ego; -1 all alike, +1 all different.
    p = em.Person("R-EI")
    m = p.new_map("Baseline")
    m.add_alter("Mum", 0, "household", relationship="Mother", valence="supportive")
    m.add_alter("Dad", 1, "family", relationship="father", valence="stressful")
    m.add_alter("Dr A", 2, "services", is_professional=True, kind="organisation")
    m.add_alter("Club", 2, "clubs_groups", kind="group", met_through="Football", contact="weekly")
    # kind: 2 persons like the person (I = 2), a group and an organisation unlike (E = 2)
    assert ei_index(m, "kind", "person") == 0.0
    assert ei_index(m, "is_professional", False) == (1 - 3) / 4
    assert ei_index(m, "is_professional", True) == (3 - 1) / 4
    assert ei_index(m, "ring", 2) == (2 - 2) / 4
    assert ei_index(m, "sector", "services") == (3 - 1) / 4
    # missing values are left out: only 2 alters have a valence, only 2 a relationship (case ignored)
    assert ei_index(m, "valence", "supportive") == 0.0
    assert ei_index(m, "relationship", " MOTHER ") == 0.0
    assert ei_index(m, "met_through", "football") == -1.0
    assert ei_index(m, "contact", "daily") == 1.0
    # the person's value from a mapping; a person missing from it gives NaN
    assert ei_index(m, "kind", {"R-EI": "group"}) == (3 - 1) / 4
    assert math.isnan(ei_index(m, "kind", {"R-OTHER": "group"}))
    assert math.isnan(ei_index(p.new_map("Empty"), "kind", "person"))
    # the built-in ei_professional is this index with the person not a professional
    assert measures(m)["ei_professional"] == ei_index(m, "is_professional", False)
    s = measures(m, ei={"ei_kind": ("kind", "person"), "ei_met": ("met_through", "football")})
    assert list(s.index[-2:]) == ["ei_kind", "ei_met"] and s["ei_kind"] == 0.0 and s["ei_met"] == -1.0
    for bad in (
        {"ei_x": ("label", "Mum")},  # not an attribute the index compares
        {"size": ("kind", "person")},  # clashes with a measure
        {"ei_x": ("is_professional", "yes")},  # wrong type for the person's value
        {"ei_x": "kind"},
    ):
        with pytest.raises(em.ValidationError):
            measures(m, ei=bad)
    with pytest.raises(em.ValidationError):
        ei_index(m, "label", "Mum")


def test_series_names_order_and_dtype():
    m = em.demo.demo_case().map("Baseline")
    s = measures(m)
    assert s.dtype == np.float64
    rings = [f"size_ring_{i}" for i in range(3)]
    sectors = [f"size_sector_{k}" for k in m.sectors.keys]
    at = MEASURES.index("resources_accessed") + 1
    domains = [f"resources_{d}" for d in m.resource_scheme.domain_keys]
    assert list(s.index) == ["size", *rings, *sectors, *MEASURES[1:at], *domains, *MEASURES[at:]]
    assert all(name == name.lower() and " " not in name for name in s.index)
    assert s.name == "Baseline"
    assert em.measures(m).equals(s)  # the package-level name works too


def test_empty_and_single_alter_maps_are_nan_not_zero():
    m = em.Person("R-2").new_map("Baseline")
    s = measures(m)
    assert s["size"] == 0 and s["n_ties"] == 0 and s["n_components"] == 0
    for name in ("density", "effective_size", "efficiency", "constraint", "share_professional", "blau_sector"):
        assert math.isnan(s[name]), name
    m.add_alter("Mum", 0, "household")
    s = measures(m)
    assert math.isnan(s["density"])
    assert s["effective_size"] == 1 and s["constraint"] == 1
    assert math.isnan(s["share_stressful"]) and math.isnan(s["share_reciprocal"])


def _random_person(seed: int, k: int = 3) -> em.Person:
    rng = random.Random(seed)
    p = em.Person(f"R-{seed}")
    prev = None
    for t in range(k):
        m = p.new_map(f"T{t}", date=f"202{t}-01-01", copy_from=prev)
        for a in list(m.alters):
            if rng.random() < 0.3:
                m.remove_alter(a)
        for i in range(rng.randint(0 if t else 0, 12)):
            m.add_alter(
                f"A{t}-{i}",
                ring=rng.randrange(3),
                sector=rng.choice(m.sectors.keys),
                kind=rng.choice(em.model.KINDS),
                relationship=rng.choice(["", "friend", "Friend", "mother", "gp", "coach"]),
                is_professional=rng.random() < 0.2,
                support_received=rng.sample(SUPPORT_TYPES, rng.randint(0, 2)),
                support_given=rng.sample(SUPPORT_TYPES, rng.randint(0, 2)),
                valence=rng.choice([None, *VALENCES]),
            )
        for a in list(m.alters):
            if rng.random() < 0.3:
                m.move(a, ring=rng.randrange(3))
        ids = [a.id for a in m.alters]
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                if rng.random() < 0.25:
                    m.toggle_tie(x, y)
        prev = m
    return p


@pytest.mark.parametrize("seed", range(12))
def test_equal_to_networkx_on_random_networks(seed):
    p = _random_person(seed)
    rng = random.Random(seed)
    ei = {
        f"ei_{a}": (a, {p.id: rng.choice(values)})
        for a, values in {
            "kind": em.model.KINDS,
            "relationship": ["friend", "mother", "coach"],
            "is_professional": [True, False],
            "ring": [0, 1, 2],
            "sector": ["family", "friends"],
            "valence": VALENCES,
        }.items()
    }
    for m in p.maps:
        fast, ref = measures(m, ei=ei), reference_measures(m, ei=ei)
        assert list(fast.index) == list(ref.index)
        np.testing.assert_allclose(fast.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-12, equal_nan=True)
        # and the two structural-hole measures straight from networkx on the graph with the person
        g = nx.Graph()
        g.add_edges_from(("me", a.id) for a in m.alters)
        g.add_edges_from((t.a, t.b) for t in m.ties)
        if len(m):
            assert fast["constraint"] == pytest.approx(nx.constraint(g)["me"], abs=1e-12)
            assert fast["effective_size"] == pytest.approx(nx.effective_size(g)["me"], abs=1e-12)
            ga = g.subgraph([a.id for a in m.alters])
            assert fast["n_components"] == nx.number_connected_components(ga)


def test_change_measures_by_hand():
    p = em.Person("R-3")
    a = p.new_map("Baseline", date="2026-01-01")
    for name, ring in [("Mum", 0), ("Dad", 1), ("Gran", 2), ("Tom", 2)]:
        a.add_alter(name, ring, "family")
    b = p.new_map("6 months", date="2026-07-01", copy_from=a)
    b.remove_alter("Tom")
    b.move("Gran", ring=0)  # 2 -> 0
    b.move("Dad", ring=2)  # 1 -> 2
    b.add_alter("Coach", 2, "clubs_groups")
    c = change_measures(a, b)
    assert list(c.index[: len(CHANGE_MEASURES)]) == list(CHANGE_MEASURES)
    assert c["n_gained"] == 1 and c["n_lost"] == 1 and c["n_retained"] == 3
    assert c["jaccard"] == 3 / 5 and c["persistence"] == 3 / 4
    assert c["mean_ring_shift"] == pytest.approx((0 - 2 + 1) / 3)  # negative = inward overall
    assert c["d_size"] == 0 and c["d_size_sector_clubs_groups"] == 1
    ma, mb = measures(a), measures(b)
    for name in ma.index:
        assert c[f"d_{name}"] == pytest.approx(mb[name] - ma[name], nan_ok=True)
    other = em.Person("R-4").new_map("Baseline")
    with pytest.raises(em.ValidationError):
        change_measures(a, other)


def test_change_measures_empty_maps():
    p = em.Person("R-5")
    a = p.new_map("Baseline")
    b = p.new_map("Later")
    c = change_measures(a, b)
    assert c["n_retained"] == 0 and math.isnan(c["jaccard"]) and math.isnan(c["persistence"])
    assert math.isnan(c["mean_ring_shift"])


@pytest.fixture
def cohort(store):
    em.demo.demo_case(store)
    with store.batch():
        for seed in range(6):
            store.import_person(_random_person(100 + seed))
    store.person("R-101").update(consent_research=True)
    return store


def test_cohort_measures_equal_per_map_measures(cohort):
    df = em.cohort_measures(cohort)
    assert list(df.columns[: len(ID_COLUMNS)]) == list(ID_COLUMNS)
    maps = [m for p in cohort.people() for m in p.maps]
    assert len(df) == len(maps) == 3 * 7
    assert list(df["map_id"]) == [m.id for m in maps]
    assert list(df["person_id"]) == [m.person.id for m in maps]
    # Map labels are free text that can name someone: neutral time points unless names are asked for.
    assert list(df["map_label"]) == [f"T{i + 1}" for p in cohort.people() for i in range(len(p.maps))]
    assert list(em.cohort_measures(cohort, include_names=True)["map_label"]) == [m.label for m in maps]
    assert pd.api.types.is_datetime64_any_dtype(df["map_date"])
    assert list(df["map_index"]) == [i for p in cohort.people() for i in range(len(p.maps))]
    for col in df.columns[len(ID_COLUMNS) :]:
        assert df[col].dtype == np.float64, col
    for row, m in zip(df.itertuples(index=False), maps):
        ref = reference_measures(m)
        got = pd.Series(row._asdict())[ref.index].astype(float)
        np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), atol=1e-12, equal_nan=True)


def test_cohort_ei_columns_equal_ei_index(cohort):
    values = {p.id: random.Random(p.id).choice(em.model.KINDS) for p in cohort.people()}
    values.pop("R-102")  # a person without a value: NaN
    ei = {f"ei_{a}": (a, values if a == "kind" else "friends" if a == "sector" else None) for a in ("kind", "sector")}
    with pytest.raises(em.ValidationError):
        em.cohort_measures(cohort, ei={"ei_contact": ("contact", 3)})
    ei["ei_contact"] = ("contact", "weekly")
    df = em.cohort_measures(cohort, ei=ei)
    assert list(df.columns[-3:]) == list(ei)
    for row in df.itertuples(index=False):
        m = cohort.person(row.person_id).map(row.map_index)
        for name, (attr, value) in ei.items():
            want = ei_index(m, attr, value)
            got = getattr(row, name)
            assert (math.isnan(want) and math.isnan(got)) or got == pytest.approx(want, abs=1e-12), (name, row.map_id)
    assert df.loc[df["person_id"] == "R-102", "ei_kind"].isna().all()
    ch = em.cohort_changes(cohort, ei=ei)
    assert {"d_ei_kind", "d_ei_sector", "d_ei_contact"} <= set(ch.columns)
    assert set(EI_ATTRIBUTES) >= {"kind", "sector", "contact"}


def test_cohort_filters(cohort):
    df = em.cohort_measures(cohort, persons=["R-101", "R-103"], maps=["T0", -1])
    assert list(zip(df["person_id"], df["map_label"])) == [  # chosen by their own labels, shown as time points
        ("R-101", "T1"),
        ("R-101", "T3"),
        ("R-103", "T1"),
        ("R-103", "T3"),
    ]
    full = em.cohort_measures(cohort)
    sub = full[full["map_id"].isin(df["map_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(df, sub)
    only = em.cohort_measures(cohort, consenting_only=True)
    assert set(only["person_id"]) == {em.demo.DEMO_ID, "R-101"}
    with pytest.raises(em.NotFoundError, match="R-999"):
        em.cohort_measures(cohort, persons=["R-999"])
    with pytest.raises(em.ValidationError):
        em.cohort_measures(cohort, maps=[1.5])


def test_cohort_changes(cohort):
    named = em.cohort_changes(cohort, include_names=True)
    people = {p.id: p for p in cohort.people()}
    assert [(r.from_label, r.to_label) for r in named.itertuples()] == [
        (people[r.person_id].map(r.from_index).label, people[r.person_id].map(r.to_index).label)
        for r in named.itertuples()
    ]
    ch = em.cohort_changes(cohort)
    assert list(ch.columns[: len(CHANGE_ID_COLUMNS)]) == list(CHANGE_ID_COLUMNS)
    assert len(ch) == 7 * 2
    people = {p.id: p for p in cohort.people()}
    for row in ch.itertuples(index=False):
        p = people[row.person_id]
        a, b = p.map(row.from_index), p.map(row.to_index)
        assert (row.from_label, row.to_label) == (f"T{row.from_index + 1}", f"T{row.to_index + 1}")
        ref = change_measures(a, b)
        got = pd.Series(row._asdict())[ref.index].astype(float)
        np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), atol=1e-12, equal_nan=True)
    demo = ch[ch["person_id"] == em.demo.DEMO_ID]
    assert list(demo["days"]) == [182.0, 182.0]
    first_last = em.cohort_changes(cohort, maps=[0, -1])
    assert len(first_last) == 7 and set(first_last["to_index"]) == {2}


def test_progress_bar_is_optional_and_quiet(cohort, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = em.cohort_measures(cohort, progress=True)
        b = em.cohort_measures(cohort, progress=False)
    pd.testing.assert_frame_equal(a, b)
    err = capsys.readouterr().err
    assert "egomap measures" in err and "map" in err  # the bar counts maps done, chunk by chunk
    em.cohort_measures(cohort)  # small cohort: no bar by default
    assert "egomap measures" not in capsys.readouterr().err


def test_empty_store(store):
    df = em.cohort_measures(store)
    assert len(df) == 0 and list(df.columns[: len(ID_COLUMNS)]) == list(ID_COLUMNS)
    assert len(em.cohort_changes(store)) == 0
