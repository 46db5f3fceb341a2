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
  position <-> its ``(ring, sector)`` cell.

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
from collections.abc import Iterable
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
            return spots[0]
        return max(spots, key=lambda s: min(math.dist(polar_to_xy(*s), p) for p in pts))
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
