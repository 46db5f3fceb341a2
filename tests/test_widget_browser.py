"""The widget's ES module in real headless Chromium, on the harness page.

The harness page (tests/harness/) loads ``egomap/widget/static/map.js`` with a
stand-in model whose ``send``/``save_changes`` go over HTTP to a real Python
MapWidget on a real store (tests/harness/server.py), so these tests check what
the store holds after each gesture.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

import egomap as em
from egomap import fields
from egomap.viz import style
from egomap.widget import MapWidget

sys.path.insert(0, str(Path(__file__).parent / "harness"))
from server import HarnessServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from axe import assert_accessible  # noqa: E402

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def server():
    s = HarnessServer()
    yield s
    s.close()


@pytest.fixture
def m(store):
    p = store.add_person("R-017")
    m = p.new_map("Baseline", date="2026-01-12")
    m.add_alter("Mum", ring=0, sector="household", relationship="mother", valence="supportive")
    m.add_alter("Gran", ring=1, sector="family", valence="mixed")
    m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True, kind="person", valence="stressful")
    m.add_alter("Football club", ring=2, sector="clubs_groups", kind="group")
    m.add_tie("Mum", "Gran")
    return m


def open_widget(page, server, m, views=1, **kw):
    w = MapWidget(m, **kw)
    server.widget = w
    page.goto(server.url)
    page.wait_for_function("window.harness && window.harness.ready")
    page.evaluate(f"harness.mount({views})")
    page.wait_for_selector(".egomap-alter")
    wait_stable(page)
    return w


def wait_stable(page):
    """Wait until every view's map is laid out: its place and size unchanged between two animation frames."""
    page.evaluate("() => { window.__egomapRects = null; }")
    page.wait_for_function(
        """() => {
            const now = [...document.querySelectorAll('.egomap-svg')].map((s) => {
                const b = s.getBoundingClientRect();
                return [b.x, b.y, b.width, b.height].join();
            }).join('|');
            const same = now !== '' && now === window.__egomapRects;
            window.__egomapRects = now;
            return same;
        }""",
        polling="raf",
    )


def tab_to(page, alter_id=None, field=None):
    """Press Tab until the alter (or the details form's ``field``) has the focus.

    At most once per focusable element on the page, so the search never gives up too early.
    """
    key, want = ("field", field) if field else ("id", alter_id)
    check = f"document.activeElement.dataset && document.activeElement.dataset.{key}"
    focusable = page.evaluate(
        "document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]').length"
    )
    for _ in range(focusable + 2):
        if page.evaluate(check) == want:
            return
        page.keyboard.press("Tab")


def settle(page):
    """Wait until every message sent has been answered and drawn."""
    page.wait_for_function("window.model.inflight === 0")
    page.wait_for_function("[...document.querySelectorAll('.egomap-status')].every(s => s.dataset.status !== 'saving')")
    page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")


def marker(page, alter_id, view=0):
    return page.locator(".harness-view").nth(view).locator(f".egomap-alter[data-id='{alter_id}']")


def centre_of(page, alter_id, view=0):
    box = marker(page, alter_id, view).locator(".egomap-body").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def screen_point(page, angle, radius, view=0):
    """Screen coordinates of a map position (angle clockwise from 12, radius 0..1)."""
    return page.evaluate(
        """([a, r, view]) => {
            const svg = document.querySelectorAll('.egomap-svg')[view];
            const t = a * Math.PI / 180, R = 350;
            const p = new DOMPoint(r * R * Math.sin(t), -r * R * Math.cos(t)).matrixTransform(svg.getScreenCTM());
            return [p.x, p.y];
        }""",
        [angle, radius, view],
    )


def reopened(m):
    s = em.open_store(m.person._backend.path)
    try:
        return s.person(m.person.id).map(m.label).to_dict()
    finally:
        s.close()


def placement(d, label):
    aid = next(a["id"] for a in d["alters"] if a["label"] == label)
    return next(p for p in d["placements"] if p["alter_id"] == aid)


def no_errors(page):
    assert page.errors == []
    assert page.dialogs == []


