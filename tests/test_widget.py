"""MapWidget: traits, gesture messages -> store, save failures, export (no browser)."""

from __future__ import annotations

import sqlite3

import pytest

import egomap as em
from egomap.widget import MapWidget, side_by_side, snapshot
from egomap.widget.render import MAP_RADIUS, to_svg, xy

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def base(store):
    p = store.add_person("R-017", consent_research=True)
    m = p.new_map("Baseline", date="2026-01-12")
    m.add_alter("Mum", ring=0, sector="household", relationship="mother", valence="supportive")
    m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    m.add_alter("Gran", ring=1, sector="family")
    return m


def reopen(store, label="Baseline"):
    again = em.open_store(store.path)
    return again, again.person("R-017").map(label)


def test_snapshot_holds_alters_ties_and_scheme_geometry(base):
    base.add_tie("Mum", "Gran")
    d = MapWidget(base).data
    assert [a["label"] for a in d["alters"]] == ["Mum", "Dr Shah", "Gran"]
    assert [a["n"] for a in d["alters"]] == [1, 2, 3]
    mum = d["alters"][0]
    assert (mum["ring"], mum["sector"], mum["relationship"], mum["valence"]) == (0, "household", "mother", "supportive")
    assert d["alters"][1]["is_professional"] is True
    assert d["ties"] == [sorted([base.alter("Mum").id, base.alter("Gran").id])]
    assert [(r["inner"], r["outer"]) for r in d["rings"]] == [base.rings.band(i) for i in range(3)]
    assert [s["key"] for s in d["sectors"]] == base.sectors.keys
    assert d["sectors"][2]["start"] == pytest.approx(2 * 360 / 7)
    assert d["centre"] == em.schemes.CENTRE_RADIUS
    assert d["person_label"] == "R-017"


def test_repr_and_mimebundle_text_are_stable(base):
    w = MapWidget(base)
    assert repr(w) == "<MapWidget 'Baseline' of 'R-017': 3 alters>"
    bundle = w._repr_mimebundle_()
    text = bundle[0]["text/plain"] if isinstance(bundle, tuple) else bundle["text/plain"]
    assert text == repr(w)
    assert "0x" not in text


def test_move_message_lands_in_the_ring_band_and_is_in_the_store(store, base):
    w = MapWidget(base)
    mum = base.alter("Mum").id
    lo, hi = base.rings.band(2)
    # anywhere inside the outer band lands in the outer ring; angle 110 deg is in the third sector (work_school)
    w.handle({"type": "move", "req": 5, "id": mum, "angle": 110.0, "radius": lo + 0.01})
    assert (w.status, w.ack) == ("saved", 5)
    a = next(a for a in w.data["alters"] if a["id"] == mum)
    assert (a["ring"], a["sector"]) == (2, "work_school")
    assert "Moved Mum" in w.last_action and w.can_undo
    s2, m2 = reopen(store)
    assert (m2.placement("Mum").ring, m2.placement("Mum").sector) == (2, "work_school")
    assert m2.placement("Mum").radius == pytest.approx(lo + 0.01)
    s2.close()


def test_drop_on_the_person_or_off_the_edge_is_kept_on_the_map(base):
    w = MapWidget(base)
    mum = base.alter("Mum").id
    w.handle({"type": "move", "req": 1, "id": mum, "angle": 10.0, "radius": 0.02})
    assert base.placement(mum).ring == 0 and base.placement(mum).radius > em.schemes.CENTRE_RADIUS
    w.handle({"type": "move", "req": 2, "id": mum, "angle": 10.0, "radius": 1.4})
    assert base.placement(mum).ring == 2 and base.placement(mum).radius < 1.0


