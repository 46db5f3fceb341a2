"""Support received and given, reciprocity, and stressful relationships.

Each measure is a plain function of a map; :func:`support_columns` computes
the same formulas for many maps at once (the cohort tables and
``em.measures(m)``), and the tests check that they agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from egomap.errors import ValidationError
from egomap.fields import SUPPORT_TYPES, VALENCES
from egomap.measures._base import count, div, ratio

if TYPE_CHECKING:  # pragma: no cover
    from egomap.measures._arrays import Arrays
    from egomap.model import Map

__all__ = ["n_support_received", "n_support_given", "share_reciprocal", "n_stressful", "share_stressful"]

_STRESSFUL = VALENCES.index("stressful")


def _check_type(support_type: str | None) -> None:
    if support_type is not None and support_type not in SUPPORT_TYPES:
        raise ValidationError(
            f"unknown support type {support_type!r}: one of {', '.join(SUPPORT_TYPES)}",
            field="support_type",
            value=support_type,
        )


def n_support_received(m: Map, support_type: str | None = None) -> float:
    """The number of alters from whom the person receives support (of any type, or of ``support_type``).

    Parameters
    ----------
    m : Map
    support_type : {"emotional", "practical", "information", "companionship"}, optional
        Count only this type of support (the ``n_received_<type>`` columns).

    See Also
    --------
    n_support_given, share_reciprocal

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> n_support_received(m), n_support_received(m, "emotional")
    (7.0, 4.0)
    """
    _check_type(support_type)
    pl = m.state().placements.values()
    return float(
        sum(bool(q.support_received) if support_type is None else support_type in q.support_received for q in pl)
    )


def n_support_given(m: Map, support_type: str | None = None) -> float:
    """The number of alters to whom the person gives support (of any type, or of ``support_type``).

    Parameters
    ----------
    m : Map
    support_type : {"emotional", "practical", "information", "companionship"}, optional
        Count only this type of support (the ``n_given_<type>`` columns).

    See Also
    --------
    n_support_received, share_reciprocal

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> n_support_given(m), n_support_given(m, "information")
    (3.0, 0.0)
    """
    _check_type(support_type)
    pl = m.state().placements.values()
    return float(sum(bool(q.support_given) if support_type is None else support_type in q.support_given for q in pl))


def share_reciprocal(m: Map) -> float:
    """Among the alters with any support (received or given), the share with support both ways.

    NaN when no alter has any support recorded.

    See Also
    --------
    n_support_received, n_support_given

    Examples
    --------
    >>> import egomap as em
    >>> share_reciprocal(em.demo.demo_case().map("Baseline"))  # 3 of 7
    0.42857142857142855
    """
    pl = list(m.state().placements.values())
    any_support = sum(bool(q.support_received) or bool(q.support_given) for q in pl)
    both = sum(bool(q.support_received) and bool(q.support_given) for q in pl)
    return ratio(both, any_support)


def n_stressful(m: Map) -> float:
    """The number of alters whose valence is ``stressful``.

    See Also
    --------
    share_stressful

    Examples
    --------
    >>> import egomap as em
    >>> n_stressful(em.demo.demo_case().map("Baseline"))
    1.0
    """
    return float(sum(q.valence == "stressful" for q in m.state().placements.values()))


def share_stressful(m: Map) -> float:
    """:func:`n_stressful` over the alters whose valence is recorded; NaN if none is recorded.

    See Also
    --------
    n_stressful

    Examples
    --------
    >>> import egomap as em
    >>> share_stressful(em.demo.demo_case().map("Baseline"))
    0.14285714285714285
    """
    vals = [q.valence for q in m.state().placements.values() if q.valence]
    return ratio(sum(v == "stressful" for v in vals), len(vals))


def support_columns(arr: Arrays) -> dict[str, np.ndarray]:
    """The columns ``n_support_received`` ... ``share_stressful`` for many maps.

    The same formulas as the functions above, over all maps at once.
    """
    m = arr.n_maps
    mo = arr.map_of
    any_r = arr.recv.any(axis=1)
    any_g = arr.given.any(axis=1)
    cols = {
        "n_support_received": count(mo, m, any_r.astype(float)),
        "n_support_given": count(mo, m, any_g.astype(float)),
    }
    for i, t in enumerate(SUPPORT_TYPES):
        cols[f"n_received_{t}"] = count(mo, m, arr.recv[:, i].astype(float))
    for i, t in enumerate(SUPPORT_TYPES):
        cols[f"n_given_{t}"] = count(mo, m, arr.given[:, i].astype(float))
    cols["share_reciprocal"] = div(count(mo, m, (any_r & any_g).astype(float)), count(mo, m, (any_r | any_g)))
    n_str = count(mo, m, (arr.valence == _STRESSFUL).astype(float))
    cols["n_stressful"] = n_str
    cols["share_stressful"] = div(n_str, count(mo, m, (arr.valence >= 0).astype(float)))
    return cols
