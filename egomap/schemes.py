"""Ring and sector schemes: the rings and sectors a map is drawn with.

A map is a disc. The person sits in a small centre disc; around it the rings
of the ring scheme are bands of equal width, ring 0 innermost. The sectors of
the sector scheme divide the disc into equal slices.

Positions are given in one coordinate system everywhere in egomap:

* ``angle`` in degrees, measured **clockwise from 12 o'clock**, in ``[0, 360)``;
* ``radius`` as a fraction of the map's outer edge: 0 is the centre, 1 the
  outer edge of the outermost ring.

A scheme knows its own bands and spans (:meth:`RingScheme.ring_at`,
:meth:`SectorScheme.sector_at`); converting between an exact position and a
``(ring, sector)`` pair, and between polar and Cartesian coordinates, is in
:mod:`egomap.geometry`.

Examples
--------
>>> from egomap.schemes import ring_scheme, sector_scheme
>>> rings = ring_scheme("kahn_antonucci")
>>> sectors = sector_scheme("four_quadrants")
>>> rings.ring_at(0.99), sectors.sector_at(45.0)
(2, 'family')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from egomap.errors import NotFoundError, ValidationError
from egomap.fields import check_chars, check_number

__all__ = [
    "CENTRE_RADIUS",
    "Ring",
    "Sector",
    "RingScheme",
    "SectorScheme",
    "RING_SCHEMES",
    "SECTOR_SCHEMES",
    "DEFAULT_RINGS",
    "DEFAULT_SECTORS",
    "ring_scheme",
    "sector_scheme",
    "register_scheme",
]

#: Radius of the centre disc in which the person is drawn.
CENTRE_RADIUS = 0.15


@dataclass(frozen=True)
class Ring:
    """One ring of a ring scheme: a label and the prompt read out to the person."""

    label: str
    prompt: str = ""

    def __post_init__(self) -> None:
        _check_texts(self, "ring", ("label", "prompt"))


@dataclass(frozen=True)
class Sector:
    """One sector of a sector scheme.

    ``key`` is the short stable name used in code and data (``"family"``);
    ``label`` is shown to people; ``prompt`` is read out.
    """

    key: str
    label: str
    prompt: str = ""
    is_family: bool = False

    def __post_init__(self) -> None:
        _check_texts(self, "sector", ("key", "label", "prompt"))


def _check_texts(obj: object, what: str, names: Iterable[str]) -> None:
    """The text rule of :func:`egomap.fields.check_chars` for a ring's or sector's texts."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str):
            raise ValidationError(f"{what} {name} must be text, got {value!r}", field=f"{what} {name}")
        check_chars(value, f"{what} {name}")


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"{what} name must be a non-empty string, got {name!r}", field="name")
    return name.strip()


