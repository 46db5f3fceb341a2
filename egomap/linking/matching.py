"""Scoring candidate pairs of alters and choosing one partner each; merging confirmed pairs."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from scipy.optimize import linear_sum_assignment

from egomap.errors import DuplicateError, NotFoundError, ValidationError
from egomap.linking.names import blocking_keys, name_score, normalise
from egomap.model import Alter, Map, Placement

__all__ = ["LinkProposal", "Candidate", "accept", "candidates", "check_score", "propose"]

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


class Candidate(NamedTuple):
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
    def of(cls, id: str, label: str, kind: str, relationship: str, professional: bool, sector: str) -> Candidate:
        norm = normalise(label)
        return cls(
            id, label, norm, blocking_keys(norm), kind, normalise(relationship or ""), bool(professional), sector
        )


def agreement(a: Candidate, b: Candidate) -> tuple[float, list[str], bool]:
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


def check_score(value: object, name: str) -> None:
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


def candidates(alters: Sequence[Alter], placements: dict[str, Placement]) -> list[Candidate]:
    return [
        Candidate.of(a.id, a.label, a.kind, a.relationship, a.is_professional, placements[a.id].sector) for a in alters
    ]


def propose(before: Sequence[Candidate], after: Sequence[Candidate], min_score: float) -> list[LinkProposal]:
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
            s, reason = name_score(a.norm, b.norm) if a.norm <= b.norm else name_score(b.norm, a.norm)
            if not s:
                continue
            share, reasons, kinds_differ = agreement(a, b)
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
