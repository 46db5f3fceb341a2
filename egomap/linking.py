"""Propose which alters of two maps of one person are the same people.

Maps drawn in egomap keep each alter's identity when a follow-up is copied
forward. Maps made elsewhere (Network Canvas gives every node a new id in every
interview) do not: the same Maya is a different alter at each time point, and
:func:`egomap.compare` then reports her as both lost and gained.
:func:`link_alters` proposes matches between the alters of an earlier and a
later map that are not already the same alter, each with a score between 0 and
1 and the reasons for it, for a person to confirm or reject.

How a pair is scored
--------------------
The names are compared first, after normalising them (case, accents,
punctuation and spacing ignored):

========================================  =====
the same name                              1.00
spelling differs by one letter (two for    0.85
long names)
initials of the other name ("J. Smith",    0.80
"JS" for "John Smith")
a short form or nickname ("Sam" for        0.80
"Samantha", "Bob" for "Robert")
the same first name, one has a surname     0.70
========================================  =====

The name score is then weighed by how far the recorded attributes agree (kind,
relationship, paid or professional, and sector): a pair whose attributes all
agree keeps its name score; one where all disagree keeps 70 % of it; a person
matched with an organisation, group, pet or online contact keeps half. So two
different people who share a first name ("Sam", a brother in the family sector,
and "Sam", a colleague at work) score 0.70, never a near-certain match. When
one alter has two or more candidates with the same name score, each proposal
says so and its score is capped at 0.9, so no threshold above that merges it
without someone looking. Each alter is proposed for at most one partner: the
pairs with the highest total score (an optimal assignment).

Examples
--------
>>> import egomap as em
>>> p = em.Person("NC-001")
>>> t1 = p.new_map("Interview 1", date="2026-01-10")
>>> _ = t1.add_alter("Maya", ring=1, sector="friends", relationship="friend")
>>> _ = t1.add_alter("Jonathan Reed", ring=2, sector="work_school")
>>> t2 = p.new_map("Interview 2", date="2026-07-10")
>>> _ = t2.add_alter("maya", ring=0, sector="friends", relationship="friend")
>>> _ = t2.add_alter("J. Reed", ring=2, sector="work_school")
>>> _ = t2.add_alter("Dr Shah", ring=2, sector="services")
>>> for prop in em.link_alters(t1, t2):
...     print(prop.earlier_label, "->", prop.later_label, f"{prop.score:.2f}", "; ".join(prop.reasons))
Maya -> maya 1.00 the same name; relationship agrees; sector agrees
Jonathan Reed -> J. Reed 0.80 initials match; sector agrees
"""

from __future__ import annotations

import contextlib
import functools
import gc
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from egomap.errors import DuplicateError, NotFoundError, ValidationError
from egomap.model import Alter, Map, Placement

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = [
    "LinkProposal",
    "NICKNAMES",
    "WAVE_COLUMNS",
    "accept",
    "link_alters",
    "link_waves",
    "name_similarity",
    "proposals_frame",
]

#: Common English short forms that are not simply the start of the full name.
#: (Forms that are, like "Sam" for "Samantha", are recognised without a table.)
NICKNAMES: dict[str, tuple[str, ...]] = {
    "bob": ("robert",),
    "bobby": ("robert",),
    "rob": ("robert",),
    "bill": ("william",),
    "billy": ("william",),
    "will": ("william",),
    "liz": ("elizabeth",),
    "beth": ("elizabeth", "bethany"),
    "betty": ("elizabeth",),
    "lisa": ("elizabeth",),
    "peggy": ("margaret",),
    "maggie": ("margaret",),
    "meg": ("margaret",),
    "jim": ("james",),
    "jimmy": ("james",),
    "jack": ("john",),
    "johnny": ("john",),
    "dick": ("richard",),
    "rick": ("richard",),
    "kate": ("katherine", "catherine", "kathleen"),
    "katie": ("katherine", "catherine", "kathleen"),
    "cathy": ("catherine",),
    "ted": ("edward",),
    "ned": ("edward",),
    "harry": ("henry", "harold"),
    "hal": ("henry", "harold"),
    "tony": ("anthony",),
    "sandy": ("alexandra", "sandra"),
    "sasha": ("alexandra", "alexander"),
    "alex": ("alexandra", "alexander"),
    "polly": ("mary",),
    "molly": ("mary",),
    "sally": ("sarah",),
    "jenny": ("jennifer",),
    "jen": ("jennifer",),
    "chuck": ("charles",),
    "charlie": ("charles", "charlotte"),
    "nick": ("nicholas",),
    "mike": ("michael",),
    "mick": ("michael",),
    "dave": ("david",),
    "steve": ("stephen", "steven"),
    "tom": ("thomas",),
    "andy": ("andrew",),
    "drew": ("andrew",),
    "ben": ("benjamin",),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "matt": ("matthew",),
    "pat": ("patrick", "patricia"),
    "patty": ("patricia",),
    "sue": ("susan", "suzanne"),
    "suzy": ("susan", "suzanne"),
    "nan": ("ann", "anne", "nancy"),
    "nana": ("grandmother",),
    "gran": ("grandmother", "granny", "grandma"),
    "grandma": ("grandmother", "granny"),
    "granny": ("grandmother",),
    "grandad": ("grandfather",),
    "grandpa": ("grandfather",),
    "mum": ("mother", "mom", "mam", "mummy"),
    "mom": ("mother", "mommy"),
    "mam": ("mother",),
    "dad": ("father", "daddy"),
}

