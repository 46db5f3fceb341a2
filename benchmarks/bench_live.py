"""Live update latency (issue 12): an edit committed by writer B -> visible in widget A's page. Prints figures; not a test.

Target: another session's edit shows within 2 s. Widget A is the real
:class:`egomap.MapWidget` on its own store connection, drawn in headless
Chromium by the test harness (tests/harness/); writer B is a second
``open_store`` of the same store that adds someone each round. Timed from
B's commit returning to the new name drawn in A's page (Playwright polls each
animation frame), on SQLite (``PRAGMA data_version``) and on a throwaway local
PostgreSQL (``LISTEN``/``NOTIFY``).

Two kinds of round, interleaved, on both engines: ``timer`` (A's page finds
the change by its own once-a-second check: what a user sees) and ``asked``
(the page sends a check right after the commit: the baseline, the cost of
the check, reload and redraw without the wait for the timer).

Run: ``python benchmarks/bench_live.py [--rounds 12]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import egomap as em
from egomap.widget import MapWidget

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "harness"))
from pg import Cluster, memory_dir  # noqa: E402
from server import HarnessServer  # noqa: E402

from conftest import CHROMIUM  # noqa: E402
from conftest import CHROMIUM_ARGS as ARGS  # noqa: E402

SHOWN = "(name) => [...document.querySelectorAll('.egomap-alter .egomap-label')].some(e => e.textContent === name)"


def setup(location: str | Path, browser) -> tuple:
    a, b = em.open_store(location), em.open_store(location)
    m = a.add_person("R-1").new_map("Baseline")
    for i in range(20):
        m.add_alter(f"Person {i}", ring=i % 3, sector=m.sectors.keys[i % len(m.sectors.keys)])
    server = HarnessServer()
    server.widget = MapWidget(m, label_mode="names")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url)
    page.wait_for_function("window.harness && window.harness.ready")
    page.evaluate("harness.mount(1)")
    page.wait_for_selector(".egomap-alter")
    return a, b, b.map(m.id), server, page


def one_round(mb: em.Map, page, name: str, asked: bool) -> float:
    mb.add_alter(name, ring=2, sector="friends")
    t0 = time.perf_counter()
    if asked:
        page.evaluate("window.model.send({type: 'check'})")
    page.wait_for_function(SHOWN, arg=name, polling="raf", timeout=10_000)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=12)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    cluster = Cluster(memory_dir())
    tmp = Path(tempfile.mkdtemp())
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            engines = {"sqlite": setup(tmp / "live.sqlite", browser), "postgresql": setup(cluster.new_db(), browser)}
            times: dict[tuple[str, str], list[float]] = {}
            for r in range(args.rounds):
                for engine, (_, _, mb, _, page) in engines.items():
                    for kind in ("asked", "timer") if r % 2 else ("timer", "asked"):
                        ms = one_round(mb, page, f"{engine} {kind} {r}", kind == "asked")
                        times.setdefault((engine, kind), []).append(ms)
            print(f"edit committed in writer B -> drawn in widget A's page, ms ({args.rounds} rounds, interleaved)")
            print(f"{'engine':<11} {'round':<6} {'min':>7} {'median':>7} {'max':>7}  median / asked")
            for engine in engines:
                base = statistics.median(times[(engine, "asked")])
                for kind in ("asked", "timer"):
                    t = times[(engine, kind)]
                    med = statistics.median(t)
                    print(f"{engine:<11} {kind:<6} {min(t):7.1f} {med:7.1f} {max(t):7.1f}  {med / base:5.1f}x")
            worst = max(max(times[(e, "timer")]) for e in engines)
            print(f"slowest timer round: {worst:.0f} ms (target: within 2000 ms)")
            for a, b, _, server, page in engines.values():
                page.close()
                server.widget.close()
                server.close()
                a.close()
                b.close()
            browser.close()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
