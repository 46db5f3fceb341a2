"""Shared layout for the change pictures: stable positions and per-time-point status.

Internal: used by the pyvis change view and the matplotlib figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from egomap import schemes as _schemes
from egomap.errors import ValidationError
from egomap.geometry import polar_to_xy, text_width, wrap
from egomap.model import Alter, Map, Person, Placement
from egomap.viz import style as _style

__all__ = [
    "Frame",
    "Item",
    "resolve_maps",
    "stable_positions",
    "frames",
    "combined_frame",
    "marker_reach",
    "label_obstacles",
    "LABEL_CLEARANCE",
    "TAGGED_REACH",
]

# closest two marker centres may come (fraction of the map radius) when an alter keeps its angle or a
# "gone" ghost is placed: so far apart that markers, even two with the second outline of professionals, do not touch
_MIN_GAP = 2.1 * _style.SIZE["marker"] * _style.PROFESSIONAL["scale"]

#: Space (map units) between an alter's label and any other marker, so that a
#: label is clearly nearer its own marker (see ``place_labels(clearance=...)``).
LABEL_CLEARANCE = 0.4 * _style.SIZE["marker"]

#: How far (map units) a label keeps from the centre of a marker that carries the capital tag or the
#: resource count (``mark=`` of the figures and the change view).
TAGGED_REACH = _style.SIZE["marker"] * max(
    _style.CAPITAL_TAG["offset"][0] + _style.CAPITAL_TAG["size"], -_style.COUNT["offset"][0] + _style.COUNT["size"]
)


def resolve_maps(obj: object) -> list[Map]:
    """A person's maps in time order, or a list of maps of one person."""
    if isinstance(obj, Person):
        maps = obj.maps
    elif isinstance(obj, Map):
        maps = [obj]
    elif isinstance(obj, Sequence) and not isinstance(obj, str):
        maps = list(obj)
        for i, m in enumerate(maps):
            if not isinstance(m, Map):
                raise ValidationError(f"item {i} is not a map (egomap.Map): {m!r}", field="maps")
        ids = {m.person.id for m in maps}
        if len(ids) > 1:
            raise ValidationError(
                f"the maps belong to different persons ({', '.join(sorted(ids))}); show one person's maps at a time",
                field="maps",
            )
    else:
        raise ValidationError(
            f"expected a Person or a list of maps, got {type(obj).__name__}", field="person_or_maps", value=obj
        )
    if not maps:
        raise ValidationError("there are no maps to show (the person has no maps yet)", field="maps")
    return maps


def stable_positions(maps: Sequence[Map], stable: bool = True) -> list[dict[str, tuple[float, float]]]:
    """``(angle, radius)`` of each alter on each map.

    Positions are the stored placements, except that with ``stable=True`` an
    alter who stays in the same sector keeps the angle it had on the
    previous map (its radius follows its current ring), unless that would put
    it on top of someone else.
    """
    out: list[dict[str, tuple[float, float]]] = []
    last: dict[str, tuple[str, float]] = {}
    for m in maps:
        pl = m.placements
        pos = {aid: (p.angle, p.radius) for aid, p in pl.items()}
        if stable:
            grid = _Grid(pos)
            for aid, p in pl.items():
                prev = last.get(aid)
                if prev is None or prev[0] != p.sector or prev[1] == p.angle:
                    continue
                if m.sectors.sector_at(prev[1]) != p.sector:
                    continue
                cand = (prev[1], p.radius)
                if grid.free(aid, cand):
                    grid.move(aid, pos[aid], cand)
                    pos[aid] = cand
        for aid, p in pl.items():
            last[aid] = (p.sector, pos[aid][0])
        out.append(pos)
    return out


