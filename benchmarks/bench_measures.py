"""Benchmark: cohort measures against honest baselines, interleaved, with peak memory.

For each cohort size (default 1,000 and 10,000 persons x 3 maps, egomap's
synthetic cohort, page cache warm) it times, in interleaved rounds (default 3;
min and median printed):

* ``egomap measures`` -- ``em.cohort_measures(store)``;
* ``egomap changes`` -- ``em.cohort_changes(store)``;
* ``I/O floor`` -- what a researcher who knows SQL would write: one query per
  table for the ids (placements: map and alter; ties: map and both ends),
  straight into numpy, then size and density per map (pandas factorising the
  ids);
* ``igraph loop`` -- the floor's read, the tie ends matched to their alters,
  then one python-igraph graph per map (the person tied to every alter):
  size, ties, density, components, isolates, effective size and constraint;
* ``networkx loop`` -- every map loaded through egomap's API, one networkx graph
  each (the person tied to every alter), the same structural measures with
  networkx's fastest correct calls (``nx.constraint(G)`` for all nodes, then the
  person's value).

It checks that egomap's table equals the loops' structural values within 1e-9,
and every column of :func:`egomap.measures.reference_measures` on a sample of
maps, and prints the ratios to the
I/O floor and to the igraph loop measured in the same run. Then it measures
the peak memory growth (``ru_maxrss`` in a fresh interpreter, from the
resident size after imports) of ``cohort_measures`` + ``cohort_changes`` on a
larger cohort (default 50,000 persons x 3 maps).

With ``--resources`` each cohort also gets resources (issue 17): on 80% of
the maps each item of the default resource scheme is asked with a chance of
70% (a fifth of those "no one", the rest one to three of the map's alters),
and 10% of the placements a recorded capital type; these rows are written
straight into the store's tables (seeded), not through the edit log.

Run:  python benchmarks/bench_measures.py [--sizes 1000,10000] [--rounds 3]
      [--memory 50000] [--dir DIR] [--no-networkx-above N] [--resources]
      Stores are kept in DIR (default: a temporary folder) and reused when present;
      ``--egomap PATH`` times the egomap package found in PATH instead (a copy of
      an older version, for before/after figures).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

STRUCTURE = ["size", "n_ties", "density", "n_components", "n_isolates", "effective_size", "constraint"]


def floor(path: str) -> pd.DataFrame:
    """The I/O floor: the ids of both tables straight into numpy, then size and density per map."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        pl = np.array(con.execute("SELECT map_id, alter_id FROM placements").fetchall(), dtype=object).reshape(-1, 2)
        ties = np.array(con.execute("SELECT map_id, a, b FROM ties").fetchall(), dtype=object).reshape(-1, 3)
    finally:
        con.close()
    codes, maps = pd.factorize(pl[:, 0])
    n = np.bincount(codes, minlength=len(maps)).astype(float)
    t = np.bincount(pd.Index(maps).get_indexer(ties[:, 0]), minlength=len(maps)).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        density = np.where(n >= 2, t / (n * (n - 1) / 2), np.nan)
    return pd.DataFrame({"map_id": maps, "size": n, "n_ties": t, "density": density})


