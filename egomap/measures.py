"""Per-map measures, change measures and cohort tables.

:func:`measures` turns one map into a pandas Series of numbers;
:func:`change_measures` compares two maps of the same person;
:func:`cohort_measures` and :func:`cohort_changes` (also reached as
``em.cohort_measures(store)`` and ``em.cohort_changes(store)``) give tidy tables with one row per
person x map, or per person x pair of consecutive maps.

The cohort tables read the store's tables once with SQL and compute every
measure with numpy over all maps at once; they give the same values as
:func:`reference_measures`, the plain per-map networkx version, which is kept
as the readable definition and for checking.

Per-map measures (all ``float64``; counts are whole numbers)
------------------------------------------------------------
The network is the person (ego) and the alters on the map; ``n`` is the number
of alters and ``t`` the number of alter-alter ties. For the structural-hole
measures the person is tied to every alter.

======================  ==================================================================
column                  meaning
======================  ==================================================================
size                    ``n``, alters on the map
size_ring_<i>           alters in ring ``i`` (0 = innermost); NaN if the map's ring
                        scheme has no ring ``i``
size_sector_<key>       alters in sector ``key``; NaN if the map's sector scheme has no
                        such sector
n_professional          alters marked ``is_professional``
share_professional      ``n_professional / n`` (NaN if ``n`` is 0)
n_family                alters in a family sector (``map.sectors.family_keys``)
share_family            ``n_family / n`` (NaN if ``n`` is 0)
n_ties                  ``t``, alter-alter ties
density                 ``t / (n (n - 1) / 2)``; NaN for fewer than 2 alters
n_components            connected components among the alters (person left out); 0 if
                        ``n`` is 0
n_isolates              alters tied to no other alter
effective_size          Borgatti's (1997) effective size of the person's network,
                        ``n - 2 t / n`` (equals ``networkx.effective_size``); NaN if ``n``
                        is 0
efficiency              ``effective_size / n``
constraint              Burt's (1992) aggregate constraint of the person, with the
                        person tied to every alter (equals ``networkx.constraint`` of the
                        person on that graph); NaN if ``n`` is 0
blau_sector             Blau's index of heterogeneity of the alters' sectors,
                        ``1 - sum(p_k ** 2)``; NaN if ``n`` is 0
iqv_sector              index of qualitative variation: ``blau / (1 - 1 / K)`` with ``K``
                        the number of sectors in the scheme; NaN if ``K`` < 2
blau_relationship       Blau's index of the ``relationship`` texts (case and surrounding
                        spaces ignored; alters with no relationship left out)
iqv_relationship        ``blau_relationship / (1 - 1 / K)`` with ``K`` the number of
                        different relationships on the map; NaN if ``K`` < 2
blau_kind, iqv_kind     the same for the alter ``kind`` (``K`` = 5 kinds)
ei_professional         E-I index of ``is_professional`` against the person, who counts
                        as not professional: ``(E - I) / (E + I)`` with ``E`` the
                        professionals and ``I`` the other alters, i.e.
                        ``(n_professional - (n - n_professional)) / n``; +1 = only
                        professionals, -1 = none; NaN if ``n`` is 0
n_support_received      alters from whom the person receives any support
n_support_given         alters to whom the person gives any support
n_received_<type>       alters giving the person support of ``type`` (emotional,
                        practical, information, companionship)
n_given_<type>          alters the person gives support of ``type`` to
share_reciprocal        among alters with any support (received or given), the share
                        with both received and given support; NaN if there are none
n_stressful             alters whose valence is ``stressful``
share_stressful         ``n_stressful`` over the alters whose valence is recorded; NaN if
                        none is recorded
======================  ==================================================================

The E-I index of any other alter attribute against the person's own value is
:func:`ei_index`; pass ``ei={"ei_kind": ("kind", "person")}`` to
:func:`measures`, ``em.cohort_measures(store)`` or ``em.cohort_changes(store)`` to add such
columns (after the fixed ones; the person's value may be a mapping from person
id to value).

Change measures (consecutive maps ``a`` then ``b`` of one person)
-----------------------------------------------------------------
``n_gained`` (on ``b`` only), ``n_lost`` (on ``a`` only), ``n_retained`` (on both),
``jaccard`` (retained over alters on either map; NaN if both are empty),
``persistence`` (``n_retained`` over the size of ``a``; NaN if ``a`` is empty),
``mean_ring_shift`` (mean of ring on ``b`` minus ring on ``a`` over retained
alters; negative = moved inward; NaN if none retained), then ``d_<name>``
(value on ``b`` minus value on ``a``) for every per-map measure.

Examples
--------
>>> import egomap as em
>>> p = em.Person("R-1")
>>> m = p.new_map("Baseline")
>>> mum = m.add_alter("Mum", ring=0, sector="household")
>>> gp = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
>>> s = em.measures(m)
>>> s[["size", "share_professional", "effective_size", "constraint"]].tolist()
[2.0, 0.5, 2.0, 0.5]
"""

from __future__ import annotations

import json
import math
import sys
import types
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from egomap import schemes as _schemes
from egomap.errors import NotFoundError, ValidationError
from egomap.model import ALTER_FIELDS, KINDS, SUPPORT_TYPES, VALENCES

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model import Map
    from egomap.store import Store

