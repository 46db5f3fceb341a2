"""Compare two maps of the same person: who is new, who has gone, who moved.

:func:`compare` takes two maps (in memory or from a store) and returns a
:class:`Change`; :func:`changes` does the same for every pair of consecutive
maps of a person.

Examples
--------
>>> import egomap as em
>>> p = em.Person("R-100")
>>> base = p.new_map("Baseline", date="2026-01-12")
>>> mum = base.add_alter("Mum", ring=1, sector="household")
>>> dr = base.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
>>> six = p.new_map("6 months", date="2026-07-13", copy_from=base)
>>> six.remove_alter(dr)
>>> _ = six.move(mum, ring=0)
>>> coach = six.add_alter("Coach", ring=2, sector="clubs_groups")
>>> ch = em.compare(base, six)
>>> [a.label for a in ch.gained], [a.label for a in ch.lost], [a.label for a in ch.retained]
(['Coach'], ['Dr Shah'], ['Mum'])
>>> [(mv.alter.label, mv.shift) for mv in ch.moved_inward]
[('Mum', -1)]
>>> print(ch.to_frame()[["label", "status", "ring_before", "ring_after"]].to_string(index=False))
  label   status  ring_before  ring_after
    Mum retained            1           0
  Coach   gained         <NA>           2
Dr Shah     lost            2        <NA>
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from egomap.change.report import change_html, summary_lines
from egomap.change.words import (
    ATTRIBUTES,
    MISSING,
    READABLE_COLUMNS,
    TABLE_ATTRIBUTES,
    readable_frame,
    shift_words,
)
from egomap.errors import ValidationError
from egomap.measures.capital import resources_accessed, share_bridging
from egomap.model import Alter, Map, Person

__all__ = [
    "ATTRIBUTES",
    "Move",
    "AttributeChange",
    "Change",
    "compare",
    "changes",
    "ring_state_labels",
    "shift_words",
    "readable_frame",
    "READABLE_COLUMNS",
    "TABLE_ATTRIBUTES",
    "MISSING",
]


#: Name of the state of an alter that is not on the earlier map.
NEW = "new"
#: Name of the state of an alter that is not on the later map.
GONE = "gone"


@dataclass(frozen=True)
class Move:
    """Where a retained alter was and is: ring and sector before and after.

    ``shift`` is ``ring_after - ring_before``: negative means the alter moved
    inward (closer to the person), positive outward.
    """

    alter: Alter
    ring_before: int
    ring_after: int
    sector_before: str
    sector_after: str

    @property
    def shift(self) -> int:
        """Rings moved: negative inward (closer), positive outward."""
        return self.ring_after - self.ring_before

    @property
    def direction(self) -> str:
        """``"inward"``, ``"outward"`` or ``"same"``."""
        return "inward" if self.shift < 0 else "outward" if self.shift > 0 else "same"

    @property
    def sector_changed(self) -> bool:
        """Whether the alter is in another sector."""
        return self.sector_before != self.sector_after


@dataclass(frozen=True)
class AttributeChange:
    """One attribute of a retained alter's placement that differs between the maps."""

    alter: Alter
    attribute: str
    before: Any
    after: Any


def _share(num: int, den: int) -> float:
    return num / den if den else math.nan


def _composition(m: Map) -> dict[str, float]:
    family = m.sectors.family_keys
    alters = m.alters
    pl = m.placements
    n = len(alters)
    return {
        "size": float(n),
        "ties": float(len(m.ties)),
        "share_professional": _share(sum(a.is_professional for a in alters), n),
        "share_family": _share(sum(pl[a.id].sector in family for a in alters), n),
        "share_stressful": _share(sum(pl[a.id].valence == "stressful" for a in alters), n),
        "share_bridging": share_bridging(m),
        "resources_accessed": resources_accessed(m),
    }


def ring_state_labels(m: Map) -> list[str]:
    """Ring labels of ``m``, made unique (used as states in transition tables).

    Examples
    --------
    >>> import egomap as em
    >>> ring_state_labels(em.Person("R-1").new_map("Baseline"))
    ['Inner circle', 'Middle circle', 'Outer circle']
    """
    labels = [r.label for r in m.rings.rings]
    if len(set(labels)) != len(labels) or {NEW, GONE} & set(labels):
        labels = [f"{i}: {lbl}" for i, lbl in enumerate(labels)]
    return labels


