"""One Network Canvas interview as an egomap map, built whole (linear in its nodes and edges).

Used by :func:`egomap.io.read_network_canvas`; see its module for how nodes
and edges become alters, placements and ties.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from egomap import fields as _f
from egomap import geometry as _geometry
from egomap import schemes as _schemes
from egomap.errors import ValidationError
from egomap.fields import MAX_LABEL, MAX_TEXT
from egomap.io._common import Row, at_row
from egomap.io.report import ImportReport
from egomap.model import Alter, Map, MapState, Person, Placement, Tie
from egomap.model.placing import place

__all__ = ["EGO", "NODE", "SRC", "TGT", "MAPPABLE", "Settings", "position", "build_interview", "attribute_lines"]

EGO = "networkCanvasEgoUUID"
NODE = "networkCanvasUUID"
SRC = "networkCanvasSourceUUID"
TGT = "networkCanvasTargetUUID"
#: Fields a node variable can fill (``attributes``): the alter's text and yes/no
#: fields, and the placement's optional choices.
MAPPABLE = {
    **{f.name: f for f in _f.of("alter") if f.type in ("label", "text", "bool")},
    **{f.name: f for f in _f.of("placement") if f.type == "choice" and f.optional},
}


@dataclass
class Settings:
    """How the interviews of one import become maps."""

    rings: _schemes.RingScheme
    sectors: _schemes.SectorScheme
    radii: list[float]
    aspect: tuple[float, float]  # canvas width and height over the smaller of the two
    layouts: dict[str, str | None]  # node type -> layout variable
    fields: dict[str, str]
    cats: dict[str, list[str]]
    wanted: set[str] | None
    skip_self_loops: bool = False
    skip_duplicate_edges: bool = False
    report: ImportReport = field(default_factory=lambda: ImportReport("network-canvas", ""))


def position(
    x: float, y: float, radii: list[float], rs: _schemes.RingScheme, aspect: tuple[float, float] = (1.0, 1.0)
) -> tuple[float, float, float]:
    """Angle and radius on the egomap map of a node at ``x, y`` (0..1 of the canvas), and its distance in radii.

    Interviewer draws the circles inscribed in the shorter side of the canvas:
    ``aspect`` is the canvas width and height over that side (``(16/9, 1)`` for
    1920x1080). A node beyond the outer circle (distance > 1) lands just inside it.

    Examples
    --------
    >>> from egomap.io.nc_protocol import ring_radii
    >>> rs = _schemes.ring_scheme("kahn_antonucci")
    >>> position(0.9, 0.5, ring_radii(3), rs)[2], position(0.9, 0.5, ring_radii(3), rs, (16 / 9, 1))[2] > 1
    (0.8, True)
    """
    dx, dy = (x - 0.5) * aspect[0], (0.5 - y) * aspect[1]
    angle, dist = _geometry.xy_to_polar(dx, dy)
    d = dist / 0.5
    ring = next((i for i, r in enumerate(radii) if d <= r), len(radii) - 1)
    lo_nc = radii[ring - 1] if ring else 0.0
    frac = min(max((d - lo_nc) / (radii[ring] - lo_nc), 0.05), 0.95)
    lo, hi = rs.band(min(ring, len(rs) - 1))
    return round(angle, 6), round(lo + frac * (hi - lo), 6), d


def _text_value(v: str) -> str:
    return v.replace("\r", " ").replace("\n", " ").strip()


def attribute_lines(values: Mapping[str, str], skip: set[str], cats: dict[str, list[str]]) -> list[str]:
    """``name: value`` lines of a row's other columns (one-hot categorical columns folded back)."""
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


