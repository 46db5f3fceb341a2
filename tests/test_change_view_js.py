"""The change view's page script (egomap/viz/change_view.js) in headless Chromium.

The script draws what Python computed: rings, the sector lines and labels at
the canvas positions in the view data (egomap.geometry.polar_to_xy), the
person's disc, markers and the hover text; the step buttons and arrow keys
switch time points.
"""

from __future__ import annotations

from importlib import resources

import pytest
from axe import assert_accessible

import egomap as em
from egomap.viz import style
from egomap.viz.pyvis_view import SCALE, change_view_js

pytestmark = pytest.mark.browser


def rgb(hex_colour: str) -> list[int]:
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def near(px: list[int], colour: str, tol: int = 14) -> bool:
    return max(abs(a - b) for a, b in zip(px, rgb(colour))) <= tol


def canvas_pixel(page, x: float, y: float) -> list[int]:
    """RGB of the canvas pixel at canvas coordinates (x, y)."""
    return page.evaluate(
        """([x, y]) => {
        const d = window.egomapView.network.canvasToDOM({x: x, y: y});
        const c = document.querySelector('#em-net canvas'), r = window.devicePixelRatio || 1;
        const p = c.getContext('2d').getImageData(Math.round(d.x * r), Math.round(d.y * r), 1, 1).data;
        return [p[0], p[1], p[2]];
    }""",
        [x, y],
    )


def two_maps() -> em.Person:
    p = em.Person("R-60", display_name="Jo Bloggs")
    a = p.new_map("Baseline", date="2026-01-01", sectors="four_quadrants")
    a.add_alter("Mary-Jane", 0, "family", valence="supportive")
    b = p.new_map("Later", date="2026-06-01", copy_from=a)
    b.add_alter("Coach", 2, "work_school")
    return p


def open_view(page, view) -> dict:
    page.set_content(view.html)
    page.wait_for_function("window.egomapView && window.egomapView.nodeCount() > 0")
    page.wait_for_timeout(150)  # one frame drawn after the fit
    return page.evaluate("JSON.parse(document.getElementById('em-data').textContent)")


def test_page_carries_the_js_file():
    text = resources.files("egomap.viz").joinpath("change_view.js").read_text(encoding="utf-8")
    assert change_view_js() == text and "window.egomapView" in text
    html = em.viz.change_network(two_maps()).html
    assert f"<script>\n{text}</script>" in html


def test_script_draws_background_where_python_put_it(page):
    data = open_view(page, em.viz.change_network(two_maps(), label_mode="initials"))
    g = data["views"][0]["geometry"]
    # sector lines and label spots come from Python, in canvas units (y down)
    x0, y0 = em.geometry.polar_to_xy(g["sectors"][1]["start"], g["centre"] * SCALE)
    assert g["sectors"][1]["line"][:2] == pytest.approx([x0, -y0], abs=1e-3)
    # the person's disc (above its text), the innermost ring's fill, the sector line colour along a dividing line
    assert near(canvas_pixel(page, 0, -0.11 * SCALE), style.EGO["fill"])
    mid = (g["centre"] + g["rings"][0]) / 2
    empty = next(s for s in g["sectors"] if s["label"] == ["Professional", "helpers"])
    ex, ey = em.geometry.polar_to_xy(empty["mid"] + 20, mid * SCALE)
    assert near(canvas_pixel(page, ex, -ey), style.RING["fills"][0])
    lx0, ly0, lx1, ly1 = g["sectors"][2]["line"]
    on_line = [canvas_pixel(page, lx0 + (lx1 - lx0) * t / 40, ly0 + (ly1 - ly0) * t / 40) for t in range(4, 40)]
    beside = [canvas_pixel(page, lx0 + (lx1 - lx0) * t / 40 + 6, ly0 + (ly1 - ly0) * t / 40) for t in range(4, 40)]

    def line_grey(px):  # the thin dashed line, anti-aliased: clearly darker than the ring fills, a blue-grey
        return sum(px) < sum(rgb(style.RING["fills"][0])) - 60 and px[2] > px[0]

    assert sum(map(line_grey, on_line)) >= 12 and not any(map(line_grey, beside))
    # a sector label is written at its spot (dark text just outside the edge)
    ax, ay = g["sectors"][0]["at"]
    around = [canvas_pixel(page, ax + dx, ay + dy) for dx in range(-12, 13, 2) for dy in range(-6, 7, 2)]
    assert any(near(px, style.RING["text"], 40) for px in around)
    assert_accessible(page)
    assert page.errors == []


