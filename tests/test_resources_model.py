"""Who could help with what, and social capital, on a map in memory (issue 17): the model and its undo."""

from __future__ import annotations

import pytest

import egomap as em
from egomap.model import MapState
from egomap.resource_schemes import ResourceDomain, ResourceItem, ResourceScheme


def custom_scheme(name: str = "test_resources", *, extra: bool = False) -> ResourceScheme:
    """A small scheme of three items in two domains (a fourth with ``extra``)."""
    items = [
        ResourceItem("lend_money", "home", "Lend a small sum of money", "Who could lend you a small sum of money?"),
        ResourceItem("shopping", "home", "Do the shopping", "Who could do your shopping if you were ill?"),
        ResourceItem("job_advice", "advice", "Advice about a job", "Who could give you advice about a job?"),
    ]
    if extra:
        items.append(ResourceItem("fix_bike", "advice", "Fix a bike", "Who could help you fix a bike?"))
    return ResourceScheme(name, [ResourceDomain("home", "Help at home"), ResourceDomain("advice", "Advice")], items)


def three(m):
    return [
        m.add_alter("Mum", ring=0, sector="household"),
        m.add_alter("Sam", ring=1, sector="friends", met_through="Tuesday football club"),
        m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True),
    ]


def test_a_new_map_has_the_default_scheme_and_nothing_asked():
    m = em.Person("R-R1").new_map("Baseline")
    assert m.resource_scheme.name == em.resource_schemes.DEFAULT_RESOURCES
    assert len(m.resource_scheme.keys) == 20 and m.resources == {}
    assert all(m.resource(k) is None for k in m.resource_scheme.keys)


def test_set_no_one_not_asked_and_undo_redo():
    m = em.Person("R-R2").new_map("Baseline", resources=custom_scheme())
    mum, sam, shah = three(m)
    assert list(m.resource_scheme.keys) == ["lend_money", "shopping", "job_advice"]
    m.set_resource("lend_money", [mum, sam.id, "Mum"])  # an Alter, an id, a label; the same alter twice
    m.set_resource("shopping", [])
    assert m.resource("lend_money") == {mum.id, sam.id}
    assert m.resource("shopping") == frozenset() and m.resource("job_advice") is None
    assert m.resources == {"lend_money": frozenset({mum.id, sam.id}), "shopping": frozenset()}
    assert m.resources_of(sam) == ("lend_money",) and m.resources_of(shah) == ()
    last = m.history()[-1]
    assert last["edit"] == {"op": "set_resource", "item": "shopping", "alters": []}
    assert last["description"] == "record who could help with do the shopping"
    assert m.history()[-2]["edit"] == {"op": "set_resource", "item": "lend_money", "alters": sorted([mum.id, sam.id])}
    n = len(m.history())
    m.set_resource("shopping", [])  # no change: no edit
    assert len(m.history()) == n
    assert m.undo() == "record who could help with do the shopping" and m.resource("shopping") is None
    assert m.redo() and m.resource("shopping") == frozenset()
    m.set_resource("lend_money", None)  # back to "not asked"
    assert m.resource("lend_money") is None and "lend_money" not in m.resources
    m.undo()
    assert m.resource("lend_money") == {mum.id, sam.id}
    m.resources["lend_money"] = frozenset()  # a copy: the map is unchanged
    assert m.resource("lend_money") == {mum.id, sam.id}


def test_bad_input_is_refused_and_changes_nothing():
    p = em.Person("R-R3")
    m = p.new_map("Baseline", resources=custom_scheme())
    mum, _, _ = three(m)
    other = p.new_map("Other").add_alter("Stranger", ring=0, sector="friends")
    m.set_resource("lend_money", [mum])
    n = len(m.history())
    with pytest.raises(em.ValidationError, match="fly_a_plane"):
        m.set_resource("fly_a_plane", [mum])
    with pytest.raises(em.ValidationError, match="fly_a_plane"):
        m.resource("fly_a_plane")
    with pytest.raises(em.NotFoundError, match="Stranger"):
        m.set_resource("lend_money", [mum, other])
    with pytest.raises(em.NotFoundError, match="Nobody"):
        m.set_resource("shopping", ["Nobody"])
    with pytest.raises(em.ValidationError, match="list of alters"):
        m.set_resource("shopping", 3)
    with pytest.raises(em.ValidationError, match="key"):
        m.set_resource(7, [mum])
    assert len(m.history()) == n and m.resources == {"lend_money": frozenset({mum.id})}


def test_removing_an_alter_takes_them_off_every_item_and_undo_puts_them_back():
    m = em.Person("R-R4").new_map("Baseline", resources=custom_scheme())
    mum, sam, shah = three(m)
    m.set_resource("lend_money", [mum, sam])
    m.set_resource("shopping", [mum])
    m.set_resource("job_advice", [shah])
    m.remove_alter(mum)
    assert m.resources == {"lend_money": frozenset({sam.id}), "shopping": frozenset(), "job_advice": {shah.id}}
    assert m.undo() == "remove Mum"
    assert m.resource("lend_money") == {mum.id, sam.id} and m.resource("shopping") == {mum.id}
    assert m.resources_of("Mum") == ("lend_money", "shopping")


def test_merge_alter_moves_the_items_to_the_kept_alter():
    p = em.Person("R-R5")
    t1 = p.new_map("T1", resources=custom_scheme())
    maya = t1.add_alter("Maya", ring=2, sector="friends")
    t2 = p.new_map("T2", resources=custom_scheme())
    other = t2.add_alter("maya", ring=1, sector="friends")
    jo = t2.add_alter("Jo", ring=1, sector="friends")
    t2.set_resource("lend_money", [other, jo])
    t2.set_resource("shopping", [other])
    t2.merge_alter("maya", into=maya)
    assert t2.resource("lend_money") == {maya.id, jo.id} and t2.resource("shopping") == {maya.id}
    assert t2.resources_of(maya) == ("lend_money", "shopping")
    t2.undo()
    assert t2.resource("lend_money") == {other.id, jo.id} and t2.resource("shopping") == {other.id}