def test_render_draws_rings_sectors_markers_and_ties(page, server, m):
    open_widget(page, server, m)
    assert page.locator(".egomap-ring").count() == 3
    assert page.locator(".egomap-sector-label").count() == 7
    assert page.locator(".egomap-alter").count() == 4
    assert page.locator(".egomap-tie").count() == 1
    assert page.locator(".egomap-person").text_content() == "R-017"
    labels = page.locator(".egomap-label").all_text_contents()
    assert labels == ["Mum", "Gran", "Dr Shah", "Football club"]
    # kind and professional by shape; valence by colour AND dash pattern AND glyph
    shah = marker(page, m.alter("Dr Shah").id)
    assert shah.locator(".egomap-prof").count() == 1
    assert marker(page, m.alter("Mum").id).locator(".egomap-prof").count() == 0
    assert marker(page, m.alter("Football club").id).locator("polygon.egomap-body").count() == 1
    # the look is egomap.viz.style, sent in the snapshot: the same as the figures and the change view
    outline = style.SIZE["outline"] * 350
    gran = marker(page, m.alter("Gran").id).locator(".egomap-body")
    expected = " ".join(f"{d:g}" for d in style.dash_pattern(style.VALENCE["mixed"]["dash"], outline))
    assert gran.get_attribute("stroke-dasharray") == expected
    assert gran.get_attribute("fill") == style.VALENCE["mixed"]["color"]
    assert marker(page, m.alter("Gran").id).locator(".egomap-glyph").text_content() == "~"
    assert shah.locator(".egomap-glyph").text_content() == "!"
    assert shah.locator(".egomap-body").get_attribute("fill") == style.VALENCE["stressful"]["color"]
    assert marker(page, m.alter("Mum").id).locator(".egomap-body").get_attribute("stroke-dasharray") is None
    assert marker(page, m.alter("Football club").id).locator(".egomap-glyph").text_content() == ""  # not recorded
    # a line from the person to each alter, coloured and dashed by valence
    spokes = page.locator(".egomap-spoke")
    assert spokes.count() == 4
    strokes = sorted(spokes.nth(i).get_attribute("stroke") for i in range(4))
    assert strokes == sorted(style.VALENCE[v]["line"] for v in ("supportive", "mixed", "stressful", "unknown"))
    # the key shows the same entries as the figures' legend and the change view's key
    key = page.evaluate("[...document.querySelectorAll('.egomap-legend-list li')].map(li => li.lastChild.textContent)")
    assert key == [" " + e["label"] for e in style.KEY]
    aria = marker(page, m.alter("Dr Shah").id).get_attribute("aria-label")
    assert aria == "Dr Shah, professional, Outer circle, Services and professionals, stressful"
    # touch targets: the hit circle is at least 44 css px across
    box = marker(page, m.alter("Mum").id).locator(".egomap-hit").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    # the marker sits where Python's geometry puts it
    p = m.placement("Gran")
    x, y = centre_of(page, m.alter("Gran").id)
    ex, ey = screen_point(page, p.angle, p.radius)
    assert abs(x - ex) < 1.5 and abs(y - ey) < 1.5
    assert page.locator(".egomap-status").get_attribute("data-status") == "saved"
    no_errors(page)


def test_mouse_drag_into_another_ring_saves_once_on_pointer_up(page, server, m):
    open_widget(page, server, m)
    mum = m.alter("Mum").id
    tie = page.locator(".egomap-tie")
    x0, y0 = centre_of(page, mum)
    ends = ("x1", "y1", "x2", "y2")
    before_line = [float(tie.get_attribute(k)) for k in ends]
    # drop anywhere in the outer band, in the "friends" sector (angle 205.7-257.1 deg)
    tx, ty = screen_point(page, 230, 0.9)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + tx) / 2, (y0 + ty) / 2, steps=5)
    page.mouse.move(tx, ty, steps=5)
    # during the drag only the DOM moves: the tie follows, nothing is sent
    assert page.evaluate("window.model.sent.length") == 0
    after_line = [float(tie.get_attribute(k)) for k in ends]
    assert after_line != before_line
    page.mouse.up()
    settle(page)
    assert page.evaluate("window.model.sent.map(s => s.type)") == ["move"]
    d = reopened(m)
    assert (placement(d, "Mum")["ring"], placement(d, "Mum")["sector"]) == (2, "friends")
    assert page.locator(".egomap-status").text_content() == "✓ Saved"
    x1, y1 = centre_of(page, mum)
    assert math.hypot(x1 - tx, y1 - ty) < 3
    no_errors(page)


def test_touch_drag_with_cdp_touch_events(page, server, m):
    open_widget(page, server, m)
    gran = m.alter("Gran").id
    x0, y0 = centre_of(page, gran)
    tx, ty = screen_point(page, 30, 0.25)  # inner ring, household
    cdp = page.context.new_cdp_session(page)

    def touch(kind, x, y):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1, "radiusX": 10, "radiusY": 10, "force": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x0, y0)
    for i in range(1, 11):
        touch("touchMove", x0 + (tx - x0) * i / 10, y0 + (ty - y0) * i / 10)
    touch("touchEnd", tx, ty)
    settle(page)
    d = reopened(m)
    assert (placement(d, "Gran")["ring"], placement(d, "Gran")["sector"]) == (0, "household")
    no_errors(page)


def test_pointercancel_puts_the_marker_back_and_saves_nothing(page, server, m):
    open_widget(page, server, m)
    mum = m.alter("Mum").id
    x0, y0 = centre_of(page, mum)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 120, y0 + 120, steps=4)
    marker(page, mum).dispatch_event("pointercancel", {"pointerId": 1, "bubbles": True})
    page.mouse.up()
    settle(page)
    x1, y1 = centre_of(page, mum)
    assert math.hypot(x1 - x0, y1 - y0) < 1
    assert page.evaluate("window.model.sent.length") == 0
    assert placement(reopened(m), "Mum")["ring"] == 0


def test_add_by_typing_a_name_and_enter(page, server, m):
    open_widget(page, server, m)
    box = page.locator(".egomap-add-input")
    box.fill("Marcus")
    box.press("Enter")
    settle(page)
    assert page.locator(".egomap-label").all_text_contents()[-1] == "Marcus"
    assert box.input_value() == ""
    d = reopened(m)
    assert placement(d, "Marcus")["ring"] == 2  # outer circle by default
    # the Add button works too, with a chosen circle and sector
    box.fill("Leah")
    page.select_option(".egomap-add-ring", "0")
    page.select_option(".egomap-add-sector", "family")
    page.click(".egomap-add-btn")
    settle(page)
    d = reopened(m)
    assert (placement(d, "Leah")["ring"], placement(d, "Leah")["sector"]) == (0, "family")
    no_errors(page)