__all__ = [
    "MEASURES",
    "CHANGE_MEASURES",
    "ID_COLUMNS",
    "CHANGE_ID_COLUMNS",
    "measures",
    "change_measures",
    "cohort_measures",
    "cohort_changes",
    "reference_measures",
    "blau",
    "iqv",
    "ei_index",
    "EI_ATTRIBUTES",
]

#: Fixed per-map measure columns, in order (``size_ring_<i>`` and
#: ``size_sector_<key>`` come right after ``size``; they depend on the schemes).
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
)
#: Change measure columns that come before the ``d_<name>`` differences.
CHANGE_MEASURES: tuple[str, ...] = ("n_gained", "n_lost", "n_retained", "jaccard", "persistence", "mean_ring_shift")
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

_STRESSFUL = VALENCES.index("stressful")
_AUTO_PROGRESS = 3000  # maps: show a progress bar from this many maps on, unless told
_CHUNK = 20_000  # rows read at a time when a progress bar is shown
_COMPUTE_SHARE = 4  # the bar gives indexing and computing 1/4 of the rows read


# --------------------------------------------------------------------------- small formulas


def blau(counts: Iterable[float]) -> float:
    """Blau's index of heterogeneity ``1 - sum(p_k ** 2)`` from category counts.

    NaN when the counts sum to zero (Blau 1977; Agresti & Agresti 1978).

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

    Examples
    --------
    >>> iqv([2, 2], k=2)
    1.0
    >>> iqv([3, 1], k=4)
    0.5
    """
    b = blau(counts)
    return float("nan") if k < 2 or math.isnan(b) else b / (1.0 - 1.0 / k)


#: Alter and placement attributes that :func:`ei_index` can compare with the person's value.
EI_ATTRIBUTES: tuple[str, ...] = (
    "kind",
    "relationship",
    "is_professional",
    "met_through",
    "ring",
    "sector",
    "valence",
    "contact",
)

#: ``ei`` argument of the measure functions: column name -> (attribute, the person's value),
#: the value either one value for everybody or a mapping person id -> value.
EISpec = Mapping[str, tuple[str, Any]]


