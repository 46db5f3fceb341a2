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
  the matching egomap ring. Nodes never placed go to the outer ring.
* **ring count** from ``rings`` (a number or a ring scheme), else from the
  protocol (``.netcanvas`` zip or ``protocol.json``; by default the one
  ``.netcanvas`` file in the folder): the first Sociogram stage laying out with
  that variable gives ``background.concentricCircles`` and
  ``background.skewedTowardCenter``.
* **other node attributes** are kept in each placement's ``note`` as
  ``name: value`` lines under ``Network Canvas <Type>`` (empty cells left out;
  with the protocol, one-hot categorical columns such as ``Gender_Male`` are
  folded back into ``Gender: Male``). ``attributes`` maps egomap fields to
  columns: the alter's text and yes/no fields (``label``, ``relationship``,
  ``is_professional``, ``met_through``) and the placement's optional choices
  (``valence``, ``contact``, ``known_for``: any such field of
  :mod:`egomap.fields`), e.g. ``{"contact": "ContactFreq"}``; values that do
  not fit an egomap field stay in the note.
* **edges**: ties of all edge types are merged (``edge_types=None``), or only
  the listed types; the map notes list how many edges of each type there were
  and which types were imported. Edge attributes are not kept.

Note that research exports (:mod:`egomap.io`) leave notes out unless asked
for names, because notes can hold names.

Examples
--------
>>> import egomap as em, tempfile, os
>>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
>>> people = em.io.read_network_canvas(em.io.SAMPLE, store)
>>> [(p.id, len(p.maps)) for p in people]
[('NC-001', 2), ('NC-002', 1)]
>>> m = people[0].map(0)
>>> len(m.rings), [a.label for a in m.alters][:2]
(4, ['Maya', 'Jon'])
>>> store.close()
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from egomap import fields as _f
from egomap import geometry as _geometry
from egomap import schemes as _schemes
from egomap.errors import InputFileError, ValidationError
from egomap.fields import MAX_LABEL, MAX_TEXT
from egomap.io._common import Row, at_row, read_csv, save_persons
from egomap.model import Person

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["SAMPLE", "read_network_canvas", "ring_radii", "read_protocol"]

#: The small fictional Network Canvas export shipped with egomap (3 interviews, 2 persons).
SAMPLE = Path(__file__).resolve().parent / "sample" / "network_canvas"

EGO = "networkCanvasEgoUUID"
NODE = "networkCanvasUUID"
SRC = "networkCanvasSourceUUID"
TGT = "networkCanvasTargetUUID"
_KIND = re.compile(r"^(?P<prefix>.*)_(?P<kind>ego|attributeList_(?P<node>[^_]+)|edgeList_(?P<edge>[^_]+))\.csv$")
#: Fields a node variable can fill (``attributes``): the alter's text and yes/no
#: fields, and the placement's optional choices.
_MAPPABLE = {
    **{f.name: f for f in _f.of("alter") if f.type in ("label", "text", "bool")},
    **{f.name: f for f in _f.of("placement") if f.type == "choice" and f.optional},
}