def test_keyboard_only_add_and_place_in_a_ring_and_sector(page, server, m):
    open_widget(page, server, m)
    page.keyboard.press("Tab")  # focus the name box (first control)
    assert page.evaluate("document.activeElement.className") == "egomap-add-input"
    page.keyboard.type("Sam")
    page.keyboard.press("Enter")
    settle(page)
    sam = m.alter("Sam").id
    # Tab through the controls to Sam's marker
    tab_to(page, sam)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("Sam, Outer circle, Household")
    # up = one circle in; right = next sector clockwise
    page.keyboard.press("ArrowUp")
    settle(page)
    page.keyboard.press("ArrowRight")
    settle(page)
    page.keyboard.press("ArrowRight")
    settle(page)
    d = reopened(m)
    assert (placement(d, "Sam")["ring"], placement(d, "Sam")["sector"]) == (1, "work_school")
    assert page.evaluate("document.activeElement.dataset.id") == sam  # focus stays on Sam
    page.keyboard.press("ArrowUp")
    settle(page)
    page.keyboard.press("ArrowUp")  # already innermost: nothing sent, and it says why
    settle(page)
    assert placement(reopened(m), "Sam")["ring"] == 0
    live = page.locator(".egomap-root > .egomap-sr-only")
    assert live.text_content() == "Not moved: already in the Inner circle, the closest circle."
    # Enter selects: the details panel opens for Sam, and the focus goes on into it
    page.keyboard.press("Enter")
    page.wait_for_selector(".egomap-details-title")
    assert page.locator(".egomap-details-title").text_content() == "Sam"
    page.wait_for_function("document.activeElement.dataset.field === 'label'")
    outline = page.evaluate(
        "(({outlineStyle, outlineWidth}) => [outlineStyle, outlineWidth])(getComputedStyle(document.activeElement))"
    )
    assert outline[0] != "none" and float(outline[1].rstrip("px")) >= 2  # the text box shows the focus
    # Esc closes the details and brings the focus back to Sam
    page.keyboard.press("Escape")
    page.wait_for_function(f"document.activeElement.dataset.id === '{sam}'")
    assert page.locator(".egomap-details-title").count() == 0
    # Delete removes
    page.keyboard.press("Delete")
    settle(page)
    assert "Sam" not in [a["label"] for a in reopened(m)["alters"]]
    no_errors(page)


def test_tie_mode_toggles_a_tie(page, server, m):
    open_widget(page, server, m)
    mum, shah = m.alter("Mum").id, m.alter("Dr Shah").id
    page.click(".egomap-tie-btn")
    assert page.locator(".egomap-tie-btn").get_attribute("aria-pressed") == "true"
    marker(page, mum).locator(".egomap-body").click()
    marker(page, shah).locator(".egomap-body").click()
    settle(page)
    assert page.locator(".egomap-tie").count() == 2
    assert sorted([mum, shah]) in reopened(m)["ties"]
    marker(page, shah).locator(".egomap-body").click()
    marker(page, mum).locator(".egomap-body").click()
    settle(page)
    assert page.locator(".egomap-tie").count() == 1
    assert sorted([mum, shah]) not in reopened(m)["ties"]
    page.keyboard.press("Escape")
    assert page.locator(".egomap-tie-btn").get_attribute("aria-pressed") == "false"
    no_errors(page)


def test_label_modes_initials_and_numbers(page, server, m):
    m.person.update(display_name="Jamie Smith")
    w = open_widget(page, server, m)
    assert page.locator(".egomap-person").text_content() == "Jamie Smith"
    page.select_option(".egomap-label-mode", "initials")
    settle(page)
    assert page.locator(".egomap-label").all_text_contents() == ["M", "G", "DS", "FC"]
    assert page.locator(".egomap-person").text_content() == "JS"  # no name in big type in the centre either
    assert w.label_mode == "initials"
    page.select_option(".egomap-label-mode", "hidden")
    settle(page)
    assert page.locator(".egomap-label").all_text_contents() == ["1", "2", "3", "4"]
    assert page.locator(".egomap-person").text_content() == ""
    assert "Jamie" not in w.to_svg() and "Jamie" not in w.to_svg("initials")
    svg_text = page.locator(".egomap-svg").text_content()
    assert "Mum" not in svg_text and "Gran" not in svg_text
    aria = " ".join(page.locator(".egomap-alter").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))"))
    assert "Mum" not in aria
    no_errors(page)


def test_side_panel_edits_every_field(page, server, m):
    open_widget(page, server, m)
    marker(page, m.alter("Gran").id).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    form = page.locator(".egomap-details")
    form.locator("[data-field=relationship]").fill("grandmother")
    form.locator("[data-field=relationship]").press("Tab")
    form.locator("[data-field=met_through]").fill("family")
    form.locator("[data-field=met_through]").press("Tab")
    form.locator("select[data-field=kind]").select_option("person")
    form.locator("[data-field=is_professional]").check()
    form.locator("[data-field=support_received] input[value=emotional]").check()
    form.locator("[data-field=support_given] input[value=practical]").check()
    form.locator("select[data-field=valence]").select_option("supportive")
    form.locator("select[data-field=contact]").select_option("weekly")
    form.locator("[data-field=note]").fill("Sunday lunch")
    form.locator("[data-field=note]").press("Tab")
    form.locator("[data-field=label]").fill("Granny")
    form.locator("[data-field=label]").press("Tab")
    settle(page)
    d = reopened(m)
    a = next(a for a in d["alters"] if a["id"] == m.alter("Granny").id)
    assert (a["relationship"], a["met_through"], a["is_professional"]) == ("grandmother", "family", True)
    p = placement(d, "Granny")
    assert (p["support_received"], p["support_given"], p["valence"], p["contact"], p["note"]) == (
        ["emotional"],
        ["practical"],
        "supportive",
        "weekly",
        "Sunday lunch",
    )
    assert page.locator(".egomap-details-title").text_content() == "Granny"
    granny = m.alter("Granny").id
    assert any(granny in t for t in reopened(m)["ties"])  # Gran knows Mum
    page.click(".egomap-delete")
    settle(page)
    d = reopened(m)
    assert "Granny" not in [a["label"] for a in d["alters"]]
    assert d["ties"] == [] and page.locator(".egomap-tie").count() == 0  # her tie went with her
    assert [e["edit"]["op"] for e in m.history()].count("remove_alter") == 1
    no_errors(page)


