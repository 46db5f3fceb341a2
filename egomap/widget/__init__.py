"""The co-drawing widget (anywidget): ``em.MapWidget(m)``.

Examples
--------
>>> import egomap as em
>>> m = em.Person("R-017").new_map("Baseline")
>>> em.MapWidget(m)
<MapWidget 'Baseline' of 'R-017': 0 alters>
"""

from __future__ import annotations

__all__ = ["MapWidget", "side_by_side", "snapshot", "initials"]

from egomap.widget.widget import MapWidget, initials, side_by_side, snapshot