class _Grid:
    """Buckets of positions to find near neighbours quickly."""

    def __init__(self, pos: dict[str, tuple[float, float]]) -> None:
        self.cells: dict[tuple[int, int], dict[str, tuple[float, float]]] = {}
        for aid, ar in pos.items():
            self._put(aid, ar)

    @staticmethod
    def _xy(ar: tuple[float, float]) -> tuple[float, float]:
        return polar_to_xy(*ar)

    def _key(self, xy: tuple[float, float]) -> tuple[int, int]:
        return (math.floor(xy[0] / _MIN_GAP), math.floor(xy[1] / _MIN_GAP))

    def _put(self, aid: str, ar: tuple[float, float]) -> None:
        xy = self._xy(ar)
        self.cells.setdefault(self._key(xy), {})[aid] = xy

    def move(self, aid: str, old: tuple[float, float], new: tuple[float, float]) -> None:
        self.cells[self._key(self._xy(old))].pop(aid, None)
        self._put(aid, new)

    def free(self, aid: str, ar: tuple[float, float]) -> bool:
        x, y = self._xy(ar)
        kx, ky = self._key((x, y))
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other, (ox, oy) in self.cells.get((kx + dx, ky + dy), {}).items():
                    if other != aid and math.hypot(ox - x, oy - y) < _MIN_GAP:
                        return False
        return True


@dataclass
class Item:
    """One alter as drawn in one frame."""

    alter: Alter
    placement: Placement  # current placement (for lost alters: the last one they had)
    angle: float
    radius: float
    status: str  # "present" (first map), "retained", "gained", "lost"
    shift: int = 0  # ring shift since the previous frame (negative = closer)
    history: tuple[Placement | None, ...] = ()  # placement on each map (combined frame)
    previous: Placement | None = None  # placement on the previous map (retained alters)
    source: Map | None = None  # the map ``placement`` is on (for capital and resources)


@dataclass
class Frame:
    """Everything drawn for one time point (or for the combined view)."""

    label: str
    map: Map  # the map whose rings and sectors are drawn
    items: list[Item]
    ties: list[tuple[str, str, str]]  # (a, b, status): "present", "formed", "dissolved"
    previous: str | None = None  # label of the previous map, if any


def frames(maps: Sequence[Map], stable: bool = True) -> list[Frame]:
    """One frame per map: alters with their status relative to the previous map; lost ones as ghosts."""
    positions = stable_positions(maps, stable)
    out = []
    for t, m in enumerate(maps):
        pl = m.placements
        prev = maps[t - 1] if t else None
        ppl = prev.placements if prev is not None else {}  # (an empty map is falsy)
        items = []
        for a in m.alters:
            p = pl[a.id]
            ang, rad = positions[t][a.id]
            before = ppl.get(a.id)
            if prev is None:
                status, shift = "present", 0
            elif before is not None:
                status, shift = "retained", p.ring - before.ring
            else:
                status, shift = "gained", 0
            items.append(Item(a, p, ang, rad, status, shift, previous=before, source=m))
        ties = []
        if prev is not None:
            for a in prev.alters:
                if a.id not in pl:
                    ang, rad = positions[t - 1][a.id]
                    items.append(Item(a, ppl[a.id], ang, rad, "lost", source=prev))
            now = set(m.ties)
            before = set(prev.ties)
            ties = [(x.a, x.b, "present" if x in before else "formed") for x in m.ties]
            ties += [(x.a, x.b, "dissolved") for x in prev.ties if x not in now]
        else:
            ties = [(x.a, x.b, "present") for x in m.ties]
        _settle_ghosts(items, prev.sectors if prev is not None else m.sectors)
        out.append(Frame(m.label, m, items, ties, prev.label if prev is not None else None))
    return out


def _settle_ghosts(items: list[Item], sectors: _schemes.SectorScheme) -> None:
    """Nudge "lost" ghosts along their ring so that they do not sit on someone present."""
    grid = _Grid({it.alter.id: (it.angle, it.radius) for it in items})
    for it in items:
        if it.status != "lost" or grid.free(it.alter.id, (it.angle, it.radius)):
            continue
        for step in (3, -3, 6, -6, 9, -9, 12, -12, 15, -15, 18, -18, 21, -21, 24, -24):
            ang = (it.angle + step) % 360.0
            if sectors.sector_at(ang) == it.placement.sector and grid.free(it.alter.id, (ang, it.radius)):
                grid.move(it.alter.id, (it.angle, it.radius), (ang, it.radius))
                it.angle = ang
                break