def test_undo_redo_buttons_and_keys(page, server, m):
    open_widget(page, server, m)
    page.locator(".egomap-add-input").fill("Kim")
    page.locator(".egomap-add-input").press("Enter")
    settle(page)
    assert "Kim" in [a["label"] for a in reopened(m)["alters"]]
    marker(page, m.alter("Mum").id).focus()
    page.keyboard.press("Control+z")
    settle(page)
    assert "Kim" not in [a["label"] for a in reopened(m)["alters"]]
    page.keyboard.press("Control+Shift+Z")
    settle(page)
    assert "Kim" in [a["label"] for a in reopened(m)["alters"]]
    page.click(".egomap-undo")
    settle(page)
    assert "Kim" not in [a["label"] for a in reopened(m)["alters"]]
    page.keyboard.press("Control+y")
    settle(page)
    assert "Kim" in [a["label"] for a in reopened(m)["alters"]]
    assert page.locator(".egomap-redo").is_disabled()
    no_errors(page)


def test_xss_label_shows_as_text_and_no_script_runs(page, server, m):
    m.update("Mum", note=XSS)
    open_widget(page, server, m)
    page.locator(".egomap-add-input").fill(XSS)
    page.locator(".egomap-add-input").press("Enter")
    settle(page)
    assert XSS in page.locator(".egomap-label").all_text_contents()
    assert XSS in [a["label"] for a in reopened(m)["alters"]]
    marker(page, m.alter(XSS).id).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    assert page.locator(".egomap-details-title").text_content() == XSS
    marker(page, m.alter("Mum").id).locator(".egomap-body").click()
    assert page.locator("[data-field=note]").input_value() == XSS
    page.select_option(".egomap-label-mode", "initials")
    settle(page)
    page.wait_for_timeout(200)
    assert page.locator("img").count() == 0
    no_errors(page)


def test_two_views_of_one_widget_stay_in_sync(page, server, m):
    open_widget(page, server, m, views=2)
    mum = m.alter("Mum").id
    x0, y0 = centre_of(page, mum, view=0)
    tx, ty = screen_point(page, 200, 0.6, view=0)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=8)
    page.mouse.up()
    settle(page)
    p = m.placement("Mum")
    ex, ey = screen_point(page, p.angle, p.radius, view=1)
    x1, y1 = centre_of(page, mum, view=1)
    assert abs(x1 - ex) < 1.5 and abs(y1 - ey) < 1.5
    page.locator(".harness-view").nth(1).locator(".egomap-label-mode").select_option("initials")
    settle(page)
    assert page.locator(".harness-view").nth(0).locator(".egomap-label").all_text_contents()[0] == "M"
    no_errors(page)


def drag(page, alter_id, tx, ty, steps=6):
    x0, y0 = centre_of(page, alter_id)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=steps)
    page.mouse.up()


def test_read_only_store_error_is_shown_and_the_change_can_be_saved_again(page, server, m):
    open_widget(page, server, m)
    mum = m.alter("Mum").id
    where = marker(page, mum).get_attribute("transform")
    conn = m.person._backend._conn
    conn.execute("PRAGMA query_only = ON")  # SQLite now refuses every write, as with a read-only file
    try:
        drag(page, mum, *screen_point(page, 230, 0.9))
        settle(page)
        st = page.locator(".egomap-status")
        assert st.get_attribute("data-status") == "error"
        assert st.get_attribute("role") == "alert"
        assert "not saved" in st.text_content() and "readonly database" in st.text_content()
        assert st.is_visible() and st.bounding_box()["width"] > 200
        assert marker(page, mum).get_attribute("transform") == where  # back where the store says
        assert placement(reopened(m), "Mum")["ring"] == 0
        retry = page.locator(".egomap-retry")
        assert retry.is_visible()
        # still read-only: trying again fails again, and the change is still offered
        retry.click()
        settle(page)
        assert st.get_attribute("data-status") == "error" and retry.is_visible()
    finally:
        conn.execute("PRAGMA query_only = OFF")
    # the store can be written again: the same drop is saved with one press
    page.locator(".egomap-retry").click()
    settle(page)
    assert page.locator(".egomap-status").get_attribute("data-status") == "saved"
    assert page.locator(".egomap-retry").is_hidden()
    d = reopened(m)
    assert (placement(d, "Mum")["ring"], placement(d, "Mum")["sector"]) == (2, "friends")
    assert page.evaluate("window.model.sent.map(s => s.type)") == ["move", "move", "move"]
    no_errors(page)


