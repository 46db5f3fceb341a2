"""What the measure modules share: the column names, the map data they read, and two numpy helpers."""

from __future__ import annotations

import numpy as np

from egomap.fields import SUPPORT_TYPES

#: Fixed per-map measure columns, in order (``size_ring_<i>`` and
#: ``size_sector_<key>`` come right after ``size``, ``resources_<domain>`` right
#: after ``resources_accessed``; they depend on the schemes).
MEASURES: tuple[str, ...] = (
    "size",
    "n_professional",
    "share_professional",
    "n_family",
    "share_family",
    "n_ties",
    "density",
    "n_components",
    "n_isolates",
    "effective_size",
    "efficiency",
    "constraint",
    "blau_sector",
    "iqv_sector",
    "blau_relationship",
    "iqv_relationship",
    "blau_kind",
    "iqv_kind",
    "ei_professional",
    "n_support_received",
    "n_support_given",
    *(f"n_received_{t}" for t in SUPPORT_TYPES),
    *(f"n_given_{t}" for t in SUPPORT_TYPES),
    "share_reciprocal",
    "n_stressful",
    "share_stressful",
    "resources_asked",
    "resources_accessed",
    "resource_diversity",
    "n_resourceful",
    "n_bonding",
    "n_bridging",
    "n_linking",
    "share_bonding",
    "share_bridging",
    "share_linking",
)
#: Change measure columns that come before the ``d_<name>`` differences.
CHANGE_MEASURES: tuple[str, ...] = (
    "n_gained",
    "n_lost",
    "n_retained",
    "jaccard",
    "persistence",
    "mean_ring_shift",
    "n_new_bridging",
)
#: Identifying columns of :func:`cohort_measures`, before the measures.
ID_COLUMNS: tuple[str, ...] = ("person_id", "map_index", "map_label", "map_date", "map_id", "consent_research")
#: Identifying columns of :func:`cohort_changes`, before the measures.
CHANGE_ID_COLUMNS: tuple[str, ...] = (
    "person_id",
    "from_index",
    "to_index",
    "from_label",
    "to_label",
    "from_date",
    "to_date",
    "days",
)

NAN = float("nan")


def ratio(a: float, b: float) -> float:
    """``a / b``, NaN when ``b`` is 0."""
    return a / b if b else NAN


def count(index: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Per-map sums: how many rows (or how much ``weights``) fall on each of ``n`` maps."""
    return np.bincount(index, weights=weights, minlength=n).astype(float)[:n]


def div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` element by element, NaN where ``b`` is 0."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=b != 0)
    return out


def norm_text(s: str | None) -> str:
    """Free text as compared in the measures: case and surrounding spaces ignored."""
    return (s or "").strip().casefold()