def combined_frame(maps: Sequence[Map], stable: bool = True, label: str = "All time points") -> Frame:
    """All alters of all maps, each at their last known position.

    Status: ``retained`` if on every map, ``gained`` if not on the first map
    but on the last, ``lost`` if not on the last map. ``shift`` is the ring
    change from the first to the last map the alter is on.
    """
    positions = stable_positions(maps, stable)
    hist: dict[str, list[Placement | None]] = {}
    alters: dict[str, Alter] = {}
    pos: dict[str, tuple[float, float]] = {}
    last_map: dict[str, Map] = {}
    k = len(maps)
    for t, m in enumerate(maps):
        pl = m.placements
        for a in m.alters:
            hist.setdefault(a.id, [None] * k)[t] = pl[a.id]
            alters[a.id] = a
            pos[a.id] = positions[t][a.id]
            last_map[a.id] = m
    items = []
    for aid, h in hist.items():
        known = [p for p in h if p is not None]
        if h[-1] is None:
            status = "lost"
        elif h[0] is None:
            status = "gained"
        else:
            status = "retained" if k > 1 else "present"
        shift = known[-1].ring - known[0].ring
        items.append(Item(alters[aid], known[-1], *pos[aid], status, shift, tuple(h), source=last_map[aid]))
    last = set(maps[-1].ties)
    seen: dict = {}
    for m in maps:
        for x in m.ties:
            seen[x] = None
    ties = [(x.a, x.b, "present" if x in last else "dissolved") for x in seen]
    _settle_ghosts(items, maps[-1].sectors)
    return Frame(label, maps[-1], items, ties, None)


def marker_reach(alter: Alter) -> float:
    """Half-width of the box a label keeps clear of (marker radius units, as ``SIZE["marker"]``).

    Takes in the marker's shape (a pet's triangle reaches further than a
    circle) and the second outline of professionals.
    """
    pts = _style.marker_points(alter.kind)
    extent = max(max(abs(x), abs(y)) for x, y in pts) if pts else 1.0
    if alter.is_professional:
        extent *= _style.PROFESSIONAL["scale"]
    return _style.SIZE["marker"] * extent * 1.05


def label_obstacles(
    rings: Sequence[tuple[float, str]],
    sectors: Sequence[tuple[float, str]],
    ring_font: float,
    sector_font: float,
) -> list[tuple[float, float, float, float]]:
    """Boxes (map units, y down) of the person's disc and the ring and sector labels.

    Alter labels are placed clear of these.

    Parameters
    ----------
    rings : list of (outer radius, label)
        Innermost first.
    sectors : list of (mid angle, label)
        Empty when the map has one sector (no sector labels are drawn).
    ring_font, sector_font : float
        Font sizes in map units, as drawn.
    """
    c = _schemes.CENTRE_RADIUS * 0.8
    boxes = [(-c, -c, c, c)]
    inner = _schemes.CENTRE_RADIUS
    for outer, label in rings:
        r = (inner + outer) / 2
        w = text_width(label, ring_font) * 0.9  # italic, not bold
        x = _style.RING["label_x"]
        boxes.append((x, -r - ring_font * 0.55, x + w, -r + ring_font * 0.55))
        inner = outer
    for mid, label in sectors:
        lines = wrap(label)
        x, y = polar_to_xy(mid, 1.08)
        w = max(text_width(line, sector_font) for line in lines)
        h = len(lines) * 1.1 * sector_font
        x0 = x - w / 2 if abs(x) < 0.12 else (x if x > 0 else x - w)
        boxes.append((x0, -y - h / 2, x0 + w, -y + h / 2))
    return boxes
