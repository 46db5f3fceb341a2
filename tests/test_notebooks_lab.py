"""Every notebook, opened and run in a real JupyterLab in headless Chromium, as a user would.

Checks that no cell holds an error output (read from the notebook model, so errors out of view or
without a "Traceback" count too), that the widgets, figures and the change view are visible on the
page (not just present), and that a practitioner can walk through a whole session from the panel:
new person, baseline, people added, a goal, a picture to download; then, later, a follow-up copied
from the baseline and reviewed. With ``EGOMAP_SCREENSHOTS=1`` the session panel is saved to
``docs/session.png`` and the change view to ``docs/change.png``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

import egomap as em

sys.path.insert(0, str(Path(__file__).parent))
from axe import assert_accessible  # noqa: E402
from lab import cell_errors, open_notebook, run_all_cells_checked, running_lab  # noqa: E402

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
    run_all_cells_checked(page, timeout=180)


def _visible(locator) -> bool:
    """On screen with a real size once scrolled to (not hidden, not collapsed to nothing)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return locator.is_visible() and box is not None and box["width"] > 100 and box["height"] > 100


def _panel_says(page, css: str, text: str) -> None:
    page.wait_for_function(
        "([css, text]) => (document.querySelector(css) || {}).textContent?.includes(text)", arg=[css, text]
    )


def _press(button) -> None:
    """Click a panel button whose whole text can be read (not cut off with "…")."""
    assert button.evaluate("b => b.scrollWidth <= b.clientWidth"), f"text cut off: {button.text_content()!r}"
    button.click()


def _add(page, name: str, ring: str, sector: str) -> None:
    before = page.locator(".egomap-session .egomap-alter").count()
    page.locator(".egomap-session .egomap-add-ring").select_option(label=ring)
    page.locator(".egomap-session .egomap-add-sector").select_option(label=sector)
    box = page.locator(".egomap-session .egomap-add-input")
    box.fill(name)
    box.press("Enter")
    page.wait_for_function(
        "n => [...document.querySelectorAll('.egomap-session .egomap-alter')].length === n",
        arg=before + 1,
    )


def test_session_notebook_a_whole_session(lab, lab_page):
    page = lab_page
    page.set_viewport_size({"width": 1300, "height": 2200})  # the whole panel on screen, for the picture too
    _open_and_run(page, lab, "01_session.ipynb")
    panel = page.locator(".egomap-session")
    panel.wait_for()
    panel.scroll_into_view_if_needed()
    # a new person, and their baseline map
    panel.locator(".egomap-session-person-id input").fill("R-101")
    panel.locator(".egomap-session-open-person").click()
    _panel_says(page, ".egomap-session-maps", "R-101 has no maps yet")
    _press(panel.locator(".egomap-session-start-map"))  # 'Start baseline map' (opening never creates)
    page.wait_for_selector(".egomap-session .egomap-root")
    _panel_says(page, ".egomap-session-maps", "Open now: Baseline")
    assert "no maps yet" not in panel.text_content()  # no stale status line
    assert _visible(page.locator(".egomap-session .egomap-svg"))
    _add(page, "Mum", "Inner circle", "Household")
    _add(page, "Gran", "Middle circle", "Family")
    _add(page, "Dave", "Outer circle", "Clubs and groups")
    _add(page, "Dr Shah", "Outer circle", "Services and professionals")
    page.wait_for_selector(".egomap-session .egomap-status-saved")
    # a goal agreed together, and the picture for the person to keep
    panel.locator(".egomap-session-goal-text input").fill("Go to the Tuesday football session")
    panel.locator(".egomap-session-add-goal").click()
    _panel_says(page, ".egomap-session-goal-note", "Goal saved")
    _press(panel.locator(".egomap-session-save-picture"))
    link = page.locator(".egomap-session-download a")
    link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "R-101_Baseline.png"
    _panel_says(page, ".egomap-session-picture-note", "Saved")
    page.locator(".egomap-session .egomap-close").click()  # details closed: the key shows in the picture
    page.wait_for_timeout(300)
    if SHOTS:
        panel.screenshot(path=str(DOCS / "session.png"))
    with em.open_store(lab.store_path) as store:
        m = store.person("R-101").map("Baseline")
        assert sorted(a.label for a in m.alters) == ["Dave", "Dr Shah", "Gran", "Mum"]
        assert [g.text for g in m.goals] == ["Go to the Tuesday football session"]

    # months later: the same person again; the follow-up starts as a copy of the baseline
    panel.locator(".egomap-session-person-id input").fill("R-101")
    panel.locator(".egomap-session-open-person").click()
    _panel_says(page, ".egomap-session-start-map", "Start follow-up (a copy of 'Baseline')")
    # the old map is closed (the message and the emptied map area are two widget updates: wait for the second)
    page.wait_for_function("document.querySelectorAll('.egomap-session .egomap-root').length === 0", timeout=30_000)
    panel.locator(".egomap-session-map-label input").fill("6 months")
    panel.locator(".egomap-session-start-map").click()
    _panel_says(page, ".egomap-session-message", "as a copy of 'Baseline'")
    page.wait_for_function("() => document.querySelectorAll('.egomap-session .egomap-alter').length === 4")
    assert "Go to the Tuesday football session" in panel.locator(".egomap-session-goals").text_content()
    page.locator(".egomap-session .egomap-review-btn").click()
    page.locator(".egomap-session .egomap-review-keep").click()
    page.wait_for_selector(".egomap-session .egomap-status-saved")
    assert cell_errors(page) == [] and page.errors == []  # type: ignore[attr-defined]
    with em.open_store(lab.store_path) as store:
        person = store.person("R-101")
        assert [m.label for m in person.maps] == ["Baseline", "6 months"]
        follow = person.map("6 months")
        assert len(follow.alters) == 4 and sum(p.reviewed for p in follow.placements.values()) == 1


