"""Benchmark: the change view and figures for 5 time points of a 150-alter network.

Targets (issue 4): the change view builds in <= 0.5 s and one notebook output
(``_repr_html_``, vis.js included once) is <= 1 MB. The build is timed in
interleaved rounds with a baseline measured in the same run: the layout every
change picture shares (``frames`` and ``combined_frame``), so that the ratio
shows what the page itself (labels, words, the list of people) costs on top.

Run: ``python benchmarks/bench_change_view.py``
"""

from __future__ import annotations

import random
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import egomap as em  # noqa: E402
from egomap.model import KINDS, VALENCES  # noqa: E402

N_ALTERS = 150
N_MAPS = 5


def build_person(seed: int = 0) -> em.Person:
    """An in-memory person with 5 maps of about 150 alters, with turnover, moves and ties."""
    rng = random.Random(seed)
    p = em.Person("BENCH-01")
    m = p.new_map("Baseline", date="2026-01-01")
    keys = m.sectors.keys
    for i in range(N_ALTERS):
        m.add_alter(
            f"Alter {i:03d}",
            rng.randrange(3),
            rng.choice(keys),
            kind=rng.choices(KINDS, (90, 4, 3, 2, 1))[0],
            is_professional=rng.random() < 0.15,
            valence=rng.choice(VALENCES),
            contact="weekly",
        )
    ids = [a.id for a in m.alters]
    for _ in range(N_ALTERS):
        a, b = rng.sample(ids, 2)
        m.add_tie(a, b)
    for t in range(1, N_MAPS):
        m = p.new_map(f"{6 * t} months", date=f"{2026 + (6 * t) // 12}-{1 + (6 * t) % 12:02d}-01", copy_from=m)
        alters = m.alters
        for a in rng.sample(alters, 15):  # 10 % leave
            m.remove_alter(a)
        for a in rng.sample(m.alters, 20):  # some move a ring
            m.move(a, ring=rng.randrange(3))
        for i in range(15):  # and new people arrive
            m.add_alter(f"New {t}-{i}", rng.randrange(3), rng.choice(keys), valence="supportive")
    return p


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def interleaved(fns: dict, rounds: int = 7) -> dict[str, list[float]]:
    """Time each function once per round, in turn, so that load on the machine hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def main() -> None:
    from egomap.viz._layout import combined_frame, frames

    p = build_person()
    sizes = [len(m) for m in p.maps]
    print(f"person: {len(p.maps)} maps, alters per map {sizes}, {len(p.alters)} alters in all")
    view = em.viz.change_network(p)  # warm up (reads vis-network once)
    maps = p.maps
    times = interleaved(
        {
            "layout (baseline)": lambda: (frames(maps), combined_frame(maps)),
            "change view": lambda: em.viz.change_network(p),
        }
    )
    for name, ts in times.items():
        print(f"{name}: min {min(ts):.3f} s, median {statistics.median(ts):.3f} s ({len(ts)} interleaved rounds)")
    t_build = statistics.median(times["change view"])
    print(f"change view / layout (medians): {t_build / statistics.median(times['layout (baseline)']):.1f}")
    t_repr, out = timed(lambda: view._repr_html_())
    size = len(out.encode("utf-8"))
    page = len(view.html.encode("utf-8"))
    print(f"change view build: {t_build:.3f} s (median; target <= 0.5 s) -> ratio {t_build / 0.5:.2f} of target")
    print(f"_repr_html_ build: {t_repr:.3f} s")
    print(f"notebook output size: {size:,} bytes = {size / 1e6:.3f} MB (target <= 1 MB) -> ratio {size / 1e6:.2f}")
    print(f"  page: {page:,} bytes, of which vis-network {len(em.viz.pyvis_view.vis_network_js()):,}")
    n_vis = view.html.count("https://visjs.github.io/vis-network/")
    print(f"  vis-network included {n_vis} time(s) (target: once per output)")
    ok = t_build <= 0.5 and size <= 1e6 and n_vis == 1
    print(f"targets met: {'yes' if ok else 'NO'}")
    t_cmp, _ = timed(lambda: em.changes(p))
    print(f"em.changes(person) (4 comparisons): {t_cmp:.3f} s")
    for name, fn in (
        ("egogram", lambda: em.viz.egogram(p.map(-1))),
        ("small_multiples", lambda: em.viz.small_multiples(p)),
        ("ring_flows", lambda: em.viz.ring_flows(p)),
    ):
        t, _ = timed(fn, repeat=3)
        print(f"{name} (build, no render): {t:.3f} s")
    import io

    def render():
        buf = io.BytesIO()
        em.viz.small_multiples(p).savefig(buf, format="png", dpi=100)
        return buf.tell()

    t, n = timed(render, repeat=1)
    print(f"small_multiples build + PNG render: {t:.3f} s, {n:,} bytes")


if __name__ == "__main__":
    main()
