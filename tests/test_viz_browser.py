"""The change view in a real headless Chromium: offline, nodes drawn, stepping, no script from labels."""

from __future__ import annotations

import pytest
from axe import assert_accessible

import egomap as em

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def block_network(page) -> list[str]:
    """Abort every http(s) request and record it: the view must need none."""
    tried: list[str] = []

    def _abort(route):
        tried.append(route.request.url)
        route.abort()

    page.route("http://**/*", _abort)
    page.route("https://**/*", _abort)
    return tried


def painted_pixels(frame) -> int:
    """Number of non-white pixels on the network canvas."""
    return frame.evaluate(
        """() => {
        const c = document.querySelector('#em-net canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
        }
        return n;
    }"""
    )


def key_of(frame, label: str) -> str:
    """The vis node id of the node labelled ``label``."""
    return frame.evaluate(
        "(lbl) => window.egomapView.network.body.data.nodes.get().find(n => n.label === lbl).id", label
    )


def node_pixels(frame, node_id: str) -> tuple[float, float]:
    return tuple(
        frame.evaluate(
            "(id) => { const p = window.egomapView.network.getPositions([id])[id];"
            " const d = window.egomapView.network.canvasToDOM(p); return [d.x, d.y]; }",
            node_id,
        )
    )


def pixels_near(frame, node_id: str, dx: float, dy: float, half: int = 2) -> list[list[int]]:
    """RGB of the canvas pixels in a small square at (dx, dy) canvas units from a node's centre."""
    return frame.evaluate(
        """([id, dx, dy, half]) => {
        const net = window.egomapView.network, p = net.getPositions([id])[id];
        const d = net.canvasToDOM({x: p.x + dx, y: p.y + dy});
        const c = document.querySelector('#em-net canvas'), r = window.devicePixelRatio || 1;
        const x = Math.round(d.x * r) - half, y = Math.round(d.y * r) - half, n = 2 * half + 1;
        const data = c.getContext('2d').getImageData(x, y, n, n).data, out = [];
        for (let i = 0; i < data.length; i += 4) out.push([data[i], data[i + 1], data[i + 2]]);
        return out;
    }""",
        [node_id, dx, dy, half],
    )


def xss_person() -> em.Person:
    p = em.Person("R-50", display_name="<script>alert('ego')</script>")
    a = p.new_map("Baseline <img src=x onerror=alert(2)>", date="2026-01-01")
    a.add_alter(XSS, 0, "friends", note=XSS, relationship=XSS, met_through=XSS)
    a.add_alter("Mum", 1, "household", relationship='<a href="javascript:alert(4)">mum</a>')  # pyvis: href -> innerHTML
    b = p.new_map("Later", date="2026-06-01", copy_from=a)
    b.add_alter("Coach", 2, "clubs_groups")
    b.remove_alter("Mum")
    return p


def test_view_draws_offline_and_steps_through_time_points(page):
    tried = block_network(page)
    p = em.demo.demo_case()
    view = em.viz.change_network(p)
    page.set_content(view.html)
    page.wait_for_function("window.egomapView && window.egomapView.nodeCount() > 0")
    ev = "window.egomapView"
    assert page.evaluate(f"{ev}.views") == 4
    assert page.evaluate(f"{ev}.label()") == "Baseline"
    assert page.evaluate(f"{ev}.nodeCount()") == 7
    assert page.evaluate(f"{ev}.edgeCount()") == len(p.map("Baseline").ties)
    blank_check = painted_pixels(page)
    assert blank_check > 5000  # rings, sectors and nodes are on the canvas
    assert_accessible(page)
    # step with the buttons, as a user would
    page.get_by_role("tab", name="12 months").click()
    assert page.evaluate(f"{ev}.label()") == "12 months"
    ds = "window.egomapView.network.body.data.nodes"
    ben, dad, tom = (page.evaluate(f"{ds}.get('{key_of(page, n)}')") for n in ("Ben", "Dad", "Tom"))
    assert ben["borderWidth"] > dad["borderWidth"]  # new: thick outline
    assert tom["shapeProperties"]["borderDashes"] and tom["opacity"] < 1  # gone: dashed ghost
    assert dad["shapeProperties"]["borderDashes"] is False
    assert key_of(page, "Marcus \u25b2")  # moved closer
    # new alters carry a star at the upper right of the marker (a shape, not only a colour)
    from egomap.viz import style
    from egomap.viz.pyvis_view import SCALE

    r = style.SIZE["marker"] * SCALE
    off = (style.BADGE["offset"][0] * r, style.BADGE["offset"][1] * r)
    blue = [int(style.BADGE["color"][i : i + 2], 16) for i in (1, 3, 5)]

    def star_blue(pixels):  # a solid patch of the star's colour (ties in that colour are thin and translucent)
        return all(max(abs(a - b) for a, b in zip(px, blue)) <= 12 for px in pixels)

    assert star_blue(pixels_near(page, key_of(page, "Ben"), *off))
    assert not star_blue(pixels_near(page, key_of(page, "Dad"), *off))
    assert page.evaluate(f"{ev}.nodeCount()") == 15  # 12 on the map + 3 gone as ghosts
    assert_accessible(page)
    assert page.get_by_role("tab", name="12 months").get_attribute("aria-selected") == "true"
    assert "4 new, 3 gone" in page.locator("#em-caption").inner_text()
    assert page.locator("#em-since").inner_text() == "Since the previous map"
    page.get_by_role("button", name="Next time point").click()
    assert page.evaluate(f"{ev}.label()") == "All time points"
    assert page.locator("#em-since").inner_text() == "Since the first map"  # the key says what the marks compare
    assert page.evaluate(f"{ev}.nodeCount()") == 15
    page.keyboard.press("ArrowRight")  # wraps round to the first time point
    assert page.evaluate(f"{ev}.label()") == "Baseline"
    # fixed positions: Leah (who does not move) is at the same place on the screen at every time point
    leah = key_of(page, "Leah")
    here = node_pixels(page, leah)
    page.get_by_role("tab", name="6 months").click()
    assert node_pixels(page, leah) == pytest.approx(here, abs=0.5)
    assert tried == [] and page.errors == [] and page.dialogs == []