def igraph_loop(path: str) -> pd.DataFrame:
    """The floor's read, then one python-igraph graph per map with the structural measures."""
    import sqlite3

    import igraph as ig

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        pl = np.array(con.execute("SELECT map_id, alter_id FROM placements").fetchall(), dtype=object).reshape(-1, 2)
        ties = np.array(con.execute("SELECT map_id, a, b FROM ties").fetchall(), dtype=object).reshape(-1, 3)
    finally:
        con.close()
    mcode, maps = pd.factorize(pl[:, 0])
    acode, alters = pd.factorize(pl[:, 1])
    order = np.lexsort((acode, mcode))
    mcode, acode = mcode[order], acode[order]
    starts = np.searchsorted(mcode, np.arange(len(maps) + 1))
    key = mcode.astype(np.int64) * len(alters) + acode
    tm = pd.Index(maps).get_indexer(ties[:, 0]).astype(np.int64)
    ai = pd.Index(alters)
    ra = np.searchsorted(key, tm * len(alters) + ai.get_indexer(ties[:, 1]))
    rb = np.searchsorted(key, tm * len(alters) + ai.get_indexer(ties[:, 2]))
    tord = np.argsort(tm, kind="stable")
    tm, ra, rb = tm[tord], ra[tord], rb[tord]
    tstarts = np.searchsorted(tm, np.arange(len(maps) + 1))
    rows = []
    for i in range(len(maps)):
        s, n = starts[i], starts[i + 1] - starts[i]
        e = np.column_stack((ra[tstarts[i] : tstarts[i + 1]] - s, rb[tstarts[i] : tstarts[i + 1]] - s))
        g = ig.Graph(n=n + 1, edges=np.vstack((e, np.column_stack((np.full(n, n), np.arange(n))))).tolist())
        t = len(e)
        ga = g.subgraph(range(n)) if n else None
        deg = np.array(ga.degree()) if n else np.zeros(0)
        rows.append(
            (
                float(n),
                float(t),
                t / (n * (n - 1) / 2) if n >= 2 else np.nan,
                float(len(ga.connected_components())) if n else 0.0,
                float((deg == 0).sum()),
                n - 2 * t / n if n else np.nan,
                g.constraint([n])[0] if n else np.nan,
            )
        )
    out = pd.DataFrame(rows, columns=STRUCTURE)
    out.insert(0, "map_id", maps)
    return out


def networkx_loop(store) -> pd.DataFrame:  # noqa: ANN001
    """Every map loaded through egomap's API, one networkx graph each, with the structural measures.

    The fastest correct networkx calls: ``nx.constraint(G)`` for all nodes
    (networkx's sparse-matrix path), then the person's value.
    """
    import networkx as nx

    ego = "__ego__"
    rows = []
    for p in store.people():
        for m in p.maps:
            st = m.state()
            alters = list(st.placements)
            n = len(alters)
            g = nx.Graph()
            g.add_node(ego)
            g.add_edges_from((ego, a) for a in alters)
            g.add_edges_from((t.a, t.b) for t in st.ties)
            ga = g.subgraph(alters)
            t = ga.number_of_edges()
            rows.append(
                (
                    m.id,
                    float(n),
                    float(t),
                    nx.density(ga) if n >= 2 else np.nan,
                    float(nx.number_connected_components(ga)),
                    float(nx.number_of_isolates(ga)),
                    nx.effective_size(g, nodes=[ego])[ego] if n else np.nan,
                    nx.constraint(g)[ego] if n else np.nan,
                )
            )
    return pd.DataFrame(rows, columns=["map_id", *STRUCTURE])


def reference_sample(store, limit: int) -> pd.DataFrame:  # noqa: ANN001
    """Every column of :func:`egomap.measures.reference_measures` for the first ``limit`` maps."""
    from egomap.measures import reference_measures

    rows = []
    for p in store.people():
        for m in p.maps:
            if len(rows) >= limit:
                return pd.DataFrame(rows).reset_index(drop=True)
            rows.append(pd.concat([pd.Series({"map_id": m.id}, dtype=object), reference_measures(m).astype(object)]))
    return pd.DataFrame(rows).reset_index(drop=True)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def compare(a: pd.DataFrame, b: pd.DataFrame, cols: list[str]) -> float:
    """Max |difference| over ``cols`` of two tables joined on map_id; inf if NaNs differ or maps are missing."""
    j = a[["map_id", *cols]].merge(b[["map_id", *cols]], on="map_id", how="outer", suffixes=("", "_b"))
    x = j[cols].to_numpy(dtype=float)
    y = j[[f"{c}_b" for c in cols]].to_numpy(dtype=float)
    if len(j) != len(a) or len(j) != len(b) or not np.array_equal(np.isnan(x), np.isnan(y)):
        return float("inf")
    return float(np.nanmax(np.abs(x - y))) if x.size else 0.0


