"""Persons, maps, alters, placements, ties and goals (in memory)."""

from __future__ import annotations

import datetime as dt

import pytest

import egomap as em


@pytest.fixture
def m() -> em.Map:
    return em.Person("R-001").new_map("Baseline", date="2026-01-12")


def test_add_alter_defaults_and_validation(m):
    mum = m.add_alter("  Mum ", ring=0, sector="household", relationship="mother")
    assert mum.label == "Mum" and mum.kind == "person" and not mum.is_professional
    p = m.placement(mum)
    assert (p.ring, p.sector) == (0, "household")
    assert em.geometry.locate(p.angle, p.radius, m.rings, m.sectors) == (0, "household")
    assert m.date == dt.date(2026, 1, 12)
    dr = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True, kind="person")
    assert m.alter("Dr Shah") == dr
    assert len(m) == 2 and "Mum" in m and "Gran" not in m


def test_exact_position_gives_ring_and_sector(m):
    a = m.add_alter("Sam", angle=220.0, radius=0.5)  # 220 deg is in sector 4 of 7 (friends)
    p = m.placement(a)
    assert (p.ring, p.sector) == (1, "friends")
    m.move(a, radius=0.2)
    assert m.placement(a).ring == 0 and m.placement(a).sector == "friends"


def test_move_by_ring_keeps_angle_and_by_sector_reslots(m):
    a = m.add_alter("Sam", ring=2, sector="friends")
    before = m.placement(a)
    after = m.move(a, ring=0)
    assert after.angle == before.angle and after.ring == 0
    lo, hi = m.rings.band(0)
    assert lo <= after.radius < hi
    after = m.move(a, sector="neighbours")
    assert after.sector == "neighbours"
    assert m.sectors.sector_at(after.angle) == "neighbours"


def test_update_attributes_and_unknown_values(m):
    a = m.add_alter("Gran", ring=1, sector="family")
    m.update(a, support_received={"emotional", "practical"}, support_given="companionship", valence="Supportive")
    p = m.placement(a)
    assert p.support_received == {"emotional", "practical"} and p.support_given == {"companionship"}
    assert p.valence == "supportive"
    m.update(a, label="Granny", relationship="grandmother")
    assert m.alter(a.id).label == "Granny"
    with pytest.raises(em.ValidationError, match="unknown valence 'happy'"):
        m.update(a, valence="happy")
    with pytest.raises(em.ValidationError, match="unknown support_received type 'money'"):
        m.update(a, support_received={"money"})
    with pytest.raises(em.ValidationError, match="unknown attribute 'colour'"):
        m.update(a, colour="red")
    with pytest.raises(em.ValidationError, match="unknown contact"):
        m.update(a, contact="hourly")
    assert m.placement(a).valence == "supportive"  # failed edits changed nothing


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"label": "", "ring": 0, "sector": "family"}, "label must not be empty"),
        ({"label": "x" * 81, "ring": 0, "sector": "family"}, "too long"),
        ({"label": 42, "ring": 0, "sector": "family"}, "label must be text"),
        ({"label": "A", "ring": 5, "sector": "family"}, "unknown ring 5"),
        ({"label": "A", "ring": 0, "sector": "pub"}, "unknown sector 'pub'"),
        ({"label": "A", "ring": 0}, "sector is required"),
        ({"label": "A", "ring": 0, "sector": "family", "kind": "robot"}, "unknown kind 'robot'"),
        ({"label": "A", "ring": 0, "sector": "family", "is_professional": "yes"}, "is_professional must be True"),
        ({"label": "A", "angle": 10, "radius": float("inf")}, "radius must be a finite number"),
        ({"label": "A", "ring": 2, "angle": 10, "radius": 0.2}, "does not match radius"),
        ({"label": "   ", "ring": 0, "sector": "family"}, "label must not be empty"),
        ({"label": "Mum\nDad", "ring": 0, "sector": "family"}, "label must not contain control characters"),
        ({"label": "A", "ring": "0", "sector": "family"}, "ring must be a whole number"),
        ({"label": "A", "ring": True, "sector": "family"}, "ring must be a whole number"),
        ({"label": "A", "ring": 0, "sector": {"family"}}, "unknown sector"),
        ({"label": "A", "angle": 10, "radius": float("nan")}, "radius must be a finite number"),
        ({"label": "A", "angle": "10", "radius": 0.5}, "angle must be a finite number"),
        ({"label": "A", "angle": 10}, "give both angle and radius"),
        ({"label": "A", "angle": 10, "radius": -0.1}, "radius must not be negative"),
        ({"label": "A", "ring": 0, "sector": "family", "valence": "angry"}, "unknown valence 'angry'"),
        ({"label": "A", "ring": 0, "sector": "family", "support_given": 3}, "support_given must be a set"),
        ({"label": "A", "ring": 0, "sector": "family", "relationship": "r" * 81}, "relationship is too long"),
    ],
)
def test_bad_alter_input_is_rejected_and_nothing_written(m, kwargs, match):
    label = kwargs.pop("label")
    with pytest.raises(em.ValidationError, match=match):
        m.add_alter(label, **kwargs)
    assert len(m) == 0 and not m.can_undo


