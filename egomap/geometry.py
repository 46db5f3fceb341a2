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
>>> from egomap.geometry import initials
>>> initials("Mary-Jane"), initials("Dr Okafor")
('MJ', 'DO')
"""

from __future__ import annotations

from egomap.errors import ValidationError

__all__ = [
    "LABEL_MODES",
    "initials",
    "display_label",
    "check_label_mode",
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