_SAME = 1.0
_TYPO = 0.85
_INITIALS = 0.8
_SHORT = 0.8
_FIRST = 0.7
#: Share of the name score kept when every compared attribute disagrees.
_FLOOR = 0.7
#: Score cap for an alter with several equally good candidates.
_AMBIGUOUS_CAP = 0.9


@dataclass(frozen=True)
class LinkProposal:
    """A proposed match: alter ``earlier_id`` of the earlier map is alter ``later_id`` of the later map.

    Attributes
    ----------
    earlier_id, later_id : str
        Alter ids on the earlier and the later map.
    earlier_label, later_label : str
        Their names or labels, for showing the proposal side by side.
    score : float
        How likely the two are one person, between 0 and 1.
    reasons : tuple of str
        Why, in plain words ("the same name", "initials match", "sector differs", ...).
    accepted : bool
        Whether the two have been merged into one alter (by :func:`accept` or ``auto_accept``).
    """

    earlier_id: str
    later_id: str
    earlier_label: str
    later_label: str
    score: float
    reasons: tuple[str, ...]
    accepted: bool = False


_NOT_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1 << 16)
def _norm(label: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces (names repeat: cached)."""
    text = label
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _within(a: str, b: str, limit: int) -> int | None:
    """The edit distance between ``a`` and ``b`` if it is at most ``limit``, else None (banded)."""
    if abs(len(a) - len(b)) > limit:
        return None
    if len(a) > len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [limit + 1] * len(b)
        lo, hi = max(1, i - limit), min(len(b), i + limit)
        for j in range(lo, hi + 1):
            cost = 0 if ca == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if min(cur[max(0, lo - 1) : hi + 1]) > limit:
            return None
        prev = cur
    return prev[-1] if prev[-1] <= limit else None


def _short_form(a: str, b: str) -> bool:
    """One name word is a short form or nickname of the other."""
    if a == b:
        return True
    short, full = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and len(full) - len(short) >= 2 and full.startswith(short):
        return True
    return full in NICKNAMES.get(short, ()) or short in NICKNAMES.get(full, ())


def _initials(a: list[str], b: list[str]) -> bool:
    """One name is the other's initials: ``["js"]`` or ``["j", "smith"]`` for ``["john", "smith"]``."""
    for short, full in ((a, b), (b, a)):
        if len(full) < 2 and not (len(short) == 1 and len(short[0]) == 1):
            continue
        if len(short) == 1 and len(short[0]) == len(full) and len(full) > 1:
            if all(ch == w[0] for ch, w in zip(short[0], full)):
                return True
        if len(short) == len(full) and any(len(w) == 1 for w in short) and short != full:
            if all(s == f or (len(s) == 1 and f.startswith(s)) for s, f in zip(short, full)):
                return True
    return False


def name_similarity(a: str, b: str) -> tuple[float, str | None]:
    """How alike two names are, between 0 and 1, and the reason in plain words.

    Parameters
    ----------
    a, b : str
        Two names or labels.

    Returns
    -------
    tuple of (float, str or None)
        The score (see the module's table) and why; ``(0.0, None)`` when the names are not alike.

    Examples
    --------
    >>> from egomap.linking import name_similarity
    >>> name_similarity("Zoë  O'Neil", "zoe o neil")
    (1.0, 'the same name')
    >>> name_similarity("Jonathon", "Jonathan")
    (0.85, 'spelling differs by one letter')
    >>> name_similarity("Bob", "Robert")
    (0.8, 'a short form of the name')
    >>> name_similarity("Sam", "Sam Jones")
    (0.7, 'the same first name')
    >>> name_similarity("Sam", "Alex")
    (0.0, None)
    """
    return _name_score(_norm(a), _norm(b))


@functools.lru_cache(maxsize=1 << 18)
def _name_score(na: str, nb: str) -> tuple[float, str | None]:
    """:func:`name_similarity` of two normalised names."""
    if not na or not nb:
        return 0.0, None
    if na == nb:
        return _SAME, "the same name"
    compact_a, compact_b = na.replace(" ", ""), nb.replace(" ", "")
    if compact_a == compact_b:
        return _SAME, "the same name"
    limit = 2 if min(len(compact_a), len(compact_b)) >= 8 else 1
    if min(len(compact_a), len(compact_b)) >= 4:
        d = _within(compact_a, compact_b, limit)
        if d is not None:
            return _TYPO, "spelling differs by one letter" if d == 1 else f"spelling differs by {d} letters"
    ta, tb = na.split(), nb.split()
    if _initials(ta, tb):
        return _INITIALS, "initials match"
    if len(ta) == len(tb) and all(_short_form(x, y) for x, y in zip(ta, tb)):
        return _SHORT, "a short form of the name"
    if (len(ta) == 1) != (len(tb) == 1) and _short_form(ta[0], tb[0]):
        return _FIRST, "the same first name" if ta[0] == tb[0] else "a short form of the first name"
    return 0.0, None


#: For each full name, the first letters of its short forms (so "Bob" and "Robert" meet).
_NICK_LETTERS: dict[str, set[str]] = {}
for _nick, _fulls in NICKNAMES.items():
    for _full in _fulls:
        _NICK_LETTERS.setdefault(_full, set()).add(_nick[0])
        _NICK_LETTERS.setdefault(_nick, set()).add(_full[0])


@functools.lru_cache(maxsize=1 << 16)
def _keys(norm: str) -> tuple[str, ...]:
    """Blocking keys of a normalised name: only names sharing a key are compared at all."""
    compact = norm.replace(" ", "")
    keys = {compact[:1]}
    keys.update(_NICK_LETTERS.get(norm.split(" ", 1)[0], ()))
    if len(compact) >= 4:
        keys.add("~" + compact[1:3])  # a slip in the first letter ("Kaya" for "Maya")
    return tuple(keys)


class _Who(NamedTuple):
    """What scoring needs of one alter on one map, computed once."""

    id: str
    label: str
    norm: str
    keys: tuple[str, ...]
    kind: str
    relationship: str
    professional: bool
    sector: str

    @classmethod
    def of(cls, id: str, label: str, kind: str, relationship: str, professional: bool, sector: str) -> _Who:
        norm = _norm(label)
        return cls(id, label, norm, _keys(norm), kind, _norm(relationship or ""), bool(professional), sector)


def _agreement(a: _Who, b: _Who) -> tuple[float, list[str], bool]:
    """The share of compared attributes that agree, the reasons, and whether the kinds differ."""
    agree = total = 0
    reasons = []
    checks = [("relationship", a.relationship, b.relationship)] if a.relationship and b.relationship else []
    if a.professional or b.professional:  # both unpaid is the default, not evidence
        checks.append(("paid or professional", a.professional, b.professional))
    checks.append(("sector", a.sector, b.sector))
    for name, x, y in checks:
        total += 1
        if x == y:
            agree += 1
            reasons.append(f"{name} agrees")
        else:
            reasons.append(f"{name} differs")
    kinds_differ = a.kind != b.kind
    if kinds_differ:
        reasons.append(f"kind differs ({a.kind} / {b.kind})")
    return (agree / total if total else 1.0), reasons, kinds_differ


def _check(m: object, name: str) -> Map:
    if not isinstance(m, Map):
        raise ValidationError(f"{name} must be a map, not {type(m).__name__}")
    return m


def link_alters(
    earlier: Map, later: Map, *, min_score: float = 0.5, auto_accept: float | None = None
) -> list[LinkProposal]:
    """Propose which alters of ``earlier`` are the same people as alters of ``later``.

    Only alters that are not already the same alter on both maps are considered
    (a follow-up copied forward in egomap is linked already). Nothing is changed:
    the proposals are for a person to confirm or reject.

    Parameters
    ----------
    earlier, later : Map
        Two maps of the same person.
    min_score : float, default 0.5
        Leave out pairs scoring below this.
    auto_accept : float, optional
        Merge, without asking, every proposal scoring at least this (e.g. ``0.95``);
        they come back with ``accepted=True``. By default nothing is merged.

    Returns
    -------
    list of LinkProposal
        At most one proposal per alter, best first.

    Raises
    ------
    ValidationError
        If the maps belong to different persons, are the same map, or a score is not between 0 and 1.

    Examples
    --------
    Two people with the same first name are proposed, but not as a near-certain match:

    >>> import egomap as em
    >>> p = em.Person("P-7")
    >>> a = p.new_map("T1")
    >>> _ = a.add_alter("Sam", ring=1, sector="household", relationship="brother")
    >>> b = p.new_map("T2")
    >>> _ = b.add_alter("Sam", ring=2, sector="work_school", relationship="colleague")
    >>> [(x.score, x.reasons) for x in em.link_alters(a, b)]
    [(0.7, ('the same name', 'relationship differs', 'sector differs'))]
    >>> [x.accepted for x in em.link_alters(a, b, auto_accept=0.95)]
    [False]

    See Also
    --------
    egomap.compare : what changed between two maps, once their alters are linked.
    """
    earlier, later = _check(earlier, "earlier"), _check(later, "later")
    if earlier.person.id != later.person.id:
        raise ValidationError(
            f"maps {earlier.label!r} and {later.label!r} belong to different persons "
            f"({earlier.person.id!r}, {later.person.id!r}); alters are linked within one person"
        )
    if earlier.id == later.id:
        raise ValidationError(f"link_alters needs two different maps; both are {earlier.label!r}")
    _check_score(min_score, "min_score")
    if auto_accept is not None:
        _check_score(auto_accept, "auto_accept")
    before = [a for a in earlier.alters if a.id not in later.placements]
    after = [b for b in later.alters if b.id not in earlier.placements]
    proposals = _propose(_whos(before, earlier.placements), _whos(after, later.placements), float(min_score))
    if auto_accept is None:
        return proposals
    sure = accept(later, [p for p in proposals if p.score >= auto_accept])
    done = {p.later_id for p in sure}
    return [replace(p, accepted=True) if p.later_id in done else p for p in proposals]


def _check_score(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValidationError(f"{name} must be a number between 0 and 1, not {value!r}", field=name)


def accept(later: Map, proposals: Iterable[LinkProposal]) -> list[LinkProposal]:
    """Merge the confirmed proposals: each later alter becomes the earlier one on ``later``.

    Each merge is one edit in the later map's log (see
    :meth:`egomap.Map.merge_alter`), so :meth:`~egomap.Map.undo` separates the
    last one again. All proposals are checked before anything is merged.

    Parameters
    ----------
    later : Map
        The later map of the pair the proposals were made for.
    proposals : iterable of LinkProposal
        The proposals a person confirmed (or corrected: any pair of an alter on
        ``later`` and an alter of the same person not on it).

    Returns
    -------
    list of LinkProposal
        The proposals, with ``accepted=True``.

    Raises
    ------
    ValidationError
        If an alter appears in two proposals.
    NotFoundError, DuplicateError
        If a proposal's later alter is not on ``later``, or its earlier alter is
        not the person's or is on ``later`` already; nothing is merged then.

    Examples
    --------
    >>> import egomap as em
    >>> from egomap.linking import accept
    >>> p = em.Person("R-050")
    >>> t1, t2 = p.new_map("T1"), p.new_map("T2")
    >>> _ = t1.add_alter("Ade", ring=1, sector="friends")
    >>> _ = t2.add_alter("Ade", ring=1, sector="friends")
    >>> [x.accepted for x in accept(t2, em.link_alters(t1, t2))]
    [True]
    >>> [a.label for a in em.compare(t1, t2).retained]
    ['Ade']
    """
    chosen = list(proposals)
    known = later.person.alters_by_id()
    for name, ids in (("earlier", [p.earlier_id for p in chosen]), ("later", [p.later_id for p in chosen])):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValidationError(f"{name} alter {twice[0]!r} is in more than one proposal", field=name)
    for p in chosen:
        if p.later_id not in later.placements:
            raise NotFoundError(f"{p.later_label!r} is not on map {later.label!r}")
        if p.earlier_id not in known:
            raise NotFoundError(f"{p.earlier_label!r} is not an alter of person {later.person.id!r}")
        if p.earlier_id in later.placements:
            raise DuplicateError(f"{p.earlier_label!r} is already on map {later.label!r}", field="earlier")
    out = []
    for p in chosen:
        later.merge_alter(p.later_id, into=p.earlier_id)
        out.append(replace(p, accepted=True))
    return out


def _whos(alters: Sequence[Alter], placements: dict[str, Placement]) -> list[_Who]:
    return [_Who.of(a.id, a.label, a.kind, a.relationship, a.is_professional, placements[a.id].sector) for a in alters]


def _propose(before: Sequence[_Who], after: Sequence[_Who], min_score: float) -> list[LinkProposal]:
    if not before or not after:
        return []
    names = np.zeros((len(before), len(after)))
    scores = np.zeros_like(names)
    why: dict[tuple[int, int], list[str]] = {}
    index: dict[str, list[int]] = {}
    for j, b in enumerate(after):
        for k in b.keys:
            index.setdefault(k, []).append(j)
    for i, a in enumerate(before):
        candidates = {j for k in a.keys for j in index.get(k, ())}
        for j in candidates:
            b = after[j]
            s, reason = _name_score(a.norm, b.norm) if a.norm <= b.norm else _name_score(b.norm, a.norm)
            if not s:
                continue
            share, reasons, kinds_differ = _agreement(a, b)
            total = s * (_FLOOR + (1 - _FLOOR) * share) * (0.5 if kinds_differ else 1.0)
            names[i, j], scores[i, j] = s, total
            why[i, j] = [reason or "", *reasons]
    if not why:
        return []
    rows, cols = linear_sum_assignment(scores, maximize=True)
    best = names[rows, cols]
    # How many other candidates have the same name score in the same row or column, for each chosen pair.
    rivals = (names[rows] == best[:, None]).sum(1) + (names[:, cols] == best[None, :]).sum(0) - 2
    out = []
    for i, j, r in zip(rows.tolist(), cols.tolist(), rivals.tolist()):
        score = float(scores[i, j])
        if score <= 0 or score < min_score:
            continue
        reasons = why[i, j]
        if r > 0:
            score = min(score, _AMBIGUOUS_CAP)
            reasons = [*reasons, "another person here has an equally similar name"]
        a, b = before[i], after[j]
        score = math.floor(score * 1000 + 0.5) / 1000
        out.append(LinkProposal(a.id, b.id, a.label, b.label, score, tuple(reasons)))
    out.sort(key=lambda p: (-p.score, p.earlier_label.casefold(), p.later_label.casefold()))
    return out


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
    _check_score(min_score, "min_score")
    if auto_accept is not None:
        _check_score(auto_accept, "auto_accept")
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
    who: dict[str, list[_Who]] = {}
    on: dict[str, set[str]] = {}
    for mid, aid, label, kind, rel, prof, sector in zip(*(rows[c].tolist() for c in cols)):
        who.setdefault(mid, []).append(_Who.of(aid, label, kind, rel, prof, sector))
        on.setdefault(mid, set()).add(aid)
    out = []
    per_person = maps[["person_id", "map_id", "map_label"]].itertuples(index=False, name=None)
    previous: tuple[str, str, str] | None = None
    for pid, mid, label in per_person:
        if previous is not None and previous[0] == pid:
            _, emid, elabel = previous
            before = [w for w in who.get(emid, ()) if w.id not in on.get(mid, ())]
            after = [w for w in who.get(mid, ()) if w.id not in on.get(emid, ())]
            for prop in _propose(before, after, min_score):
                out.append((pid, emid, mid, elabel, label, prop))
        previous = (pid, mid, label)
    return out


def proposals_frame(proposals: Sequence[LinkProposal]) -> pd.DataFrame:
    """The proposals as a table, one row each (for a notebook or a CSV to review).

    Examples
    --------
    >>> from egomap.linking import LinkProposal, proposals_frame
    >>> proposals_frame([LinkProposal("a1", "b1", "Maya", "maya", 1.0, ("the same name",))])
      earlier_id later_id earlier_label later_label  score        reasons  accepted
    0         a1       b1          Maya        maya    1.0  the same name     False
    """
    rows = [
        {
            "earlier_id": p.earlier_id,
            "later_id": p.later_id,
            "earlier_label": p.earlier_label,
            "later_label": p.later_label,
            "score": p.score,
            "reasons": "; ".join(p.reasons),
            "accepted": p.accepted,
        }
        for p in proposals
    ]
    columns = ["earlier_id", "later_id", "earlier_label", "later_label", "score", "reasons", "accepted"]
    return pd.DataFrame(rows, columns=columns)