def build(path: str, n: int, k: int) -> None:
    import egomap as em
    from egomap.demo import synthetic_cohort

    store = em.open_store(path)
    try:
        if not store.person_ids():
            t0 = time.perf_counter()
            synthetic_cohort(store, n=n, k=k, seed=1)
            print(f"  built {n} persons x {k} maps in {time.perf_counter() - t0:.0f} s ({path})", flush=True)
    finally:
        store.close()


def add_resources(path: str, seed: int = 17) -> None:
    """Seeded resources and recorded capital types written straight into a store's tables (if it has none)."""
    import random
    import sqlite3

    import egomap as em

    items = em.resource_scheme().keys
    con = sqlite3.connect(path)
    try:
        if con.execute("SELECT count(*) FROM resources").fetchone()[0]:
            return
        t0 = time.perf_counter()
        rng = random.Random(seed)
        by_map: dict[str, list[str]] = {}
        for map_id, alter_id in con.execute("SELECT map_id, alter_id FROM placements ORDER BY rowid"):
            by_map.setdefault(map_id, []).append(alter_id)
        rows = []
        for map_id, alters in by_map.items():
            if rng.random() < 0.2:
                continue  # nothing asked on this map
            for item in items:
                r = rng.random()
                if r < 0.14:
                    rows.append((map_id, item, ""))  # no one
                elif r < 0.7:
                    rows.extend((map_id, item, a) for a in rng.sample(alters, min(len(alters), rng.randint(1, 3))))
        capital = [
            (rng.choice(["bonding", "bridging", "linking"]), m, a)
            for m, alters in by_map.items()
            for a in alters
            if rng.random() < 0.1
        ]
        with con:
            con.executemany("INSERT INTO resources (map_id, item, alter_id) VALUES (?, ?, ?)", rows)
            con.executemany("UPDATE placements SET capital = ? WHERE map_id = ? AND alter_id = ?", capital)
        print(f"  added {len(rows)} resource rows, {len(capital)} capital types in {time.perf_counter() - t0:.0f} s")
    finally:
        con.close()


def run_size(path: str, n: int, rounds: int, with_nx: bool) -> None:
    import egomap as em

    store = em.open_store(path)
    info = store.info()
    print(f"\n== {n} persons: {info['maps']} maps, {info['alters']} alters ==", flush=True)
    approaches: dict[str, Callable[[], object]] = {
        "egomap measures": lambda: em.cohort_measures(store, progress=False),
        "egomap changes": lambda: em.cohort_changes(store, progress=False),
        "I/O floor": lambda: floor(path),
        "igraph loop": lambda: igraph_loop(path),
    }
    if with_nx:
        approaches["networkx loop"] = lambda: networkx_loop(store)
    times: dict[str, list[float]] = {k: [] for k in approaches}
    last: dict[str, object] = {}
    for r in range(rounds):
        for name, fn in approaches.items():
            t, last[name] = timed(fn)
            times[name].append(t)
        print(f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), flush=True)
    fl = statistics.median(times["I/O floor"])
    fl_min = min(times["I/O floor"])
    ig_med, ig_min = statistics.median(times["igraph loop"]), min(times["igraph loop"])
    print(
        f"  {'approach':18s} {'min s':>8s} {'median s':>9s} {'/ floor (min, med)':>20s} {'igraph / this (min, med)':>26s}"
    )
    for name, ts in times.items():
        mn, md = min(ts), statistics.median(ts)
        print(
            f"  {name:18s} {mn:8.2f} {md:9.2f} {mn / fl_min:9.2f}x {md / fl:8.2f}x {ig_min / mn:12.2f}x {ig_med / md:10.2f}x"
        )
    mm = last["egomap measures"]
    d_ig = compare(mm, last["igraph loop"], STRUCTURE)
    d_fl = compare(mm, last["I/O floor"], ["size", "n_ties", "density"])
    print(f"  max |egomap - igraph loop| (structure): {d_ig:.3g}; max |egomap - floor|: {d_fl:.3g}")
    ok = d_ig <= 1e-9 and d_fl <= 1e-9
    if with_nx:
        ok = ok and compare(mm, last["networkx loop"], STRUCTURE) <= 1e-9
    ref = reference_sample(store, 600)
    cols = [c for c in ref.columns if c != "map_id"]
    missing = set(mm.columns) - set(cols) - {"person_id", "map_index", "map_label", "map_date", "map_id"}
    d_ref = compare(mm[mm["map_id"].isin(ref["map_id"])], ref, cols)
    print(f"  max |egomap - reference_measures| on {len(ref)} maps, {len(cols)} columns: {d_ref:.3g}")
    print(f"  (not compared: {sorted(missing)})")
    ok = ok and d_ref <= 1e-9
    store.close()
    print(f"  values equal within 1e-9: {ok}", flush=True)
    if not ok:
        raise SystemExit("values differ")


