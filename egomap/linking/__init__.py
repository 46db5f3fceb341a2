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

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from egomap.errors import ValidationError
from egomap.linking.matching import LinkProposal, accept, candidates, check_score, propose
from egomap.linking.names import NICKNAMES, name_similarity
from egomap.linking.waves import WAVE_COLUMNS, link_waves
from egomap.model import Map

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
    check_score(min_score, "min_score")
    if auto_accept is not None:
        check_score(auto_accept, "auto_accept")
    before = [a for a in earlier.alters if a.id not in later.placements]
    after = [b for b in later.alters if b.id not in earlier.placements]
    proposals = propose(candidates(before, earlier.placements), candidates(after, later.placements), float(min_score))
    if auto_accept is None:
        return proposals
    sure = accept(later, [p for p in proposals if p.score >= auto_accept])
    done = {p.later_id for p in sure}
    return [replace(p, accepted=True) if p.later_id in done else p for p in proposals]


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
