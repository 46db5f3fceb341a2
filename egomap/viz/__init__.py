"""Pictures of ego networks: the pyvis change view and matplotlib figures.

* :func:`change_network` - interactive view of a person's network across
  time points (vis-network from pyvis, offline, one HTML output);
* :func:`egogram` - the concentric-circle map as a publication figure;
* :func:`small_multiples` - one panel per time point, changes marked;
* :func:`ring_flows` - ring membership flows between time points;
* :func:`resource_table`, :func:`resource_sheet` - who could help with what
  on one map, as a DataFrame or a readable table for the person;
* :func:`to_networkx` - a map as a plain networkx graph;
* :func:`to_pyvis` - one time point as a pyvis ``Network`` to customise,
  and :func:`pyvis_html` to show any pyvis network inline and offline.

The shared look (colours, line styles, marker shapes) is plain data in
:mod:`egomap.viz.style`.

Examples
--------
>>> import egomap as em
>>> sorted(em.viz.__all__)
['change_network', 'egogram', 'pyvis_html', 'resource_sheet', 'resource_table', 'ring_flows', 'small_multiples', 'style', 'to_networkx', 'to_pyvis']
"""

from __future__ import annotations

import importlib
from typing import Any

from egomap.graph import to_networkx
from egomap.viz import style

__all__ = [
    "change_network",
    "egogram",
    "small_multiples",
    "ring_flows",
    "to_networkx",
    "to_pyvis",
    "pyvis_html",
    "resource_table",
    "resource_sheet",
    "style",
]

# matplotlib and pyvis load on first use, so that the widget (which needs only the style) starts fast
_LAZY = {
    "egogram": "egomap.viz.figures",
    "small_multiples": "egomap.viz.figures",
    "ring_flows": "egomap.viz.figures",
    "change_network": "egomap.viz.pyvis_view",
    "to_pyvis": "egomap.viz.pyvis_net",
    "pyvis_html": "egomap.viz.pyvis_net",
    "resource_table": "egomap.viz.resources",
    "resource_sheet": "egomap.viz.resources",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'egomap.viz' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
