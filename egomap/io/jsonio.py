"""JSON of whole persons (all maps), for moving maps between stores.

The file is ``{"format": "egomap", "version": 1, "persons": [<person>, ...]}``
where each person is :meth:`egomap.Person.to_dict` output. With
``include_names=True`` the round trip is lossless: importing into a fresh
store gives back equal ``to_dict()`` output (ids, consent, schemes in full
including custom ones, exact positions, placements, ties, goals with steps and
status, dates, creation times and notes). A tie is ``[a, b]``, or
``[a, b, [types...]]`` when it has types (e.g. Network Canvas edge types). A map
carries its ``resource_scheme`` (:meth:`~egomap.resource_schemes.ResourceScheme.to_dict`)
and its ``resources``, ``{item: [alter ids]}``: ``[]`` is "no one", an item not
asked about is not there (a file without them reads as nothing asked, with
egomap's default scheme). The edit history behind undo/redo
is not part of the file: an imported map starts with a fresh history.

Without ``include_names`` (the default, for research use) every field the
vocabulary marks as identifying is removed by the one pseudonymisation function
(:func:`egomap.io._common.pseudonymise`): the person's display name, map notes,
alter labels, relationships, "met through", placement notes, goal texts and
steps; map labels become time points (``T1``, ``T2``... in date order, dates
kept), and alter ids the pseudonymous ids of the egor export (``"R-017-A001"``,
also used as labels, in ``resources`` too); each placement's ``capital`` is the
effective type with ``capital_source`` beside it, as in the egor export (see
:mod:`egomap.io.capital`: the rule needs ``met_through``, which is left out); the
result still imports.

Examples
--------
>>> import egomap as em, tempfile, os
>>> p = em.demo.demo_case()
>>> data = em.io.to_json(p, include_names=True)
>>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
>>> q = em.io.from_json(data, store)[0]
>>> q.to_dict() == p.to_dict()
True
>>> em.io.to_json(p)["persons"][0]["maps"][0]["alters"][0]["label"]
'DEMO-01-A001'
>>> store.close()
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from egomap import fields as _f
from egomap import geometry as _geometry
from egomap import resource_schemes as _rs
from egomap import schemes as _schemes
from egomap.errors import EgomapError, InputFileError
from egomap.fields import GOAL_STATUSES
from egomap.fields import check_choice as _choice
from egomap.fields import check_label as _label
from egomap.fields import check_number as _number
from egomap.files import write_text
from egomap.io._common import Source, check_scheme_text, pseudonymise, pseudonyms, select_persons, time_points
from egomap.io.capital import SOURCE, capital_cells, kept_note, stored_capital
from egomap.io.report import Imported, ImportReport
from egomap.model import Alter, Goal, MapState, Person, Placement, Tie

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["FORMAT", "VERSION", "to_json", "from_json", "export_json", "import_json"]

FORMAT = "egomap"
VERSION = 1


def _capital(m: Any, alter_id: str) -> dict:
    """A placement's effective capital and its source, as pseudonymised files give them (see :mod:`egomap.io.capital`)."""
    capital, source = capital_cells(m, alter_id)
    return {"capital": capital, SOURCE: source}


def _pseudonymise(p: Person) -> dict:
    maps = p.maps
    ids, labels = pseudonyms(p, maps), time_points(p, maps)
    d = pseudonymise("person", p.to_dict(), stand_in=p.id)
    d["maps"] = [pseudonymise("map", m, stand_in=labels[m["id"]]) for m in d["maps"]]
    for mp, m in zip(maps, d["maps"]):
        m["alters"] = [pseudonymise("alter", {**a, "id": ids[a["id"]]}, stand_in=ids[a["id"]]) for a in m["alters"]]
        m["placements"] = [
            pseudonymise("placement", {**q, **_capital(mp, q["alter_id"]), "alter_id": ids[q["alter_id"]]})
            for q in m["placements"]
        ]
        m["resources"] = {k: sorted(ids[x] for x in v) for k, v in m.get("resources", {}).items()}
        m["ties"] = [sorted([ids[t[0]], ids[t[1]]]) + t[2:] for t in m["ties"]]
        goals = [pseudonymise("goal", g, stand_in=f"Goal {i}") for i, g in enumerate(m["goals"], start=1)]
        m["goals"] = [{**g, "alter_ids": [ids[x] for x in g["alter_ids"] if x in ids]} for g in goals]
    return d


def to_json(
    source: Source,
    *,
    persons: Iterable[str] | str | None = None,
    include_names: bool = False,
    include_nonconsenting: bool = False,
) -> dict:
    """Persons as a JSON-able dict (see the module docs for what is left out by default)."""
    people = select_persons(source, persons, include_nonconsenting=include_nonconsenting)
    return {
        "format": FORMAT,
        "version": VERSION,
        "pseudonymised": not include_names,
        "persons": [p.to_dict() if include_names else _pseudonymise(p) for p in people],
    }


