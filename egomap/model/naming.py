"""How a map is named among a person's maps: a position, an id or a label (:func:`map_index`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model.map import Map

__all__ = ["map_index"]


def map_index(maps: Sequence[Map], ref: object) -> int | None:
    """Where map ``ref`` is in ``maps``: a position (``-1`` is the last), an id or a label; None if nowhere.

    The one rule for naming a map, used by :meth:`Person.map`, the figures'
    ``time_point`` and the cohort tables' ``maps``.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.Person("R-036")
    >>> maps = [p.new_map("Baseline"), p.new_map("6 months")]
    >>> map_index(maps, -1), map_index(maps, "Baseline"), map_index(maps, 5), map_index(maps, True)
    (1, 0, None, None)
    """
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return ref % len(maps) if -len(maps) <= ref < len(maps) else None
    for i, m in enumerate(maps):
        if m.id == ref or m.label == ref:
            return i
    return None
