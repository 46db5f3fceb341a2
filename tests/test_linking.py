"""Proposals linking the alters of two maps of one person (maps not copied forward)."""

from __future__ import annotations

import pytest

import egomap as em
from egomap.linking import WAVE_COLUMNS, accept, link_alters, link_waves, name_similarity, proposals_frame


def _pair(*later_alters, earlier_alters=()):
    p = em.Person("P-1")
    a = p.new_map("T1", date="2026-01-01")
    b = p.new_map("T2", date="2026-07-01")
    for label, kw in earlier_alters:
        a.add_alter(label, **kw)
    for label, kw in later_alters:
        b.add_alter(label, **kw)
    return a, b


FRIEND = {"ring": 1, "sector": "friends"}


@pytest.mark.parametrize(
    ("a", "b", "score", "reason"),
    [
        ("Maya", "Maya", 1.0, "the same name"),
        ("Maya", "MAYA ", 1.0, "the same name"),
        ("Renée", "renee", 1.0, "the same name"),
        ("Mary-Jane", "Mary Jane", 1.0, "the same name"),
        ("Jonathan", "Jonathon", 0.85, "spelling differs by one letter"),
        ("Christopher", "Christophre", 0.85, "spelling differs by 2 letters"),
        ("John Smith", "J. Smith", 0.8, "initials match"),
        ("John Smith", "JS", 0.8, "initials match"),
        ("Samantha", "Sam", 0.8, "a short form of the name"),
        ("Robert", "Bob", 0.8, "a short form of the name"),
        ("Mum", "Mother", 0.8, "a short form of the name"),
        ("Sam", "Sam Jones", 0.7, "the same first name"),
        ("Maya", "Kim", 0.0, None),
        ("Ade", "Adel", 0.0, None),  # short names: one letter apart is another name, not a typo
        ("Jo", "Al", 0.0, None),
    ],
)
def test_name_similarity(a, b, score, reason):
    assert name_similarity(a, b) == (score, reason)
    assert name_similarity(b, a) == (score, reason)


def test_exact_case_initials_nickname_and_typo_are_proposed_with_their_reasons():
    earlier = [
        ("Maya", FRIEND),
        ("John Smith", {"ring": 2, "sector": "work_school"}),
        ("Robert", {"ring": 1, "sector": "family", "relationship": "uncle"}),
        ("Jonathan", {"ring": 2, "sector": "clubs_groups"}),
    ]
    later = [
        ("maya", FRIEND),
        ("J. Smith", {"ring": 2, "sector": "work_school"}),
        ("Bob", {"ring": 0, "sector": "family", "relationship": "Uncle"}),
        ("Jonathon", {"ring": 2, "sector": "clubs_groups"}),
        ("Dr Shah", {"ring": 2, "sector": "services", "is_professional": True}),
    ]
    a, b = _pair(*later, earlier_alters=earlier)
    got = {(p.earlier_label, p.later_label): (p.score, p.reasons) for p in link_alters(a, b)}
    assert got == {
        ("Maya", "maya"): (1.0, ("the same name", "sector agrees")),
        ("Jonathan", "Jonathon"): (0.85, ("spelling differs by one letter", "sector agrees")),
        ("John Smith", "J. Smith"): (0.8, ("initials match", "sector agrees")),
        ("Robert", "Bob"): (0.8, ("a short form of the name", "relationship agrees", "sector agrees")),
    }
    # The proposals come best first and nothing was changed on either map.
    assert [p.score for p in link_alters(a, b)] == sorted(got_score for got_score, _ in got.values())[::-1]
    assert len(a) == 4 and len(b) == 5 and not set(a.placements) & set(b.placements)


def test_two_people_with_the_same_first_name_are_not_a_near_certain_match():
    a, b = _pair(
        ("Sam", {"ring": 2, "sector": "work_school", "relationship": "colleague"}),
        earlier_alters=[("Sam", {"ring": 1, "sector": "family", "relationship": "brother"})],
    )
    (prop,) = link_alters(a, b)
    assert prop.score == 0.7 and "relationship differs" in prop.reasons and "sector differs" in prop.reasons
    assert link_alters(a, b, min_score=0.75) == []


def test_a_person_is_not_proposed_as_an_organisation_with_the_same_name():
    a, b = _pair(
        ("Mind", {"ring": 2, "sector": "services", "kind": "organisation"}),
        earlier_alters=[("Mind", {"ring": 2, "sector": "services"})],
    )
    (prop,) = link_alters(a, b)
    assert prop.score == 0.5 and "kind differs (person / organisation)" in prop.reasons


def test_equally_good_candidates_are_flagged_and_capped_below_a_sure_match():
    a, b = _pair(
        ("Kim", FRIEND),
        ("Kim", FRIEND),
        earlier_alters=[("Kim", FRIEND)],
    )
    (prop,) = link_alters(a, b)
    assert prop.score == 0.9 and prop.reasons[-1] == "another person here has an equally similar name"