@dataclass(frozen=True)
class RingScheme:
    """A named set of concentric rings.

    Parameters
    ----------
    name : str
        Short name, e.g. ``"kahn_antonucci"``.
    rings : sequence of Ring
        Innermost first.
    title : str
        Human-readable title.
    description : str
        Where the scheme comes from and how to use it.

    Examples
    --------
    >>> s = RingScheme("two", [Ring("close"), Ring("further")])
    >>> s.band(1)
    (0.575, 1.0)
    """

    name: str
    rings: tuple[Ring, ...]
    title: str = ""
    description: str = ""

    def __init__(self, name: str, rings: Iterable[Ring | str], title: str = "", description: str = "") -> None:
        object.__setattr__(self, "name", check_chars(_check_name(name, "ring scheme"), "ring scheme name"))
        rings = tuple(r if isinstance(r, Ring) else Ring(str(r)) for r in rings)
        if not rings:
            raise ValidationError(f"ring scheme {name!r} needs at least one ring", field="rings")
        object.__setattr__(self, "rings", rings)
        object.__setattr__(self, "title", title or name)
        object.__setattr__(self, "description", description)

    def __len__(self) -> int:
        return len(self.rings)

    @property
    def width(self) -> float:
        """Width of one ring band, as a fraction of the outer radius."""
        return (1.0 - CENTRE_RADIUS) / len(self.rings)

    def check(self, ring: object) -> int:
        """Return ``ring`` as an int, or raise if it is not a ring of this scheme.

        Whole numbers (also NumPy integers and floats such as ``1.0``) are
        accepted; text, ``True``/``False``, NaN and fractions are not.

        Examples
        --------
        >>> from egomap.schemes import ring_scheme
        >>> ring_scheme("kahn_antonucci").check(2)
        2
        >>> ring_scheme("kahn_antonucci").check(3)
        Traceback (most recent call last):
        ...
        egomap.errors.ValidationError: unknown ring 3: scheme 'kahn_antonucci' has rings 0..2
        """
        if (
            isinstance(ring, bool)
            or not isinstance(ring, numbers.Integral)
            and not (isinstance(ring, numbers.Real) and math.isfinite(ring) and float(ring).is_integer())
        ):
            raise ValidationError(
                f"ring must be a whole number 0..{len(self) - 1} for scheme {self.name!r}, got {ring!r}",
                field="ring",
                value=ring,
            )
        r = int(ring)
        if not 0 <= r < len(self):
            raise ValidationError(
                f"unknown ring {ring!r}: scheme {self.name!r} has rings 0..{len(self) - 1}",
                field="ring",
                value=ring,
            )
        return r

    def band(self, ring: int) -> tuple[float, float]:
        """Inner and outer radius of ``ring``."""
        r = self.check(ring)
        return (CENTRE_RADIUS + r * self.width, CENTRE_RADIUS + (r + 1) * self.width)

    def mid(self, ring: int) -> float:
        """Radius of the middle of ``ring``."""
        lo, hi = self.band(ring)
        return (lo + hi) / 2

    def ring_at(self, radius: float) -> int:
        """The ring a position at ``radius`` falls in.

        A drop anywhere inside a ring band lands in that ring; a drop on the
        centre disc lands in ring 0 and one beyond the edge in the outer ring.
        """
        radius = check_number(radius, "radius")
        i = math.floor((radius - CENTRE_RADIUS) / self.width)
        return min(max(i, 0), len(self) - 1)

    def to_dict(self) -> dict:
        """Plain-data form (for storage and JSON)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "rings": [{"label": r.label, "prompt": r.prompt} for r in self.rings],
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> RingScheme:
        """Inverse of :meth:`to_dict`."""
        return cls(
            d["name"],
            [Ring(r["label"], r.get("prompt", "")) for r in d["rings"]],
            d.get("title", ""),
            d.get("description", ""),
        )


@dataclass(frozen=True)
class SectorScheme:
    """A named set of sectors, clockwise from 12 o'clock.

    Examples
    --------
    >>> s = SectorScheme("two", [Sector("a", "A"), Sector("b", "B")])
    >>> s.span("b")
    (180.0, 360.0)
    >>> s.sector_at(200)
    'b'
    """

    name: str
    sectors: tuple[Sector, ...]
    title: str = ""
    description: str = ""
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def __init__(self, name: str, sectors: Iterable[Sector], title: str = "", description: str = "") -> None:
        object.__setattr__(self, "name", check_chars(_check_name(name, "sector scheme"), "sector scheme name"))
        sectors = tuple(sectors)
        bad = [s for s in sectors if not isinstance(s, Sector) or not isinstance(s.key, str) or not s.key.strip()]
        if bad:
            raise ValidationError(
                f"sector scheme {name!r}: each sector must be a Sector with a non-empty text key, got {bad[0]!r}",
                field="sectors",
            )
        if not sectors:
            raise ValidationError(f"sector scheme {name!r} needs at least one sector", field="sectors")
        keys = [s.key for s in sectors]
        if len(set(keys)) != len(keys):
            raise ValidationError(f"sector scheme {name!r} repeats a sector key: {keys}", field="sectors")
        object.__setattr__(self, "sectors", sectors)
        object.__setattr__(self, "title", title or name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "_index", {k: i for i, k in enumerate(keys)})

    def __len__(self) -> int:
        return len(self.sectors)

    @property
    def keys(self) -> list[str]:
        """Sector keys in clockwise order."""
        return [s.key for s in self.sectors]

    @property
    def family_keys(self) -> frozenset[str]:
        """Keys of the sectors that count as family (household, family)."""
        return frozenset(s.key for s in self.sectors if s.is_family)

    def check(self, sector: object) -> str:
        """Return ``sector`` if it is a key of this scheme, else raise.

        Examples
        --------
        >>> from egomap.schemes import sector_scheme
        >>> sector_scheme("four_quadrants").check("friends")
        'friends'
        """
        if not isinstance(sector, str) or sector not in self._index:
            raise ValidationError(
                f"unknown sector {sector!r}: scheme {self.name!r} has sectors {', '.join(self.keys)}",
                field="sector",
                value=sector,
            )
        return sector  # type: ignore[return-value]

    def index(self, sector: str) -> int:
        """Position of ``sector`` in clockwise order."""
        return self._index[self.check(sector)]

    def label(self, sector: str) -> str:
        """Human label of ``sector``."""
        return self.sectors[self.index(sector)].label

    @property
    def width(self) -> float:
        """Angular width of one sector in degrees."""
        return 360.0 / len(self.sectors)

    def span(self, sector: str) -> tuple[float, float]:
        """Start and end angle of ``sector`` (degrees clockwise from 12 o'clock)."""
        i = self.index(sector)
        return (i * self.width, (i + 1) * self.width)

    def mid(self, sector: str) -> float:
        """Angle of the middle of ``sector``."""
        a, b = self.span(sector)
        return (a + b) / 2

    def sector_at(self, angle: float) -> str:
        """The sector a position at ``angle`` falls in."""
        angle = check_number(angle, "angle")
        i = int((angle % 360.0) // self.width)
        return self.sectors[min(i, len(self.sectors) - 1)].key

    def to_dict(self) -> dict:
        """Plain-data form (for storage and JSON)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "sectors": [
                {"key": s.key, "label": s.label, "prompt": s.prompt, "is_family": s.is_family} for s in self.sectors
            ],
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> SectorScheme:
        """Inverse of :meth:`to_dict`."""
        return cls(
            d["name"],
            [
                Sector(s["key"], s.get("label", s["key"]), s.get("prompt", ""), bool(s.get("is_family")))
                for s in d["sectors"]
            ],
            d.get("title", ""),
            d.get("description", ""),
        )


RING_SCHEMES: dict[str, RingScheme] = {}
SECTOR_SCHEMES: dict[str, SectorScheme] = {}


def register_scheme(scheme: RingScheme | SectorScheme, *, replace: bool = False) -> None:
    """Make a user-defined scheme available by name.

    Examples
    --------
    >>> from egomap.schemes import RingScheme, Ring, register_scheme, ring_scheme
    >>> register_scheme(RingScheme("close_far", [Ring("close"), Ring("far")]), replace=True)
    >>> len(ring_scheme("close_far"))
    2
    """
    table: dict = RING_SCHEMES if isinstance(scheme, RingScheme) else SECTOR_SCHEMES
    if not isinstance(scheme, (RingScheme, SectorScheme)):
        raise ValidationError(f"not a scheme: {scheme!r}", field="scheme")
    if scheme.name in table and not replace and table[scheme.name] != scheme:
        raise ValidationError(
            f"a scheme named {scheme.name!r} already exists; pass replace=True to replace it",
            field="name",
            value=scheme.name,
        )
    table[scheme.name] = scheme


def ring_scheme(scheme: str | RingScheme | Mapping = "kahn_antonucci") -> RingScheme:
    """Look up a ring scheme by name (or pass one through).

    Parameters
    ----------
    scheme : str, RingScheme or mapping
        A registered name, a scheme (returned as is), or its :meth:`RingScheme.to_dict` form.

    Returns
    -------
    RingScheme

    Raises
    ------
    NotFoundError
        If no scheme of that name is registered.

    Examples
    --------
    >>> from egomap.schemes import ring_scheme
    >>> [r.label for r in ring_scheme("circles_of_support").rings]
    ['Intimacy', 'Friendship', 'Participation', 'Exchange']
    """
    if isinstance(scheme, RingScheme):
        return scheme
    if isinstance(scheme, Mapping):
        return RingScheme.from_dict(scheme)
    try:
        return RING_SCHEMES[scheme]
    except (KeyError, TypeError):
        raise NotFoundError(f"unknown ring scheme {scheme!r}; known: {', '.join(sorted(RING_SCHEMES))}") from None


def sector_scheme(scheme: str | SectorScheme | Mapping = "social_network_map") -> SectorScheme:
    """Look up a sector scheme by name (or pass one through).

    Parameters
    ----------
    scheme : str, SectorScheme or mapping
        A registered name, a scheme (returned as is), or its :meth:`SectorScheme.to_dict` form.

    Returns
    -------
    SectorScheme

    Raises
    ------
    NotFoundError
        If no scheme of that name is registered.

    Examples
    --------
    >>> from egomap.schemes import sector_scheme
    >>> sector_scheme("four_quadrants").keys
    ['family', 'friends', 'work_school', 'professional']
    """
    if isinstance(scheme, SectorScheme):
        return scheme
    if isinstance(scheme, Mapping):
        return SectorScheme.from_dict(scheme)
    try:
        return SECTOR_SCHEMES[scheme]
    except (KeyError, TypeError):
        raise NotFoundError(f"unknown sector scheme {scheme!r}; known: {', '.join(sorted(SECTOR_SCHEMES))}") from None


def _builtin(schemes: Iterable[RingScheme | SectorScheme]) -> None:
    for s in schemes:
        register_scheme(s)


_builtin(
    [
        RingScheme(
            "kahn_antonucci",
            [
                Ring(
                    "Inner circle",
                    "People so close and important that it is hard to imagine life without them.",
                ),
                Ring("Middle circle", "People not quite that close, but still important to you."),
                Ring(
                    "Outer circle",
                    "People close and important enough that they belong in your network.",
                ),
            ],
            "Kahn & Antonucci hierarchical mapping (3 circles)",
            "Three concentric circles after Kahn and Antonucci's hierarchical mapping technique.",
        ),
        RingScheme(
            "circles_of_support",
            [
                Ring("Intimacy", "The people you are closest to and love."),
                Ring("Friendship", "Friends and relatives you like to spend time with."),
                Ring("Participation", "People from groups, clubs, work and places you go."),
                Ring("Exchange", "People who are paid to be in your life."),
            ],
            "Circles of support (4 circles)",
            "Intimacy, friendship, participation and exchange (paid) circles.",
        ),
        SectorScheme(
            "social_network_map",
            [
                Sector("household", "Household", "Who do you live with?", True),
                Sector("family", "Family", "Who in your family is part of your life?", True),
                Sector("work_school", "Work / school", "Who do you know from work, school or college?"),
                Sector("clubs_groups", "Clubs and groups", "Who do you know from clubs, groups or faith?"),
                Sector("friends", "Friends", "Who are your friends?"),
                Sector("neighbours", "Neighbours", "Who do you know in your neighbourhood?"),
                Sector(
                    "services",
                    "Services and professionals",
                    "Which services and professionals are in your life?",
                ),
            ],
            "Social Network Map (7 sectors)",
            "Tracy & Whittaker's Social Network Map life domains.",
        ),
        SectorScheme(
            "four_quadrants",
            [
                Sector("family", "Family", "Who in your family is part of your life?", True),
                Sector("friends", "Friends and acquaintances", "Who are your friends and acquaintances?"),
                Sector("work_school", "Work and school", "Who do you know from work or school?"),
                Sector("professional", "Professional helpers", "Which professionals help you?"),
            ],
            "Four quadrants",
            "Family; friends and acquaintances; work and school; professional helpers.",
        ),
        SectorScheme(
            "none",
            [Sector("all", "Everyone", "Who is in your life?")],
            "No sectors",
            "Rings only.",
        ),
    ]
)

#: Default ring scheme name.
DEFAULT_RINGS = "kahn_antonucci"
#: Default sector scheme name.
DEFAULT_SECTORS = "social_network_map"
