"""End to end: the widget in a real JupyterLab server, driven by headless Chromium.

A notebook opens a store (a temporary file) and shows ``em.MapWidget(m)``;
the test drags an alter with the mouse into another ring, links two alters,
undoes once, and then reopens the store file in this process to check that
it holds exactly the expected state.

With ``EGOMAP_SCREENSHOTS=1`` the widget is saved to ``docs/widget.png``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import egomap as em

sys.path.insert(0, str(Path(__file__).parent))
from lab import open_notebook, run_all_cells, running_lab, write_notebook  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.jupyterlab, pytest.mark.slow]
DOCS = Path(__file__).resolve().parents[1] / "docs"


def wait_ack(page, before: str) -> str:
    """Wait until the widget has an answer to a newer request than ``before`` and shows it saved."""
    page.wait_for_function(
        "([b]) => { const r = document.querySelector('.egomap-root');"
        " return r.dataset.ack && r.dataset.ack !== b && !document.querySelector('.egomap-status-saving'); }",
        arg=[before],
    )
    return page.locator(".egomap-root").get_attribute("data-ack")


def screen_point(page, angle, radius):
    return page.evaluate(
        """([a, r]) => {
            const svg = document.querySelector('.egomap-svg');
            const t = a * Math.PI / 180, R = 350;
            return (({x, y}) => [x, y])(new DOMPoint(r * R * Math.sin(t), -r * R * Math.cos(t))
                .matrixTransform(svg.getScreenCTM()));
        }""",
        [angle, radius],
    )


def centre(page, aid):
    box = page.locator(f".egomap-alter[data-id='{aid}'] .egomap-body").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_drag_link_undo_in_jupyterlab_saves_exactly_that(tmp_path, browser):
    path = tmp_path / "study.sqlite"
    with em.open_store(path) as store:
        p = em.demo.demo_case(store)
        six = p.map("6 months")
        ids = {a.label: a.id for a in six.alters}
        before = six.to_dict()
    write_notebook(
        tmp_path / "session.ipynb",
        [
            "import egomap as em\n"
            f"store = em.open_store({str(path)!r})\n"
            "m = store.person('DEMO-01').map('6 months')\n"
            "w = em.MapWidget(m)",
            "w",
        ],
    )
    ctx = browser.new_context(viewport={"width": 1400, "height": 1300})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        with running_lab(tmp_path) as lab:
            open_notebook(page, lab, "session.ipynb")
            page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
            run_all_cells(page)
            page.wait_for_selector(".egomap-alter", timeout=60_000)
            assert page.locator(".egomap-alter").count() == len(ids)
            page.locator(".egomap-root").scroll_into_view_if_needed()
            ack = page.locator(".egomap-root").get_attribute("data-ack") or ""

            # 1. drag Josh (outer circle, clubs and groups) into the middle circle, friends sector
            x0, y0 = centre(page, ids["Josh"])
            tx, ty = screen_point(page, 214, 0.64)
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move(tx, ty, steps=12)
            page.mouse.up()
            ack = wait_ack(page, ack)

            # 2. link Marcus and Kwame in tie mode
            page.click(".egomap-tie-btn")
            page.locator(f".egomap-alter[data-id='{ids['Marcus']}'] .egomap-body").click()
            page.locator(f".egomap-alter[data-id='{ids['Kwame']}'] .egomap-body").click()
            ack = wait_ack(page, ack)
            assert page.locator(".egomap-tie").count() == len(before["ties"]) + 1
            page.keyboard.press("Escape")

            # 3. undo once (the link)
            page.click(".egomap-undo")
            ack = wait_ack(page, ack)
            assert page.locator(".egomap-tie").count() == len(before["ties"])
            assert page.locator(".egomap-status").text_content() == "✓ Saved"

            if os.environ.get("EGOMAP_SCREENSHOTS") == "1":
                DOCS.mkdir(exist_ok=True)
                page.locator(f".egomap-alter[data-id='{ids['Marcus']}'] .egomap-body").click()
                page.wait_for_selector(".egomap-details-title")
                page.mouse.move(5, 5)
                page.locator(".egomap-root").screenshot(path=str(DOCS / "widget.png"))
            assert errors == []
    finally:
        ctx.close()

    with em.open_store(path) as again:
        after = again.person("DEMO-01").map("6 months").to_dict()
        history = again.person("DEMO-01").map("6 months").history()
    josh = next(q for q in after["placements"] if q["alter_id"] == ids["Josh"])
    assert (josh["ring"], josh["sector"]) == (1, "friends")
    expected = dict(before)
    expected["placements"] = [
        {**q, "ring": 1, "sector": "friends", "angle": josh["angle"], "radius": josh["radius"]}
        if q["alter_id"] == ids["Josh"]
        else q
        for q in before["placements"]
    ]
    assert after == expected
    assert sorted(map(sorted, after["ties"])) == sorted(map(sorted, before["ties"]))
    assert [h["action"] for h in history[-3:]] == ["edit", "edit", "undo"]
    assert history[-1]["description"] in ("undo link Marcus and Kwame", "undo link Kwame and Marcus")
