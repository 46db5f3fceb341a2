"""Whole maps from rows of egor-style tables: the import side of :mod:`egomap.io.egor`, also used for GraphML.

:func:`build_persons` takes the rows of the ego, alter, tie and resource tables (each a
:class:`~egomap.io._common.Row` that knows its file, row number and cells as text), builds each
person's maps whole (alters, placements, ties, resources, schemes) and saves them in one
transaction. :func:`egomap.io.read_egor` reads the rows from CSV files;
:func:`egomap.io.read_graphml` makes them from GraphML graphs, so both formats are read by the
same code and refuse bad input with the same messages, naming file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from egomap import fields as _f
from egomap import resource_schemes as _rs
from egomap import schemes as _schemes
from egomap.errors import DuplicateError
from egomap.fields import MAX_TEXT, Field
from egomap.io._common import Row, at_row, check_scheme_text, ego_id
from egomap.io.capital import SOURCE, kept_note, stored_capital
from egomap.io.report import Imported, ImportReport
from egomap.io.saving import save_persons
from egomap.model import Alter, Map, MapState, Person, Placement, Tie, new_id
from egomap.model.placing import place

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["IDS", "Tables", "build_persons", "check_ego_id"]

#: egor's ``ID.vars``: the default names of the ego, alter, source and target id columns.
IDS = {"ego": "egoID", "alter": "alterID", "source": "Source", "target": "Target"}
_TYPES = _f.field("tie", "types")


@dataclass
class Tables:
    """The rows of one import: egos (one per map), alters (one per alter per map), ties and resources.

    ``schemes`` are the resource schemes the input holds, by the name an ego row's
    ``resource_scheme`` cell gives (a name not among them is looked up among the registered
    schemes; an empty cell is egomap's default scheme). ``ego_known`` and ``alter_known`` are
    the columns egomap reads; any other column is kept as a ``column: value`` line in the map's
    notes (egos) or the placement's note (alters).
    """

    egos: list[Row]
    alters: list[Row]
    edges: list[Row]
    ego_known: frozenset[str]
    alter_known: frozenset[str]
    resources: list[Row] = field(default_factory=list)
    schemes: dict[str, _rs.ResourceScheme] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=lambda: dict(IDS))


def _by_ego(rows: list[Row], column: str) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in rows:
        out.setdefault(r.get(column).strip(), []).append(r)
    return out


def build_persons(t: Tables, store: Store, report: ImportReport, *, consent_research: bool | None = None) -> Imported:
    """Build every person of ``t`` with all their maps and save them (all or nothing).

    Raises
    ------
    InputFileError
        Naming the file, row and column of the first problem; nothing is saved.
    """
    E = t.ids["ego"]
    has_sector = bool(t.alters) and "sector" in t.alters[0].values
    by_ego, ties_by_ego, res_by_ego = (_by_ego(rows, E) for rows in (t.alters, t.edges, t.resources))
    ego_pid = {r.get(E).strip(): r.get("person_id").strip() for r in t.egos}
    for rows in (t.alters, t.edges, t.resources):
        for r in rows:
            eid = r.get(E).strip()
            if eid not in ego_pid:
                raise r.error(f"unknown {E} {r.get(E)!r}: not in {t.egos[0].path.name}", E)
            pid = r.get("person_id").strip()
            if pid and ego_pid[eid] and pid != ego_pid[eid]:
                raise r.error(
                    f"person_id {pid!r} differs from {ego_pid[eid]!r} of {E} {eid!r} in {t.egos[0].path.name}",
                    "person_id",
                )
    people: dict[str, list[Row]] = {}  # maps grouped by person
    for r in t.egos:
        pid = r.get("person_id").strip() or r.required(E)
        check_ego_id(r, E, pid)
        people.setdefault(pid, []).append(r)
    built: list[tuple[Person, Row]] = []
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
            eid = er.get(E).strip()
            parts = (by_ego.get(eid, []), ties_by_ego.get(eid, []), res_by_ego.get(eid, []))
            m = _map(p, er, k, parts, known, has_sector, t, report)
            map_rows[m.id] = er
        built.append((p, first))
    return Imported(save_persons(store, built, "person_id", report, map_rows), report)


def check_ego_id(r: Row, column: str, pid: str) -> None:
    """An egomap-written ego row (with ``map_index``) has egoID ``<person_id>_<map_index>``: refuse a mismatch.

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


def _map(p: Person, er: Row, k: int, parts: tuple[list[Row], list[Row], list[Row]], known: dict[str, Alter],
         has_sector: bool, t: Tables, report: ImportReport) -> Map:  # fmt: skip
    """One ego row, its alters, ties and resources, as a new map of ``p`` built whole."""
    alter_rows, tie_rows, res_rows = parts
    ids = t.ids
    with at_row(er, "map_label"):
        label = er.get("map_label").strip() or f"Map {k + 1}"
        rings = er.get("ring_scheme").strip() or _schemes.DEFAULT_RINGS
        sectors = er.get("sector_scheme").strip() or (_schemes.DEFAULT_SECTORS if has_sector else "none")
    rs = _ring_scheme(er, rings)
    with at_row(er, "sector_keys"):
        ss = check_scheme_text(_sector_scheme(er, sectors))
    scheme = _resource_scheme(er, t.schemes)
    with at_row(er, "map_date", {"map label": "map_label", "label": "map_label", "notes": "notes"}):
        info = {
            "label": _f.check_label(label, "map label"),
            "date": _f.check_date(er.get("map_date").strip() or None),
            "notes": _f.check_text(_with_extra(er.get("notes"), er, t.ego_known), "notes"),
        }
        if any(m.label == info["label"] for m in p.maps):
            raise DuplicateError(f"person {p.id!r} already has a map labelled {label!r}", field="label")
    st = MapState(info=info)
    on_map: dict[str, str] = {}  # alterID -> alter id
    kept = 0
    for ar in alter_rows:
        a, q, was_kept = _alter(ar, known, rs, ss, st.placements, ids["alter"], t.alter_known)
        if a.id in st.alters:
            raise ar.error(f"{a.label!r} is already on this map", ids["alter"])
        st.alters[a.id], st.placements[a.id] = a, q
        on_map[ar.get(ids["alter"]).strip()] = a.id
        kept += was_kept
    if kept:
        report.note("assumed", kept_note(kept), er.path, er.number)
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
    st.resources = _resources(res_rows, scheme, on_map, ids, er)
    with at_row(er, "map_label"):
        m = p.add_map(st, id=new_id(), rings=rs, sectors=ss, resources=scheme)
    report.count_for(m.id, er.path, maps=1)
    if st.ties:
        report.count_for(m.id, tie_rows[0].path, ties=len(st.ties))
    if alter_rows:
        report.count_for(m.id, alter_rows[0].path, alters=len(alter_rows))
    return m


def _resource_scheme(er: Row, schemes: dict[str, _rs.ResourceScheme]) -> _rs.ResourceScheme:
    """The map's resource scheme: one the input holds, else a registered one by name, else egomap's default."""
    name = er.get("resource_scheme").strip()
    if name in schemes:
        return schemes[name]
    with at_row(er, "resource_scheme"):
        return _rs.resource_scheme(name or _rs.DEFAULT_RESOURCES)


def _resources(
    rows: list[Row], scheme: _rs.ResourceScheme, on_map: dict[str, str], ids: dict[str, str], er: Row
) -> dict[str, frozenset[str]]:
    """Who could help with each item asked about, from one map's resource rows (an empty alter cell: no one)."""
    A = ids["alter"]
    who: dict[str, set[str]] = {}
    no_one: dict[str, Row] = {}
    for r in rows:
        with at_row(r, "item"):
            key = scheme.check(r.get("item").strip())
        domain = r.get("domain").strip()
        if domain and domain != scheme.item(key).domain:
            raise r.error(
                f"item {key!r} is in domain {scheme.item(key).domain!r} of scheme {scheme.name!r}, not {domain!r}",
                "domain",
                domain,
            )
        ref = r.get(A).strip()
        if not ref:
            no_one[key] = r
            who.setdefault(key, set())
            continue
        if ref not in on_map:
            raise r.error(f"unknown alter {ref!r}: not an {A} of ego {er.get(ids['ego'])!r}", A, ref)
        who.setdefault(key, set()).add(on_map[ref])
    for key, r in no_one.items():
        if who[key]:
            raise r.error(f"item {key!r} has a row for no one (an empty {A}) and rows naming alters", A)
    return {k: frozenset(who[k]) for k in scheme.keys if k in who}


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


def _alter(r: Row, known: dict[str, Alter], rs: _schemes.RingScheme, ss: _schemes.SectorScheme, placements: dict,
           col: str, known_columns: frozenset[str]) -> tuple[Alter, Placement, bool]:  # fmt: skip
    """The alter of row ``r`` (one already met on an earlier map of the person, or a new one) and its placement.

    The third value is True if an exported default capital was kept as recorded (see :mod:`egomap.io.capital`).
    """
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
        q["note"] = _f.field("placement", "note").clean(_with_extra(r.get("note"), r, known_columns))
        if alter_ref in known:
            a = known[alter_ref]
        else:
            stable = {f.name: f.clean(_value(f, r)) for f in _STABLE_FIELDS if f.name in values}
            stable["label"] = _f.field("alter", "label").clean(r.get("label").strip() or alter_ref)
            a = Alter(new_id(), **stable)
            known[alter_ref] = a
        kept = False
        if "capital" in values:
            q["capital"], kept = stored_capital(
                r.get("capital"),
                r.get(SOURCE),
                sector=pos["sector"],
                kind=a.kind,
                is_professional=a.is_professional,
                met_through=a.met_through,
                family_sector=pos["sector"] in ss.family_keys,
            )
        return a, Placement(a.id, **pos, **q), kept