def test_add_place_update_tie_remove_undo_redo(store, base):
    w = MapWidget(base)
    w.handle({"type": "add", "req": 1, "label": "Marcus", "ring": 1, "sector": "friends"})
    marcus = base.alter("Marcus").id
    assert w.selected == marcus and w.status == "saved"
    w.handle({"type": "place", "req": 2, "id": marcus, "ring": 0, "sector": "clubs_groups"})
    assert (base.placement(marcus).ring, base.placement(marcus).sector) == (0, "clubs_groups")
    w.handle(
        {
            "type": "update",
            "req": 3,
            "id": marcus,
            "fields": {"relationship": "friend", "support_received": ["practical"], "valence": "mixed", "note": "n"},
        }
    )
    w.handle({"type": "tie", "req": 4, "a": marcus, "b": base.alter("Mum").id})
    assert base.has_tie("Marcus", "Mum")
    w.handle({"type": "tie", "req": 5, "a": base.alter("Mum").id, "b": marcus})
    assert not base.has_tie("Marcus", "Mum")
    w.handle({"type": "undo", "req": 6})
    assert base.has_tie("Marcus", "Mum") and w.can_redo
    w.handle({"type": "redo", "req": 7})
    assert not base.has_tie("Marcus", "Mum")
    w.handle({"type": "remove", "req": 8, "id": base.alter("Gran").id})
    assert w.ack == 8 and w.status == "saved"
    s2, m2 = reopen(store)
    assert [a.label for a in m2.alters] == ["Mum", "Dr Shah", "Marcus"]
    p = m2.placement("Marcus")
    assert (p.ring, p.sector, p.valence, sorted(p.support_received)) == (0, "clubs_groups", "mixed", ["practical"])
    assert m2.alter("Marcus").relationship == "friend"
    assert m2.ties == []
    s2.close()


def test_new_alter_without_position_goes_to_the_outer_ring(base):
    w = MapWidget(base)
    w.handle({"type": "add", "req": 1, "label": "Someone"})
    p = base.placement("Someone")
    assert (p.ring, p.sector) == (2, base.sectors.keys[0])


def test_bad_messages_give_an_error_status_and_change_nothing(store, base):
    w = MapWidget(base)
    before = base.to_dict()
    for msg in [
        {"type": "add", "req": 1, "label": ""},
        {"type": "move", "req": 2, "id": "nope", "angle": 1, "radius": 0.5},
        {"type": "place", "req": 3, "id": base.alter("Mum").id, "ring": 7},
        {"type": "update", "req": 4, "id": base.alter("Mum").id, "fields": {"valence": "great"}},
        {"type": "update", "req": 5, "id": base.alter("Mum").id, "fields": {"id": "x"}},
        {"type": "explode", "req": 6},
    ]:
        w.handle(msg)
        assert w.status.startswith("error: "), msg
        if msg["req"] == 1:
            assert "label must not be empty" in w.status
        assert w.ack == msg["req"]
    assert base.to_dict() == before
    s2, m2 = reopen(store)
    assert m2.to_dict()["placements"] == before["placements"]
    s2.close()


def test_save_failure_shows_error_and_state_is_the_store_truth(store, base, monkeypatch):
    w = MapWidget(base)
    mum = base.alter("Mum").id
    truth = base.to_dict()

    def readonly(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store._engine, "_apply_sql", readonly)
    w.handle({"type": "move", "req": 9, "id": mum, "angle": 110.0, "radius": 0.95})
    assert w.status.startswith("error: not saved")
    assert "readonly database" in w.status
    assert w.ack == 9 and w.last_action == ""
    a = next(a for a in w.data["alters"] if a["id"] == mum)
    assert (a["ring"], a["sector"]) == (0, "household")  # the snapshot shows what the store holds
    assert base.to_dict() == truth
    monkeypatch.undo()
    s2, m2 = reopen(store)
    assert m2.placement("Mum").ring == 0
    s2.close()
    # once the store can be written again the same gesture saves
    w.handle({"type": "move", "req": 10, "id": mum, "angle": 110.0, "radius": 0.95})
    assert w.status == "saved" and base.placement(mum).ring == 2


def test_read_only_widget_refuses_edits(base):
    w = MapWidget(base, read_only=True)
    w.handle({"type": "remove", "req": 1, "id": base.alter("Mum").id})
    assert w.status.startswith("error") and "read-only" in w.status
    assert len(base) == 3


def test_review_walks_every_alter_of_a_follow_up(store, base):
    p = base.person
    six = p.new_map("6 months", date="2026-07-13", copy_from=base)
    w = MapWidget(six)
    assert all(a["previous_ring"] >= 0 for a in w.data["alters"])
    w.handle({"type": "review_start", "req": 1})
    order = [a.id for a in six.alters]
    assert w.reviewing == order[0]
    w.handle({"type": "review", "req": 2, "id": order[0], "action": "keep"})
    assert w.reviewing == order[1]
    w.handle({"type": "review", "req": 3, "id": order[1], "action": "closer"})
    w.handle({"type": "review", "req": 4, "id": order[2], "action": "remove"})
    assert w.reviewing == ""
    assert w.review_counts == {"kept": 1, "moved": 1, "removed": 1}
    assert "Review finished: 1 kept, 1 moved, 1 removed" in w.last_action
    s2, m2 = reopen(store, "6 months")
    assert [(a.label, m2.placement(a).reviewed) for a in m2.alters] == [("Mum", True), ("Dr Shah", True)]
    assert m2.placement("Dr Shah").ring == 1
    s2.close()


