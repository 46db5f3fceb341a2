"""Benchmark: cohort measures (vectorised) against the obvious per-map networkx loop.

Builds a synthetic cohort (default 10,000 persons x 3 maps, about 20 alters
each) in a temporary store, then times

* ``em.cohort_measures(store)`` -- reads the tables once with SQL and computes every
  per-map measure with numpy/scipy over all maps at once;
* the obvious loop -- for each person, for each map: build a networkx graph
  and compute each measure (:func:`egomap.measures.reference_measures`),
  timed both including and excluding loading the maps from the store.
  Its constraint is ``nx.constraint(G)[ego]`` (all nodes, networkx's
  sparse-matrix path): on networkx >= 3.5 that is much faster than
  ``nx.constraint(G, nodes=[ego])``, with the same value;

Both sides compute every per-map measure (all columns of
:func:`egomap.measures.reference_measures`) plus one E-I index column
(``kind`` against "person", through ``ei=``); every value must agree within
1e-9. Prints the times and ratios.

Run:  python benchmarks/bench_measures.py [--n 10000] [--k 3] [--store PATH]
      (or set BENCH_N for the number of persons, e.g. BENCH_N=200 for a quick check)
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import networkx as nx
import numpy as np
import pandas as pd

import egomap as em
from egomap.demo import synthetic_cohort
from egomap.measures import EGO, ID_COLUMNS, reference_measures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_n = int(os.environ.get("BENCH_N", "10000"))
    ap.add_argument("--n", type=int, default=default_n, help=f"persons (default $BENCH_N or 10000: {default_n})")
    ap.add_argument("--k", type=int, default=3, help="maps per person (default 3)")
    ap.add_argument("--store", help="reuse this store file (built if missing)")
    args = ap.parse_args()

    path = args.store or os.path.join(tempfile.mkdtemp(), "bench.sqlite")
    store = em.open_store(path)
    if not store.person_ids():
        t0 = time.perf_counter()
        synthetic_cohort(store, n=args.n, k=args.k, seed=1)
        print(f"built cohort of {args.n} persons x {args.k} maps in {time.perf_counter() - t0:.1f} s ({path})")
    info = store.info()
    print(f"store: {info['persons']} persons, {info['maps']} maps, {info['alters']} alters")

    ei = {"ei_kind": ("kind", "person")}
    t0 = time.perf_counter()
    fast = em.cohort_measures(store, progress=False, ei=ei)
    t_fast = time.perf_counter() - t0
    print(f"em.cohort_measures(store):                {t_fast:8.2f} s  ({len(fast)} rows x {fast.shape[1]} columns)")

    # The obvious loop, part 1: load every map from the store.
    t0 = time.perf_counter()
    maps = [m for p in store.people() for m in p.maps]
    t_load = time.perf_counter() - t0
    # Part 2: build a networkx graph per map and compute each measure.
    t0 = time.perf_counter()
    rows = [reference_measures(m, ei=ei) for m in maps]
    t_loop = time.perf_counter() - t0
    slow = pd.DataFrame(rows).reset_index(drop=True)
    print(f"obvious loop: load maps          {t_load:8.2f} s")
    print(f"obvious loop: networkx measures  {t_loop:8.2f} s  ({len(slow)} maps)")

    cols = list(slow.columns)
    assert set(fast.columns) - set(cols) == set(ID_COLUMNS), "a measure is missing from the comparison"
    a = fast[cols].to_numpy(dtype=float)
    b = slow[cols].to_numpy(dtype=float)
    same_nan = np.array_equal(np.isnan(a), np.isnan(b))
    diff = np.nanmax(np.abs(a - b)) if a.size else 0.0
    print(f"columns compared: {len(cols)}; NaN in the same places: {same_nan}; max |difference|: {diff:.3g}")
    ok = same_nan and diff <= 1e-9 and list(fast["map_id"]) == [m.id for m in maps]
    print(f"values equal within 1e-9: {ok}")
    print(f"ratio (loop incl. loading) / em.cohort_measures(store):  {(t_load + t_loop) / t_fast:6.1f}x")
    print(f"ratio (networkx compute only) / em.cohort_measures(store): {t_loop / t_fast:6.1f}x")
    # For transparency: networkx's constraint() dominates the loop. Time it alone on a sample of maps
    # and report the ratio the loop would have without it.
    sample = maps[:: max(1, len(maps) // 500)]
    t_all = t_c = 0.0
    for m in sample:
        t0 = time.perf_counter()
        reference_measures(m, ei=ei)
        t_all += time.perf_counter() - t0
        st = m.state()
        g = nx.Graph()
        g.add_edges_from((EGO, a) for a in st.alters)
        g.add_edges_from((x.a, x.b) for x in st.ties)
        t0 = time.perf_counter()
        if len(g) > 1:
            nx.constraint(g)[EGO]  # all nodes, as reference_measures does (networkx's fast path)
        t_c += time.perf_counter() - t0
    share = t_c / t_all if t_all else 0.0
    print(f"share of the loop spent in networkx.constraint (sample of {len(sample)} maps): {share:.0%}")
    print(f"ratio without constraint (networkx compute only, estimated): {t_loop * (1 - share) / t_fast:6.1f}x")
    store.close()
    if not ok:
        raise SystemExit("values differ")


if __name__ == "__main__":
    main()
