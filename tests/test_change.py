"""Change between maps, on hand-built maps with known answers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import egomap as em
from egomap.change import Change, changes, compare

XSS = "<img src=x onerror=alert(1)>"


def three_maps(p: em.Person):
    """Baseline -> 6 months -> 12 months with known changes.

    Baseline: Mum (ring 0, household, supportive), Dad (ring 1, household, stressful),
    Coach (ring 2, clubs_groups), Dr Shah (ring 1, services, professional); ties Mum-Dad, Dr Shah-Coach.
    6 months (copy): Coach leaves; Dad moves to ring 2 and to family, valence mixed; Mum contact weekly;
    Marcus joins (ring 1, friends); tie Mum-Marcus formed; Dr Shah-Coach dissolved with Coach.
    12 months (copy): Coach comes back (ring 0, same identity); Dr Shah moves in to ring 0.
    """
    m1 = p.new_map("Baseline", date="2026-01-12")
    mum = m1.add_alter("Mum", 0, "household", valence="supportive", contact="daily", support_received={"emotional"})
    dad = m1.add_alter("Dad", 1, "household", valence="stressful")
    coach = m1.add_alter("Coach", 2, "clubs_groups")
    shah = m1.add_alter("Dr Shah", 1, "services", is_professional=True)
    m1.add_tie(mum, dad)
    m1.add_tie(shah, coach)
    m2 = p.new_map("6 months", date="2026-07-13", copy_from=m1)
    m2.remove_alter(coach)
    m2.move(dad, ring=2, sector="family")
    m2.update(dad, valence="mixed")
    m2.update(mum, contact="weekly")
    marcus = m2.add_alter("Marcus", 1, "friends")
    m2.add_tie(mum, marcus)
    m3 = p.new_map("12 months", date="2027-01-11", copy_from=m2)
    m3.add_alter(coach, ring=0, sector="clubs_groups")
    m3.move(shah, ring=0)
    return m1, m2, m3, dict(mum=mum, dad=dad, coach=coach, shah=shah, marcus=marcus)


def labels(alters):
    return sorted(a.label for a in alters)


def test_gained_lost_retained_and_moves():
    m1, m2, m3, a = three_maps(em.Person("R-1"))
    ch = compare(m1, m2)
    assert labels(ch.gained) == ["Marcus"]
    assert labels(ch.lost) == ["Coach"]
    assert labels(ch.retained) == ["Dad", "Dr Shah", "Mum"]
    assert [(mv.alter.label, mv.shift, mv.direction) for mv in ch.moved] == [("Dad", 1, "outward")]
    assert ch.moved_inward == []
    assert [(mv.alter.label, mv.sector_before, mv.sector_after) for mv in ch.sector_changes] == [
        ("Dad", "household", "family")
    ]
    got = {(c.alter.label, c.attribute, c.before, c.after) for c in ch.attribute_changes}
    assert got == {("Dad", "valence", "stressful", "mixed"), ("Mum", "contact", "daily", "weekly")}
    assert [(x.label, y.label) for x, y in ch.ties_formed] == [("Mum", "Marcus")]  # in map order, not id order
    assert [sorted([x.label, y.label]) for x, y in ch.ties_dissolved] == [["Coach", "Dr Shah"]]
    assert bool(ch)


def test_alter_who_leaves_and_comes_back_keeps_identity():
    p = em.Person("R-2")
    m1, m2, m3, a = three_maps(p)
    back = compare(m2, m3)
    assert labels(back.gained) == ["Coach"]
    assert back.gained[0].id == a["coach"].id  # the same alter, not a new one
    assert back.lost == []
    assert [(mv.alter.label, mv.shift) for mv in back.moved_inward] == [("Dr Shah", -1)]
    # Baseline to 12 months: Coach is retained (ring 2 -> 0), Marcus gained
    whole = compare(m1, m3)
    assert labels(whole.retained) == ["Coach", "Dad", "Dr Shah", "Mum"]
    assert labels(whole.gained) == ["Marcus"] and whole.lost == []
    assert {mv.alter.label: mv.shift for mv in whole.moved} == {"Coach": -2, "Dad": 1, "Dr Shah": -1}
    # em.changes(person): consecutive pairs, in time order
    chs = em.changes(p)
    assert [(c.before.label, c.after.label) for c in chs] == [("Baseline", "6 months"), ("6 months", "12 months")]
    assert [labels(c.gained) for c in chs] == [["Marcus"], ["Coach"]]
    assert changes(p)[1].gained[0].id == a["coach"].id


def test_ring_transition_matrix():
    m1, m2, _, _ = three_maps(em.Person("R-3"))
    mat = compare(m1, m2).ring_transitions
    assert list(mat.index) == ["Inner circle", "Middle circle", "Outer circle", "new"]
    assert list(mat.columns) == ["Inner circle", "Middle circle", "Outer circle", "gone"]
    expected = pd.DataFrame(
        [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]], index=mat.index, columns=mat.columns
    )
    pd.testing.assert_frame_equal(mat, expected)
    # rows sum to the before map (plus gained), columns to the after map (plus lost)
    assert mat.iloc[:3].to_numpy().sum() == len(m1)
    assert mat.iloc[:, :3].to_numpy().sum() == len(m2)


def test_composition_shifts():
    m1, m2, _, _ = three_maps(em.Person("R-4"))
    comp = compare(m1, m2).composition
    # Baseline: 4 alters, 1 professional, 2 family (household), 1 stressful
    assert comp.loc["size", "before"] == 4 and comp.loc["size", "after"] == 4
    assert comp.loc["share_professional", "before"] == pytest.approx(1 / 4)
    assert comp.loc["share_family", "before"] == pytest.approx(2 / 4)
    assert comp.loc["share_family", "after"] == pytest.approx(2 / 4)  # Mum household + Dad family
    assert comp.loc["share_stressful", "before"] == pytest.approx(1 / 4)
    assert comp.loc["share_stressful", "after"] == 0
    assert comp.loc["share_stressful", "shift"] == pytest.approx(-1 / 4)
    assert comp.loc["ties", "before"] == 2 and comp.loc["ties", "after"] == 2


def test_family_uses_the_schemes_family_keys():
    p = em.Person("R-5")
    a = p.new_map("A", date="2026-01-01", sectors="four_quadrants")
    a.add_alter("Sis", 0, "family")
    a.add_alter("Pal", 1, "friends")
    b = p.new_map("B", date="2026-02-01", copy_from=a)
    b.remove_alter("Sis")
    comp = compare(a, b).composition
    assert comp.loc["share_family", "before"] == 0.5 and comp.loc["share_family", "after"] == 0


def test_to_frame_one_row_per_alter():
    m1, m2, _, a = three_maps(em.Person("R-6"))
    df = compare(m1, m2).to_frame()
    assert len(df) == 5  # union of 4 + 4 with 3 shared
    by = df.set_index("label")
    assert by.loc["Marcus", "status"] == "gained" and pd.isna(by.loc["Marcus", "ring_before"])
    assert by.loc["Coach", "status"] == "lost" and pd.isna(by.loc["Coach", "ring_after"])
    assert (by.loc["Dad", "ring_before"], by.loc["Dad", "ring_after"], by.loc["Dad", "shift"]) == (1, 2, 1)
    assert by.loc["Dad", "direction"] == "outward" and bool(by.loc["Dad", "sector_changed"])
    assert by.loc["Mum", "contact_before"] == "daily" and by.loc["Mum", "contact_after"] == "weekly"
    assert by.loc["Mum", "support_received_before"] == "emotional"
    assert str(df["ring_before"].dtype) == "Int64"
    assert by.loc["Dr Shah", "is_professional"]


def test_readable_table_has_plain_names_words_and_one_missing_mark():
    from egomap.change import MISSING, READABLE_COLUMNS

    m1, m2, _, a = three_maps(em.Person("R-6b"))
    ch = compare(m1, m2)
    df = ch.to_frame(readable=True)
    assert list(df.columns) == list(READABLE_COLUMNS.values())
    assert "ring_before" not in df.columns and "alter_id" not in df.columns and "Circle (before)" in df.columns
    by = df.set_index("Name")
    dad = by.loc["Dad"]
    assert (dad["Change"], dad["Circle (before)"], dad["Circle (after)"]) == (
        "still there",
        "Middle circle",
        "Outer circle",
    )
    assert dad["Moved"] == "one circle further out"
    assert (dad["Sector (before)"], dad["Sector (after)"]) == ("Household", "Family")
    assert (dad["How it feels (before)"], dad["How it feels (after)"]) == ("stressful", "mixed")
    assert by.loc["Marcus", "Change"] == "new" and by.loc["Marcus", "Circle (before)"] == MISSING
    assert by.loc["Coach", "Change"] == "gone" and by.loc["Coach", "Moved"] == MISSING
    assert by.loc["Dr Shah", "Paid or professional support"] == "yes" and by.loc["Mum", "Moved"] == "same circle"
    assert by.loc["Mum", "Support they give the person (before)"] == "emotional"
    # one way of showing a missing value: every cell is text, no None, NaN or <NA>
    assert all(isinstance(v, str) and v for v in df.to_numpy().ravel())
    assert by.loc["Marcus", "How it feels (after)"] == MISSING and by.loc["Mum", "Relationship"] == MISSING
    # the researcher's table is still the default
    assert ch.to_frame().columns[0] == "alter_id" and pd.isna(
        ch.to_frame().set_index("label").loc["Marcus", "ring_before"]
    )
    empty = compare(m1, m1).to_frame(readable=True)
    assert list(empty.columns) == list(READABLE_COLUMNS.values())


def test_summary_in_plain_words():
    m1, m2, m3, _ = three_maps(em.Person("R-6c"))
    summary = compare(m1, m2).summary()
    assert "1 moved further out: Dad (one circle)." in summary
    changed = next(line for line in summary if line.startswith("2 changes in how it feels, support or contact"))
    assert "Dad: how it feels stressful to mixed" in changed and "Mum: contact daily to weekly" in changed
    assert "valence" not in " ".join(summary)
    assert "1 moved closer: Dr Shah (one circle)." in compare(m2, m3).summary()
    assert "Coach (two circles)" in " ".join(compare(m1, m3).summary())


def test_shift_words():
    from egomap.change import shift_words

    assert [shift_words(s) for s in (-2, -1, 0, 1, 3)] == [
        "two circles closer",
        "one circle closer",
        "same circle",
        "one circle further out",
        "three circles further out",
    ]


def test_empty_map_and_one_alter_map():
    p = em.Person("R-7")
    empty = p.new_map("Empty", date="2026-01-01")
    one = p.new_map("One", date="2026-02-01")
    one.add_alter("Mum", 1, "household", valence="stressful")
    ch = compare(empty, one)
    assert labels(ch.gained) == ["Mum"] and ch.lost == [] and ch.retained == [] and ch.moves == []
    comp = ch.composition
    assert math.isnan(comp.loc["share_family", "before"]) and comp.loc["share_family", "after"] == 1.0
    assert comp.loc["share_stressful", "after"] == 1.0
    assert ch.ring_transitions.loc["new", "Middle circle"] == 1
    assert ch.ring_transitions.to_numpy().sum() == 1
    back = compare(one, empty)
    assert labels(back.lost) == ["Mum"] and back.ring_transitions.loc["Middle circle", "gone"] == 1
    assert list(back.to_frame()["status"]) == ["lost"]
    nothing = compare(empty, empty)
    assert not nothing and nothing.to_frame().empty and nothing.summary() == ["No change."]
    assert "No change" in nothing._repr_html_()
    same = compare(one, one)
    assert not same and labels(same.retained) == ["Mum"]


def test_different_persons_is_an_error_that_says_so():
    a = em.Person("R-8").new_map("Baseline")
    b = em.Person("R-9").new_map("Baseline")
    with pytest.raises(em.ValidationError, match="different persons.*'R-8'.*'R-9'"):
        compare(a, b)
    with pytest.raises(em.ValidationError, match="must be a map"):
        compare(a, "Baseline")  # type: ignore[arg-type]
    with pytest.raises(em.ValidationError):
        changes("R-8")  # type: ignore[arg-type]


def test_works_on_store_maps(store):
    p = store.add_person("S-1")
    three_maps(p)
    again = store.person("S-1")
    chs = em.changes(again)
    assert [labels(c.gained) for c in chs] == [["Marcus"], ["Coach"]]
    assert isinstance(chs[0], Change)
    assert [(mv.alter.label, mv.shift) for mv in chs[0].moved] == [("Dad", 1)]
    assert em.compare(again.map(0), again.map(2)).ring_transitions.loc["Outer circle", "Inner circle"] == 1


def test_demo_case_known_answers():
    p = em.demo.demo_case()
    ch = em.compare(p.map("6 months"), p.map("12 months"))
    assert labels(ch.lost) == ["Dr Okafor", "Kwame", "Tom"]
    assert labels(ch.gained) == ["Ben", "Dr Lewis", "Nadia", "Sue"]
    assert {mv.alter.label: mv.shift for mv in ch.moved} == {"Priya": 1, "Marcus": -1, "Josh": -1}
    comp = ch.composition
    assert comp.loc["share_professional", "before"] == pytest.approx(3 / 11)
    assert comp.loc["share_professional", "after"] == pytest.approx(2 / 12)


def test_html_summary_escapes_user_text():
    p = em.Person("R-10")
    a = p.new_map("Baseline <b>", date="2026-01-01")
    b = p.new_map("Later", date="2026-02-01", copy_from=a)
    b.add_alter(XSS, 1, "friends")
    out = em.compare(a, b)._repr_html_()
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "Baseline &lt;b&gt;" in out and "<b>" not in out
    assert "1 new" in out
    assert "R-10" in repr(em.compare(a, b))


def test_where_new_alters_came_from_and_which_ties_changed():
    p = em.Person("R-11")
    a = p.new_map("Baseline", date="2026-01-01")
    mum = a.add_alter("Mum", 0, "household")
    b = p.new_map("6 months", date="2026-07-01", copy_from=a)
    coach = b.add_alter("Coach", 2, "clubs_groups", relationship="football coach", met_through="Kickabout")
    pal = b.add_alter("Pal", 1, "friends", met_through="Kickabout")
    b.add_alter("Neighbour", 2, "neighbours")
    b.add_tie(pal, mum)
    b.add_tie(coach, pal)
    ch = compare(a, b)
    by = ch.to_frame().set_index("label")
    assert by.loc["Coach", "met_through"] == "Kickabout" and by.loc["Coach", "relationship"] == "football coach"
    assert by.loc["Mum", "met_through"] == ""  # not recorded
    assert list(ch.to_frame().columns[3:7]) == ["is_professional", "relationship", "met_through", "status"]
    summary = ch.summary()
    assert summary[:2] == ["3 new: Coach, Pal, Neighbour.", "Met through Kickabout: Coach, Pal."]
    assert summary[-1] == "Ties between alters: 2 formed, 0 dissolved. Formed: Mum \u2013 Pal, Coach \u2013 Pal."
    assert "Met through Kickabout: Coach, Pal." in ch._repr_html_()


def test_html_table_never_shows_minus_zero():
    p = em.Person("R-12")
    a = p.new_map("A", date="2026-01-01")
    for i in range(3):
        a.add_alter(f"P{i}", 1, "friends", valence="stressful" if i == 0 else None)
    b = p.new_map("B", date="2026-02-01", copy_from=a)
    b.add_alter("Q", 1, "friends")
    b.add_alter("R", 1, "friends")
    b.add_alter("S", 1, "friends")
    b.update("P0", valence="supportive")
    b.update("Q", valence="stressful")
    out = compare(a, b)._repr_html_()
    assert "-0" not in out and "Share stressful</th><td>33%</td><td>17%</td><td>-17 points</td>" in out