def test_review_needs_a_follow_up_map(base):
    w = MapWidget(base)
    w.handle({"type": "review_start", "req": 1})
    assert w.status.startswith("error") and w.reviewing == ""


def test_label_modes_and_constructor_checks(base):
    assert MapWidget(base, label_mode="hidden").label_mode == "hidden"
    with pytest.raises(em.ValidationError, match="label_mode"):
        MapWidget(base, label_mode="secret")
    with pytest.raises(em.ValidationError, match="needs a Map"):
        MapWidget("Baseline")  # type: ignore[arg-type]


def test_svg_export_escapes_user_text_and_places_markers(base, tmp_path):
    base.add_alter(XSS, ring=1, sector="friends", note="<script>alert(2)</script>")
    w = MapWidget(base)
    svg = w.to_svg()
    assert "<img" not in svg and "<script" not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    import xml.etree.ElementTree as ET

    tree = ET.fromstring(svg)
    x, y = xy(base.placement("Mum").angle, base.placement("Mum").radius)
    assert abs(x) < MAP_RADIUS and abs(y) < MAP_RADIUS
    circles = [(float(c.get("cx")), float(c.get("cy"))) for c in tree.iter("{http://www.w3.org/2000/svg}circle")]
    assert any(abs(cx - x) < 0.1 and abs(cy - y) < 0.1 for cx, cy in circles)  # Mum is a person: a circle
    texts = ["".join(t.itertext()) for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert XSS in texts and "Mum" in texts
    hidden = ET.fromstring(w.to_svg("hidden"))
    texts = ["".join(t.itertext()) for t in hidden.iter("{http://www.w3.org/2000/svg}text")]
    assert "Mum" not in texts and XSS not in texts and "1" in texts
    out = w.save_svg(tmp_path / "map.svg")
    assert out.read_text(encoding="utf-8") == svg


def test_png_export_is_a_png(base, tmp_path):
    out = MapWidget(base).save_png(tmp_path / "map.png", dpi=60)
    head = out.read_bytes()[:8]
    assert head == b"\x89PNG\r\n\x1a\n"
    from matplotlib.image import imread

    img = imread(out)
    assert (img.shape[1], img.shape[0]) == (360, 298)
    assert img[..., :3].std() > 0.05  # something is drawn


def test_side_by_side_is_read_only_views_of_each_map():
    p = em.demo.demo_case()
    box = side_by_side(p.maps, label_mode="initials")
    *maps, key = box.children
    assert [w.map.label for w in maps] == ["Baseline", "6 months", "12 months"]
    assert all(w.read_only and w.label_mode == "initials" for w in maps)
    # equal columns, one per map, and one key across them (without the change marks: nothing is compared here)
    assert box.layout.grid_template_columns == "repeat(3, minmax(300px, 1fr))"
    assert "egomap-shared-key" in key._dom_classes and "Supportive" in key.value and "Still there" not in key.value


def test_snapshot_person_label_and_svg_title(base):
    d = snapshot(base, person_label="Me")
    assert d["person_label"] == "Me"
    assert "<title>Baseline (2026-01-12)</title>" in to_svg(d)


def test_answer_is_sent_before_the_snapshot(base, monkeypatch):
    """The small "saved" answer goes out as soon as the store has the edit; the snapshot follows."""
    w = MapWidget(base)
    sent = []
    monkeypatch.setattr(w, "send_state", lambda key=None: sent.append(set(key) if key else set()))
    w.handle({"type": "place", "req": 3, "id": base.alter("Mum").id, "ring": 1, "sector": "family"})
    assert len(sent) == 2
    assert "ack" in sent[0] and "data" not in sent[0]  # with status, when it changed
    assert "data" in sent[1] and "ack" not in sent[1]
    assert w.data["ack"] == 3 and w.ack == 3


def test_review_counts_come_from_the_store(store, base):
    six = base.person.new_map("6 months", date="2026-07-13", copy_from=base)
    w = MapWidget(six)
    w.handle({"type": "review_start", "req": 1})
    w.handle({"type": "review", "req": 2, "id": six.alter("Mum").id, "action": "keep"})
    w.handle({"type": "review", "req": 3, "id": six.alter("Dr Shah").id, "action": "closer"})
    w.handle({"type": "review_stop", "req": 4})
    # a new widget (e.g. in a new kernel) counts what the store recorded, and goes on where it stopped
    s2, m2 = reopen(store, "6 months")
    w2 = MapWidget(m2)
    assert w2.review_counts == {"kept": 1, "moved": 1, "removed": 0}
    w2.handle({"type": "review_start", "req": 1})
    assert w2.reviewing == m2.alter("Gran").id
    w2.handle({"type": "review", "req": 2, "id": m2.alter("Gran").id, "action": "remove"})
    assert w2.review_counts == {"kept": 1, "moved": 1, "removed": 1}
    assert "Review finished: 1 kept, 1 moved, 1 removed" in w2.last_action
    w2.handle({"type": "undo", "req": 3})  # Gran is back: the counts follow the store
    w2.handle({"type": "review_start", "req": 4})
    assert w2.review_counts == {"kept": 1, "moved": 1, "removed": 0}
    s2.close()


def test_exported_labels_keep_clear_of_the_ring_labels():
    from egomap.viz import style
    from egomap.widget.render import _px, display_label, label_centres, ring_label_boxes

    m = em.demo.demo_case().map("Baseline")
    d = snapshot(m)
    labels = [display_label(a) for a in d["alters"]]
    centres = label_centres([xy(a["angle"], a["radius"]) for a in d["alters"]], labels, d["centre"], d["rings"])
    font = _px("label_font")
    for text, (cx, cy) in zip(labels, centres):
        w, h = style.text_width(text, font), font * 1.1
        for x0, y0, x1, y1 in ring_label_boxes(d["rings"]):
            assert min(cx + w / 2, x1) <= max(cx - w / 2, x0) or min(cy + h / 2, y1) <= max(cy - h / 2, y0), text


def test_a_request_trait_change_is_handled_like_a_message(store, base):
    w = MapWidget(base)
    w.request = {"type": "place", "req": 11, "id": base.alter("Gran").id, "ring": 0, "sector": "friends"}
    assert (w.ack, w.status) == (11, "saved")
    s2, m2 = reopen(store)
    assert (m2.placement("Gran").ring, m2.placement("Gran").sector) == (0, "friends")
    s2.close()


def test_fields_and_style_are_sent_once_as_traits_not_in_every_snapshot(base):
    from egomap import fields
    from egomap.viz import style

    w = MapWidget(base)
    assert w.fields == fields.describe()
    assert [f["name"] for f in w.fields] == [f.name for f in fields.editable()]
    assert "known_for" in [f["name"] for f in w.fields]
    assert w.map_style == style.as_dict()
    assert "style" not in w.data and "options" not in w.data
    w.handle({"type": "place", "req": 1, "id": base.alter("Mum").id, "ring": 1, "sector": "family"})
    assert "style" not in w.data


def test_snapshot_alters_carry_every_alter_and_placement_attribute(base):
    from egomap import fields

    base.update("Mum", known_for="1-5 years")
    d = MapWidget(base).data
    for a in d["alters"]:
        assert set(fields.names("alter")) | set(fields.names("placement")) <= set(a)
    mum, shah = d["alters"][0], d["alters"][1]
    assert (mum["known_for"], shah["known_for"], shah["valence"], shah["contact"]) == ("1-5 years", "", "", "")


def test_known_for_is_editable_from_the_widget(store, base):
    w = MapWidget(base)
    mum = base.alter("Mum").id
    w.handle({"type": "update", "req": 1, "id": mum, "fields": {"known_for": "more than 5 years"}})
    assert w.status == "saved" and base.placement(mum).known_for == "more than 5 years"
    w.handle({"type": "update", "req": 2, "id": mum, "fields": {"known_for": None}})
    assert base.placement(mum).known_for is None
    s2, m2 = reopen(store)
    assert m2.placement("Mum").known_for is None
    s2.close()


def test_initials_is_the_one_in_geometry():
    from egomap import geometry, widget

    assert widget.initials is geometry.initials
    assert widget.initials("Mary-Jane") == "MJ"


def test_snapshot_carries_the_label_places_of_the_svg_export():
    """One label placement (Python): the snapshot holds, for the widget's label mode, the places to_svg draws at."""
    import xml.etree.ElementTree as ET

    m = em.demo.demo_case().maps[-1]
    for i in range(8):
        m.add_alter(f"Neighbour number {i + 1}", ring=1, sector="neighbours")
    w = MapWidget(m)
    assert set(w.data["alters"][0]["labels"]) == {"names"}  # only the current mode is placed after an edit
    for mode in em.geometry.LABEL_MODES:
        w.label_mode = mode  # choosing another mode places the labels for it
        alters = w.data["alters"]
        svg = ET.fromstring(w.to_svg(mode))
        texts = [t for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("paint-order") == "stroke"]
        assert [(float(t.get("x")), float(t.get("y"))) for t in texts] == [tuple(a["labels"][mode]) for a in alters]
    # the sector labels' lines are wrapped in Python too
    assert [s["lines"] for s in w.data["sectors"]] == [em.geometry.wrap(s["label"]) for s in w.data["sectors"]]
    # and the snapshot changes with the labels: a move places them again
    w.label_mode = "names"
    alters = w.data["alters"]
    before = [a["labels"]["names"] for a in alters]
    w.handle({"type": "move", "req": 1, "id": alters[0]["id"], "angle": 200.0, "radius": 0.9})
    assert w.data["alters"][0]["labels"]["names"] != before[0]


@pytest.mark.parametrize("case", ["inner10", "middle15", "map40"])
def test_crowded_cells_nothing_overlaps_in_the_snapshot(case):
    """Issue 16, without a browser: the snapshot's markers (at their drawn size) and name boxes never overlap,
    and names keep off the circle labels and the person's disc (the browser test measures the drawn page)."""
    import math

    from egomap.viz import style
    from egomap.widget.render import label_size, marker_radius, ring_label_boxes, xy
    from egomap.widget.snapshot import snapshot

    names = ["Mum", "Dad", "Cousin Lee", "Gran", "Auntie Jo", "Uncle Sam", "Mary-Jane", "Big Tom", "Priya", "Kwame"]
    names += ["Dr Okafor", "Josh", "Dave", "Leah", "Marcus", "Ben", "Ana", "Sofia", "Mo", "Kate"]
    m = em.Person("R-1").new_map("Baseline")
    if case == "inner10":
        for n in names[:10]:
            m.add_alter(n, ring=0, sector="family")
    elif case == "middle15":
        for n in names[:15]:
            m.add_alter(n, ring=1, sector="friends")
    else:
        for i in range(40):
            m.add_alter(
                names[i % 20] + (f" {i // 20 + 1}" if i >= 20 else ""), ring=i % 3, sector=m.sectors.keys[i * 3 % 7]
            )
    d = snapshot(m, modes=("names",))
    marks = [(*xy(a["angle"], a["radius"]), marker_radius(a) * a["scale"]) for a in d["alters"]]
    lift = 0.35 * style.SIZE["screen_label_font"] * 350
    boxes = []
    for a in d["alters"]:
        (w, h), (x, y) = label_size(a["label"]), a["labels"]["names"]
        boxes.append((x - w / 2, y - lift - h / 2, x + w / 2, y - lift + h / 2))

    def hit(b, c):
        return min(b[2], c[2]) > max(b[0], c[0]) and min(b[3], c[3]) > max(b[1], c[1])

    def on(c, b):
        return math.dist(c[:2], (min(max(c[0], b[0]), b[2]), min(max(c[1], b[1]), b[3]))) < c[2]

    n, rings, centre = len(marks), ring_label_boxes(d["rings"]), d["centre"] * 350
    assert (
        sum(math.dist(marks[i][:2], marks[j][:2]) < marks[i][2] + marks[j][2] for i in range(n) for j in range(i)) == 0
    )
    assert sum(hit(boxes[i], boxes[j]) for i in range(n) for j in range(i)) == 0
    assert sum(on(c, b) for c in marks for b in boxes + rings) == 0
    assert sum(hit(b, r) for b in boxes for r in rings) == 0
    assert all(math.hypot(x, y) >= centre + r for x, y, r in marks) and not any(on((0, 0, centre), b) for b in boxes)
    if case == "inner10":  # ten in one inner cell only fit with smaller markers
        assert min(a["scale"] for a in d["alters"]) < 1
