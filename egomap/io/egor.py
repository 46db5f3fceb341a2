"""egor-compatible three-file CSV export and import.

Three UTF-8 CSV files, one row per person x map ("ego"), one row per alter per
map, and one row per alter-alter tie:

``egos.csv``
    ``egoID`` (``"<person id>_<map index>"``, map index from 0 in time order),
    ``person_id``, ``map_index``, ``map_label`` (``T1``, ``T2``... in date order
    unless names are asked for), ``map_date`` (ISO), ``ring_scheme``,
    ``sector_scheme`` (scheme names), ``n_rings``, ``sector_keys`` and
    ``family_sectors`` (sector keys clockwise from 12 o'clock, and those counted
    as family, joined by ``;``: enough to rebuild a scheme the importing
    egomap does not know, such as one made by a Network Canvas import),
    ``consent_research`` (TRUE/FALSE), ``n_alters``, ``n_ties``; with names also
    ``display_name`` and ``notes``.
``alters.csv``
    ``egoID``, ``alterID`` (pseudonymous, ``"<person id>-A001"``: the same alter
    has the same alterID on every map of the person), ``person_id``,
    ``map_index``, ``map_label``, then one column per alter and placement
    attribute of the vocabulary (:mod:`egomap.fields`) that cannot identify
    anyone, in its order: ``kind``, ``is_professional``, ``ring``, ``sector``,
    ``angle``, ``radius``, ``support_received`` and ``support_given`` (types
    joined by ``;``), ``valence``, ``contact``, ``known_for``, ``reviewed``;
    with names (or listed in ``keep``) also the identifying ones:
    ``relationship``, ``met_through``, ``label``, ``note``.
``edges.csv``
    ``egoID``, ``person_id``, ``Source``, ``Target`` (alterIDs), ``tie_types``
    (the tie's types, e.g. Network Canvas edge types, sorted and joined by
    ``,``; empty for none). A file without ``tie_types`` reads as ties without types.

``person_id`` is on every row of the three files, so a person's time points
can be grouped in R. Read every id column as text (``colClasses``), or R turns
a person id such as ``0017`` into the number 17 (:func:`read_egor` refuses a
file whose ``egoID`` no longer matches its ``person_id``)::

    library(egor)
    ids <- c(egoID = "character", person_id = "character", alterID = "character",
             Source = "character", Target = "character")
    egos   <- read.csv("egos.csv", colClasses = ids[c("egoID", "person_id")])
    alters <- read.csv("alters.csv", colClasses = ids[c("egoID", "alterID", "person_id")])
    edges  <- read.csv("edges.csv", colClasses = ids[c("egoID", "person_id", "Source", "Target")])
    e <- threefiles_to_egor(egos = egos, alters.df = alters, edges = edges,
                            ID.vars = list(ego = "egoID", alter = "alterID",
                                           source = "Source", target = "Target"))

The README shows one egor object per time point.

Examples
--------
>>> import egomap as em, tempfile
>>> p = em.demo.demo_case()
>>> paths = em.io.export_egor(p, tempfile.mkdtemp())
>>> print(paths["edges"].read_text().splitlines()[:2])
['egoID,person_id,Source,Target,tie_types', 'DEMO-01_0,DEMO-01,DEMO-01-A001,DEMO-01-A002,']
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from egomap import fields as _f
from egomap import schemes as _schemes
from egomap.errors import DuplicateError, InputFileError, ValidationError
from egomap.fields import MAX_TEXT, Field
from egomap.files import private_file, private_folder
from egomap.io._common import (
    Row,
    Source,
    at_row,
    cell,
    check_keep,
    check_scheme_text,
    ego_id,
    pseudonymise,
    pseudonyms,
    read_csv,
    select_persons,
    spreadsheet_safe,
    time_points,
    written,
)
from egomap.io.report import Imported, ImportReport
from egomap.io.saving import save_persons
from egomap.model import Alter, Map, MapState, Person, Placement, Tie, new_id
from egomap.model.placing import place

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["EGO_COLUMNS", "ALTER_COLUMNS", "EDGE_COLUMNS", "NAME_COLUMNS", "export_egor", "read_egor"]

EGO_COLUMNS = (
    "egoID",
    "person_id",
    "map_index",
    "map_label",
    "map_date",
    "ring_scheme",
    "sector_scheme",
    "n_rings",
    "sector_keys",
    "family_sectors",
    "consent_research",
    "n_alters",
    "n_ties",
)
_MAP_LABEL = _f.field("map", "label")
#: The alter and placement fields of ``alters.csv``, in the vocabulary's order.
_ALTER_FIELDS: tuple[Field, ...] = tuple(f for o in ("alter", "placement") for f in _f.of(o))
ALTER_COLUMNS = (
    "egoID",
    "alterID",
    "person_id",
    "map_index",
    "map_label",
    *(f.name for f in _ALTER_FIELDS if not f.identifying),
)
_TYPES = _f.field("tie", "types")
EDGE_COLUMNS = ("egoID", "person_id", "Source", "Target", "tie_types")


def _name_fields(owners: tuple[str, ...], *, include_names: bool = True, keep=()) -> list[Field]:
    """The identifying fields written (see :func:`egomap.io._common.written`), in egor's column order.

    Per owner in the vocabulary's order, except that a required label (the
    alter's name) comes after that owner's free text, as egomap has always written it.
    The map label is always written, as ``map_label`` (a time point ``T1``... unless names are asked for).
    """
    out: list[Field] = []
    for o in owners:
        names = [f for f in written(o, include_names=include_names, keep=keep) if f.identifying and f != _MAP_LABEL]
        out += sorted(names, key=lambda f: not f.optional)
    return out


#: Columns only written with ``include_names=True`` (alters: the first four; egos: the last two).
NAME_COLUMNS = tuple(f.name for f in _name_fields(("alter", "placement", "person", "map")))
_FILES = {"egos": "egos.csv", "alters": "alters.csv", "edges": "edges.csv"}


def _tf(v: bool) -> str:
    return "TRUE" if v else "FALSE"


def _cell(f: Field, value: object) -> object:
    return cell(f, value, true="TRUE", false="FALSE")


def export_egor(
    source: Source,
    folder: str | os.PathLike,
    *,
    persons: Iterable[str] | str | None = None,
    include_names: bool = False,
    keep: Iterable[str] = (),
    include_nonconsenting: bool = False,
    spreadsheet_safe: bool = True,
) -> dict[str, Path]:
    """Write ``egos.csv``, ``alters.csv`` and ``edges.csv`` for egor (see the module docs).

    Parameters
    ----------
    source : Store, Person or list of Person
    folder : path
        Created if missing; existing files of the same names are replaced.
        The files are readable by their owner only (0600; a folder egomap creates 0700).
    persons : str or list of str, optional
        Only these person ids.
    include_names : bool
        Also write labels, relationships, "met through", notes and display
        names. Off by default: research exports are pseudonymous.
    keep : iterable of str
        Free-text fields to keep without ``include_names``, e.g.
        ``keep=["relationship"]`` (allowed: relationship, met_through, note).
        ``note`` holds the other attributes of a Network Canvas or egor
        import (age, gender...), but also whatever a practitioner typed, so
        check the notes before sharing them.
    include_nonconsenting : bool
        Also export persons who did not consent to research use.
    spreadsheet_safe : bool
        Text cells a spreadsheet would run as a formula (starting with ``=``,
        ``+``, ``-``, ``@``, a tab or a carriage return) get a leading ``'``
        (the OWASP rule), so the files are safe to open in Excel or
        LibreOffice; :func:`read_egor` removes it again. ``False`` writes
        raw cells, for R or Python pipelines that never pass through a
        spreadsheet. Numbers are never changed.

    Returns
    -------
    dict
        ``{"egos": path, "alters": path, "edges": path}``.
    """
    keep = check_keep(keep)
    people = select_persons(source, persons, include_nonconsenting=include_nonconsenting)
    out = private_folder(folder)  # owner-only, as every file below
    paths = {k: out / v for k, v in _FILES.items()}
    alter_fields = [f for f in _ALTER_FIELDS if not f.identifying]
    alter_fields += _name_fields(("alter", "placement"), include_names=include_names, keep=keep)
    ego_extra = _name_fields(("person", "map"), include_names=include_names, keep=keep)
    with (
        open(private_file(paths["egos"]), "w", newline="", encoding="utf-8") as fe,
        open(private_file(paths["alters"]), "w", newline="", encoding="utf-8") as fa,
        open(private_file(paths["edges"]), "w", newline="", encoding="utf-8") as ft,
    ):
        we, wa, wt = (_Writer(f, spreadsheet_safe) for f in (fe, fa, ft))
        we.writerow([*EGO_COLUMNS, *(f.name for f in ego_extra)])
        wa.writerow([*ALTER_COLUMNS[:5], *(f.name for f in alter_fields)])
        wt.writerow(EDGE_COLUMNS)
        names = {"include_names": include_names, "keep": keep}
        a_fields, q_fields = ([f for f in alter_fields if f.owner == o] for o in ("alter", "placement"))
        for p in people:
            maps = p.maps
            ids, labels = pseudonyms(p, maps), time_points(p, maps)
            about = pseudonymise("person", {f.name: getattr(p, f.name) for f in _f.of("person")}, **names)
            for i, m in enumerate(maps):
                eid = ego_id(p.id, i)
                st = m.state()
                info = pseudonymise("map", {**st.info, "label": m.label}, stand_in=labels[m.id], **names)
                row = [eid, p.id, i, info["label"], st.info.get("date") or "", m.rings.name, m.sectors.name]
                family = ";".join(k for k in m.sectors.keys if k in m.sectors.family_keys)
                row += [len(m.rings), ";".join(m.sectors.keys), family]
                row += [_tf(p.consent_research), len(st.alters), len(st.ties)]
                row += [_cell(f, (about if f.owner == "person" else info).get(f.name)) for f in ego_extra]
                we.writerow(row)
                for aid, q in st.placements.items():
                    a = st.alters[aid]
                    ra = pseudonymise(
                        "alter", {f.name: getattr(a, f.name) for f in a_fields}, stand_in=ids[aid], **names
                    )
                    rq = pseudonymise("placement", {f.name: getattr(q, f.name) for f in q_fields}, **names)
                    r = [eid, ids[aid], p.id, i, info["label"]]
                    wa.writerow(r + [_cell(f, (ra if f.owner == "alter" else rq)[f.name]) for f in alter_fields])
                for t, types in st.ties.items():
                    wt.writerow([eid, p.id, *sorted((ids[t.a], ids[t.b])), ",".join(sorted(types or ()))])
    return paths


class _Writer:
    """A ``csv.writer`` whose text cells pass through :func:`~egomap.io._common.spreadsheet_safe` if ``safe``."""

    def __init__(self, f, safe: bool) -> None:
        self.w, self.safe = csv.writer(f), safe

    def writerow(self, row: Iterable[object]) -> None:
        self.w.writerow([spreadsheet_safe(c) for c in row] if self.safe else row)


def _paths(files: str | os.PathLike | Iterable[str | os.PathLike]) -> dict[str, Path]:
    if isinstance(files, (str, os.PathLike)):
        folder = Path(files)
        if not folder.is_dir():
            raise InputFileError("is not a folder holding egos.csv, alters.csv and edges.csv", path=folder)
        return {k: folder / v for k, v in _FILES.items()}
    lst = [Path(f) for f in files]
    if len(lst) != 3:
        raise ValidationError("give a folder, or the three files: egos, alters, edges", field="files")
    return dict(zip(_FILES, lst))


def read_egor(
    files: str | os.PathLike | Iterable[str | os.PathLike],
    store: Store,
    *,
    consent_research: bool | None = None,
    spreadsheet_safe: bool = True,
    keep_na: bool = False,
    sep: str = ",",
    id_columns: Mapping[str, str] | None = None,
) -> Imported:
    """Import egor-style three-file CSVs into a store (all or nothing).

    Parameters
    ----------
    files : folder or (egos, alters, edges) paths
        A folder with ``egos.csv``, ``alters.csv`` and ``edges.csv``, or the
        three files. Required columns: ``egoID`` (egos); ``egoID`` and
        ``alterID`` (alters); ``egoID``, ``Source``, ``Target`` (edges). Every
        other column of :func:`export_egor` is read when present: egos without
        ``person_id`` are each their own person; the same ``alterID`` on several
        maps of a person is the same alter; alters without ``label`` are
        labelled with their alterID. Columns egomap has no field for (say
        ``age`` or ``sex`` in a file written for egor) are kept as
        ``column: value`` lines: ego columns in the map notes, alter columns
        in the placement note. Edge attributes (e.g. ``weight``) are not kept.
    store : Store
    consent_research : bool, optional
        Consent of the imported persons; default: the ``consent_research``
        column, else False.
    spreadsheet_safe : bool
        Undo the leading ``'`` that :func:`export_egor` puts before text
        starting with a formula character (its default); pass ``False`` for
        files written with ``spreadsheet_safe=False`` whose text may start with ``'=``.
    keep_na : bool
        A cell holding just ``NA`` (what R's ``write.csv`` writes for a missing
        value) is read as empty in every column, free text included; pass
        ``True`` to keep such cells as the text "NA".
    sep : str
        The column separator: ``","`` (R's ``write.csv``), or ``";"`` for
        ``write.csv2`` files.
    id_columns : mapping, optional
        Other names of the id columns, as egor's ``ID.vars``: ``ego`` (default
        ``egoID``), ``alter`` (``alterID``), ``source`` (``Source``), ``target``
        (``Target``); e.g. ``{"ego": "EgoID", "alter": "Alter.Number"}``.

    Returns
    -------
    Imported
        The imported persons, as saved in the store (a list), with ``.report``
        (an :class:`~egomap.io.report.ImportReport`). A person already in the
        store gets the maps as new maps (a later wave); a map already there
        (same label and content) is skipped and reported; the same label with
        other content is refused.

    Raises
    ------
    InputFileError
        Naming the file, row and column of the first problem; nothing is saved.
    """
    paths = _paths(files)
    ids = _id_columns(id_columns)
    E, A, S, T = ids["ego"], ids["alter"], ids["source"], ids["target"]
    opts = {"spreadsheet_safe": spreadsheet_safe, "na": not keep_na, "sep": sep}
    egos = read_csv(paths["egos"], [E], unique=[E], **opts)
    alters = read_csv(paths["alters"], [E, A], unique=[E, A], **opts)
    edges = read_csv(paths["edges"], [E, S, T], **opts)
    if not egos:
        raise InputFileError("has a header but no egos", path=paths["egos"])
    has_sector = bool(alters) and "sector" in alters[0].values
    by_ego: dict[str, list[Row]] = {}
    for r in alters:
        by_ego.setdefault(r.get(E).strip(), []).append(r)
    ties_by_ego: dict[str, list[Row]] = {}
    for r in edges:
        ties_by_ego.setdefault(r.get(E).strip(), []).append(r)
    ego_pid = {r.get(E).strip(): r.get("person_id").strip() for r in egos}
    for rows in (alters, edges):
        for r in rows:
            eid = r.get(E).strip()
            if eid not in ego_pid:
                raise r.error(f"unknown {E} {r.get(E)!r}: not in {paths['egos'].name}", E)
            pid = r.get("person_id").strip()
            if pid and ego_pid[eid] and pid != ego_pid[eid]:
                raise r.error(
                    f"person_id {pid!r} differs from {ego_pid[eid]!r} of {E} {eid!r} in egos.csv", "person_id"
                )
    # group maps by person
    people: dict[str, list[Row]] = {}
    for r in egos:
        pid = r.get("person_id").strip() or r.required(E)
        _check_ego_id(r, E, pid)
        people.setdefault(pid, []).append(r)
    built: list[tuple[Person, Row]] = []
    report = ImportReport("egor", str(files) if isinstance(files, (str, os.PathLike)) else "files")
    map_rows: dict[str, Row] = {}
    for pid, rows in people.items():
        first = rows[0]
        consent = consent_research
        if consent is None:
            consent = bool(first.bool_value("consent_research", default=False))
        with at_row(first, "person_id"):
            p = Person(pid, first.get("display_name").strip() or None, consent_research=consent)
        rows = sorted(rows, key=lambda r: (r.number_value("map_index", optional=True, integer=True) or 0, r.number))
        known: dict[str, Alter] = {}  # alterID -> the alter (from the map it first appears on)
        for k, er in enumerate(rows):
            m = _map(p, er, k, by_ego.get(er.get(E).strip(), []), ties_by_ego.get(er.get(E).strip(), []), known,
                     has_sector, ids, report)  # fmt: skip
            map_rows[m.id] = er
        built.append((p, first))
    return Imported(save_persons(store, built, "person_id", report, map_rows), report)


_IDS = {"ego": "egoID", "alter": "alterID", "source": "Source", "target": "Target"}


def _id_columns(given: Mapping[str, str] | None) -> dict[str, str]:
    """egor's ``ID.vars``: the names of the ego, alter, source and target id columns."""
    given = dict(given or {})
    bad = set(given) - set(_IDS)
    if bad:
        raise ValidationError(
            f"id_columns names ego, alter, source and target; not {sorted(bad)[0]!r}", field="id_columns"
        )
    return {**_IDS, **{k: str(v).strip() for k, v in given.items()}}