def _ei_value(attribute: str, v: Any) -> Any:
    """A value normalised for E-I comparisons; None when not recorded."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if attribute == "is_professional":
        if isinstance(v, str):
            raise ValidationError(f"is_professional values are True or False, not {v!r}", field="ei", value=v)
        return bool(v)
    if attribute == "ring":
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValidationError(f"ring values are whole numbers, not {v!r}", field="ei", value=v)
        return int(v)
    if isinstance(v, str):
        return v.strip().casefold() or None
    raise ValidationError(f"{attribute} values are text, not {v!r}", field="ei", value=v)


def _ei_attribute(attribute: object) -> str:
    if attribute not in EI_ATTRIBUTES:
        raise ValidationError(
            f"the E-I index compares one of {', '.join(EI_ATTRIBUTES)}; not {attribute!r}",
            field="attribute",
            value=attribute,
        )
    return attribute  # type: ignore[return-value]


def _ego_value(attribute: str, ego_value: Any, person_id: str) -> Any:
    if isinstance(ego_value, Mapping):
        ego_value = ego_value.get(person_id)
    return _ei_value(attribute, ego_value)


def ei_index(m: Map, attribute: str, ego_value: Any) -> float:
    """Krackhardt and Stern's E-I index of an alter attribute against the person's value.

    ``(E - I) / (E + I)``, where ``E`` counts the alters whose ``attribute``
    differs from the person's value (external ties) and ``I`` those with the
    same value (internal ties): +1 when every alter differs from the person, -1
    when all are alike (Krackhardt & Stern 1988, *Social Psychology Quarterly*
    51(2); egor's ``comp_ei`` for ego networks). Alters with no value recorded
    are left out; text is compared ignoring case and surrounding spaces.

    Parameters
    ----------
    m : Map
    attribute : str
        One of :data:`EI_ATTRIBUTES`: alter ``kind``, ``relationship``,
        ``is_professional``, ``met_through``, or placement ``ring``,
        ``sector``, ``valence``, ``contact``.
    ego_value : object or mapping
        The person's own value (e.g. ``False`` for ``is_professional``), or a
        mapping from person id to value.

    Returns
    -------
    float
        NaN when the person's value is missing or no alter has a value.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", 0, "household")
    >>> _ = m.add_alter("Dr Shah", 2, "services", is_professional=True)
    >>> _ = m.add_alter("Support group", 2, "clubs_groups", kind="group")
    >>> ei_index(m, "is_professional", False)  # 1 external, 2 internal
    -0.3333333333333333
    >>> ei_index(m, "kind", "person")
    -0.3333333333333333
    >>> ei_index(m, "sector", {"R-1": "household"})
    0.3333333333333333
    """
    attr = _ei_attribute(attribute)
    ego = _ego_value(attr, ego_value, m.person.id)
    if ego is None:
        return float("nan")
    st = m.state()
    e = i = 0
    for aid, q in st.placements.items():
        raw = getattr(st.alters[aid], attr) if attr in ALTER_FIELDS else getattr(q, attr)
        v = _ei_value(attr, raw)
        if v is None:
            continue
        if v == ego:
            i += 1
        else:
            e += 1
    return (e - i) / (e + i) if e + i else float("nan")


def _check_ei(ei: EISpec | None, taken: Iterable[str] = ()) -> dict[str, tuple[str, Any]]:
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
            _ei_value(attr, spec[1])  # checks the type
        out[name] = (attr, spec[1])
    return out


def _ei_columns(arr: _Arrays, mdf: pd.DataFrame, ei: dict[str, tuple[str, Any]]) -> dict[str, np.ndarray]:
    """E-I index columns for every map at once (same values as :func:`ei_index`)."""
    out = {}
    persons = mdf["person_id"].tolist()
    for name, (attr, ego_value) in ei.items():
        codes, uniq = pd.factorize(arr.pl[attr], use_na_sentinel=True)
        norm = [_ei_value(attr, u.item() if isinstance(u, np.generic) else u) for u in uniq]
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
        internal = _count(arr.map_of, arr.n_maps, (ok & (val == ego_pl)).astype(float))
        external = _count(arr.map_of, arr.n_maps, (ok & (val != ego_pl)).astype(float))
        col = _div(external - internal, external + internal)
        col[ego_code == -2] = np.nan
        out[name] = col
    return out


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    np.divide(a, b, out=out, where=b != 0)
    return out


# --------------------------------------------------------------------------- raw tables


def _norm_rel(s: str | None) -> str:
    return (s or "").strip().casefold()


class _Schemes:
    """Parses scheme JSON once per distinct string."""

    def __init__(self) -> None:
        self._rings: dict[Any, int] = {}
        self._sectors: dict[Any, _schemes.SectorScheme] = {}

    def n_rings(self, v: Any) -> int:
        key = v if isinstance(v, str) else id(v)
        if key not in self._rings:
            self._rings[key] = len(v) if isinstance(v, _schemes.RingScheme) else len(json.loads(v)["rings"])
        return self._rings[key]

    def sectors(self, v: Any) -> _schemes.SectorScheme:
        if isinstance(v, _schemes.SectorScheme):
            return v
        if v not in self._sectors:
            self._sectors[v] = _schemes.SectorScheme.from_dict(json.loads(v))
        return self._sectors[v]


_PL_COLS = [
    "map_id",
    "alter_id",
    "ring",
    "sector",
    "support_received",
    "support_given",
    "valence",
    "kind",
    "is_professional",
    "relationship",
    "met_through",
    "contact",
]


def _tables_from_maps(maps: Sequence[Map]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The raw tables (as read from a store) for in-memory maps."""
    mrows, prows, trows = [], [], []
    for i, m in enumerate(maps):
        mrows.append(
            (m.id, m.person.id, i, m.label, (m.date.isoformat() if m.date else None), m.rings, m.sectors, True)
        )
        st = m.state()
        for aid, q in st.placements.items():
            a = st.alters[aid]
            prows.append(
                (
                    m.id,
                    aid,
                    q.ring,
                    q.sector,
                    ",".join(sorted(q.support_received)),
                    ",".join(sorted(q.support_given)),
                    q.valence,
                    a.kind,
                    int(a.is_professional),
                    a.relationship,
                    a.met_through,
                    q.contact,
                )
            )
        trows.extend((m.id, t.a, t.b) for t in st.ties)
    mdf = pd.DataFrame(
        mrows,
        columns=["map_id", "person_id", "map_index", "map_label", "map_date", "rings", "sectors", "consent_research"],
    )
    return mdf, pd.DataFrame(prows, columns=_PL_COLS), pd.DataFrame(trows, columns=["map_id", "a", "b"])


def _read_maps(store: Store, persons: Iterable[str] | None, maps: Iterable[str | int] | None) -> pd.DataFrame:
    mdf = store.read_maps()
    mdf.insert(2, "map_index", mdf.groupby("person_id", sort=False).cumcount().astype(int))
    if persons is not None:
        if isinstance(persons, str):
            persons = [persons]
        wanted = list(dict.fromkeys(persons))
        known = set(mdf["person_id"])
        missing = [p for p in wanted if p not in known]
        if missing:
            raise NotFoundError(f"no maps for person {missing[0]!r} in the store {str(store.path)!r}")
        mdf = mdf[mdf["person_id"].isin(wanted)]
    if maps is not None:
        mdf = _select_maps(mdf, maps)
    return mdf.reset_index(drop=True)


def _select_maps(mdf: pd.DataFrame, maps: Iterable[str | int]) -> pd.DataFrame:
    if isinstance(maps, (str, int)):
        maps = [maps]
    keep = np.zeros(len(mdf), dtype=bool)
    count = mdf.groupby("person_id", sort=False)["map_index"].transform("size").to_numpy()
    idx = mdf["map_index"].to_numpy()
    for ref in maps:
        if isinstance(ref, bool) or not isinstance(ref, (str, int)):
            raise ValidationError(f"maps must be map labels or positions (0, 1, -1), got {ref!r}", field="maps")
        if isinstance(ref, int):
            keep |= idx == np.where(ref < 0, count + ref, ref)
        else:
            keep |= (mdf["map_label"] == ref).to_numpy()
    return mdf[keep]


def _fetch(cur: Any, bar: Any, what: str) -> list:
    """All rows of a cursor, read in chunks so that the progress bar moves."""
    if bar is None:
        return cur.fetchall()
    bar.set_postfix_str(f"reading {what}", refresh=False)
    out: list = []
    while rows := cur.fetchmany(_CHUNK):
        out.extend(rows)
        bar.update(len(rows))
    return out


def _read_rows(store: Store, mdf: pd.DataFrame, everything: bool, bar: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    map_ids = None if everything else mdf["map_id"].tolist()
    on_rows = None
    if bar is not None:  # rows to read, plus a share for indexing and computing
        n = store.count_rows("placements", map_ids) + store.count_rows("ties", map_ids)
        bar.reset(total=n + n // _COMPUTE_SHARE + 2)
        on_rows = bar.update
    if bar is not None:
        bar.set_postfix_str("reading placements", refresh=False)
    pl = store.read_table("placements", _PL_COLS, map_ids, on_rows=on_rows)
    if bar is not None:
        bar.set_postfix_str("reading ties", refresh=False)
    ties = store.read_table("ties", ["map_id", "a", "b"], map_ids, on_rows=on_rows)
    return pl, ties


# --------------------------------------------------------------------------- vectorised core


class _Arrays:
    """Integer arrays over all placements and ties of many maps."""

    def __init__(self, mdf: pd.DataFrame, pl: pd.DataFrame, ties: pd.DataFrame, cache: _Schemes) -> None:
        n_maps = len(mdf)
        self.n_maps = n_maps
        self.map_of = pd.Index(mdf["map_id"]).get_indexer(pl["map_id"])
        keep = self.map_of >= 0
        if not keep.all():
            pl = pl[keep]
            self.map_of = self.map_of[keep]
        self.pl = pl
        codes, _ = pd.factorize(pd.concat([pl["alter_id"], ties["a"], ties["b"]], ignore_index=True))
        n_codes = int(codes.max()) + 1 if len(codes) else 1
        p = len(pl)
        nt = len(ties)
        self.alter_code = codes[:p].astype(np.int64)
        key = self.map_of.astype(np.int64) * n_codes + self.alter_code
        order = np.argsort(key, kind="stable")
        skey = key[order]
        tmap = pd.Index(mdf["map_id"]).get_indexer(ties["map_id"]).astype(np.int64)

        def find(c: np.ndarray) -> np.ndarray:
            k = tmap * n_codes + c
            pos = np.searchsorted(skey, k)
            pos = np.minimum(pos, max(len(skey) - 1, 0))
            ok = (tmap >= 0) & (len(skey) > 0)
            ok &= skey[pos] == k if len(skey) else False
            return np.where(ok, order[pos] if len(skey) else -1, -1)

        ta = find(codes[p : p + nt].astype(np.int64))
        tb = find(codes[p + nt :].astype(np.int64))
        good = (ta >= 0) & (tb >= 0) & (ta != tb)
        self.ta, self.tb = ta[good], tb[good]
        self.ring = pl["ring"].to_numpy(dtype=np.int64)
        self.prof = pl["is_professional"].to_numpy().astype(bool)
        self.n_rings = np.array([cache.n_rings(v) for v in mdf["rings"]], dtype=np.int64)
        # sectors: global key codes, family flags and scheme sizes per map
        sec_codes, sec_keys = pd.factorize(pl["sector"])
        self.sector_code = sec_codes
        scheme_codes, scheme_vals = pd.factorize(mdf["sectors"].map(lambda v: v if isinstance(v, str) else id(v)))
        objs: dict[int, _schemes.SectorScheme] = {}
        for code, v in zip(scheme_codes, mdf["sectors"]):
            if code not in objs:
                objs[code] = cache.sectors(v)
        keys: list[str] = []
        for code in range(len(scheme_vals)):
            keys.extend(k for k in objs[code].keys if k not in keys)
        keys.extend(k for k in sec_keys if k not in keys)
        self.sector_keys = keys
        key_pos = np.array([keys.index(k) for k in sec_keys], dtype=np.int64)
        self.sector_code = key_pos[sec_codes] if len(sec_codes) else np.zeros(0, dtype=np.int64)
        in_scheme = np.zeros((len(scheme_vals), len(keys)), dtype=bool)
        family = np.zeros((len(scheme_vals), len(keys)), dtype=bool)
        k_sector = np.zeros(len(scheme_vals), dtype=np.int64)
        for code, sch in objs.items():
            for k in sch.keys:
                in_scheme[code, keys.index(k)] = True
            for k in sch.family_keys:
                family[code, keys.index(k)] = True
            k_sector[code] = len(sch)
        self.map_scheme = scheme_codes
        self.sector_in_scheme = in_scheme[scheme_codes]  # (n_maps, n_keys)
        self.k_sector = k_sector[scheme_codes]
        self.family = family[scheme_codes[self.map_of], self.sector_code] if p else np.zeros(0, dtype=bool)
        self.kind = _codes(pl["kind"], KINDS)
        rel = pl["relationship"].fillna("")
        rc, ru = pd.factorize(rel)
        norm = pd.Series([_norm_rel(r) for r in ru], dtype=object)
        nc, _ = pd.factorize(norm)
        nc = np.where(norm.to_numpy() == "", -1, nc)
        self.rel = nc[rc] if len(rc) else np.zeros(0, dtype=np.int64)
        self.recv = _support_flags(pl["support_received"])
        self.given = _support_flags(pl["support_given"])
        self.valence = _codes(pl["valence"], VALENCES)


def _codes(col: pd.Series, choices: Sequence[str]) -> np.ndarray:
    codes, uniq = pd.factorize(col)
    look = np.array([choices.index(u) if u in choices else -1 for u in uniq] + [-1], dtype=np.int64)
    return look[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def _support_flags(col: pd.Series) -> np.ndarray:
    codes, uniq = pd.factorize(col.fillna(""))
    look = np.zeros((len(uniq) + 1, len(SUPPORT_TYPES)), dtype=bool)
    for i, u in enumerate(uniq):
        parts = set(str(u).split(","))
        look[i] = [t in parts for t in SUPPORT_TYPES]
    return look[codes] if len(codes) else np.zeros((0, len(SUPPORT_TYPES)), dtype=bool)


def _count(index: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(index, weights=weights, minlength=n).astype(float)[:n]


def _blau_iqv(map_of: np.ndarray, cat: np.ndarray, n_maps: int, k: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Blau and IQV per map of category codes ``cat`` (``-1`` = not counted)."""
    ok = cat >= 0
    mo, c = map_of[ok].astype(np.int64), cat[ok].astype(np.int64)
    n_cat = int(c.max()) + 1 if len(c) else 1
    pairs, counts = np.unique(mo * n_cat + c, return_counts=True)
    pm = pairs // n_cat
    n = _count(pm, n_maps, counts.astype(float))
    sq = _count(pm, n_maps, counts.astype(float) ** 2)
    b = 1.0 - _div(sq, n**2)
    kk = _count(pm, n_maps) if k is None else k.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(kk >= 2, b / (1.0 - 1.0 / np.maximum(kk, 1.0)), np.nan)
    return b, q


def _compute(arr: _Arrays) -> pd.DataFrame:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m = arr.n_maps
    mo = arr.map_of
    size = _count(mo, m)
    cols: dict[str, np.ndarray] = {"size": size}
    max_r = int(arr.n_rings.max()) if m else 0
    rc = _count(mo * max(max_r, 1) + arr.ring, m * max(max_r, 1)).reshape(m, max(max_r, 1))
    for r in range(max_r):
        cols[f"size_ring_{r}"] = np.where(r < arr.n_rings, rc[:, r], np.nan)
    nk = len(arr.sector_keys)
    sc = _count(mo * max(nk, 1) + arr.sector_code, m * max(nk, 1)).reshape(m, max(nk, 1))
    for j, key in enumerate(arr.sector_keys):
        cols[f"size_sector_{key}"] = np.where(arr.sector_in_scheme[:, j], sc[:, j], np.nan)
    n_prof = _count(mo, m, arr.prof.astype(float))
    cols["n_professional"] = n_prof
    cols["share_professional"] = _div(n_prof, size)
    n_fam = _count(mo, m, arr.family.astype(float))
    cols["n_family"] = n_fam
    cols["share_family"] = _div(n_fam, size)
    ta, tb = arr.ta, arr.tb
    n_ties = _count(mo[ta], m)
    cols["n_ties"] = n_ties
    cols["density"] = np.where(size >= 2, _div(n_ties, size * (size - 1) / 2), np.nan)
    p = len(mo)
    if p:
        g = coo_matrix((np.ones(len(ta)), (ta, tb)), shape=(p, p))
        n_comp, labels = connected_components(g, directed=False)
        comp_map = np.zeros(n_comp, dtype=np.int64)
        comp_map[labels] = mo
        cols["n_components"] = _count(comp_map, m)
    else:
        cols["n_components"] = np.zeros(m)
    deg = np.bincount(ta, minlength=p) + np.bincount(tb, minlength=p)
    cols["n_isolates"] = _count(mo, m, (deg == 0).astype(float))
    eff = np.where(size > 0, size - _div(2 * n_ties, size), np.nan)
    cols["effective_size"] = eff
    cols["efficiency"] = _div(eff, size)
    q = 1.0 / (1.0 + deg)
    s = np.bincount(ta, weights=q[tb], minlength=p) + np.bincount(tb, weights=q[ta], minlength=p)
    inv_n = _div(np.ones(m), size)
    local = (inv_n[mo] * (1.0 + s)) ** 2
    cols["constraint"] = np.where(size > 0, _count(mo, m, local), np.nan)
    cols["blau_sector"], cols["iqv_sector"] = _blau_iqv(mo, arr.sector_code, m, arr.k_sector)
    cols["blau_relationship"], cols["iqv_relationship"] = _blau_iqv(mo, arr.rel, m, None)
    cols["blau_kind"], cols["iqv_kind"] = _blau_iqv(mo, arr.kind, m, np.full(m, len(KINDS)))
    cols["ei_professional"] = _div(2 * n_prof - size, size)
    any_r = arr.recv.any(axis=1)
    any_g = arr.given.any(axis=1)
    cols["n_support_received"] = _count(mo, m, any_r.astype(float))
    cols["n_support_given"] = _count(mo, m, any_g.astype(float))
    for i, t in enumerate(SUPPORT_TYPES):
        cols[f"n_received_{t}"] = _count(mo, m, arr.recv[:, i].astype(float))
    for i, t in enumerate(SUPPORT_TYPES):
        cols[f"n_given_{t}"] = _count(mo, m, arr.given[:, i].astype(float))
    cols["share_reciprocal"] = _div(_count(mo, m, (any_r & any_g).astype(float)), _count(mo, m, (any_r | any_g)))
    n_str = _count(mo, m, (arr.valence == _STRESSFUL).astype(float))
    cols["n_stressful"] = n_str
    cols["share_stressful"] = _div(n_str, _count(mo, m, (arr.valence >= 0).astype(float)))
    return pd.DataFrame(cols).astype(float)


def _changes(arr: _Arrays, mdf: pd.DataFrame, mm: pd.DataFrame) -> pd.DataFrame:
    """Change measures for each pair of consecutive rows of ``mdf`` of one person."""
    person = mdf["person_id"].to_numpy()
    n = len(mdf)
    first = np.arange(n - 1) if n > 1 else np.zeros(0, dtype=np.int64)
    first = first[person[first] == person[first + 1]] if n > 1 else first
    second = first + 1
    pair_of_map = np.full(n, -1, dtype=np.int64)
    pair_of_map[first] = np.arange(len(first))
    # retained alters: same alter code on map i and map i+1
    a_pair = pair_of_map[arr.map_of]
    sel_a = a_pair >= 0
    prev_pair = np.full(n, -1, dtype=np.int64)
    prev_pair[second] = np.arange(len(first))
    b_pair = prev_pair[arr.map_of]
    sel_b = b_pair >= 0
    left = pd.DataFrame({"pair": a_pair[sel_a], "alter": arr.alter_code[sel_a], "ring_a": arr.ring[sel_a]})
    right = pd.DataFrame({"pair": b_pair[sel_b], "alter": arr.alter_code[sel_b], "ring_b": arr.ring[sel_b]})
    both = left.merge(right, on=["pair", "alter"], how="inner")
    k = len(first)
    retained = _count(both["pair"].to_numpy(), k)
    shift = _count(both["pair"].to_numpy(), k, (both["ring_b"] - both["ring_a"]).to_numpy(dtype=float))
    size_a = mm["size"].to_numpy()[first]
    size_b = mm["size"].to_numpy()[second]
    out = pd.DataFrame(
        {
            "n_gained": size_b - retained,
            "n_lost": size_a - retained,
            "n_retained": retained,
            "jaccard": _div(retained, size_a + size_b - retained),
            "persistence": _div(retained, size_a),
            "mean_ring_shift": _div(shift, retained),
        }
    )
    diffs = mm.to_numpy()[second] - mm.to_numpy()[first]
    d = pd.DataFrame(diffs, columns=[f"d_{c}" for c in mm.columns])
    res = pd.concat([out, d], axis=1).astype(float)
    fd = pd.to_datetime(mdf["map_date"].iloc[first].reset_index(drop=True), errors="coerce")
    td = pd.to_datetime(mdf["map_date"].iloc[second].reset_index(drop=True), errors="coerce")
    ids = pd.DataFrame(
        {
            "person_id": person[first],
            "from_index": mdf["map_index"].to_numpy()[first],
            "to_index": mdf["map_index"].to_numpy()[second],
            "from_label": mdf["map_label"].to_numpy()[first],
            "to_label": mdf["map_label"].to_numpy()[second],
            "from_date": fd,
            "to_date": td,
            "days": (td - fd).dt.days.astype(float),
        }
    )
    return pd.concat([ids, res], axis=1)


# --------------------------------------------------------------------------- public API


def measures(m: Map, *, ei: EISpec | None = None) -> pd.Series:
    """Per-map measures of one map as a pandas Series (names: see the module docs).

    Parameters
    ----------
    m : Map
    ei : mapping, optional
        Extra E-I index columns (see :func:`ei_index`): column name ->
        ``(attribute, the person's value)``, e.g.
        ``{"ei_kind": ("kind", "person")}``; the value may be a mapping from
        person id to value. They come after the fixed measures.

    Returns
    -------
    pandas.Series
        float64 values named ``size``, ``size_ring_0``, ..., ``size_sector_<key>``,
        then :data:`MEASURES`; the Series is named after the map label.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> s = em.measures(m)
    >>> s[["size", "n_ties", "density", "n_components"]].round(3).tolist()
    [7.0, 8.0, 0.381, 1.0]
    >>> float(em.measures(m, ei={"ei_sector": ("sector", "family")})["ei_sector"])
    0.42857142857142855
    """
    spec = _check_ei(ei)
    mdf, pl, ties = _tables_from_maps([m])
    out = _with_ei(_Arrays(mdf, pl, ties, _Schemes()), mdf, spec)
    s = out.iloc[0]
    s.name = m.label
    return s


def change_measures(map_a: Map, map_b: Map, *, ei: EISpec | None = None) -> pd.Series:
    """Change measures from ``map_a`` to the later ``map_b`` of the same person.

    ``ei`` adds E-I index columns as in :func:`measures` (their differences
    appear as ``d_<name>``).

    Returns
    -------
    pandas.Series
        float64 values named :data:`CHANGE_MEASURES` then ``d_<measure>`` for
        every per-map measure (see the module docs).

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> from egomap.measures import change_measures
    >>> c = change_measures(p.map("Baseline"), p.map("6 months"))
    >>> c[["n_gained", "n_lost", "n_retained", "d_size"]].tolist()
    [4.0, 0.0, 7.0, 4.0]
    """
    if map_a.person.id != map_b.person.id:
        raise ValidationError(
            f"change measures compare two maps of one person; got {map_a.person.id!r} and {map_b.person.id!r}",
            field="map_b",
        )
    spec = _check_ei(ei)
    mdf, pl, ties = _tables_from_maps([map_a, map_b])
    arr = _Arrays(mdf, pl, ties, _Schemes())
    res = _changes(arr, mdf, _with_ei(arr, mdf, spec))
    s = res.iloc[0, len(CHANGE_ID_COLUMNS) :].astype(float)
    s.name = f"{map_a.label} -> {map_b.label}"
    return s


def _progress(enabled: bool | None, n_maps: int, desc: str) -> Any:
    show = n_maps >= _AUTO_PROGRESS if enabled is None else bool(enabled)
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=1, desc=desc, unit="row", unit_scale=True, leave=False)


def _step(bar: Any, what: str, last: bool = False) -> None:
    if bar is not None:
        bar.set_postfix_str(what, refresh=False)
        bar.update(bar.total - bar.n if last else max((bar.total - bar.n) // 2, 1))


def _with_ei(arr: _Arrays, mdf: pd.DataFrame, spec: dict[str, tuple[str, Any]]) -> pd.DataFrame:
    mm = _compute(arr)
    if spec:
        clash = [c for c in spec if c in mm.columns]
        if clash:
            raise ValidationError(f"ei column name {clash[0]!r} is already a measure name", field="ei")
        mm = pd.concat([mm, pd.DataFrame(_ei_columns(arr, mdf, spec), dtype=float)], axis=1)
    return mm


def _cohort(
    store: Store,
    persons: Iterable[str] | None,
    maps: Iterable[str | int] | None,
    progress: bool | None,
    desc: str,
    ei: EISpec | None = None,
) -> tuple[pd.DataFrame, _Arrays, pd.DataFrame, Any]:
    spec = _check_ei(ei)
    mdf = _read_maps(store, persons, maps)
    bar = _progress(progress, len(mdf), desc)
    everything = persons is None and maps is None
    pl, ties = _read_rows(store, mdf, everything, bar)
    if bar is not None:
        bar.set_postfix_str("indexing", refresh=True)
    arr = _Arrays(mdf, pl, ties, _Schemes())
    _step(bar, "computing")
    mm = _with_ei(arr, mdf, spec)
    _step(bar, "done", last=True)
    return mdf, arr, mm, bar


def cohort_measures(
    store: Store,
    persons: Iterable[str] | str | None = None,
    maps: Iterable[str | int] | str | int | None = None,
    progress: bool | None = None,
    *,
    consenting_only: bool = False,
    ei: EISpec | None = None,
) -> pd.DataFrame:
    """Per-map measures for every person x map in a store (``em.cohort_measures(store)``).

    Parameters
    ----------
    store : Store
    persons : str or list of str, optional
        Only these person ids.
    maps : str, int or list, optional
        Only these time points: map labels (``"Baseline"``) and/or positions in
        each person's time order (``0`` = first, ``-1`` = latest).
    progress : bool, optional
        Show a progress bar (tqdm). Default: only for large cohorts.
    consenting_only : bool
        Only persons who consented to research use.
    ei : mapping, optional
        Extra E-I index columns, as in :func:`measures`; give the persons'
        own values as a mapping, e.g.
        ``{"ei_met": ("met_through", {"R-017": "football", ...})}``.

    Returns
    -------
    pandas.DataFrame
        One row per person x map, ordered by person id then time: the columns
        :data:`ID_COLUMNS` (``person_id``, ``map_index`` = position in the
        person's time order from 0, ``map_label``, ``map_date`` as datetime64,
        ``map_id``, ``consent_research``), then the measures (float64; see the
        module docs).

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
    >>> _ = em.demo.demo_case(store)
    >>> df = em.cohort_measures(store)
    >>> print(df[["map_label", "size", "n_professional"]].to_string(index=False))
    map_label  size  n_professional
     Baseline   7.0             3.0
     6 months  11.0             3.0
    12 months  12.0             2.0
    >>> store.close()
    """
    mdf, _, mm, bar = _cohort(store, persons, maps, progress, "egomap measures", ei)
    if bar is not None:
        bar.close()
    ids = mdf[list(ID_COLUMNS)].copy()
    ids["map_date"] = pd.to_datetime(ids["map_date"], errors="coerce")
    out = pd.concat([ids.reset_index(drop=True), mm], axis=1)
    if consenting_only:
        out = out[out["consent_research"]].reset_index(drop=True)
    return out


def cohort_changes(
    store: Store,
    persons: Iterable[str] | str | None = None,
    maps: Iterable[str | int] | str | int | None = None,
    progress: bool | None = None,
    *,
    consenting_only: bool = False,
    ei: EISpec | None = None,
) -> pd.DataFrame:
    """Change measures for every person x pair of consecutive maps (``em.cohort_changes(store)``).

    Parameters are those of :func:`cohort_measures`; with ``maps`` given, pairs
    are consecutive among the chosen time points (e.g. ``maps=[0, -1]`` gives
    first-to-last).

    Returns
    -------
    pandas.DataFrame
        One row per person x consecutive pair: :data:`CHANGE_ID_COLUMNS`
        (``person_id``, ``from_index``, ``to_index``, ``from_label``,
        ``to_label``, ``from_date``, ``to_date``, ``days`` between them), then
        :data:`CHANGE_MEASURES` and ``d_<measure>`` (float64).

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
    >>> _ = em.demo.demo_case(store)
    >>> ch = em.cohort_changes(store)
    >>> print(ch[["from_label", "to_label", "n_gained", "n_lost", "d_size"]].to_string(index=False))
    from_label  to_label  n_gained  n_lost  d_size
      Baseline  6 months       4.0     0.0     4.0
      6 months 12 months       4.0     3.0     1.0
    >>> store.close()
    """
    mdf, arr, mm, bar = _cohort(store, persons, maps, progress, "egomap changes", ei)
    if bar is not None:
        bar.close()
    out = _changes(arr, mdf, mm)
    if consenting_only:
        ok = set(mdf.loc[mdf["consent_research"], "person_id"])
        out = out[out["person_id"].isin(ok)].reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- reference version


EGO = "__ego__"


def reference_measures(m: Map, *, ei: EISpec | None = None) -> pd.Series:
    """The per-map measures computed the plain way: a networkx graph per map.

    Slow, but written to read like the definitions; :func:`measures` and the
    cohort tables must give the same values (the tests and
    ``benchmarks/bench_measures.py`` check this).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> bool((reference_measures(m) - em.measures(m)).abs().max() < 1e-12)
    True
    """
    import networkx as nx

    st = m.state()
    alters = list(st.alters)
    n = len(alters)
    g = nx.Graph()
    g.add_node(EGO)
    g.add_nodes_from(alters)
    g.add_edges_from((EGO, a) for a in alters)
    g.add_edges_from((t.a, t.b) for t in st.ties)
    ga = g.subgraph(alters)
    pl = st.placements
    nan = float("nan")
    out: dict[str, float] = {"size": float(n)}
    rings = Counter(q.ring for q in pl.values())
    for r in range(len(m.rings)):
        out[f"size_ring_{r}"] = float(rings[r])
    secs = Counter(q.sector for q in pl.values())
    for k in m.sectors.keys:
        out[f"size_sector_{k}"] = float(secs[k])
    n_prof = sum(st.alters[a].is_professional for a in alters)
    n_fam = sum(pl[a].sector in m.sectors.family_keys for a in alters)
    t = ga.number_of_edges()
    out.update(
        {
            "n_professional": float(n_prof),
            "share_professional": n_prof / n if n else nan,
            "n_family": float(n_fam),
            "share_family": n_fam / n if n else nan,
            "n_ties": float(t),
            "density": nx.density(ga) if n >= 2 else nan,
            "n_components": float(nx.number_connected_components(ga)),
            "n_isolates": float(nx.number_of_isolates(ga)),
            "effective_size": nx.effective_size(g, nodes=[EGO])[EGO] if n else nan,
        }
    )
    out["efficiency"] = out["effective_size"] / n if n else nan
    out["constraint"] = nx.constraint(g, nodes=[EGO])[EGO] if n else nan
    out["blau_sector"] = blau(secs.values()) if n else nan
    out["iqv_sector"] = iqv(secs.values(), len(m.sectors)) if n else nan
    rels = Counter(_norm_rel(st.alters[a].relationship) for a in alters)
    rels.pop("", None)
    out["blau_relationship"] = blau(rels.values())
    out["iqv_relationship"] = iqv(rels.values(), len(rels))
    kinds = Counter(st.alters[a].kind for a in alters)
    out["blau_kind"] = blau(kinds.values())
    out["iqv_kind"] = iqv(kinds.values(), len(KINDS)) if n else nan
    out["ei_professional"] = (n_prof - (n - n_prof)) / n if n else nan
    recv = [pl[a].support_received for a in alters]
    given = [pl[a].support_given for a in alters]
    out["n_support_received"] = float(sum(bool(s) for s in recv))
    out["n_support_given"] = float(sum(bool(s) for s in given))
    for ty in SUPPORT_TYPES:
        out[f"n_received_{ty}"] = float(sum(ty in s for s in recv))
    for ty in SUPPORT_TYPES:
        out[f"n_given_{ty}"] = float(sum(ty in s for s in given))
    any_support = sum(bool(r) or bool(gv) for r, gv in zip(recv, given))
    both = sum(bool(r) and bool(gv) for r, gv in zip(recv, given))
    out["share_reciprocal"] = both / any_support if any_support else nan
    vals = [pl[a].valence for a in alters if pl[a].valence]
    n_str = sum(v == "stressful" for v in vals)
    out["n_stressful"] = float(n_str)
    out["share_stressful"] = n_str / len(vals) if vals else nan
    for name, (attr, value) in _check_ei(ei, out).items():
        out[name] = ei_index(m, attr, value)
    return pd.Series(out, name=m.label, dtype=float)


class _CallableModule(types.ModuleType):
    """Lets ``egomap.measures(m)`` work even after ``import egomap.measures``.

    ``egomap.measures`` is both this module and, through the package's lazy
    exports, the function :func:`measures`; importing the module makes Python
    set the package attribute to the module, so the module is callable too.
    """

    def __call__(self, m: Map, *, ei: EISpec | None = None) -> pd.Series:
        return measures(m, ei=ei)


sys.modules[__name__].__class__ = _CallableModule