def test_copy_forward_copies_the_scheme_and_resources():
    p = em.Person("R-R6")
    base = p.new_map("Baseline", resources=custom_scheme())
    mum, sam, _ = three(base)
    base.set_resource("lend_money", [mum, sam])
    base.set_resource("shopping", [])
    six = p.new_map("6 months", copy_from=base)
    assert six.resource_scheme == base.resource_scheme
    assert six.resources == base.resources and not six.placement("Mum").reviewed
    six.set_resource("shopping", [sam])  # the follow-up is its own map
    assert base.resource("shopping") == frozenset()
    # another scheme: only the items it has are carried
    bigger = custom_scheme("bigger", extra=True)
    smaller = ResourceScheme("smaller", [ResourceDomain("home", "Help at home")], [custom_scheme().item("lend_money")])
    twelve = p.new_map("12 months", copy_from=six, resources=smaller)
    assert twelve.resource_scheme.name == "smaller" and twelve.resources == {"lend_money": {mum.id, sam.id}}
    later = p.new_map("18 months", copy_from=twelve, resources=bigger)
    assert later.resources == {"lend_money": {mum.id, sam.id}} and later.resource("fix_bike") is None
    fresh = p.new_map("Fresh")
    assert fresh.resource_scheme.name == em.resource_schemes.DEFAULT_RESOURCES and fresh.resources == {}


def test_add_map_takes_a_scheme_and_checks_the_resources():
    p = em.Person("R-R7")
    st = MapState(info={"label": "Wave 1"})
    m0 = em.Person("R-tmp").new_map("x")
    a = m0.add_alter("Mum", ring=0, sector="household")
    st.alters[a.id], st.placements[a.id] = a, m0.placement(a)
    st.resources = {"lend_money": {a.id}, "shopping": set()}
    rings, sectors = em.schemes.ring_scheme("kahn_antonucci"), em.schemes.sector_scheme("social_network_map")
    m = p.add_map(st.copy(), id="w1", rings=rings, sectors=sectors, resources=custom_scheme())
    assert m.resource_scheme.name == "test_resources"
    assert m.resource("lend_money") == {a.id} and m.resource("shopping") == frozenset()
    bad = st.copy()
    bad.info = {"label": "Wave 2"}
    bad.resources = {"fly_a_plane": {a.id}}
    with pytest.raises(em.ValidationError, match="fly_a_plane"):
        p.add_map(bad, id="w2", rings=rings, sectors=sectors, resources=custom_scheme())
    bad.resources = {"lend_money": {"nobody"}}
    with pytest.raises(em.ValidationError, match="nobody"):
        p.add_map(bad, id="w2", rings=rings, sectors=sectors, resources=custom_scheme())
    assert [x.label for x in p.maps] == ["Wave 1"]


def test_remove_and_restore_map_keep_scheme_and_resources():
    p = em.Person("R-R8")
    base = p.new_map("Baseline", resources=custom_scheme())
    mum, _, _ = three(base)
    base.set_resource("lend_money", [mum])
    gone = p.remove_map("Baseline")
    back = p.restore_map(gone)
    assert back.resource_scheme.name == "test_resources" and back.resource("lend_money") == {mum.id}


def test_to_dict_carries_the_scheme_and_resources():
    m = em.Person("R-R9").new_map("Baseline", resources=custom_scheme())
    mum, sam, _ = three(m)
    m.set_resource("lend_money", [sam, mum])
    m.set_resource("shopping", [])
    d = m.to_dict()
    assert ResourceScheme.from_dict(d["resource_scheme"]) == m.resource_scheme
    assert d["resources"] == {"lend_money": sorted([mum.id, sam.id]), "shopping": []}


def test_capital_default_rule_and_the_persons_own_view():
    m = em.Person("R-R10").new_map("Baseline")
    three(m)
    m.add_alter("Gran", ring=1, sector="family")
    m.add_alter("Old friend", ring=1, sector="friends", met_through="since we were little")
    m.add_alter("Rex", ring=0, sector="household", kind="pet")
    want = {
        "Mum": "bonding",
        "Gran": "bonding",
        "Rex": "bonding",
        "Sam": "bridging",  # a friend met through a club
        "Old friend": "bonding",
        "Dr Shah": "linking",
    }
    assert {k: m.capital(k) for k in want} == want
    assert {m.capital_source(k) for k in want} == {"default"}
    m.update("Old friend", capital="bridging")
    assert m.capital("Old friend") == "bridging" and m.capital_source("Old friend") == "person"
    assert m.placement("Old friend").capital == "bridging"
    m.update("Old friend", capital=None)  # back to the rule
    assert m.capital("Old friend") == "bonding" and m.capital_source("Old friend") == "default"
    m.undo()
    assert m.capital("Old friend") == "bridging"
    with pytest.raises(em.ValidationError, match="capital"):
        m.update("Sam", capital="golden")
    a = m.add_alter("Coach", ring=2, sector="clubs_groups", capital="linking")  # add_alter takes it too
    assert m.capital(a) == "linking"
    six = m.person.new_map("6 months", copy_from=m)  # copied forward like the other placement fields
    assert six.capital("Old friend") == "bridging" and six.capital_source("Coach") == "person"