def ring_radii(n: int, skewed: bool = True) -> list[float]:
    """Outer edge of each Network Canvas circle, innermost first, as a share of the outer radius.

    Network Canvas draws ``n`` circles equally spaced, or, when skewed toward the
    centre, at the weighted mean ``(3 * equal-area + equal-increment) / 4`` of
    equal-area radii ``sqrt(i / n)`` and equal-increment radii ``i / n``
    (Network Canvas Interviewer, ``Canvas/Radar.js``).

    Examples
    --------
    >>> [round(r, 3) for r in ring_radii(4, skewed=False)]
    [0.25, 0.5, 0.75, 1.0]
    >>> [round(r, 3) for r in ring_radii(4)]
    [0.438, 0.655, 0.837, 1.0]
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValidationError(f"the number of circles must be a whole number >= 1, got {n!r}", field="rings")
    inc = [i / n for i in range(1, n + 1)]
    if not skewed:
        return inc
    return [(3 * math.sqrt(i / n) + i / n) / 4 for i in range(1, n + 1)]


def read_protocol(path: str | os.PathLike) -> dict:
    """The ``protocol.json`` of a ``.netcanvas`` file (a zip), or a ``protocol.json`` file."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError("protocol file not found", path=p)
    try:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                names = [n for n in z.namelist() if n.rsplit("/", 1)[-1] == "protocol.json"]
                if not names:
                    raise InputFileError("holds no protocol.json", path=p)
                raw = z.read(names[0])
        else:
            raw = p.read_bytes()
        data = json.loads(raw.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile) as e:
        raise InputFileError(f"is not a Network Canvas protocol: {e}", path=p) from None
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        raise InputFileError("is not a Network Canvas protocol (no stages)", path=p)
    return data


def _layout_names(protocol: dict | None) -> dict[str, str]:
    """Layout variable id -> name, over all node types."""
    out = {}
    for nt in ((protocol or {}).get("codebook", {}).get("node") or {}).values():
        for vid, v in (nt.get("variables") or {}).items():
            if v.get("type") == "layout":
                out[vid] = v.get("name", vid)
    return out


def _circles(protocol: dict, layout: str) -> tuple[int, bool] | None:
    names = _layout_names(protocol)
    for st in protocol.get("stages", []):
        if st.get("type") != "Sociogram":
            continue
        bg = st.get("background") or {}
        if not bg.get("concentricCircles"):
            continue
        used = {names.get((pr.get("layout") or {}).get("layoutVariable"), "") for pr in st.get("prompts", [])}
        if layout in used or not names:
            return int(bg["concentricCircles"]), bool(bg.get("skewedTowardCenter", True))
    return None


