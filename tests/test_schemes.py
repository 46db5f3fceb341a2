"""Ring and sector schemes and the position <-> (ring, sector) conversion."""

from __future__ import annotations

import math

import pytest

import egomap as em
from egomap import geometry as geo
from egomap import schemes as sc


def test_builtin_schemes_shipped():
    assert len(sc.ring_scheme("kahn_antonucci")) == 3
    assert [r.label for r in sc.ring_scheme("circles_of_support").rings] == [
        "Intimacy",
        "Friendship",
        "Participation",
        "Exchange",
    ]
    assert sc.sector_scheme("social_network_map").keys == [
        "household",
        "family",
        "work_school",
        "clubs_groups",
        "friends",
        "neighbours",
        "services",
    ]
    assert len(sc.sector_scheme("four_quadrants")) == 4
    assert len(sc.sector_scheme("none")) == 1
    assert sc.sector_scheme("social_network_map").family_keys == {"household", "family"}
    for name in ("kahn_antonucci", "circles_of_support"):
        assert all(r.prompt for r in sc.ring_scheme(name).rings), name
    for name in ("social_network_map", "four_quadrants", "none"):
        assert all(s.prompt for s in sc.sector_scheme(name).sectors), name


def test_drop_anywhere_in_band_lands_in_that_ring():
    rings = sc.ring_scheme("kahn_antonucci")
    for ring in range(3):
        lo, hi = rings.band(ring)
        for frac in (0.0, 0.01, 0.5, 0.99):
            assert rings.ring_at(lo + frac * (hi - lo)) == ring
    assert rings.ring_at(0.0) == 0  # on the person: innermost
    assert rings.ring_at(1.7) == 2  # beyond the edge: outermost


def test_sector_at_covers_the_circle_clockwise_from_top():
    s = sc.sector_scheme("four_quadrants")
    assert s.sector_at(0) == "family"
    assert s.sector_at(89.999) == "family"
    assert s.sector_at(90) == "friends"
    assert s.sector_at(359.9) == "professional"
    assert s.sector_at(-10) == "professional"  # wraps
    assert s.sector_at(720 + 100) == "friends"


@pytest.mark.parametrize("rings", ["kahn_antonucci", "circles_of_support"])
@pytest.mark.parametrize("sectors", ["social_network_map", "four_quadrants", "none"])
def test_spread_positions_stay_in_their_cell(rings, sectors):
    r, s = sc.ring_scheme(rings), sc.sector_scheme(sectors)
    for ring in range(len(r)):
        for key in s.keys:
            seen = set()
            for slot in range(12):
                a, rad = geo.spread_position(ring, key, r, s, slot)
                assert geo.locate(a, rad, r, s) == (ring, key)
                seen.add((a, rad))
            assert len(seen) == 12  # no two markers on the same spot


def test_xy_round_trip_and_orientation():
    x, y = geo.polar_to_xy(90, 1.0)  # 3 o'clock
    assert (round(x, 9), round(y, 9)) == (1.0, 0.0)
    x, y = geo.polar_to_xy(0, 0.5)  # 12 o'clock, y up
    assert (round(x, 9), round(y, 9)) == (0.0, 0.5)
    for a, r in [(10, 0.3), (200, 0.8), (359, 0.99)]:
        a2, r2 = geo.xy_to_polar(*geo.polar_to_xy(a, r))
        assert math.isclose(a, a2) and math.isclose(r, r2)


