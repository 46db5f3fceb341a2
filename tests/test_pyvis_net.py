"""em.viz.to_pyvis / em.viz.pyvis_html: a pyvis Network of one time point, shown offline and safely."""

from __future__ import annotations

import json
import re

import pytest

import egomap as em
from egomap.errors import ValidationError
from egomap.viz import style
from egomap.viz._layout import frames
from egomap.viz.pyvis_view import SCALE

XSS = "<img src=x onerror=alert(1)>"
FLAG = "<img src=x onerror=window.pwned=1>"
# a tag that loads something from the internet: src/href/url()/@import with http(s) or //
REMOTE = re.compile(r"(?:\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//)|url\(\s*[\"']?(?:https?:)?//|@import", re.I)


def xss_person() -> em.Person:
    p = em.Person("R-51", display_name=XSS)
    a = p.new_map(XSS, date="2026-01-01")
    a.add_alter(XSS, 0, "friends", note=XSS, relationship=XSS, met_through=FLAG)
    a.add_alter("Mum", 1, "household", relationship=f'<a href="javascript:alert(4)">mum</a>{FLAG}')
    b = p.new_map("Later " + XSS, date="2026-06-01", copy_from=a)
    b.add_alter("Coach", 2, "clubs_groups", is_professional=True)
    b.remove_alter("Mum")
    return p


def alter_nodes(net) -> list[dict]:
    return [n for n in net.nodes if re.fullmatch(r"a\d+", str(n["id"]))]


def by_label(net) -> dict[str, dict]:
    """Alter nodes by label, without the marks for new (star) and moved (triangles)."""
    return {n["label"].rstrip(" \u2605\u25b2\u25bc"): n for n in alter_nodes(net)}


def test_nodes_sit_where_the_change_view_puts_them_and_the_output_is_deterministic():
    p = em.demo.demo_case()
    net = em.viz.to_pyvis(p, time_point="12 months")
    again = em.viz.to_pyvis(p, time_point="12 months")
    assert net.nodes == again.nodes and net.edges == again.edges
    assert em.viz.pyvis_html(net).html == em.viz.pyvis_html(again).html
    maps = p.maps
    frame = frames(maps)[-1]
    alters = alter_nodes(net)
    assert len(alters) == len(frame.items) == len(maps[-1].alters) + 3  # + 3 gone since 6 months, as ghosts
    nodes = by_label(net)
    assert len(nodes) == len(alters)
    for it in frame.items:
        x, y = em.geometry.polar_to_xy(it.angle, it.radius)
        n = nodes[it.alter.label]
        assert (n["x"], n["y"]) == pytest.approx((x * SCALE, -y * SCALE), abs=0.06)
        assert n["fixed"] is True and n["physics"] is False
    professionals = sum(1 for it in frame.items if it.alter.is_professional)
    guides = [n for n in net.nodes if str(n["id"]).startswith(("ring-", "sector-"))]
    assert len(net.nodes) == len(alters) + professionals + 1 + len(guides)
    assert net.node_map["person"]["x"] == 0 and net.node_map["person"]["label"] == "Jamie"
    # no guides: only the alters, the outlines of professionals and the person
    assert len(em.viz.to_pyvis(p, guides=False).nodes) == len(alters) + professionals + 1


def test_physics_off_and_offline():
    net = em.viz.to_pyvis(em.demo.demo_case())
    assert net.options.physics.enabled is False and net.cdn_resources == "in_line"
    options = json.loads(net.options.to_json())
    assert options["physics"]["enabled"] is False and options["interaction"]["dragNodes"] is False
    out = em.viz.pyvis_html(net)
    assert REMOTE.search(out.html) is None, REMOTE.search(out.html)
    assert "cdn.jsdelivr" not in out.html and "cdnjs" not in out.html and "node_modules" not in out.html
    assert "Content-Security-Policy" in out.html and "default-src 'none'" in out.html
    assert out.html.count("<h1>") == 1  # pyvis writes the heading twice
    frag = out._repr_html_()
    assert frag.startswith('<div class="egomap-pyvis"') and "<iframe srcdoc='" in frag and frag.endswith("</div>")
    assert REMOTE.search(frag) is None


