"""Figures and the change view (without a browser): contents, escaping, determinism."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

import egomap as em  # noqa: E402
from egomap.viz import style  # noqa: E402
from egomap.viz.pyvis_view import script_json, vis_network_js  # noqa: E402

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def demo():
    return em.demo.demo_case()


def gid(fig, name, ax=0):
    return fig.axes[ax].findobj(lambda a: a.get_gid() == name)


def marker_points(ax, prefix="alters"):
    return sum(len(c.get_offsets()) for c in ax.collections if (c.get_gid() or "").startswith(prefix))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[str] = []
        self.srcdoc: str | None = None

    def handle_starttag(self, tag, attrs):
        self.starts.append(tag)
        self.srcdoc = dict(attrs).get("srcdoc", self.srcdoc)


def own_part(page: str) -> str:
    """The page without the vis-network library (which holds its own markup strings)."""
    assert page.count(vis_network_js()) == 1
    return page.replace(vis_network_js(), "")


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="em-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


# --------------------------------------------------------------------------- style


def test_style_is_plain_okabe_ito_data():
    assert set(style.OKABE_ITO.values()) == {
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }
    json.dumps(style.as_dict())  # plain, JSON-able data the widget can reuse
    # valence differs by line style as well as colour; kinds by shape
    assert len({v["linestyle"] for v in style.VALENCE.values()}) == len(style.VALENCE)
    assert len({str(v["dash"]) for v in style.VALENCE.values()}) == len(style.VALENCE)
    assert len({m["mpl"] for m in style.MARKERS.values()}) == len(style.MARKERS)
    assert len({m["vis"] for m in style.MARKERS.values()}) == len(style.MARKERS)
    # change status differs by outline width/dash, not only colour
    assert len({(s["width"], tuple(s["dash"])) for s in style.STATUS.values()}) == 3
    assert style.display_label("Dr Okafor", "initials") == "DO" and style.display_label("x", "hidden") == ""
    with pytest.raises(em.ValidationError, match="label_mode"):
        style.display_label("x", "full")


# --------------------------------------------------------------------------- egogram


def test_egogram_contains_rings_sectors_alters_ties_legend(demo):
    m = demo.map("6 months")
    fig = em.viz.egogram(m)
    ax = fig.axes[0]
    assert len(gid(fig, "ring")) == 3
    # sector labels are wrapped at the space nearest the middle, as in the widget
    sector_texts = [t.get_text() for t in gid(fig, "sector-label")]
    assert sorted(t.replace("\n", " ") for t in sector_texts) == sorted(m.sectors.label(k) for k in m.sectors.keys)
    assert "Services and\nprofessionals" in sector_texts
    assert sorted(t.get_text() for t in gid(fig, "alter-label")) == sorted(a.label for a in m.alters)
    assert marker_points(ax) == len(m)
    assert gid(fig, "ego-label")[0].get_text() == "Jamie"
    ties = [c for c in ax.collections if c.get_gid() == "ties-present"]
    assert len(ties[0].get_segments()) == len(m.ties)
    spokes = sum(len(c.get_segments()) for c in ax.collections if (c.get_gid() or "").startswith("spokes-"))
    assert spokes == len(m)
    # the legend is the key shared with the widget and the change view
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [e["label"] for e in style.KEY]
    assert legend[:6] == ["Person", "Group", "Organisation", "Online", "Pet", "Professional (double outline)"]
    assert legend[6:9] == ["Supportive (+, solid)", "Mixed (~, dashed)", "Stressful (!, dotted)"]
    # professionals keep their kind's shape and get a second outline: one per professional
    pros = [a for a in m.alters if a.is_professional]
    assert len(pros) == 3 and marker_points(ax, "professional") == len(pros)
    # valence by fill colour AND glyph: one glyph per alter with a valence, + for supportive, ~ for mixed
    glyphs = sorted(t.get_text() for t in gid(fig, "glyph"))
    pl = m.placements
    assert glyphs == sorted(style.VALENCE[style.valence_key(pl[a.id].valence)]["glyph"] for a in m.alters)
    assert {"+", "~"} <= set(glyphs)


def test_egogram_markers_shape_by_kind_and_valence_by_colour_and_dash():
    m = em.Person("R-32").new_map("Kinds")
    m.add_alter("A", 0, "friends", kind="person", valence="supportive")
    m.add_alter("B", 1, "clubs_groups", kind="group", valence="mixed")
    m.add_alter("C", 2, "services", kind="organisation", is_professional=True, valence="stressful")
    m.add_alter("D", 1, "friends", kind="online")
    m.add_alter("E", 0, "household", kind="pet", valence="supportive")
    ax = em.viz.egogram(m).axes[0]
    bodies = [c for c in ax.collections if (c.get_gid() or "").startswith("alters")]
    # five kinds, five different shapes (number of path vertices differs: circle, hexagon, square, diamond, triangle
    # are told apart by their paths)
    assert len({tuple(map(tuple, c.get_paths()[0].vertices.round(3))) for c in bodies}) == 5
    colours = {tuple(c.get_facecolor()[0][:3].round(3)) for c in bodies}
    from matplotlib.colors import to_rgb

    for v in ("supportive", "mixed", "stressful", "unknown"):
        assert tuple(round(x, 3) for x in to_rgb(style.VALENCE[v]["color"])) in colours
    dashed = [c for c in bodies if c.get_linestyle()[0][1] is not None]
    assert len(dashed) == 3  # mixed, stressful and not recorded outlines are dashed; supportive is solid
    # the organisation that is professional is still a square, with a second (outer) square
    prof = [c for c in ax.collections if c.get_gid() == "professional"]
    assert len(prof) == 1 and len(prof[0].get_offsets()) == 1
    assert (
        prof[0].get_paths()[0].vertices.shape
        == next(
            c
            for c in bodies
            if tuple(c.get_facecolor()[0][:3].round(3)) == tuple(round(x, 3) for x in to_rgb("#D55E00"))
        )
        .get_paths()[0]
        .vertices.shape
    )


def test_labels_of_close_markers_do_not_overlap():
    m = em.Person("R-33").new_map("Crowded")
    # five people crowded together in one cell, their markers almost touching
    for name, angle, radius in [
        ("Tom", 240, 0.6),
        ("Priya", 248, 0.62),
        ("Dr Okafor", 256, 0.6),
        ("Mum", 244, 0.68),
        ("Leah", 252, 0.7),
    ]:
        a = m.add_alter(name, 1, "friends")
        m.move(a, angle=angle, radius=radius)
    fig = em.viz.egogram(m, legend=False)
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in gid(fig, "alter-label")]
    assert len(boxes) == 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    # the widget's SVG export places them apart as well (the same step, estimated widths)
    import xml.etree.ElementTree as ET

    from egomap.widget import MapWidget

    tree = ET.fromstring(MapWidget(m).to_svg())
    ns = "{http://www.w3.org/2000/svg}"
    spots = {
        (t.get("x"), t.get("y"))
        for t in tree.iter(f"{ns}text")
        if t.text in {"Tom", "Priya", "Dr Okafor", "Mum", "Leah"}
    }
    assert len(spots) == 5


def test_place_labels_is_deterministic_and_avoids_markers():
    pts = [(0.0, 0.0), (0.0, 10.0), (5.0, 5.0)]
    sizes = [(30.0, 8.0)] * 3
    first = style.place_labels(pts, sizes, 4, 1)
    assert first == style.place_labels(pts, sizes, 4, 1)
    boxes = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2) for (x, y), (w, h) in zip(first, sizes)]
    markers = [(x - 4, y - 4, x + 4, y + 4) for x, y in pts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :] + markers:
            assert style._overlap(a, b) == 0
    assert style.place_labels([(0, 0)], [(0, 0)], 4, 1) == [(0.0, 5.0)]  # no label: nothing to place


def test_egogram_label_modes(demo):
    m = demo.map("Baseline")
    ini = em.viz.egogram(m, label_mode="initials")
    assert sorted(t.get_text() for t in gid(ini, "alter-label")) == sorted(style.initials(a.label) for a in m.alters)
    assert gid(ini, "ego-label")[0].get_text() == "J"
    hidden = em.viz.egogram(m, label_mode="hidden", legend=False)
    assert gid(hidden, "alter-label") == [] and gid(hidden, "ego-label")[0].get_text() == ""
    assert hidden.axes[0].get_legend() is None
    assert marker_points(hidden.axes[0]) == len(m)
    with pytest.raises(em.ValidationError, match="label_mode"):
        em.viz.egogram(m, label_mode="names please")
    with pytest.raises(em.ValidationError, match="needs a map"):
        em.viz.egogram(demo)


def test_egogram_into_given_axes_and_empty_map():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    m = em.Person("R-30").new_map("Empty")
    assert em.viz.egogram(m, ax=ax) is fig
    assert marker_points(ax) == 0 and gid(fig, "alter-label") == [] and len(gid(fig, "ring")) == 3


def test_svg_text_stays_text_and_is_escaped(tmp_path: Path):
    p = em.Person("R-31")
    m = p.new_map("Baseline $x$")
    m.add_alter(XSS, 1, "friends", valence="stressful")
    m.add_alter("Cost $5 and $6", 2, "friends")  # no mathtext from user text
    fig = em.viz.egogram(m)
    out = tmp_path / "map.svg"
    fig.savefig(out)
    svg = out.read_text()
    assert "<img" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "Cost $5 and $6" in svg and "Baseline $x$" in svg
    assert svg.count("<text") >= 2 + 7  # alter labels + sector labels are <text> elements
    for ext in ("png", "pdf"):
        fig.savefig(tmp_path / f"map.{ext}")
        assert (tmp_path / f"map.{ext}").stat().st_size > 1000


# --------------------------------------------------------------------------- small multiples and flows


def test_small_multiples_marks_gained_and_lost(demo):
    fig = em.viz.small_multiples(demo, label_mode="names")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [
        "Baseline (2026-01-12)",
        "6 months (2026-07-13)",
        "12 months (2027-01-11)",
    ]
    maps = demo.maps
    # panel 1: nobody gained or lost; panel 2: 4 gained; panel 3: 4 gained, 3 lost ghosts
    assert marker_points(axes[0], "alters-lost") == 0 and marker_points(axes[0], "alters-gained") == 0
    assert marker_points(axes[1], "alters-gained") == 4 and marker_points(axes[1], "alters-lost") == 0
    assert marker_points(axes[2], "alters-gained") == 4 and marker_points(axes[2], "alters-lost") == 3
    for ax, m, lost in zip(axes, maps, (0, 0, 3)):
        assert marker_points(ax) == len(m) + lost
    texts = [t.get_text() for t in axes[2].texts if t.get_gid() == "alter-label"]
    assert "Marcus \u25b2" in texts and "Priya \u25bc" in texts and "Tom" in texts  # moves marked, ghost labelled
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"New", "Gone", "Still there", "Moved closer", "Moved further out"} <= set(legend)


def test_small_multiples_keeps_positions_stable(demo):
    fig = em.viz.small_multiples(demo, label_mode="hidden", spokes=False, ties=False)
    b, c = [ax for ax in fig.axes if ax.get_visible()][1:]
    pos_b = {tuple(o) for col in b.collections if (col.get_gid() or "").startswith("alters") for o in col.get_offsets()}
    pos_c = {tuple(o) for col in c.collections if (col.get_gid() or "").startswith("alters") for o in col.get_offsets()}
    # Mum, Leah, Gran, Dad, Dave stay in place between 6 and 12 months (plus ghosts sit where they were)
    assert len(pos_b & pos_c) >= 5 + 3


def test_small_multiples_grid_and_single_map():
    p = em.demo.synthetic_person("S-9", k=4, seed=3)
    fig = em.viz.small_multiples(p, ncols=3)
    assert len(fig.axes) == 6 and sum(ax.get_visible() for ax in fig.axes) == 4
    one = em.viz.small_multiples([p.map(0)])
    assert len(one.axes) == 1
    with pytest.raises(em.ValidationError, match="no maps"):
        em.viz.small_multiples(em.Person("R-0"))
    with pytest.raises(em.ValidationError, match="different persons"):
        em.viz.small_multiples([p.map(0), em.demo.demo_case().map(0)])


def test_ring_flows_has_new_and_gone_and_one_band_per_transition(demo):
    fig = em.viz.ring_flows(demo)
    ax = fig.axes[0]
    chs = demo.changes()
    nonzero = sum(int((c.ring_transitions.to_numpy() > 0).sum()) for c in chs)
    assert len(gid(fig, "flow")) == nonzero
    labels = [t.get_text() for t in gid(fig, "state-label")]
    assert "new (4)" in labels and "gone (3)" in labels
    assert "Inner circle (2)" in labels  # baseline: Mum and Leah
    assert [t.get_text() for t in gid(fig, "timepoint-label")] == [
        "Baseline (2026-01-12)",
        "6 months (2026-07-13)",
        "12 months (2027-01-11)",
    ]
    # blocks: 3 rings x 3 maps + new (twice) + gone (once)
    assert len(gid(fig, "block")) == 9 + 2 + 1
    assert ax.get_title() == "DEMO-01: ring membership over time"
    with pytest.raises(em.ValidationError, match="at least two maps"):
        em.viz.ring_flows([demo.map(0)])


# --------------------------------------------------------------------------- change view (HTML)


def test_script_json_escapes_for_script_context():
    s = script_json({"x": "</script><script>alert(1)</script> & \u2028\u2029"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s and "\u2029" not in s
    assert json.loads(s)["x"] == "</script><script>alert(1)</script> & \u2028\u2029"


def test_change_view_one_page_vis_once_escaped_and_deterministic(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    v = em.viz.change_network(demo)
    page = v.html
    # vis.js is included once: the license banner of the library appears once
    assert page.count("https://visjs.github.io/vis-network/") == 1
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "").split("<script>")[0]
    assert not re.search(r'<(script|link)[^>]+(src|href)="?https?:', page)  # nothing loaded from a CDN
    again = em.viz.change_network(em.demo.demo_case())  # different random alter ids ...
    assert em.viz.change_network(demo).html == page  # ... but the same input gives the same output
    assert len(again.html) == len(page)
    assert os.listdir(tmp_path) == []  # nothing written into the working directory
    data = page_data(page)
    assert [vw["label"] for vw in data["views"]] == ["Baseline", "6 months", "12 months", "All time points"]
    assert [len(vw["nodes"]) for vw in data["views"]] == [7, 11, 15, 15]  # 12 months: 12 + 3 ghosts; all: 7 + 4 + 4
    twelve = {n["l"]: n for n in data["views"][2]["nodes"]}
    assert twelve["Tom"]["s"] == "lost" and twelve["Ben"]["s"] == "gained" and twelve["Dad"]["s"] == "retained"
    assert twelve["Marcus"]["m"] == "inward" and twelve["Priya"]["m"] == "outward" and "m" not in twelve["Dad"]
    assert twelve["Priya"]["k"] == "person" and twelve["Priya"]["p"] == 1 and "p" not in twelve["Dad"]
    assert twelve["Dad"]["v"] == "supportive"
    # label places: relative to the node, below it unless that would overlap
    assert all(n["ly"] > 0 or n["ly"] < 0 or n["lx"] != 0 for n in data["views"][2]["nodes"])
    assert "Gone since 6 months" in twelve["Tom"]["t"]
    assert "physics: false" in own_part(page) and "fixed: true" in own_part(page)
    # node keys are short and deterministic, not the random alter ids
    assert all(a.id not in page for a in demo.alters)
    # fixed positions: scaled map coordinates, same alter same place when it does not move
    base = {n["l"]: (n["x"], n["y"]) for n in data["views"][0]["nodes"]}
    six = {n["l"]: (n["x"], n["y"]) for n in data["views"][1]["nodes"]}
    assert base["Leah"] == six["Leah"] and base["Mum"] != six["Mum"]  # Mum moved to Family
    leah = demo.map(0).placement("Leah")
    x, y = em.schemes.to_xy(leah.angle, leah.radius)
    assert base["Leah"] == pytest.approx((x * 300, -y * 300), abs=0.1)
    # the notebook output: the page in an escaped srcdoc iframe inside a div
    out = v._repr_html_()
    tags = _Tags()
    tags.feed(out)
    assert tags.starts == ["div", "iframe"]  # the page's markup is inside the srcdoc attribute
    assert tags.srcdoc == page
    saved = v.save(tmp_path / "view.html")
    assert saved.read_text(encoding="utf-8") == page


def test_change_view_escapes_user_text_and_hides_names():
    p = em.Person("R-40", display_name="</h1><script>alert(2)</script>")
    a = p.new_map("Baseline <i>", date="2026-01-01")
    a.add_alter(XSS, 1, "friends", note=XSS, relationship="<b>pal</b>")
    b = p.new_map("Later", date="2026-02-01", copy_from=a)
    b.add_alter("Secret Name", 2, "friends")
    v = em.viz.change_network(p, heading="<script>alert(3)</script>")
    page = own_part(v.html)
    assert "<img" not in page and "<script>alert" not in page and "<b>pal" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page  # heading escaped
    data = page_data(page)
    assert data["views"][0]["nodes"][0]["l"] == XSS  # the label travels as data, shown as text
    assert data["views"][0]["label"] == "Baseline <i>"
    hidden = em.viz.change_network(p, label_mode="hidden")
    hidden_page = own_part(hidden.html)
    assert "Secret Name" not in hidden_page and "onerror" not in hidden_page and "alert(2)" not in hidden_page
    initials = em.viz.change_network(p, label_mode="initials")
    initials_page = own_part(initials.html)
    assert "Secret Name" not in initials_page and "SN" in initials_page
    assert "onerror" not in initials_page  # notes are left out of hover text too


def test_change_view_input_checks(demo):
    with pytest.raises(em.ValidationError, match="label_mode"):
        em.viz.change_network(demo, label_mode="full")
    with pytest.raises(em.ValidationError, match="Person or a list of maps"):
        em.viz.change_network("DEMO-01")
    with pytest.raises(em.ValidationError, match="no maps"):
        em.viz.change_network(em.Person("R-0"))
    one = em.viz.change_network([demo.map(1)])
    assert one.labels == ["6 months"]
    assert "6 months" in repr(one) or "DEMO-01" in repr(one)