def test_dropped_marker_stays_where_it_was_dropped_while_saving(page, server, m, monkeypatch):
    import time

    w = open_widget(page, server, m)
    handle = w.handle
    monkeypatch.setattr(w, "handle", lambda msg: (time.sleep(0.6), handle(msg)))
    mum = m.alter("Mum").id
    tx, ty = screen_point(page, 230, 0.9)
    drag(page, mum, tx, ty)
    page.wait_for_timeout(150)
    assert page.locator(".egomap-status").get_attribute("data-status") == "saving"
    x, y = centre_of(page, mum)
    assert math.hypot(x - tx, y - ty) < 3  # no jump back to the old place before the answer
    settle(page)
    x, y = centre_of(page, mum)
    p = m.placement("Mum")
    assert (p.ring, p.sector) == (2, "friends")
    ex, ey = screen_point(page, p.angle, p.radius)
    assert math.hypot(x - ex, y - ey) < 1.5
    no_errors(page)


def test_drag_released_outside_the_map_still_ends_and_saves(page, server, m):
    open_widget(page, server, m)
    gran = m.alter("Gran").id
    x0, y0 = centre_of(page, gran)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 30, y0 + 10, steps=3)
    assert page.evaluate("document.querySelector('.egomap-svg').hasPointerCapture(1)")
    right = page.locator(".egomap-svg").bounding_box()
    page.mouse.move(right["x"] + right["width"] + 60, y0, steps=6)  # over the side panel
    page.mouse.up()
    settle(page)
    assert page.evaluate("window.model.sent.map(s => s.type)") == ["move"]
    p = placement(reopened(m), "Gran")
    assert p["ring"] == 2 and p["radius"] < 1  # kept on the map, in the outer circle
    # the drag is over: moving the mouse again does not move the marker
    before = marker(page, gran).get_attribute("transform")
    page.mouse.move(x0, y0, steps=3)
    assert marker(page, gran).get_attribute("transform") == before
    no_errors(page)


def test_pen_drag_with_cdp_pen_events(page, server, m):
    open_widget(page, server, m)
    shah = m.alter("Dr Shah").id
    x0, y0 = centre_of(page, shah)
    tx, ty = screen_point(page, 130, 0.6)  # middle circle, work / school
    cdp = page.context.new_cdp_session(page)
    page.evaluate("window.kinds = []; document.addEventListener('pointerdown', e => kinds.push(e.pointerType), true)")

    def pen(kind, x, y, buttons=1):
        cdp.send(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": x, "y": y, "button": "left", "buttons": buttons, "clickCount": 1, "pointerType": "pen"},
        )

    pen("mouseMoved", x0, y0, 0)
    pen("mousePressed", x0, y0)
    for i in range(1, 9):
        pen("mouseMoved", x0 + (tx - x0) * i / 8, y0 + (ty - y0) * i / 8)
    pen("mouseReleased", tx, ty, 0)
    settle(page)
    assert page.evaluate("window.kinds") == ["pen"]
    p = placement(reopened(m), "Dr Shah")
    assert (p["ring"], p["sector"]) == (1, "work_school")
    no_errors(page)


def test_touch_targets_stay_44_px_in_a_narrow_column(page, server, m):
    page.set_viewport_size({"width": 420, "height": 900})
    open_widget(page, server, m)
    marker(page, m.alter("Gran").id).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    svg_box = page.locator(".egomap-svg").bounding_box()
    assert svg_box["width"] <= 420
    for i in range(page.locator(".egomap-hit").count()):
        box = page.locator(".egomap-hit").nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    controls = page.locator(".egomap-root button:visible, .egomap-root select:visible, .egomap-root input:visible")
    for i in range(controls.count()):
        c = controls.nth(i)
        box = c.bounding_box()
        if c.get_attribute("type") == "checkbox":  # the whole label is the target
            box = c.locator("xpath=..").bounding_box()
        assert box["height"] >= 44, c.evaluate("e => e.outerHTML")
        assert box["x"] >= 0 and box["x"] + box["width"] <= 420 + 1, c.evaluate("e => e.outerHTML")
    # a press at the edge of the (grown) target still picks the marker
    x, y = centre_of(page, m.alter("Mum").id)
    page.mouse.click(x + 20, y)
    assert page.locator(".egomap-details-title").text_content() == "Mum"
    no_errors(page)


def test_numbers_only_keeps_names_out_of_the_panel_heading(page, server, m):
    open_widget(page, server, m, label_mode="hidden")
    marker(page, m.alter("Gran").id).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    assert page.locator(".egomap-details-title").text_content() == "Person 2"
    shadow = page.locator("[data-field=label]").evaluate("e => getComputedStyle(e).color")
    assert shadow == "rgba(0, 0, 0, 0)"  # blurred until focused
    page.locator("[data-field=label]").focus()
    assert page.locator("[data-field=label]").evaluate("e => getComputedStyle(e).color") != "rgba(0, 0, 0, 0)"
    no_errors(page)


