"""Import Network Canvas CSV exports.

A Network Canvas export holds, per interview, ``<case>_<session>_ego.csv``,
``..._attributeList_<NodeType>.csv`` and ``..._edgeList_<EdgeType>.csv``, keyed
by ``networkCanvasEgoUUID`` (interview), ``networkCanvasUUID`` (node) and
``networkCanvasSourceUUID`` / ``networkCanvasTargetUUID`` (edges). How they
become egomap data:

* **person**: ``networkCanvasCaseID`` (else the ego UUID). Several interviews
  with the same case id become several maps of one person, in time order.
* **map**: one per interview; id = ``networkCanvasSessionID``, label
  ``"Interview <date>"``, date = ``sessionStart``. The map notes record the
  session, protocol and edge types, then the ego's attributes (``name: value``
  lines). Sectors: ``sectors`` (default ``"none"``: rings only).
* **alters**: every node of every node type; id = ``networkCanvasUUID``;
  label = the ``name`` column (see ``attributes``), else ``"<Type> <nodeID>"``.
  Position from the layout variable (``Cords_x``/``Cords_y``: 0..1 across the
  canvas, centre 0.5, 0.5, y pointing down): the distance from the centre is
  scaled so that 0.5 is the outer edge, the ring is the Network Canvas circle
  it lies in (circles as Network Canvas draws them, see :func:`ring_radii`),
  and the alter is put at the same angle and at the same relative depth within
  the matching egomap ring. Interviewer draws the circles inscribed in the
  shorter side of the screen: pass ``canvas=(width, height)`` (e.g.
  ``(1920, 1080)``) for a landscape screen; without it the canvas is taken as
  square and the report says so. Nodes outside every circle (canvas corners)
  are put at the edge of the outer circle, with a note on the placement and a
  ``placed_outside`` count in the report; nodes never placed go to the outer
  ring, also with a note.
* **ring count** from ``rings`` (a number or a ring scheme), else from the
  protocol (``.netcanvas`` zip or ``protocol.json``; by default the one
  ``.netcanvas`` file in the folder): the Sociogram stage ``stage`` (its number
  from 1, id or label), by default the first one laying out with the layout
  variables in use, gives ``background.concentricCircles`` and
  ``background.skewedTowardCenter``; the report names the stage used.
* **layout variable per node type**: ``layout`` (one name, or node type ->
  name), else the protocol's (the stage's prompts, else the codebook), else
  the ``*_x``/``*_y`` column pair of each node type's files.
* **other node attributes** are kept in each placement's ``note`` as
  ``name: value`` lines under ``Network Canvas <Type>`` (empty cells left out;
  with the protocol, one-hot categorical columns such as ``Gender_Male`` are
  folded back into ``Gender: Male``). ``attributes`` maps egomap fields to
  columns: the alter's text and yes/no fields (``label``, ``relationship``,
  ``is_professional``, ``met_through``) and the placement's optional choices
  (``valence``, ``contact``, ``known_for``: any such field of
  :mod:`egomap.fields`), e.g. ``{"contact": "ContactFreq"}``; values that do
  not fit an egomap field stay in the note.
* **edges**: one tie per pair of nodes, of all edge types (``edge_types=None``)
  or only the listed ones; each tie keeps its edge type(s) as its ``types``
  (a pair linked by Close and DrugTie is one tie with both types; see
  :meth:`Map.tie_types <egomap.model.Map.tie_types>`); the map notes and the
  report say how many edges of each type gave how many ties. Edge attributes
  are not kept. A self-loop or a
  repeated edge is refused naming file and row, or skipped and reported with
  ``skip_self_loops`` / ``skip_duplicate_edges``.
* **file names**: ``<case>_<session>_ego.csv``, ``..._attributeList_<NodeType>.csv``,
  ``..._edgeList_<EdgeType>.csv``, type names as Network Canvas writes them
  (``_`` included); macOS ``._*`` files are ignored. An interview with node or
  edge files but no ego file is refused, or skipped and reported with
  ``skip_incomplete``.
* **later waves**: a person already in the store gets the new interviews as
  new maps; an interview already there (same session id and content) is
  skipped and reported, one with other content is refused.

Note that research exports (:mod:`egomap.io`) leave notes out unless asked
for names, because notes can hold names.

Examples
--------
>>> import egomap as em, tempfile, os
>>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
>>> people = em.io.read_network_canvas(em.io.SAMPLE, store)
>>> [(p.id, len(p.maps)) for p in people]
[('NC-001', 2), ('NC-002', 1)]
>>> print(people.report.totals, "|", people.report.stage)
2 person(s), 3 map(s), 13 alter(s), 6 tie(s) | 1 'Place people' (4 circles skewed toward the centre)
>>> m = people[0].map(0)
>>> len(m.rings), [a.label for a in m.alters][:2]
(4, ['Maya', 'Jon'])
>>> store.close()
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from egomap import schemes as _schemes
from egomap.errors import InputFileError, ValidationError
from egomap.io._common import Row, at_row, read_csv
from egomap.io.nc_build import EGO, MAPPABLE, NODE, SRC, TGT, Settings, build_interview
from egomap.io.nc_protocol import categoricals, choose_stage, layout_variables, read_protocol, ring_radii, sociograms
from egomap.io.report import Imported, ImportReport
from egomap.io.saving import save_persons
from egomap.model import Person

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["SAMPLE", "read_network_canvas", "ring_radii", "read_protocol"]

#: The small fictional Network Canvas export shipped with egomap (3 interviews, 2 persons).
SAMPLE = Path(__file__).resolve().parent / "sample" / "network_canvas"

# type names may hold "_": the prefix is the shortest that leaves one of the three endings
_KIND = re.compile(r"^(?P<prefix>.+?)_(?P<kind>ego|attributeList_(?P<node>.+)|edgeList_(?P<edge>.+))\.csv$")


def _files(source: str | os.PathLike | Iterable[str | os.PathLike]) -> tuple[list[Path], Path | None, int]:
    if isinstance(source, (str, os.PathLike)):
        folder = Path(source)
        if not folder.exists():
            raise InputFileError("folder not found", path=folder)
        files = sorted(folder.iterdir()) if folder.is_dir() else [folder]
    else:
        files = [Path(f) for f in source]
    for f in files:
        if not f.exists():
            raise InputFileError("file not found", path=f)
    files = [f for f in files if not f.name.startswith("._")]  # macOS AppleDouble companions
    protos = [f for f in files if f.suffix == ".netcanvas"]
    csvs = [f for f in files if f.suffix.lower() == ".csv"]
    return csvs, (protos[0] if len(protos) == 1 else None), len(protos)


def _as_rings(rings: int | str | _schemes.RingScheme, skewed: bool) -> tuple[_schemes.RingScheme, int]:
    if isinstance(rings, _schemes.RingScheme):
        return rings, len(rings)
    if isinstance(rings, str):
        rs = _schemes.ring_scheme(rings)
        return rs, len(rs)
    radii = ring_radii(rings, skewed)
    labels = [f"Circle {i + 1}" + (" (innermost)" if i == 0 else "") for i in range(rings)]
    rs = _schemes.RingScheme(
        f"network_canvas_{rings}",
        labels,
        f"Network Canvas concentric circles ({rings})",
        "Imported from Network Canvas; circle edges at "
        + ", ".join(f"{r:.3f}" for r in radii)
        + (" of the radius (skewed toward the centre)." if skewed else " of the radius."),
    )
    return rs, rings


def _aspect(canvas: tuple[float, float] | None, report: ImportReport, placed: bool) -> tuple[float, float]:
    if canvas is None:
        if placed:
            report.note(
                "assumed",
                "the canvas was taken as square (Network Canvas exports do not say the screen size); pass "
                "canvas=(width, height) / --canvas WIDTHxHEIGHT of the interviewer's screen if it was not square",
            )
        return (1.0, 1.0)
    try:
        w, h = (float(v) for v in canvas)
    except (TypeError, ValueError):
        raise ValidationError(f"canvas must be (width, height), got {canvas!r}", field="canvas") from None
    if not (w > 0 and h > 0):
        raise ValidationError(f"canvas width and height must be positive, got {canvas!r}", field="canvas")
    side = min(w, h)
    return (w / side, h / side)


def _layouts(
    layout: str | Mapping[str, str] | None,
    proto: dict | None,
    stage_layouts: dict[str, str],
    columns: dict[str, set[str]],
) -> dict[str, str | None]:
    """Node type -> layout variable: given, else the stage's, else the codebook's, else the files' x/y pair."""
    declared = layout_variables(proto)
    out: dict[str, str | None] = {}
    for typ, cols in columns.items():
        pairs = sorted(c[:-2] for c in cols if c.endswith("_x") and c[:-2] + "_y" in cols)
        if isinstance(layout, Mapping):
            chosen = layout.get(typ)
        elif isinstance(layout, str):
            chosen = layout if layout in pairs else None
        else:
            chosen = None
        if chosen is None:
            own = stage_layouts.get(typ)
            cand = [own] if own else declared.get(typ) or []
            chosen = next((c for c in cand if c in pairs), None)
            if chosen is None and typ not in declared and not (isinstance(layout, Mapping) and typ in layout):
                chosen = pairs[0] if pairs else None
        out[typ] = chosen
    return out


