"""egomap.geometry: one copy of initials, label modes and the map's geometry."""

from __future__ import annotations

import math

import pytest

import egomap as em
from egomap import geometry
from egomap.errors import ValidationError
from egomap.viz import style

# labels as the widget and the figures meet them
LABELS = {
    "Mary-Jane": "MJ",
    "Dr Okafor": "DO",
    "  ": "",
    "mum": "M",
    "Kickabout football project": "KFP",
    "Kickabout football group": "KFG",
    "Jamie Smith": "JS",
    "R-017": "R0",
    "(Gran) Rose": "R",
}


@pytest.mark.parametrize(("label", "expected"), LABELS.items())
def test_initials_one_answer_for_widget_and_figures(label, expected):
    assert geometry.initials(label) == expected
    assert style.initials(label) == expected
    assert style.display_label(label, "initials") == expected


def test_style_reexports_the_geometry_functions():
    assert style.initials is geometry.initials
    assert style.display_label is geometry.display_label
    assert style.check_label_mode is geometry.check_label_mode
    assert style.LABEL_MODES is geometry.LABEL_MODES == ("names", "initials", "hidden")


def test_display_label_modes():
    assert geometry.display_label("Dr Okafor", "names") == "Dr Okafor"
    assert geometry.display_label("Dr Okafor", "hidden") == ""
    with pytest.raises(ValidationError):
        geometry.display_label("x", "full")


def test_widget_snapshot_and_figures_agree_on_initials():
    m = em.Person("R-1").new_map("Baseline")
    for label in ("Mary-Jane", "Dr Okafor", "mum"):
        m.add_alter(label, ring=0, sector="household")
    from egomap.widget.widget import snapshot

    snap = snapshot(m)
    assert {a["label"]: a["initials"] for a in snap["alters"]} == {
        "Mary-Jane": "MJ",
        "Dr Okafor": "DO",
        "mum": "M",
    }
    fig = em.viz.egogram(m, label_mode="initials")
    texts = sorted(t.get_text() for t in fig.axes[0].findobj(lambda a: a.get_gid() == "alter-label"))
    assert texts == ["DO", "M", "MJ"]


def test_polar_to_xy_angle_zero_is_up_and_clockwise():
    x, y = geometry.polar_to_xy(0.0, 1.0)
    assert abs(x) < 1e-12 and y == pytest.approx(1.0)
    x, y = geometry.polar_to_xy(90.0, 2.0)  # 3 o'clock, radius kept in its unit
    assert x == pytest.approx(2.0) and abs(y) < 1e-12
    for a in (0.0, 45.0, 135.0, 200.0, 359.5):
        for r in (0.2, 0.7, 1.0):
            a2, r2 = geometry.xy_to_polar(*geometry.polar_to_xy(a, r))
            assert a2 == pytest.approx(a) and r2 == pytest.approx(r)


def test_locate_and_spread_position_keep_cells():
    rings, sectors = em.schemes.ring_scheme("kahn_antonucci"), em.schemes.sector_scheme("four_quadrants")
    assert geometry.locate(45.0, 0.3, rings, sectors) == (0, "family")
    assert geometry.locate(*geometry.position(2, "professional", rings, sectors), rings, sectors) == (2, "professional")
    taken = []
    for _ in range(12):
        taken.append(geometry.spread_position(1, "friends", rings, sectors, taken=taken))
    assert len(set(taken)) == 12
    assert all(geometry.locate(a, r, rings, sectors) == (1, "friends") for a, r in taken)


def test_position_helpers_live_in_geometry_only():
    from egomap import schemes

    for name in ("locate", "spread_position", "position", "to_xy", "from_xy"):
        assert not hasattr(schemes, name), name


def test_render_xy_is_polar_to_xy_with_y_down():
    from egomap.widget.render import MAP_RADIUS, xy

    for a, r in ((0.0, 1.0), (72.5, 0.4), (250.0, 0.9)):
        x, y = geometry.polar_to_xy(a, r * MAP_RADIUS)
        assert xy(a, r) == (x, -y)