def _date(er: Row) -> str | None:
    start = er.get("sessionStart").strip()
    if not start:
        return None
    try:
        return _dt.datetime.fromisoformat(start.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise er.error(f"{start!r} is not a date and time", "sessionStart") from None


def build_interview(
    p: Person,
    er: Row,
    nodes: list[tuple[str, Row]],
    edges: list[tuple[str, Row]],
    cfg: Settings,
    taken_labels: set[str],
) -> Map:
    """Add interview ``er`` (its nodes and edges) to ``p`` as one new map, built whole."""
    eid = er.get(EGO).strip()
    date = _date(er)
    start = er.get("sessionStart").strip()
    label, k = f"Interview {date or len(p.maps) + 1}", 2
    while label in taken_labels or any(m.label == label for m in p.maps):
        label, k = f"Interview {date or len(p.maps) + 1} ({k})", k + 1
    alters, placements = _nodes(nodes, cfg)
    ties, kinds, counts = _edges(eid, edges, alters, cfg)
    used = sorted(t for t in counts if cfg.wanted is None or t in cfg.wanted)
    made = ", ".join(f"{t}: {counts[t][0]} edge(s) gave {counts[t][1]} new tie(s)" for t in used)
    notes = [
        f"Imported from Network Canvas: session {er.get('networkCanvasSessionID') or eid}, "
        f"protocol {er.get('networkCanvasProtocolName') or 'unknown'}, started {start or 'unknown'}.",
        "Edges: "
        + (", ".join(f"{t} ({n[0]})" for t, n in sorted(counts.items())) or "none")
        + f"; ties here are {'of all types' if cfg.wanted is None else 'only ' + (', '.join(used) or 'none')}"
        + ", each keeping its type(s)"
        + (f" ({made})." if made else "."),
    ]
    if len(used) > 1 and any(counts[t][0] != counts[t][1] for t in used):
        cfg.report.note(
            "assumed", f"edge types merged into one tie per pair, with its types ({made})", er.path, er.number
        )
    skip = {EGO, "networkCanvasCaseID", "networkCanvasSessionID", "networkCanvasProtocolName", "sessionStart"}
    ego_lines = attribute_lines(er.values, skip, {})
    if ego_lines:
        notes += ["Ego attributes:", *ego_lines]
    with at_row(er, "networkCanvasSessionID"):
        info = {
            "label": _f.check_label(label, "map label"),
            "date": _f.check_date(date),
            "notes": _f.check_text("\n".join(notes)[:MAX_TEXT], "notes"),
        }
        state = MapState(alters, placements, {t: frozenset(kinds[t]) for t in ties}, {}, info)
        m = p.add_map(state, id=er.get("networkCanvasSessionID").strip() or eid, rings=cfg.rings, sectors=cfg.sectors)
    rep = cfg.report
    rep.count_for(m.id, er.path, maps=1)
    for _, r in nodes:
        rep.count_for(m.id, r.path, alters=1)
    for path, n in _tie_files(ties).items():
        rep.count_for(m.id, path, ties=n)
    return m


def _tie_files(ties: dict[Tie, Row]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for r in ties.values():
        out[r.path] = out.get(r.path, 0) + 1
    return out


def _nodes(nodes: list[tuple[str, Row]], cfg: Settings) -> tuple[dict[str, Alter], dict[str, Placement]]:
    rs, ss = cfg.rings, cfg.sectors
    alters: dict[str, Alter] = {}
    placements: dict[str, Placement] = {}
    outer: dict[str, Placement] = {}  # the outer cell(s), for spreading unplaced nodes
    for typ, r in nodes:
        nid = r.get(NODE).strip()
        layout = cfg.layouts.get(typ)
        lx, ly = (f"{layout}_x", f"{layout}_y") if layout else ("", "")
        x = r.number_value(lx, optional=True) if lx and lx in r.values else None
        y = r.number_value(ly, optional=True) if ly and ly in r.values else None
        for col, v in ((lx, x), (ly, y)):
            if v is not None and not 0.0 <= v <= 1.0:
                hint = " (pixel coordinates? Network Canvas writes 0 to 1 across the canvas)" if abs(v) > 1 else ""
                raise r.error(f"{r.get(col).strip()!r} is outside the canvas (0 to 1){hint}", col, v)
        extra: list[str] = []
        with at_row(r, NODE):
            if x is not None and y is not None:
                angle, radius, d = position(x, y, cfg.radii, rs, cfg.aspect)
                if d > 1.0:
                    extra.append(
                        f"Outside every Network Canvas circle ({d:.2f} radii from the centre); "
                        "put at the edge of the outer circle."
                    )
                    cfg.report.placed_outside += 1
                    cfg.report.note(
                        "flagged", f"node {nid!r} lies outside every circle ({d:.2f} radii out); put in the outer "
                        "circle", r.path, r.number)  # fmt: skip
                pos = place(rs, ss, {}, None, None, angle, radius)
            else:
                pos = place(rs, ss, outer, len(rs) - 1, ss.keys[0] if len(ss) == 1 else ss.keys[-1], None, None)
                extra.append("Not placed on the Network Canvas sociogram; put in the outer ring.")
                why = f"no {layout} position" if layout else "no layout variable for this node type"
                cfg.report.note("flagged", f"node {nid!r} of type {typ}: {why}; put in the outer ring", r.path,
                                r.number)  # fmt: skip
            alter, per_map, used_cols = _values(typ, r, cfg.fields, nid)
            used_cols |= {NODE, EGO, "nodeID", lx, ly}
            lines = attribute_lines(r.values, used_cols, cfg.cats)
            per_map["note"] = "\n".join([*extra, f"Network Canvas {typ}:", *lines])[:MAX_TEXT]
            if nid in alters:
                raise r.error(f"repeats node id {nid!r}", NODE, nid)
            alters[nid] = Alter(nid, **{k: _f.field("alter", k).clean(v) for k, v in alter.items()})
            q = Placement(nid, **pos, **{k: _f.field("placement", k).clean(v) for k, v in per_map.items()})
            placements[nid] = q
            if x is None or y is None:
                outer[nid] = q
    return alters, placements


def _values(typ: str, r: Row, fields: dict[str, str], nid: str) -> tuple[dict, dict, set[str]]:
    name = _text_value(r.get(fields["label"]))[:MAX_LABEL].strip() or f"{typ} {r.get('nodeID') or nid[:8]}"
    alter: dict[str, Any] = {"label": name}
    per_map: dict[str, Any] = {}
    used = {fields["label"]}
    for attr, col in fields.items():
        f = MAPPABLE[attr]
        if attr == "label":
            continue
        if f.type == "bool":
            alter[attr] = bool(r.bool_value(col, default=f.default))
        elif f.type == "choice":
            raw = r.get(col).strip().replace("_", " ").lower()
            if raw not in f.choices:
                continue  # stays in the note
            per_map[attr] = raw
        else:
            alter[attr] = _text_value(r.get(col))[:MAX_LABEL]
        used.add(col)
    return alter, per_map, used


def _edges(
    eid: str, edges: list[tuple[str, Row]], alters: dict[str, Alter], cfg: Settings
) -> tuple[dict[Tie, Row], dict[Tie, set[str]], dict[str, list[int]]]:
    """The ties (each with the row that made it), each tie's edge types, and per edge type [edges, new ties]."""
    ties: dict[Tie, Row] = {}
    kinds: dict[Tie, set[str]] = {}
    typed: dict[tuple[str, Tie], Row] = {}
    counts: dict[str, list[int]] = {}
    for typ, r in edges:
        if typ not in counts:
            try:
                _f.check_tags([typ], "edge type")
            except ValidationError as e:
                raise r.error(str(e), "edge type", typ) from None
        c = counts.setdefault(typ, [0, 0])
        c[0] += 1
        a, b = r.get(SRC).strip(), r.get(TGT).strip()
        for col, v in ((SRC, a), (TGT, b)):
            if v not in alters:
                raise r.error(f"unknown node {v!r}: not a node of interview {eid!r}", col, v)
        if cfg.wanted is not None and typ not in cfg.wanted:
            continue
        if a == b:
            if cfg.skip_self_loops:
                cfg.report.note("skipped", f"edge from node {a!r} to itself (self-loop)", r.path, r.number)
                continue
            raise r.error(
                "an edge from a node to itself (a self-loop); pass skip_self_loops=True (--skip-self-loops) "
                "to leave such edges out",
                TGT,
                b,
            )
        t = Tie.of(a, b)
        first = typed.get((typ, t))
        if first is not None:
            if cfg.skip_duplicate_edges:
                cfg.report.note("skipped", f"repeats the {typ} edge of row {first.number}", r.path, r.number)
                continue
            raise r.error(
                f"repeats the {typ} edge of row {first.number} (same two nodes); pass skip_duplicate_edges=True "
                "(--skip-duplicate-edges) to leave repeats out",
                TGT,
                b,
            )
        typed[(typ, t)] = r
        kinds.setdefault(t, set()).add(typ)
        if t not in ties:
            ties[t] = r
            c[1] += 1
    return ties, kinds, counts
