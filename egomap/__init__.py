"""egomap: personal (ego) network maps, drawn together and compared over time.

Examples
--------
>>> import egomap as em
>>> p = em.Person("R-017")
>>> m = p.new_map("Baseline")
>>> _ = m.add_alter("Mum", ring=0, sector="household")
>>> len(m)
1
"""

from __future__ import annotations

import importlib
from typing import Any

from egomap.errors import (
    DuplicateError,
    EgomapError,
    InputFileError,
    NotAStoreError,
    NotFoundError,
    SaveError,
    StoreError,
    ValidationError,
)
from egomap.model import Alter, Goal, Map, Person, Placement, Tie
from egomap.resource_schemes import (
    ResourceDomain,
    ResourceItem,
    ResourceScheme,
    read_resource_scheme,
    register_resource_scheme,
    resource_scheme,
)
from egomap.schemes import Ring, RingScheme, Sector, SectorScheme, register_scheme, ring_scheme, sector_scheme
from egomap.store import Store, default_store_path, open_store

__version__ = "0.1.0"

__all__ = [
    "Alter",
    "DuplicateError",
    "EgomapError",
    "Goal",
    "InputFileError",
    "Map",
    "MapWidget",
    "NotAStoreError",
    "NotFoundError",
    "Person",
    "Placement",
    "ResourceDomain",
    "ResourceItem",
    "ResourceScheme",
    "Ring",
    "RingScheme",
    "SaveError",
    "Sector",
    "SessionPanel",
    "SectorScheme",
    "Store",
    "StoreError",
    "Tie",
    "ValidationError",
    "changes",
    "cohort_changes",
    "cohort_measures",
    "compare",
    "fields",
    "geometry",
    "graph",
    "default_store_path",
    "demo",
    "io",
    "link_alters",
    "measures",
    "open_store",
    "read_resource_scheme",
    "register_resource_scheme",
    "register_scheme",
    "resource_scheme",
    "resource_table",
    "ring_scheme",
    "sector_scheme",
    "side_by_side",
    "viz",
]

# Heavier parts (widgets, plotting, pandas) load on first use, so that
# ``import egomap`` stays fast.
_LAZY = {
    "MapWidget": ("egomap.widget", "MapWidget"),
    "SessionPanel": ("egomap.session", "SessionPanel"),
    "compare": ("egomap.change", "compare"),
    "link_alters": ("egomap.linking", "link_alters"),
    "changes": ("egomap.change", "changes"),
    "cohort_measures": ("egomap.measures", "cohort_measures"),
    "cohort_changes": ("egomap.measures", "cohort_changes"),
    "fields": ("egomap.fields", None),
    "geometry": ("egomap.geometry", None),
    "graph": ("egomap.graph", None),
    "measures": ("egomap.measures", None),  # the package, callable: em.measures(m), em.measures.density(m)
    "viz": ("egomap.viz", None),
    "io": ("egomap.io", None),
    "demo": ("egomap.demo", None),
    "widget": ("egomap.widget", None),
    "session": ("egomap.session", None),
    "side_by_side": ("egomap.widget", "side_by_side"),
    "resource_table": ("egomap.viz.resources", "resource_table"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'egomap' has no attribute {name!r}") from None
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
