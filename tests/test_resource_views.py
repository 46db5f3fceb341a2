"""Views of resources and social capital (issue 17): the resource table and sheet, the capital and resource
marks of the figures and the change view, and the session picture with the table."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

import egomap as em
from egomap.viz import style
from egomap.viz.marks import check_marks
from egomap.viz.resource_figure import resource_figure

XSS = "<img src=x onerror=alert(1)>"


def small_map() -> em.Map:
    """Five people; four items asked (one of them: no one); the rest not asked; two capital views recorded."""
    m = em.Person("R-090").new_map("Baseline", date="2026-02-02")
    m.add_alter("Mum", ring=0, sector="household")
    m.add_alter("Sam", ring=1, sector="friends", met_through="Tuesday football club")
    m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    m.add_alter("Gran", ring=1, sector="family")
    m.add_alter("Ali", ring=2, sector="friends")
    m.set_resource("small_loan", ["Sam", "Mum"])  # given out of map order
    m.set_resource("health_advice", ["Dr Shah"])
    m.set_resource("crisis_call", [])  # asked: no one
    m.set_resource("company", ["Sam", "Gran", "Ali", "Mum"])
    m.set_resource("meet_people", ["Sam"])
    m.set_resource("talk_worries", ["Sam"])
    m.update("Gran", capital="bridging")  # the person's own view wins over the rule (bonding)
    return m


# ---------------------------------------------------------------- the resource table


def test_resource_table_rows_are_the_scheme_in_order_with_who_could_help():
    m = small_map()
    t = em.resource_table(m)
    scheme = m.resource_scheme
    assert list(t.index) == list(scheme.keys) and len(t) == 20
    assert list(t.columns) == ["domain", "item", "prompt", "who"]
    assert t.loc["small_loan", "who"] == "Mum, Sam"  # in the map's order, not the order given
    assert t.loc["company", "who"] == "Mum, Sam, Gran, Ali"
    assert t.loc["health_advice", "who"] == "Dr Shah"
    assert t.loc["crisis_call", "who"] == "no one"  # asked, nobody: not the same as not asked
    assert t.loc["fix_things", "who"] == "not asked"
    assert (t["who"] == "not asked").sum() == 14 and (t["who"] == "no one").sum() == 1
    loan = scheme.item("small_loan")
    assert t.loc["small_loan", "item"] == loan.label and t.loc["small_loan", "prompt"] == loan.prompt
    assert t.loc["small_loan", "domain"] == "Help at home" and t.loc["crisis_call", "domain"] == "Emotional support"
    asked = em.resource_table(m, asked_only=True)
    assert list(asked.index) == [k for k in scheme.keys if k in m.resources]
    # the same object as em.viz.resource_table
    assert em.viz.resource_table is em.resource_table


def test_resource_table_without_names_has_only_codes():
    m = small_map()
    t = em.resource_table(m, names=False)
    text = t.to_csv()
    for a in m.alters:
        assert not re.search(rf"\b{re.escape(a.label)}\b", text), a.label
    codes = em.io.pseudonyms(m.person)
    ids = {a.label: codes[a.id] for a in m.alters}
    assert t.loc["small_loan", "who"] == f"{ids['Mum']}, {ids['Sam']}" == "R-090-A001, R-090-A002"
    assert t.loc["crisis_call", "who"] == "no one" and t.loc["fix_things", "who"] == "not asked"
    # the codes of the research exports: the same person gets the same code on every map
    later = m.person.new_map("6 months", copy_from=m)
    later.add_alter("Coach", ring=2, sector="clubs_groups")
    later.set_resource("teach_something", ["Coach", "Sam"])
    assert em.resource_table(later, names=False).loc["teach_something", "who"] == "R-090-A002, R-090-A006"
    sheet = em.viz.resource_sheet(later, names=False)
    assert "Sam" not in sheet.html and "Coach" not in sheet.html and "6 months" not in sheet.html
    assert sheet.title == "Who could help with what: R-090, T2"


def test_resource_table_names_people_as_a_picture_does():
    m = small_map()
    assert em.resource_table(m, label_mode="initials").loc["small_loan", "who"] == "M, S"
    numbers = em.resource_table(m, label_mode="hidden").loc["company", "who"]
    widget_numbers = {a["label"]: a["n"] for a in em.MapWidget(m).data["alters"]}
    assert numbers == ", ".join(str(widget_numbers[x]) for x in ("Mum", "Sam", "Gran", "Ali")) == "1, 2, 4, 5"


def test_resource_table_refuses_what_is_not_a_map_or_a_yes_no():
    with pytest.raises(em.ValidationError, match="map"):
        em.resource_table("Baseline")
    with pytest.raises(em.ValidationError, match="names"):
        em.resource_table(small_map(), names="no")
    with pytest.raises(em.ValidationError, match="label"):
        em.resource_table(small_map(), label_mode="nicknames")


def test_empty_map_and_nothing_asked():
    m = em.Person("R-091").new_map("Baseline")
    assert set(em.resource_table(m)["who"]) == {"not asked"}
    assert em.resource_table(m, asked_only=True).empty
    assert "No resource items asked yet." in em.viz.resource_sheet(m, asked_only=True).html


def test_sheet_escapes_user_text_and_keeps_no_one_apart(tmp_path):
    m = em.Person("R-092").new_map(f"Visit {XSS}")
    m.add_alter(XSS, ring=0, sector="friends")
    m.add_alter("Tom & Jerry's <b>mate</b>", ring=1, sector="friends")
    m.set_resource("small_loan", [XSS, "Tom & Jerry's <b>mate</b>"])
    m.set_resource("crisis_call", [])
    sheet = em.viz.resource_sheet(m)
    assert "<img" not in sheet.html and "<b>mate" not in sheet.html
    assert html.escape(XSS) in sheet.html and html.escape("Tom & Jerry's <b>mate</b>") in sheet.html
    assert sheet._repr_html_() == sheet.html and "<img" not in sheet.page()
    assert html.escape(f"Visit {XSS}") in sheet.page()
    # "No one" and "Not asked" are written out, and look different
    assert "egomap-res-noone'>No one<" in sheet.html and "egomap-res-notasked'>Not asked<" in sheet.html
    # a scheme the user wrote: its labels and prompts are text too
    own = em.ResourceScheme(
        "own_r92",
        [em.ResourceDomain("home", "Home & <garden>")],
        [em.ResourceItem("lift", "home", "A <lift>", "Who could give you a <lift> & more?")],
    )
    m2 = em.Person("R-093").new_map("Baseline", resources=own)
    m2.add_alter("Jo", ring=0, sector="friends")
    m2.set_resource("lift", ["Jo"])
    page = em.viz.resource_sheet(m2).page()
    assert "<lift>" not in page and "<garden>" not in page and "&lt;lift&gt;" in page
    assert list(em.resource_table(m2)["who"]) == ["Jo"]
    saved = sheet.save(tmp_path / "sheet.html")
    assert saved.stat().st_mode & 0o777 == 0o600 and "<img" not in saved.read_text()


def test_resource_figure_draws_the_table_under_the_map(tmp_path):
    m = small_map()
    fig = resource_figure(m)
    ax = fig.axes[-1]
    items = [t.get_text() for t in ax.texts if t.get_gid() == "resource-item"]
    who = [t.get_text() for t in ax.texts if t.get_gid() == "resource-who"]
    assert len(items) == len(who) == 6 and who[items.index("Lend a small sum of money")] == "Mum, Sam"
    assert who[items.index("Call in a crisis")] == "No one"
    no_one = next(t for t in ax.texts if t.get_text() == "No one")
    assert no_one.get_fontweight() == "bold"
    # under a picture of the map: the picture keeps its proportions
    w = em.MapWidget(m)
    png = w.save_png(tmp_path / "map.png")
    both = resource_figure(m, picture=png, names=False)
    assert len(both.axes) == 2 and both.axes[0].images
    img = both.axes[0].images[0].get_array()
    bbox = both.axes[0].get_position()
    fig_w, fig_h = both.get_size_inches()
    assert bbox.height * fig_h / (bbox.width * fig_w) == pytest.approx(img.shape[0] / img.shape[1], rel=0.01)
    assert not any("Mum" in t.get_text() for t in both.axes[1].texts)  # codes, not names


# ---------------------------------------------------------------- capital and resource marks in the figures


def _tag_offsets(ax, gid: str) -> list[tuple[float, float]]:
    return [tuple(o) for c in ax.collections if c.get_gid() == gid for o in np.asarray(c.get_offsets())]


def test_egogram_marks_capital_and_resource_counts():
    m = small_map()
    plain = em.viz.egogram(m)
    assert not [c for c in plain.axes[0].collections if c.get_gid().startswith(("capital", "resource"))]
    fig = em.viz.egogram(m, mark=["capital", "resources"])
    ax = fig.axes[0]
    expected = {k: sorted(a.label for a in m.alters if m.capital(a) == k) for k in style.CAPITAL_ORDER}
    assert expected == {"bonding": ["Ali", "Mum"], "bridging": ["Gran", "Sam"], "linking": ["Dr Shah"]}  # friends: rule
    r = style.SIZE["marker"]
    pos = {}
    for a in m.alters:
        p = m.placement(a)
        pos[a.label] = em.geometry.polar_to_xy(p.angle, p.radius)
    for key, people in expected.items():
        at = sorted(_tag_offsets(ax, f"capital-{key}"))
        dx, dy = style.CAPITAL_TAG["offset"][0] * r, -style.CAPITAL_TAG["offset"][1] * r  # lower right, y up
        assert at == pytest.approx(sorted((pos[x][0] + dx, pos[x][1] + dy) for x in people))
    symbols = sorted(t.get_text() for t in ax.texts if t.get_gid() == "capital-symbol")
    assert symbols == sorted(style.CAPITAL[m.capital(a)]["symbol"] for a in m.alters)
    # the count: the number of items each person could help with, only for those with at least one
    counts = {a.label: len(m.resources_of(a)) for a in m.alters}
    assert counts == {"Mum": 2, "Sam": 4, "Dr Shah": 1, "Gran": 1, "Ali": 1}
    shown = sorted(t.get_text() for t in ax.texts if t.get_gid() == "resource-count-text")
    assert shown == sorted(str(n) for n in counts.values())
    cx, cy = style.COUNT["offset"][0] * r, -style.COUNT["offset"][1] * r  # upper left
    assert sorted(_tag_offsets(ax, "resource-count")) == pytest.approx(
        sorted((x + cx, y + cy) for x, y in pos.values())
    )
    # the key explains the marks in words
    key = [t.get_text() for t in fig.legends[0].texts] if fig.legends else [t.get_text() for t in ax.get_legend().texts]
    assert [k for k in key if k.startswith(("Bonding", "Bridging", "Linking"))] == [
        style.CAPITAL[k]["label"] for k in style.CAPITAL_ORDER
    ]
    assert style.COUNT["label"] in key
    only = em.viz.egogram(m, mark="resources")
    assert not _tag_offsets(only.axes[0], "capital-bridging") and _tag_offsets(only.axes[0], "resource-count")


def test_small_multiples_mark_capital_on_each_panel_and_gone_people_as_they_were():
    p = em.demo.demo_case()
    fig = em.viz.small_multiples(p, mark="capital")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    base, six, twelve = p.maps
    for ax, m, gone in zip(panels, p.maps, ([], [], ["Tom", "Dr Okafor", "Kwame"])):
        tags = {k: len(_tag_offsets(ax, f"capital-{k}")) for k in style.CAPITAL_ORDER}
        want = {k: sum(m.capital(a) == k for a in m.alters) for k in style.CAPITAL_ORDER}
        for label in gone:  # ghosts keep the tag they had on the map before
            want[six.capital(label)] += 1
        assert tags == want
    assert {k: sum(base.capital(a) == k for a in base.alters) for k in style.CAPITAL_ORDER} == {
        "bonding": 4,
        "bridging": 0,
        "linking": 3,
    }
    assert [t.get_text() for t in fig.legends[0].texts if t.get_text().startswith("Bridging")]


def test_mark_is_checked():
    assert check_marks(("resources", "capital", "capital")) == ("capital", "resources")
    for bad in ("colour", ["capital", 3], 5):
        with pytest.raises(em.ValidationError, match="mark"):
            em.viz.egogram(small_map(), mark=bad)
    with pytest.raises(em.ValidationError, match="mark"):
        em.viz.change_network(em.demo.demo_case(), mark="bridges")


# ---------------------------------------------------------------- the change view


def _data(view) -> dict:
    raw = re.search(r'<script type="application/json" id="em-data">(.*?)</script>', view.html, re.S).group(1)
    return json.loads(raw)


def test_change_view_mark_capital_sends_tags_counts_and_the_same_in_words():
    p = em.demo.demo_case()
    plain = _data(em.viz.change_network(p))
    assert not any("c" in n or "n" in n for v in plain["views"] for n in v["nodes"])
    view = em.viz.change_network(p, mark=["capital", "resources"])
    data = _data(view)
    twelve = p.map("12 months")
    v = data["views"][2]
    by_label = {n["l"]: n for n in v["nodes"]}
    for a in twelve.alters:
        n = by_label[a.label]
        assert n["c"] == twelve.capital(a)
        assert n.get("n", 0) == len(twelve.resources_of(a))
    assert by_label["Dave"]["n"] == 3 and by_label["Gran"].get("n") is None  # no disc for no items
    assert by_label["Tom"]["c"] == "linking" and by_label["Tom"]["s"] == "lost"  # a ghost as on the map before
    # the list of people (and the hover, made from it) says the same, and where the capital comes from
    marcus = by_label["Marcus"]["r"][4]
    assert "Social capital: bonding (the person's own view)" in marcus
    dave = by_label["Dave"]["r"][4]
    assert "Social capital: bridging (egomap's default rule)" in dave
    assert "Could help with (3): Advice about a job or training; Teach you something new; " in " ".join(dave)
    assert "5 bonding, 4 bridging, 3 linking" in v["caption"]
    assert "someone could help with 16 of the 16 resource items asked" in v["caption"]
    # the key explains the tags and the disc; without the marks it does not
    key = view.html.split('<div class="em-legend">', 1)[1].split("</div></div>", 1)[0]
    assert "Bridging (\u2194)" in key and "Resource items they could help with" in key
    assert "Social capital (tag at the lower right)" not in em.viz.change_network(p).html
    # without the marks, a recorded view is still said (it is part of the map), the rule's type is not
    rows = {n["l"]: n["r"][4] for n in plain["views"][2]["nodes"]}
    assert "Social capital: bonding (the person's own view)" in rows["Marcus"]
    assert not any(line.startswith("Social capital") for line in rows["Dave"])


def test_change_view_words_leave_out_names_but_not_capital():
    p = em.demo.demo_case()
    data = _data(em.viz.change_network(p, label_mode="hidden", mark="capital"))
    text = json.dumps(data)
    assert "Marcus" not in text and "Kickabout" not in text
    assert "Social capital: bridging (egomap's default rule)" in text


# ---------------------------------------------------------------- the session picture


def test_session_picture_includes_who_could_help(store, tmp_path):
    from matplotlib.image import imread

    panel = em.SessionPanel(store, "R-094", pictures=tmp_path / "pics")
    panel.start_map.click()
    w = panel.widget
    w.handle({"type": "add", "req": 1, "label": "Mum", "ring": 0, "sector": "household"})
    panel.save_picture.click()  # nothing asked yet: the map alone
    png = tmp_path / "pics" / "R-094_Baseline.png"
    alone = imread(png).shape
    assert "who could help" not in panel.picture_note.value
    panel.map.set_resource("small_loan", ["Mum"])
    panel.map.set_resource("crisis_call", [])
    panel.save_picture.click()
    both = imread(png).shape
    assert both[1] == alone[1] and both[0] > alone[0] * 1.2  # the table under the map, same width
    assert "with who could help with what" in panel.picture_note.value
    assert png.stat().st_mode & 0o777 == 0o600
    panel.include_resources.value = False  # the practitioner leaves it out
    panel.save_picture.click()
    assert imread(png).shape == alone
