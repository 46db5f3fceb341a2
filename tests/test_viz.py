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
        self.text: list[str] = []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        self.starts.append(tag)
        self.srcdoc = dict(attrs).get("srcdoc", self.srcdoc)


def own_part(page: str) -> str:
    """The page without the vis-network library (which holds its own markup strings)."""
    assert page.count(vis_network_js()) == 1
    return page.replace(vis_network_js(), "")


def hover(view: dict, node: dict) -> str:
    """A node's hover text, as the page makes it from the node's row in the list of people."""
    from egomap.viz.change_view import hover_text

    return hover_text(node["r"], view["hover_since"])


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


def _overlap(a, b) -> float:
    """Area shared by two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


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
            assert _overlap(a, b) == 0
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
    assert {"New (star)", "Gone (faded, dashed)", "Still there", "Moved closer", "Moved further out"} <= set(legend)
    # the key, the change states and the moves each start a legend column (blanks pad the columns)
    assert legend.index("Still there") % 3 == 0 and legend.index("Moved closer") % 3 == 0
    # new alters carry a star (a shape, not only a colour): one per new alter in each panel
    stars = [sum(len(c.get_offsets()) for c in ax.collections if c.get_gid() == "badge-gained") for ax in axes]
    assert stars == [0, 4, 4]


def test_small_multiples_side_by_side_equal_panels_one_key(demo):
    """changes=False: the maps as they are, side by side, equal in size, one shared key (notebook 02)."""
    fig = em.viz.small_multiples(demo, label_mode="names", changes=False)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    fig.canvas.draw()
    sizes = {tuple(round(v, 3) for v in ax.get_position().size) for ax in axes}
    assert len(axes) == 3 and len(sizes) == 1  # one row of three panels of the same size
    assert len({round(ax.get_position().y0, 3) for ax in axes}) == 1
    for ax, m in zip(axes, demo.maps):
        assert marker_points(ax) == len(m)  # no ghosts of people who have gone
        assert marker_points(ax, "alters-gained") == 0 and marker_points(ax, "alters-lost") == 0
    texts = [t.get_text() for t in axes[2].texts if t.get_gid() == "alter-label"]
    assert "Marcus" in texts and not any("\u25b2" in t or "\u25bc" in t for t in texts) and "Tom" not in texts
    assert len(fig.legends) == 1
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Person" in legend and "Supportive (+, solid)" in legend and "New (star)" not in legend


def test_legend_change_states_carry_no_valence_glyph(demo):
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from egomap.viz._layout import frames
    from egomap.viz.legend import HANDLER_MAP, legend_handles

    handles = legend_handles([it for fr in frames(demo.maps) for it in fr.items], True)
    states = [h for h in handles if getattr(h, "entry", {}).get("status")]
    assert [h.get_label() for h in states] == ["Still there", "New (star)", "Gone (faded, dashed)"]

    def glyphs(hs):  # the texts drawn inside the legend's markers
        leg = Figure().legend(handles=hs, handler_map=HANDLER_MAP)
        labels = {h.get_label() for h in hs}
        return [t.get_text() for t in leg.findobj(Text) if t.get_text() and t.get_text() not in labels]

    supportive = [h for h in handles if h.get_label().startswith("Supportive")]
    assert glyphs(supportive) == ["+"]  # the key's supportive entry has its glyph ...
    assert glyphs(states) == []  # ... the change states do not


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
    chs = em.changes(demo)
    nonzero = sum(int((c.ring_transitions.to_numpy() > 0).sum()) for c in chs)
    assert len(gid(fig, "flow")) == nonzero
    labels = [t.get_text() for t in gid(fig, "state-label")]
    # "new" and "gone" are states, named for the map they lead to
    assert "new by 6 months (4)" in labels and "new by 12 months (4)" in labels
    assert "gone by 12 months (3)" in labels
    assert "Inner circle (2)" in labels  # baseline: Mum and Leah
    assert [t.get_text() for t in gid(fig, "timepoint-label")] == [
        "Baseline (2026-01-12)",
        "6 months (2026-07-13)",
        "12 months (2027-01-11)",
    ]
    # blocks: 3 rings x 3 maps + new (twice) + gone (once)
    assert len(gid(fig, "block")) == 9 + 2 + 1
    assert ax.get_title() == "DEMO-01: who is in which circle over time"
    with pytest.raises(em.ValidationError, match="at least two maps"):
        em.viz.ring_flows([demo.map(0)])


def test_pictures_with_a_scheme_of_many_rings():
    p = em.Person("R-42")
    a = p.new_map("A", date="2026-01-01", rings=em.RingScheme("twelve", [f"R{i}" for i in range(12)]))
    a.add_alter("X", 11, "friends")
    b = p.new_map("B", date="2026-02-01", copy_from=a)
    b.add_alter("Y", 10, "friends")
    labels = [t.get_text() for t in gid(em.viz.ring_flows(p), "state-label")]
    assert "R11 (1)" in labels and "R10 (1)" in labels and "new by B (1)" in labels
    assert marker_points(em.viz.small_multiples(p).axes[1]) == 2
    assert [len(v["nodes"]) for v in page_data(em.viz.change_network(p).html)["views"]] == [1, 2, 2]


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
    assert em.viz.change_network(demo).html == page  # the same input gives the same output ...
    again = em.viz.change_network(em.demo.demo_case())  # ... and so do the same maps with other random alter ids
    assert again.html == page
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
    assert "Since 6 months: gone\nWas in Middle circle, Services and professionals" in hover(
        data["views"][2], twelve["Tom"]
    )
    assert twelve["Tom"]["r"][:4] == [
        "Tom (support worker)",
        "Gone",
        "Was in Middle circle, Services and professionals",
        "supportive",
    ]
    assert twelve["Marcus"]["r"][1] == "Moved one circle closer, into Inner circle"  # plain words, and to which circle
    assert "ring(s)" not in page and "Valence:" not in page
    assert "physics: false" in own_part(page) and "fixed: true" in own_part(page)
    # node keys are short and deterministic, not the random alter ids
    assert all(a.id not in page for a in demo.alters)
    # fixed positions: scaled map coordinates, same alter same place when it does not move
    base = {n["l"]: (n["x"], n["y"]) for n in data["views"][0]["nodes"]}
    six = {n["l"]: (n["x"], n["y"]) for n in data["views"][1]["nodes"]}
    assert base["Leah"] == six["Leah"] and base["Mum"] != six["Mum"]  # Mum moved to Family
    mum_title = next(hover(data["views"][1], n) for n in data["views"][1]["nodes"] if n["l"] == "Mum")
    assert (
        "Since Baseline: moved from Household to Family\nInner circle, Family" in mum_title
    )  # a sector move, in words
    assert "How it feels: supportive" in mum_title
    leah = demo.map(0).placement("Leah")
    x, y = em.geometry.polar_to_xy(leah.angle, leah.radius)
    assert base["Leah"] == pytest.approx((x * 300, -y * 300), abs=0.1)
    # the notebook output: the page in an escaped srcdoc iframe inside a div
    out = v._repr_html_()
    tags = _Tags()
    tags.feed(out)
    assert tags.starts == ["div", "iframe"]  # the page's markup is inside the srcdoc attribute
    assert tags.srcdoc == page
    # the iframe's own text, shown only where the iframe is stripped (a saved notebook that is not trusted)
    assert "not trusted: run the cell again" in "".join(tags.text)
    saved = v.save(tmp_path / "view.html")
    assert saved.read_text(encoding="utf-8") == page


def test_change_view_escapes_user_text_and_hides_names():
    p = em.Person("R-40", display_name="</h1><script>alert(2)</script>")
    a = p.new_map("Baseline <i>", date="2026-01-01")
    a.add_alter(XSS, 1, "friends", note=XSS, relationship="<b>pal</b> Zorblatt", met_through="Quillon club")
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
    rows = [n["r"] for n in page_data(hidden_page)["views"][1]["nodes"]]
    # The list of people: no names, and no other identifying free text (relationship, met through, note).
    assert [r[0] for r in rows] == ["Person", "Person"]
    for marker in ("Zorblatt", "Quillon"):
        assert marker in page and marker not in hidden_page and marker not in initials_page
    assert all("Note" not in line and "Met through" not in line for r in rows for line in r[4])


def test_change_view_key_status_symbols_carry_no_valence_glyph():
    from egomap.viz.change_view import legend

    key = legend()
    since = key[key.index("id='em-since'") :]
    assert "<text" not in since  # still there / new / gone: plain markers, no "+" (it means supportive)
    assert key.count(">+</text>") == 1 and "Supportive (+, solid)" in key
    assert "Moved closer (\u25b2)" in since and "Moved further out (\u25bc)" in since


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


# --------------------------------------------------------------------------- label placement


def _boxes_overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def test_change_view_labels_clear_of_markers_labels_and_ghosts(demo):
    """No label over another label or over a marker (professionals' double outline included);
    "gone" ghosts do not sit on anyone. docs/change.png once had "Tom" over Priya's outline."""
    from egomap.viz._layout import _MIN_GAP, marker_reach
    from egomap.viz.pyvis_view import SCALE

    data = page_data(em.viz.change_network(demo).html)
    alters = {a.label: a for a in demo.alters}
    font = style.SIZE["label_font"] * SCALE
    for view in data["views"]:
        labels, markers = {}, {}
        for n in view["nodes"]:
            r = marker_reach(alters[n["l"]]) * SCALE
            markers[n["l"]] = (n["x"] - r, n["y"] - r, n["x"] + r, n["y"] + r)
            text = n["l"] + ("  " + style.MOVED[n["m"]]["symbol"] if "m" in n else "")
            w, h = style.text_width(text, font), font * 1.1
            cx, cy = n["x"] + n["lx"], n["y"] + n["ly"]
            labels[n["l"]] = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        names = sorted(labels)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                assert not _boxes_overlap(labels[a], labels[b]), (view["label"], a, b)
            for b, box in markers.items():
                assert b == a or not _boxes_overlap(labels[a], box), (view["label"], a, "marker", b)
        for g in (n for n in view["nodes"] if n["s"] == "lost"):
            for n in view["nodes"]:
                if n is not g:
                    d = ((g["x"] - n["x"]) ** 2 + (g["y"] - n["y"]) ** 2) ** 0.5
                    assert d >= _MIN_GAP * SCALE * 0.999, (view["label"], g["l"], n["l"])
    six = {n["l"]: n for n in data["views"][1]["nodes"]}
    # "Tom" is clearly Tom's: not even within the clearance of Priya's double outline (it once sat right by it)
    from egomap.viz._layout import LABEL_CLEARANCE

    tom, priya = six["Tom"], six["Priya"]
    r = (marker_reach(alters["Priya"]) + LABEL_CLEARANCE) * SCALE
    w, h = style.text_width("Tom", font), font * 1.1
    cx, cy = tom["x"] + tom["lx"], tom["y"] + tom["ly"]
    tom_label = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    assert not _boxes_overlap(tom_label, (priya["x"] - r, priya["y"] - r, priya["x"] + r, priya["y"] + r))


def test_figure_labels_clear_of_each_other_and_of_ring_and_sector_labels(demo):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figs = [em.viz.small_multiples(demo, label_mode=mode) for mode in ("names", "initials")]
    figs += [em.viz.egogram(m) for m in demo.maps]
    for fig in figs:
        FigureCanvasAgg(fig).draw()
        renderer = fig.canvas.get_renderer()
        for ax in (a for a in fig.axes if a.get_visible()):
            labels = [
                (t.get_text(), t.get_window_extent(renderer)) for t in gid(fig, "alter-label", ax=fig.axes.index(ax))
            ]
            assert labels
            fixed = [
                (t.get_text(), t.get_window_extent(renderer))
                for t in ax.texts
                if t.get_gid() in ("sector-label", "ring-label", "ego-label")
            ]
            for i, (a, box) in enumerate(labels):
                for b, other in labels[i + 1 :] + fixed:
                    assert not box.overlaps(other), (ax.get_title(), a, b)


def test_place_labels_grid_gives_the_brute_force_answer():
    """The grid index is only a speed-up: the same places as checking every box."""
    import math
    import random

    def brute(points, sizes, radii, gap, obstacles):
        boxes = [(x - r, y - r, x + r, y + r) for (x, y), r in zip(points, radii)] + list(obstacles)
        out = []
        for i, ((x, y), (w, h), r) in enumerate(zip(points, sizes, radii)):
            if w <= 0 or h <= 0:
                out.append((float(x), float(y + r + gap)))
                continue
            best, best_overlap = None, math.inf
            for side, shift in em.geometry.LABEL_CANDIDATES:
                dy = r + gap + h / 2
                cx, cy = {
                    "below": (x + shift * w, y + dy),
                    "above": (x + shift * w, y - dy),
                    "below2": (x, y + dy + h),
                    "above2": (x, y - dy - h),
                    "right": (x + r + gap + w / 2, y),
                    "left": (x - r - gap - w / 2, y),
                }[side]
                box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                overlap = sum(_overlap(box, b) for j, b in enumerate(boxes) if j != i)
                if overlap < best_overlap - 1e-9:
                    best, best_overlap = (float(cx), float(cy)), overlap
                if overlap <= 0:
                    break
            out.append(best)
            boxes.append((best[0] - w / 2, best[1] - h / 2, best[0] + w / 2, best[1] + h / 2))
        return out

    rng = random.Random(7)
    for _ in range(20):
        n = rng.randrange(0, 120)
        pts = [(rng.uniform(-300, 300), rng.uniform(-300, 300)) for _ in range(n)]
        sizes = [(rng.uniform(5, 70), 16.5) if rng.random() > 0.1 else (0.0, 0.0) for _ in range(n)]
        radii = [rng.choice([15.6, 21.2, 20.3]) for _ in range(n)]
        obstacles = [(-36, -36, 36, 36), (5, -200, 90, -185)]
        assert style.place_labels(pts, sizes, radii, 2.4, obstacles) == brute(pts, sizes, radii, 2.4, obstacles)
        assert style.place_labels(pts, sizes, 15.6, 2.4) == brute(pts, sizes, [15.6] * n, 2.4, [])
    with pytest.raises(ValueError, match="same length"):
        style.place_labels([(0, 0)], [(1, 1)], [1, 2], 1)


def test_moves_are_marked_when_labels_are_hidden(demo):
    fig = em.viz.small_multiples(demo, label_mode="hidden")
    last = [ax for ax in fig.axes if ax.get_visible()][2]
    marks = sorted(t.get_text() for t in last.texts if t.get_gid() == "alter-label")
    assert marks == ["\u25b2", "\u25b2", "\u25bc"]  # Marcus and Josh closer, Priya further out; no names
    view = page_data(em.viz.change_network(demo, label_mode="hidden").html)["views"][2]
    assert sorted(n["m"] for n in view["nodes"] if "m" in n) == ["inward", "inward", "outward"]
    assert {n["l"] for n in view["nodes"]} == {""}


def test_change_view_after_an_empty_map_and_with_braces_in_labels():
    """An alter who leaves and comes back, around maps with nobody on them; labels with {braces}."""
    p = em.Person("R-41")
    p.new_map("Empty {x}", date="2026-01-01")
    one = p.new_map("One", date="2026-02-01")
    mum = one.add_alter("Mum {0}", 1, "household")
    p.new_map("Gone", date="2026-03-01")
    back = p.new_map("Back", date="2026-04-01")
    back.add_alter(mum, ring=0, sector="family")
    views = page_data(em.viz.change_network(p).html)["views"]
    assert (
        [v["caption"] for v in views[:4]]
        == [
            "0 on the map",
            "1 on the map - since Empty {x}: 1 new, 0 gone, 0 moved to another circle",  # an empty map before is still a map before
            "0 on the map - since One: 0 new, 1 gone, 0 moved to another circle",
            "1 on the map - since Gone: 1 new, 0 gone, 0 moved to another circle",
        ]
    )
    assert [[(n["l"], n["s"]) for n in v["nodes"]] for v in views] == [
        [],
        [("Mum {0}", "gained")],
        [("Mum {0}", "lost")],
        [("Mum {0}", "gained")],  # back again: new since the previous map ...
        [("Mum {0}", "gained")],  # ... and, overall, not on the first map
    ]
    assert "Since Empty {x}: new" in hover(views[1], views[1]["nodes"][0])
    assert views[4]["nodes"][0]["m"] == "inward"  # ring 1 on her first map, ring 0 on her last
    fig = em.viz.small_multiples(p, label_mode="names")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [marker_points(ax, "alters-gained") for ax in axes] == [0, 1, 0, 1]
    assert [marker_points(ax, "alters-lost") for ax in axes] == [0, 0, 1, 0]
    labels = [t.get_text() for t in gid(em.viz.ring_flows(p), "state-label")]
    assert "new by One (1)" in labels and "gone by Gone (1)" in labels and "new by Back (1)" in labels


def test_pictures_leave_the_maps_as_they_were(demo):
    before = demo.to_dict()
    em.viz.change_network(demo)
    em.viz.small_multiples(demo)
    em.viz.ring_flows(demo)
    em.viz.egogram(demo.map(2))
    g = em.graph.person_to_networkx(demo)
    g.nodes[next(iter(g.nodes))]["ring"] = "changed"  # the caller's graph is theirs to change ...
    assert demo.to_dict() == before  # ... and nothing drawn or built changes the person's maps


def test_small_multiples_legend_fits_the_figure(demo):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for maps in (demo.maps[:1], demo.maps[:2], demo.maps):
        fig = em.viz.small_multiples(maps)
        FigureCanvasAgg(fig).draw()
        box, page = fig.legends[0].get_window_extent(), fig.bbox
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0, (len(maps), box, page)
