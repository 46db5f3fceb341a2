"""Social capital measures (issue 17): resources reached and bonding / bridging / linking ties, worked out by hand.

Resource generator measures after Webber & Huxley (2007); bonding and bridging after Putnam (2000),
linking after Szreter & Woolcock (2004). Every value below is counted by hand in the comments.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import egomap as em
import egomap.measures as M
from egomap.resource_schemes import ResourceDomain, ResourceItem, ResourceScheme

NAN = float("nan")
DEFAULT_DOMAINS = ["help_at_home", "expert_advice", "skills", "problem_solving", "emotional_support"]


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)


def _two_maps(store: em.Store | None = None) -> tuple[em.Map, em.Map]:
    """A person at baseline and six months (default schemes: social_network_map, egomap_resources)."""
    p = store.add_person("R-C", consent_research=True) if store is not None else em.Person("R-C")
    a = p.new_map("Baseline", date="2026-01-12")
    mum = a.add_alter("Mum", ring=0, sector="household")  # household: bonding
    dad = a.add_alter("Dad", ring=1, sector="family")  # family sector: bonding
    a.add_alter("Sam", ring=1, sector="friends")  # a friend, met through nothing named: bonding
    jo = a.add_alter("Jo", ring=2, sector="friends", met_through="art class")  # friend met through a class: bridging
    dr = a.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)  # professional: linking
    a.add_alter("Rex", ring=0, sector="household", kind="pet")  # pet: bonding
    a.set_resource("small_loan", [mum, dad])  # help at home
    a.set_resource("move_or_carry", [dad])  # help at home
    a.set_resource("job_advice", [])  # expert advice: asked, no one
    a.set_resource("health_advice", [dr])  # expert advice
    a.set_resource("talk_worries", [mum, jo])  # emotional support
    a.set_resource("crisis_call", [mum])  # emotional support
    a.set_resource("good_news", [mum])  # emotional support
    b = p.new_map("6 months", date="2026-07-13", copy_from=a)
    b.remove_alter(dr)
    coach = b.add_alter(
        "Coach", ring=2, sector="clubs_groups", relationship="football coach", met_through="football club"
    )
    priya = b.add_alter("Priya", ring=2, sector="friends", met_through="volunteer project")  # activity: bridging
    kim = b.add_alter("Nurse Kim", ring=2, sector="services", is_professional=True)  # linking
    b.update("Sam", capital="bridging")  # the person's own view wins over the rule
    b.set_resource("health_advice", [kim])
    b.set_resource("job_advice", [coach])
    b.set_resource("cv_interview", [coach])  # skills
    b.set_resource("teach_something", [coach])  # skills
    b.set_resource("meet_people", [priya])  # problem solving
    return a, b


# Baseline: 6 alters. Capital: bonding Mum, Dad, Sam, Rex = 4; bridging Jo = 1; linking Dr Shah = 1.
# Resources: 7 items asked; reached 6 (job_advice: no one). By domain: help at home 2 of 2, expert
# advice 1 of 2 (health yes, job no one), skills and problem solving not asked (NaN), emotional 3 of 3.
# Domains reached: home, expert, emotional = 3. Items per alter: Mum 4 (loan, worries, crisis, news),
# Dad 2, Jo 1, Dr Shah 1: one resourceful person (3 or more).
BASELINE = {
    "resources_asked": 7,
    "resources_accessed": 6,
    "resources_help_at_home": 2,
    "resources_expert_advice": 1,
    "resources_skills": NAN,
    "resources_problem_solving": NAN,
    "resources_emotional_support": 3,
    "resource_diversity": 3,
    "n_resourceful": 1,
    "n_bonding": 4,
    "n_bridging": 1,
    "n_linking": 1,
    "share_bonding": 4 / 6,
    "share_bridging": 1 / 6,
    "share_linking": 1 / 6,
}
# 6 months: 8 alters (Dr Shah gone; Coach, Priya, Nurse Kim new). Capital: bonding Mum, Dad, Rex = 3;
# bridging Sam (own view), Jo, Coach, Priya = 4; linking Nurse Kim = 1.
# Resources: the 7 copied forward (health advice now Kim, job advice now Coach) + cv, teach, meet = 10
# asked, all 10 reached. Home 2, expert 2, skills 2, problem solving 1, emotional 3: 5 domains.
# Items per alter: Mum 4, Coach 3 (job, cv, teach), Dad 2, Jo 1, Kim 1, Priya 1: two resourceful.
SIX_MONTHS = {
    "resources_asked": 10,
    "resources_accessed": 10,
    "resources_help_at_home": 2,
    "resources_expert_advice": 2,
    "resources_skills": 2,
    "resources_problem_solving": 1,
    "resources_emotional_support": 3,
    "resource_diversity": 5,
    "n_resourceful": 2,
    "n_bonding": 3,
    "n_bridging": 4,
    "n_linking": 1,
    "share_bonding": 3 / 8,
    "share_bridging": 4 / 8,
    "share_linking": 1 / 8,
}


def _plain(m: em.Map) -> dict[str, float]:
    out = {name: getattr(M, name)(m) for name in BASELINE if not name.startswith("resources_") or name in (
        "resources_asked", "resources_accessed")}  # fmt: skip
    for d in DEFAULT_DOMAINS:
        out[f"resources_{d}"] = M.resources_accessed(m, d)
    return out


def test_measures_by_hand_on_two_maps():
    a, b = _two_maps()
    for m, want in ((a, BASELINE), (b, SIX_MONTHS)):
        s = em.measures(m)
        plain = _plain(m)
        for name, v in want.items():
            assert _same(s[name], v), (m.label, name, s[name], v)
            assert _same(plain[name], v), (m.label, name, plain[name], v)
            assert type(plain[name]) is float, name


def test_column_order_and_reference():
    a, _ = _two_maps()
    cols = list(em.measures(a).index)
    at = cols.index("resources_accessed")
    assert cols[at + 1 : at + 6] == [f"resources_{d}" for d in DEFAULT_DOMAINS]
    assert cols[at + 6 :] == list(M.MEASURES[M.MEASURES.index("resource_diversity") :])
    ref = M.reference_measures(a)
    assert list(ref.index) == cols
    pd.testing.assert_series_equal(ref, em.measures(a), check_names=False)


def test_not_asked_is_nan_and_no_one_is_zero():
    p = em.Person("R-N")
    m = p.new_map("Baseline")
    m.add_alter("Mum", ring=0, sector="household")
    s = em.measures(m)
    assert s["resources_asked"] == 0  # nothing asked
    for name in ("resources_accessed", "resource_diversity", "n_resourceful", *(f"resources_{d}" for d in DEFAULT_DOMAINS)):  # fmt: skip
        assert math.isnan(s[name]), name
    m.set_resource("small_loan", [])  # asked: no one could
    s = em.measures(m)
    assert s["resources_asked"] == 1 and s["resources_accessed"] == 0 and s["resource_diversity"] == 0
    assert s["n_resourceful"] == 0 and s["resources_help_at_home"] == 0
    assert math.isnan(s["resources_skills"])  # still not asked in that domain
    assert M.resources_accessed(m) == 0.0 and M.resources_accessed(m, "help_at_home") == 0.0
    m.set_resource("small_loan", None)  # back to not asked
    assert math.isnan(em.measures(m)["resources_accessed"]) and math.isnan(M.resources_accessed(m))
    assert math.isnan(M.resources_accessed(m, "no_such_domain"))


def test_empty_map_shares_are_nan():
    m = em.Person("R-E").new_map("Baseline")
    s = em.measures(m)
    assert s["n_bonding"] == s["n_bridging"] == s["n_linking"] == 0
    for name in ("share_bonding", "share_bridging", "share_linking"):
        assert math.isnan(s[name]) and math.isnan(getattr(M, name)(m)), name


def _custom_scheme() -> ResourceScheme:
    return ResourceScheme(
        "test_rg",
        [ResourceDomain("practical", "Practical help"), ResourceDomain("info", "Information")],
        [
            ResourceItem("lift", "practical", "A lift", "Who could give you a lift?"),
            ResourceItem("tools", "practical", "Tools", "Who could lend you tools?"),
            ResourceItem("forms", "info", "Forms", "Who could help you with a form?"),
        ],
    )


def test_custom_scheme_with_other_domains(store):
    a, b = _two_maps(store)
    p = store.add_person("R-X")
    m = p.new_map("Baseline", resources=_custom_scheme())
    ann = m.add_alter("Ann", ring=0, sector="friends")
    bob = m.add_alter("Bob", ring=1, sector="neighbours")
    m.set_resource("lift", [ann, bob])
    m.set_resource("tools", [ann])
    m.set_resource("forms", [])
    # asked 3, reached 2 (forms: no one); practical 2, info 0; 1 domain reached; Ann has 2 items: not resourceful
    want = {"resources_asked": 3, "resources_accessed": 2, "resources_practical": 2, "resources_info": 0,
            "resource_diversity": 1, "n_resourceful": 0}  # fmt: skip
    s = em.measures(m)
    for d in DEFAULT_DOMAINS:  # the default scheme's domains are always columns; not this map's: NaN
        assert math.isnan(s[f"resources_{d}"]), d
    assert M.resources_accessed(m, "practical") == 2 and math.isnan(M.resources_accessed(m, "skills"))
    df = em.cohort_measures(store).set_index("map_id")
    cols = list(df.columns)
    at = cols.index("resources_accessed")
    assert cols[at + 1 : at + 8] == [
        *(f"resources_{d}" for d in DEFAULT_DOMAINS),
        "resources_practical",
        "resources_info",
    ]
    for name, v in want.items():
        assert s[name] == v and df.loc[m.id, name] == v, name
    for mm, expect in ((a, BASELINE), (b, SIX_MONTHS)):
        assert math.isnan(df.loc[mm.id, "resources_practical"]) and math.isnan(df.loc[mm.id, "resources_info"])
        for name, v in expect.items():
            assert _same(df.loc[mm.id, name], v), (mm.label, name)


def test_cohort_equals_hand_values_after_reopening(tmp_path):
    path = tmp_path / "c.sqlite"
    with em.open_store(path) as s:
        _two_maps(s)
    with em.open_store(path) as s:
        df = em.cohort_measures(s)
        for row, want in zip(df.itertuples(index=False), (BASELINE, SIX_MONTHS)):
            for name, v in want.items():
                assert _same(getattr(row, name), v), (row.map_label, name)
        ch = em.cohort_changes(s)
        assert ch["n_new_bridging"].tolist() == [2.0] and ch["d_resources_accessed"].tolist() == [4.0]


def test_change_measures_new_bridging():
    a, b = _two_maps()
    # gained Coach (clubs and groups: bridging), Priya (met through a volunteer project: bridging) and Nurse Kim
    # (linking): two new bridging ties. Resources reached 6 -> 10. Bridging 1 -> 4 (Sam's own view counts).
    c = M.change_measures(a, b)
    assert c["n_gained"] == 3 and c["n_lost"] == 1 and c["n_new_bridging"] == 2
    assert c["d_resources_accessed"] == 4 and c["d_n_bridging"] == 3 and c["d_resource_diversity"] == 2
    assert c["d_resources_skills"] != c["d_resources_skills"]  # NaN: skills not asked at baseline
    ch = em.compare(a, b)
    assert [x.label for x in ch.new_bridging] == ["Coach", "Priya"]
    assert ch.n_new_bridging == 2 and ch.d_resources_accessed == 4
    assert ch.composition.loc["resources_accessed"].tolist() == [6, 10, 4]
    assert ch.composition.loc["share_bridging", "after"] == 4 / 8
    summary = ch.summary()
    assert "2 new bridging ties (beyond the person's circles): Coach, Priya." in summary
    assert "Social capital: Sam: bonding to bridging." in summary
    assert "Resources someone could help with: 6 to 10 items." in summary
    assert "Resources someone could help with" in ch._repr_html_()
    # a retained alter moved only: no new bridging tie
    p = em.Person("R-M")
    x = p.new_map("A")
    x.add_alter("Coach", ring=2, sector="clubs_groups")
    y = p.new_map("B", copy_from=x)
    assert M.change_measures(x, y)["n_new_bridging"] == 0 and em.compare(x, y).n_new_bridging == 0
    assert math.isnan(em.compare(x, y).d_resources_accessed)  # nothing asked on either map


def test_change_frame_capital_and_met_through():
    a, b = _two_maps()
    df = em.compare(a, b).to_frame().set_index("label")
    coach = df.loc["Coach"]
    assert coach["status"] == "gained" and coach["met_through"] == "football club"
    assert pd.isna(coach["capital_before"]) and coach["capital_after"] == "bridging"
    assert coach["resources_after"] == "job_advice,teach_something,cv_interview"  # the scheme's order
    sam = df.loc["Sam"]
    assert (sam["capital_before"], sam["capital_after"]) == ("bonding", "bridging")
    assert df.loc["Dr Shah", "capital_before"] == "linking" and pd.isna(df.loc["Dr Shah", "capital_after"])
    assert df.loc["Mum", "resources_before"] == "small_loan,talk_worries,crisis_call,good_news"
    assert df.loc["Rex", "resources_after"] == ""
    words = em.compare(a, b).to_frame(readable=True).set_index("Name")
    assert words.loc["Coach", "Met through"] == "football club"
    assert words.loc["Coach", "Social capital (after)"] == "bridging"
    assert words.loc["Coach", "Social capital (before)"] == em.change.MISSING
    assert words.loc["Coach", "Resources (after)"] == (
        "Advice about a job or training, Teach you something new, A CV or a job interview"
    )
    assert words.loc["Rex", "Resources (after)"] == em.change.MISSING


def test_plain_functions_equal_cohort_on_maps_with_resources(store):
    _two_maps(store)
    df = em.cohort_measures(store).set_index("map_id")
    for p in store.people():
        for m in p.maps:
            s = em.measures(m)
            for name in M.MEASURES[M.MEASURES.index("resources_asked") :]:
                v = getattr(M, name)(m)
                assert _same(v, s[name]) and _same(v, df.loc[m.id, name]), (m.label, name)


@pytest.mark.parametrize(
    ("name", "cites"),
    [
        ("resources_accessed", ["Lin, N. (2001)", "Webber, M. P., & Huxley, P. J. (2007)"]),
        ("n_resourceful", ["Webber, M. P., & Huxley, P. J. (2007)"]),
        ("n_bridging", ["Putnam, R. D. (2000)"]),
        ("n_linking", ["Szreter, S., & Woolcock, M. (2004)"]),
    ],
)
def test_references(name, cites):
    doc = getattr(M, name).__doc__
    for c in cites:
        assert c in doc, (name, c)


def test_chunks_and_some_persons_give_the_same_table(store):
    # resources read whole and split by chunk, or read per chunk for some persons: the same rows
    import random

    rng = random.Random(5)
    with store.batch():
        _two_maps(store)
        for i in range(6):
            p = store.add_person(f"R-{i}")
            prev = None
            for t in range(2):
                m = p.new_map(f"T{t}", date=f"202{t}-01-01", copy_from=prev,
                              resources=_custom_scheme() if i == 3 and t == 0 else None)  # fmt: skip
                for j in range(rng.randint(0, 5)):
                    m.add_alter(f"A{t}{j}", ring=rng.randrange(3), sector=rng.choice(m.sectors.keys),
                                met_through=rng.choice(["", "choir", "school friend"]))  # fmt: skip
                ids = [a.id for a in m.alters]
                for item in m.resource_scheme.keys if i else ():  # nothing asked
                    if rng.random() < 0.5:
                        m.set_resource(item, rng.sample(ids, rng.randint(0, min(3, len(ids)))))
                prev = m
    whole = em.cohort_measures(store)
    assert whole["resources_practical"].notna().sum() == 2  # the custom scheme, copied forward
    assert whole["n_resourceful"].gt(0).any() and whole["resources_accessed"].isna().any()
    pd.testing.assert_frame_equal(em.cohort_measures(store, chunk_size=2), whole)
    pd.testing.assert_frame_equal(em.cohort_changes(store, chunk_size=3), em.cohort_changes(store))
    some = ["R-1", "R-3"]
    part = em.cohort_measures(store, persons=some)
    pd.testing.assert_frame_equal(part, whole[whole["person_id"].isin(some)].reset_index(drop=True))
