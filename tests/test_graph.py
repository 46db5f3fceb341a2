"""Plain networkx graphs of maps and persons."""

from __future__ import annotations

import networkx as nx
import pytest

import egomap as em
from egomap.graph import EGO, person_to_networkx, to_networkx


def small_person():
    p = em.Person("R-20")
    a = p.new_map("A", date="2026-01-01")
    mum = a.add_alter("Mum", 0, "household", valence="supportive", support_received={"practical", "emotional"})
    gp = a.add_alter("GP", 2, "services", is_professional=True)
    a.add_tie(mum, gp)
    b = p.new_map("B", date="2026-06-01", copy_from=a)
    b.remove_alter(gp)
    pal = b.add_alter("Pal", 1, "friends")
    b.add_tie(mum, pal)
    c = p.new_map("C", date="2027-01-01", copy_from=b)
    c.add_alter(gp, ring=1, sector="services")
    c.add_tie(mum, gp)
    return p, mum, gp, pal


def test_map_graph_nodes_edges_and_attributes():
    p, mum, gp, pal = small_person()
    g = to_networkx(p.map("A"))
    assert isinstance(g, nx.Graph)
    assert set(g.nodes) == {EGO, mum.id, gp.id}
    assert g.number_of_edges() == 3  # two ego ties + Mum-GP
    assert g.edges[EGO, mum.id]["ego_tie"] and not g.edges[mum.id, gp.id]["ego_tie"]
    d = g.nodes[mum.id]
    assert (d["label"], d["ring"], d["sector"], d["ring_label"]) == ("Mum", 0, "household", "Inner circle")
    assert d["support_received"] == ("emotional", "practical")
    assert d["valence"] == "supportive"
    assert g.nodes[gp.id]["is_professional"]
    assert g.nodes[EGO] == {"label": "R-20", "is_ego": True, "kind": "ego", "x": 0.0, "y": 0.0}
    assert g.graph["map_label"] == "A" and g.graph["person_id"] == "R-20" and g.graph["date"] == "2026-01-01"
    x, y = em.geometry.polar_to_xy(d["angle"], d["radius"])
    assert (d["x"], d["y"]) == pytest.approx((x, y))


def test_map_graph_without_ego_and_fresh_each_time():
    p, mum, gp, _ = small_person()
    g = to_networkx(p.map("A"), ego=False)
    assert set(g.nodes) == {mum.id, gp.id} and g.number_of_edges() == 1
    g.remove_node(mum.id)  # the caller may change their graph ...
    g2 = to_networkx(p.map("A"), ego=False)
    assert mum.id in g2 and len(p.map("A")) == 2  # ... without touching the map or later graphs
    assert em.viz.to_networkx is to_networkx


def test_person_graph_per_time_point_attributes():
    p, mum, gp, pal = small_person()
    g = person_to_networkx(p)
    assert g.graph["maps"] == ["A", "B", "C"]
    assert set(g.nodes) == {EGO, mum.id, gp.id, pal.id}
    assert g.nodes[gp.id]["present"] == [True, False, True]
    assert g.nodes[gp.id]["ring"] == [2, None, 1]
    assert g.nodes[pal.id]["sector"] == [None, "friends", "friends"]
    assert g.edges[mum.id, gp.id]["present"] == [True, False, True]
    assert g.edges[mum.id, gp.id]["weight"] == 2
    assert g.edges[EGO, pal.id]["present"] == [False, True, True]
    h = em.graph.person_to_networkx(p, ego=False)
    assert EGO not in h and h.number_of_edges() == 2
    # independent graphs: changing one does not change another
    h.nodes[mum.id]["ring"][0] = 99
    assert person_to_networkx(p, ego=False).nodes[mum.id]["ring"][0] == 0


def test_bad_input():
    with pytest.raises(em.ValidationError, match="expected a map"):
        to_networkx("A")  # type: ignore[arg-type]
    with pytest.raises(em.ValidationError, match="expected a person"):
        person_to_networkx(em.Person("R-1").new_map("A"))  # type: ignore[arg-type]


def test_store_person_graph(store):
    p = store.add_person("S-2")
    m = p.new_map("A")
    m.add_alter("Mum", 0, "household")
    g = em.graph.person_to_networkx(store.person("S-2"))
    assert g.number_of_nodes() == 2 and g.graph["maps"] == ["A"]
