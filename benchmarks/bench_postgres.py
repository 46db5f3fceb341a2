"""Speed of the PostgreSQL store (issue 12). Prints its figures; not a test.

Targets, on a map with 150 alters and 300 ties, on a local PostgreSQL:

* one edit committed in <= 10 ms at the 95th percentile, and no more than 2x a bare psycopg
  single-row insert + commit measured in the same run (same server, same connection settings);
* loading the map <= 30 ms;
* cohort measures as a researcher through the pseudonymised views within 1.5x the time on SQLite
  (``--cohort N`` persons x 3 maps; 0 to skip).

Each edit is timed next to a bare insert (one, then the other, in rounds), so that both meet the
same load; min, median and p95 are printed.

Run: ``python benchmarks/bench_postgres.py [--edits 400] [--cohort 2000] [--url postgresql://...]``
(without ``--url`` a throwaway local cluster is started, as the tests do).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

import egomap as em
from egomap.demo import synthetic_cohort
from egomap.store.postgres import team
from egomap.store.postgres.copy import copy_store

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from bench_store import build_map, pct  # noqa: E402
from pg import Cluster  # noqa: E402


def edit(m: em.Map, rng: random.Random, i: int) -> None:
    """One edit of the kinds a session makes: a move, an attribute update, a tie toggled."""
    alters = m.alters
    a, b = rng.sample(alters, 2)
    if i % 3 == 0:
        m.move(a, angle=rng.uniform(0, 360), radius=rng.uniform(0.2, 0.99))
    elif i % 3 == 1:
        m.update(a, note=f"note {i}")
    else:
        if i % 6 == 2:  # remove one tie, then add one: the map keeps 300
            tie = rng.choice(m.ties)
            a, b = m.alter(tie.a), m.alter(tie.b)
        else:
            while m.has_tie(a, b):
                a, b = rng.sample(alters, 2)
        m.toggle_tie(a, b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=400)
    ap.add_argument("--cohort", type=int, default=2000, help="persons (x 3 maps) for the cohort timing; 0: skip")
    ap.add_argument("--url", help="an empty database to use (default: start a local throwaway cluster)")
    args = ap.parse_args()
    cluster = None if args.url else Cluster()
    try:
        url = args.url or cluster.new_db()  # type: ignore[union-attr]
        run(url, args, cluster)
    finally:
        if cluster is not None:
            cluster.stop()


def run(url: str, args: argparse.Namespace, cluster: Cluster | None) -> None:
    store = em.open_store(url)
    m = build_map(store)
    print(f"map: {len(m)} alters, {len(m.ties)} ties, on {store.path}")
    bare = psycopg.connect(url, autocommit=True)
    bare.execute("CREATE TABLE bare (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, x TEXT)")
    rng = random.Random(0)
    for i in range(20):  # warm up both
        edit(m, rng, i)
        bare.execute("INSERT INTO bare (x) VALUES (%s)", (f"warm {i}",))
    edit_t, bare_t = [], []
    for i in range(args.edits):  # interleaved: one edit, then one bare insert + commit
        t0 = time.perf_counter()
        edit(m, rng, i)
        edit_t.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        with bare.transaction():
            bare.execute("INSERT INTO bare (x) VALUES (%s)", (f"row {i}",))
        bare_t.append((time.perf_counter() - t0) * 1000)
    e95, b95 = pct(edit_t, 0.95), pct(bare_t, 0.95)
    print(
        f"edit commit:  min {min(edit_t):.2f} ms, median {statistics.median(edit_t):.2f} ms, p95 {e95:.2f} ms  "
        f"(target p95 <= 10 ms: {_ok(e95 <= 10)})"
    )
    print(f"bare insert:  min {min(bare_t):.2f} ms, median {statistics.median(bare_t):.2f} ms, p95 {b95:.2f} ms")
    print(f"ratio p95 edit / bare insert: {e95 / b95:.2f}x  (target <= 2x: {_ok(e95 / b95 <= 2)})")
    print(f"ratio median edit / bare insert: {statistics.median(edit_t) / statistics.median(bare_t):.2f}x")
    bare.close()
    map_id = m.id
    store.close()

    opens, loads = [], []
    for _ in range(20):
        t0 = time.perf_counter()
        s = em.open_store(url)
        t1 = time.perf_counter()
        mm = s.person("BENCH").map("Baseline")
        n = len(mm)  # a map's contents load on first use: include that in the time
        t2 = time.perf_counter()
        opens.append((t2 - t0) * 1000)
        loads.append((t2 - t1) * 1000)
        assert n == 150 and mm.id == map_id
        ties = len(mm.ties)
        s.close()
    print(
        f"load map of 150 alters, {ties} ties (person + map, connection open): min {min(loads):.2f} ms, "
        f"median {statistics.median(loads):.2f} ms, max {max(loads):.2f} ms  (target <= 30 ms: {_ok(max(loads) <= 30)})"
    )
    print(f"(with connecting to the server too: median {statistics.median(opens):.2f} ms, max {max(opens):.2f} ms)")
    if args.cohort:
        cohort(url, args.cohort, cluster)


def cohort(url: str, n: int, cluster: Cluster | None) -> None:
    """Cohort measures on SQLite and, as a researcher through the views, on PostgreSQL (interleaved rounds)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "cohort.sqlite"
        with em.open_store(path) as s:
            t0 = time.perf_counter()
            synthetic_cohort(s, n=n, k=3, seed=0, consent_rate=1.0)
            print(f"(built {n} persons x 3 maps on SQLite in {time.perf_counter() - t0:.1f} s)")
        if cluster is None:
            print("cohort timing needs the throwaway cluster (a researcher role is made there); skipped")
            return
        db = cluster.new_db()
        copy_store(path, db, report=None)
        team.init(db)
        team.add_member(db, "bench_researcher", "researcher")
        rurl = cluster.url(db.rsplit("/", 1)[1], "bench_researcher")
        lite, pg = [], []
        with em.open_store(path) as s, em.open_store(rurl) as r:
            for _ in range(5):
                t0 = time.perf_counter()
                a = em.cohort_measures(s, progress=False)
                lite.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                b = em.cohort_measures(r, progress=False)
                pg.append(time.perf_counter() - t0)
            assert len(a) == len(b) == 3 * n
        ratio = statistics.median(pg) / statistics.median(lite)
        print(
            f"cohort measures, {n} persons x 3 maps: SQLite min {min(lite):.2f} s, median {statistics.median(lite):.2f} s; "
            f"PostgreSQL as researcher (views) min {min(pg):.2f} s, median {statistics.median(pg):.2f} s; "
            f"ratio of medians {ratio:.2f}x, of minima {min(pg) / min(lite):.2f}x (target <= 1.5x: {_ok(ratio <= 1.5)})"
        )


def _ok(met: bool) -> str:
    return "met" if met else "NOT MET"


if __name__ == "__main__":
    main()
