"""Benchmark: linking proposals for a whole study (issue 13's target: 10,000 persons x 2 waves x 25 alters <= 30 s).

Builds, in a temporary store, a study imported from another tool: every person
has two waves of about 25 alters each, and no alter is the same alter at both
(as after a Network Canvas import). About 80 % of the people named at wave 1
are named again at wave 2, some written differently (case, a typo, initials, a
short form); the rest are new. Then times ``link_waves(store)`` (3 rounds, min
and median) and prints how many of the true pairs it proposed, and how many
proposals were wrong.

Run:  python benchmarks/bench_linking.py [--n 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import tempfile
import time

import egomap as em
from egomap.linking import link_waves

FIRST = (
    "Maya Jon Ade Kim Lou Sam Alex Priya Tom Rae Omar Zoe Ben Ivy Leah Noor Finn Ana Raj Eve Hugo Nia Tess Cal Dev "
    "Ola Kai Mia Leo Ruth Ema Paul Sara Ian Beth Joe Amir Lena Carl Rosa Yusuf Chloe Dan Ella Femi Gus Hana Isla"
).split()
SURNAMES = "Reed Shah Okafor Lee Brown Khan Smith Novak Silva Jones Evans Clarke Ahmed Walsh Doyle".split()
SECTORS = ("household", "family", "work_school", "clubs_groups", "friends", "neighbours", "services")


def _variant(rng: random.Random, name: str) -> str:
    r = rng.random()
    if r < 0.6:
        return name
    if r < 0.75:
        return name.upper() if rng.random() < 0.5 else name.lower()
    if r < 0.85 and len(name) >= 5:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # two letters swapped
    first, _, last = name.partition(" ")
    return f"{first[0]}. {last}" if last else name


def build(store: em.Store, n: int, alters: int, seed: int, save: bool = True) -> set[tuple[str, str]]:
    """The study, and the true pairs (person id, name at wave 1) present at both waves."""
    rng = random.Random(seed)
    truth: set[tuple[str, str]] = set()
    with store.batch() if save else contextlib.nullcontext():
        for i in range(n):
            p = em.Person(f"W-{i:05d}")
            pool = rng.sample(
                [f"{f} {s}" if rng.random() < 0.4 else f for f in FIRST for s in SURNAMES[:2]], alters * 2
            )
            pool = list(dict.fromkeys(pool))
            w1 = pool[:alters]
            kept = [x for x in w1 if rng.random() < 0.8]
            w2 = [(x, _variant(rng, x)) for x in kept] + [(None, x) for x in pool[alters : alters + alters - len(kept)]]
            m1 = p.new_map("Wave 1", date="2026-01-01")
            places = {}
            for name in w1:
                places[name] = (rng.randrange(3), rng.choice(SECTORS))
                m1.add_alter(name, ring=places[name][0], sector=places[name][1])
            m2 = p.new_map("Wave 2", date="2026-07-01")
            for orig, name in w2:
                ring, sector = places.get(orig) or (rng.randrange(3), rng.choice(SECTORS))
                m2.add_alter(name, ring=ring, sector=sector)
                if orig is not None:
                    truth.add((p.id, orig))
            if save:
                store.import_person(p)
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=int(os.environ.get("BENCH_N", "10000")), help="persons (10000)")
    ap.add_argument("--alters", type=int, default=25, help="alters per wave (25)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--store", help="keep the study in this file (built once; reused when it exists)")
    args = ap.parse_args()
    path = args.store or os.path.join(tempfile.mkdtemp(), "bench_linking.sqlite")
    fresh = not os.path.exists(path)
    store = em.open_store(path)
    t0 = time.perf_counter()
    truth = build(store, args.n, args.alters, seed=1, save=fresh)
    info = store.info()
    print(
        f"built {info['persons']} persons, {info['maps']} maps, {info['alters']} alters in {time.perf_counter() - t0:.0f} s"
    )
    times = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        table = link_waves(store)
        times.append(time.perf_counter() - t0)
    found = set(zip(table.person_id, table.earlier_label))
    right = len(found & truth)
    wrong = len(table) - right
    print(
        f"link_waves: {len(table)} proposals; {right} of {len(truth)} true pairs found ({right / len(truth):.1%}), "
        f"{wrong} proposals not a true pair"
    )
    print(
        f"link_waves time: min {min(times):.2f} s, median {statistics.median(times):.2f} s (target <= 30 s at 10,000)"
    )
    sure = table[table.score >= 0.95]
    print(f"of which score >= 0.95: {len(sure)}, {len(set(zip(sure.person_id, sure.earlier_label)) - truth)} not true")


if __name__ == "__main__":
    main()