def test_review_mode_on_a_follow_up_map(page, server, m):
    six = m.person.new_map("6 months", date="2026-07-13", copy_from=m)
    open_widget(page, server, six)
    page.click(".egomap-review-btn")
    settle(page)
    assert "Mum" in page.locator(".egomap-review-q").text_content()
    assert "Last time: Inner circle" in page.locator(".egomap-review").text_content()
    page.click(".egomap-review-keep")
    settle(page)
    page.click(".egomap-review-closer")  # Gran: middle -> inner
    settle(page)
    page.click(".egomap-review-remove")  # Dr Shah
    settle(page)
    assert page.locator(".egomap-review-further").is_disabled()  # Football club is already outermost
    d = six.to_dict()
    labels = [a["label"] for a in d["alters"]]
    assert labels == ["Mum", "Gran", "Football club"]
    assert placement(d, "Gran")["ring"] == 0 and placement(d, "Gran")["reviewed"]
    assert placement(d, "Mum")["reviewed"] and not placement(d, "Football club")["reviewed"]
    page.click(".egomap-review-keep")
    settle(page)
    assert page.locator(".egomap-review").is_hidden()
    assert "Review finished: 2 kept, 1 moved, 1 removed" in page.locator(".egomap-sr-only").text_content()
    no_errors(page)


def test_export_svg_download_is_escaped(page, server, m):
    m.add_alter(XSS, ring=1, sector="friends")
    open_widget(page, server, m)
    with page.expect_download() as dl:
        page.click(".egomap-export-svg")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename == "R-017-Baseline.svg"
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text
    assert "egomap-hit" not in text
    with page.expect_download() as dl:
        page.click(".egomap-export-png")
    assert Path(dl.value.path()).read_bytes()[:4] == b"\x89PNG"
    no_errors(page)


def test_read_only_view_has_no_controls_and_ignores_drags(page, server, m):
    open_widget(page, server, m, read_only=True)
    assert page.locator(".egomap-add-input").is_hidden()
    assert page.locator(".egomap-panel").is_hidden()
    mum = m.alter("Mum").id
    # people can still be read one by one with Tab (a read-only map is not a picture only)
    assert marker(page, mum).get_attribute("tabindex") == "0" and marker(page, mum).get_attribute("role") == "img"
    x0, y0 = centre_of(page, mum)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 100, y0 + 100, steps=4)
    page.mouse.up()
    x1, y1 = centre_of(page, mum)
    assert (x1, y1) == (x0, y0)
    assert page.evaluate("window.model.sent.length") == 0
    no_errors(page)


def test_cleanup_removes_dom_and_listeners(page, server, m):
    open_widget(page, server, m, views=2)
    assert page.evaluate("window.model.listenerCount()") > 0
    assert page.evaluate("harness.unmountAll()") == 0
    assert page.locator(".egomap-root").count() == 0
    no_errors(page)


def test_labels_keep_clear_of_each_other_and_of_the_ring_labels(page, server, store):
    """The demo case's maps: no name is drawn over another name or over a ring's label."""
    p = em.demo.demo_case(store)

    def overlap(a, b):
        w = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
        h = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
        return w > 4 and h > 4  # the boxes include the labels' white halo

    for m in p.maps:
        open_widget(page, server, m)
        labels = [page.locator(".egomap-label").nth(i).bounding_box() for i in range(len(m))]
        rings = [page.locator(".egomap-ring-label").nth(i).bounding_box() for i in range(len(m.rings))]
        for i, a in enumerate(labels):
            assert not any(overlap(a, r) for r in rings), (m.label, m.alters[i].label)
            assert not any(overlap(a, b) for b in labels[i + 1 :]), (m.label, m.alters[i].label)
    no_errors(page)


def test_keyboard_only_link_two_people(page, server, m):
    open_widget(page, server, m)
    mum, shah = m.alter("Mum").id, m.alter("Dr Shah").id
    page.locator(".egomap-tie-btn").focus()
    page.keyboard.press("Enter")
    assert page.locator(".egomap-tie-btn").get_attribute("aria-pressed") == "true"
    marker(page, mum).focus()
    page.keyboard.press("Enter")
    assert "Now choose who Mum knows" in page.locator(".egomap-hint").text_content()
    marker(page, shah).focus()
    page.keyboard.press("Enter")
    settle(page)
    assert sorted([mum, shah]) in reopened(m)["ties"]
    page.keyboard.press("Escape")
    assert page.locator(".egomap-tie-btn").get_attribute("aria-pressed") == "false"
    no_errors(page)


def test_details_form_has_one_control_per_editable_field(page, server, m):
    """The form is built from the vocabulary: one control with data-field=<name> per editable field, in order."""
    open_widget(page, server, m)
    marker(page, m.alter("Gran").id).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    names = page.evaluate("[...document.querySelectorAll('.egomap-details [data-field]')].map(e => e.dataset.field)")
    assert names == [f.name for f in fields.editable()]
    text = page.locator(".egomap-details").text_content()
    assert all(f.label in text for f in fields.editable())
    for f in fields.editable():
        control = page.locator(f".egomap-details [data-field={f.name}]")
        kind = f.describe()["type"]
        if kind == "choice":
            options = control.locator("option").evaluate_all("os => os.map(o => o.value)")
            assert options == ([""] if f.optional else []) + list(f.choices), f.name
        elif kind == "set":
            assert control.locator("input[type=checkbox]").count() == len(f.choices)
        elif kind == "bool":
            assert control.get_attribute("type") == "checkbox"
        elif kind == "note":
            assert control.evaluate("e => e.tagName") == "TEXTAREA"
        else:
            assert control.get_attribute("maxlength") == str(f.max_len)
    no_errors(page)


