"""Every notebook, opened and run in a real JupyterLab in headless Chromium, as a user would.

Checks that no cell shows an error, that the widget and the change view are visible, and (in the
session notebook) that a practitioner can open a person and a map from the panel and add someone,
which is then in the store. With ``EGOMAP_SCREENSHOTS=1`` the session and change notebooks are
saved to ``docs/``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

import egomap as em

sys.path.insert(0, str(Path(__file__).parent))
from lab import open_notebook, run_all_cells, running_lab  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.jupyterlab, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SHOTS = os.environ.get("EGOMAP_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    root = tmp_path_factory.mktemp("notebooks")
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    store = root.parent / "session-store.sqlite"
    with running_lab(
        root, env={"EGOMAP_STORE": str(store), "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    ) as server:
        server.store_path = store  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def lab_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    yield page
    ctx.close()


def _open_and_run(page, lab, name):
    open_notebook(page, lab, name)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    run_all_cells(page, timeout=180)


def test_session_notebook_panel_opens_a_map_and_saves(lab, lab_page):
    page = lab_page
    _open_and_run(page, lab, "01_session.ipynb")
    panel = page.locator(".egomap-session")
    panel.wait_for()
    panel.scroll_into_view_if_needed()
    panel.locator(".egomap-session-person-id input").fill("R-101")
    panel.locator(".egomap-session-open-person").click()
    page.wait_for_function("() => document.querySelector('.egomap-session').textContent.includes('No maps yet')")
    panel.locator(".egomap-session-open-map").click()
    page.wait_for_selector(".egomap-session .egomap-root")
    box = page.locator(".egomap-session .egomap-add-input")
    box.fill("Gran")
    box.press("Enter")
    page.wait_for_selector(".egomap-session .egomap-alter")
    page.wait_for_selector(".egomap-session .egomap-status-saved")
    assert page.locator(".egomap-session .egomap-alter").count() == 1
    if SHOTS:
        page.locator(".egomap-session").screenshot(path=str(DOCS / "session.png"))
    assert page.errors == []  # type: ignore[attr-defined]
    with em.open_store(lab.store_path) as store:
        m = store.person("R-101").map("Baseline")
        assert [a.label for a in m.alters] == ["Gran"]


def test_workshop_notebook_shows_three_maps(lab, lab_page):
    page = lab_page
    _open_and_run(page, lab, "02_workshop.ipynb")
    page.wait_for_selector(".egomap-side-by-side .egomap-root")
    assert page.locator(".egomap-side-by-side .egomap-root").count() == 3
    assert page.locator(".egomap-readonly").count() >= 3
    assert page.locator(".jp-OutputArea-output img").count() >= 1  # the small multiples figure
    assert "Kickabout community football project" in page.locator(".jp-Notebook").text_content()
    assert page.errors == []  # type: ignore[attr-defined]


def test_change_notebook_shows_the_change_view(lab, lab_page):
    page = lab_page
    _open_and_run(page, lab, "03_change_over_time.ipynb")
    frame_el = page.locator(".jp-OutputArea-output iframe").first
    frame_el.scroll_into_view_if_needed()
    frame = frame_el.content_frame
    frame.locator("canvas").first.wait_for()
    frame.locator("button[data-i]", has_text="6 months").click()
    assert frame.locator("button[aria-selected=true]").first.text_content().strip() == "6 months"
    assert page.locator(".jp-OutputArea-output img").count() >= 2  # small multiples and ring flows
    if SHOTS:
        page.wait_for_timeout(500)
        frame_el.screenshot(path=str(DOCS / "change.png"))
    assert page.errors == []  # type: ignore[attr-defined]


def test_research_notebook_runs_clean(lab, lab_page):
    page = lab_page
    _open_and_run(page, lab, "04_research.ipynb")
    text = page.locator(".jp-Notebook").text_content()
    assert "share_professional" in text and "cohort_figure.pdf" in text
    assert page.errors == []  # type: ignore[attr-defined]