@dataclass
class Change:
    """What differs between two maps of the same person.

    Do not build directly: use :func:`compare`.

    Attributes
    ----------
    before, after : Map
        The earlier and the later map.
    gained, lost, retained : list of Alter
        Alters only on ``after``, only on ``before``, and on both.
    moves : list of Move
        Ring and sector before and after, for every retained alter.
    attribute_changes : list of AttributeChange
        Changes in support, valence, contact and social capital (the effective
        type, :meth:`Map.capital`) of retained alters.
    ties_formed, ties_dissolved : list of (Alter, Alter)
        Alter-alter ties only on ``after`` / only on ``before``.
    """

    before: Map
    after: Map
    gained: list[Alter] = field(default_factory=list)
    lost: list[Alter] = field(default_factory=list)
    retained: list[Alter] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    attribute_changes: list[AttributeChange] = field(default_factory=list)
    ties_formed: list[tuple[Alter, Alter]] = field(default_factory=list)
    ties_dissolved: list[tuple[Alter, Alter]] = field(default_factory=list)

    # ------------------------------------------------------------------ derived
    @property
    def moved(self) -> list[Move]:
        """Retained alters who changed ring (inward or outward)."""
        return [mv for mv in self.moves if mv.shift != 0]

    @property
    def moved_inward(self) -> list[Move]:
        """Retained alters now in an inner ring (closer to the person)."""
        return [mv for mv in self.moves if mv.shift < 0]

    @property
    def moved_outward(self) -> list[Move]:
        """Retained alters now in an outer ring."""
        return [mv for mv in self.moves if mv.shift > 0]

    @property
    def sector_changes(self) -> list[Move]:
        """Retained alters now in another sector."""
        return [mv for mv in self.moves if mv.sector_changed]

    @property
    def ring_transitions(self) -> pd.DataFrame:
        """Counts of alters by ring before (rows) and ring after (columns).

        Rows are the rings of ``before`` plus ``"new"`` (gained alters);
        columns are the rings of ``after`` plus ``"gone"`` (lost alters). The
        ring-by-ring block is the transition matrix of retained alters.
        """
        rows = [*ring_state_labels(self.before), NEW]
        cols = [*ring_state_labels(self.after), GONE]
        df = pd.DataFrame(0, index=pd.Index(rows, name="before"), columns=pd.Index(cols, name="after"))
        pb, pa = self.before.placements, self.after.placements
        for a in self.retained:
            df.iloc[pb[a.id].ring, pa[a.id].ring] += 1
        for a in self.gained:
            df.iloc[len(rows) - 1, pa[a.id].ring] += 1
        for a in self.lost:
            df.iloc[pb[a.id].ring, len(cols) - 1] += 1
        return df

    @property
    def composition(self) -> pd.DataFrame:
        """Size, ties, the shares of professionals, family, stressful and bridging ties, and resources reached.

        One row per measure, columns ``before``, ``after`` and ``shift``
        (after minus before). Shares are of all alters on the map (NaN for
        a map with no alters); family means the family sectors of the
        map's sector scheme; stressful means valence ``"stressful"``;
        bridging is the alters' social capital (:meth:`Map.capital`);
        ``resources_accessed`` is the number of resource items someone could
        provide (NaN if none was asked).
        """
        b, a = _composition(self.before), _composition(self.after)
        df = pd.DataFrame({"before": b, "after": a})
        df["shift"] = df["after"] - df["before"]
        df.index.name = "measure"
        return df

    @property
    def new_bridging(self) -> list[Alter]:
        """Gained alters whose social capital on the later map is bridging (in map order).

        Their ``met_through`` traces each new tie to the activity that made it.
        """
        return [a for a in self.gained if self.after.capital(a.id) == "bridging"]

    @property
    def n_new_bridging(self) -> int:
        """How many gained alters bring bridging capital (``n_new_bridging`` of ``em.cohort_changes``)."""
        return len(self.new_bridging)

    @property
    def d_resources_accessed(self) -> float:
        """Resource items reached on the later map minus those on the earlier (NaN if either asked none).

        The ``d_resources_accessed`` of ``em.cohort_changes``; see
        :func:`egomap.measures.resources_accessed`.
        """
        return resources_accessed(self.after) - resources_accessed(self.before)

    @property
    def person(self) -> Person:
        """The person both maps belong to."""
        return self.before.person

    def __bool__(self) -> bool:
        return bool(self.gained or self.lost or self.moved or self.sector_changes or self.attribute_changes) or bool(
            self.ties_formed or self.ties_dissolved
        )

    # ------------------------------------------------------------------ tables
    def to_frame(self, readable: bool = False) -> pd.DataFrame:
        """One row per alter on either map.

        With ``readable=True``, the table a practitioner reads: the columns
        of :data:`READABLE_COLUMNS` under their plain names ("Circle
        (before)", "How it feels (after)"), circles and sectors by their
        labels, the status as new / gone / still there, moves in words
        ("one circle closer"), and every missing value shown as
        :data:`MISSING` (see :func:`egomap.change.words.readable_frame`).
        The default is the researcher's table described below.

        Columns: ``alter_id``, ``label``, ``kind``, ``is_professional``,
        ``relationship``, ``met_through`` (the activity, group or agency
        where they met: how a new tie is traced back to the work that made
        it), ``status`` (retained, gained, lost), ``ring_before``, ``ring_after``,
        ``shift`` (negative = inward), ``direction``, ``sector_before``,
        ``sector_after``, ``sector_changed``, and ``<attribute>_before`` /
        ``<attribute>_after`` for each of :data:`TABLE_ATTRIBUTES`: the
        placement attributes of :data:`ATTRIBUTES` (valence, contact, the
        support sets as comma-separated text, known_for), ``capital`` (the
        effective social capital, :meth:`Map.capital`: the person's own view
        if recorded, else the default rule) and ``resources`` (the keys of the
        resource items the alter could provide, comma-separated in the
        scheme's order; empty text for none). Retained alters come first, then gained,
        then lost, each in map order. With ``readable=True`` capital is shown
        as its word and resources by the items' labels.

        Examples
        --------
        >>> import egomap as em
        >>> p = em.demo.demo_case()
        >>> table = em.compare(p.map("Baseline"), p.map("6 months")).to_frame(readable=True)
        >>> print(table.set_index("Name").loc[["Dad", "Josh"], ["Change", "Circle (before)", "Moved"]].to_string())
                   Change Circle (before)                  Moved
        Name
        Dad   still there   Middle circle  one circle further out
        Josh          new               \u2013                      \u2013
        """
        pb, pa = self.before.placements, self.after.placements
        rows = []
        for status, alters in (("retained", self.retained), ("gained", self.gained), ("lost", self.lost)):
            for a in alters:
                b = pb.get(a.id) if status != "gained" else None
                f = pa.get(a.id) if status != "lost" else None
                row: dict[str, Any] = {
                    "alter_id": a.id,
                    "label": a.label,
                    "kind": a.kind,
                    "is_professional": a.is_professional,
                    "relationship": a.relationship,
                    "met_through": a.met_through,
                    "status": status,
                    "ring_before": b.ring if b else None,
                    "ring_after": f.ring if f else None,
                    "shift": (f.ring - b.ring) if b and f else None,
                    "direction": (
                        ("inward" if f.ring < b.ring else "outward" if f.ring > b.ring else "same") if b and f else None
                    ),
                    "sector_before": b.sector if b else None,
                    "sector_after": f.sector if f else None,
                    "sector_changed": (b.sector != f.sector) if b and f else None,
                }
                for attr in TABLE_ATTRIBUTES:
                    for when, m, p in (("before", self.before, b), ("after", self.after, f)):
                        row[f"{attr}_{when}"] = _value(m, a.id, attr, p) if p else None
                rows.append(row)
        cols = [
            "alter_id",
            "label",
            "kind",
            "is_professional",
            "relationship",
            "met_through",
            "status",
            "ring_before",
            "ring_after",
            "shift",
            "direction",
            "sector_before",
            "sector_after",
            "sector_changed",
            *(f"{attr}_{when}" for attr in TABLE_ATTRIBUTES for when in ("before", "after")),
        ]
        df = pd.DataFrame(rows, columns=cols)
        for c in ("ring_before", "ring_after", "shift"):
            df[c] = df[c].astype("Int64")
        df["sector_changed"] = df["sector_changed"].astype("boolean")
        df["is_professional"] = df["is_professional"].astype(bool)
        return readable_frame(df, self.before, self.after) if readable else df

    def ties_frame(self) -> pd.DataFrame:
        """One row per tie formed or dissolved: ``a``, ``b`` (labels), ``a_id``, ``b_id``, ``status``."""
        rows = [
            {"a": x.label, "b": y.label, "a_id": x.id, "b_id": y.id, "status": status}
            for status, ties in (("formed", self.ties_formed), ("dissolved", self.ties_dissolved))
            for x, y in ties
        ]
        return pd.DataFrame(rows, columns=["a", "b", "a_id", "b_id", "status"])

    # ------------------------------------------------------------------ display
    def summary(self) -> list[str]:
        """The change in a few plain sentences (one per line of a report).

        Examples
        --------
        >>> import egomap as em
        >>> p = em.Person("R-101")
        >>> a = p.new_map("Baseline", date="2026-01-01")
        >>> _ = a.add_alter("Mum", ring=0, sector="household")
        >>> b = p.new_map("Later", date="2026-06-01", copy_from=a)
        >>> _ = b.add_alter("Coach", ring=2, sector="clubs_groups")
        >>> _ = b.move("Mum", ring=1)
        >>> _ = b.update("Mum", valence="mixed")
        >>> for line in compare(a, b).summary():
        ...     print(line)
        1 new: Coach.
        1 new bridging tie (beyond the person's circles): Coach.
        1 moved further out: Mum (one circle).
        1 change in how it feels, support or contact: Mum: how it feels not recorded to mixed.
        """
        return summary_lines(self)

    def __repr__(self) -> str:
        return (
            f"<Change {self.before.label!r} -> {self.after.label!r} of {self.person.id!r}: "
            f"{len(self.gained)} gained, {len(self.lost)} lost, {len(self.retained)} retained, "
            f"{len(self.moved)} moved>"
        )

    def _repr_html_(self) -> str:
        return change_html(self)


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):
        return ",".join(sorted(value))
    return value