_MEMORY = """
import os, resource, sys, time
import egomap as em
import numpy, pandas, scipy.sparse, scipy.sparse.csgraph
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
store = em.open_store(sys.argv[1])
base = rss()
t0 = time.perf_counter()
m = em.cohort_measures(store, progress=False)
t1 = time.perf_counter()
c = em.cohort_changes(store, progress=False)
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(f"{len(m)} {len(c)} {base} {peak} {t1 - t0:.2f} {t2 - t1:.2f} {os.path.dirname(em.__file__)}")
"""


def memory(path: str, pythonpath: str | None) -> None:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    # run outside the repository: "python -c" puts the working folder first on sys.path, ahead of PYTHONPATH's copy
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY, os.path.abspath(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tempfile.gettempdir(),
    )
    n_m, n_c, base, peak, t_m, t_c, where = out.stdout.split(maxsplit=6)
    print(
        f"  {n_m} map rows, {n_c} change rows: peak memory growth {(int(peak) - int(base)) / 2**30:.2f} GB "
        f"(resident after imports {int(base) / 2**20:.0f} MB); measures {t_m} s, changes {t_c} s "
        f"(egomap from {where.strip()})",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,10000"), help="persons per cohort")
    ap.add_argument("--k", type=int, default=3, help="maps per person (default 3)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory", type=int, default=50000, help="persons for the memory run (0: skip)")
    ap.add_argument("--dir", help="folder for the store files (reused when present)")
    ap.add_argument("--no-networkx-above", type=int, default=10**9, help="skip the networkx loop above N persons")
    ap.add_argument("--egomap", help="import egomap from this folder (e.g. a copy of an older version)")
    ap.add_argument("--only", choices=["speed", "memory"], help="run only one part")
    ap.add_argument("--resources", action="store_true", help="give the cohorts resources and capital types")
    args = ap.parse_args()
    if args.egomap:
        sys.path.insert(0, args.egomap)
    import igraph  # noqa: F401  (imports first, so that no round pays for them)
    import networkx  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401

    import egomap

    print(f"egomap from {Path(egomap.__file__).parent}")
    folder = args.dir or tempfile.mkdtemp()
    if args.only != "memory":
        for n in (int(s) for s in args.sizes.split(",") if s):
            path = os.path.join(folder, f"cohort_{n}x{args.k}{'_res' if args.resources else ''}.sqlite")
            build(path, n, args.k)
            if args.resources:
                add_resources(path)
            run_size(path, n, args.rounds, n <= args.no_networkx_above)
    if args.memory and args.only != "speed":
        path = os.path.join(folder, f"cohort_{args.memory}x{args.k}{'_res' if args.resources else ''}.sqlite")
        build(path, args.memory, args.k)
        if args.resources:
            add_resources(path)
        print(f"\n== memory, {args.memory} persons x {args.k} maps ==", flush=True)
        memory(path, args.egomap)


if __name__ == "__main__":
    main()