def read_network_canvas(
    source: str | os.PathLike | Iterable[str | os.PathLike],
    store: Store,
    rings: int | str | _schemes.RingScheme | None = None,
    protocol: str | os.PathLike | dict | None = None,
    *,
    sectors: str | _schemes.SectorScheme = "none",
    edge_types: Iterable[str] | None = None,
    layout: str | Mapping[str, str] | None = None,
    skewed: bool | None = None,
    attributes: Mapping[str, str] | None = None,
    consent_research: bool = True,
    stage: str | int | None = None,
    canvas: tuple[float, float] | None = None,
    skip_self_loops: bool = False,
    skip_duplicate_edges: bool = False,
    skip_incomplete: bool = False,
) -> Imported:
    """Import a Network Canvas CSV export (a folder or files) into a store.

    Parameters
    ----------
    source : folder, file, or list of files
        The export: ``*_ego.csv``, ``*_attributeList_*.csv``, ``*_edgeList_*.csv``
        (and, in a folder, optionally the ``.netcanvas`` protocol).
    store : Store
        Persons already there get the interviews as new maps (a later wave).
    rings : int, str or RingScheme, optional
        Number of concentric circles (or a ring scheme); default from the protocol.
    protocol : path or dict, optional
        The ``.netcanvas`` file or ``protocol.json`` (default: the one
        ``.netcanvas`` file in the folder).
    sectors : str or SectorScheme
        Sector scheme of the new maps (default ``"none"``).
    edge_types : list of str, optional
        Only these edge types (e.g. ``["Close"]``); default all, merged.
    layout : str or mapping, optional
        Layout variable (e.g. ``Cords``), or node type -> layout variable
        (``{"Venue": "venue_layout"}``); default: the protocol's, else each
        node type's ``*_x``/``*_y`` column pair.
    skewed : bool, optional
        Whether the circles were skewed toward the centre (default: the
        protocol's, else True as in Network Canvas).
    attributes : mapping, optional
        egomap field -> column, e.g. ``{"relationship": "Relationship"}``;
        ``label`` defaults to ``"name"``.
    consent_research : bool
        Consent recorded for the imported persons (Network Canvas data is
        usually collected for research; pass False otherwise).
    stage : int or str, optional
        The Sociogram stage whose circles to use: its number among the
        protocol's Sociogram stages (from 1), id or label.
    canvas : (width, height), optional
        The interviewer's screen, e.g. ``(1920, 1080)``; default square (reported).
    skip_self_loops, skip_duplicate_edges : bool
        Leave out (and report) edges from a node to itself, and repeats of an
        edge; by default they are refused naming file and row.
    skip_incomplete : bool
        Leave out (and report) interviews with node or edge files but no ego
        file; by default they are refused, naming them.

    Returns
    -------
    Imported
        The imported persons, as saved (a list), with ``.report``: an
        :class:`~egomap.io.report.ImportReport` of what came from each file and
        everything skipped, assumed or flagged.

    Raises
    ------
    InputFileError
        Missing files or key columns, unknown or repeated ids, bad numbers,
        empty or non-UTF-8 files; names file, row and column. Nothing is saved.
    """
    where = source if isinstance(source, (str, os.PathLike)) else None
    report = ImportReport("network-canvas", str(where) if where is not None else "files")
    csvs, found_protocol, n_protocols = _files(source)
    proto: dict | None
    if isinstance(protocol, Mapping):
        proto = dict(protocol)
    elif protocol is not None:
        proto = read_protocol(protocol)
    elif found_protocol is not None:
        proto = read_protocol(found_protocol)
    else:
        proto = None
    fields = {"label": "name", **dict(attributes or {})}
    bad = set(fields) - set(MAPPABLE)
    if bad:
        raise ValidationError(f"attributes can map {', '.join(MAPPABLE)}; not {sorted(bad)[0]!r}", field="attributes")
    groups: dict[str, list[tuple[str, Path]]] = {"ego": [], "node": [], "edge": []}
    for f in csvs:
        mt = _KIND.match(f.name)
        if not mt:
            continue
        kind = "ego" if mt["kind"] == "ego" else "node" if mt["node"] else "edge"
        groups[kind].append((mt["node"] or mt["edge"] or "", f))
    if not groups["ego"]:
        raise InputFileError("holds no Network Canvas ego file (*_ego.csv)", path=where)
    egos: dict[str, Row] = {}
    for _, f in groups["ego"]:
        for r in read_csv(f, [EGO], unique=[EGO]):
            eid = r.required(EGO)
            if eid in egos:
                raise r.error(f"repeats interview {eid!r} of {egos[eid].path.name}", EGO)
            egos[eid] = r
    nodes, edges = _read_nodes_edges(groups, egos, skip_incomplete, report)
    columns: dict[str, set[str]] = {}
    for typ, _ in groups["node"]:
        columns.setdefault(typ, set())
    for v in nodes.values():
        for typ, r in v:
            columns[typ].update(r.values)
    stages = sociograms(proto)
    if stage is not None and proto is None:
        raise ValidationError("stage= needs the protocol (.netcanvas) file", field="stage", value=stage)
    with_layout = {v for s in stages for v in s.layouts.values()}
    if isinstance(layout, str):
        with_layout = {layout}
    elif isinstance(layout, Mapping):
        with_layout = set(layout.values())
    chosen = choose_stage(stages, stage, with_layout)
    layouts = _layouts(layout, proto, chosen.layouts if chosen else {}, columns)
    if not any(layouts.values()) and rings is None and any(nodes.values()):
        declared = sorted({v for vs in layout_variables(proto).values() for v in vs})
        want = f"{declared[0]}_x and {declared[0]}_y" if declared else "a pair such as Cords_x and Cords_y"
        raise InputFileError(
            f"has no layout columns ({want}), so the alters' places on the circles are unknown; "
            "pass layout=<name> if the columns have another name, or rings=<number> to put every alter "
            "on the outer circle",
            path=groups["node"][0][1],
            column=f"{declared[0]}_x" if declared else None,
        )
    if chosen is not None and (rings is None or skewed is None):
        report.stage = str(chosen)
        others = [s for s in stages if s is not chosen and s.circles and s.circles != chosen.circles]
        if others and stage is None:
            report.note(
                "assumed",
                f"circles from Sociogram stage {chosen}; the protocol also has "
                + "; ".join(str(s) for s in others)
                + " (choose one with stage= / --stage)",
            )
    if rings is None:
        if chosen is None or not chosen.circles:
            if proto is not None:
                why = "the protocol has no Sociogram stage with concentric circles"
            elif n_protocols > 1:
                why = f"there are {n_protocols} .netcanvas protocol files; pass protocol=<file>"
            else:
                why = "no .netcanvas protocol file was found"
            raise InputFileError(
                f"the number of circles is unknown ({why}): pass rings=<number> or the protocol (.netcanvas) file",
                path=where,
            )
        rings = chosen.circles
    if skewed is None:
        skewed = chosen.skewed if chosen is not None else True
    rs, n_circles = _as_rings(rings, bool(skewed))
    wanted = None if edge_types is None else {edge_types} if isinstance(edge_types, str) else set(edge_types)
    cfg = Settings(
        rings=rs,
        sectors=_schemes.sector_scheme(sectors),
        radii=ring_radii(n_circles, bool(skewed)),
        aspect=_aspect(canvas, report, any(layouts.values())),
        layouts=layouts,
        fields=fields,
        cats=categoricals(proto),
        wanted=wanted,
        skip_self_loops=skip_self_loops,
        skip_duplicate_edges=skip_duplicate_edges,
        report=report,
    )
    for typ, var in layouts.items():
        if var is None and nodes:
            report.note("assumed", f"node type {typ} has no layout variable: its nodes are put in the outer ring")
    # build persons in memory
    sessions: dict[str, list[Row]] = {}
    for eid, r in egos.items():
        pid = r.get("networkCanvasCaseID").strip() or eid
        sessions.setdefault(pid, []).append(r)
    present = set(store.person_ids())
    built, map_rows = [], {}
    for pid, rows in sessions.items():
        rows.sort(key=lambda r: (r.get("sessionStart"), r.number))
        with at_row(rows[0], "networkCanvasCaseID"):
            p = Person(pid, consent_research=consent_research)
        stored = {m.id: m.label for m in store.person(pid).maps} if pid in present else {}
        for r in rows:
            eid = r.get(EGO).strip()
            sid = r.get("networkCanvasSessionID").strip() or eid
            taken = {label for mid, label in stored.items() if mid != sid}
            m = build_interview(p, r, nodes[eid], edges[eid], cfg, taken)
            map_rows[m.id] = r
        built.append((p, rows[0]))
    return Imported(save_persons(store, built, "networkCanvasCaseID", report, map_rows), report)


