"""The fictional demo case and the synthetic cohort generator."""

from __future__ import annotations

import egomap as em
from egomap.demo import FOOTBALL, demo_case, synthetic_cohort, synthetic_person


def _content(p: em.Person) -> list:
    """Everything on a person's maps except the random ids (alters named by label, in order)."""
    out = []
    for m in p.maps:
        name = {a.id: a.label for a in p.alters}  # goals may name alters of the person's other maps
        d = m.to_dict()
        out.append(
            (
                d["label"],
                d["date"],
                d["notes"],
                [{k: v for k, v in a.items() if k != "id"} for a in d["alters"]],
                [{k: v for k, v in q.items() if k != "alter_id"} for q in d["placements"]],
                sorted(sorted((name[a], name[b])) for a, b in d["ties"]),
                [(g["text"], g["steps"], g["status"], [name[x] for x in g["alter_ids"]]) for g in d["goals"]],
                {item: sorted(name[x] for x in who) for item, who in d["resources"].items()},
                d["resource_scheme"],
            )
        )
    return out


def test_demo_case_tells_the_story():
    p = demo_case()
    base, six, twelve = p.maps
    assert [m.label for m in p.maps] == ["Baseline", "6 months", "12 months"]
    # baseline: family and mental-health professionals, one stressful tie
    sectors = {m.placement(a).sector for m in [base] for a in m.alters}
    assert sectors == {"household", "family", "services"}
    assert [a.label for a in base.alters if base.placement(a).valence == "stressful"] == ["Dad"]
    profs = [a for a in base.alters if a.is_professional]
    assert len(profs) == 3 and all(base.placement(a).sector == "services" for a in profs)
    assert {a.met_through for a in profs} == {"Early intervention in psychosis team"}  # mental-health team
    assert {a.relationship for a in base.alters if not a.is_professional} >= {"mother", "father", "sister"}
    # his team linked him to football: a baseline goal, about his support worker, done by 6 months
    (linked,) = base.goals
    assert "football" in linked.text.lower() and [base.alter(x).is_professional for x in linked.alter_ids] == [True]
    # 6 months: football coach and players, Marcus a close friend who helped him move
    football = [a for a in six.alters if a.met_through == FOOTBALL]
    assert {a.label for a in football} == {"Dave", "Marcus", "Josh", "Kwame"}
    assert six.alter("Dave").relationship == "football coach"
    assert len(football) - 1 >= 3  # several players besides the coach
    marcus = six.alter("Marcus")
    assert marcus.relationship == "friend" and six.placement(marcus).ring <= 1  # a close friend
    assert six.placement(marcus).sector == "friends" and "practical" in six.placement(marcus).support_received
    assert "move" in six.placement(marcus).note and "flat" in six.placement(marcus).note
    assert {a.id for a in six.alters} > {a.id for a in base.alters}  # everyone from baseline is still there
    assert six.goals[0].status == "done" and "football" in six.goals[0].text
    # 12 months: job and colleagues, fewer professionals, Marcus in the inner circle
    assert twelve.placement(marcus).ring == 0
    assert sum(a.is_professional for a in twelve.alters) < len(profs)
    assert len([a for a in twelve.alters if twelve.placement(a).sector == "work_school"]) == 3
    assert all(a.met_through for a in twelve.alters if a.id not in {x.id for x in base.alters})
    assert all(a.met_through for a in six.alters if a.id not in {x.id for x in base.alters})
    colleagues = [a for a in twelve.alters if twelve.placement(a).sector == "work_school"]
    assert {a.relationship for a in colleagues} == {"manager", "colleague"}
    assert len({a.met_through for a in colleagues}) == 1  # all through the job
    # the 6-month goal (work) is done at 12 months
    work = [g for g in twelve.goals if "work" in g.text.lower()]
    assert [g.status for g in work] == ["done"]
    assert [twelve.placement(a).ring for a in twelve.alters if a.label == "Marcus"] == [0]


