"""The measure tables: one map (:func:`measures`), two maps (:func:`change_measures`), a whole store.

Every path turns its maps into the same raw columns (from a store through its
public :meth:`~egomap.store.Store.read_maps` and
:meth:`~egomap.store.Store.read_columns`: one query per table, numpy arrays,
no Python object per row; or from maps in memory), indexes them once
(:class:`~egomap.measures._arrays.Arrays`; large cohorts chunk by chunk of
whole persons, with the same result) and computes each topic's
columns over all maps at once: :mod:`~egomap.measures.network`,
:mod:`~egomap.measures.composition`, :mod:`~egomap.measures.ei` and
:mod:`~egomap.measures.support`, where each formula is also written as a plain
function of one map.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from egomap.errors import NotFoundError, ValidationError
from egomap.fields import CAPITAL_TYPES
from egomap.measures._arrays import (
    RESOURCE_COLUMNS,
    Arrays,
    SchemeCache,
    compact,
    domain_keys,
    max_rings,
    placement_columns,
    scheme_keys,
    tables_from_maps,
)
from egomap.measures._base import CHANGE_ID_COLUMNS, ID_COLUMNS, MEASURES, count, div
from egomap.measures.capital import resource_domain_columns, social_capital_columns
from egomap.measures.composition import composition_columns
from egomap.measures.ei import EISpec, check_ei, ei_columns, ei_professional_column
from egomap.measures.network import structure_columns
from egomap.measures.support import support_columns
from egomap.store.keys import as_bytes, lookup

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model import Map
    from egomap.store import Store

__all__ = ["measures", "change_measures", "cohort_measures", "cohort_changes"]

_AUTO_PROGRESS = 3000  # maps: show a progress bar from this many maps on, unless told
_CHUNK_PERSONS = 12_000  # persons read and computed at a time: bounds memory, same results
_BRIDGING = CAPITAL_TYPES.index("bridging")


# --------------------------------------------------------------------------- computing


def _compute(arr: Arrays) -> pd.DataFrame:
    """The fixed measure columns of every map, topic by topic, in the documented order."""
    cols = {
        **structure_columns(arr),
        **composition_columns(arr),
        **ei_professional_column(arr),
        **support_columns(arr),
        **social_capital_columns(arr),
    }
    domains = resource_domain_columns(arr.resources.domain_keys)
    by_scheme = [c for c in cols if c not in MEASURES and c not in domains]  # size_ring_<i>, size_sector_<key>
    at = MEASURES.index("resources_accessed") + 1
    order = ["size", *by_scheme, *MEASURES[1:at], *domains, *MEASURES[at:]]
    return pd.DataFrame({c: cols[c] for c in order}).astype(float)


def _with_ei(arr: Arrays, mdf: pd.DataFrame, spec: dict[str, tuple[str, Any]]) -> pd.DataFrame:
    mm = _compute(arr)
    if spec:
        clash = [c for c in spec if c in mm.columns]
        if clash:
            raise ValidationError(f"ei column name {clash[0]!r} is already a measure name", field="ei")
        extra = ei_columns(arr, mdf["person_id"].tolist(), spec)
        mm = pd.concat([mm, pd.DataFrame(extra, dtype=float)], axis=1)
    return mm


def _changes(arr: Arrays, mdf: pd.DataFrame, mm: pd.DataFrame) -> pd.DataFrame:
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
    bridging = arr.capital == _BRIDGING
    left = pd.DataFrame({"pair": a_pair[sel_a], "alter": arr.alter_code[sel_a], "ring_a": arr.ring[sel_a]})
    right = pd.DataFrame(
        {"pair": b_pair[sel_b], "alter": arr.alter_code[sel_b], "ring_b": arr.ring[sel_b], "br_b": bridging[sel_b]}
    )
    both = left.merge(right, on=["pair", "alter"], how="inner")
    k = len(first)
    retained = count(both["pair"].to_numpy(), k)
    shift = count(both["pair"].to_numpy(), k, (both["ring_b"] - both["ring_a"]).to_numpy(dtype=float))
    # new bridging ties: bridging alters on b, less those of them retained from a
    new_bridging = count(b_pair[sel_b], k, bridging[sel_b].astype(float)) - count(
        both["pair"].to_numpy(), k, both["br_b"].to_numpy(dtype=float)
    )
    size_a = mm["size"].to_numpy()[first]
    size_b = mm["size"].to_numpy()[second]
    out = pd.DataFrame(
        {
            "n_gained": size_b - retained,
            "n_lost": size_a - retained,
            "n_retained": retained,
            "jaccard": div(retained, size_a + size_b - retained),
            "persistence": div(retained, size_a),
            "mean_ring_shift": div(shift, retained),
            "n_new_bridging": new_bridging,
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


def _of_maps(maps: list[Map], spec: dict[str, tuple[str, Any]]) -> tuple[pd.DataFrame, Arrays, pd.DataFrame]:
    columns = placement_columns([attr for attr, _ in spec.values()])
    mdf, pl, ties, res = tables_from_maps(maps, columns)
    arr = Arrays(mdf, pl, ties, SchemeCache(), resources=res)
    return mdf, arr, _with_ei(arr, mdf, spec)


# --------------------------------------------------------------------------- one map, two maps


def measures(m: Map, *, ei: EISpec | None = None) -> pd.Series:
    """Per-map measures of one map as a pandas Series (names: see :mod:`egomap.measures`).

    Parameters
    ----------
    m : Map
    ei : mapping, optional
        Extra E-I index columns (see :func:`~egomap.measures.ei_index`): column name ->
        ``(attribute, the person's value)``, e.g.
        ``{"ei_kind": ("kind", "person")}``; the value may be a mapping from
        person id to value. They come after the fixed measures.

    Returns
    -------
    pandas.Series
        float64 values named ``size``, ``size_ring_0``, ..., ``size_sector_<key>``,
        then :data:`~egomap.measures.MEASURES`; the Series is named after the map label.

    See Also
    --------
    cohort_measures : the same for every map in a store.
    egomap.measures.size, egomap.measures.density, egomap.measures.constraint :
        each measure as a plain function of a map.

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
    _, _, out = _of_maps([m], check_ei(ei))
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
        float64 values named :data:`~egomap.measures.CHANGE_MEASURES` then
        ``d_<measure>`` for every per-map measure (see :mod:`egomap.measures`).

    See Also
    --------
    cohort_changes : the same for every pair of consecutive maps in a store.
    egomap.compare : the alters gained, lost and moved.

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
    mdf, arr, mm = _of_maps([map_a, map_b], check_ei(ei))
    res = _changes(arr, mdf, mm)
    s = res.iloc[0, len(CHANGE_ID_COLUMNS) :].astype(float)
    s.name = f"{map_a.label} -> {map_b.label}"
    return s


# --------------------------------------------------------------------------- a store


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
    n_of_person = mdf.groupby("person_id", sort=False)["map_index"].transform("size").to_numpy()
    idx = mdf["map_index"].to_numpy()
    for ref in maps:
        if isinstance(ref, bool) or not isinstance(ref, (str, int)):
            raise ValidationError(f"maps must be map labels or positions (0, 1, -1), got {ref!r}", field="maps")
        if isinstance(ref, int):
            keep |= idx == np.where(ref < 0, n_of_person + ref, ref)
        else:
            keep |= (mdf["map_label"] == ref).to_numpy()
    return mdf[keep]


def time_points(map_index: np.ndarray) -> np.ndarray:
    """Neutral labels of time points, ``T1``, ``T2``, ... by position in each person's time order.

    A map's own label is free text that can name someone ("Visit with Maria"),
    so cohort tables carry these instead unless names are asked for; they are
    the labels the research exports and a team store's research views use.

    Examples
    --------
    >>> import numpy as np
    >>> time_points(np.array([0, 1, 2, 0])).tolist()
    ['T1', 'T2', 'T3', 'T1']
    """
    return np.char.add("T", (np.asarray(map_index, dtype=np.int64) + 1).astype(str)).astype(object)


def _chunks(mdf: pd.DataFrame, chunk_size: int) -> list[slice]:
    """Runs of rows of ``mdf`` (ordered by person) holding whole persons, at most ``chunk_size`` persons each."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValidationError(f"chunk_size is a number of persons (1 or more), got {chunk_size!r}", field="chunk_size")
    person = mdf["person_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if len(person) else np.zeros(0, dtype=np.int64)
    cuts = [*starts[::chunk_size].tolist(), len(mdf)]
    return [slice(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)] or [slice(0, 0)]


def _progress(enabled: bool | None, n_maps: int, desc: str) -> Any:
    show = n_maps >= _AUTO_PROGRESS if enabled is None else bool(enabled)
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=max(n_maps, 1), desc=desc, unit="map", leave=False)


def _step(bar: Any, what: str) -> None:
    if bar is not None:
        bar.set_postfix_str(what, refresh=True)


def _cohort(
    store: Store,
    persons: Iterable[str] | None,
    maps: Iterable[str | int] | None,
    progress: bool | None,
    desc: str,
    ei: EISpec | None,
    chunk_size: int | None,
    changes: bool,
    include_names: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The maps read and the measure table (or change table), computed chunk by chunk of persons."""
    spec = check_ei(ei)
    mdf = _read_maps(store, persons, maps)
    if not include_names:
        mdf = mdf.assign(map_label=time_points(mdf["map_index"].to_numpy()))
    parts = _chunks(mdf, _CHUNK_PERSONS if chunk_size is None else chunk_size)
    columns = placement_columns([attr for attr, _ in spec.values()])
    cache = SchemeCache()
    keys, n_rings, domains = scheme_keys(mdf, cache), max_rings(mdf, cache), domain_keys(mdf, cache)
    bar = _progress(progress, len(mdf), desc)
    out = []
    try:
        whole = _read_whole(store, mdf, columns, parts, bar) if persons is None and maps is None else None
        for i, part in enumerate(parts):
            sub = mdf.iloc[part].reset_index(drop=True)
            if whole is None:  # some persons or maps: read just theirs, chunk by chunk
                map_ids = sub["map_id"].tolist()
                _step(bar, "reading placements")
                pl = store.read_columns("placements", columns, map_ids)
                _step(bar, "reading ties")
                ties = store.read_columns("ties", ["map_id", "a", "b"], map_ids)
                _step(bar, "reading resources")
                res = store.read_columns("resources", RESOURCE_COLUMNS, map_ids)
            else:
                pl, ties, res = whole(i)
            _step(bar, "computing")
            arr = Arrays(sub, pl, ties, cache, keys, n_rings, resources=res, resource_domains=domains)
            del pl, ties, res
            mm = _with_ei(arr, sub, spec)
            out.append(_changes(arr, sub, mm) if changes else mm)
            if bar is not None:
                bar.update(len(sub))
    finally:
        if bar is not None:
            bar.close()
    return mdf, _concat(out)


def _read_whole(store: Store, mdf: pd.DataFrame, columns: list[str], parts: list[slice], bar: Any) -> Any:
    """Read every placement, tie and resource once (full scans: fastest), and give each chunk's rows by its maps."""
    _step(bar, "reading placements")
    tables = [compact(store.read_columns("placements", columns))]
    _step(bar, "reading ties")
    tables.append(store.read_columns("ties", ["map_id", "a", "b"]))
    _step(bar, "reading resources")
    tables.append(store.read_columns("resources", RESOURCE_COLUMNS))
    map_ids = as_bytes(mdf["map_id"].to_numpy(dtype=object))
    # each row's map as its row in mdf (the ids themselves are no longer needed: half the memory)
    for t in tables:
        t["map_row"] = lookup(map_ids, t.pop("map_id"))
    if len(parts) == 1:
        return lambda i: tuple(tables)
    orders = [np.argsort(t["map_row"], kind="stable") for t in tables]
    bounds = np.array([p.start for p in parts] + [parts[-1].stop])
    at = [np.searchsorted(t["map_row"][o], bounds) for t, o in zip(tables, orders)]

    def rows(i: int) -> tuple[dict, ...]:
        out = []
        for t, o, pos in zip(tables, orders, at):
            sel = o[pos[i] : pos[i + 1]]
            sub = {c: v[sel] for c, v in t.items()}
            sub["map_row"] -= parts[i].start
            out.append(sub)
        return tuple(out)

    return rows


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks' tables as one; a sector column only some chunks have (a sector outside every scheme) is NaN elsewhere."""
    frames = [f for f in frames if len(f)] or frames[:1]  # an empty chunk's columns have no dtype to keep
    if len(frames) == 1:
        return frames[0]
    cols = list(frames[0].columns)
    for c in dict.fromkeys(c for f in frames[1:] for c in f.columns if c not in cols):
        prefix = c[: c.index("sector_") + 7] if "size_sector_" in c else c
        at = max((i for i, x in enumerate(cols) if x.startswith(prefix)), default=len(cols) - 1)
        cols.insert(at + 1, c)
    return pd.concat(frames, ignore_index=True)[cols]


def cohort_measures(
    store: Store,
    persons: Iterable[str] | str | None = None,
    maps: Iterable[str | int] | str | int | None = None,
    progress: bool | None = None,
    *,
    consenting_only: bool = False,
    ei: EISpec | None = None,
    chunk_size: int | None = None,
    include_names: bool = False,
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
    chunk_size : int, optional
        Persons read and computed at a time (default 12,000): a large cohort
        is worked through in chunks of whole persons, which bounds the memory
        used; the table is the same whatever the size.
    include_names : bool, default False
        A map's label is free text that can name someone, so ``map_label``
        holds neutral time points (``T1``, ``T2``, ... in each person's time
        order, as in the research exports) unless this is true. (``maps=``
        still selects by the maps' own labels.)

    Returns
    -------
    pandas.DataFrame
        One row per person x map, ordered by person id then time: the columns
        :data:`~egomap.measures.ID_COLUMNS` (``person_id``, ``map_index`` =
        position in the person's time order from 0, ``map_label`` (``T1``,
        ``T2``, ... unless ``include_names``),
        ``map_date`` as datetime64, ``map_id``, ``consent_research``), then the
        measures (float64; see :mod:`egomap.measures`).

    See Also
    --------
    measures : the same for one map.
    cohort_changes : change measures between consecutive maps.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
    >>> _ = em.demo.demo_case(store)
    >>> df = em.cohort_measures(store)
    >>> print(df[["map_label", "size", "n_professional"]].to_string(index=False))
    map_label  size  n_professional
           T1   7.0             3.0
           T2  11.0             3.0
           T3  12.0             2.0
    >>> em.cohort_measures(store, include_names=True)["map_label"].tolist()
    ['Baseline', '6 months', '12 months']
    >>> store.close()
    """
    mdf, mm = _cohort(store, persons, maps, progress, "egomap measures", ei, chunk_size, False, include_names)
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
    chunk_size: int | None = None,
    include_names: bool = False,
) -> pd.DataFrame:
    """Change measures for every person x pair of consecutive maps (``em.cohort_changes(store)``).

    Parameters are those of :func:`cohort_measures`; with ``maps`` given, pairs
    are consecutive among the chosen time points (e.g. ``maps=[0, -1]`` gives
    first-to-last).

    Returns
    -------
    pandas.DataFrame
        One row per person x consecutive pair: :data:`~egomap.measures.CHANGE_ID_COLUMNS`
        (``person_id``, ``from_index``, ``to_index``, ``from_label``,
        ``to_label`` (time points ``T1``, ``T2``, ... unless ``include_names``),
        ``from_date``, ``to_date``, ``days`` between them), then
        :data:`~egomap.measures.CHANGE_MEASURES` and ``d_<measure>`` (float64).

    See Also
    --------
    change_measures : the same for two maps.
    cohort_measures : the per-map measures.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
    >>> _ = em.demo.demo_case(store)
    >>> ch = em.cohort_changes(store)
    >>> print(ch[["from_label", "to_label", "n_gained", "n_lost", "d_size"]].to_string(index=False))
    from_label to_label  n_gained  n_lost  d_size
            T1       T2       4.0     0.0     4.0
            T2       T3       4.0     3.0     1.0
    >>> store.close()
    """
    mdf, out = _cohort(store, persons, maps, progress, "egomap changes", ei, chunk_size, True, include_names)
    if consenting_only:
        ok = set(mdf.loc[mdf["consent_research"], "person_id"])
        out = out[out["person_id"].isin(ok)].reset_index(drop=True)
    return out
