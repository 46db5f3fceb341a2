"""egor-compatible CSV export and import: egor's three files, and two for resources.

Three UTF-8 CSV files in egor's shape, one row per person x map ("ego"), one row
per alter per map, and one row per alter-alter tie, and two long-format files of
resources (who could help with what):

``egos.csv``
    ``egoID`` (``"<person id>_<map index>"``, map index from 0 in time order),
    ``person_id``, ``map_index``, ``map_label`` (``T1``, ``T2``... in date order
    unless names are asked for), ``map_date`` (ISO), ``ring_scheme``,
    ``sector_scheme`` (scheme names), ``n_rings``, ``sector_keys`` and
    ``family_sectors`` (sector keys clockwise from 12 o'clock, and those counted
    as family, joined by ``;``: enough to rebuild a scheme the importing
    egomap does not know, such as one made by a Network Canvas import),
    ``resource_scheme`` (the name of the map's resource scheme in
    ``resource_scheme.csv``), ``consent_research`` (TRUE/FALSE), ``n_alters``,
    ``n_ties``; with names also ``display_name`` and ``notes``.
``alters.csv``
    ``egoID``, ``alterID`` (pseudonymous, ``"<person id>-A001"``: the same alter
    has the same alterID on every map of the person), ``person_id``,
    ``map_index``, ``map_label``, then one column per alter and placement
    attribute of the vocabulary (:mod:`egomap.fields`) that cannot identify
    anyone, in its order: ``kind``, ``is_professional``, ``ring``, ``sector``,
    ``angle``, ``radius``, ``support_received`` and ``support_given`` (types
    joined by ``;``), ``valence``, ``contact``, ``known_for``, ``capital``
    (the alter's social capital: ``bonding``, ``bridging`` or ``linking``),
    ``capital_source`` (``person``: the person's own view, recorded;
    ``default``: egomap's rule, see :mod:`egomap.io.capital`), ``reviewed``;
    with names (or listed in ``keep``) also the identifying ones:
    ``relationship``, ``met_through``, ``label``, ``note``.
``edges.csv``
    ``egoID``, ``person_id``, ``Source``, ``Target`` (alterIDs), ``tie_types``
    (the tie's types, e.g. Network Canvas edge types, sorted and joined by
    ``,``; empty for none). A file without ``tie_types`` reads as ties without types.
``resources.csv``
    One row per map, resource item and alter who could provide it: ``egoID``,
    ``person_id``, ``map_index``, ``map_label``, ``item`` (the item's key),
    ``domain`` (its domain's key), ``alterID``. An item asked about where the
    answer was "no one" has one row with an empty ``alterID``; an item not
    asked about has no row.
``resource_scheme.csv``
    The resource schemes of the exported maps, one row per item:
    ``resource_scheme`` (its name), ``title``, ``description``, ``domain``,
    ``domain_label``, ``item``, ``label``, ``prompt`` (the question read out).

:func:`read_egor` reads the resource files when the folder has them (without
them, maps have no resources asked and egomap's default resource scheme).

``person_id`` is on every row of the files, so a person's time points
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
    # who could help with what: one row per map, item and alter ("" = no one)
    resources <- read.csv("resources.csv", colClasses = ids[c("egoID", "person_id", "alterID")])

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

import contextlib
import csv
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from egomap import fields as _f
from egomap.errors import InputFileError, ValidationError
from egomap.fields import Field
from egomap.files import private_file, private_folder
from egomap.io._common import (
    Source,
    cell,
    check_keep,
    ego_id,
    pseudonymise,
    pseudonyms,
    read_csv,
    select_persons,
    spreadsheet_safe,
    time_points,
    written,
)
from egomap.io.capital import SOURCE, capital_cells, with_source
from egomap.io.egor_build import IDS, Tables, build_persons
from egomap.io.egor_resources import RESOURCE_COLUMNS, SCHEME_COLUMNS, SchemeNames, read_schemes, resource_rows
from egomap.io.egor_resources import scheme_rows as _scheme_rows
from egomap.io.report import Imported, ImportReport

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = [
    "EGO_COLUMNS",
    "ALTER_COLUMNS",
    "EDGE_COLUMNS",
    "RESOURCE_COLUMNS",
    "SCHEME_COLUMNS",
    "NAME_COLUMNS",
    "export_egor",
    "read_egor",
]

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
    "resource_scheme",
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
    *with_source([f.name for f in _ALTER_FIELDS if not f.identifying]),
)
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
_FILES = {
    "egos": "egos.csv",
    "alters": "alters.csv",
    "edges": "edges.csv",
    "resources": "resources.csv",
    "resource_scheme": "resource_scheme.csv",
}
_REQUIRED = ("egos", "alters", "edges")


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
    """Write ``egos.csv``, ``alters.csv``, ``edges.csv``, ``resources.csv`` and ``resource_scheme.csv`` (see the module docs).

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
        ``{"egos": path, "alters": path, "edges": path, "resources": path, "resource_scheme": path}``.
    """
    keep = check_keep(keep)
    people = select_persons(source, persons, include_nonconsenting=include_nonconsenting)
    out = private_folder(folder)  # owner-only, as every file below
    paths = {k: out / v for k, v in _FILES.items()}
    alter_fields = [f for f in _ALTER_FIELDS if not f.identifying]
    alter_fields += _name_fields(("alter", "placement"), include_names=include_names, keep=keep)
    ego_extra = _name_fields(("person", "map"), include_names=include_names, keep=keep)
    schemes = SchemeNames()
    with contextlib.ExitStack() as stack:
        files = {
            k: stack.enter_context(open(private_file(v), "w", newline="", encoding="utf-8")) for k, v in paths.items()
        }
        we, wa, wt, wr, ws = (_Writer(files[k], spreadsheet_safe) for k in _FILES)
        we.writerow([*EGO_COLUMNS, *(f.name for f in ego_extra)])
        alter_columns = with_source([f.name for f in alter_fields])
        wa.writerow([*ALTER_COLUMNS[:5], *alter_columns])
        wt.writerow(EDGE_COLUMNS)
        wr.writerow(RESOURCE_COLUMNS)
        ws.writerow(SCHEME_COLUMNS)
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
                row += [len(m.rings), ";".join(m.sectors.keys), family, schemes.ref(m.resource_scheme)]
                row += [_tf(p.consent_research), len(st.alters), len(st.ties)]
                row += [_cell(f, (about if f.owner == "person" else info).get(f.name)) for f in ego_extra]
                we.writerow(row)
                for aid, q in st.placements.items():
                    a = st.alters[aid]
                    ra = pseudonymise(
                        "alter", {f.name: getattr(a, f.name) for f in a_fields}, stand_in=ids[aid], **names
                    )
                    rq = pseudonymise("placement", {f.name: getattr(q, f.name) for f in q_fields}, **names)
                    cells = {f.name: _cell(f, (ra if f.owner == "alter" else rq)[f.name]) for f in alter_fields}
                    cells["capital"], cells[SOURCE] = capital_cells(m, aid)
                    wa.writerow([eid, ids[aid], p.id, i, info["label"], *(cells[c] for c in alter_columns)])
                for t, types in st.ties.items():
                    wt.writerow([eid, p.id, *sorted((ids[t.a], ids[t.b])), ",".join(sorted(types or ()))])
                for item in resource_rows(m, ids):
                    wr.writerow([eid, p.id, i, info["label"], *item])
        for name, scheme in schemes.schemes:
            for r in _scheme_rows(name, scheme):
                ws.writerow(r)
    return paths


class _Writer:
    """A ``csv.writer`` whose text cells pass through :func:`~egomap.io._common.spreadsheet_safe` if ``safe``."""

    def __init__(self, f, safe: bool) -> None:
        self.w, self.safe = csv.writer(f), safe

    def writerow(self, row: Iterable[object]) -> None:
        self.w.writerow([spreadsheet_safe(c) for c in row] if self.safe else row)


def _paths(files: str | os.PathLike | Iterable[str | os.PathLike]) -> dict[str, Path]:
    """The files to read: a folder's (the resource files if it has them), or 3 to 5 files in :data:`_FILES` order."""
    if isinstance(files, (str, os.PathLike)):
        folder = Path(files)
        if not folder.is_dir():
            raise InputFileError("is not a folder holding egos.csv, alters.csv and edges.csv", path=folder)
        return {k: folder / v for k, v in _FILES.items() if k in _REQUIRED or (folder / v).is_file()}
    lst = [Path(f) for f in files]
    if not 3 <= len(lst) <= 5:
        raise ValidationError(
            "give a folder, or the files egos, alters, edges (and resources, resource_scheme)", field="files"
        )
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
    files : folder or (egos, alters, edges[, resources[, resource_scheme]]) paths
        A folder with ``egos.csv``, ``alters.csv`` and ``edges.csv`` (and
        ``resources.csv`` and ``resource_scheme.csv`` if it has them), or the
        files. Required columns: ``egoID`` (egos); ``egoID`` and
        ``alterID`` (alters); ``egoID``, ``Source``, ``Target`` (edges);
        ``egoID``, ``item``, ``alterID`` (resources); ``resource_scheme``,
        ``item``, ``domain``, ``prompt`` (resource schemes). A resource row
        naming an item the map's scheme lacks, an alter not on the map, or an
        item both for "no one" and for alters is refused. Capital types are
        read as :mod:`egomap.io.capital` says. Every
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
    tables = Tables(egos, alters, edges, _EGO_KNOWN, _ALTER_KNOWN, ids=ids)
    if "resources" in paths:
        tables.resources = read_csv(paths["resources"], [E, "item", A], unique=[E, "item", A], **opts)
    if "resource_scheme" in paths:
        tables.schemes = read_schemes(read_csv(paths["resource_scheme"], ["resource_scheme", "item"], **opts))
    report = ImportReport("egor", str(files) if isinstance(files, (str, os.PathLike)) else "files")
    return build_persons(tables, store, report, consent_research=consent_research)


_IDS = IDS
_EGO_KNOWN = frozenset(EGO_COLUMNS) | {f.name for f in _name_fields(("person", "map"))}
_ALTER_KNOWN = frozenset(ALTER_COLUMNS) | {f.name for f in _name_fields(("alter", "placement"))}


def _id_columns(given: Mapping[str, str] | None) -> dict[str, str]:
    """egor's ``ID.vars``: the names of the ego, alter, source and target id columns."""
    given = dict(given or {})
    bad = set(given) - set(_IDS)
    if bad:
        raise ValidationError(
            f"id_columns names ego, alter, source and target; not {sorted(bad)[0]!r}", field="id_columns"
        )
    return {**_IDS, **{k: str(v).strip() for k, v in given.items()}}
