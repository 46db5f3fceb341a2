"""The raw tables of many maps (as a store gives them) turned into integer arrays, for the cohort path.

:func:`tables_from_maps` makes the same tables as the store's
:meth:`~egomap.store.Store.read_maps` / :meth:`~egomap.store.Store.read_table`
for maps in memory, so one code path computes both ``em.measures(m)`` and the
cohort tables. :class:`Arrays` indexes them: one row per placement, with the
map it is on (``map_of``) and integer codes for the categories the measures count.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from egomap import fields
from egomap import schemes as _schemes
from egomap.fields import KINDS, SUPPORT_TYPES, VALENCES
from egomap.measures._base import norm_text

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
)
#: Columns of the maps table (as :meth:`Store.read_maps` gives them, plus ``map_index``).
MAP_COLUMNS = ["map_id", "person_id", "map_index", "map_label", "map_date", "rings", "sectors", "consent_research"]
_ALTER = frozenset(fields.names("alter"))


def placement_columns(attributes: Sequence[str] = ()) -> list[str]:
    """The placement table's columns to read: ids, :data:`BASE_COLUMNS`, then ``attributes`` not among them."""
    return ["map_id", "alter_id", *dict.fromkeys([*BASE_COLUMNS, *attributes])]


def tables_from_maps(maps: Sequence[Map], columns: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The raw tables (maps, placements with ``columns``, ties) as a store would give them, for maps in memory."""
    attrs = [c for c in columns if c not in ("map_id", "alter_id")]
    owned = [(c, fields.field("alter" if c in _ALTER else "placement", c)) for c in attrs]
    mrows, prows, trows = [], [], []
    for i, m in enumerate(maps):
        mrows.append(
            (m.id, m.person.id, i, m.label, (m.date.isoformat() if m.date else None), m.rings, m.sectors, True)
        )
        st = m.state()
        for aid, q in st.placements.items():
            a = st.alters[aid]
            prows.append((m.id, aid, *(f.to_db(getattr(a if f.owner == "alter" else q, c)) for c, f in owned)))
        trows.extend((m.id, t.a, t.b) for t in st.ties)
    mdf = pd.DataFrame(mrows, columns=MAP_COLUMNS)
    return (
        mdf,
        pd.DataFrame(prows, columns=["map_id", "alter_id", *attrs]),
        pd.DataFrame(trows, columns=["map_id", "a", "b"]),
    )


class SchemeCache:
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


class Arrays:
    """Integer arrays over all placements and ties of many maps.

    Attributes
    ----------
    n_maps : int
    map_of : ndarray
        For each placement, the row of its map.
    pl : DataFrame
        The placement rows kept (those on one of the maps).
    ta, tb : ndarray
        For each alter-alter tie, the placement rows of its two ends.
    """

    def __init__(self, mdf: pd.DataFrame, pl: pd.DataFrame, ties: pd.DataFrame, cache: SchemeCache) -> None:
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
        self._index_sectors(mdf, pl, cache)
        self.kind = codes_of(pl["kind"], KINDS)
        rel = pl["relationship"].fillna("")
        rc, ru = pd.factorize(rel)
        norm = pd.Series([norm_text(r) for r in ru], dtype=object)
        nc, _ = pd.factorize(norm)
        nc = np.where(norm.to_numpy() == "", -1, nc)
        self.rel = nc[rc] if len(rc) else np.zeros(0, dtype=np.int64)
        self.recv = support_flags(pl["support_received"])
        self.given = support_flags(pl["support_given"])
        self.valence = codes_of(pl["valence"], VALENCES)

    def _index_sectors(self, mdf: pd.DataFrame, pl: pd.DataFrame, cache: SchemeCache) -> None:
        """Sectors: global key codes, family flags and scheme sizes per map."""
        p = len(pl)
        sec_codes, sec_keys = pd.factorize(pl["sector"])
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


def codes_of(col: pd.Series, choices: Sequence[str]) -> np.ndarray:
    """Position of each value in ``choices``; -1 for a value not among them (or missing)."""
    codes, uniq = pd.factorize(col)
    look = np.array([choices.index(u) if u in choices else -1 for u in uniq] + [-1], dtype=np.int64)
    return look[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def support_flags(col: pd.Series) -> np.ndarray:
    """(placements x support types) booleans from comma-separated support text."""
    codes, uniq = pd.factorize(col.fillna(""))
    look = np.zeros((len(uniq) + 1, len(SUPPORT_TYPES)), dtype=bool)
    for i, u in enumerate(uniq):
        parts = set(str(u).split(","))
        look[i] = [t in parts for t in SUPPORT_TYPES]
    return look[codes] if len(codes) else np.zeros((0, len(SUPPORT_TYPES)), dtype=bool)
