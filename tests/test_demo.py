"""The fictional demo case and the synthetic cohort generator."""

from __future__ import annotations

import egomap as em
from egomap.demo import FOOTBALL, demo_case, synthetic_cohort, synthetic_person


def test_demo_case_tells_the_story():
    p = demo_case()
    base, six, twelve = p.maps
    assert [m.label for m in p.maps] == ["Baseline", "6 months", "12 months"]
    # baseline: family and mental-health professionals, one stressful tie
    sectors = {m.placement(a).sector for m in [base] for a in m.alters}
    assert sectors == {"household", "family", "services"}
    assert [a.label for a in base.alters if base.placement(a).valence == "stressful"] == ["Dad"]
    profs = [a for a in base.alters if a.is_professional]
    assert len(profs) == 3
    # 6 months: football coach and players, Marcus a close friend who helped him move
    football = [a for a in six.alters if a.met_through == FOOTBALL]
    assert {a.label for a in football} == {"Dave", "Marcus", "Josh", "Kwame"}
    marcus = six.alter("Marcus")
    assert six.placement(marcus).sector == "friends" and "practical" in six.placement(marcus).support_received
    assert "move" in six.placement(marcus).note
    assert six.goals[0].status == "done" and "football" in six.goals[0].text
    # 12 months: job and colleagues, fewer professionals, Marcus in the inner circle
    assert twelve.placement(marcus).ring == 0
    assert sum(a.is_professional for a in twelve.alters) < len(profs)
    assert len([a for a in twelve.alters if twelve.placement(a).sector == "work_school"]) == 3
    assert all(a.met_through for a in twelve.alters if a.id not in {x.id for x in base.alters})


def test_demo_case_in_store_is_identical(store):
    saved = demo_case(store)
    fresh = em.open_store(store.path).person(saved.id)
    assert [len(m) for m in fresh.maps] == [len(m) for m in demo_case().maps]


def test_synthetic_cohort_is_seeded_and_realistic(store):
    a = [p.to_dict()["maps"][0]["alters"] for p in synthetic_cohort(n=5, k=3, seed=7)]
    b = [p.to_dict()["maps"][0]["alters"] for p in synthetic_cohort(n=5, k=3, seed=7)]
    assert [[x["label"] for x in m] for m in a] == [[x["label"] for x in m] for m in b]
    people = synthetic_cohort(store, n=30, k=3, seed=1)
    assert len(people) == 30 and store.info()["maps"] == 90
    sizes = [len(m) for p in people for m in p.maps]
    assert min(sizes) >= 5 and max(sizes) <= 40
    # turnover: most alters are kept, some leave, some are new
    kept = lost = 0
    for p in people:
        for x, y in zip(p.maps, p.maps[1:]):
            ix, iy = {a.id for a in x.alters}, {a.id for a in y.alters}
            kept += len(ix & iy)
            lost += len(ix - iy)
    assert 0.6 < kept / (kept + lost) < 0.95
    assert 0 < sum(not p.consent_research for p in people) < 30


def test_synthetic_person_positions_agree_with_rings():
    p = synthetic_person("S-1", k=2, seed=3)
    for m in p.maps:
        for pl in m.placements.values():
            assert em.schemes.locate(pl.angle, pl.radius, m.rings, m.sectors) == (pl.ring, pl.sector)
