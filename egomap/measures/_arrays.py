"""The columns of many maps (as a store gives them) turned into integer arrays, for the cohort path.

:func:`tables_from_maps` makes the same columns as the store's
:meth:`~egomap.store.Store.read_maps` / :meth:`~egomap.store.Store.read_columns`
(numpy arrays: text as UTF-8 bytes, whole numbers as int64) for maps in
memory, so one code path computes both ``em.measures(m)`` and the cohort
tables. :class:`Arrays` indexes them: one row per placement, with the map it
is on (``map_of``) and integer codes for the categories the measures count;
ids and categories become integers by sorting and vectorised hashing
(:mod:`egomap.store.keys`), never one Python object per row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from egomap import fields
from egomap import schemes as _schemes
from egomap.fields import CAPITAL_TYPES, KINDS, SUPPORT_TYPES, VALENCES
from egomap.measures._base import norm_text
from egomap.model.capital import capital_columns, met_through_activity
from egomap.resource_schemes import BUILTIN_RESOURCES, ResourceScheme
from egomap.store.keys import as_bytes, bytes_hash, factorize, lookup, search

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model import Map

#: Alter and placement attributes the fixed measures read (E-I columns add their own).
BASE_COLUMNS: tuple[str, ...] = (
    "ring",
    "sector",
    "support_received",
    "support_given",
    "valence",
    "kind",
    "is_professional",
    "relationship",
    "capital",
    "met_through_activity",
)
#: Columns of the maps table (as :meth:`Store.read_maps` gives them, plus ``map_index``).
MAP_COLUMNS = [
    "map_id",
    "person_id",
    "map_index",
    "map_label",
    "map_date",
    "rings",
    "sectors",
    "consent_research",
    "resource_scheme",
]
#: Columns of the resources table the measures read.
RESOURCE_COLUMNS = ["map_id", "item", "alter_id"]
_ALTER = frozenset(fields.names("alter"))
_ACTIVITY = "met_through_activity"


def placement_columns(attributes: Sequence[str] = ()) -> list[str]:
    """The placement table's columns to read: ids, :data:`BASE_COLUMNS`, then ``attributes`` not among them."""
    return ["map_id", "alter_id", *dict.fromkeys([*BASE_COLUMNS, *attributes])]


Columns = Mapping[str, np.ndarray]


def tables_from_maps(maps: Sequence[Map], columns: Sequence[str]) -> tuple[pd.DataFrame, dict, dict, dict]:
    """The maps table and the placement, tie and resource columns as a store would give them, for maps in memory.

    ``met_through_activity`` (not a field: what a team store's research views give
    instead of ``met_through``) is computed from ``met_through`` as the store does,
    or taken from the map (``MapState.met_through_activity``) where the text is hidden.
    """
    attrs = [c for c in columns if c not in ("map_id", "alter_id")]
    owned = [(c, fields.field("alter" if c in _ALTER else "placement", c)) for c in attrs if c != _ACTIVITY]
    kinds = {c: f.type for c, f in owned}
    if _ACTIVITY in attrs:
        kinds[_ACTIVITY] = "bool"
    mrows, prows, trows, rrows = [], [], [], []
    for i, m in enumerate(maps):
        mrows.append(
            (
                *(m.id, m.person.id, i, m.label, (m.date.isoformat() if m.date else None)),
                *(m.rings, m.sectors, True, m.resource_scheme),
            )
        )
        st = m.state()
        for aid, q in st.placements.items():
            a = st.alters[aid]
            row = {c: f.to_db(getattr(a if f.owner == "alter" else q, c)) for c, f in owned}
            if _ACTIVITY in kinds:  # a researcher's map keeps the flag instead of the text
                hidden = st.met_through_activity.get(aid)
                row[_ACTIVITY] = met_through_activity(a.met_through) if hidden is None else hidden
            prows.append((m.id, aid, *(row[c] for c in attrs)))
        trows.extend((m.id, t.a, t.b) for t in st.ties)
        for item, alters in st.resources.items():
            rrows.extend((m.id, item, aid) for aid in sorted(alters) or [""])
    pl = {c: [r[i] for r in prows] for i, c in enumerate(["map_id", "alter_id", *attrs])}
    return (
        pd.DataFrame(mrows, columns=MAP_COLUMNS),
        {c: _column(v, kinds.get(c, "text")) for c, v in pl.items()},
        {c: as_bytes([r[i] for r in trows]) for i, c in enumerate(["map_id", "a", "b"])},
        {c: as_bytes([r[i] for r in rrows]) for i, c in enumerate(RESOURCE_COLUMNS)},
    )