def test_spread_keeps_markers_apart_and_fills_free_spots():
    r, s = sc.ring_scheme("kahn_antonucci"), sc.sector_scheme("social_network_map")
    taken: list[tuple[float, float]] = []
    for _ in range(5):
        taken.append(geo.spread_position(1, "services", r, s, taken=taken))
    pts = [geo.polar_to_xy(a, rad) for a, rad in taken]
    gaps = [((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 for i, (x1, y1) in enumerate(pts) for (x2, y2) in pts[i + 1 :]]
    assert min(gaps) > 0.08  # about 28 px apart on a 350 px map, more than a marker
    # a spot freed by someone leaving is used again
    free = taken.pop(2)
    assert geo.spread_position(1, "services", r, s, taken=taken) == free


def test_user_defined_scheme_round_trips_and_registers():
    rings = em.RingScheme("two_test", [em.Ring("close", "Who is close?"), em.Ring("far")])
    assert em.RingScheme.from_dict(rings.to_dict()) == rings
    sectors = em.SectorScheme("home_away", [em.Sector("home", "Home", is_family=True), em.Sector("away", "Away")])
    assert em.SectorScheme.from_dict(sectors.to_dict()) == sectors
    em.register_scheme(rings, replace=True)
    assert em.ring_scheme("two_test") is rings
    with pytest.raises(em.ValidationError, match="already exists"):
        em.register_scheme(em.RingScheme("two_test", [em.Ring("x")]))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: sc.ring_scheme("kahn_antonucci").check(3), "unknown ring 3"),
        (lambda: sc.ring_scheme("kahn_antonucci").check("inner"), "ring must be a whole number"),
        (lambda: sc.sector_scheme("four_quadrants").check("pets"), "unknown sector 'pets'"),
        (lambda: sc.ring_scheme("nope"), "unknown ring scheme 'nope'"),
        (lambda: sc.sector_scheme("nope"), "unknown sector scheme 'nope'"),
        (lambda: em.RingScheme("empty", []), "at least one ring"),
        (lambda: em.SectorScheme("dup", [em.Sector("a", "A"), em.Sector("a", "B")]), "repeats a sector key"),
        (lambda: sc.ring_scheme("kahn_antonucci").ring_at(float("nan")), "finite"),
        (lambda: sc.ring_scheme("kahn_antonucci").ring_at("0.5"), "radius must be a finite number"),
        (lambda: sc.sector_scheme("four_quadrants").sector_at(None), "angle must be a finite number"),
        (lambda: sc.sector_scheme("four_quadrants").check(["family"]), r"unknown sector \['family'\]"),
        (lambda: sc.ring_scheme("kahn_antonucci").check(True), "ring must be a whole number"),
        (lambda: sc.ring_scheme("kahn_antonucci").check(float("inf")), "ring must be a whole number"),
        (lambda: sc.ring_scheme("kahn_antonucci").check(0.5), "ring must be a whole number"),
        (lambda: em.SectorScheme("strings", ["a", "b"]), "each sector must be a Sector"),
        (lambda: em.SectorScheme("blank", [em.Sector(" ", "Blank")]), "non-empty text key"),
        (lambda: em.RingScheme(" ", [em.Ring("x")]), "ring scheme name must be a non-empty string"),
    ],
)
def test_bad_scheme_input_names_what_is_wrong(call, match):
    with pytest.raises(em.EgomapError, match=match):
        call()


def test_whole_numbers_of_any_type_are_rings():
    np = pytest.importorskip("numpy")
    rings = sc.ring_scheme("kahn_antonucci")
    assert [rings.check(x) for x in (2, 2.0, np.int64(2), np.float32(2.0))] == [2, 2, 2, 2]
    assert rings.ring_at(np.float64(0.99)) == 2


@pytest.mark.parametrize("bad", ["a\x00b", "x\ufffe", "a\ud800b", "a\u2028b", "tab\there"])
def test_ring_and_sector_texts_follow_the_text_rule(bad):
    """Rings and sectors made in code get the same text rule as everything read from files."""
    for make, field in [
        (lambda: em.Ring(bad), "ring label"),
        (lambda: em.Ring("Inner", bad), "ring prompt"),
        (lambda: em.Sector("k", bad), "sector label"),
        (lambda: em.Sector(bad, "Label"), "sector key"),
        (lambda: em.RingScheme(bad, ["a"]), "ring scheme name"),
        (lambda: em.SectorScheme(bad, [em.Sector("k", "K")]), "sector scheme name"),
    ]:
        with pytest.raises(em.ValidationError, match=field):
            make()
    with pytest.raises(em.ValidationError, match="ring label must be text"):
        em.Ring(5)