def test_workshop_notebook_shows_three_maps(lab, lab_page):
    page = lab_page
    _open_and_run(page, lab, "02_workshop.ipynb")
    figures = page.locator(".jp-OutputArea-output img")
    figures.nth(1).wait_for()
    # the three maps side by side (one figure: equal panels, one key), then the same with changes marked
    assert figures.count() == 2 and _visible(figures.nth(0)) and _visible(figures.nth(1))
    first, second = (figures.nth(i).evaluate("i => [i.naturalWidth, i.naturalHeight]") for i in (0, 1))
    assert first[0] > 2.2 * first[1]  # one row of three maps, not two rows
    assert page.locator(".egomap-readonly .egomap-svg").count() == 1  # the numbers-only widget at the end
    assert "Kickabout community football project" in page.locator(".jp-Notebook").text_content()
    assert page.errors == []  # type: ignore[attr-defined]


def test_change_notebook_shows_the_change_view(lab, lab_page):
    page = lab_page
    _open_and_run(page, lab, "03_change_over_time.ipynb")
    frame_el = page.locator(".jp-OutputArea-output iframe").first
    assert _visible(frame_el)
    frame = frame_el.content_frame
    frame.locator("canvas").first.wait_for()
    assert frame.locator("canvas").first.bounding_box()["width"] > 300  # drawn, not collapsed
    frame.locator("button[data-i]", has_text="6 months").click()
    assert frame.locator("button[aria-selected=true]").first.text_content().strip() == "6 months"
    # the list of people below the map, and no axe-core (WCAG 2.2 A/AA) violation in the view
    frame.get_by_role("button", name="Marcus (friend)").focus()
    assert frame.locator("tr.em-current td").first.text_content() == "New"
    assert_accessible(frame_el.element_handle().content_frame())
    # the change table: plain column names, one way of showing a missing value
    tables = page.locator(".jp-OutputArea-output table")
    text = " ".join(tables.nth(i).text_content() for i in range(tables.count()))
    assert "Circle (before)" in text and "How it feels (after)" in text and "one circle closer" in text
    assert "ring_before" not in text and "NaN" not in text and "<NA>" not in text and "None" not in text
    figures = page.locator(".jp-OutputArea-output img")
    assert figures.count() >= 2 and _visible(figures.nth(0)) and _visible(figures.nth(1))  # small multiples, flows
    if SHOTS:  # the whole view (tabs, map, key and the top of the list) on screen at once
        page.set_viewport_size({"width": 1400, "height": 1450})
        frame_el.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        frame_el.screenshot(path=str(DOCS / "change.png"))
    assert page.errors == []  # type: ignore[attr-defined]


def test_research_notebook_runs_clean(lab, lab_page):
    page = lab_page
    _open_and_run(page, lab, "04_research.ipynb")
    text = page.locator(".jp-Notebook").text_content()
    assert "share_professional" in text and "cohort_figure.pdf" in text and "NC-001" in text
    assert _visible(page.locator(".jp-OutputArea-output img").first)  # the paper figure
    assert page.errors == []  # type: ignore[attr-defined]


def test_running_the_notebooks_writes_nothing_next_to_them(lab):
    """Run last in this module: stores, pictures and exports went to temporary folders, not beside the notebooks."""
    left = sorted(p.name for p in lab.root_dir.iterdir() if not p.name.startswith("."))
    assert left == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