def _column(values: list, kind: str) -> np.ndarray:
    if kind in ("int", "bool"):
        return np.array([-1 if v is None else int(v) for v in values], dtype=np.int64)
    return as_bytes(values)


def scheme_keys(mdf: pd.DataFrame, cache: SchemeCache) -> list[str]:
    """Every sector key of the maps' sector schemes, in order of first appearance."""
    keys: dict[str, None] = {}
    seen: set = set()
    for v in mdf["sectors"].to_numpy(dtype=object):
        k = v if isinstance(v, str) else id(v)
        if k not in seen:
            seen.add(k)
            keys.update(dict.fromkeys(cache.sectors(v).keys))
    return list(keys)


def max_rings(mdf: pd.DataFrame, cache: SchemeCache) -> int:
    """The largest number of rings among the maps' ring schemes (0 for no maps)."""
    seen: dict = {}
    for v in mdf["rings"].to_numpy(dtype=object):
        seen.setdefault(v if isinstance(v, str) else id(v), v)
    return max((cache.n_rings(v) for v in seen.values()), default=0)


class Coded:
    """A text column kept as integer codes and its distinct values (much smaller than the text).

    Indexing it (``col[rows]``) keeps the distinct values and selects codes, like an array.
    """

    def __init__(self, codes: np.ndarray, uniques: np.ndarray) -> None:
        self.codes, self.uniques = codes, uniques

    @classmethod
    def of(cls, col: np.ndarray) -> Coded:
        """The column's codes, in the smallest integer type that holds them."""
        codes, uniques = factorize(col)
        return cls(codes.astype(np.min_scalar_type(-max(len(uniques), 1))), uniques)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows: Any) -> Coded:
        return Coded(self.codes[rows], self.uniques)


def compact(columns: Columns) -> dict[str, Any]:
    """The text columns other than the ids as :class:`Coded` (the cohort path holds whole tables)."""
    return {
        c: Coded.of(v) if isinstance(v, np.ndarray) and v.dtype.kind == "S" and c not in ("map_id", "alter_id") else v
        for c, v in columns.items()
    }