def export_json(
    source: Source,
    path: str | os.PathLike,
    *,
    persons: Iterable[str] | str | None = None,
    include_names: bool = False,
    include_nonconsenting: bool = False,
) -> Path:
    """Write :func:`to_json` output to a UTF-8 file; return its path."""
    data = to_json(source, persons=persons, include_names=include_names, include_nonconsenting=include_nonconsenting)
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=1))  # owner-only (0600)


class _Where:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.kept = 0  # default capital types kept as recorded (see egomap.io.capital)

    def fail(self, message: str, where: str, row: int | None = None, column: str | None = None) -> InputFileError:
        return InputFileError(f"{where}: {message}", path=self.path, row=row, column=column)


def _person(d: Any, i: int, w: _Where) -> Person:
    where = f"persons[{i}]"
    if not isinstance(d, Mapping):
        raise w.fail("is not an object", where, i + 1)
    try:
        about = {f.name: d.get(f.name, f.default) for f in _f.of("person") if f.name != "id"}
        p = Person(d["id"], **about, created=d.get("created"))
    except KeyError as e:
        raise w.fail(f"has no {e.args[0]!r}", where, i + 1, e.args[0]) from None
    except EgomapError as e:
        raise w.fail(str(e), where, i + 1, getattr(e, "field", None)) from None
    maps = d.get("maps") or []
    if not isinstance(maps, list):
        raise w.fail("maps must be a list", where, i + 1, "maps")
    for j, md in enumerate(maps):
        _map(p, md, f"{where}.maps[{j}]", i + 1, w)
    known = p.alters_by_id()
    for j, m in enumerate(p.maps):
        for g in m.goals:
            if any(x not in known for x in g.alter_ids):
                raise w.fail("a goal refers to an alter on none of the maps", f"{where}.maps[{j}]", i + 1, "goals")
    return p


def _map(p: Person, d: Any, where: str, row: int, w: _Where) -> None:
    field = "map"
    try:
        if not isinstance(d, Mapping):
            raise w.fail("is not an object", where, row)
        field = "rings"
        rings = check_scheme_text(_schemes.ring_scheme(d["rings"]))
        field = "sectors"
        sectors = check_scheme_text(_schemes.sector_scheme(d["sectors"]))
        field = "label"
        map_id = _label(d["id"], "map id", max_len=64)
        info = {f.name: f.clean(d.get(f.name, f.default)) for f in _f.of("map") if f.name != "label"}
        st = MapState(info={"label": _label(d["label"], "map label"), **info})
        if any(x.label == st.info["label"] for x in p.maps):
            raise w.fail(f"map label {st.info['label']!r} repeats", where, row, "label")
        field = "alters"
        known = p.alters_by_id()
        for a in d.get("alters", []):
            alt = Alter(
                _label(a["id"], "alter id", max_len=64),
                **{f.name: f.clean(a.get(f.name, f.default)) for f in _f.of("alter")},
            )
            if alt.id in st.alters:
                raise w.fail(f"alter id {alt.id!r} repeats", where, row, "alters")
            if alt.id in known and known[alt.id] != alt:
                raise w.fail(f"alter {alt.id!r} differs from the same alter on an earlier map", where, row, "alters")
            st.alters[alt.id] = alt
        field = "placements"
        for q in d.get("placements", []):
            aid = q["alter_id"]
            if aid not in st.alters:
                raise w.fail(f"placement of unknown alter {aid!r}", where, row, "placements")
            angle, radius = _number(q["angle"], "angle") % 360.0, _number(q["radius"], "radius")
            if not 0.0 <= radius <= 1.0:
                raise w.fail(f"radius {radius!r} of {aid!r} is outside 0-1 (centre to edge)", where, row, "radius")
            ring, sector = _geometry.locate(angle, radius, rings, sectors)
            if (ring, sector) != (rings.check(q["ring"]), sectors.check(q["sector"])):
                raise w.fail(f"ring/sector of {aid!r} do not match angle and radius", where, row, "placements")
            per_map = {
                f.name: f.clean(q.get(f.name, f.default)) for f in _f.of("placement") if f.name not in _f.POSITION
            }
            if SOURCE in q:  # a pseudonymised file: the effective type and where it came from
                a = st.alters[aid]
                per_map["capital"], was_kept = stored_capital(
                    q.get("capital"),
                    q[SOURCE],
                    sector=sector,
                    kind=a.kind,
                    is_professional=a.is_professional,
                    met_through=a.met_through,
                    family_sector=sector in sectors.family_keys,
                )
                w.kept += was_kept
            st.placements[aid] = Placement(
                aid, ring=ring, sector=sector, angle=float(q["angle"]), radius=radius, **per_map
            )
        if set(st.placements) != set(st.alters):
            raise w.fail("every alter needs exactly one placement", where, row, "placements")
        try:
            scheme = _rs.resource_scheme(d.get("resource_scheme") or _rs.DEFAULT_RESOURCES)
        except EgomapError as e:
            raise w.fail(f"resource scheme: {e}", where, row, "resource_scheme") from None
        res = d.get("resources")
        st.resources = _resources({} if res is None else res, scheme, st, where, row, w)
        field = "ties"
        for t in d.get("ties", []):
            a, b, *more = t
            if a == b or a not in st.alters or b not in st.alters or len(more) > 1:
                raise w.fail(f"tie {t!r} is not between two different alters of the map", where, row, "ties")
            st.ties[Tie.of(a, b)] = _f.field("tie", "types").clean(more[0] if more else None)
        field = "goals"
        for g in d.get("goals", []):
            goal = Goal(
                id=_label(g["id"], "goal id", max_len=64),
                text=_label(g["text"], "goal text", max_len=5000),
                steps=tuple(_label(s, "goal step", max_len=5000) for s in g.get("steps", [])),
                status=_choice(g.get("status", "open"), GOAL_STATUSES, "goal status"),  # type: ignore[arg-type]
                alter_ids=tuple(g.get("alter_ids", [])),
            )
            if not all(isinstance(x, str) and x for x in goal.alter_ids):
                raise w.fail("goal alter_ids must be alter ids", where, row, "goals")
            st.goals[goal.id] = goal
    except InputFileError:
        raise
    except KeyError as e:
        raise w.fail(f"has no {e.args[0]!r}", where, row, field) from None
    except (TypeError, ValueError, ArithmeticError, EgomapError) as e:
        raise w.fail(str(e), where, row, getattr(e, "field", None) or field) from None
    p.add_map(
        st,
        id=map_id,
        rings=rings,
        sectors=sectors,
        copied_from=d.get("copied_from"),
        created=d.get("created"),
        resources=scheme,
    )


