"""Krackhardt and Stern's E-I index of an alter attribute against the person's own value.

:func:`ei_index` is the plain function of a map; :func:`ei_columns` computes
the same index for many maps at once (``ei=`` columns of the measure tables).
The attributes it can compare come from the vocabulary (:mod:`egomap.fields`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from egomap import fields
from egomap.errors import ValidationError
from egomap.measures._base import CHANGE_MEASURES, ID_COLUMNS, count, div

if TYPE_CHECKING:  # pragma: no cover
    from egomap.measures._arrays import Arrays
    from egomap.model import Map

__all__ = ["EI_ATTRIBUTES", "EISpec", "ei_index", "ei_professional"]

#: The vocabulary's fields that :func:`ei_index` can compare: the categorical alter and placement
#: fields (:func:`egomap.fields.categorical`) and the alter's free-text fields, compared as text.
_EI_FIELDS: dict[str, fields.Field] = {
    f.name: f
    for o in ("alter", "placement")
    for f in fields.of(o)
    if f.categorical or (f.owner == "alter" and f.type == "text")
}
#: Alter and placement attributes that :func:`ei_index` can compare with the person's value
#: (derived from :mod:`egomap.fields`).
EI_ATTRIBUTES: tuple[str, ...] = tuple(_EI_FIELDS)

#: ``ei`` argument of the measure functions: column name -> (attribute, the person's value),
#: the value either one value for everybody or a mapping person id -> value.
EISpec = Mapping[str, tuple[str, Any]]


def ei_value(attribute: str, v: Any) -> Any:
    """A value normalised for E-I comparisons; None when not recorded."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    kind = _EI_FIELDS[attribute].type
    if kind == "bool":
        if isinstance(v, str):
            raise ValidationError(f"{attribute} values are True or False, not {v!r}", field="ei", value=v)
        return bool(v)
    if kind == "int":
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValidationError(f"{attribute} values are whole numbers, not {v!r}", field="ei", value=v)
        return int(v)
    if isinstance(v, str):
        return v.strip().casefold() or None
    raise ValidationError(f"{attribute} values are text, not {v!r}", field="ei", value=v)


def _ei_attribute(attribute: object) -> str:
    if attribute not in _EI_FIELDS:
        raise ValidationError(
            f"the E-I index compares one of {', '.join(EI_ATTRIBUTES)}; not {attribute!r}",
            field="attribute",
            value=attribute,
        )
    return attribute  # type: ignore[return-value]


def _ego_value(attribute: str, ego_value: Any, person_id: str) -> Any:
    if isinstance(ego_value, Mapping):
        ego_value = ego_value.get(person_id)
    return ei_value(attribute, ego_value)


def ei_index(m: Map, attribute: str, ego_value: Any) -> float:
    """Krackhardt and Stern's E-I index of an alter attribute against the person's value.

    ``(E - I) / (E + I)``, where ``E`` counts the alters whose ``attribute``
    differs from the person's value (external ties) and ``I`` those with the
    same value (internal ties): +1 when every alter differs from the person, -1
    when all are alike (egor's ``comp_ei`` for ego networks). Alters with no
    value recorded are left out; text is compared ignoring case and
    surrounding spaces.

    Parameters
    ----------
    m : Map
    attribute : str
        One of :data:`EI_ATTRIBUTES`: the categorical alter and placement
        fields of the vocabulary (:func:`egomap.fields.categorical`: alter
        ``kind``, ``is_professional``; placement ``ring``, ``sector``,
        ``valence``, ``contact``, ``known_for``) and the alter's free-text
        ``relationship`` and ``met_through``.
    ego_value : object or mapping
        The person's own value (e.g. ``False`` for ``is_professional``), or a
        mapping from person id to value.

    Returns
    -------
    float
        NaN when the person's value is missing or no alter has a value.

    See Also
    --------
    ei_professional, measures : ``ei=`` adds E-I columns to the measure tables.

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and
       organizational crises: an experimental simulation. *Social Psychology
       Quarterly* 51(2), 123-140.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", 0, "household", known_for="more than 5 years")
    >>> _ = m.add_alter("Dr Shah", 2, "services", is_professional=True, known_for="1-5 years")
    >>> _ = m.add_alter("Support group", 2, "clubs_groups", kind="group", known_for="less than a year")
    >>> ei_index(m, "is_professional", False)  # 1 external, 2 internal
    -0.3333333333333333
    >>> ei_index(m, "kind", "person")
    -0.3333333333333333
    >>> ei_index(m, "sector", {"R-1": "household"})
    0.3333333333333333
    >>> ei_index(m, "known_for", "more than 5 years")
    0.3333333333333333
    """
    attr = _ei_attribute(attribute)
    ego = _ego_value(attr, ego_value, m.person.id)
    if ego is None:
        return float("nan")
    e = i = 0
    for v in attribute_values(m, attr):
        if v is None:
            continue
        if v == ego:
            i += 1
        else:
            e += 1
    return (e - i) / (e + i) if e + i else float("nan")


