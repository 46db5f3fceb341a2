"""The look shared by every egomap picture: colours, line styles and marker shapes.

Everything here is plain data (strings, numbers, lists, dicts) so that the
widget (JavaScript/CSS), the pyvis change view and the matplotlib figures can
all use the same look. Colours come from the Okabe-Ito palette, which stays
distinguishable for people with colour-vision deficiencies; no meaning is
carried by colour alone:

* **valence** (supportive, mixed, stressful, not recorded) by colour *and*
  line style of the line from the person to the alter;
* **kind** of alter (and professionals) by marker shape;
* **change status** (still there, new, gone) by outline width and dash as
  well as colour; moved alters get an arrow mark (closer / further out).

Examples
--------
>>> from egomap.viz.style import VALENCE, marker_key, initials
>>> VALENCE["stressful"]["color"], VALENCE["stressful"]["linestyle"]
('#D55E00', 'dotted')
>>> marker_key("person", True), marker_key("group", False)
('professional', 'group')
>>> initials("Dr Okafor")
'DO'
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "OKABE_ITO",
    "GREY",
    "VALENCE",
    "VALENCE_ORDER",
    "MARKERS",
    "MARKER_ORDER",
    "STATUS",
    "MOVED",
    "RING",
    "TIE",
    "EGO",
    "FONT",
    "LABEL_MODES",
    "marker_key",
    "valence_key",
    "initials",
    "display_label",
    "check_label_mode",
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

#: Neutral grey for "not recorded" and background lines.
GREY = "#8C8C8C"

#: Valence: colour and line style (``dash`` is an SVG/canvas dash array in px,
#: ``linestyle`` a matplotlib name). Key ``"unknown"`` is used for no valence.
VALENCE: dict[str, dict[str, Any]] = {
    "supportive": {"label": "Supportive", "color": OKABE_ITO["bluish_green"], "dash": [], "linestyle": "solid"},
    "mixed": {"label": "Mixed", "color": OKABE_ITO["orange"], "dash": [8, 4], "linestyle": "dashed"},
    "stressful": {"label": "Stressful", "color": OKABE_ITO["vermillion"], "dash": [2, 3], "linestyle": "dotted"},
    "unknown": {"label": "Not recorded", "color": GREY, "dash": [8, 3, 2, 3], "linestyle": "dashdot"},
}
#: Order in legends.
VALENCE_ORDER = ("supportive", "mixed", "stressful", "unknown")

#: Marker shape by kind of alter; ``"professional"`` is used for professionals
#: who are persons. ``mpl`` is a matplotlib marker, ``vis`` a vis-network shape,
#: ``svg`` a shape name for the widget.
MARKERS: dict[str, dict[str, str]] = {
    "person": {"label": "Person", "mpl": "o", "vis": "dot", "svg": "circle"},
    "professional": {"label": "Professional", "mpl": "s", "vis": "square", "svg": "square"},
    "group": {"label": "Group", "mpl": "^", "vis": "triangle", "svg": "triangle"},
    "organisation": {"label": "Organisation", "mpl": "D", "vis": "diamond", "svg": "diamond"},
    "online": {"label": "Online", "mpl": "h", "vis": "hexagon", "svg": "hexagon"},
    "pet": {"label": "Pet", "mpl": "*", "vis": "star", "svg": "star"},
}
#: Order in legends.
MARKER_ORDER = ("person", "professional", "group", "organisation", "online", "pet")

#: Change status of an alter between two maps: outline colour, width (px/pt),
#: dash and fill opacity. "Gone" alters are drawn as faded ghosts where they were.
STATUS: dict[str, dict[str, Any]] = {
    "retained": {"label": "Still there", "color": "#333333", "width": 1.2, "dash": [], "opacity": 1.0},
    "gained": {"label": "New", "color": OKABE_ITO["blue"], "width": 3.5, "dash": [], "opacity": 1.0},
    "lost": {"label": "Gone", "color": OKABE_ITO["reddish_purple"], "width": 2.0, "dash": [4, 3], "opacity": 0.3},
}

#: Marks for alters who moved ring: symbol appended to the label, and colour.
MOVED: dict[str, dict[str, str]] = {
    "inward": {"label": "Moved closer", "symbol": "\u25b2", "color": OKABE_ITO["sky_blue"]},
    "outward": {"label": "Moved further out", "symbol": "\u25bc", "color": OKABE_ITO["sky_blue"]},
}

#: Rings and sectors: band fills (alternating, innermost first), lines and text.
RING: dict[str, Any] = {
    "fills": ["#F4F4F4", "#FFFFFF"],
    "line": "#B0B0B0",
    "sector_line": "#C8C8C8",
    "text": "#555555",
}
#: Alter-alter ties.
TIE: dict[str, Any] = {"color": "#7F7F7F", "width": 0.8, "opacity": 0.6}
#: The person at the centre.
EGO: dict[str, Any] = {"fill": "#FFFFFF", "line": OKABE_ITO["black"], "text": OKABE_ITO["black"]}
#: Fonts (sizes in points for figures, px for HTML).
FONT: dict[str, Any] = {"family": "DejaVu Sans, Arial, sans-serif", "label": 8, "sector": 9, "title": 11}

#: Ways of showing alter labels.
LABEL_MODES = ("names", "initials", "hidden")


def marker_key(kind: str, is_professional: bool = False) -> str:
    """Key into :data:`MARKERS` for an alter of ``kind``."""
    if kind == "person" and is_professional:
        return "professional"
    return kind if kind in MARKERS else "person"


def valence_key(valence: str | None) -> str:
    """Key into :data:`VALENCE` (``"unknown"`` when no valence is recorded)."""
    return valence if valence in VALENCE else "unknown"


def initials(label: str) -> str:
    """Initials of a label: first character of each word, upper case, at most 3.

    Examples
    --------
    >>> initials("mum"), initials("Kickabout football group"), initials("  ")
    ('M', 'KFG', '')
    """
    return "".join(w[0] for w in label.split() if w)[:3].upper()


def display_label(label: str, mode: str) -> str:
    """The label as shown in ``mode`` (``"names"``, ``"initials"`` or ``"hidden"``)."""
    check_label_mode(mode)
    if mode == "names":
        return label
    if mode == "initials":
        return initials(label)
    return ""


def check_label_mode(mode: object) -> str:
    """Return ``mode`` if it is one of :data:`LABEL_MODES`, else raise ValidationError."""
    if mode not in LABEL_MODES:
        from egomap.errors import ValidationError

        raise ValidationError(
            f"unknown label_mode {mode!r}: expected one of {', '.join(LABEL_MODES)}", field="label_mode", value=mode
        )
    return mode  # type: ignore[return-value]


def as_dict() -> dict[str, Any]:
    """The whole style as one JSON-able dict (for the widget and the HTML views)."""
    return {
        "palette": dict(OKABE_ITO),
        "grey": GREY,
        "valence": VALENCE,
        "valence_order": list(VALENCE_ORDER),
        "markers": MARKERS,
        "marker_order": list(MARKER_ORDER),
        "status": STATUS,
        "moved": MOVED,
        "ring": RING,
        "tie": TIE,
        "ego": EGO,
        "font": FONT,
    }
