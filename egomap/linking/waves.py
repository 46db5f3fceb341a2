"""Linking proposals for a whole study: every person, each map against the one before it."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from egomap.errors import NotFoundError
from egomap.linking.matching import Candidate, LinkProposal, accept, check_score, propose

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["WAVE_COLUMNS", "link_waves"]

#: Columns of :func:`link_waves`' table.
WAVE_COLUMNS = [
    "person_id",
    "earlier_map_id",
    "later_map_id",
    "earlier_map",
    "later_map",
    "earlier_id",
    "later_id",
    "earlier_label",
    "later_label",
    "score",
    "reasons",
    "accepted",
]


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Hold the cyclic garbage collector while many small, acyclic records are made (it rescans them all)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def link_waves(
    store: Store,
    *,
    persons: Iterable[str] | None = None,
    min_score: float = 0.5,
    auto_accept: float | None = None,
) -> pd.DataFrame:
    """Proposals for every person in a store: each map against the one before it.

    The cohort form of :func:`link_alters`, for waves imported from other tools.
    The store is read in bulk (one query for the maps and one for the alters),
    so it is fast on a whole study. A person who is missing at one time point
    and back at a later one is compared across consecutive maps only.

    Parameters
    ----------
    store : Store
    persons : iterable of str, optional
        Only these persons (by id); everyone by default.
    min_score : float, default 0.5
        Leave out pairs scoring below this.
    auto_accept : float, optional
        Merge every proposal scoring at least this (each one undoable edit on the
        later map), marked ``accepted``; by default nothing is changed.

    Returns
    -------
    pandas.DataFrame
        One row per proposal, with the columns of ``WAVE_COLUMNS``, in person and time order.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> from egomap.linking import link_waves
    >>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
    >>> p = store.add_person("R-1")
    >>> for label, date, name in [("T1", "2026-01-01", "Jonathan"), ("T2", "2026-06-01", "Jonathon")]:
    ...     _ = p.new_map(label, date=date).add_alter(name, ring=1, sector="friends")
    >>> link_waves(store)[["earlier_map", "later_map", "earlier_label", "later_label", "score"]]
      earlier_map later_map earlier_label later_label  score
    0          T1        T2      Jonathan    Jonathon   0.85
    >>> store.close()
    """
    check_score(min_score, "min_score")
    if auto_accept is not None:
        check_score(auto_accept, "auto_accept")
    with _no_gc_pauses():
        out = _wave_proposals(store, persons, float(min_score))
    if auto_accept is not None:
        sure: dict[str, list[LinkProposal]] = {}
        for _, _, mid, _, _, prop in out:
            if prop.score >= auto_accept:
                sure.setdefault(mid, []).append(prop)
        merged: set[tuple[str, str]] = set()
        renamed: dict[str, str] = {}  # a later alter merged on one map is its earlier self on the next
        for mid, props in sure.items():
            props = [replace(p, earlier_id=renamed.get(p.earlier_id, p.earlier_id)) for p in props]
            for p in accept(store.map(mid), props):
                merged.add((mid, p.later_id))
                renamed[p.later_id] = p.earlier_id
        out = [
            (*row[:5], replace(row[5], accepted=True) if (row[2], row[5].later_id) in merged else row[5]) for row in out
        ]
    with _no_gc_pauses():
        records = [
            (
                pid,
                emid,
                mid,
                elabel,
                label,
                p.earlier_id,
                p.later_id,
                p.earlier_label,
                p.later_label,
                p.score,
                "; ".join(p.reasons),
                p.accepted,
            )
            for pid, emid, mid, elabel, label, p in out
        ]
        return pd.DataFrame(records, columns=WAVE_COLUMNS)


def _wave_proposals(
    store: Store, persons: Iterable[str] | None, min_score: float
) -> list[tuple[str, str, str, str, str, LinkProposal]]:
    maps = store.read_maps()
    if persons is not None:
        wanted = set([persons] if isinstance(persons, str) else persons)
        unknown = sorted(wanted - set(maps["person_id"]))
        if unknown:
            raise NotFoundError(f"no maps for person {unknown[0]!r} in this store")
        maps = maps[maps["person_id"].isin(wanted)]
    cols = ["map_id", "alter_id", "label", "kind", "relationship", "is_professional", "sector"]
    ids = None if persons is None else maps["map_id"].tolist()
    rows = store.read_table("placements", cols, ids)
    who: dict[str, list[Candidate]] = {}
    on: dict[str, set[str]] = {}
    for mid, aid, label, kind, rel, prof, sector in zip(*(rows[c].tolist() for c in cols)):
        who.setdefault(mid, []).append(Candidate.of(aid, label, kind, rel, prof, sector))
        on.setdefault(mid, set()).add(aid)
    out = []
    per_person = maps[["person_id", "map_id", "map_label"]].itertuples(index=False, name=None)
    previous: tuple[str, str, str] | None = None
    for pid, mid, label in per_person:
        if previous is not None and previous[0] == pid:
            _, emid, elabel = previous
            before = [w for w in who.get(emid, ()) if w.id not in on.get(mid, ())]
            after = [w for w in who.get(mid, ()) if w.id not in on.get(emid, ())]
            for prop in propose(before, after, min_score):
                out.append((pid, emid, mid, elabel, label, prop))
        previous = (pid, mid, label)
    return out