def test_demo_case_tells_the_story_of_its_social_capital():
    """Resources and capital at each time point: family and services at first, then bridging ties that help."""
    p = demo_case()
    base, six, twelve = p.maps

    def who(m, item):
        got = m.resource(item)
        return None if got is None else sorted(m.alter(a).label for a in got)

    def kinds(m):
        return {k: sorted(a.label for a in m.alters if m.capital(a) == k) for k in ("bonding", "bridging", "linking")}

    # baseline: a few items asked, help only from family (bonding) and the mental-health team (linking)
    assert len(base.resources) == 8 and who(base, "job_advice") == [] and who(base, "fix_things") is None
    assert kinds(base) == {
        "bonding": ["Dad", "Gran", "Leah", "Mum"],
        "bridging": [],
        "linking": ["Dr Okafor", "Priya", "Tom"],
    }
    helpers = {a for v in base.resources.values() for a in v}
    assert {base.capital(a) for a in helpers} == {"bonding", "linking"}
    assert all(base.capital_source(a) == "default" for a in base.alters)
    # 6 months: the football ties are bridging, by egomap's rule (met through the football project)
    assert kinds(six)["bridging"] == ["Dave", "Josh", "Kwame", "Marcus"]
    assert who(six, "teach_something") == ["Dave"] and "Dave" in who(six, "meet_people")
    assert "Marcus" in who(six, "move_or_carry")  # he helped Jamie move flat
    assert who(six, "job_advice") == []  # still no one
    changes = em.changes(p)
    assert [ch.n_new_bridging for ch in changes] == [4, 2]
    # 12 months: the coach passed on the job lead (expert advice, through a bridging tie)
    assert who(twelve, "job_advice") == ["Dave", "Sue"] and twelve.capital("Dave") == "bridging"
    assert twelve.resource_scheme.item("job_advice").domain == "expert_advice"
    assert "job" in twelve.placement("Dave").note and FOOTBALL == twelve.alter("Dave").met_through
    # Jamie's own view, recorded by the practitioner, wins over the rule
    assert (twelve.capital("Marcus"), twelve.capital_source("Marcus")) == ("bonding", "person")
    assert (twelve.capital("Sue"), twelve.capital_source("Sue")) == ("linking", "person")
    assert six.capital("Marcus") == "bridging"  # before, the rule's
    assert all(v for v in twelve.resources.values())  # someone for every item asked
    reached = [sum(1 for v in m.resources.values() if v) for m in p.maps]
    assert reached == [7, 11, 16] and [ch.d_resources_accessed for ch in changes] == [4, 5]
    assert len(twelve.resources) == 16 and who(twelve, "official_letters") == ["Leah"]  # Tom has gone


def test_demo_case_in_store_is_identical(store):
    saved = demo_case(store)
    with em.open_store(store.path) as again:
        fresh = again.person(saved.id)
        assert fresh.to_dict() == saved.to_dict()
        assert _content(fresh) == _content(demo_case())
        assert fresh.map("Baseline").history()  # written through the store, with an edit log
        twelve = fresh.map("12 months")
        assert twelve.capital("Marcus") == "bonding" and twelve.capital_source("Marcus") == "person"
        assert sorted(twelve.alter(a).label for a in twelve.resource("job_advice")) == ["Dave", "Sue"]
        assert fresh.map("Baseline").resource("job_advice") == frozenset()  # "no one" kept apart from not asked


def test_synthetic_cohort_is_seeded_and_realistic(store):
    a = [_content(p) for p in synthetic_cohort(n=5, k=3, seed=7)]
    assert a == [_content(p) for p in synthetic_cohort(n=5, k=3, seed=7)]  # same seed, same cohort
    assert a != [_content(p) for p in synthetic_cohort(n=5, k=3, seed=8)]

    # ids too, so exports of the same cohort are the same files; another prefix gives other ids
    def plain(p: em.Person) -> dict:  # all but the time it was made
        d = p.to_dict()
        del d["created"]
        for m in d["maps"]:
            del m["created"]
        return d

    same = [plain(p) for p in synthetic_cohort(n=3, k=2, seed=7)]
    assert same == [plain(p) for p in synthetic_cohort(n=3, k=2, seed=7)]
    other = synthetic_cohort(n=3, k=2, seed=7, prefix="T-")
    assert not {a.id for p in other for a in p.alters} & {a["id"] for d in same for m in d["maps"] for a in m["alters"]}
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
            assert em.geometry.locate(pl.angle, pl.radius, m.rings, m.sectors) == (pl.ring, pl.sector)
