"""The geometry of a map, in one place: labels, polar <-> xy, position <-> (ring, sector).

A map is a disc (see :mod:`egomap.schemes`). Positions are given in one
coordinate system everywhere in egomap:

* ``angle`` in degrees, measured **clockwise from 12 o'clock**, in ``[0, 360)``;
* ``radius`` as a fraction of the map's outer edge: 0 is the centre, 1 the
  outer edge of the outermost ring.

This module holds every conversion the widget, the SVG/PNG pictures, the
figures and the change view share, so that they place and label the same
alter the same way:

* :func:`initials`, :func:`display_label` and :data:`LABEL_MODES`: how an
  alter's label is shown;
* :func:`polar_to_xy` and :func:`xy_to_polar`: an ``(angle, radius)``
  position as Cartesian ``(x, y)`` with y up, and back;
* :func:`locate`, :func:`position` and :func:`spread_position`: an exact
  position <-> its ``(ring, sector)`` cell;
* :func:`place_labels` (with :func:`text_width` and :func:`wrap`): where
  labels go so that labels of close markers do not overlap.

Examples
--------
>>> from egomap.geometry import initials, polar_to_xy, locate
>>> initials("Mary-Jane"), initials("Dr Okafor")
('MJ', 'DO')
>>> [round(v, 9) for v in polar_to_xy(90.0, 1.0)]  # 3 o'clock
[1.0, 0.0]
>>> from egomap.schemes import ring_scheme, sector_scheme
>>> locate(45.0, 0.3, ring_scheme("kahn_antonucci"), sector_scheme("four_quadrants"))
(0, 'family')
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from egomap.errors import ValidationError

if TYPE_CHECKING:  # the schemes are only passed through (egomap.schemes imports nothing from here)
    from egomap.schemes import RingScheme, SectorScheme

__all__ = [
    "LABEL_MODES",
    "initials",
    "display_label",
    "check_label_mode",
    "polar_to_xy",
    "xy_to_polar",
    "locate",
    "position",
    "spread_position",
    "text_width",
    "wrap",
    "place_labels",
    "LABEL_CANDIDATES",
]

#: Ways of showing alter labels: full labels, initials, or hidden (numbers only in the widget).
LABEL_MODES = ("names", "initials", "hidden")


def initials(label: str) -> str:
    """Up to three initials of a label, upper case.

    Hyphens split words ("Mary-Jane" is "MJ"); words that do not start with
    a letter or digit are skipped. A label with no such word gives its first
    two characters (after stripping spaces).

    Parameters
    ----------
    label : str
        The alter's label, or the person's name or id.

    Returns
    -------
    str

    Examples
    --------
    >>> initials("Dr Okafor"), initials("mum"), initials("Kickabout football project")
    ('DO', 'M', 'KFP')
    >>> initials("Mary-Jane"), initials("Kickabout football group"), initials("  "), initials("??")
    ('MJ', 'KFG', '', '??')
    """
    words = [w for w in label.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return label.strip()[:2].upper()
    return "".join(w[0] for w in words[:3]).upper()


def check_label_mode(mode: object) -> str:
    """Return ``mode`` if it is one of :data:`LABEL_MODES`, else raise ValidationError.

    Examples
    --------
    >>> check_label_mode("initials")
    'initials'
    >>> check_label_mode("full")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: unknown label_mode 'full': expected one of names, initials, hidden
    """
    if mode not in LABEL_MODES:
        raise ValidationError(
            f"unknown label_mode {mode!r}: expected one of {', '.join(LABEL_MODES)}", field="label_mode", value=mode
        )
    return mode  # type: ignore[return-value]


def display_label(label: str, mode: str) -> str:
    """The label as shown in ``mode`` (``"names"``, ``"initials"`` or ``"hidden"``).

    Examples
    --------
    >>> display_label("Dr Okafor", "names"), display_label("Dr Okafor", "initials"), display_label("x", "hidden")
    ('Dr Okafor', 'DO', '')
    """
    check_label_mode(mode)
    if mode == "names":
        return label
    if mode == "initials":
        return initials(label)
    return ""


def polar_to_xy(angle_deg: float, radius: float) -> tuple[float, float]:
    """Cartesian ``(x, y)``, y pointing up, of a position ``angle_deg`` clockwise from 12 o'clock.

    ``radius`` keeps its unit: 1 is the map's outer edge, or pass the radius
    in view-box units. For screen coordinates (y down) negate ``y``.

    Parameters
    ----------
    angle_deg : float
        Degrees clockwise from 12 o'clock.
    radius : float
        Distance from the centre.

    Returns
    -------
    tuple of (float, float)

    Examples
    --------
    >>> [round(v, 9) for v in polar_to_xy(90.0, 1.0)]  # 3 o'clock
    [1.0, 0.0]
    >>> [round(v, 9) for v in polar_to_xy(0.0, 0.5)]  # 12 o'clock, half way out, y up
    [0.0, 0.5]
    """
    t = math.radians(angle_deg)
    return radius * math.sin(t), radius * math.cos(t)


def xy_to_polar(x: float, y: float) -> tuple[float, float]:
    """Inverse of :func:`polar_to_xy`: ``(angle, radius)`` of ``(x, y)`` with y up.

    The angle is in degrees clockwise from 12 o'clock, in ``[0, 360)``.

    Examples
    --------
    >>> [round(v, 9) for v in xy_to_polar(0.0, -0.5)]  # 6 o'clock, half way out
    [180.0, 0.5]
    >>> [round(v, 9) for v in xy_to_polar(*polar_to_xy(300.0, 0.8))]
    [300.0, 0.8]
    """
    return math.degrees(math.atan2(x, y)) % 360.0, math.hypot(x, y)


def locate(angle: float, radius: float, rings: RingScheme, sectors: SectorScheme) -> tuple[int, str]:
    """Convert an exact position to ``(ring, sector)``.

    Parameters
    ----------
    angle : float
        Degrees clockwise from 12 o'clock (any value; taken modulo 360).
    radius : float
        0 at the centre, 1 at the outer edge.
    rings : RingScheme
    sectors : SectorScheme

    Returns
    -------
    tuple of (int, str)

    Examples
    --------
    >>> from egomap.schemes import ring_scheme, sector_scheme
    >>> from egomap.geometry import locate
    >>> locate(200.0, 0.95, ring_scheme("kahn_antonucci"), sector_scheme("four_quadrants"))
    (2, 'work_school')
    """
    return rings.ring_at(radius), sectors.sector_at(angle)


def _van_der_corput(n: int) -> float:
    """0.5, 0.25, 0.75, 0.125, ... : well-spread fractions in (0, 1)."""
    n += 1
    q, denom = 0.0, 1.0
    while n:
        denom *= 2
        n, rem = divmod(n, 2)
        q += rem / denom
    return q


@functools.lru_cache(maxsize=512)
def _candidates(ring: int, sector: str, rings: RingScheme, sectors: SectorScheme) -> tuple[tuple[float, float], ...]:
    """Well-spread spots in a cell, ordered so that each is far from those before it."""
    lo, hi = rings.band(ring)
    a0, a1 = sectors.span(sector)
    margin = min(5.0, (a1 - a0) / 10)
    span = a1 - a0 - 2 * margin
    rows = [0.5, 0.2, 0.8] if hi - lo > 0.12 else [0.5]
    spots = []
    for fr in rows:
        r = lo + fr * (hi - lo)
        n = max(2, int(r * math.radians(span) / 0.11))
        for i in range(n):
            spots.append(((a0 + margin + (i + 0.5) * span / n) % 360.0, r))
    xy = [polar_to_xy(a, r) for a, r in spots]
    mid = min(range(len(spots)), key=lambda i: (abs(spots[i][1] - (lo + hi) / 2), abs(spots[i][0] - (a0 + a1) / 2)))
    order = [mid]
    best = [math.dist(xy[mid], p) for p in xy]
    while len(order) < len(spots):
        nxt = max((i for i in range(len(spots)) if i not in order), key=lambda i: (round(best[i], 9), -i))
        order.append(nxt)
        best = [min(b, math.dist(xy[nxt], p)) for b, p in zip(best, xy)]
    return tuple((round(spots[i][0], 6), round(spots[i][1], 6)) for i in order)


def spread_position(
    ring: int,
    sector: str,
    rings: RingScheme,
    sectors: SectorScheme,
    slot: int = 0,
    taken: Iterable[tuple[float, float]] | None = None,
) -> tuple[float, float]:
    """A position inside ``(ring, sector)`` that keeps markers apart.

    With ``taken`` (the ``(angle, radius)`` of alters already in the cell), the
    free spot farthest from all of them; otherwise the ``slot``-th of a fixed,
    well-spread sequence of spots. Always inside the cell, so ``locate`` gives
    back ``(ring, sector)``.

    Examples
    --------
    >>> from egomap.schemes import ring_scheme, sector_scheme
    >>> from egomap.geometry import spread_position, locate
    >>> rings, sectors = ring_scheme("kahn_antonucci"), sector_scheme("four_quadrants")
    >>> first = spread_position(1, "friends", rings, sectors)
    >>> second = spread_position(1, "friends", rings, sectors, taken=[first])
    >>> first != second and locate(*second, rings, sectors) == (1, "friends")
    True
    """
    spots = _candidates(rings.check(ring), sectors.check(sector), rings, sectors)
    if taken is not None:
        pts = [polar_to_xy(a, r) for a, r in taken]
        if not pts:
            free = [s for s in spots if not _label_zone(s, rings)] or [spots[0]]
            return min(free, key=lambda s: math.dist(polar_to_xy(*s), polar_to_xy(*spots[0])))

        def room(s: tuple[float, float]) -> float:
            return min(math.dist(polar_to_xy(*s), p) for p in pts)

        best = max(spots, key=lambda s: (room(s) >= CROWDED_SPACING and not _label_zone(s, rings), room(s)))
        if room(best) >= CROWDED_SPACING and not _label_zone(best, rings):
            return best
        # a crowded cell: the free spot farthest from everyone on a finer grid, clear of the circle labels
        dense = _dense_candidates(ring, sector, rings, sectors)
        return max(dense, key=lambda s: (room(s) > 0.9 * _DENSE_STEP, -_label_zone(s, rings), room(s), -s[1]))
    if slot < len(spots):
        return spots[slot]
    # more alters than spots: fill in between, still inside the cell
    lo, hi = rings.band(ring)
    a0, a1 = sectors.span(sector)
    margin = min(5.0, (a1 - a0) / 10)
    k = slot - len(spots)
    angle = a0 + margin + _van_der_corput(k) * (a1 - a0 - 2 * margin)
    radius = lo + (0.15 + 0.7 * _van_der_corput(k // 2 + 7)) * (hi - lo)
    return round(angle % 360.0, 6), round(radius, 6)


#: Spots closer than this (fractions of the map radius) are crowded: full-size markers would touch.
CROWDED_SPACING = 0.115
_DENSE_STEP = 0.058  # the finer grid of a crowded cell, where markers are drawn smaller


@functools.lru_cache(maxsize=512)
def _dense_candidates(
    ring: int, sector: str, rings: RingScheme, sectors: SectorScheme
) -> tuple[tuple[float, float], ...]:
    """Spots on a fine grid inside a cell, kept a little away from its edges (and so from the centre disc)."""
    lo, hi = rings.band(ring)
    a0, a1 = sectors.span(sector)
    edge = min(0.03, (hi - lo) / 4)
    spots = []
    r = lo + edge + 0.004
    while r <= hi - edge + 1e-9:
        inset = math.degrees(min(0.03 / max(r, 1e-6), math.radians((a1 - a0) / 4)))
        span = a1 - a0 - 2 * inset
        n = int(r * math.radians(span) / _DENSE_STEP) + 1  # spots _DENSE_STEP or more apart along the row
        for i in range(n):
            a = a0 + inset + (span * i / (n - 1) if n > 1 else span / 2)
            spots.append((round(a % 360.0, 6), round(r, 6)))
        r += _DENSE_STEP
    return tuple(spots)


def _label_zone(spot: tuple[float, float], rings: RingScheme) -> float:
    """1.0 for a spot over the circle labels (drawn up the 12 o'clock line, to its right), else 0.0."""
    x, y = polar_to_xy(*spot)
    return float(-0.06 < x < 0.42 and any(abs(y - sum(rings.band(i)) / 2) < 0.085 for i in range(len(rings))))


def position(ring: int, sector: str, rings: RingScheme, sectors: SectorScheme) -> tuple[float, float]:
    """The centre of the cell ``(ring, sector)`` as ``(angle, radius)``.

    Examples
    --------
    >>> from egomap.schemes import ring_scheme, sector_scheme
    >>> from egomap.geometry import position, locate
    >>> rings, sectors = ring_scheme("kahn_antonucci"), sector_scheme("four_quadrants")
    >>> position(0, "friends", rings, sectors)
    (135.0, 0.291...)
    >>> locate(*position(0, "friends", rings, sectors), rings, sectors)
    (0, 'friends')
    """
    return sectors.mid(sector), rings.mid(ring)


def text_width(text: str, size: float) -> float:
    """Rough width of ``text`` in bold sans-serif at font ``size`` (same unit as ``size``).

    Examples
    --------
    >>> round(text_width("Mum", 10), 1)
    25.2
    """
    narrow = sum(1 for c in text if c in "iljtfrI1.,:;!' |")
    wide = sum(1 for c in text if c in "mwMW@%")
    return size * (0.64 * len(text) - 0.32 * narrow + 0.3 * wide)


def wrap(text: str, width: int = 14) -> list[str]:
    """Split a sector label into at most two lines at the space nearest the middle.

    Examples
    --------
    >>> wrap("Services and professionals")
    ['Services and', 'professionals']
    >>> wrap("Family")
    ['Family']
    """
    if len(text) <= width or " " not in text:
        return [text]
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


#: Candidate label places, tried in this order: ``(side, shift)`` - below, above, right,
#: left, then diagonals (shifted by a fraction of the label width) and further out.
LABEL_CANDIDATES = (
    ("below", 0.0),
    ("above", 0.0),
    ("right", 0.0),
    ("left", 0.0),
    ("below", 0.6),
    ("below", -0.6),
    ("above", 0.6),
    ("above", -0.6),
    ("below2", 0.0),
    ("above2", 0.0),
)


#: Places tried when ``place_labels(..., far=True)`` finds none of :data:`LABEL_CANDIDATES` free: further
#: below or above (shifted sideways), beside a row up or down, and out along the ray from (0, 0).
FAR_CANDIDATES = (
    tuple(
        (f"{side}{level}", shift)
        for level in (2, 3, 4, 5)
        for shift in (0.0, 0.6, -0.6, 1.1, -1.1)
        for side in ("below", "above")
        if (level, shift) != (2, 0.0)
    )
    + tuple((f"{side}{level}", 0.0) for level in (2, 3) for side in ("right", "left"))
    + tuple((f"out{level}", shift) for level in range(1, 9) for shift in (0.0, 0.5, -0.5))
)


def place_labels(
    points: Sequence[tuple[float, float]],
    sizes: Sequence[tuple[float, float]],
    marker: float | Sequence[float],
    gap: float,
    obstacles: Sequence[tuple[float, float, float, float]] = (),
    clearance: float = 0.0,
    far: bool = False,
) -> list[tuple[float, float]]:
    """Centres for labels so that labels of close markers do not overlap.

    A simple, deterministic step: labels are placed in the order given; for
    each, the first candidate place (below the marker, above, right, left,
    diagonally below or above, further below or above) whose box overlaps
    no label already placed, no marker and no obstacle is taken; if none is
    free, the one that overlaps least. Any units will do, with y pointing
    down. Boxes are kept in a grid, so a few hundred labels take milliseconds.

    Parameters
    ----------
    points : list of (x, y)
        Marker centres.
    sizes : list of (width, height)
        Label box sizes (``(0, 0)`` for no label).
    marker : float or list of float
        Marker radius (markers count as squares of this half-width); one
        for all markers, or one per marker (e.g. larger for the double
        outline of professionals).
    gap : float
        Space between a marker's edge and its label.
    obstacles : list of (x0, y0, x1, y1)
        Other boxes labels should avoid (e.g. the person's disc, ring and
        sector labels).
    clearance : float
        Space to keep between a label and *other* markers where possible, so
        that a label is clearly nearer its own marker than any other: the
        first free place that keeps it is taken; if there is none, the step
        above runs without it.
    far : bool
        Also try :data:`FAR_CANDIDATES` (further away; draw a leader line to
        such a label) before settling for the place that overlaps least.

    Returns
    -------
    list of (x, y)
        The centre of each label's box.

    Examples
    --------
    >>> place_labels([(0, 0), (100, 0)], [(20, 10), (20, 10)], 5, 2)
    [(0.0, 12.0), (100.0, 12.0)]
    >>> place_labels([(0, 0), (0, 12)], [(20, 10), (20, 10)], 5, 2)  # the second goes below its marker
    [(0.0, -12.0), (0.0, 24.0)]
    >>> place_labels([(0, 0), (0, 20)], [(20, 10), (20, 10)], [5, 9], 2)  # a larger second marker
    [(0.0, -12.0), (0.0, 36.0)]
    >>> place_labels([(0, 0), (0, 23)], [(20, 10), (20, 10)], 5, 2)  # below, right by the other marker
    [(0.0, 12.0), (0.0, 35.0)]
    >>> place_labels([(0, 0), (0, 23)], [(20, 10), (20, 10)], 5, 2, clearance=3)  # now above
    [(0.0, -12.0), (0.0, 35.0)]
    """
    n = len(points)
    radii = [float(marker)] * n if isinstance(marker, (int, float)) else [float(r) for r in marker]
    if len(radii) != n or len(sizes) != n:
        raise ValueError("points, sizes and marker radii must have the same length")
    index = _BoxIndex([w for w, _ in sizes], [h for _, h in sizes], radii)
    near = _BoxIndex([w for w, _ in sizes], [h for _, h in sizes], radii)  # markers grown by the clearance
    for (x, y), r in zip(points, radii):
        index.add((x - r, y - r, x + r, y + r))
        if clearance > 0:
            near.add((x - r - clearance, y - r - clearance, x + r + clearance, y + r + clearance))
    for o in obstacles:
        index.add(tuple(o))  # type: ignore[arg-type]
    out: list[tuple[float, float]] = []
    for i, ((x, y), (w, h), r) in enumerate(zip(points, sizes, radii)):
        if w <= 0 or h <= 0:
            out.append((float(x), float(y + r + gap)))
            continue
        best: tuple[tuple[float, float], tuple[float, float, float, float]] | None = None
        if clearance > 0:  # first choice: free, and clear of other markers by the clearance
            best = next(
                (
                    c
                    for c in _label_places(x, y, w, h, r, gap)
                    if index.overlap(c[1], skip=i) <= 0 and near.overlap(c[1], skip=i) <= 0
                ),
                None,
            )
        if best is None:  # else the first free place, else the one that overlaps least
            best_overlap = math.inf
            for c in _label_places(x, y, w, h, r, gap, far):
                # stops summing once the candidate cannot beat the best so far (same choice, less work)
                overlap = index.overlap(c[1], skip=i, bound=best_overlap - 1e-9)
                if overlap < best_overlap - 1e-9:
                    best, best_overlap = c, overlap
                if overlap <= 0:
                    break
        assert best is not None
        out.append(best[0])
        index.add(best[1])
    return out


def _label_places(
    x: float, y: float, w: float, h: float, r: float, gap: float, far: bool = False
) -> Iterator[tuple[tuple[float, float], tuple[float, float, float, float]]]:
    """Centre and box of each place in :data:`LABEL_CANDIDATES` (then :data:`FAR_CANDIDATES`), in order."""
    order = LABEL_CANDIDATES + FAR_CANDIDATES if far else LABEL_CANDIDATES
    return (_candidate(x, y, w, h, r, gap, side, shift) for side, shift in order)


def _candidate(
    x: float, y: float, w: float, h: float, r: float, gap: float, side: str, shift: float
) -> tuple[tuple[float, float], tuple[float, float, float, float]]:
    """Centre and box of a ``w`` x ``h`` label on ``side`` of a marker of radius ``r`` at (x, y)."""
    dy = r + gap + h / 2
    level = int(side[-1]) if side[-1].isdigit() else 1
    if side.startswith("out"):  # further out from the map's centre (0, 0), along the marker's ray
        ux, uy = x / (math.hypot(x, y) or 1.0), y / (math.hypot(x, y) or 1.0)
        reach = r + gap + abs(ux) * w / 2 + abs(uy) * h / 2 + (level - 1) * 0.9 * h
        cx, cy = x + ux * reach - uy * shift * w, y + uy * reach + ux * shift * w
        return (float(cx), float(cy)), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    if level > 2 or side in ("right2", "left2"):  # further places (FAR_CANDIDATES)
        base = side.rstrip("0123456789")
        if base in ("below", "above"):
            cy = y + dy + (level - 1) * h if base == "below" else y - dy - (level - 1) * h
            cx = x + shift * w
        else:
            cx = x + r + gap + w / 2 if base == "right" else x - r - gap - w / 2
            cy = y + (level - 1) * h * (1 if level % 2 else -1)
        return (float(cx), float(cy)), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    if side == "below":
        cx, cy = x + shift * w, y + dy
    elif side == "above":
        cx, cy = x + shift * w, y - dy
    elif side == "below2":
        cx, cy = x + shift * w, y + dy + h
    elif side == "above2":
        cx, cy = x + shift * w, y - dy - h
    elif side == "right":
        cx, cy = x + r + gap + w / 2, y
    else:
        cx, cy = x - r - gap - w / 2, y
    return (float(cx), float(cy)), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


class _BoxIndex:
    """Boxes in a uniform grid, to sum a box's overlap with its neighbours quickly.

    A cell is about as wide as a typical label and as tall as one (labels are
    much wider than tall, so square cells would hold many boxes each).
    """

    def __init__(self, widths: Sequence[float], heights: Sequence[float], radii: Sequence[float]) -> None:
        def typical(values: Sequence[float]) -> float:
            positive = sorted(v for v in values if v > 0)
            return positive[len(positive) // 2] if positive else 0.0

        marker = 2 * radii[0] if len(radii) else 0.0
        self.cell_w = max(typical(widths), marker) or 1.0
        self.cell_h = max(typical(heights), marker) or 1.0
        self.boxes: list[tuple[float, float, float, float]] = []
        self.cells: dict[tuple[int, int], list[int]] = {}

    def _span(self, box: Sequence[float]) -> tuple[range, range]:
        cw, ch = self.cell_w, self.cell_h
        return (
            range(math.floor(box[0] / cw), math.floor(box[2] / cw) + 1),
            range(math.floor(box[1] / ch), math.floor(box[3] / ch) + 1),
        )

    def add(self, box: tuple[float, float, float, float]) -> None:
        j = len(self.boxes)
        self.boxes.append(box)
        xs, ys = self._span(box)
        for kx in xs:
            for ky in ys:
                self.cells.setdefault((kx, ky), []).append(j)

    def overlap(self, box: tuple[float, float, float, float], skip: int, bound: float = math.inf) -> float:
        """Sum of the overlaps of ``box`` with every stored box but number ``skip`` (in the order stored).

        Summing stops once the sum reaches ``bound`` (the partial sum, ``>= bound``, is returned).
        """
        xs, ys = self._span(box)
        near: set[int] = set()
        for kx in xs:
            for ky in ys:
                near.update(self.cells.get((kx, ky), ()))
        near.discard(skip)
        x0, y0, x1, y1 = box
        total = 0.0
        boxes = self.boxes
        for j in sorted(near):  # in the order stored, so that sums do not depend on the grid
            b = boxes[j]
            w = (x1 if x1 < b[2] else b[2]) - (x0 if x0 > b[0] else b[0])
            if w > 0:
                h = (y1 if y1 < b[3] else b[3]) - (y0 if y0 > b[1] else b[1])
                if h > 0:
                    total += w * h
                    if total >= bound:
                        return total
        return total