def test_each_alter_is_proposed_once_by_the_best_assignment():
    # "Jon" could pair with "Jon" (1.0) or "John" (0.85): the assignment keeps the best total.
    a, b = _pair(
        ("Jon", FRIEND),
        ("John", FRIEND),
        earlier_alters=[("Jon", FRIEND), ("John", FRIEND)],
    )
    pairs = sorted((p.earlier_label, p.later_label) for p in link_alters(a, b))
    assert pairs == [("John", "John"), ("Jon", "Jon")]


def test_alters_already_the_same_on_both_maps_are_left_out():
    p = em.Person("P-2")
    a = p.new_map("T1")
    mum = a.add_alter("Mum", ring=0, sector="household")
    b = p.new_map("T2", copy_from=a)
    b.add_alter("Mum", ring=1, sector="family")  # a second "Mum", drawn anew
    assert mum.id in b
    assert link_alters(a, b) == []


def test_the_network_canvas_sample_proposes_maya_jon_ade_and_kim(location):
    store = em.open_store(location)
    em.io.read_network_canvas(em.io.SAMPLE, store)
    first, second = store.person("NC-001").maps
    props = link_alters(first, second)
    assert sorted((p.earlier_label, p.later_label, p.score) for p in props) == [
        ("Ade", "Ade", 1.0),
        ("Jon", "Jon", 1.0),
        ("Kim", "Kim", 1.0),
        ("Maya", "Maya", 1.0),
    ]
    frame = proposals_frame(props)
    assert list(frame.columns)[:6] == ["earlier_id", "later_id", "earlier_label", "later_label", "score", "reasons"]
    assert set(frame.later_id) == {p.later_id for p in props} and len(frame) == 4 and not frame.accepted.any()
    # Before linking, everyone counts as both gone and new; once the four are confirmed they are retained.
    before = em.compare(first, second)
    assert len(before.retained) == 0 and len(before.lost) == 5 and len(before.gained) == 5
    assert all(p.accepted for p in accept(second, props))
    store.close()
    again = em.open_store(location)
    first, second = again.person("NC-001").maps
    ch = em.compare(first, second)
    assert sorted(a.label for a in ch.retained) == ["Ade", "Jon", "Kim", "Maya"]
    assert [a.label for a in ch.lost] == ["Lou"] and [a.label for a in ch.gained] == ["Rae"]
    assert len(again.person("NC-001").alters) == 6


def test_bad_calls_are_clear_errors():
    a, b = _pair(("Maya", FRIEND), earlier_alters=[("Maya", FRIEND)])
    other = em.Person("P-9").new_map("T1")
    with pytest.raises(em.ValidationError, match="different persons"):
        link_alters(a, other)
    with pytest.raises(em.ValidationError, match="two different maps"):
        link_alters(a, a)
    with pytest.raises(em.ValidationError, match="earlier must be a map"):
        link_alters("T1", b)
    with pytest.raises(em.ValidationError, match="min_score"):
        link_alters(a, b, min_score=2)
    empty = a.person.new_map("T3")
    assert link_alters(a, empty) == [] and link_alters(empty, b) == []


def _store_pair(location):
    store = em.open_store(location)
    p = store.add_person("R-1")
    t1 = p.new_map("T1", date="2026-01-01")
    maya = t1.add_alter("Maya", ring=2, sector="friends", relationship="friend")
    jon = t1.add_alter("Jon", ring=2, sector="friends")
    t2 = p.new_map("T2", date="2026-07-01")
    m2 = t2.add_alter("maya", ring=1, sector="friends", note="sees her weekly", valence="supportive")
    kim = t2.add_alter("Kim", ring=1, sector="friends")
    t2.add_tie(m2, kim)
    goal = t2.add_goal("Go to the cinema with Maya", alters=[m2])
    return store, maya, jon, m2, kim, goal


def test_a_merge_moves_place_ties_goals_and_details_and_is_one_undoable_edit(location):
    store, maya, jon, m2, kim, goal = _store_pair(location)
    t1, t2 = store.person("R-1").maps
    merged = t2.merge_alter(m2, into=maya)
    assert merged == maya and m2.id not in t2.placements
    assert t2.placement(maya).ring == 1 and t2.placement(maya).note == "sees her weekly"
    assert t2.has_tie(maya, kim) and t2.goal(goal.id).alter_ids == (maya.id,)
    assert t2.history()[-1]["description"] == "merge maya into Maya"
    store.close()

    # Saved, and undone from a fresh connection: the two are separate again, exactly as before.
    store = em.open_store(location)
    p = store.person("R-1")
    t1, t2 = p.maps
    assert sorted(a.label for a in t2.alters) == ["Kim", "Maya"] and m2.id not in p.alters_by_id()
    assert t2.undo() == "merge maya into Maya"
    assert sorted(a.label for a in t2.alters) == ["Kim", "maya"] and maya.id not in t2.placements
    assert t2.has_tie(m2, kim) and t2.goal(goal.id).alter_ids == (m2.id,)
    assert t2.placement(m2).note == "sees her weekly" and m2.id in p.alters_by_id()
    assert t2.redo() == "merge maya into Maya" and t2.placement(maya).valence == "supportive"


