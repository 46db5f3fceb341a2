"""The fictional demo case and a synthetic cohort generator.

The demo case is fictional: "Jamie" (pseudonymous id ``DEMO-01``), a young
man recovering from a first episode of psychosis, drawn at three time points.

* **Baseline**: a small network of family and mental-health professionals;
  his dad is a stressful tie.
* **6 months**: his support worker linked him to a community football project;
  the coach and several players are on the map, and one player, Marcus, has
  become a friend who helped him move flat.
* **12 months**: he has a job at a garden centre and colleagues; fewer
  professionals; Marcus is in the inner circle.

Goals and ``met_through`` record how each new tie came about. Each map
also records **who could help with what** (egomap's default resource scheme)
and, where Jamie said so, the **kind of social capital** a person brings
(bonding, bridging, linking; otherwise egomap's default rule decides):

* **Baseline**: 8 of the 20 resource items asked; his family (bonding) and his
  mental-health team (linking) are the only help, and nobody could advise
  him about a job.
* **6 months**: the football ties are bridging; the coach, Dave, could teach
  him something new and introduce him to people, and Marcus helped him move.
* **12 months**: Dave passed on the lead to the garden-centre job (advice
  about a job: expert advice, through a bridging tie); colleagues help with
  computers and repairs; Jamie sees Marcus as family now (bonding, his own
  view) and his manager, Sue, as someone with a say over his work (linking).

Examples
--------
>>> from egomap.demo import demo_case
>>> p = demo_case()                      # in memory; pass a store to save it
>>> [m.label for m in p.maps]
['Baseline', '6 months', '12 months']
>>> len(p.map("Baseline")), len(p.map("12 months"))
(7, 12)
>>> sorted(p.map("12 months").alter(a).label for a in p.map("12 months").resource("job_advice"))
['Dave', 'Sue']
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from egomap import geometry as _geometry
from egomap import schemes as _schemes
from egomap.model import (
    CONTACTS,
    SUPPORT_TYPES,
    VALENCES,
    Alter,
    Map,
    MapState,
    Person,
    Placement,
    Tie,
)
from egomap.store import Store

__all__ = ["DEMO_ID", "FOOTBALL", "demo_case", "synthetic_person", "synthetic_cohort"]

#: Pseudonymous id of the demo person.
DEMO_ID = "DEMO-01"
#: Where the new football ties came from.
FOOTBALL = "Kickabout community football project"
_JOB = "Individual Placement and Support (job coach)"


def demo_case(store: Store | None = None, person_id: str = DEMO_ID) -> Person:
    """Write the fictional demo case (three maps) and return the person.

    Parameters
    ----------
    store : Store, optional
        Where to save it (in one transaction). Without a store the person is
        kept in memory.
    person_id : str
        Pseudonymous id to use.

    Returns
    -------
    Person
        "Jamie", with maps ``Baseline``, ``6 months`` and ``12 months``.

    Examples
    --------
    >>> from egomap.demo import demo_case, FOOTBALL
    >>> p = demo_case()
    >>> six = p.map("6 months")
    >>> sorted(a.label for a in six.alters if a.met_through == FOOTBALL)
    ['Dave', 'Josh', 'Kwame', 'Marcus']
    >>> p.map("12 months").placement("Marcus").ring    # in the inner circle
    0
    """
    if store is None:
        return _draw_demo(Person(person_id, "Jamie", consent_research=True))
    with store.batch():
        return _draw_demo(store.add_person(person_id, "Jamie", consent_research=True))


def _draw_demo(p: Person) -> Person:
    base = p.new_map("Baseline", date="2026-01-12", notes="First session. Jamie chose who to include.")
    mum = base.add_alter(
        "Mum",
        0,
        "household",
        relationship="mother",
        support_received={"emotional", "practical"},
        support_given={"companionship"},
        valence="supportive",
        contact="daily",
    )
    dad = base.add_alter(
        "Dad",
        1,
        "household",
        relationship="father",
        support_received={"practical"},
        valence="stressful",
        contact="daily",
        note="Arguments about money and about Jamie's illness.",
    )
    leah = base.add_alter(
        "Leah",
        0,
        "family",
        relationship="sister",
        support_received={"emotional", "companionship"},
        support_given={"emotional"},
        valence="supportive",
        contact="weekly",
    )
    gran = base.add_alter(
        "Gran",
        1,
        "family",
        relationship="grandmother",
        support_received={"emotional"},
        support_given={"practical"},
        valence="supportive",
        contact="weekly",
    )
    priya = base.add_alter(
        "Priya",
        1,
        "services",
        relationship="care coordinator",
        is_professional=True,
        met_through="Early intervention in psychosis team",
        support_received={"emotional", "information"},
        valence="supportive",
        contact="weekly",
    )
    okafor = base.add_alter(
        "Dr Okafor",
        2,
        "services",
        relationship="psychiatrist",
        is_professional=True,
        met_through="Early intervention in psychosis team",
        support_received={"information"},
        valence="mixed",
        contact="monthly",
    )
    tom = base.add_alter(
        "Tom",
        1,
        "services",
        relationship="support worker",
        is_professional=True,
        met_through="Early intervention in psychosis team",
        support_received={"practical", "companionship"},
        valence="supportive",
        contact="weekly",
    )
    for a, b in [
        (mum, dad),
        (mum, leah),
        (dad, leah),
        (mum, gran),
        (leah, gran),
        (priya, okafor),
        (priya, tom),
        (mum, priya),
    ]:
        base.add_tie(a, b)
    base.add_goal(
        "Try the Tuesday community football session",
        steps=["Tom finds out the times", "Go along with Tom the first time"],
        alters=[tom],
    )
    _who_could_help(
        base,
        small_loan=[mum],
        move_or_carry=[dad],
        official_letters=[tom],
        health_advice=[priya, okafor],
        job_advice=[],  # asked: no one
        meet_people=[tom],
        talk_worries=[leah, priya],
        crisis_call=[mum, priya],
    )

    six = p.new_map(
        "6 months",
        date="2026-07-13",
        copy_from=base,
        notes="Jamie has been going to football every week. He moved into his own flat.",
    )
    six.update_goal(six.goals[0], status="done")
    six.move(mum, ring=0, sector="family")
    six.move(dad, ring=2, sector="family")
    six.update(dad, valence="mixed", contact="monthly")
    six.update(okafor, contact="less often")
    dave = six.add_alter(
        "Dave",
        2,
        "clubs_groups",
        relationship="football coach",
        met_through=FOOTBALL,
        support_received={"information", "companionship"},
        valence="supportive",
        contact="weekly",
    )
    marcus = six.add_alter(
        "Marcus",
        1,
        "friends",
        relationship="friend",
        met_through=FOOTBALL,
        support_received={"practical", "companionship", "emotional"},
        support_given={"companionship", "practical"},
        valence="supportive",
        contact="weekly",
        note="Helped Jamie move into his flat.",
    )
    josh = six.add_alter(
        "Josh",
        2,
        "clubs_groups",
        relationship="football teammate",
        met_through=FOOTBALL,
        support_received={"companionship"},
        support_given={"companionship"},
        valence="supportive",
        contact="weekly",
    )
    kwame = six.add_alter(
        "Kwame",
        2,
        "clubs_groups",
        relationship="football teammate",
        met_through=FOOTBALL,
        support_received={"companionship"},
        valence="supportive",
        contact="weekly",
    )
    for a, b in [(dave, marcus), (dave, josh), (dave, kwame), (marcus, josh), (josh, kwame), (tom, dave)]:
        six.add_tie(a, b)
    six.add_goal("Look for part-time work", steps=["Meet the job coach with Tom"], alters=[tom])
    _who_could_help(
        six,
        move_or_carry=[dad, marcus],
        teach_something=[dave],
        meet_people=[tom, dave],
        good_news=[leah, marcus],
        company=[marcus, josh, leah],
        shopping_unwell=[mum],
    )

    twelve = p.new_map(
        "12 months", date="2027-01-11", copy_from=six, notes="Jamie started work at the garden centre in November."
    )
    twelve.update_goal(twelve.goals[0], status="done")
    twelve.remove_alter(tom)
    twelve.remove_alter(okafor)
    twelve.remove_alter(kwame)
    twelve.move(priya, ring=2)
    twelve.update(priya, contact="monthly")
    twelve.move(marcus, ring=0)
    twelve.update(
        marcus,
        support_received={"emotional", "practical", "companionship"},
        support_given={"emotional", "companionship"},
        contact="daily",
    )
    twelve.move(josh, ring=1, sector="friends")
    twelve.update(josh, relationship="friend")
    twelve.update(dad, valence="supportive")
    twelve.update(dave, note="Told Jamie about the job at the garden centre.")
    gp = twelve.add_alter(
        "Dr Lewis",
        2,
        "services",
        relationship="GP",
        is_professional=True,
        met_through="Discharge to primary care",
        support_received={"information"},
        valence="supportive",
        contact="less often",
    )
    sue = twelve.add_alter(
        "Sue",
        1,
        "work_school",
        relationship="manager",
        met_through=_JOB,
        support_received={"practical", "information"},
        valence="supportive",
        contact="weekly",
    )
    ben = twelve.add_alter(
        "Ben",
        2,
        "work_school",
        relationship="colleague",
        met_through=_JOB,
        support_received={"companionship"},
        support_given={"practical"},
        valence="supportive",
        contact="weekly",
    )
    twelve.add_alter(
        "Nadia",
        2,
        "work_school",
        relationship="colleague",
        met_through=_JOB,
        support_received={"information"},
        valence="mixed",
        contact="weekly",
    )
    for a, b in [(sue, ben), (sue, "Nadia"), (ben, "Nadia"), (gp, priya)]:
        twelve.add_tie(a, b)
    twelve.add_goal("Invite Ben to a football match", steps=["Ask Marcus for spare tickets"], alters=[ben, marcus])
    # in Jamie's own words: Marcus is like family now, and his manager has a say over his work
    twelve.update(marcus, capital="bonding")
    twelve.update(sue, capital="linking")
    _who_could_help(
        twelve,
        job_advice=[dave, sue],  # the coach passed on the lead to the garden-centre job
        official_letters=[leah],  # Tom has gone
        cv_interview=[sue],
        phone_computer=["Nadia"],
        fix_things=[ben],
        small_loan=[mum, marcus],
        crisis_call=[mum, marcus],
        talk_worries=[leah, marcus],
        big_decision=[leah, marcus],
        company=[marcus, josh, ben],
        health_advice=[priya, gp],
    )
    return p


def _who_could_help(m: Map, **items: list) -> None:
    """Record who could help with each item (alters or labels; ``[]``: asked, no one)."""
    for item, alters in items.items():
        m.set_resource(item, alters)


# --------------------------------------------------------------------------- synthetic cohort

_SECTOR_WEIGHTS = {
    "household": 1.2,
    "family": 3.0,
    "work_school": 1.5,
    "clubs_groups": 1.2,
    "friends": 2.5,
    "neighbours": 0.6,
    "services": 2.0,
}
_RELATIONSHIPS = {
    "household": ["mother", "father", "partner", "flatmate", "brother", "sister"],
    "family": ["aunt", "uncle", "cousin", "grandmother", "brother", "sister"],
    "work_school": ["colleague", "manager", "classmate", "tutor"],
    "clubs_groups": ["coach", "teammate", "group member", "volunteer"],
    "friends": ["friend", "old school friend", "online friend"],
    "neighbours": ["neighbour"],
    "services": ["care coordinator", "psychiatrist", "GP", "support worker", "social worker", "peer worker"],
}


def _placement(rng: random.Random, aid: str, ring: int, sector: str, rings, sectors, slot: int, prof: bool):
    angle, radius = _geometry.spread_position(ring, sector, rings, sectors, slot)
    val = rng.choices(VALENCES, weights=(7, 2, 1))[0]
    k = rng.randint(0, 3)
    return Placement(
        aid,
        ring=ring,
        sector=sector,
        angle=angle,
        radius=radius,
        support_received=frozenset(rng.sample(SUPPORT_TYPES, k)),
        support_given=frozenset(rng.sample(SUPPORT_TYPES, rng.randint(0, 2))) if not prof else frozenset(),
        valence=val,
        contact=rng.choice(CONTACTS),
    )


def synthetic_person(person_id: str, k: int = 3, seed: int | None = 0, *, consent_research: bool = True) -> Person:
    """One synthetic person with ``k`` maps (in memory), with realistic turnover.

    Sizes lie between 5 and 40 alters; about 80 % of alters are kept from one
    time point to the next, some move a ring, and new ones appear. The same
    ``person_id`` and ``seed`` give the same person, ids included.

    Examples
    --------
    >>> from egomap.demo import synthetic_person
    >>> p = synthetic_person("S-00001", k=3, seed=1)
    >>> len(p.maps), all(5 <= len(m) <= 40 for m in p.maps)
    (3, True)
    """
    rng = random.Random(seed)
    # ids come from their own stream, so that the same seed gives the same ids without changing the content
    id_rng = random.Random(f"egomap-ids:{seed}:{person_id}")

    def new_id() -> str:
        return f"{id_rng.getrandbits(128):032x}"

    p = Person(person_id, consent_research=consent_research)
    rings = _schemes.ring_scheme(_schemes.DEFAULT_RINGS)
    sectors = _schemes.sector_scheme(_schemes.DEFAULT_SECTORS)
    keys = list(_SECTOR_WEIGHTS)
    weights = list(_SECTOR_WEIGHTS.values())
    target = min(40, max(5, int(rng.lognormvariate(2.7, 0.45))))
    prev: Map | None = None
    for t in range(k):
        map_id = new_id()
        label = "Baseline" if t == 0 else f"{6 * t} months"
        st = MapState(info={"label": label, "date": f"{2026 + (t // 2)}-{1 + 6 * (t % 2):02d}-15", "notes": ""})
        cells: dict[tuple[int, str], int] = {}
        if prev is not None:
            before = prev.placements
            for a in prev.alters:
                aid = a.id
                if rng.random() < 0.8:
                    old = before[aid]
                    ring = min(max(old.ring + rng.choice((-1, 0, 0, 0, 0, 1)), 0), len(rings) - 1)
                    slot = cells.get((ring, old.sector), 0)
                    cells[(ring, old.sector)] = slot + 1
                    st.alters[aid] = a
                    st.placements[aid] = _placement(rng, aid, ring, old.sector, rings, sectors, slot, a.is_professional)
            target = min(40, max(5, target + rng.randint(-4, 6)))
        while len(st.alters) < target:
            sector = rng.choices(keys, weights)[0]
            ring = rng.choices((0, 1, 2), (2, 3, 4))[0]
            prof = sector == "services" or rng.random() < 0.03
            aid = new_id()
            a = Alter(
                aid,
                label=f"{sector[:3].title()} {rng.randint(1, 999)}",
                kind=rng.choices(("person", "group", "organisation", "online", "pet"), (90, 4, 3, 2, 1))[0],
                relationship=rng.choice(_RELATIONSHIPS[sector]),
                is_professional=prof,
                met_through=rng.choice(["", "", "school", "work", "club", "team"]),
            )
            slot = cells.get((ring, sector), 0)
            cells[(ring, sector)] = slot + 1
            st.alters[aid] = a
            st.placements[aid] = _placement(rng, aid, ring, sector, rings, sectors, slot, prof)
        ids = list(st.alters)
        if prev is not None:
            for t_ in prev.ties:
                if t_.a in st.alters and t_.b in st.alters and rng.random() < 0.9:
                    st.ties[t_] = None
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                same = st.placements[x].sector == st.placements[y].sector
                if rng.random() < (0.45 if same else 0.04):
                    st.ties[Tie.of(x, y)] = None
        prev = p.add_map(st, id=map_id, rings=rings, sectors=sectors, copied_from=prev.id if prev else None)
    return p


def synthetic_cohort(
    store: Store | None = None,
    n: int = 50,
    k: int = 3,
    seed: int = 0,
    *,
    consent_rate: float = 0.9,
    prefix: str = "S-",
) -> list[Person]:
    """A seeded synthetic cohort of ``n`` persons with ``k`` maps each.

    Parameters
    ----------
    store : Store, optional
        Where to save it (one transaction); otherwise the persons are kept in memory.
    n, k : int
        Number of persons and of time points.
    seed : int
        Same seed, same cohort.
    consent_rate : float
        Share of persons who consented to research use.
    prefix : str
        Person ids are ``prefix`` plus a zero-padded number.

    Returns
    -------
    list of Person
        When a store is given, the persons as saved in the store.

    Examples
    --------
    >>> from egomap.demo import synthetic_cohort
    >>> cohort = synthetic_cohort(n=3, k=2, seed=4)
    >>> [p.id for p in cohort]
    ['S-00001', 'S-00002', 'S-00003']
    """
    people = _generate(n, k, seed, consent_rate, prefix)
    if store is None:
        return list(people)
    ids = []
    with store.batch():
        for p in people:
            store.import_person(p)
            ids.append(p.id)
    return [store.person(i) for i in ids]


def _generate(n: int, k: int, seed: int, consent_rate: float, prefix: str) -> Iterator[Person]:
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield synthetic_person(
            f"{prefix}{i:05d}", k, rng.randrange(2**32), consent_research=rng.random() < consent_rate
        )