def test_script_markers_hover_and_steps(page):
    from egomap.viz.change_view import hover_text

    data = open_view(page, em.viz.change_network(two_maps(), label_mode="initials"))
    ev = "window.egomapView"
    nodes = page.evaluate(f"{ev}.network.body.data.nodes.get()")
    assert [n["label"] for n in nodes] == ["MJ"]  # one initials() for widget and figures
    mj = nodes[0]["id"]
    pos = page.evaluate(f"(id) => {ev}.network.getPositions([id])[id]", mj)
    # the marker is filled with its valence colour
    assert near(
        canvas_pixel(page, pos["x"], pos["y"] + 0.75 * style.SIZE["marker"] * SCALE),
        style.VALENCE["supportive"]["color"],
    )
    # hover: the tooltip shows the node's hover text
    d = page.evaluate(f"(p) => {ev}.network.canvasToDOM(p)", pos)
    box = page.locator("#em-net").bounding_box()
    page.mouse.move(box["x"] + d["x"], box["y"] + d["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    tip = page.locator("div.vis-tooltip").inner_text()
    assert tip == "MJ\nInner circle, Family\nHow it feels: supportive"  # the first map: nothing to compare with
    assert tip == hover_text(data["views"][0]["nodes"][0]["r"], None)  # the page says what Python says
    # on the later map the hover says what changed since the previous one
    page.evaluate(f"{ev}.show(1)")
    pos = page.evaluate(f"(id) => {ev}.network.getPositions([id])[id]", mj)
    page.mouse.move(box["x"] + 3, box["y"] + 3)
    page.wait_for_selector("div.vis-tooltip", state="hidden")
    d = page.evaluate(f"(p) => {ev}.network.canvasToDOM(p)", pos)
    page.mouse.move(box["x"] + d["x"], box["y"] + d["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    later = next(n for n in data["views"][1]["nodes"] if n["l"] == "MJ")
    assert page.locator("div.vis-tooltip").inner_text() == hover_text(later["r"], "Since Baseline")
    assert "Since Baseline: still there, same circle" in hover_text(later["r"], "Since Baseline")
    page.evaluate(f"{ev}.show(0)")
    # steps: buttons, arrow keys (wrapping round), the combined view; caption and marks follow
    page.get_by_role("tab", name="Later").click()
    assert page.evaluate(f"{ev}.label()") == "Later" and page.evaluate(f"{ev}.nodeCount()") == 2
    assert page.get_by_role("tab", name="Later").get_attribute("aria-selected") == "true"
    assert page.get_by_role("tab", name="Baseline").get_attribute("aria-selected") == "false"
    assert "1 new" in page.locator("#em-caption").inner_text()
    coach = page.evaluate(f"{ev}.network.body.data.nodes.get().find(n => n.label === 'C')")
    assert coach["borderWidth"] == pytest.approx(style.SIZE["outline"] * SCALE * style.STATUS["gained"]["width"])
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{ev}.label()") == "All time points"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{ev}.current()") == 0
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(f"{ev}.current()") == page.evaluate(f"{ev}.views") - 1
    page.get_by_role("button", name="Previous time point").click()
    assert page.evaluate(f"{ev}.label()") == "Later"
    # clicking a person on the map chooses them in the list too; clicking beside them clears it
    coach = page.evaluate(f"{ev}.network.body.data.nodes.get().find(n => n.label === 'C')")
    d = page.evaluate(f"(id) => {ev}.network.canvasToDOM({ev}.network.getPositions([id])[id])", coach["id"])
    page.mouse.click(box["x"] + d["x"], box["y"] + d["y"])
    assert page.evaluate(f"{ev}.chosen()") == coach["id"]
    assert page.locator("tr.em-current th").inner_text() == "C"
    assert page.locator("#em-people tbody button[tabindex='0']").inner_text() == "C"  # the list's tab stop follows
    page.mouse.click(box["x"] + 5, box["y"] + 5)
    assert page.evaluate(f"{ev}.chosen()") is None and page.locator("tr.em-current").count() == 0
    assert_accessible(page)
    assert page.errors == [] and page.dialogs == []


def test_an_empty_map_says_so_and_its_panel_is_a_tab_stop(page):
    p = em.Person("R-61")
    p.new_map("Empty", date="2026-01-01")
    later = p.new_map("Later", date="2026-02-01")
    later.add_alter("Coach", 2, "clubs_groups")
    page.set_content(em.viz.change_network(p).html)
    page.wait_for_function("window.egomapView && window.egomapView.label() === 'Empty'")
    assert page.locator("#em-people tbody").inner_text().strip() == "No one on this map yet."
    assert page.get_by_role("tabpanel").get_attribute("tabindex") == "0"  # nothing to focus inside: the panel is
    page.get_by_role("button", name="Next time point").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "em-panel"
    assert_accessible(page)
    page.get_by_role("tab", name="Later").click()
    assert page.get_by_role("tabpanel").get_attribute("tabindex") is None
    assert page.locator("#em-people tbody th").inner_text() == "Coach"
    assert page.errors == [] and page.dialogs == []