def test_known_for_is_set_with_the_mouse_and_with_the_keyboard(page, server, m):
    open_widget(page, server, m)
    gran = m.alter("Gran").id
    marker(page, gran).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    page.locator("select[data-field=known_for]").select_option("1-5 years")
    settle(page)
    assert placement(reopened(m), "Gran")["known_for"] == "1-5 years"
    assert page.evaluate("window.model.sent.map(s => s.fields)") == [{"known_for": "1-5 years"}]
    # keyboard only: from the marker, Enter opens the details, Tab reaches the field, arrows choose
    marker(page, m.alter("Mum").id).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.egomap-details-title').textContent === 'Mum'")
    tab_to(page, field="known_for")
    assert page.evaluate("document.activeElement.dataset.field") == "known_for"
    page.keyboard.press("ArrowDown")  # "not said" -> "less than a year"
    settle(page)
    assert placement(reopened(m), "Mum")["known_for"] == "less than a year"
    page.keyboard.press("End")
    settle(page)
    assert placement(reopened(m), "Mum")["known_for"] == "more than 5 years"
    page.keyboard.press("Home")  # back to "not said"
    settle(page)
    assert placement(reopened(m), "Mum")["known_for"] is None
    assert placement(reopened(m), "Gran")["known_for"] == "1-5 years"
    no_errors(page)


def drawn_labels(page):
    """``{alter id: (text, x, y)}``: each alter's label as drawn, in view-box units (as the SVG export's)."""
    rows = page.evaluate(
        """() => {
            const svg = document.querySelector('.egomap-svg');
            const toView = svg.getScreenCTM().inverse();
            return [...svg.querySelectorAll('.egomap-alter')].map((g) => {
                const t = g.querySelector('.egomap-label');
                const at = new DOMPoint(t.x.baseVal[0].value, t.y.baseVal[0].value);
                const p = at.matrixTransform(toView.multiply(t.getScreenCTM()));
                return [g.dataset.id, t.textContent, p.x, p.y];
            });
        }"""
    )
    return {aid: (text, x, y) for aid, text, x, y in rows}