def test_ties_by_alter_or_label_and_bad_ties(m):
    mum = m.add_alter("Mum", ring=0, sector="household")
    m.add_alter("Gran", ring=1, sector="family")
    t = m.add_tie(mum, "Gran")
    assert m.has_tie("Gran", "Mum") and m.ties == [t]
    m.add_tie("Gran", mum)  # already there: no-op
    assert len(m.ties) == 1
    with pytest.raises(em.ValidationError, match="cannot be tied to themself"):
        m.add_tie(mum, mum)
    with pytest.raises(em.NotFoundError, match="no alter 'Dad' on map 'Baseline'"):
        m.add_tie(mum, "Dad")
    assert m.toggle_tie(mum, "Gran") is False and m.ties == []
    assert m.toggle_tie(mum, "Gran") is True


def test_remove_alter_takes_its_ties_and_undo_brings_them_back(m):
    mum = m.add_alter("Mum", ring=0, sector="household")
    gran = m.add_alter("Gran", ring=1, sector="family")
    m.add_tie(mum, gran)
    m.remove_alter(mum)
    assert m.ties == [] and "Mum" not in m
    assert m.undo() == "remove Mum"
    assert m.has_tie(mum, gran) and m.placement(mum).ring == 0


def test_undo_redo_sequence(m):
    mum = m.add_alter("Mum", ring=0, sector="household")
    m.move(mum, ring=2)
    m.update(mum, valence="stressful")
    assert m.undo() == "edit Mum"
    assert m.placement(mum).valence is None
    assert m.undo() == "move Mum"
    assert m.placement(mum).ring == 0
    assert m.redo() == "move Mum"
    assert m.placement(mum).ring == 2
    m.update(mum, note="new edit clears redo")
    assert not m.can_redo and m.redo() is None
    assert m.undo() and m.undo() and m.undo()
    assert len(m) == 0 and m.undo() is None


def test_ambiguous_label_needs_the_alter(m):
    a = m.add_alter("Sam", ring=0, sector="friends")
    m.add_alter("Sam", ring=1, sector="work_school")
    with pytest.raises(em.ValidationError, match="2 alters on map 'Baseline' are labelled 'Sam'"):
        m.move("Sam", ring=2)
    m.move(a, ring=2)
    assert m.placement(a).ring == 2


def test_goals(m):
    coach = m.add_alter("Coach", ring=2, sector="clubs_groups")
    g = m.add_goal("Go to football", steps=["Find times", "Go with Tom"], alters=[coach])
    assert g.alter_ids == (coach.id,) and g.steps == ("Find times", "Go with Tom")
    g = m.update_goal(g, status="done")
    assert g.status == "done"
    with pytest.raises(em.ValidationError, match="unknown goal status 'finished'"):
        m.update_goal(g, status="finished")
    with pytest.raises(em.ValidationError, match="goal text must not be empty"):
        m.add_goal("  ")
    with pytest.raises(em.ValidationError, match="goal steps must be a list of text"):
        m.add_goal("Walk", steps=3)
    with pytest.raises(em.ValidationError, match="goal alters must be a list"):
        m.add_goal("Walk", alters=7)
    assert m.add_goal("Plan\nover two lines").text == "Plan\nover two lines"  # longer texts may have line breaks
    m.undo()
    m.remove_goal(g)
    assert m.goals == []
    m.undo()
    assert m.goal(g.id).status == "done"