def _read_nodes_edges(
    groups: dict[str, list[tuple[str, Path]]], egos: dict[str, Row], skip_incomplete: bool, report: ImportReport
) -> tuple[dict[str, list[tuple[str, Row]]], dict[str, list[tuple[str, Row]]]]:
    """Node and edge rows by interview; rows of interviews without an ego file refused or skipped."""
    nodes: dict[str, list[tuple[str, Row]]] = {e: [] for e in egos}
    edges: dict[str, list[tuple[str, Row]]] = {e: [] for e in egos}
    orphans: dict[str, list[Row]] = {}
    seen_nodes: dict[str, Row] = {}
    for kind, required, unique, into in (("node", [EGO, NODE], [NODE], nodes), ("edge", [EGO, SRC, TGT], [], edges)):
        for typ, f in groups[kind]:
            for r in read_csv(f, required, unique=unique):
                eid = r.required(EGO)
                if eid not in egos:
                    orphans.setdefault(eid, []).append(r)
                    continue
                if kind == "node":
                    nid = r.required(NODE)
                    if nid in seen_nodes:
                        raise r.error(f"repeats node id {nid!r} of {seen_nodes[nid].path.name}", NODE)
                    seen_nodes[nid] = r
                into[eid].append((typ, r))
    for eid, rows in orphans.items():
        files = sorted({r.path.name for r in rows})
        if not skip_incomplete:
            raise rows[0].error(
                f"unknown interview {eid!r}: no ego file has it (its files: {', '.join(files)}); the "
                "interview's *_ego.csv is missing: pass skip_incomplete=True (--skip-incomplete) to import the others",
                EGO,
            )
        report.note("skipped", f"interview {eid!r} has no ego file ({len(rows)} rows of {', '.join(files)})",
                    rows[0].path, rows[0].number)  # fmt: skip
    return nodes, edges