def _check_ego_id(r: Row, column: str, pid: str) -> None:
    """An egomap-written egos.csv (with ``map_index``) has egoID ``<person_id>_<map_index>``: refuse a mismatch.

    R's ``read.csv`` turns a person id such as ``0017`` into ``17`` unless told to read it as text; such a file
    would otherwise come back as another person.
    """
    idx = r.get("map_index").strip()
    eid = r.get(column).strip()
    if not idx or not r.get("person_id").strip() or eid == ego_id(pid, idx):
        return
    raise r.error(
        f"{column} {eid!r} does not match person_id {pid!r} and map_index {idx} (expected {ego_id(pid, idx)!r}); "
        "was the file read and written by a program that turned ids into numbers (R's read.csv does, e.g. "
        "0017 -> 17, unless colClasses = 'character')?",
        "person_id",
        pid,
    )


def _map(p: Person, er: Row, k: int, alter_rows: list[Row], tie_rows: list[Row], known: dict[str, Alter],
         has_sector: bool, ids: dict[str, str], report: ImportReport) -> Map:  # fmt: skip
    """One ego row, its alters and ties, as a new map of ``p`` built whole."""
    with at_row(er, "map_label"):
        label = er.get("map_label").strip() or f"Map {k + 1}"
        rings = er.get("ring_scheme").strip() or _schemes.DEFAULT_RINGS
        sectors = er.get("sector_scheme").strip() or (_schemes.DEFAULT_SECTORS if has_sector else "none")
    rs = _ring_scheme(er, rings)
    with at_row(er, "sector_keys"):
        ss = check_scheme_text(_sector_scheme(er, sectors))
    with at_row(er, "map_date", {"map label": "map_label", "label": "map_label", "notes": "notes"}):
        info = {
            "label": _f.check_label(label, "map label"),
            "date": _f.check_date(er.get("map_date").strip() or None),
            "notes": _f.check_text(_with_extra(er.get("notes"), er, _EGO_KNOWN), "notes"),
        }
        if any(m.label == info["label"] for m in p.maps):
            raise DuplicateError(f"person {p.id!r} already has a map labelled {label!r}", field="label")
    st = MapState(info=info)
    on_map: dict[str, str] = {}  # alterID -> alter id
    for ar in alter_rows:
        a, q = _alter(ar, known, rs, ss, st.placements, ids["alter"])
        if a.id in st.alters:
            raise ar.error(f"{a.label!r} is already on this map", ids["alter"])
        st.alters[a.id], st.placements[a.id] = a, q
        on_map[ar.get(ids["alter"]).strip()] = a.id
    src, tgt = ids["source"], ids["target"]
    for tr in tie_rows:
        a, b = on_map.get(tr.values[src].strip()), on_map.get(tr.values[tgt].strip())
        if a is None or b is None:
            col = src if a is None else tgt
            raise tr.error(f"unknown alter {tr.get(col)!r}: not an {ids['alter']} of ego {er.get(ids['ego'])!r}", col)
        if a == b:
            raise tr.error(f"an alter cannot be tied to themself ({tr.get(tgt).strip()!r})", tgt)
        kinds, text = frozenset(), tr.get("tie_types")
        if text:
            with at_row(tr, "tie_types"):
                kinds = _TYPES.clean(text)
        st.ties[Tie(a, b) if a < b else Tie(b, a)] = kinds
    with at_row(er, "map_label"):
        m = p.add_map(st, id=new_id(), rings=rs, sectors=ss)
    report.count_for(m.id, er.path, maps=1)
    if st.ties:
        report.count_for(m.id, tie_rows[0].path, ties=len(st.ties))
    if alter_rows:
        report.count_for(m.id, alter_rows[0].path, alters=len(alter_rows))
    return m