def test_label_placement_has_one_home():
    assert style.place_labels is geometry.place_labels
    assert style.text_width is geometry.text_width and style.wrap is geometry.wrap
    from egomap.widget import render

    assert render.wrap is geometry.wrap
    # close markers: the second label goes below its marker, clear of the first
    assert geometry.place_labels([(0, 0), (0, 12)], [(20, 10), (20, 10)], 5, 2) == [(0.0, -12.0), (0.0, 24.0)]


def test_place_labels_matches_a_plain_search_without_the_grid():
    """The grid and the early stop only save work: the places are those of the plain step."""
    import math
    import random

    def plain(points, sizes, r, gap, obstacles):
        boxes = [(x - r, y - r, x + r, y + r) for x, y in points] + list(obstacles)
        out = []
        for i, ((x, y), (w, h)) in enumerate(zip(points, sizes)):
            if w <= 0 or h <= 0:
                out.append((float(x), float(y + r + gap)))
                continue
            best, best_overlap = None, math.inf
            for side, shift in geometry.LABEL_CANDIDATES:
                (cx, cy), box = geometry._candidate(x, y, w, h, r, gap, side, shift)
                o = 0.0
                for j, b in enumerate(boxes):
                    bw = min(box[2], b[2]) - max(box[0], b[0])
                    bh = min(box[3], b[3]) - max(box[1], b[1])
                    if j != i and bw > 0 and bh > 0:
                        o += bw * bh
                if o < best_overlap - 1e-9:
                    best, best_overlap = (cx, cy), o
                if o <= 0:
                    break
            out.append(best)
            w2, h2 = w / 2, h / 2
            boxes.append((best[0] - w2, best[1] - h2, best[0] + w2, best[1] + h2))
        return out

    rng = random.Random(11)
    for _ in range(40):
        n = rng.randint(1, 80)
        points = [(rng.uniform(-150, 150), rng.uniform(-150, 150)) for _ in range(n)]
        sizes = [(rng.choice([0.0, rng.uniform(5, 60)]), rng.uniform(4, 12)) for _ in range(n)]
        got = geometry.place_labels(points, sizes, 4.0, 1.5, [(-20, -20, 20, 20)])
        want = plain(points, sizes, 4.0, 1.5, [(-20, -20, 20, 20)])
        assert got == pytest.approx(want)


@pytest.mark.parametrize(("ring", "sector", "n"), [(0, "family", 10), (1, "friends", 15), (0, "household", 8)])
def test_a_crowded_cell_spreads_people_never_on_each_other_or_the_centre(ring, sector, n):
    """Issue 16: 8-15 people added to one cell stay inside it, apart (drawn no smaller than the marker floor
    without touching) and off the person's disc, also when someone was dragged there first."""
    from egomap.widget.render import MARKER_FLOOR

    m = em.Person("R-1").new_map("Baseline")
    m.add_alter("Dragged", angle=m.sectors.mid(sector), radius=m.rings.mid(ring))
    for i in range(n - 1):
        m.add_alter(f"P{i}", ring=ring, sector=sector)
    spots = [(p.angle, p.radius) for p in m.placements.values()]
    assert all((p.ring, p.sector) == (ring, sector) for p in m.placements.values())
    floor = 2 * MARKER_FLOOR * style.SIZE["marker"]
    xy = [geometry.polar_to_xy(a, r) for a, r in spots]
    closest = min(math.dist(xy[i], xy[j]) for i in range(len(xy)) for j in range(i))
    assert closest >= floor  # before: 12 pairs on top of each other for 8 people in Inner/Family
    centre = em.schemes.CENTRE_RADIUS
    assert min(r for _, r in spots) - centre >= MARKER_FLOOR * style.SIZE["marker"]
