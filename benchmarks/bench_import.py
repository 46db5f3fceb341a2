"""Import speed: one big Network Canvas interview, and a big egor study.

Targets (issue 13): Network Canvas, one interview of 5,000 nodes and 20,000 edges,
<= 2 s; egor, 2,000 persons x 50 alters, <= 10 s. Rounds are interleaved with a
same-run baseline (reading the same CSV files with the csv module, the floor of any
importer), and min and median are printed.

Run: ``python benchmarks/bench_import.py [--rounds 3] [--nodes 5000] [--edges 20000]
[--persons 2000] [--alters 50]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import egomap as em

NC_EGO = "networkCanvasEgoUUID"


def write_nc(folder: Path, nodes: int, edges: int, seed: int = 1) -> Path:
    """One Network Canvas interview with ``nodes`` placed Person nodes and ``edges`` Close edges."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ego, session = str(uuid.UUID(int=rnd.getrandbits(128))), str(uuid.UUID(int=rnd.getrandbits(128)))
    prefix = folder / f"BIG-1_{session}"
    with open(f"{prefix}_ego.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([NC_EGO, "networkCanvasCaseID", "networkCanvasSessionID", "sessionStart"])
        w.writerow([ego, "BIG-1", session, "2026-01-05T10:00:00.000Z"])
    ids = [str(uuid.UUID(int=rnd.getrandbits(128))) for _ in range(nodes)]
    with open(f"{prefix}_attributeList_Person.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["nodeID", NC_EGO, "networkCanvasUUID", "name", "Cords_x", "Cords_y", "Age"])
        for i, nid in enumerate(ids):
            w.writerow(
                [i + 1, ego, nid, f"Person {i + 1}", round(rnd.random(), 4), round(rnd.random(), 4), 20 + i % 60]
            )
    seen: set[tuple[int, int]] = set()
    with open(f"{prefix}_edgeList_Close.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["edgeID", "from", "to", NC_EGO, "networkCanvasUUID", "networkCanvasSourceUUID",
                    "networkCanvasTargetUUID"])  # fmt: skip
        while len(seen) < edges:
            a, b = sorted(rnd.sample(range(nodes), 2))
            if (a, b) in seen:
                continue
            seen.add((a, b))
            w.writerow([len(seen), a + 1, b + 1, ego, uuid.UUID(int=rnd.getrandbits(128)), ids[a], ids[b]])
    return folder


def write_egor(folder: Path, persons: int, alters: int, seed: int = 2) -> Path:
    """An egor three-file study: ``persons`` persons, one map each, ``alters`` alters and 2 x alters ties per map.

    Alters have ring, sector, angle and radius, as :func:`egomap.io.export_egor` writes them.
    """
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (
        open(folder / "egos.csv", "w", newline="") as fe,
        open(folder / "alters.csv", "w", newline="") as fa,
        open(folder / "edges.csv", "w", newline="") as ft,
    ):
        we, wa, wt = csv.writer(fe), csv.writer(fa), csv.writer(ft)
        we.writerow(["egoID", "person_id", "map_index", "map_label", "map_date"])
        wa.writerow(["egoID", "alterID", "person_id", "map_index", "label", "ring", "sector", "angle", "radius"])
        wt.writerow(["egoID", "person_id", "Source", "Target"])
        rings, sectors = em.schemes.ring_scheme("kahn_antonucci"), em.schemes.sector_scheme("social_network_map")
        for p in range(persons):
            pid, eid = f"P-{p:05d}", f"P-{p:05d}_0"
            we.writerow([eid, pid, 0, "T1", "2026-01-05"])
            for a in range(alters):
                angle, radius = round(rnd.uniform(0, 360), 4), round(rnd.uniform(0.05, 0.99), 4)
                ring, sector = em.geometry.locate(angle, radius, rings, sectors)
                wa.writerow([eid, f"{pid}-A{a:03d}", pid, 0, f"Alter {a}", ring, sector, angle, radius])
            pairs = set()
            while len(pairs) < 2 * alters:
                pairs.add(tuple(sorted(rnd.sample(range(alters), 2))))
            for a, b in sorted(pairs):
                wt.writerow([eid, pid, f"{pid}-A{a:03d}", f"{pid}-A{b:03d}"])
    return folder


def _csv_floor(folder: Path) -> None:
    for f in sorted(folder.glob("*.csv")):
        with open(f, newline="") as fh:
            for _ in csv.reader(fh):
                pass


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--edges", type=int, default=20000)
    ap.add_argument("--persons", type=int, default=2000)
    ap.add_argument("--alters", type=int, default=50)
    ap.add_argument("--only", choices=["nc", "egor"], help="run one of the two")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_import_"))
    nc = write_nc(work / "nc", args.nodes, args.edges)
    eg = write_egor(work / "egor", args.persons, args.alters)
    times: dict[str, list[float]] = {"nc": [], "nc_csv": [], "egor": [], "egor_csv": []}
    for r in range(args.rounds):
        for name, folder in (("nc", nc), ("egor", eg)):
            if args.only and name != args.only:
                continue
            store = em.open_store(os.path.join(work, f"{name}-{r}.sqlite"))
            try:
                if name == "nc":
                    times[name].append(_timed(lambda f=folder, s=store: em.io.read_network_canvas(f, s, rings=4)))
                else:
                    times[name].append(_timed(lambda f=folder, s=store: em.io.read_egor(f, s)))
            finally:
                store.close()
            times[name + "_csv"].append(_timed(lambda f=folder: _csv_floor(f)))
    target = {"nc": 2.0, "egor": 10.0}
    what = {
        "nc": f"Network Canvas, 1 interview, {args.nodes} nodes, {args.edges} edges",
        "egor": f"egor, {args.persons} persons x {args.alters} alters",
    }
    for name in ("nc", "egor"):
        if not times[name]:
            continue
        t, base = times[name], times[name + "_csv"]
        print(
            f"{what[name]}: min {min(t):.2f} s, median {statistics.median(t):.2f} s "
            f"(target <= {target[name]:.0f} s); reading the CSV alone min {min(base):.3f} s, "
            f"ratio {min(t) / min(base):.0f}x"
        )


if __name__ == "__main__":
    main()
