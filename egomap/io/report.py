"""The report of an import: what came in from each file, and everything skipped, assumed or flagged.

Every importer (:func:`egomap.io.read_network_canvas`, :func:`egomap.io.read_egor`)
returns the imported persons as an :class:`Imported` list whose ``report`` is an
:class:`ImportReport`; ``egomap import`` prints it.

Examples
--------
>>> r = ImportReport("egor", "study")
>>> r.count("egos.csv", persons=2, maps=3)
>>> r.note("skipped", "repeats interview 'T1' already in the store", "egos.csv", 4)
>>> print(r)
Imported from study (egor): 2 person(s), 3 map(s), 0 alter(s), 0 tie(s)
  egos.csv: 2 person(s), 3 map(s)
Skipped:
  egos.csv, row 4: repeats interview 'T1' already in the store
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["KINDS", "FileCounts", "ReportNote", "ImportReport", "Imported"]

#: What a note says about the input: left out, taken for granted (a default), or imported but worth a look.
KINDS = ("skipped", "assumed", "flagged")
_COUNTS = ("persons", "maps", "alters", "ties")


@dataclass
class FileCounts:
    """How many persons, maps, alters and ties one file gave."""

    persons: int = 0
    maps: int = 0
    alters: int = 0
    ties: int = 0

    def __str__(self) -> str:
        parts = [f"{getattr(self, k)} {k[:-1]}(s)" for k in _COUNTS if getattr(self, k)]
        return ", ".join(parts) or "nothing"


@dataclass(frozen=True)
class ReportNote:
    """One thing skipped, assumed or flagged, with the file and row it comes from (if any)."""

    kind: str
    message: str
    file: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.file, f"row {self.row}" if self.row else None) if x)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class ImportReport:
    """What an import did, file by file.

    Attributes
    ----------
    format, source : str
        The format read and where from.
    files : dict
        File name -> :class:`FileCounts` imported from it.
    notes : list of ReportNote
        Everything skipped, assumed or flagged, by file and row, in the order found.
    placed_outside : int
        Network Canvas nodes that lay outside every circle and were put in the outer circle.
    stage : str or None
        The Network Canvas Sociogram stage whose circles were used.
    """

    format: str
    source: str
    files: dict[str, FileCounts] = field(default_factory=dict)
    notes: list[ReportNote] = field(default_factory=list)
    placed_outside: int = 0
    stage: str | None = None
    pending: dict[str, list[tuple[str, dict[str, int]]]] = field(default_factory=dict, repr=False)

    def count_for(self, map_id: str, file: str | Path | None, **counts: int) -> None:
        """Counts that hold once map ``map_id`` is saved (see :meth:`settle`)."""
        self.pending.setdefault(map_id, []).append((_name(file), counts))

    def settle(self, skipped: set[str] | frozenset[str] = frozenset()) -> None:
        """Add the pending counts of every map but the ``skipped`` ones (repeats already in the store)."""
        for map_id, items in self.pending.items():
            if map_id not in skipped:
                for file, counts in items:
                    self.count(file, **counts)
        self.pending.clear()

    def count(self, file: str | Path | None, **counts: int) -> None:
        """Add ``persons=``, ``maps=``, ``alters=``, ``ties=`` imported from ``file``."""
        fc = self.files.setdefault(_name(file), FileCounts())
        for k, n in counts.items():
            setattr(fc, k, getattr(fc, k) + n)

    def note(self, kind: str, message: str, file: str | Path | None = None, row: int | None = None) -> None:
        """Record something ``"skipped"``, ``"assumed"`` or ``"flagged"``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.notes.append(ReportNote(kind, message, _name(file) if file is not None else None, row))

    def of(self, kind: str) -> list[ReportNote]:
        """The notes of one kind."""
        return [n for n in self.notes if n.kind == kind]

    @property
    def totals(self) -> FileCounts:
        """Persons, maps, alters and ties over all files."""
        return FileCounts(**{k: sum(getattr(fc, k) for fc in self.files.values()) for k in _COUNTS})

    def __str__(self) -> str:
        t = self.totals
        lines = [
            f"Imported from {self.source} ({self.format}): {t.persons} person(s), {t.maps} map(s), "
            f"{t.alters} alter(s), {t.ties} tie(s)"
        ]
        if self.stage:
            lines.append(f"  circles from Sociogram stage {self.stage}")
        if self.placed_outside:
            lines.append(f"  placed_outside: {self.placed_outside} node(s) outside every circle, put in the outer one")
        lines += [f"  {name}: {fc}" for name, fc in self.files.items()]
        for kind in KINDS:
            notes = self.of(kind)
            if notes:
                lines.append(f"{kind.capitalize()}:")
                lines += [f"  {n}" for n in notes]
        return "\n".join(lines)


class Imported(list):
    """The persons an import saved (a list, as before), with the import's :class:`ImportReport` as ``report``."""

    def __init__(self, persons=(), report: ImportReport | None = None) -> None:
        super().__init__(persons)
        self.report = report


def _name(file: str | Path | None) -> str:
    if file is None:
        return ""
    return Path(file).name