def test_copy_forward_keeps_identity_and_is_independent():
    p = em.Person("R-002")
    base = p.new_map("Baseline", date="2026-01-01")
    mum = base.add_alter("Mum", ring=0, sector="household", valence="supportive")
    gran = base.add_alter("Gran", ring=1, sector="family")
    base.add_tie(mum, gran)
    base.add_goal("Open goal")
    done = base.add_goal("Done goal")
    base.update_goal(done, status="done")
    base.update(mum, reviewed=True)
    six = p.new_map("6 months", date="2026-07-01", copy_from=base)
    assert [a.id for a in six.alters] == [mum.id, gran.id]
    assert six.placement(mum).valence == "supportive" and six.placement(mum).reviewed is False
    assert six.has_tie(mum, gran)
    assert [g.text for g in six.goals] == ["Open goal"]
    assert six.copied_from == base.id
    six.move(mum, ring=2)
    six.remove_alter(gran)
    assert base.placement(mum).ring == 0 and "Gran" in base
    assert [m.label for m in p.maps] == ["Baseline", "6 months"]
    # someone who leaves and comes back keeps their identity
    twelve = p.new_map("12 months", copy_from=six)
    back = twelve.add_alter(gran, ring=1, sector="family")
    assert back.id == gran.id
    with pytest.raises(em.DuplicateError, match="already on map"):
        twelve.add_alter(gran, ring=0, sector="family")


def test_copy_forward_of_another_persons_map_is_an_error():
    a = em.Person("R-A").new_map("Baseline")
    b = em.Person("R-B")
    with pytest.raises(em.ValidationError, match="copy_from is a map of person 'R-A', not of 'R-B'"):
        b.new_map("Baseline", copy_from=a)
    assert b.maps == []


def test_other_persons_alter_cannot_be_added():
    a = em.Person("R-A").new_map("Baseline")
    mum = a.add_alter("Mum", ring=0, sector="household")
    b = em.Person("R-B").new_map("Baseline")
    with pytest.raises(em.NotFoundError, match="does not belong to person 'R-B'"):
        b.add_alter(mum, ring=0, sector="household")


def test_map_details_and_duplicates():
    p = em.Person("R-003")
    m = p.new_map("Baseline")
    p.new_map("6 months")
    with pytest.raises(em.DuplicateError, match="already has a map labelled 'Baseline'"):
        p.new_map("Baseline")
    with pytest.raises(em.DuplicateError):
        m.update_map(label="6 months")
    with pytest.raises(em.ValidationError, match="date must be a date like"):
        p.new_map("Later", date="next week")
    m.update_map(date="2026-02-03", notes="Met at home.")
    assert m.date == dt.date(2026, 2, 3) and m.notes == "Met at home."
    assert p.map(-1).label == "6 months" and p.map(0) is m  # undated sorts last
    with pytest.raises(em.NotFoundError, match="no map 'Nope'"):
        p.map("Nope")


def test_person_id_validation():
    with pytest.raises(em.ValidationError, match="person id must not be empty"):
        em.Person("  ")
    with pytest.raises(em.ValidationError, match="slashes"):
        em.Person("a/b")
    with pytest.raises(em.ValidationError, match="consent_research must be True or False"):
        em.Person("R-1", consent_research="maybe")


def test_schemes_per_map_and_copy_to_other_scheme():
    p = em.Person("R-004")
    m = p.new_map("Baseline", rings="circles_of_support", sectors="four_quadrants")
    a = m.add_alter("Key worker", ring=3, sector="professional")
    assert len(m.rings) == 4
    m2 = p.new_map("Simplified", copy_from=m, rings="kahn_antonucci", sectors="none")
    pl = m2.placement(a)
    assert (pl.ring, pl.sector) == (2, "all")
    assert em.geometry.locate(pl.angle, pl.radius, m2.rings, m2.sectors) == (2, "all")


def test_to_dict_is_plain_data(m):
    import json

    mum = m.add_alter("Mum", ring=0, sector="household", support_received={"emotional"})
    m.add_alter("Gran", ring=1, sector="family")
    m.add_tie(mum, "Gran")
    d = json.loads(json.dumps(m.to_dict()))
    assert d["label"] == "Baseline" and len(d["alters"]) == 2 and len(d["ties"]) == 1
    assert d["placements"][0]["support_received"] == ["emotional"]