def _resources(d: Any, scheme: Any, st: MapState, where: str, row: int, w: _Where) -> dict[str, frozenset[str]]:
    """``{item: [alter ids]}`` of a map checked against its scheme and alters (``[]``: no one; missing: not asked)."""
    if not isinstance(d, Mapping):
        raise w.fail("resources must be an object {item: [alter ids]}", where, row, "resources")
    out = {}
    for key, ids in d.items():
        try:
            scheme.check(key)
        except EgomapError as e:
            raise w.fail(str(e), where, row, "resources") from None
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            raise w.fail(f"resources of {key!r} must be a list of alter ids ([] for no one)", where, row, "resources")
        stray = sorted(set(ids) - set(st.alters))
        if stray:
            raise w.fail(f"resources of {key!r} name {stray[0]!r}, not an alter of the map", where, row, "resources")
        out[key] = frozenset(ids)
    return {k: out[k] for k in scheme.keys if k in out}


def from_json(data: Mapping | str | bytes, store: Store, *, path: str | os.PathLike | None = None) -> Imported:
    """Import persons from :func:`to_json` output (a dict, or JSON text) into a store.

    All or nothing: on any problem an :class:`InputFileError` names where
    (``row`` = the 1-based person number) and nothing is saved. Returns the
    persons (a list) with ``.report``, an :class:`~egomap.io.report.ImportReport`.
    """
    w = _Where(Path(path) if path is not None else None)
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise InputFileError(f"is not valid JSON: {e}", path=w.path) from None
        except RecursionError:
            raise InputFileError("is nested too deeply to be an egomap JSON file", path=w.path) from None
    if not isinstance(data, Mapping) or data.get("format") != FORMAT or not isinstance(data.get("persons"), list):
        raise InputFileError(
            'is not an egomap JSON file (expected {"format": "egomap", "persons": [...]})', path=w.path
        )
    if data.get("version", VERSION) > VERSION:
        raise InputFileError(f"was written by a newer egomap (version {data['version']})", path=w.path)
    try:
        people = [_person(d, i, w) for i, d in enumerate(data["persons"])]
    except InputFileError:
        raise
    except (TypeError, ValueError, ArithmeticError, RecursionError) as e:  # a value of an unexpected shape
        raise InputFileError(f"is not a valid egomap JSON file ({type(e).__name__}: {e})", path=w.path) from None
    out = []
    report = ImportReport("json", str(w.path) if w.path is not None else "data")
    if w.kept:
        report.note("assumed", kept_note(w.kept), w.path)
    with store.batch():
        for i, p in enumerate(people):
            try:
                out.append(store.import_person(p))
            except EgomapError as e:
                raise w.fail(f"{e}; nothing was imported", f"persons[{i}]", i + 1, "id") from e
            maps = p.maps
            report.count(w.path, persons=1, maps=len(maps), alters=len(p.alters_by_id()),
                         ties=sum(len(m.ties) for m in maps))  # fmt: skip
    return Imported(out, report)


def import_json(path: str | os.PathLike, store: Store) -> Imported:
    """Import an :func:`export_json` file into a store (all or nothing)."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError("file not found", path=p)
    raw = p.read_bytes()
    if not raw.strip():
        raise InputFileError("is empty", path=p)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputFileError(f"is not UTF-8 text (byte at position {e.start})", path=p) from None
    return from_json(text, store, path=p)