def test_an_alter_on_a_third_map_is_kept_when_merged_on_one(location):
    store, maya, jon, m2, kim, goal = _store_pair(location)
    p = store.person("R-1")
    t3 = p.new_map("T3", copy_from=p.map("T2"))
    assert m2.id in t3.placements
    p.map("T2").merge_alter(m2, into=maya)
    assert m2.id in p.alters_by_id() and m2.id in t3.placements
    assert p.map("T2").undo() == "merge maya into Maya" and m2.id in p.map("T2").placements


def test_bad_merges_and_accepts_change_nothing(location):
    store, maya, jon, m2, kim, goal = _store_pair(location)
    t1, t2 = store.person("R-1").maps
    rev = t2.revision
    with pytest.raises(em.NotFoundError):
        t2.merge_alter(m2, into="no-such-alter")
    with pytest.raises(em.NotFoundError):
        t2.merge_alter("Nobody", into=maya)
    t2.merge_alter(m2, into=maya)
    with pytest.raises(em.DuplicateError):
        t2.merge_alter(kim, into=maya)
    rev = t2.revision
    props = link_alters(t1, t2)  # Jon (T1) and Kim (T2) are not alike: nothing to propose
    assert props == []
    bad = [
        em.linking.LinkProposal(jon.id, kim.id, "Jon", "Kim", 0.2, ()),
        em.linking.LinkProposal(maya.id, kim.id, "Maya", "Kim", 0.2, ()),
    ]
    with pytest.raises(em.ValidationError, match="more than one proposal"):
        accept(t2, bad)
    with pytest.raises(em.DuplicateError, match="already on map"):
        accept(t2, [bad[1]])
    lou = t1.add_alter("Lou", ring=2, sector="friends")
    with pytest.raises(em.NotFoundError, match="not on map"):  # the valid first one is not merged either
        accept(t2, [bad[0], em.linking.LinkProposal(lou.id, m2.id, "Lou", "maya", 1, ())])
    assert t2.revision == rev and sorted(a.label for a in t2.alters) == ["Kim", "Maya"]


def test_auto_accept_merges_only_sure_matches_and_lists_them():
    p = em.Person("R-2")
    t1, t2 = p.new_map("T1"), p.new_map("T2")
    t1.add_alter("Maya", ring=1, sector="friends")
    t1.add_alter("Sam", ring=1, sector="family", relationship="brother")
    t2.add_alter("Maya", ring=1, sector="friends")
    t2.add_alter("Sam", ring=2, sector="work_school", relationship="colleague")
    props = link_alters(t1, t2, auto_accept=0.95)
    assert [(x.later_label, x.accepted) for x in props] == [("Maya", True), ("Sam", False)]
    assert [a.label for a in em.compare(t1, t2).retained] == ["Maya"]
    assert link_alters(t1, t2) == [props[1]]


def _waves(location):
    store = em.open_store(location)
    for pid, names in [("A-1", ["Maya", "Jon", "Ade"]), ("A-2", ["Kim", "Lou"])]:
        p = store.add_person(pid)
        for wave, date in enumerate(["2026-01-01", "2026-04-01", "2026-07-01"], 1):
            m = p.new_map(f"Wave {wave}", date=date)
            for name in names:
                m.add_alter(name if wave != 2 else name.upper(), ring=1, sector="friends")
    return store


def test_link_waves_proposes_each_map_against_the_one_before(location):
    store = _waves(location)
    table = link_waves(store)
    assert list(table.columns) == WAVE_COLUMNS and len(table) == 2 * (3 + 2)
    assert set(zip(table.person_id, table.earlier_map, table.later_map)) == {
        (pid, a, b) for pid in ("A-1", "A-2") for a, b in [("Wave 1", "Wave 2"), ("Wave 2", "Wave 3")]
    }
    assert (table.score == 1.0).all() and not table.accepted.any()
    only = link_waves(store, persons=["A-2"])
    assert set(only.person_id) == {"A-2"} and len(only) == 4
    with pytest.raises(em.NotFoundError, match="'Z-9'"):
        link_waves(store, persons=["Z-9"])
    # Nothing was changed: everyone is still new at each wave.
    w1, w2, w3 = store.person("A-1").maps
    assert em.compare(w1, w3).retained == []


def test_link_waves_auto_accept_links_a_person_through_three_waves(location):
    store = _waves(location)
    table = link_waves(store, auto_accept=0.95)
    assert table.accepted.all()
    w1, w2, w3 = store.person("A-1").maps
    assert sorted(a.label for a in em.compare(w1, w2).retained) == ["Ade", "Jon", "Maya"]
    assert sorted(a.label for a in em.compare(w2, w3).retained) == ["Ade", "Jon", "Maya"]
    assert sorted(a.label for a in em.compare(w1, w3).retained) == ["Ade", "Jon", "Maya"]
    assert len(store.person("A-1").alters) == 3 and len(store.person("A-2").alters) == 2
    assert link_waves(store).empty
    # Each merge is an edit of the later map: undo on wave 3 separates its last one again.
    assert w3.undo().startswith("merge ")