def exported_labels(w, mode):
    """``{alter id: (text, x, y)}``: each alter's label in ``w.to_svg(mode)``."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    texts = [t for t in ET.fromstring(w.to_svg(mode)).iter(f"{ns}text") if t.get("paint-order") == "stroke"]
    alters = w.data["alters"]
    assert len(texts) == len(alters)
    return {a["id"]: (t.text, float(t.get("x")), float(t.get("y"))) for a, t in zip(alters, texts)}


def assert_labels_as_exported(page, w, mode, tol=0.3):
    settle(page)
    assert w.label_mode == mode
    drawn, exported = drawn_labels(page), exported_labels(w, mode)
    assert drawn.keys() == exported.keys()
    for aid, (text, x, y) in exported.items():
        dt, dx, dy = drawn[aid]
        assert dt == text, (mode, aid)
        assert abs(dx - x) <= tol and abs(dy - y) <= tol, (mode, text, (dx, dy), (x, y))


def test_labels_are_drawn_where_the_svg_export_draws_them(page, server, store):
    """A crowded map (the demo case's latest map, plus eight people in one ring and sector):
    in every label mode, each label in the widget is where ``to_svg`` puts it (one placement,
    computed in Python and sent in the snapshot); a dragged marker's label moves with it,
    and after the drop the labels are where the new export puts them."""
    m = em.demo.demo_case(store).maps[-1]
    for i in range(8):
        m.add_alter(f"Neighbour number {i + 1}", ring=1, sector="neighbours")
    w = open_widget(page, server, m)
    for mode in ("names", "initials", "hidden"):
        page.select_option(".egomap-label-mode", mode)
        assert_labels_as_exported(page, w, mode)
    page.select_option(".egomap-label-mode", "names")
    assert_labels_as_exported(page, w, "names")

    # during a drag the label keeps its offset from the marker; after the drop the new snapshot places it
    mover = m.alter("Neighbour number 1").id
    label = marker(page, mover).locator(".egomap-label")

    def offset():
        (bx, by), box = centre_of(page, mover), label.bounding_box()
        return box["x"] + box["width"] / 2 - bx, box["y"] + box["height"] / 2 - by

    before = offset()
    x0, y0 = centre_of(page, mover)
    tx, ty = screen_point(page, 40, 0.9)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + tx) / 2, (y0 + ty) / 2, steps=5)
    during = offset()
    assert abs(during[0] - before[0]) < 1 and abs(during[1] - before[1]) < 1
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()
    settle(page)
    assert m.placement("Neighbour number 1").sector != "neighbours"
    assert_labels_as_exported(page, w, "names")
    no_errors(page)


def test_screen_reader_words_links_and_sector_labels(page, server, m):
    """Issue 16: a person's description names whom they are linked to; no "1 links", "Clubs andgroups", "↶ Undo"."""
    open_widget(page, server, m)
    mum, gran = m.alter("Mum").id, m.alter("Gran").id
    assert marker(page, mum).get_attribute("aria-label").endswith("linked to Gran")
    assert marker(page, gran).get_attribute("aria-label").endswith("linked to Mum")
    assert "linked" not in marker(page, m.alter("Dr Shah").id).get_attribute("aria-label")
    assert page.locator(".egomap-svg").get_attribute("aria-label").endswith("4 people, 1 link")
    sectors = page.locator(".egomap-sector-label").all_text_contents()
    assert "Clubs and groups" in sectors and "Services and professionals" in sectors
    # the names a screen reader gets (the accessibility tree)
    assert page.get_by_role("button", name="Undo", exact=True).count() == 1
    assert page.get_by_role("button", name="Redo", exact=True).count() == 1
    tree = page.locator(".egomap-svg").aria_snapshot()
    assert "Clubs and groups" in tree and "andgroups" not in tree
    # axe-core (WCAG 2.2 A/AA) on the widget, with the details open too
    assert_accessible(page, ".egomap-root")
    marker(page, mum).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    assert_accessible(page, ".egomap-root")
    # ties have at least 3:1 contrast against every ring band (WCAG 1.4.11), as drawn
    line = page.locator(".egomap-tie").first
    colour, opacity = line.get_attribute("stroke"), float(line.get_attribute("stroke-opacity"))
    for fill in style.RING["fills"] + ["#FFFFFF"]:
        assert contrast(blend(colour, fill, opacity), fill) >= 3.0, fill
    no_errors(page)


def _lum(hex_colour):
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def blend(fg, bg, alpha):
    """``fg`` drawn at opacity ``alpha`` over ``bg`` (hex colours), as a hex colour."""
    f = [int(fg[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(bg[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(alpha * x + (1 - alpha) * y):02X}" for x, y in zip(f, b))


def contrast(a, b):
    la, lb = sorted((_lum(a), _lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_CROWD = ["Mum", "Dad", "Cousin Lee", "Gran", "Auntie Jo", "Uncle Sam", "Mary-Jane", "Big Tom", "Priya", "Kwame",
          "Dr Okafor", "Josh", "Dave", "Leah", "Marcus", "Ben", "Ana", "Sofia", "Mo", "Kate"]  # fmt: skip


def crowded_map(store, case):
    """Issue 16's crowded cases: 10 people in one inner-circle cell, 15 in one middle-circle cell, 40 on the map."""
    m = store.add_person(f"R-{case}").new_map("Baseline")
    if case == "inner10":
        for name in _CROWD[:10]:
            m.add_alter(name, ring=0, sector="family")
    elif case == "middle15":
        for name in _CROWD[:15]:
            m.add_alter(name, ring=1, sector="friends", is_professional=name.startswith("Dr"))
    else:
        keys = m.sectors.keys
        for i in range(40):
            name = _CROWD[i % 20] + (f" {i // 20 + 1}" if i >= 20 else "")
            m.add_alter(name, ring=i % 3, sector=keys[(i * 3) % len(keys)])
    return m


# Markers (drawn shapes), names and ring labels as drawn, in view-box units; and the person's disc.
_GEOMETRY = """() => {
    const svg = document.querySelector('.egomap-svg');
    const inView = (e) => { const b = e.getBBox(), m = e.getCTM(), r = svg.getCTM().inverse().multiply(m);
        const p = new DOMPoint(b.x, b.y).matrixTransform(r), q = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(r);
        return [p.x, p.y, q.x, q.y]; };
    const marker = (g) => { const s = g.querySelector('.egomap-prof') || g.querySelector('.egomap-body');
        const [x0, y0, x1, y1] = inView(s); return [(x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2]; };
    const alters = [...svg.querySelectorAll('.egomap-alter')];
    return {
        markers: alters.map(marker),
        labels: alters.map((g) => inView(g.querySelector('.egomap-label'))),
        rings: [...svg.querySelectorAll('.egomap-ring-label')].map(inView),
        centre: parseFloat(svg.querySelector('.egomap-ego circle').getAttribute('r')),
    };
}"""


def count_overlaps(geo, slack=0.5):
    """Overlapping pairs in drawn geometry: markers, names, names on markers, names on ring labels, on the centre."""

    def boxes(a, b):
        return min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack

    def circle_box(c, b):
        x, y = min(max(c[0], b[0]), b[2]), min(max(c[1], b[1]), b[3])
        return math.hypot(x - c[0], y - c[1]) < c[2] - slack

    mk, lb, rl = geo["markers"], geo["labels"], geo["rings"]
    n = len(mk)
    return {
        "markers": sum(
            math.dist(mk[i][:2], mk[j][:2]) < mk[i][2] + mk[j][2] - slack for i in range(n) for j in range(i)
        ),
        "names": sum(boxes(lb[i], lb[j]) for i in range(n) for j in range(i)),
        "name on marker": sum(circle_box(c, b) for c in mk for b in lb),
        "name on circle label": sum(boxes(b, r) for b in lb for r in rl),
        "marker on circle label": sum(circle_box(c, r) for c in mk for r in rl),
        "on the centre": sum(math.hypot(c[0], c[1]) < geo["centre"] + c[2] - slack for c in mk)
        + sum(circle_box((0.0, 0.0, geo["centre"]), b) for b in lb),
    }


@pytest.mark.parametrize("case", ["inner10", "middle15", "map40"])
def test_crowded_cells_nothing_overlaps_as_drawn(page, server, store, case):
    """Issue 16: at densities the method meets, placement and labels leave nothing on top of anything else.

    Before: 10 people in one inner-circle cell had 48 overlapping marker pairs and 6 overlapping name pairs.
    """
    m = crowded_map(store, case)
    open_widget(page, server, m)
    geo = page.evaluate(_GEOMETRY)
    assert len(geo["markers"]) == len(m)
    assert count_overlaps(geo) == dict.fromkeys(count_overlaps(geo), 0)
    # a name drawn away from its marker has a leader line to it
    far = page.locator(".egomap-leader[visibility=visible]").count()
    assert far == sum(1 for a in server.widget.data["alters"] if a["leaders"]["names"])
    no_errors(page)
