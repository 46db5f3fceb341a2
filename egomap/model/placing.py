"""Where an alter goes on a map: a position checked against the map's ring and sector schemes."""

from __future__ import annotations

from collections.abc import Mapping

from egomap import fields as _f
from egomap import geometry as _geometry
from egomap.errors import ValidationError
from egomap.model.data import Placement
from egomap.schemes import RingScheme, SectorScheme

__all__ = ["place", "cell_spots"]


def cell_spots(
    placements: Mapping[str, Placement], ring: int, sector: str, exclude: str | None = None
) -> list[tuple[float, float]]:
    """The ``(angle, radius)`` of the alters in one cell (ring and sector), but ``exclude``."""
    return [
        (p.angle, p.radius) for aid, p in placements.items() if p.ring == ring and p.sector == sector and aid != exclude
    ]


def place(
    rings: RingScheme,
    sectors: SectorScheme,
    placements: Mapping[str, Placement],
    ring: object,
    sector: object,
    angle: object,
    radius: object,
    *,
    current: Placement | None = None,
    exclude: str | None = None,
) -> dict:
    """Where an alter goes: checked ring, sector, angle and radius (only those that change, if ``current``).

    An exact position (``angle`` and ``radius``) gives its ring and sector,
    which must agree with any ``ring``/``sector`` given; a ring and sector
    give a free spot in that cell. Moving only to another ring keeps the
    angle and the same place in the band.

    Examples
    --------
    >>> from egomap.schemes import ring_scheme, sector_scheme
    >>> rings, sectors = ring_scheme("kahn_antonucci"), sector_scheme("four_quadrants")
    >>> place(rings, sectors, {}, None, None, 100.0, 0.9)
    {'ring': 2, 'sector': 'friends', 'angle': 100.0, 'radius': 0.9}
    """
    if angle is not None or radius is not None:
        a = _f.check_number(angle, "angle") % 360.0 if angle is not None else current.angle if current else None
        r = _f.check_number(radius, "radius") if radius is not None else current.radius if current else None
        if a is None or r is None:
            raise ValidationError(
                "give both angle and radius for a new alter", field="angle" if a is None else "radius"
            )
        if r < 0:
            raise ValidationError(f"radius must not be negative, got {r!r}", field="radius", value=r)
        r = min(r, 1.0)
        rr, ss = _geometry.locate(a, r, rings, sectors)
        if ring is not None and rings.check(ring) != rr:
            raise ValidationError(f"ring {ring!r} does not match radius {r!r} (ring {rr})", field="ring", value=ring)
        if sector is not None and sectors.check(sector) != ss:
            raise ValidationError(
                f"sector {sector!r} does not match angle {a!r} (sector {ss!r})", field="sector", value=sector
            )
        return {"ring": rr, "sector": ss, "angle": round(a, 6), "radius": round(r, 6)}
    if current is None:
        rr = rings.check(ring) if ring is not None else len(rings) - 1
        if sector is None:
            if len(sectors) > 1:
                raise ValidationError(
                    f"sector is required: one of {', '.join(sectors.keys)}", field="sector", value=None
                )
            sector = sectors.keys[0]
        ss = sectors.check(sector)
    else:
        rr = rings.check(ring) if ring is not None else current.ring
        ss = sectors.check(sector) if sector is not None else current.sector
        if (rr, ss) == (current.ring, current.sector):
            return {}
        if ss == current.sector:  # only the ring changes: keep the angle, same place in band
            lo, hi = rings.band(current.ring)
            frac = min(max((current.radius - lo) / (hi - lo), 0.05), 0.95)
            nlo, nhi = rings.band(rr)
            return {"ring": rr, "radius": round(nlo + frac * (nhi - nlo), 6)}
    a, r = _geometry.spread_position(rr, ss, rings, sectors, taken=cell_spots(placements, rr, ss, exclude))
    return {"ring": rr, "sector": ss, "angle": a, "radius": r}