def _value(m: Map, alter_id: str, attribute: str, placement: Any) -> Any:
    """One cell of the change table: a placement attribute, the effective capital or the resources."""
    if attribute == "capital":
        return m.capital(alter_id)
    if attribute == "resources":
        return ",".join(m.resources_of(alter_id))
    return _plain(getattr(placement, attribute))


def _check_map(m: object, name: str) -> Map:
    if not isinstance(m, Map):
        raise ValidationError(f"{name} must be a map (egomap.Map), got {type(m).__name__} {m!r}", field=name)
    return m


def compare(before: Map, after: Map) -> Change:
    """Compare two maps of the same person.

    Parameters
    ----------
    before, after : Map
        The earlier and the later map (any two maps of one person; they need
        not be consecutive). Maps from a store and in-memory maps both work.

    Returns
    -------
    Change

    Raises
    ------
    ValidationError
        If the maps belong to different persons, or are not maps.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> ch = em.compare(p.map("Baseline"), p.map("6 months"))
    >>> sorted(a.label for a in ch.gained)
    ['Dave', 'Josh', 'Kwame', 'Marcus']
    >>> [(mv.alter.label, mv.shift) for mv in ch.moved_outward]
    [('Dad', 1)]
    """
    _check_map(before, "before")
    _check_map(after, "after")
    if before.person.id != after.person.id:
        raise ValidationError(
            f"cannot compare maps of different persons: map {before.label!r} belongs to person "
            f"{before.person.id!r} and map {after.label!r} to person {after.person.id!r}",
            field="after",
            value=after.label,
        )
    pb, pa = before.placements, after.placements
    ch = Change(before, after)
    for a in after.alters:
        if a.id in pb:
            ch.retained.append(a)
        else:
            ch.gained.append(a)
    ch.lost = [a for a in before.alters if a.id not in pa]
    for a in ch.retained:
        b, f = pb[a.id], pa[a.id]
        ch.moves.append(Move(a, b.ring, f.ring, b.sector, f.sector))
        ch.attribute_changes.extend(_attribute_changes(a, before, after))
    alters = {a.id: a for a in before.alters}
    alters.update({a.id: a for a in after.alters})
    rank = {aid: i for i, aid in enumerate(alters)}  # map order, so pairs do not depend on random ids

    def pair(t: Any) -> tuple[Alter, Alter]:
        x, y = sorted((t.a, t.b), key=rank.__getitem__)
        return alters[x], alters[y]

    tb, ta = set(before.ties), set(after.ties)
    ch.ties_formed = [pair(t) for t in after.ties if t not in tb]
    ch.ties_dissolved = [pair(t) for t in before.ties if t not in ta]
    return ch


def _attribute_changes(a: Alter, before: Map, after: Map) -> list[AttributeChange]:
    """The compared attributes that differ; capital as the effective type (a set type or the rule's)."""
    b, f = before.placements[a.id], after.placements[a.id]
    out = []
    for attr in (*(x for x in ATTRIBUTES if x != "capital"), "capital"):
        old, new = (
            (before.capital(a.id), after.capital(a.id)) if attr == "capital" else (getattr(b, attr), getattr(f, attr))
        )
        if old != new:
            out.append(AttributeChange(a, attr, old, new))
    return out


def changes(person: Person) -> list[Change]:
    """Compare each pair of consecutive maps of ``person`` (in time order).

    Examples
    --------
    >>> import egomap as em
    >>> [(c.before.label, c.after.label) for c in em.changes(em.demo.demo_case())]
    [('Baseline', '6 months'), ('6 months', '12 months')]
    """
    if not isinstance(person, Person):
        raise ValidationError(f"person must be an egomap.Person, got {type(person).__name__}", field="person")
    maps = person.maps
    return [compare(a, b) for a, b in zip(maps, maps[1:])]