_EGO_KNOWN = frozenset(EGO_COLUMNS) | {f.name for f in _name_fields(("person", "map"))}
_ALTER_KNOWN = frozenset(ALTER_COLUMNS) | {f.name for f in _name_fields(("alter", "placement"))}


def _with_extra(text: str, row: Row, known: frozenset[str]) -> str:
    """``text`` followed by ``column: value`` lines for the row's columns egomap has no field for."""
    lines = [f"{k}: {' '.join(v.split())}" for k, v in row.values.items() if k and k not in known and v.strip()]
    if not lines:
        return text
    heading = f"Other columns of {row.path.name}:"
    return "\n".join([*([text] if text.strip() else []), heading, *lines])[:MAX_TEXT]


def _ring_scheme(er: Row, name: str) -> _schemes.RingScheme:
    """The named ring scheme, or a Network Canvas import's ``network_canvas_<n>`` rebuilt from ``n_rings``."""
    n = er.number_value("n_rings", optional=True, integer=True)
    if name not in _schemes.RING_SCHEMES and n is not None:
        if n < 1:
            raise er.error(f"{n} rings: a map needs at least one ring", "n_rings", n)
        if name != f"network_canvas_{n}":  # the one kind egomap makes on import (Network Canvas circles)
            known = ", ".join(sorted(_schemes.RING_SCHEMES))
            raise er.error(
                f"unknown ring scheme {name!r}: egomap knows {known} (and network_canvas_<n> from Network "
                "Canvas imports); register a scheme of your own with egomap.register_scheme before importing",
                "ring_scheme",
                name,
            )
        with at_row(er, "ring_scheme"):
            rings = [_schemes.Ring(f"Ring {i + 1}") for i in range(n)]
            return _schemes.RingScheme(name, rings, name, "Rebuilt from an egor CSV import.")
    with at_row(er, "ring_scheme"):
        rs = _schemes.ring_scheme(name)
    if n is not None and n != len(rs):
        raise er.error(f"{n} rings, but ring scheme {name!r} has {len(rs)}", "n_rings", n)
    return rs


