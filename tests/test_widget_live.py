"""Live updates between sessions: an edit saved through one store connection shows in a widget on another.

Two connections to one store (two ``open_store`` calls, as two kernels or two
practitioners would have), on SQLite (``PRAGMA data_version``) and on
PostgreSQL (``LISTEN``/``NOTIFY``). The browser tests serve each widget from
its own harness server (tests/harness/) to its own page in real Chromium and
wait on state, never on time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import egomap as em
from egomap.widget import MapWidget
from egomap.widget.live import LiveUpdates

sys.path.insert(0, str(Path(__file__).parent / "harness"))
from server import HarnessServer  # noqa: E402

UPDATED = "Map updated by another session"


@pytest.fixture
def stores(location):
    """Two connections to one new store: the widget's (A) and another writer's (B)."""
    a = em.open_store(location)
    b = em.open_store(location)
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def maps(stores):
    """The same map as each connection sees it: (map in A, map in B)."""
    a, b = stores
    m = a.add_person("R-017").new_map("Baseline", date="2026-01-12")
    m.add_alter("Mum", ring=0, sector="household")
    m.add_alter("Gran", ring=1, sector="family")
    return m, b.map(m.id)


def labels(m):
    return sorted(a.label for a in m.alters)


def listening_connections(location) -> int:
    import psycopg

    with psycopg.connect(str(location), autocommit=True) as c:
        return c.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'egomap watch'").fetchone()[0]


# ---------------------------------------------------------------------------- store and kernel side
def test_store_watch_reports_the_maps_another_writer_changed(stores, maps):
    a, _ = stores
    ma, mb = maps
    other = a.person("R-017").new_map("6 months")
    with a.watch() as watch:
        assert watch.poll() == set()
        mb.add_alter("Newcomer", ring=2, sector="friends")
        assert watch.poll(timeout=5.0) == {ma.id}
        assert watch.poll() == set()  # told once
        mb.undo()
        assert watch.poll(timeout=5.0) == {ma.id}
        assert other.id not in watch.poll()
    assert watch.closed


def test_check_shows_another_writers_edit_without_touching_ack_or_status(maps):
    ma, mb = maps
    w = MapWidget(ma)
    w.handle({"type": "place", "req": 5, "id": ma.alter("Mum").id, "ring": 1, "sector": "family"})
    assert (w.ack, w.status) == (5, "saved")
    assert w.check() is False  # its own edit is no news
    before = w.data
    mb.add_alter("Newcomer", ring=2, sector="friends")
    mb.move("Gran", ring=2, sector="friends")
    assert w.check() is True
    assert w.data is not before and w.data["live"] is True and w.data["ack"] == 5
    assert sorted(a["label"] for a in w.data["alters"]) == ["Gran", "Mum", "Newcomer"]
    gran = next(p for p in w.data["alters"] if p["label"] == "Gran")
    assert (gran["ring"], gran["sector"]) == (2, "friends")
    assert (w.ack, w.status, w.last_action) == (5, "saved", "Moved Mum to Middle circle, Family")
    assert w.check() is False  # nothing new since
    # the widget's next edit commits on top of B's: both are in the log
    w.handle({"type": "remove", "req": 6, "id": ma.alter("Newcomer").id})
    assert w.status == "saved"
    assert labels(mb.person.map("Baseline")) == ["Gran", "Mum"]
    said = [h["description"] for h in ma.history()]
    assert any("Newcomer" in s and "add" in s.lower() for s in said), said
    assert any("Newcomer" in s and "remov" in s.lower() for s in said), said
    w.close()


def test_a_closed_widget_stops_checking(location, maps):
    ma, mb = maps
    w = MapWidget(ma)
    assert w.check() is False  # opens the watch
    if str(location).startswith("postgres"):
        assert listening_connections(location) == 1
    w.close()
    mb.add_alter("Newcomer", ring=2, sector="friends")
    assert w.check() is False
    assert [a["label"] for a in w.data["alters"]] == ["Mum", "Gran"]
    if str(location).startswith("postgres"):
        assert listening_connections(location) == 0


def test_widgets_of_one_store_share_one_watch_and_each_is_told(location, stores, maps):
    a, b = stores
    ma, mb = maps
    other = a.person("R-017").new_map("6 months")
    w1, w2, w3 = MapWidget(ma), MapWidget(ma), MapWidget(other)
    assert [w.check() for w in (w1, w2, w3)] == [False, False, False]
    if str(location).startswith("postgres"):
        assert listening_connections(location) == 1
    mb.add_alter("Newcomer", ring=2, sector="friends")
    b.map(other.id).add_alter("Aunt", ring=1, sector="family")
    assert w1.check() is True  # the first to ask ...
    assert w3.check() is True  # ... takes nothing from the others
    assert [a["label"] for a in w3.data["alters"]] == ["Aunt"]
    w1.close()
    assert w2.check() is True  # the same Map object as w1's, already reloaded: still news to w2
    assert w2.check() is False
    w2.close()
    if str(location).startswith("postgres"):
        assert listening_connections(location) == 1  # w3 still watches
    w3.close()
    if str(location).startswith("postgres"):
        assert listening_connections(location) == 0


def test_live_updates_dropped_without_close_stop_watching(pg_cluster):
    import gc

    location = pg_cluster.new_db()
    with em.open_store(location) as a:
        m = a.add_person("R-1").new_map("Baseline")
        w = MapWidget(m)
        assert w.check() is False
        assert listening_connections(location) == 1
        w.close()
        assert listening_connections(location) == 0
        live = LiveUpdates(m)  # what a widget holds; dropped without close()
        assert live.changed() is False
        assert listening_connections(location) == 1
        del live
        gc.collect()
        assert listening_connections(location) == 0


def test_a_lost_listening_connection_is_opened_again_and_nothing_is_missed(pg_cluster):
    import psycopg

    location = pg_cluster.new_db()
    a, b = em.open_store(location), em.open_store(location)
    ma = a.add_person("R-017").new_map("Baseline")
    ma.add_alter("Mum", ring=0, sector="household")
    ma.add_alter("Gran", ring=1, sector="family")
    mb = b.map(ma.id)
    w = MapWidget(ma)
    assert w.check() is False
    with psycopg.connect(str(location), autocommit=True) as c:
        c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'egomap watch'")
    mb.add_alter("Newcomer", ring=2, sector="friends")
    seen = [w.check() for _ in range(3)]
    assert True in seen
    assert [a["label"] for a in w.data["alters"]] == ["Mum", "Gran", "Newcomer"]
    assert w.status == "saved"
    assert listening_connections(location) == 1
    w.close()
    a.close()
    b.close()


def test_check_on_a_map_removed_by_another_writer_says_so(stores, maps):
    a, b = stores
    ma, mb = maps
    w = MapWidget(ma)
    assert w.check() is False
    b.person("R-017").remove_map("Baseline")
    assert not any(w.check() for _ in range(LiveUpdates.FULL_CHECK_EVERY))
    assert w.status.startswith("error:") and "Baseline" in w.status
    w.close()


# ---------------------------------------------------------------------------- in a real browser


@pytest.fixture
def served():
    """Start harness servers on demand (one per widget); stop them all afterwards."""
    started = []

    def serve(widget):
        s = HarnessServer()
        s.widget = widget
        started.append(s)
        return s

    yield serve
    for s in started:
        s.close()


def mount(page, server):
    page.goto(server.url)
    page.wait_for_function("window.harness && window.harness.ready")
    page.evaluate("harness.mount(1)")
    page.wait_for_selector(".egomap-alter")


def drawn_labels(page):
    return page.locator(".egomap-alter .egomap-label").all_text_contents()


def centre_of(page, alter_id):
    box = page.locator(f".egomap-alter[data-id='{alter_id}'] .egomap-body").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def screen_point(page, angle, radius):
    return page.evaluate(
        """([a, r]) => {
            const svg = document.querySelector('.egomap-svg');
            const t = a * Math.PI / 180, R = 350;
            const p = new DOMPoint(r * R * Math.sin(t), -r * R * Math.cos(t)).matrixTransform(svg.getScreenCTM());
            return [p.x, p.y];
        }""",
        [angle, radius],
    )


def settle(page):
    page.wait_for_function("window.model.inflight === 0")
    page.wait_for_function("document.querySelector('.egomap-status').dataset.status !== 'saving'")


@pytest.mark.browser
def test_an_edit_in_one_widget_shows_in_the_other_widget(browser, page, served, maps):
    ma, mb = maps
    wa, wb = MapWidget(ma), MapWidget(mb)
    mount(page, served(wa))
    ctx_b = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page_b = ctx_b.new_page()
        errors_b: list[str] = []
        page_b.on("pageerror", lambda e: errors_b.append(str(e)))
        mount(page_b, served(wb))
        page.locator(".egomap-add-input").focus()
        page.keyboard.type("half-typed")  # A's own unsaved name stays, and keeps the focus
        # B adds someone through its own widget, as a practitioner would
        page_b.locator(".egomap-add-input").fill("Newcomer")
        page_b.keyboard.press("Enter")
        settle(page_b)
        assert "Newcomer" in drawn_labels(page_b)
        # ... and A's page shows it, told by its periodic check
        page.wait_for_function(
            "[...document.querySelectorAll('.egomap-alter .egomap-label')].some(e => e.textContent === 'Newcomer')"
        )
        assert sorted(drawn_labels(page)) == ["Gran", "Mum", "Newcomer"]
        assert page.locator(".egomap-sr-only[aria-live='polite']").text_content() == UPDATED
        assert page.evaluate("document.activeElement.classList.contains('egomap-add-input')")
        assert page.locator(".egomap-add-input").input_value() == "half-typed"
        # the periodic checks are no edits: nothing sent as a gesture, never "Saving…", never lost
        page.wait_for_function("window.model.checks >= 2")
        assert page.evaluate("window.model.sent.length") == 0
        assert page.locator(".egomap-status").get_attribute("data-status") == "saved"
        assert page.locator(".egomap-root").get_attribute("data-connection") is None
        assert page.errors == [] and errors_b == []
    finally:
        ctx_b.close()
        wa.close()
        wb.close()


@pytest.mark.browser
def test_a_drag_in_progress_is_not_interrupted_by_another_writers_edit(page, served, location, maps):
    ma, mb = maps
    wa = MapWidget(ma)
    mount(page, served(wa))
    mum = ma.alter("Mum").id
    x0, y0 = centre_of(page, mum)
    tx, ty = screen_point(page, 230, 0.9)  # outer circle, "friends"
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + tx) / 2, (y0 + ty) / 2, steps=5)
    mid = centre_of(page, mum)
    # B edits meanwhile: someone new, and Gran moved
    mb.add_alter("Newcomer", ring=2, sector="friends")
    mb.move("Gran", ring=2, sector="services")
    page.wait_for_function("window.model.get('data').alters.some(a => a.label === 'Newcomer')")
    # the update has arrived, but the drag goes on undisturbed: the marker stays under the pointer
    assert "egomap-dragging" in page.locator(f".egomap-alter[data-id='{mum}']").get_attribute("class")
    assert centre_of(page, mum) == pytest.approx(mid, abs=0.5)
    assert "Newcomer" not in drawn_labels(page)
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()
    settle(page)
    page.wait_for_function(
        "[...document.querySelectorAll('.egomap-alter .egomap-label')].some(e => e.textContent === 'Newcomer')"
    )
    # A's drop is saved on top of B's edits; all three are in the store and its log
    with em.open_store(location) as c:
        m = c.map(ma.id)
        assert (m.placement("Mum").ring, m.placement("Mum").sector) == (2, "friends")
        assert (m.placement("Gran").ring, m.placement("Gran").sector) == (2, "services")
        assert labels(m) == ["Gran", "Mum", "Newcomer"]
        said = " | ".join(h["description"] for h in m.history())
    assert "Newcomer" in said and "Gran" in said and "Mum" in said
    x1, y1 = centre_of(page, mum)
    assert abs(x1 - tx) < 3 and abs(y1 - ty) < 3
    assert page.errors == []
    wa.close()


@pytest.mark.browser
def test_the_periodic_check_does_not_hide_the_lost_kernel_message(page, served, maps):
    ma, mb = maps
    wa = MapWidget(ma)
    mount(page, served(wa))
    page.wait_for_function("window.model.checks >= 1")
    page.evaluate("window.model._emit('comm:close')")  # the kernel closed the widget's channel
    status = page.locator(".egomap-status")
    assert status.get_attribute("data-status") == "lost"
    lost_text = status.text_content()
    assert page.locator(".egomap-root").get_attribute("data-checking") == "off"
    mb.add_alter("Newcomer", ring=2, sector="friends")
    # a check answered anyway (one already on its way when the kernel went) brings the map ...
    # (sent until answered with it: the other writer's notice reaches this kernel's watch a moment after its commit)
    page.evaluate("window.stray = setInterval(() => window.model.send({type: 'check'}), 250)")
    page.wait_for_function("window.model.get('data').alters.some(a => a.label === 'Newcomer')")
    page.evaluate("clearInterval(window.stray)")
    settle(page)
    # ... but does not make the lost kernel look alive
    assert status.get_attribute("data-status") == "lost"
    assert status.text_content() == lost_text
    assert page.locator(".egomap-root").get_attribute("data-connection") == "lost"
    assert page.locator(".egomap-sr-only[aria-live='polite']").text_content() != UPDATED
    assert page.errors == []
    wa.close()


@pytest.mark.browser
def test_details_being_typed_are_kept_when_another_writers_edit_arrives(page, served, location, maps):
    ma, mb = maps
    wa = MapWidget(ma)
    mount(page, served(wa))
    mum = ma.alter("Mum").id
    x0, y0 = centre_of(page, mum)
    page.mouse.click(x0, y0)  # select: the details form opens
    page.wait_for_selector(".egomap-details-title")
    note = page.locator(".egomap-details [data-field=note]")
    note.click()
    page.keyboard.type("typed, not yet saved")
    mb.update("Mum", relationship="mother")  # B fills in another field of the same person
    rel = page.locator(".egomap-details [data-field=relationship]")
    page.wait_for_function("document.querySelector(\".egomap-details [data-field=relationship]\").value === 'mother'")
    # the other field shows B's edit; what A is typing stays, with the focus
    assert note.input_value() == "typed, not yet saved"
    assert page.evaluate("document.activeElement.dataset.field") == "note"
    assert page.locator(".egomap-sr-only[aria-live='polite']").text_content() == UPDATED
    note.press("Tab")  # done typing: A's note is saved on top of B's edit
    settle(page)
    assert page.locator(".egomap-status").get_attribute("data-status") == "saved"
    assert rel.input_value() == "mother"
    with em.open_store(location) as c:
        m = c.map(ma.id)
        assert (m.alter("Mum").relationship, m.placement("Mum").note) == ("mother", "typed, not yet saved")
    assert page.errors == []
    wa.close()


# ---------------------------------------------------------------------------- two kernels in JupyterLab
@pytest.mark.browser
@pytest.mark.jupyterlab
@pytest.mark.slow
def test_two_kernels_in_jupyterlab_an_edit_in_one_shows_in_the_others_widget(tmp_path, browser, location, maps):
    """Two notebooks, two kernels, one store: B's cell saves an edit, A's widget shows it (then B's widget shows A's drop)."""
    from lab import open_notebook, run_all_cells, running_lab, write_notebook

    ma, _ = maps
    opening = [
        "import egomap as em",
        f"store = em.open_store({str(location)!r})\nm = store.map({ma.id!r})",
        "w = em.MapWidget(m)\nw",
    ]
    write_notebook(tmp_path / "a.ipynb", opening)
    write_notebook(
        tmp_path / "b.ipynb", [*opening, 'm.add_alter("Newcomer", ring=2, sector="friends")\nprint("added")']
    )
    ctx = browser.new_context(viewport={"width": 1366, "height": 1000})
    try:
        page_a, page_b = ctx.new_page(), ctx.new_page()
        with running_lab(tmp_path) as lab:
            open_notebook(page_a, lab, "a.ipynb")
            run_all_cells(page_a)
            page_a.wait_for_selector(".egomap-alter")
            assert "Newcomer" not in drawn_labels(page_a)
            open_notebook(page_b, lab, "b.ipynb")  # its own kernel
            run_all_cells(page_b)
            page_a.wait_for_function(
                "[...document.querySelectorAll('.egomap-alter .egomap-label')].some(e => e.textContent === 'Newcomer')"
            )
            assert sorted(drawn_labels(page_a)) == ["Gran", "Mum", "Newcomer"]
            assert page_a.locator(".egomap-sr-only[aria-live='polite']").text_content() == UPDATED
            assert page_a.locator(".egomap-status").get_attribute("data-status") == "saved"
            # and the other way: a move in A's widget shows in B's
            gran = ma.alter("Gran").id
            page_a.locator(f".egomap-alter[data-id='{gran}']").focus()
            page_a.keyboard.press("ArrowDown")  # Gran one circle further out
            page_b.wait_for_function(
                "([id, ring]) => { const g = document.querySelector(`.egomap-alter[data-id='${id}']`);"
                " return !!g && g.getAttribute('aria-label').includes(ring); }",
                arg=[gran, ma.rings.rings[2].label],
            )
            assert page_a.locator(".egomap-status").get_attribute("data-status") == "saved"
    finally:
        ctx.close()
    with em.open_store(location) as c:
        m = c.map(ma.id)
        assert labels(m) == ["Gran", "Mum", "Newcomer"]
        assert m.placement("Gran").ring == 2