def test_notebook_output_iframe_renders_offline(page):
    tried = block_network(page)
    view = em.viz.change_network(em.demo.demo_case(), label_mode="initials")
    page.set_content(f"<html><body><h2>Notebook cell</h2>{view._repr_html_()}</body></html>")
    page.wait_for_selector("iframe")
    frame = page.frames[1]
    frame.wait_for_function("window.egomapView && window.egomapView.nodeCount() === 7")
    assert painted_pixels(frame) > 5000
    assert "not trusted" not in page.locator("body").inner_text()  # the fallback text shows only without the iframe
    assert_accessible(frame)
    frame.get_by_role("tab", name="6 months").click()
    assert frame.evaluate("window.egomapView.nodeCount()") == 11
    assert frame.locator("#em-people tbody tr").count() == 11  # the list of people, with initials only
    assert (
        frame.locator("#em-people tbody tr").first.locator("th").inner_text() == "M"
    )  # initials only: no relationship text either
    assert_accessible(frame)
    assert tried == [] and page.errors == [] and page.dialogs == []


def test_labels_with_markup_show_as_text_and_run_nothing(page):
    tried = block_network(page)
    view = em.viz.change_network(xss_person(), heading="<img src=x onerror=alert(3)>")
    page.set_content(view.html)
    page.wait_for_function("window.egomapView && window.egomapView.nodeCount() > 0")
    page.wait_for_timeout(300)
    assert page.locator("img").count() == 0
    assert page.locator("#em-heading").inner_text() == "<img src=x onerror=alert(3)>"
    assert page.get_by_role("tab", name="Baseline <img src=x onerror=alert(2)>").count() == 1
    # hover over the alter: the tooltip shows the label as text, with no element made from it
    assert page.evaluate("window.egomapView.nodeCount()") == 2
    label_id = key_of(page, XSS)
    x, y = node_pixels(page, label_id)
    box = page.locator("#em-net").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_selector("div.vis-tooltip", state="visible")
    tip = page.locator("div.vis-tooltip")
    assert XSS in tip.inner_text()
    assert tip.locator("img").count() == 0 and page.locator("img").count() == 0
    mum = key_of(page, "Mum")
    x, y = node_pixels(page, mum)
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_function("document.querySelector('div.vis-tooltip').innerText.includes('Mum')")
    assert '<a href="javascript:alert(4)">mum</a>' in tip.inner_text() and page.locator("a").count() == 0
    for i in range(3):
        page.evaluate(f"window.egomapView.show({i})")
        page.wait_for_timeout(100)
        assert page.locator("img").count() == 0 and page.locator("a").count() == 0
        # the list of people shows the same text as text
        assert page.locator("#em-people tbody").inner_text().count(XSS) >= 1
        assert_accessible(page)
    assert tried == [] and page.errors == [] and page.dialogs == []


def focused(frame) -> dict:
    """What has the keyboard focus: its role, text, and the text of its table row (if any)."""
    return frame.evaluate(
        """() => { const e = document.activeElement, tr = e.closest('tr');
        return {role: e.getAttribute('role') || e.tagName.toLowerCase(), text: e.textContent, id: e.id,
                label: e.getAttribute('aria-label'), row: tr ? Array.from(tr.cells, c => c.textContent) : null,
                inList: !!e.closest('#em-people')}; }"""
    )