def _sector_scheme(er: Row, name: str) -> _schemes.SectorScheme:
    """The named sector scheme, or, if this egomap does not know it, one rebuilt from ``sector_keys``."""
    keys = [k.strip() for k in er.get("sector_keys").split(";") if k.strip()]
    family = {k.strip() for k in er.get("family_sectors").split(";") if k.strip()}
    if name not in _schemes.SECTOR_SCHEMES and keys:
        with at_row(er, "sector_keys"):
            sectors = [_schemes.Sector(k, k.replace("_", " ").capitalize(), "", k in family) for k in keys]
            return _schemes.SectorScheme(name, sectors, name, "Rebuilt from an egor CSV import.")
    with at_row(er, "sector_scheme"):
        ss = _schemes.sector_scheme(name)
    if keys and keys != ss.keys:
        raise er.error(f"sector keys {';'.join(keys)} differ from scheme {name!r}: {';'.join(ss.keys)}", "sector_keys")
    return ss


def _value(f: Field, r: Row) -> object:
    """The cell of field ``f`` in row ``r``, read by the field's type ("" or no column: unset)."""
    if f.type == "bool":
        return r.bool_value(f.name, default=f.default)
    if f.type in ("int", "float"):
        return r.number_value(f.name, optional=True, integer=f.type == "int")
    if f.type == "set":
        return [s for s in r.get(f.name).replace(",", ";").split(";") if s.strip()]
    if f.type == "text":
        return r.get(f.name)  # as written: the vocabulary strips it (or keeps a note's spaces)
    return r.get(f.name).strip() or (None if f.optional else f.default)


