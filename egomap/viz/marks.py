"""What the pictures can mark besides change: each alter's social capital and the resources they could help with.

The figures (:func:`egomap.viz.egogram`, :func:`egomap.viz.small_multiples`)
and the change view (:func:`egomap.viz.change_network`) take ``mark=``:

* ``"capital"`` - a small tag at each marker's lower right says the kind of
  social capital the alter brings (:meth:`egomap.Map.capital`: the person's
  own view when the practitioner recorded it, else egomap's default rule):
  bonding ``●``, bridging ``↔``, linking ``↑`` (a symbol *and* a colour, see
  :data:`egomap.viz.style.CAPITAL`);
* ``"resources"`` - a dark disc at the upper left with the number of the
  map's resource items the alter could help with (none: no disc);
* both, as a list: ``mark=["capital", "resources"]``.

This module turns a drawn alter (:class:`egomap.viz._layout.Item`) into
those marks and into the same in words, for the hover text and the list of
people, so that nothing is only in the picture.

Examples
--------
>>> import egomap as em
>>> from egomap.viz._layout import frames
>>> p = em.demo.demo_case()
>>> fr = frames(p.maps)[1]
>>> dave = next(it for it in fr.items if it.alter.label == "Dave")
>>> check_marks("capital"), capital_of(dave)
(('capital',), ('bridging', 'default'))
>>> capital_line(dave, True)
"Social capital: bridging (egomap's default rule)"
>>> resources_line(dave)
'Could help with (2): Teach you something new; Introduce you to new people'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from egomap.errors import ValidationError
from egomap.viz import style as _style
from egomap.viz._layout import Item

__all__ = [
    "MARKS",
    "check_marks",
    "capital_of",
    "resources_of",
    "capital_line",
    "resources_line",
    "capital_counts",
    "SOURCE_WORDS",
]

#: What ``mark=`` can ask for, in the order the marks are listed.
MARKS = ("capital", "resources")

#: Where an alter's capital comes from, in words (:meth:`egomap.Map.capital_source`).
SOURCE_WORDS = {"person": "the person's own view", "default": "egomap's default rule"}


def check_marks(mark: str | Iterable[str] | None) -> tuple[str, ...]:
    """The marks asked for, checked: ``None`` (none), one of :data:`MARKS`, or a list of them.

    Examples
    --------
    >>> check_marks(None), check_marks(["resources", "capital"])
    ((), ('capital', 'resources'))
    >>> check_marks("colour")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: mark must be None, 'capital', 'resources' or a list of them, got 'colour'
    """
    if mark is None:
        return ()
    asked = [mark] if isinstance(mark, str) else mark
    try:
        names = list(asked)  # type: ignore[arg-type]
    except TypeError:
        names = [mark]
    if not all(isinstance(x, str) and x in MARKS for x in names):
        raise ValidationError(
            f"mark must be None, 'capital', 'resources' or a list of them, got {mark!r}", field="mark", value=mark
        )
    return tuple(x for x in MARKS if x in names)


def capital_of(item: Item) -> tuple[str, str]:
    """The alter's kind of social capital on the map it is drawn from, and where that comes from.

    Returns ``(capital, source)``: capital ``"bonding"``, ``"bridging"`` or
    ``"linking"``; source ``"person"`` (recorded: the person's own view) or
    ``"default"`` (egomap's rule). A person who has gone is described as on
    the last map they were on.
    """
    m = item.source
    if m is None:  # not made by frames(): nothing to read the capital from
        raise ValidationError(f"no map to read the social capital of {item.alter.label!r} from", field="item")
    return m.capital(item.alter.id), m.capital_source(item.alter.id)


def resources_of(item: Item) -> tuple[str, ...]:
    """The labels of the resource items the alter could help with (the map's scheme order)."""
    m = item.source
    if m is None:
        return ()
    scheme = m.resource_scheme
    return tuple(scheme.item(k).label for k in m.resources_of(item.alter.id))


def capital_line(item: Item, always: bool) -> str:
    """The alter's social capital in words: ``"Social capital: bridging (egomap's default rule)"``.

    With ``always=False`` only a capital the practitioner recorded (the
    person's own view) is described; otherwise ``""``.
    """
    capital, source = capital_of(item)
    if source != "person" and not always:
        return ""
    return f"Social capital: {capital} ({SOURCE_WORDS[source]})"


def resources_line(item: Item) -> str:
    """The resource items the alter could help with, in words (``""`` if none was asked on their map).

    Examples
    --------
    >>> import egomap as em
    >>> from egomap.viz._layout import frames
    >>> m = em.Person("R-M1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> resources_line(frames([m])[0].items[0])
    ''
    >>> m.set_resource("small_loan", [])
    >>> resources_line(frames([m])[0].items[0])
    'Could help with: none of the items asked'
    """
    m = item.source
    if m is None or not m.resources:
        return ""
    labels = resources_of(item)
    if not labels:
        return "Could help with: none of the items asked"
    return f"Could help with ({len(labels)}): " + "; ".join(labels)


def capital_counts(items: Sequence[Item]) -> dict[str, int]:
    """How many of ``items`` (those on the map, not the ones who have gone) bring each kind of capital.

    Examples
    --------
    >>> import egomap as em
    >>> from egomap.viz._layout import frames
    >>> capital_counts(frames(em.demo.demo_case().maps)[0].items)
    {'bonding': 4, 'bridging': 0, 'linking': 3}
    """
    out = dict.fromkeys(_style.CAPITAL_ORDER, 0)
    for it in items:
        if it.status != "lost":
            out[capital_of(it)[0]] += 1
    return out
