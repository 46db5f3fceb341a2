"""Who is in the network: professionals, family, and how varied the alters are (Blau's index, IQV).

Each measure is a plain function of a map; :func:`composition_columns`
computes the same formulas for many maps at once (the cohort tables and
``em.measures(m)``), and the tests check that they agree.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from egomap import fields
from egomap.fields import KINDS
from egomap.measures._base import count, div, norm_text, ratio
from egomap.measures.ei import attribute_values

if TYPE_CHECKING:  # pragma: no cover
    from egomap.measures._arrays import Arrays
    from egomap.model import Map

__all__ = [
    "blau",
    "iqv",
    "value_counts",
    "n_professional",
    "share_professional",
    "n_family",
    "share_family",
    "blau_sector",
    "iqv_sector",
    "blau_relationship",
    "iqv_relationship",
    "blau_kind",
    "iqv_kind",
]

_BLAU_REFS = """
    References
    ----------
    .. [1] Blau, P. M. (1977). *Inequality and Heterogeneity: A Primitive
       Theory of Social Structure*. Free Press.
    .. [2] Agresti, A., & Agresti, B. F. (1978). Statistical analysis of
       qualitative variation. *Sociological Methodology* 9, 204-237.
"""


def blau(counts: Iterable[float]) -> float:
    """Blau's index of heterogeneity ``1 - sum(p_k ** 2)`` from category counts.

    ``p_k`` is the share of category ``k``. 0 when everybody is in one
    category; NaN when the counts sum to zero.

    See Also
    --------
    iqv, blau_sector, blau_relationship, blau_kind
    {refs}
    Examples
    --------
    >>> blau([2, 2])
    0.5
    >>> blau([3, 1])
    0.375
    """
    c = np.asarray(list(counts), dtype=float)
    n = c.sum()
    return float("nan") if n == 0 else float(1.0 - np.sum((c / n) ** 2))


def iqv(counts: Iterable[float], k: int) -> float:
    """Index of qualitative variation: Blau's index over its maximum ``1 - 1/k``.

    ``k`` is the number of possible categories; NaN when ``k < 2`` or there is
    no one to count. 1 means alters spread evenly over all ``k`` categories.

    See Also
    --------
    blau, iqv_sector, iqv_relationship, iqv_kind
    {refs}
    Examples
    --------
    >>> iqv([2, 2], k=2)
    1.0
    >>> iqv([3, 1], k=4)
    0.5
    """
    b = blau(counts)
    return float("nan") if k < 2 or math.isnan(b) else b / (1.0 - 1.0 / k)


blau.__doc__ = (blau.__doc__ or "").replace("{refs}", _BLAU_REFS)
iqv.__doc__ = (iqv.__doc__ or "").replace("{refs}", _BLAU_REFS)


def value_counts(m: Map, attribute: str) -> pd.Series:
    """How many alters have each value of an attribute: the counts that :func:`blau` and :func:`iqv` take.

    Parameters
    ----------
    m : Map
    attribute : str
        One of :data:`~egomap.measures.EI_ATTRIBUTES` (the vocabulary's
        categorical fields, e.g. ``kind``, ``sector``, ``contact``,
        ``known_for``, and the free-text ``relationship`` and ``met_through``).

    Returns
    -------
    pandas.Series
        Counts (float64) indexed by value: every choice of the field in the
        vocabulary's order (for ``ring`` and ``sector``, those of the map's
        schemes; for ``is_professional``, False and True), then any other
        value seen; for free text, the values seen (case and surrounding
        spaces ignored) in order of first appearance. Alters with no value
        are not counted.

    See Also
    --------
    blau, iqv, ei_index

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", 0, "household", known_for="more than 5 years")
    >>> _ = m.add_alter("Coach", 2, "clubs_groups", known_for="less than a year")
    >>> _ = m.add_alter("Sam", 1, "friends", known_for="less than a year")
    >>> value_counts(m, "known_for").tolist()
    [2.0, 0.0, 1.0]
    >>> c = value_counts(m, "known_for")
    >>> round(blau(c), 4), round(iqv(c, k=len(c)), 4)
    (0.4444, 0.6667)
    """
    values = attribute_values(m, attribute)
    f = next(f for o in ("alter", "placement") for f in fields.of(o) if f.name == attribute)
    if attribute == "ring":
        known: list = list(range(len(m.rings)))
    elif attribute == "sector":
        known = list(m.sectors.keys)
    elif f.type == "bool":
        known = [False, True]
    else:
        known = list(f.choices)
    counts = Counter(v for v in values if v is not None)
    index = known + [v for v in counts if v not in known]
    return pd.Series([float(counts[v]) for v in index], index=index, name=attribute, dtype=float)


def n_professional(m: Map) -> float:
    """The number of alters marked ``is_professional`` (paid or formal support).

    See Also
    --------
    share_professional, ei_professional

    Examples
    --------
    >>> import egomap as em
    >>> n_professional(em.demo.demo_case().map("Baseline"))
    3.0
    """
    return float(sum(a.is_professional for a in m.state().alters.values()))


def share_professional(m: Map) -> float:
    """:func:`n_professional` over the number of alters; NaN for no alters.

    See Also
    --------
    n_professional, ei_professional

    Examples
    --------
    >>> import egomap as em
    >>> share_professional(em.demo.demo_case().map("Baseline"))  # 3 of 7
    0.42857142857142855
    """
    return ratio(n_professional(m), len(m.state().placements))


def n_family(m: Map) -> float:
    """The number of alters in a family sector (the sector scheme's ``family_keys``).

    See Also
    --------
    share_family

    Examples
    --------
    >>> import egomap as em
    >>> n_family(em.demo.demo_case().map("Baseline"))  # household and family
    4.0
    """
    fam = m.sectors.family_keys
    return float(sum(q.sector in fam for q in m.state().placements.values()))


def share_family(m: Map) -> float:
    """:func:`n_family` over the number of alters; NaN for no alters.

    See Also
    --------
    n_family

    Examples
    --------
    >>> import egomap as em
    >>> share_family(em.demo.demo_case().map("Baseline"))  # 4 of 7
    0.5714285714285714
    """
    return ratio(n_family(m), len(m.state().placements))


def _sector_counts(m: Map) -> Counter:
    return Counter(q.sector for q in m.state().placements.values())


def _relationship_counts(m: Map) -> Counter:
    rels = Counter(norm_text(a.relationship) for a in m.state().alters.values())
    rels.pop("", None)
    return rels


def _kind_counts(m: Map) -> Counter:
    return Counter(a.kind for a in m.state().alters.values())


def blau_sector(m: Map) -> float:
    """Blau's index of the alters' sectors, ``1 - sum(p_k ** 2)``; NaN for no alters.

    See Also
    --------
    iqv_sector, blau
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> blau_sector(em.demo.demo_case().map("Baseline"))  # 2, 2 and 3 of 7
    0.653061224489796
    """
    return blau(_sector_counts(m).values())


def iqv_sector(m: Map) -> float:
    """IQV of the alters' sectors: :func:`blau_sector` over ``1 - 1/K``, ``K`` the sectors in the scheme.

    NaN for no alters or a scheme of fewer than 2 sectors.

    See Also
    --------
    blau_sector, iqv
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> iqv_sector(em.demo.demo_case().map("Baseline"))  # K = 7
    0.7619047619047619
    """
    return iqv(_sector_counts(m).values(), len(m.sectors))


def blau_relationship(m: Map) -> float:
    """Blau's index of the alters' ``relationship`` texts.

    Case and surrounding spaces are ignored; alters with no relationship are
    left out (NaN if none has one).

    See Also
    --------
    iqv_relationship, blau
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> blau_relationship(em.demo.demo_case().map("Baseline"))  # 7 different relationships
    0.8571428571428572
    """
    return blau(_relationship_counts(m).values())


def iqv_relationship(m: Map) -> float:
    """IQV of the alters' relationships: ``K`` is the number of different relationships on the map.

    NaN when fewer than 2 different relationships are recorded.

    See Also
    --------
    blau_relationship, iqv
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> iqv_relationship(em.demo.demo_case().map("Baseline"))
    1.0
    """
    rels = _relationship_counts(m)
    return iqv(rels.values(), len(rels))


def blau_kind(m: Map) -> float:
    """Blau's index of the alters' ``kind`` (person, group, organisation, online, pet); NaN for no alters.

    See Also
    --------
    iqv_kind, blau
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> blau_kind(em.demo.demo_case().map("Baseline"))  # all persons
    0.0
    """
    return blau(_kind_counts(m).values())


def iqv_kind(m: Map) -> float:
    """IQV of the alters' ``kind`` with ``K`` = 5 kinds; NaN for no alters.

    See Also
    --------
    blau_kind, iqv
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> iqv_kind(em.demo.demo_case().map("Baseline"))
    0.0
    """
    return iqv(_kind_counts(m).values(), len(KINDS))


for _f in (blau_sector, iqv_sector, blau_relationship, iqv_relationship, blau_kind, iqv_kind):
    _f.__doc__ = (_f.__doc__ or "").replace("{refs}", _BLAU_REFS)


def _blau_iqv(map_of: np.ndarray, cat: np.ndarray, n_maps: int, k: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Blau and IQV per map of category codes ``cat`` (``-1`` = not counted); ``k=None``: categories seen."""
    ok = cat >= 0
    mo, c = map_of[ok].astype(np.int64), cat[ok].astype(np.int64)
    n_cat = int(c.max()) + 1 if len(c) else 1
    pairs, counts = np.unique(mo * n_cat + c, return_counts=True)
    pm = pairs // n_cat
    n = count(pm, n_maps, counts.astype(float))
    sq = count(pm, n_maps, counts.astype(float) ** 2)
    b = 1.0 - div(sq, n**2)
    kk = count(pm, n_maps) if k is None else k.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(kk >= 2, b / (1.0 - 1.0 / np.maximum(kk, 1.0)), np.nan)
    return b, q


def composition_columns(arr: Arrays) -> dict[str, np.ndarray]:
    """The columns ``n_professional`` ... ``share_family`` and ``blau_*``/``iqv_*`` for many maps.

    The same formulas as the functions above, over all maps at once.
    """
    m = arr.n_maps
    mo = arr.map_of
    n = count(mo, m)
    n_prof = count(mo, m, arr.prof.astype(float))
    n_fam = count(mo, m, arr.family.astype(float))
    cols = {
        "n_professional": n_prof,
        "share_professional": div(n_prof, n),
        "n_family": n_fam,
        "share_family": div(n_fam, n),
    }
    cols["blau_sector"], cols["iqv_sector"] = _blau_iqv(mo, arr.sector_code, m, arr.k_sector)
    cols["blau_relationship"], cols["iqv_relationship"] = _blau_iqv(mo, arr.rel, m, None)
    cols["blau_kind"], cols["iqv_kind"] = _blau_iqv(mo, arr.kind, m, np.full(m, len(KINDS)))
    return cols