_POSITION_FIELDS = tuple(_f.field("placement", f) for f in _f.POSITION)
_PER_MAP_FIELDS = tuple(f for f in _f.of("placement") if f.name not in _f.POSITION and f.name != "note")
_STABLE_FIELDS = tuple(f for f in _f.of("alter") if f.name != "label")


def _alter(
    r: Row, known: dict[str, Alter], rs: _schemes.RingScheme, ss: _schemes.SectorScheme, placements: dict, col: str
) -> tuple[Alter, Placement]:
    """The alter of row ``r`` (one already met on an earlier map of the person, or a new one) and its placement."""
    alter_ref = r.required(col)
    kw: dict = {f.name: _value(f, r) for f in _POSITION_FIELDS}
    if kw["radius"] is not None and not 0.0 <= kw["radius"] <= 1.0:
        raise r.error(f"{r.get('radius').strip()!r} is outside 0-1 (centre to outer edge)", "radius", kw["radius"])
    if kw["angle"] is None or kw["radius"] is None:  # exact position; ring and sector, if given, must agree
        kw["angle"] = kw["radius"] = None
    with at_row(r, col):
        pos = place(rs, ss, placements, kw["ring"], kw["sector"], kw["angle"], kw["radius"])
        values = r.values  # a column the file does not have leaves its field at the default
        q = {f.name: f.clean(_value(f, r)) for f in _PER_MAP_FIELDS if f.name in values}
        q["note"] = _f.field("placement", "note").clean(_with_extra(r.get("note"), r, _ALTER_KNOWN))
        if alter_ref in known:
            a = known[alter_ref]
        else:
            stable = {f.name: f.clean(_value(f, r)) for f in _STABLE_FIELDS if f.name in values}
            stable["label"] = _f.field("alter", "label").clean(r.get("label").strip() or alter_ref)
            a = Alter(new_id(), **stable)
            known[alter_ref] = a
        return a, Placement(a.id, **pos, **q)