def _categoricals(protocol: dict | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for nt in ((protocol or {}).get("codebook", {}).get("node") or {}).values():
        for v in (nt.get("variables") or {}).values():
            if v.get("type") == "categorical" and v.get("options"):
                out[v["name"]] = [str(o.get("value")) for o in v["options"]]
    return out


def _files(source: str | os.PathLike | Iterable[str | os.PathLike]) -> tuple[list[Path], Path | None, int]:
    if isinstance(source, (str, os.PathLike)):
        folder = Path(source)
        if not folder.exists():
            raise InputFileError("folder not found", path=folder)
        if not folder.is_dir():
            files = [folder]
        else:
            files = sorted(folder.iterdir())
    else:
        files = [Path(f) for f in source]
    for f in files:
        if not f.exists():
            raise InputFileError("file not found", path=f)
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


def _position(x: float, y: float, radii: list[float], rs: _schemes.RingScheme) -> tuple[float, float]:
    dx, dy = x - 0.5, 0.5 - y
    angle, dist = _geometry.xy_to_polar(dx, dy)
    d = dist / 0.5
    ring = next((i for i, r in enumerate(radii) if d <= r), len(radii) - 1)
    lo_nc = radii[ring - 1] if ring else 0.0
    frac = (d - lo_nc) / (radii[ring] - lo_nc)
    frac = min(max(frac, 0.05), 0.95)
    lo, hi = rs.band(min(ring, len(rs) - 1))
    return round(angle, 6), round(lo + frac * (hi - lo), 6)


def _text_value(v: str) -> str:
    return v.replace("\r", " ").replace("\n", " ").strip()


def _attribute_lines(values: Mapping[str, str], skip: set[str], cats: dict[str, list[str]]) -> list[str]:
    lines: list[str] = []
    folded: set[str] = set()
    for name, options in cats.items():
        cols = {f"{name}_{o}": o for o in options}
        present = [c for c in cols if c in values]
        if not present:
            continue
        folded.update(present)
        chosen = [cols[c] for c in present if values[c].strip().lower() == "true"]
        if chosen:
            lines.append(f"{name}: {', '.join(chosen)}")
    for k, v in values.items():
        if k in skip or k in folded or not k or k == "null" or not (v or "").strip():
            continue
        lines.append(f"{k}: {_text_value(v)}")
    return lines


def read_network_canvas(
    source: str | os.PathLike | Iterable[str | os.PathLike],
    store: Store,
    rings: int | str | _schemes.RingScheme | None = None,
    protocol: str | os.PathLike | dict | None = None,
    *,
    sectors: str | _schemes.SectorScheme = "none",
    edge_types: Iterable[str] | None = None,
    layout: str | None = None,
    skewed: bool | None = None,
    attributes: Mapping[str, str] | None = None,
    consent_research: bool = True,
) -> list[Person]:
    """Import a Network Canvas CSV export (a folder or files) into a store.

    Parameters
    ----------
    source : folder, file, or list of files
        The export: ``*_ego.csv``, ``*_attributeList_*.csv``, ``*_edgeList_*.csv``
        (and, in a folder, optionally the ``.netcanvas`` protocol).
    store : Store
    rings : int, str or RingScheme, optional
        Number of concentric circles (or a ring scheme); default from the protocol.
    protocol : path or dict, optional
        The ``.netcanvas`` file or ``protocol.json`` (default: the one
        ``.netcanvas`` file in the folder).
    sectors : str or SectorScheme
        Sector scheme of the new maps (default ``"none"``).
    edge_types : list of str, optional
        Only these edge types (e.g. ``["Close"]``); default all, merged.
    layout : str, optional
        Name of the layout variable (default: the protocol's, else the
        ``*_x``/``*_y`` column pair of the attribute files, e.g. ``Cords``).
    skewed : bool, optional
        Whether the circles were skewed toward the centre (default: the
        protocol's, else True as in Network Canvas).
    attributes : mapping, optional
        egomap field -> column, e.g. ``{"relationship": "Relationship"}``;
        ``label`` defaults to ``"name"``.
    consent_research : bool
        Consent recorded for the imported persons (Network Canvas data is
        usually collected for research; pass False otherwise).

    Returns
    -------
    list of Person
        The imported persons, as saved.

    Raises
    ------
    InputFileError
        Missing files or key columns, unknown or repeated ids, bad numbers,
        empty or non-UTF-8 files; names file, row and column. Nothing is saved.
    """
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
    bad = set(fields) - set(_MAPPABLE)
    if bad:
        raise ValidationError(f"attributes can map {', '.join(_MAPPABLE)}; not {sorted(bad)[0]!r}", field="attributes")
    groups: dict[str, list[tuple[str, Path]]] = {"ego": [], "node": [], "edge": []}
    for f in csvs:
        mt = _KIND.match(f.name)
        if not mt:
            continue
        if mt["kind"] == "ego":
            groups["ego"].append(("", f))
        elif mt["node"]:
            groups["node"].append((mt["node"], f))
        else:
            groups["edge"].append((mt["edge"], f))
    if not groups["ego"]:
        where = source if isinstance(source, (str, os.PathLike)) else None
        raise InputFileError("holds no Network Canvas ego file (*_ego.csv)", path=where)
    egos: dict[str, Row] = {}
    for _, f in groups["ego"]:
        for r in read_csv(f, [EGO], unique=[EGO]):
            eid = r.required(EGO)
            if eid in egos:
                raise r.error(f"repeats interview {eid!r} of {egos[eid].path.name}", EGO)
            egos[eid] = r
    nodes: dict[str, list[tuple[str, Row]]] = {e: [] for e in egos}
    seen_nodes: dict[str, Row] = {}
    for typ, f in groups["node"]:
        for r in read_csv(f, [EGO, NODE], unique=[NODE]):
            eid, nid = r.required(EGO), r.required(NODE)
            if eid not in egos:
                raise r.error(f"unknown interview {eid!r}: no ego file has it", EGO)
            if nid in seen_nodes:
                raise r.error(f"repeats node id {nid!r} of {seen_nodes[nid].path.name}", NODE)
            seen_nodes[nid] = r
            nodes[eid].append((typ, r))
    wanted = None if edge_types is None else {edge_types} if isinstance(edge_types, str) else set(edge_types)
    edges: dict[str, list[tuple[str, Row]]] = {e: [] for e in egos}
    for typ, f in groups["edge"]:
        for r in read_csv(f, [EGO, SRC, TGT]):
            eid = r.required(EGO)
            if eid not in egos:
                raise r.error(f"unknown interview {eid!r}: no ego file has it", EGO)
            ids = {r2.get(NODE).strip() for _, r2 in nodes[eid]}
            for col in (SRC, TGT):
                if r.required(col) not in ids:
                    raise r.error(f"unknown node {r.get(col)!r}: not a node of interview {eid!r}", col)
            edges[eid].append((typ, r))
    # layout variable and circles
    if layout is None:
        names = set(_layout_names(proto).values())
        cols = {c[:-2] for _, r in (x for v in nodes.values() for x in v) for c in r.values if c.endswith("_x")}
        cand = sorted(names & cols) or sorted(c for c in cols if c + "_y" in _all_columns(nodes) and not names)
        layout = cand[0] if cand else None
        if layout is None and rings is None and any(nodes.values()):
            declared = sorted(names)
            want = f"{declared[0]}_x and {declared[0]}_y" if declared else "a pair such as Cords_x and Cords_y"
            raise InputFileError(
                f"has no layout columns ({want}), so the alters' places on the circles are unknown; "
                "pass layout=<name> if the columns have another name, or rings=<number> to put every alter "
                "on the outer circle",
                path=groups["node"][0][1],
                column=f"{declared[0]}_x" if declared else None,
            )
    if rings is None:
        circ = _circles(proto, layout or "") if proto else None
        if circ is None:
            if proto is not None:
                why = "the protocol has no Sociogram stage with concentric circles"
            elif n_protocols > 1:
                why = f"there are {n_protocols} .netcanvas protocol files; pass protocol=<file>"
            else:
                why = "no .netcanvas protocol file was found"
            where = source if isinstance(source, (str, os.PathLike)) else None
            raise InputFileError(
                f"the number of circles is unknown ({why}): pass rings=<number> or the protocol (.netcanvas) file",
                path=where,
            )
        rings, proto_skew = circ
        skewed = proto_skew if skewed is None else skewed
    elif skewed is None:
        circ = _circles(proto, layout or "") if proto else None
        skewed = circ[1] if circ else True
    rs, n_circles = _as_rings(rings, bool(skewed))
    radii = ring_radii(n_circles, bool(skewed))
    ss = _schemes.sector_scheme(sectors)
    cats = _categoricals(proto)
    # build persons in memory
    sessions: dict[str, list[Row]] = {}
    for eid, r in egos.items():
        pid = r.get("networkCanvasCaseID").strip() or eid
        sessions.setdefault(pid, []).append(r)
    built = []
    for pid, rows in sessions.items():
        rows.sort(key=lambda r: (r.get("sessionStart"), r.number))
        with at_row(rows[0], "networkCanvasCaseID"):
            p = Person(pid, consent_research=consent_research)
        for r in rows:
            _interview(p, r, nodes[r.get(EGO).strip()], edges[r.get(EGO).strip()], rs, ss, radii, layout, fields,
                       cats, wanted)  # fmt: skip
        built.append((p, rows[0]))
    return save_persons(store, built, "networkCanvasCaseID")


def _all_columns(nodes: dict[str, list[tuple[str, Row]]]) -> set[str]:
    return {c for v in nodes.values() for _, r in v for c in r.values}


def _interview(p, er: Row, nodes, edges, rs, ss, radii, layout, fields, cats, wanted) -> None:
    eid = er.get(EGO).strip()
    start = er.get("sessionStart").strip()
    date = None
    if start:
        try:
            date = _dt.datetime.fromisoformat(start.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            raise er.error(f"{start!r} is not a date and time", "sessionStart") from None
    label = f"Interview {date or len(p.maps) + 1}"
    k = 2
    while any(m.label == label for m in p.maps):
        label = f"Interview {date or ''} ({k})".replace("  ", " ")
        k += 1
    counts: dict[str, int] = {}
    for typ, _ in edges:
        counts[typ] = counts.get(typ, 0) + 1
    used = sorted(t for t in counts if wanted is None or t in wanted)
    notes = [
        f"Imported from Network Canvas: session {er.get('networkCanvasSessionID') or eid}, "
        f"protocol {er.get('networkCanvasProtocolName') or 'unknown'}, started {start or 'unknown'}.",
        "Edges: "
        + (", ".join(f"{t} ({n})" for t, n in sorted(counts.items())) or "none")
        + f"; ties here are {'all types merged' if wanted is None else 'only ' + (', '.join(used) or 'none')}.",
    ]
    skip = {EGO, "networkCanvasCaseID", "networkCanvasSessionID", "networkCanvasProtocolName", "sessionStart"}
    ego_lines = _attribute_lines(er.values, skip, {})
    if ego_lines:
        notes += ["Ego attributes:", *ego_lines]
    with at_row(er, "networkCanvasSessionID"):
        m = p.new_map(label, date, rings=rs, sectors=ss, notes="\n".join(notes),
                      id=er.get("networkCanvasSessionID").strip() or eid)  # fmt: skip
    lx, ly = (f"{layout}_x", f"{layout}_y") if layout else ("", "")
    for typ, r in nodes:
        nid = r.get(NODE).strip()
        kw: dict[str, Any] = {}
        x = r.number_value(lx, optional=True) if lx else None
        y = r.number_value(ly, optional=True) if ly else None
        for col, v in ((lx, x), (ly, y)):
            if v is not None and not 0.0 <= v <= 1.0:
                raise r.error(f"{r.get(col).strip()!r} is outside the canvas (0 to 1)", col, v)
        if x is not None and y is not None:
            kw["angle"], kw["radius"] = _position(x, y, radii, rs)
            if len(ss) > 1:
                kw["sector"] = None
        else:
            kw["ring"] = len(rs) - 1
            kw["sector"] = ss.keys[0] if len(ss) == 1 else None
        used_cols = {NODE, EGO, "nodeID", lx, ly}
        extra: list[str] = []
        name = _text_value(r.get(fields["label"]))[:MAX_LABEL].strip() or f"{typ} {r.get('nodeID') or nid[:8]}"
        used_cols.add(fields["label"])
        for attr, col in fields.items():
            f = _MAPPABLE[attr]
            if attr == "label":
                continue
            if f.type == "bool":
                kw[attr] = bool(r.bool_value(col, default=f.default))
            elif f.type == "choice":
                raw = r.get(col).strip().replace("_", " ").lower()
                if raw not in f.choices:
                    continue  # stays in the note
                kw[attr] = raw
            else:
                kw[attr] = _text_value(r.get(col))[:MAX_LABEL]
            used_cols.add(col)
        lines = _attribute_lines({k: v for k, v in r.values.items()}, used_cols, cats)
        if x is None or y is None:
            extra.append("Not placed on the Network Canvas sociogram; put in the outer ring.")
        kw["note"] = "\n".join([*extra, f"Network Canvas {typ}:", *lines])[:MAX_TEXT]
        if "sector" in kw and kw["sector"] is None:
            kw.pop("sector")
        with at_row(r, NODE):
            m.add_alter(name, id=nid, **kw)
    for typ, r in edges:
        if wanted is not None and typ not in wanted:
            continue
        a, b = r.get(SRC).strip(), r.get(TGT).strip()
        if a == b:
            raise r.error("an edge from a node to itself", TGT, b)
        with at_row(r, TGT):
            m.add_tie(a, b)