def attribute_values(m: Map, attribute: str) -> list[Any]:
    """Each alter's value of one of :data:`EI_ATTRIBUTES`, normalised as compared (None: not recorded)."""
    attr = _ei_attribute(attribute)
    st = m.state()
    on_alter = _EI_FIELDS[attr].owner == "alter"
    return [ei_value(attr, getattr(st.alters[aid] if on_alter else q, attr)) for aid, q in st.placements.items()]


def raw_attribute_values(m: Map, attribute: str) -> list[Any]:
    """Each alter's value of one of :data:`EI_ATTRIBUTES` as stored (None, or ``""`` read as None: not recorded)."""
    attr = _ei_attribute(attribute)
    st = m.state()
    on_alter = _EI_FIELDS[attr].owner == "alter"
    values = [getattr(st.alters[aid] if on_alter else q, attr) for aid, q in st.placements.items()]
    return [None if v is None or v == "" else v for v in values]


def ei_professional(m: Map) -> float:
    """The E-I index of ``is_professional`` with the person counted as not professional.

    ``(E - I) / (E + I)`` with ``E`` the professionals and ``I`` the other
    alters, i.e. ``(n_professional - (n - n_professional)) / n``: +1 = only
    professionals, -1 = none; NaN for no alters. The same as
    ``ei_index(m, "is_professional", False)``.

    See Also
    --------
    ei_index, n_professional, share_professional

    References
    ----------
    .. [1] Krackhardt, D., & Stern, R. N. (1988). Informal networks and
       organizational crises: an experimental simulation. *Social Psychology
       Quarterly* 51(2), 123-140.

    Examples
    --------
    >>> import egomap as em
    >>> ei_professional(em.demo.demo_case().map("Baseline"))  # (3 - 4) / 7
    -0.14285714285714285
    """
    return ei_index(m, "is_professional", False)


def ei_professional_column(arr: Arrays) -> dict[str, np.ndarray]:
    """The ``ei_professional`` column for many maps: ``(2 n_professional - n) / n`` (:func:`ei_professional`)."""
    n = count(arr.map_of, arr.n_maps)
    n_prof = count(arr.map_of, arr.n_maps, arr.prof.astype(float))
    return {"ei_professional": div(2 * n_prof - n, n)}


def check_ei(ei: EISpec | None, taken: Iterable[str] = ()) -> dict[str, tuple[str, Any]]:
    """The ``ei`` argument checked: column name -> (attribute, the person's value)."""
    if ei is None:
        return {}
    if not isinstance(ei, Mapping):
        raise ValidationError(
            "ei maps column names to (attribute, the person's value), e.g. {'ei_kind': ('kind', 'person')}",
            field="ei",
        )
    out = {}
    for name, spec in ei.items():
        if not isinstance(name, str) or not name or name in taken or name in ID_COLUMNS or name in CHANGE_MEASURES:
            raise ValidationError(f"ei column name {name!r} is empty or already a measure name", field="ei")
        if not isinstance(spec, (tuple, list)) or len(spec) != 2:
            raise ValidationError(f"ei[{name!r}] must be (attribute, the person's value), got {spec!r}", field="ei")
        attr = _ei_attribute(spec[0])
        if not isinstance(spec[1], Mapping):
            ei_value(attr, spec[1])  # checks the type
        out[name] = (attr, spec[1])
    return out


def ei_columns(arr: Arrays, persons: Sequence[str], ei: dict[str, tuple[str, Any]]) -> dict[str, np.ndarray]:
    """E-I index columns for every map at once (the formula of :func:`ei_index`); ``persons``: each map's person."""
    out = {}
    for name, (attr, ego_value) in ei.items():
        codes, uniq = arr.values(attr)
        norm = [ei_value(attr, u) for u in uniq]
        # code of each distinct normalised value; -1 = not recorded
        vcode: dict[Any, int] = {}
        look = np.array([-1 if v is None else vcode.setdefault(v, len(vcode)) for v in norm] + [-1], dtype=np.int64)
        val = look[codes] if len(codes) else np.zeros(0, dtype=np.int64)
        ego_code = np.array(
            [-2 if (v := _ego_value(attr, ego_value, pid)) is None else vcode.get(v, -3) for pid in persons],
            dtype=np.int64,
        )
        ego_pl = ego_code[arr.map_of]
        ok = val >= 0
        internal = count(arr.map_of, arr.n_maps, (ok & (val == ego_pl)).astype(float))
        external = count(arr.map_of, arr.n_maps, (ok & (val != ego_pl)).astype(float))
        col = div(external - internal, external + internal)
        col[ego_code == -2] = np.nan
        out[name] = col
    return out