def test_pyvis_html_makes_any_network_offline_and_leaves_it_unchanged():
    from pyvis.network import Network

    net = Network(cdn_resources="remote", height="300px")
    net.add_node(1, label="one", title='<a href="https://example.org">x</a>')
    net.add_node(2, label="two")
    net.add_edge(1, 2)
    before = (json.dumps(net.nodes), json.dumps(net.edges), net.cdn_resources)
    out = em.viz.pyvis_html(net)
    assert (json.dumps(net.nodes), json.dumps(net.edges), net.cdn_resources) == before
    assert REMOTE.search(out.html) is None
    assert "popup.innerHTML" not in out.html  # pyvis's innerHTML tooltip stays off
    assert out.height == 300 + 20
    with pytest.raises(ValidationError, match="pyvis Network"):
        em.viz.pyvis_html("<html></html>")


def test_the_callers_maps_and_graphs_are_not_changed():
    p = em.demo.demo_case()
    before = [json.dumps(m.to_dict(), sort_keys=True, default=str) for m in p.maps]
    graph = em.viz.to_networkx(p.maps[-1])
    nodes_before, edges_before = dict(graph.nodes(data=True)), list(graph.edges(data=True))
    for t in range(len(p.maps)):
        em.viz.pyvis_html(em.viz.to_pyvis(p, time_point=t))
    em.viz.to_pyvis(p.maps[1])
    assert [json.dumps(m.to_dict(), sort_keys=True, default=str) for m in p.maps] == before
    assert dict(graph.nodes(data=True)) == nodes_before and list(graph.edges(data=True)) == edges_before


def test_change_marks_match_the_style():
    p = em.demo.demo_case()
    net = em.viz.to_pyvis(p.map("12 months"))  # one map: earlier maps of the person give the marks
    nodes = by_label(net)
    ben, dad, tom = nodes["Ben"], nodes["Dad"], nodes["Tom"]
    assert ben["label"].endswith("\u2605") and ben["color"]["border"] == style.STATUS["gained"]["color"]
    assert ben["borderWidth"] > dad["borderWidth"]
    assert tom["opacity"] < 1 and tom["shapeProperties"]["borderDashes"]  # gone: a dashed ghost
    assert dad["shapeProperties"]["borderDashes"] is False
    assert nodes["Marcus"]["label"].endswith("\u25b2")
    valences = {n["color"]["background"] for n in alter_nodes(net)}
    assert valences <= {v["color"] for v in style.VALENCE.values()}
    # the line to the person carries the valence dash as well as its colour
    spokes = {e["to"]: e for e in net.edges if e["from"] == "person" and re.fullmatch(r"a\d+", e["to"])}
    assert tom["id"] not in spokes and spokes[dad["id"]]["dashes"] is False
    # professionals: a second outline behind the marker
    pro = [n for n in net.nodes if str(n["id"]).endswith("-professional")]
    assert pro and all(n["size"] > dad["size"] for n in pro)
    first = em.viz.to_pyvis(p, time_point=0)  # nothing earlier: no marks
    assert not any("\u2605" in n.get("label", "") for n in alter_nodes(first))
    # the hover in plain words, as in the change view's list of people
    assert "Since 6 months: moved one circle closer, into Inner circle\n" in nodes["Marcus"]["title"]
    assert "How it feels: supportive" in dad["title"] and "Since 6 months: gone" in tom["title"]
    assert not any("Valence" in n["title"] or "ring(s)" in n["title"] for n in alter_nodes(net))
    assert not any("Since" in n["title"] for n in alter_nodes(first))  # nothing to compare with


def test_label_modes_and_bad_arguments():
    p = em.demo.demo_case()
    hidden = em.viz.to_pyvis(p, label_mode="hidden")
    text = json.dumps(hidden.nodes)
    assert "Marcus" not in text and "Jamie" not in text and hidden.node_map["person"]["label"] == "Person"
    assert all(n.get("label", "") in ("", "\u2605", "\u25b2", "\u25bc", "\u2605 \u25b2") for n in alter_nodes(hidden))
    with pytest.raises(ValidationError, match="label_mode"):
        em.viz.to_pyvis(p, label_mode="full")
    with pytest.raises(ValidationError, match="no map labelled"):
        em.viz.to_pyvis(p, time_point="2 years")
    with pytest.raises(ValidationError, match="out of range"):
        em.viz.to_pyvis(p, time_point=3)
    with pytest.raises(ValidationError, match="not to one map"):
        em.viz.to_pyvis(p.maps[0], time_point=0)
    assert em.viz.to_pyvis(p, time_point=-3).heading == em.viz.to_pyvis(p, time_point=0).heading