def test_keyboard_only_through_time_points_and_the_list_of_people(page):
    """Tab, the arrow keys, Home/End and Shift+Tab only: every time point, every person, nothing trapped."""
    tried = block_network(page)
    page.set_content(em.viz.change_network(em.demo.demo_case()).html)
    page.wait_for_function("window.egomapView && window.egomapView.nodeCount() > 0")
    ev = "window.egomapView"
    assert_accessible(page)
    # previous button, then the time points: one tab stop (the selected tab), then the next button
    page.keyboard.press("Tab")
    assert focused(page)["label"] == "Previous time point"
    page.keyboard.press("Tab")
    assert focused(page)["role"] == "tab" and focused(page)["text"] == "Baseline"
    tabs = page.get_by_role("tab")
    assert tabs.count() == 4 and page.locator("#em-tabs > [role=tab]").count() == 4  # nothing else in the tab list
    assert page.locator("#em-tabs [tabindex='0']").count() == 1
    # focus follows the arrow keys, and the time point with it
    for key, label in (("ArrowRight", "6 months"), ("End", "All time points"), ("Home", "Baseline")):
        page.keyboard.press(key)
        assert focused(page)["text"] == label and page.evaluate(f"{ev}.label()") == label
        assert page.get_by_role("tab", name=label).get_attribute("aria-selected") == "true"
        assert page.get_by_role("tabpanel").get_attribute("aria-labelledby") == focused(page)["id"]
        assert_accessible(page)
    page.keyboard.press("ArrowLeft")  # wraps round to the last
    assert focused(page)["text"] == "All time points"
    page.keyboard.press("ArrowLeft")
    assert focused(page)["text"] == "12 months" and page.evaluate(f"{ev}.label()") == "12 months"
    assert page.locator("#em-tabs [tabindex='0']").count() == 1  # still one tab stop
    assert "4 new, 3 gone" in page.locator("#em-caption").inner_text()
    assert page.locator("#em-caption").get_attribute("aria-live") == "polite"  # the summary is read out on a change
    page.keyboard.press("Tab")
    assert focused(page)["label"] == "Next time point"
    # into the list: the first person, new at 12 months, ringed on the map
    page.keyboard.press("Tab")
    now = focused(page)
    assert now["inList"] and now["row"][:3] == ["Sue (manager)", "New", "Middle circle, Work / school"]
    assert page.locator("#em-people-h").inner_text() == "People at 12 months"
    assert page.get_by_role("columnheader", name="What changed (since 6 months)").count() == 1
    sue = key_of(page, "Sue")
    assert page.evaluate(f"{ev}.chosen()") == sue
    # the arrow keys go from person to person; the list says what the hover says
    seen = [now["row"][0]]
    while not focused(page)["row"][0].startswith("Marcus"):
        page.keyboard.press("ArrowDown")
        seen.append(focused(page)["row"][0])
    row = focused(page)["row"]
    assert row[1] == "Moved one circle closer, into Inner circle" and row[2] == "Inner circle, Friends"
    assert row[3] == "supportive" and "Met through: Kickabout community football project" in row[4]
    marcus = key_of(page, "Marcus \u25b2")
    assert page.evaluate(f"{ev}.chosen()") == marcus
    assert page.locator("tr.em-current").count() == 1 and "Marcus" in page.locator("tr.em-current").inner_text()
    # the ring round the chosen person on the map: dark pixels beside the marker (a ring of 1.75 marker radii)
    from egomap.viz import style
    from egomap.viz.pyvis_view import SCALE

    ring = 1.75 * style.SIZE["marker"] * SCALE
    ink = [int(style.LABEL["color"][i : i + 2], 16) for i in (1, 3, 5)]

    def dark(pixels):
        return any(max(abs(a - b) for a, b in zip(px, ink)) <= 40 for px in pixels)

    assert dark(pixels_near(page, marcus, -ring, 0, 2))
    page.keyboard.press("ArrowDown")
    assert focused(page)["row"][0].startswith("Josh")
    assert not dark(pixels_near(page, marcus, -ring, 0, 2))  # the ring moves with the focus
    page.keyboard.press("End")
    assert focused(page)["row"][:2] == ["Dave (football coach)", "Still there, same circle"]
    page.keyboard.press("Home")
    assert focused(page)["row"][0] == "Sue (manager)"
    page.keyboard.press("ArrowUp")  # already at the top: stays
    assert focused(page)["row"][0] == "Sue (manager)"
    page.keyboard.press("ArrowLeft")  # left/right in the list do not change the time point
    assert page.evaluate(f"{ev}.label()") == "12 months" and focused(page)["inList"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    third = focused(page)["row"][0]
    # one tab stop in the list: Tab leaves it (no trap), Shift+Tab comes back to the same person
    page.keyboard.press("Tab")
    assert not focused(page)["inList"]
    page.keyboard.press("Shift+Tab")
    assert focused(page)["inList"] and focused(page)["row"][0] == third
    assert page.locator("#em-people tbody button[tabindex='0']").count() == 1
    # back to the tabs: the chosen person stays chosen on another time point where they are
    page.keyboard.press("Shift+Tab")
    assert focused(page)["label"] == "Next time point"
    page.keyboard.press("Shift+Tab")
    assert focused(page)["role"] == "tab" and focused(page)["text"] == "12 months"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{ev}.label()") == "All time points"
    assert page.evaluate(f"{ev}.chosen()") == key_of(page, third.split(" (")[0])
    assert_accessible(page)
    assert tried == [] and page.errors == [] and page.dialogs == []


def test_change_view_marks_capital_and_resource_counts(page):
    """mark=["capital", "resources"]: a tag (symbol and colour) at the lower right and a count disc at the upper left,
    explained in the key and said in the list of people; nothing loaded, nothing run, still accessible."""
    from egomap.viz import style
    from egomap.viz.pyvis_view import SCALE

    tried = block_network(page)
    p = em.demo.demo_case()
    page.set_content(em.viz.change_network(p, mark=["capital", "resources"]).html)
    page.wait_for_function("window.egomapView && window.egomapView.nodeCount() > 0")
    page.get_by_role("tab", name="12 months").click()
    page.wait_for_function("window.egomapView.label() === '12 months'")
    twelve = p.map("12 months")
    r = style.SIZE["marker"] * SCALE
    tag_r, count_r = style.CAPITAL_TAG["size"] * r, style.COUNT["size"] * r

    def rgb(hex_colour):
        return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]

    def solid(pixels, colour, tol=14):  # most of a small square in that colour (the symbol or an edge may cross it)
        return sum(max(abs(a - b) for a, b in zip(px, rgb(colour))) <= tol for px in pixels) > len(pixels) * 0.6

    def tag_pixels(label):  # inside the tag, clear of its symbol (lower right of the tag's centre)
        off = style.CAPITAL_TAG["offset"]
        return pixels_near(page, key_of(page, label), off[0] * r + 0.4 * tag_r, off[1] * r + 0.45 * tag_r, 1)

    def count_pixels(label):  # inside the disc, left of its number
        off = style.COUNT["offset"]
        return pixels_near(page, key_of(page, label), off[0] * r - 0.62 * count_r, off[1] * r, 1)

    for label in ("Dave", "Ben", "Mum", "Marcus", "Dr Lewis", "Sue"):
        want = style.CAPITAL[twelve.capital(label)]["color"]
        node = label + (" \u25b2" if label == "Marcus" else "")  # he moved closer
        assert solid(tag_pixels(node), want), (label, twelve.capital(label))
        others = [c["color"] for k, c in style.CAPITAL.items() if k != twelve.capital(label)]
        assert not any(solid(tag_pixels(node), c) for c in others)
    assert twelve.capital("Marcus") == "bonding" and twelve.capital("Dave") == "bridging"  # his view; the rule
    assert solid(count_pixels("Dave"), style.COUNT["color"])  # Dave could help with 3 items
    assert not twelve.resources_of("Gran") and not solid(count_pixels("Gran"), style.COUNT["color"])
    # the key explains the tag and the disc; the summary line counts them
    key = page.locator(".em-legend").inner_text()
    assert "Bridging (\u2194): different others" in key and "Resource items they could help with" in key
    assert "5 bonding, 4 bridging, 3 linking" in page.locator("#em-caption").inner_text()
    # the list of people says the same in words (Tab to the list: Sue, new, first)
    page.get_by_role("button", name="Dave (football coach)").focus()
    row = focused(page)["row"]
    assert "Social capital: bridging (egomap's default rule)" in row[4]
    assert "Could help with (3): Advice about a job or training" in row[4]
    assert page.evaluate("window.egomapView.chosen()") == key_of(page, "Dave")
    assert_accessible(page)
    # without the marks: no tag where Dave's was
    page.set_content(em.viz.change_network(p).html)
    page.wait_for_function("window.egomapView && window.egomapView.nodeCount() > 0")
    page.get_by_role("tab", name="12 months").click()
    page.wait_for_function("window.egomapView.label() === '12 months'")
    assert not solid(tag_pixels("Dave"), style.CAPITAL["bridging"]["color"])
    assert tried == [] and page.errors == [] and page.dialogs == []
