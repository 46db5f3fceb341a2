"""Measures as R's egor package computes them, so that numbers match a colleague's R output.

egomap's structural measures already agree with egor's: :func:`~egomap.measures.density`
is ``ego_density`` (alter-alter ties over ``n (n - 1) / 2``, the person left out)
and :func:`~egomap.measures.constraint` is ``ego_constraint`` (igraph's Burt
constraint of the person on the graph with the person tied to every alter).
Where egor differs is in reading categories: egor compares text exactly as
stored, where egomap ignores case and surrounding spaces in free text
(``relationship``, ``met_through``), and egor's ``composition`` counts alters
with no value as one more category. The functions here take
``variant="egor"`` for that reading (``variant="egomap"``, the default, is
egomap's). See ``docs/measures.md`` for the whole comparison.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from egomap.errors import ValidationError
from egomap.measures.ei import attribute_values, ei_index, raw_attribute_values

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model import Map

__all__ = ["VARIANTS", "composition_of", "diversity_count", "diversity_entropy", "comp_ei"]

#: The readings of categories: egomap's own, or R egor's.
VARIANTS = ("egomap", "egor")


def _values(m: Map, attribute: str, variant: str) -> list[Any]:
    if variant not in VARIANTS:
        raise ValidationError(f"variant is one of {', '.join(VARIANTS)}, not {variant!r}", field="variant")
    return attribute_values(m, attribute) if variant == "egomap" else raw_attribute_values(m, attribute)


def composition_of(m: Map, attribute: str, absolute: bool = False, *, variant: str = "egomap") -> pd.Series:
    """The share (or number) of alters in each category of an attribute: egor's ``composition``.

    Parameters
    ----------
    m : Map
    attribute : str
        One of :data:`~egomap.measures.EI_ATTRIBUTES`.
    absolute : bool
        Counts instead of shares.
    variant : {"egomap", "egor"}
        ``"egomap"``: alters with no value are left out and free text is
        compared ignoring case and surrounding spaces. ``"egor"``: text as
        stored, and alters with no value form a category of their own
        (index ``"<NA>"``, egor's column name for it), counted in the shares.

    Returns
    -------
    pandas.Series
        Shares (or counts) by category, in order of first appearance; empty for no alters.

    See Also
    --------
    egomap.measures.value_counts, diversity_count, diversity_entropy

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="family", relationship="Mother")
    >>> _ = m.add_alter("Gran", ring=1, sector="family", relationship="mother")
    >>> _ = m.add_alter("Sam", ring=1, sector="friends")
    >>> composition_of(m, "relationship").to_dict()
    {'mother': 1.0}
    >>> composition_of(m, "relationship", variant="egor").round(3).to_dict()
    {'Mother': 0.333, 'mother': 0.333, '<NA>': 0.333}
    """
    values = _values(m, attribute, variant)
    if variant == "egomap":
        values = [v for v in values if v is not None]
    counts = Counter("<NA>" if v is None else v for v in values)
    total = sum(counts.values())
    out = pd.Series({k: float(c) for k, c in counts.items()}, dtype=float, name=attribute)
    return out if absolute or not total else out / total


def diversity_count(m: Map, attribute: str, *, variant: str = "egomap") -> float:
    """How many different values of an attribute the alters have: egor's ``alts_diversity_count``.

    Alters with no value are not counted (as in egor). ``variant="egor"``
    compares text as stored; egomap ignores case and surrounding spaces.

    See Also
    --------
    diversity_entropy, egomap.measures.blau, egomap.measures.iqv

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="family", relationship="Mother")
    >>> _ = m.add_alter("Gran", ring=1, sector="family", relationship="mother")
    >>> diversity_count(m, "relationship"), diversity_count(m, "relationship", variant="egor")
    (1.0, 2.0)
    """
    return float(len({v for v in _values(m, attribute, variant) if v is not None}))


def diversity_entropy(m: Map, attribute: str, base: float = 2, *, variant: str = "egomap") -> float:
    """Shannon entropy of an attribute's values among the alters: egor's ``alts_diversity_entropy``.

    ``sum(p_k * log(1 / p_k))`` in base ``base`` over the categories ``k``
    (alters with no value left out, as in egor); 0 when all alike, NaN for no
    values. ``variant="egor"`` compares text as stored.

    References
    ----------
    .. [1] Shannon, C. E. (1948). A mathematical theory of communication.
       *Bell System Technical Journal* 27(3), 379-423.

    See Also
    --------
    diversity_count, egomap.measures.blau

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> for name, sector in [("Mum", "family"), ("Dad", "family"), ("Sam", "friends"), ("Jo", "work_school")]:
    ...     _ = m.add_alter(name, ring=1, sector=sector)
    >>> diversity_entropy(m, "sector")  # shares 1/2, 1/4, 1/4
    1.5
    """
    counts = Counter(v for v in _values(m, attribute, variant) if v is not None)
    total = sum(counts.values())
    if not total:
        return float("nan")
    return float(sum((c / total) * math.log(total / c, base) for c in counts.values()))


def comp_ei(m: Map, attribute: str, ego_value: Any, *, variant: str = "egomap") -> float:
    """Krackhardt and Stern's E-I index of the person against the alters: egor's ``comp_ei``.

    The same as :func:`~egomap.measures.ei_index` for ``variant="egomap"``;
    ``variant="egor"`` compares text exactly as stored (egor's ``x == ego_var``),
    where egomap ignores case and surrounding spaces. Alters with no value
    are left out either way.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and
       organizational crises: an experimental simulation. *Social Psychology
       Quarterly* 51(2), 123-140.

    See Also
    --------
    egomap.measures.ei_index

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Sam", ring=1, sector="friends", met_through="Football")
    >>> _ = m.add_alter("Jo", ring=1, sector="friends", met_through="football")
    >>> comp_ei(m, "met_through", "football"), comp_ei(m, "met_through", "football", variant="egor")
    (-1.0, 0.0)
    """
    if variant == "egomap":
        return ei_index(m, attribute, ego_value)
    values = _values(m, attribute, variant)
    if ego_value is None:
        return float("nan")
    e = sum(v is not None and v != ego_value for v in values)
    i = sum(v is not None and v == ego_value for v in values)
    return (e - i) / (e + i) if e + i else float("nan")