def test_markup_in_user_text_appears_only_escaped():
    p = xss_person()
    for t in (0, 1):
        net = em.viz.to_pyvis(p, time_point=t, heading=XSS)
        assert net.heading == "&lt;img src=x onerror=alert(1)&gt;"
        assert not any("href" in n.get("title", "") for n in net.nodes)  # pyvis would switch to innerHTML
        out = em.viz.pyvis_html(net)
        for page in (out.html, out._repr_html_()):
            assert XSS not in page and FLAG not in page and "<a href" not in page
        assert "popup.innerHTML" not in out.html
        assert "<h1>&lt;img src=x onerror=alert(1)&gt;</h1>" in out.html
    default = em.viz.to_pyvis(p).heading  # the map label in the default heading is escaped too
    assert "<img" not in default and "&lt;img" in default
    # labels and titles reach the page as JSON with < and > escaped
    out = em.viz.pyvis_html(em.viz.to_pyvis(p, time_point=0))
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in out.html


@pytest.mark.browser
def test_browser_draws_the_network_offline_and_runs_no_label(page):
    tried: list[str] = []

    def _abort(route):
        tried.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(?!file:|data:|about:).*"), _abort)  # every request but local ones fails
    p = xss_person()
    net = em.viz.to_pyvis(p, heading=XSS)
    out = em.viz.pyvis_html(net)
    page.set_content(f"<html><body><h2>Notebook cell</h2>{out._repr_html_()}</body></html>")
    page.wait_for_selector("iframe")
    frame = page.frames[1]
    frame.wait_for_function(f"typeof network !== 'undefined' && network.body.data.nodes.length === {len(net.nodes)}")
    frame.wait_for_timeout(300)
    alters = frame.evaluate("network.body.data.nodes.get().filter(n => /^a\\d+$/.test(n.id)).length")
    assert alters == 3  # the alter with markup, the coach (new) and Mum (gone, a ghost)
    painted = frame.evaluate(
        """() => {
        const c = document.querySelector('#mynetwork canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
        return n;
    }"""
    )
    assert painted > 3000
    assert frame.locator("h1").inner_text() == XSS  # the heading shows as text, once
    # hover over the alter whose label is markup: vis-network's plain-text tooltip, no element made from it
    key = frame.evaluate(f"network.body.data.nodes.get().find(n => n.label === {json.dumps(XSS)}).id")
    x, y = frame.evaluate(
        f"(() => {{ const d = network.canvasToDOM(network.getPositions(['{key}'])['{key}']); return [d.x, d.y]; }})()"
    )
    canvas = page.frame_locator("iframe").locator("#mynetwork").bounding_box()
    page.mouse.move(canvas["x"] + x, canvas["y"] + y)
    frame.wait_for_selector("div.vis-tooltip", state="visible")
    tip = frame.locator("div.vis-tooltip").inner_text()
    assert tip.startswith(f"{XSS} ({XSS})") and f"Note: {XSS}" in tip and f"Met through: {FLAG}" in tip
    key = frame.evaluate("network.body.data.nodes.get().find(n => n.label === 'Mum').id")
    x, y = frame.evaluate(
        f"(() => {{ const d = network.canvasToDOM(network.getPositions(['{key}'])['{key}']); return [d.x, d.y]; }})()"
    )
    page.mouse.move(canvas["x"] + x, canvas["y"] + y)
    frame.wait_for_function("document.querySelector('div.vis-tooltip').innerText.includes('Mum')")
    assert "mum</a>" in frame.locator("div.vis-tooltip").inner_text()
    assert frame.locator("img").count() == 0 and frame.locator("a").count() == 0
    assert frame.locator("div.popup").count() == 0  # pyvis's innerHTML popup is not used
    assert frame.evaluate("window.pwned") is None
    # the same page opened on its own (no sandbox: an alert would show as a dialog)
    page.set_content(out.html)
    page.wait_for_function("typeof network !== 'undefined' && network.body.data.nodes.length > 0")
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None and page.locator("img").count() == 0
    assert tried == [] and page.errors == [] and page.dialogs == []
