"""The look shared by every egomap picture: colours, sizes, line styles, marker shapes, the key.

Everything here is plain data (strings, numbers, lists, dicts) so that the
widget (JavaScript, which receives :func:`as_dict` in its snapshot), the
pyvis change view and the matplotlib figures draw the same picture. Sizes
are fractions of the map radius (the outer edge of the circles is 1), so
each renderer multiplies them by its own scale. Colours come from the
Okabe-Ito palette, which stays distinguishable for people with colour-vision
deficiencies, and no meaning is carried by colour alone:

* **valence** (supportive, mixed, stressful, not recorded): the marker's
  fill colour, its outline dash (solid, dashed, dotted, dash-dot) and a
  glyph inside it (``+``, ``~``, ``!``); the line from the person to the
  alter has the same colour and dash;
* **kind** of alter by marker shape (person circle, group hexagon,
  organisation square, online diamond, pet triangle); **professionals**
  get a second, outer outline, so the shape still shows their kind;
* **change status** (still there, new, gone) by outline colour *and* width
  *and* dash; moved alters get an arrow mark (closer / further out);
* **social capital** (when a picture is asked to mark it): a small tag at the
  marker's lower right with a symbol *and* a fill colour (bonding ``●``,
  bridging ``↔``, linking ``↑``); the **number of resource items** someone
  could help with: a dark disc with the number at the upper left.

How labels are shown and placed (:func:`initials`, :func:`display_label`,
:data:`LABEL_MODES`, :func:`place_labels`, :func:`text_width`, :func:`wrap`)
lives in :mod:`egomap.geometry`; the names are kept here too.

Examples
--------
>>> from egomap.viz.style import VALENCE, marker_key, initials
>>> VALENCE["stressful"]["color"], VALENCE["stressful"]["linestyle"], VALENCE["stressful"]["glyph"]
('#D55E00', 'dotted', '!')
>>> marker_key("person", True), marker_key("group", False), marker_key("robot")
('person', 'group', 'person')
>>> initials("Dr Okafor")
'DO'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from egomap.geometry import (
    LABEL_MODES,
    check_label_mode,
    display_label,
    initials,
    place_labels,
    text_width,
    wrap,
)

__all__ = [
    "OKABE_ITO",
    "GREY",
    "VALENCE",
    "VALENCE_ORDER",
    "MARKERS",
    "MARKER_ORDER",
    "PROFESSIONAL",
    "SIZE",
    "STATUS",
    "BADGE",
    "MOVED",
    "RING",
    "TIE",
    "SPOKE",
    "EGO",
    "LABEL",
    "FONT",
    "KEY",
    "CAPITAL",
    "CAPITAL_ORDER",
    "CAPITAL_TAG",
    "COUNT",
    "LABEL_MODES",
    "marker_key",
    "valence_key",
    "marker_points",
    "dash_pattern",
    "initials",
    "display_label",
    "check_label_mode",
    "text_width",
    "wrap",
    "place_labels",
    "as_dict",
]

#: The Okabe-Ito colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Neutral grey for background lines and faded text.
GREY = "#8C8C8C"
_INK = "#1F2933"  # dark text and outlines

#: Valence: marker fill ``color`` and ``line``, the colour of the line to the person,
#: ``glyph`` drawn inside the marker in colour ``text`` (dark on every fill:
#: contrast at least 5:1), and ``dash``: the outline and line dash pattern in
#: multiples of the line width (``[]`` = solid); ``linestyle`` names it.
#: Key ``"unknown"`` is used when no valence is recorded.
VALENCE: dict[str, dict[str, Any]] = {
    "supportive": {
        "label": "Supportive",
        "color": OKABE_ITO["bluish_green"],
        "line": OKABE_ITO["bluish_green"],
        "text": "#000000",
        "glyph": "+",
        "dash": [],
        "linestyle": "solid",
    },
    "mixed": {
        "label": "Mixed",
        "color": OKABE_ITO["orange"],
        "line": OKABE_ITO["orange"],
        "text": "#000000",
        "glyph": "~",
        "dash": [3.2, 1.8],
        "linestyle": "dashed",
    },
    "stressful": {
        "label": "Stressful",
        "color": OKABE_ITO["vermillion"],
        "line": OKABE_ITO["vermillion"],
        "text": "#000000",
        "glyph": "!",
        "dash": [1.0, 1.4],
        "linestyle": "dotted",
    },
    "unknown": {
        "label": "Not recorded",
        "color": "#D9D9D9",
        "line": GREY,
        "text": "#000000",
        "glyph": "",
        "dash": [3.2, 1.4, 1.0, 1.4],
        "linestyle": "dashdot",
    },
}
#: Order in keys and legends.
VALENCE_ORDER = ("supportive", "mixed", "stressful", "unknown")

#: Marker shape by kind of alter. ``points`` are the corners around (0, 0) in
#: multiples of the marker radius, y pointing down (as on screen); an empty
#: list is a circle of radius 1. ``mpl`` and ``vis`` name the nearest
#: matplotlib marker and vis-network shape.
MARKERS: dict[str, dict[str, Any]] = {
    "person": {"label": "Person", "points": [], "mpl": "o", "vis": "dot"},
    "group": {
        "label": "Group",
        "points": [
            [round(1.08 * math.cos(math.radians(a)), 4), round(1.08 * math.sin(math.radians(a)), 4)]
            for a in range(0, 360, 60)
        ],
        "mpl": "h",
        "vis": "hexagon",
    },
    "organisation": {
        "label": "Organisation",
        "points": [[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]],
        "mpl": "s",
        "vis": "square",
    },
    "online": {
        "label": "Online",
        "points": [[0, -1.22], [1.22, 0], [0, 1.22], [-1.22, 0]],
        "mpl": "D",
        "vis": "diamond",
    },
    "pet": {"label": "Pet", "points": [[0, -1.3], [1.2, 0.78], [-1.2, 0.78]], "mpl": "^", "vis": "triangle"},
}
#: Order in keys and legends.
MARKER_ORDER = ("person", "group", "organisation", "online", "pet")

#: Professionals (paid or formal support): a second outline of the same shape
#: at ``scale`` times the marker radius.
PROFESSIONAL: dict[str, Any] = {"label": "Professional", "scale": 1.36, "color": _INK}

#: Sizes as fractions of the map radius: marker radius, line widths, font sizes
#: (``*_font``), the gap between a marker and its label, the halo behind labels.
SIZE: dict[str, float] = {
    "marker": 0.052,
    "outline": 0.0085,
    "professional_outline": 0.0062,
    "glyph_font": 0.058,
    "label_font": 0.05,
    "label_gap": 0.008,
    "label_halo": 0.013,
    "spoke": 0.0062,
    "tie": 0.0085,
    "ring_line": 0.0045,
    "sector_line": 0.0045,
    "sector_font": 0.056,
    "ring_font": 0.042,
    "ego_font": 0.058,
    # the co-drawing widget and its SVG export: names and circle labels large enough to read on a
    # laptop, where the map is drawn at about 0.55 of its size (12 px names, 11 px circle labels at 1366x768)
    "screen_label_font": 0.064,
    "screen_ring_font": 0.058,
}

#: Change status of an alter between two maps: outline colour, outline width
#: (times ``SIZE["outline"]``), dash (times the width; replaces the valence
#: dash), opacity, and ``badge``: whether a small star is drawn at the
#: marker's upper right. New alters have a thick outline *and* the star (a
#: shape, so they stand out without colour); "gone" alters are faded ghosts
#: with a dashed outline where they were.
STATUS: dict[str, dict[str, Any]] = {
    "retained": {"label": "Still there", "color": _INK, "width": 1.0, "dash": [], "opacity": 1.0, "badge": False},
    "gained": {
        "label": "New (star)",
        "color": OKABE_ITO["blue"],
        "width": 2.4,
        "dash": [],
        "opacity": 1.0,
        "badge": True,
    },
    "lost": {
        "label": "Gone (faded, dashed)",
        "color": OKABE_ITO["reddish_purple"],
        "width": 1.4,
        "dash": [2.0, 1.5],
        "opacity": 0.35,
        "badge": False,
    },
}

#: The star that marks new alters: ``points`` around (0, 0) in multiples of
#: ``size`` times the marker radius (y down), centred at ``offset`` (x, y)
#: marker radii from the marker's centre (upper right).
BADGE: dict[str, Any] = {
    "size": 0.75,
    "offset": [1.0, -1.0],
    "color": OKABE_ITO["blue"],
    "edge": "#FFFFFF",
    "points": [
        [
            round((1.0 if i % 2 == 0 else 0.45) * math.sin(math.radians(36 * i)), 4),
            round(-(1.0 if i % 2 == 0 else 0.45) * math.cos(math.radians(36 * i)), 4),
        ]
        for i in range(10)
    ],
}

#: Marks for alters who moved ring: symbol appended to the label, and colour.
MOVED: dict[str, dict[str, str]] = {
    "inward": {"label": "Moved closer", "symbol": "\u25b2", "color": OKABE_ITO["sky_blue"]},
    "outward": {"label": "Moved further out", "symbol": "\u25bc", "color": OKABE_ITO["sky_blue"]},
}

#: Rings and sectors: band fills (alternating, innermost first), lines
#: (sector lines dashed, in multiples of their width) and text colours.
RING: dict[str, Any] = {
    "fills": ["#EAF0F6", "#F7F9FB"],
    "line": "#8795A1",
    "sector_line": "#8795A1",
    "sector_dash": [4.0, 3.0],
    "text": "#2F3E46",
    "ring_text": "#52606D",
    # ring labels run up the 12 o'clock line, this far to its right (fraction of the map radius)
    "label_x": 0.017,
}
#: Alter-alter ties (dark grey, at least 3:1 against every ring fill: WCAG 1.4.11), and ties formed /
#: dissolved in change pictures.
TIE: dict[str, Any] = {"color": "#3E4C59", "opacity": 0.85, "label": "Tie: they know each other"}
#: The line from the person to each alter (colour and dash from :data:`VALENCE`).
SPOKE: dict[str, Any] = {"opacity": 0.55, "label": "Line to the person: colour and dash as valence"}
#: The person at the centre: a dark disc with white text.
EGO: dict[str, Any] = {"fill": "#2F3E46", "line": "#2F3E46", "text": "#FFFFFF"}
#: Alter labels: dark text with a white halo.
LABEL: dict[str, Any] = {"color": _INK, "faded": "#7B8794", "halo": "#FFFFFF", "weight": "bold"}
#: Font families, and point sizes of legend and title text in figures.
FONT: dict[str, Any] = {"family": "DejaVu Sans, Arial, sans-serif", "legend": 8, "title": 11, "min_label": 6.0}

#: The key (legend), the same entries in the widget, the change view and the
#: figures: a marker (``kind``, ``professional``, ``valence``; valence
#: ``None`` = plain white) and whether a line to the person is drawn with it,
#: or ``tie`` for an alter-alter tie.
KEY: list[dict[str, Any]] = (
    [
        {"label": MARKERS[k]["label"], "kind": k, "professional": False, "valence": None, "spoke": False}
        for k in MARKER_ORDER
    ]
    + [
        {
            "label": "Professional (double outline)",
            "kind": "person",
            "professional": True,
            "valence": None,
            "spoke": False,
        }
    ]
    + [
        {
            "label": VALENCE[v]["label"]
            + (
                f" ({VALENCE[v]['glyph']}, {VALENCE[v]['linestyle']})"
                if VALENCE[v]["glyph"]
                else f" ({VALENCE[v]['linestyle']})"
            ),
            "kind": "person",
            "professional": False,
            "valence": v,
            "spoke": True,
        }
        for v in VALENCE_ORDER
    ]
    + [{"label": TIE["label"], "tie": True}]
)


#: Social capital (marks asked for with ``mark="capital"``): a small round tag (:data:`CAPITAL_TAG`)
#: filled with ``color`` and holding ``symbol`` in ``text`` (contrast at least 5:1; ``scale``: the
#: symbol's size against the others, so that they look alike in size; ``examples`` for a longer key), so that the type
#: is told by the symbol, not by colour alone: bonding ``●`` (a close knot), bridging ``↔`` (across
#: to different others), linking ``↑`` (up to people with institutional power or resources).
CAPITAL: dict[str, Any] = {
    "bonding": {
        "label": "Bonding (\u25cf): close, similar people",
        "short": "bonding",
        "examples": "family, household, close friends",
        "scale": 0.8,
        "symbol": "\u25cf",
        "color": OKABE_ITO["sky_blue"],
        "text": "#000000",
    },
    "bridging": {
        "label": "Bridging (\u2194): different others",
        "short": "bridging",
        "examples": "people met through clubs, work, courses",
        "scale": 1.3,
        "symbol": "\u2194",
        "color": OKABE_ITO["yellow"],
        "text": "#000000",
    },
    "linking": {
        "label": "Linking (\u2191): power or resources",
        "short": "linking",
        "examples": "professionals, employers",
        "scale": 1.25,
        "symbol": "\u2191",
        "color": OKABE_ITO["reddish_purple"],
        "text": "#000000",
    },
}
#: Order in keys and legends.
CAPITAL_ORDER = ("bonding", "bridging", "linking")
#: The capital tag's radius (times the marker radius), centre (marker radii from the marker's
#: centre, y down: lower right), outline colour and symbol size (times the tag's radius).
CAPITAL_TAG: dict[str, Any] = {"size": 0.62, "offset": [1.02, 1.02], "edge": _INK, "font": 0.95}

#: The number of resource items someone could help with (``mark="resources"``): a dark disc at
#: ``offset`` (upper left) with the number in white, as the co-drawing widget shows it.
COUNT: dict[str, Any] = {
    "label": "Resource items they could help with",
    "size": 0.66,
    "offset": [-1.02, -1.02],
    "color": _INK,
    "edge": "#FFFFFF",
    "text": "#FFFFFF",
    "font": 1.05,  # number size, times the disc's radius
}


def marker_key(kind: str, is_professional: bool = False) -> str:
    """Key into :data:`MARKERS` for an alter of ``kind`` (professionals keep their kind's shape)."""
    return kind if kind in MARKERS else "person"


def valence_key(valence: str | None) -> str:
    """Key into :data:`VALENCE` (``"unknown"`` when no valence is recorded)."""
    return valence if valence in VALENCE else "unknown"


def marker_points(kind: str, radius: float = 1.0) -> list[tuple[float, float]]:
    """Corners of the marker for ``kind`` around (0, 0), y down; ``[]`` for a circle.

    Examples
    --------
    >>> marker_points("organisation", 10)
    [(-9.0, -9.0), (9.0, -9.0), (9.0, 9.0), (-9.0, 9.0)]
    >>> marker_points("person")
    []
    """
    return [(x * radius, y * radius) for x, y in MARKERS[marker_key(kind)]["points"]]


def dash_pattern(dash: Sequence[float], width: float) -> list[float]:
    """A dash pattern in multiples of the line ``width`` as absolute lengths.

    Examples
    --------
    >>> dash_pattern(VALENCE["mixed"]["dash"], 2)
    [6.4, 3.6]
    """
    return [round(d * width, 2) for d in dash]


def as_dict() -> dict[str, Any]:
    """The whole style as one JSON-able dict (for the widget and the HTML views)."""
    return {
        "palette": dict(OKABE_ITO),
        "grey": GREY,
        "valence": VALENCE,
        "valence_order": list(VALENCE_ORDER),
        "markers": MARKERS,
        "marker_order": list(MARKER_ORDER),
        "professional": PROFESSIONAL,
        "size": SIZE,
        "status": STATUS,
        "badge": BADGE,
        "moved": MOVED,
        "ring": RING,
        "tie": TIE,
        "spoke": SPOKE,
        "ego": EGO,
        "label": LABEL,
        "font": FONT,
        "key": KEY,
        "capital": CAPITAL,
        "capital_order": list(CAPITAL_ORDER),
        "capital_tag": CAPITAL_TAG,
        "count": COUNT,
    }