def resource_key(v: Any) -> Any:
    """What identifies a map's resource scheme cell: its JSON text, ``""`` for the default (NULL), else the object."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return v if isinstance(v, str) else id(v)


def resource_schemes(mdf: pd.DataFrame, cache: SchemeCache) -> tuple[np.ndarray, list[ResourceScheme]]:
    """Each map's resource scheme as a code (equal JSON texts: one code), and the scheme of each code.

    A dict of the texts rather than :func:`pandas.factorize`: the texts are long
    and alike, and Python keeps each string's hash (several times faster).
    """
    cells = mdf["resource_scheme"].to_numpy(dtype=object)
    seen: dict[Any, int] = {}
    codes = np.array([seen.setdefault(resource_key(v), len(seen)) for v in cells], dtype=np.int64)
    first = np.unique(codes, return_index=True)[1] if len(codes) else np.zeros(0, dtype=np.int64)
    return codes, [cache.resources(cells[i]) for i in first.tolist()]


def domain_keys(mdf: pd.DataFrame, cache: SchemeCache) -> list[str]:
    """The default resource scheme's domain keys, then those of the maps' other schemes, in order of first appearance."""
    keys = dict.fromkeys(cache.resources(None).domain_keys)
    for sch in resource_schemes(mdf, cache)[1]:
        keys.update(dict.fromkeys(sch.domain_keys))
    return list(keys)


class SchemeCache:
    """Parses scheme JSON once per distinct string."""

    def __init__(self) -> None:
        self._rings: dict[Any, int] = {}
        self._sectors: dict[Any, _schemes.SectorScheme] = {}
        self._resources: dict[Any, ResourceScheme] = {}

    def resources(self, v: Any) -> ResourceScheme:
        """The resource scheme of a map's ``resource_scheme`` cell (None: egomap's built-in default scheme)."""
        if isinstance(v, ResourceScheme):
            return v
        key = resource_key(v)
        if key not in self._resources:
            self._resources[key] = BUILTIN_RESOURCES if key == "" else ResourceScheme.from_dict(json.loads(v))
        return self._resources[key]

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


class Arrays:
    """Integer arrays over all placements and ties of many maps.

    Parameters
    ----------
    mdf : DataFrame
        The maps (``map_id``, ``rings``, ``sectors``), one row each.
    pl, ties : mapping of str to ndarray
        The placement and tie columns as :meth:`~egomap.store.Store.read_columns` gives them;
        instead of ``map_id``, ``map_row`` may give each row's map as its row in ``mdf``.
    cache : SchemeCache
    resources : mapping of str to ndarray, optional
        The resources table's columns (``map_id`` or ``map_row``, ``item``, ``alter_id``);
        none given: no item asked on any map.
    resource_domains : list of str, optional
        The domain keys of the columns ``resources_<domain>`` (default: :func:`domain_keys`).
    sector_keys : list of str, optional
        The sector keys of the columns ``size_sector_<key>``, first (default: those
        of ``mdf``'s schemes); so that chunks of a cohort get the same columns.
    n_ring_columns : int, optional
        How many ``size_ring_<i>`` columns (default: the most rings of ``mdf``'s schemes).

    Attributes
    ----------
    n_maps : int
    map_of : ndarray
        For each placement, the row of its map.
    pl : dict
        The placement columns kept (those on one of the maps).
    ta, tb : ndarray
        For each alter-alter tie, the placement rows of its two ends.
    resources : ResourceRows
    """

    def __init__(
        self,
        mdf: pd.DataFrame,
        pl: Columns,
        ties: Columns,
        cache: SchemeCache,
        sector_keys: list[str] | None = None,
        n_ring_columns: int | None = None,
        *,
        resources: Columns | None = None,
        resource_domains: list[str] | None = None,
    ) -> None:
        self.n_maps = len(mdf)
        map_ids = as_bytes(mdf["map_id"].to_numpy(dtype=object)) if "map_row" not in pl else None
        self.map_of = pl["map_row"] if map_ids is None else lookup(map_ids, pl["map_id"])
        keep = self.map_of >= 0
        if not keep.all():
            pl = {c: v[keep] for c, v in pl.items()}
            self.map_of = self.map_of[keep]
        self.pl = dict(pl)
        self._alter_code: np.ndarray | None = None
        self._capital: np.ndarray | None = None
        tmap = ties["map_row"] if map_ids is None else lookup(map_ids, ties["map_id"])
        self.ta, self.tb = self._tie_ends(tmap, ties["a"], ties["b"])
        self.ring = np.asarray(pl["ring"], dtype=np.int64)
        self.prof = np.asarray(pl["is_professional"]) > 0
        self.n_rings = np.array([cache.n_rings(v) for v in mdf["rings"].to_numpy(dtype=object)], dtype=np.int64)
        self.n_ring_columns = max_rings(mdf, cache) if n_ring_columns is None else n_ring_columns
        self._index_sectors(mdf, cache, scheme_keys(mdf, cache) if sector_keys is None else sector_keys)
        self.kind = codes_of(*self.values("kind"), KINDS)
        rc, ru = self.values("relationship")
        norm = [norm_text(r) for r in ru]
        nc, _ = pd.factorize(pd.Series(norm, dtype=object))
        nc = np.where(np.array(norm, dtype=object) == "", -1, nc).astype(np.int64)
        self.rel = nc[rc] if len(rc) else np.zeros(0, dtype=np.int64)
        self.recv = support_flags(*self.values("support_received"))
        self.given = support_flags(*self.values("support_given"))
        self.valence = codes_of(*self.values("valence"), VALENCES)
        if resources is not None and "map_row" not in resources:
            resources = {**resources, "map_row": lookup(map_ids, resources["map_id"])}
        self.resources = ResourceRows(mdf, resources, cache, resource_domains)

    @property
    def alter_code(self) -> np.ndarray:
        """For each placement, an integer code of its alter (the same alter on two maps: the same code)."""
        if self._alter_code is None:
            self._alter_code = factorize(self.pl["alter_id"])[0]
        return self._alter_code

    @property
    def capital(self) -> np.ndarray:
        """For each placement, its social capital as a position in ``CAPITAL_TYPES``.

        The type recorded on the placement (the person's own view) if any, else
        the default rule (:func:`egomap.model.capital.capital_columns`), worked
        out once per distinct combination of sector, kind, professional,
        activity and family sector.
        """
        if self._capital is None:
            n_kinds = len(KINDS) + 1
            act = np.asarray(self.pl["met_through_activity"]) > 0
            combo = (self.sector_code * n_kinds + self.kind + 1) * 8 + self.prof * 4 + act * 2 + self.family
            uniq, inverse = np.unique(combo, return_inverse=True)
            rule = capital_columns(
                np.array(self.sector_keys or [""], dtype=object)[uniq // 8 // n_kinds],
                np.array(["", *KINDS], dtype=object)[uniq // 8 % n_kinds],
                uniq // 4 % 2,
                met_through_activity=uniq // 2 % 2,
                family_sector=(uniq % 2).astype(bool),
                codes=True,
            )
            recorded = codes_of(*self.values("capital"), CAPITAL_TYPES)
            self._capital = np.where(recorded >= 0, recorded, rule[inverse.reshape(-1)]).astype(np.int64)
        return self._capital

    def _tie_ends(self, tmap: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The placement rows of the two ends of each tie (ties to an alter not on the map are left out)."""
        alter = self.pl["alter_id"]
        mix = np.uint64(0x9E3779B97F4A7C15)
        pl_key = bytes_hash(alter) ^ (self.map_of.astype(np.uint64) * mix)
        order = np.argsort(pl_key, kind="stable")
        skey = pl_key[order]

        def tie_key(ids: np.ndarray) -> np.ndarray:
            return bytes_hash(ids) ^ (tmap.astype(np.uint64) * mix)

        if np.any(skey[1:] == skey[:-1]):  # a collision: integer codes of the alters instead
            codes, uniq = factorize(alter)
            self._alter_code = codes
            size = self.n_maps + 1
            skey = codes * size + self.map_of
            order = np.argsort(skey, kind="stable")
            skey = skey[order]

            def tie_key(ids: np.ndarray) -> np.ndarray:
                return lookup(uniq, ids) * size + tmap

        def find(ids: np.ndarray) -> np.ndarray:
            if not len(skey):
                return np.full(len(ids), -1, dtype=np.int64)
            k = tie_key(ids)
            pos = search(skey, k)
            row = order[pos]
            ok = (tmap >= 0) & (skey[pos] == k) & (self.map_of[row] == tmap) & (alter[row] == ids)
            return np.where(ok, row, -1)

        ta, tb = find(a), find(b)
        good = (ta >= 0) & (tb >= 0) & (ta != tb)
        return ta[good], tb[good]

    def values(self, attribute: str) -> tuple[np.ndarray, list[Any]]:
        """Codes of one placement column and its distinct values (text decoded, numbers as int)."""
        col = self.pl[attribute]
        if isinstance(col, Coded):
            return col.codes.astype(np.int64), [u.decode("utf-8") for u in col.uniques.tolist()]
        if col.dtype.kind == "S":
            codes, uniques = factorize(col)
            return codes, [u.decode("utf-8") for u in uniques.tolist()]
        uniques, codes = np.unique(col, return_inverse=True)
        return codes.ravel().astype(np.int64), [int(u) for u in uniques]

    def _index_sectors(self, mdf: pd.DataFrame, cache: SchemeCache, keys: list[str]) -> None:
        """Sectors: global key codes, family flags and scheme sizes per map."""
        sec_codes, sec_keys = self.values("sector")
        keys = list(keys)
        keys.extend(k for k in sec_keys if k not in keys)
        self.sector_keys = keys
        where = {k: i for i, k in enumerate(keys)}
        key_pos = np.array([where[k] for k in sec_keys], dtype=np.int64)
        self.sector_code = key_pos[sec_codes] if len(sec_codes) else np.zeros(0, dtype=np.int64)
        sectors = mdf["sectors"].to_numpy(dtype=object)
        scheme_codes, scheme_vals = pd.factorize(
            np.array([v if isinstance(v, str) else id(v) for v in sectors], dtype=object)
        )
        objs: dict[int, _schemes.SectorScheme] = {}
        for code, v in zip(scheme_codes, sectors):
            if code not in objs:
                objs[code] = cache.sectors(v)
        in_scheme = np.zeros((len(scheme_vals), len(keys)), dtype=bool)
        family = np.zeros((len(scheme_vals), len(keys)), dtype=bool)
        k_sector = np.zeros(len(scheme_vals), dtype=np.int64)
        for code, sch in objs.items():
            for k in sch.keys:
                in_scheme[code, where[k]] = True
            for k in sch.family_keys:
                family[code, where[k]] = True
            k_sector[code] = len(sch)
        self.map_scheme = scheme_codes
        self.sector_in_scheme = in_scheme[scheme_codes]  # (n_maps, n_keys)
        self.k_sector = k_sector[scheme_codes]
        p = len(self.map_of)
        self.family = family[scheme_codes[self.map_of], self.sector_code] if p else np.zeros(0, dtype=bool)


def codes_of(codes: np.ndarray, values: Sequence[Any], choices: Sequence[str]) -> np.ndarray:
    """Position in ``choices`` of each value (given as ``codes`` into ``values``); -1 for others."""
    look = np.array([choices.index(u) if u in choices else -1 for u in values] + [-1], dtype=np.int64)
    return look[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def support_flags(codes: np.ndarray, values: Sequence[str]) -> np.ndarray:
    """(placements x support types) booleans from comma-separated support text (``codes`` into ``values``)."""
    look = np.zeros((len(values) + 1, len(SUPPORT_TYPES)), dtype=bool)
    for i, u in enumerate(values):
        parts = set(str(u).split(","))
        look[i] = [t in parts for t in SUPPORT_TYPES]
    return look[codes] if len(codes) else np.zeros((0, len(SUPPORT_TYPES)), dtype=bool)


class ResourceRows:
    """The resources table of many maps as integer arrays: one row per item and alter ("no one": one row).

    Rows whose map is not among the maps, or whose item is not in its map's
    resource scheme, are left out.

    Attributes
    ----------
    domain_keys : list of str
        The domains of the ``resources_<domain>`` columns, in order.
    in_scheme : ndarray
        (maps x domains) booleans: the map's resource scheme has the domain.
    n_items : int
        Distinct item keys among the rows (at least 1).
    scheme_of : ndarray
        For each map, a code of its resource scheme.
    item_domain : ndarray
        (scheme codes x items): the domain's position in ``domain_keys`` of each
        item in each scheme, -1 where the scheme has no such item.
    map_of, item, domain, alter : ndarray
        For each row: the row of its map, an item code, the domain's position
        in ``domain_keys`` and an alter code (the same alter: the same code).
    someone : ndarray
        For each row, whether it names an alter (False: the "no one" row).
    """

    def __init__(
        self, mdf: pd.DataFrame, res: Columns | None, cache: SchemeCache, keys: list[str] | None = None
    ) -> None:
        keys = list(domain_keys(mdf, cache) if keys is None else keys)
        scheme_codes, schemes = resource_schemes(mdf, cache)
        objs = dict(enumerate(schemes))
        for sch in schemes:
            keys.extend(d for d in sch.domain_keys if d not in keys)
        self.domain_keys = keys
        where = {k: i for i, k in enumerate(keys)}
        if res is None:
            res = {"map_row": np.zeros(0, dtype=np.int64), "item": as_bytes([]), "alter_id": as_bytes([])}
        item_codes, item_uniques = factorize(res["item"])
        items = [u.decode("utf-8") for u in item_uniques.tolist()]
        self.n_items = max(len(items), 1)
        item_domain = np.full((len(objs), self.n_items), -1, dtype=np.int64)
        in_scheme = np.zeros((len(objs), len(keys)), dtype=bool)
        for code, sch in objs.items():
            in_scheme[code, [where[d] for d in sch.domain_keys]] = True
            known = set(sch.keys)
            for j, it in enumerate(items):
                if it in known:
                    item_domain[code, j] = where[sch.item(it).domain]
        self.in_scheme = in_scheme[scheme_codes] if len(objs) else np.zeros((len(mdf), len(keys)), dtype=bool)
        self.scheme_of, self.item_domain = scheme_codes, item_domain
        map_row = np.asarray(res["map_row"], dtype=np.int64)
        ok = map_row >= 0
        domain = np.full(len(map_row), -1, dtype=np.int64)
        domain[ok] = item_domain[scheme_codes[map_row[ok]], item_codes[ok]]
        keep = ok & (domain >= 0)
        alter_codes, _ = factorize(res["alter_id"])
        self.map_of, self.item, self.domain = map_row[keep], item_codes[keep].astype(np.int64), domain[keep]
        self.alter = alter_codes[keep].astype(np.int64)
        self.someone = np.asarray(res["alter_id"])[keep] != b""
