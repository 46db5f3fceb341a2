"""GraphML export and import: one file per map, the person included as a node flagged ``ego``.

Each file ``<person id>_<map index>.graphml`` holds an undirected graph with
graph attributes ``person_id``, ``map_index``, ``map_label`` (a time point, ``T1``, ``T2``...,
unless names are asked for), ``map_date``,
``ring_scheme``, ``sector_scheme``, ``n_rings``, ``sector_keys`` and
``family_sectors`` (as in the egor export, to rebuild a scheme the reader does not
know), ``consent_research``, ``resource_scheme`` (the map's resource scheme as JSON
text, :meth:`~egomap.resource_schemes.ResourceScheme.to_dict`) and
``resources_asked`` (the keys of the items asked about, comma-separated, in the
scheme's order); a node ``ego`` (``ego=True``) for the person;
one node per alter, id = the pseudonymous alterID (``"<person id>-A001"``, as in
the egor export) with ``ego=False`` and one attribute per alter and placement
attribute of the vocabulary (:mod:`egomap.fields`) that cannot identify anyone,
in its order: ``kind``, ``is_professional``, ``ring``, ``sector``, ``angle``,
``radius``, ``support_received`` and ``support_given`` (types joined by ``;``),
``valence``, ``contact`` and ``known_for`` ("" when not recorded),
``capital`` (the effective type) with ``capital_source`` (``person`` or
``default``; see :mod:`egomap.io.capital`), ``reviewed``; then ``resources`` (the
items the alter could help with, comma-separated, in the scheme's order) and
``n_resources`` (how many); an item in ``resources_asked`` that no node lists was
answered "no one". With ``include_names=True`` also the identifying ones: ``label``,
``relationship``, ``met_through`` and ``note``. Edges have ``tie="ego"`` (the
person to each alter) or ``tie="alter"`` (alter-alter ties drawn on the map),
and ``types``: a tie's types (e.g. Network Canvas edge types) sorted and joined
by ``,`` (type names never hold a comma), ``""`` for none and for ``tie="ego"``.
:func:`read_graphml` reads the files back into a store.

Examples
--------
>>> import egomap as em, tempfile, networkx as nx
>>> files = em.io.export_graphml(em.demo.demo_case(), tempfile.mkdtemp())
>>> g = nx.read_graphml(files[0])
>>> g.nodes["ego"]["ego"], g.number_of_nodes(), g.graph["map_label"]
(True, 8, 'T1')
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from egomap import fields as _f
from egomap import resource_schemes as _rs
from egomap.errors import InputFileError, ValidationError
from egomap.files import private_file, private_folder
from egomap.io._common import (
    Row,
    Source,
    at_row,
    cell,
    ego_id,
    pseudonymise,
    pseudonyms,
    safe_filename,
    select_persons,
    time_points,
    written,
)
from egomap.io.capital import SOURCE, capital_cells
from egomap.io.egor_build import Tables, build_persons
from egomap.io.report import Imported, ImportReport
from egomap.model import Map

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["export_graphml", "map_graph", "read_graphml"]


def map_graph(m: Map, *, include_names: bool = False, ids: dict[str, str] | None = None):
    """One map as a networkx Graph with GraphML-safe attributes (see the module docs)."""
    import networkx as nx

    maps = m.person.maps
    ids = ids if ids is not None else pseudonyms(m.person, maps)
    st = m.state()
    names = {"include_names": include_names}
    info = pseudonymise("map", {**st.info, "label": m.label}, stand_in=time_points(m.person, maps)[m.id], **names)
    family = ";".join(k for k in m.sectors.keys if k in m.sectors.family_keys)
    have = st.resources
    g = nx.Graph(
        person_id=m.person.id,
        map_index=[x.id for x in maps].index(m.id),
        map_label=info["label"],
        map_date=st.info.get("date") or "",
        ring_scheme=m.rings.name,
        sector_scheme=m.sectors.name,
        n_rings=len(m.rings),
        sector_keys=";".join(m.sectors.keys),
        family_sectors=family,
        consent_research=bool(m.person.consent_research),
        resource_scheme=json.dumps(m.resource_scheme.to_dict(), ensure_ascii=False),
        resources_asked=",".join(k for k in m.resource_scheme.keys if k in have),
    )
    ego = {"ego": True, "kind": "person"}
    about = pseudonymise("person", {"display_name": m.person.display_name}, **names)
    if _f.field("person", "display_name") in written("person", **names):
        ego["label"] = about["display_name"] or m.person.id
    g.add_node("ego", **ego)
    # attributes that cannot identify anyone, then (with names) those that can
    shown = [f for o in ("alter", "placement") for f in written(o, include_names=include_names)]
    shown.sort(key=lambda f: f.identifying)
    for aid, q in st.placements.items():
        a = st.alters[aid]
        ra = pseudonymise(
            "alter", {f.name: getattr(a, f.name) for f in shown if f.owner == "alter"}, stand_in=ids[aid], **names
        )
        rq = pseudonymise("placement", {f.name: getattr(q, f.name) for f in shown if f.owner == "placement"}, **names)
        attrs = {"ego": False, **{f.name: cell(f, (ra if f.owner == "alter" else rq)[f.name]) for f in shown}}
        attrs["capital"], attrs[SOURCE] = capital_cells(m, aid)
        items = [k for k in m.resource_scheme.keys if aid in have.get(k, ())]
        attrs.update(resources=",".join(items), n_resources=len(items))
        g.add_node(ids[aid], **attrs)
        g.add_edge("ego", ids[aid], tie="ego", types="")
    for t, types in st.ties.items():
        g.add_edge(ids[t.a], ids[t.b], tie="alter", types=",".join(sorted(types or ())))
    return g


def export_graphml(
    source: Source,
    folder: str | os.PathLike,
    *,
    persons: Iterable[str] | str | None = None,
    include_names: bool = False,
    include_nonconsenting: bool = False,
) -> list[Path]:
    """Write one GraphML file per map (see the module docs); return the paths.

    Parameters
    ----------
    source : Store, Person or list of Person
    folder : path
        Created if missing. The files are readable by their owner only (0600; a folder egomap creates 0700).
    persons : str or list of str, optional
        Only these person ids.
    include_names : bool
        Also write labels, relationships, "met through" and notes (off by default).
    include_nonconsenting : bool
        Also export persons who did not consent to research use.
    """
    import networkx as nx

    out = private_folder(folder)  # owner-only, as every file below
    paths = []
    for p in select_persons(source, persons, include_nonconsenting=include_nonconsenting):
        ids = pseudonyms(p)
        for i, m in enumerate(p.maps):
            path = out / f"{safe_filename(ego_id(p.id, i))}.graphml"
            nx.write_graphml(map_graph(m, include_names=include_names, ids=ids), private_file(path), encoding="utf-8")
            paths.append(path)
    return paths


#: Graph attributes :func:`read_graphml` reads (as the columns of egor's egos.csv).
_GRAPH_KEYS = ("map_index", "map_label", "map_date", "ring_scheme", "sector_scheme", "n_rings", "sector_keys",
               "family_sectors", "consent_research")  # fmt: skip
_NODE_KEYS = frozenset(
    {f.name for o in ("alter", "placement") for f in _f.of(o)}
    | {"ego", "alterID", "egoID", "person_id", SOURCE, "resources", "n_resources"}
)


def _text(value: object) -> str:
    """A GraphML value as the text of a CSV cell (what the egor reader reads)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value)


def _graphml_paths(files: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    if isinstance(files, (str, os.PathLike)):
        p = Path(files)
        if p.is_dir():
            found = sorted(p.glob("*.graphml"))
            if not found:
                raise InputFileError("holds no .graphml files", path=p)
            return found
        return [p]
    return [Path(f) for f in files]


def _read_graph(path: Path):
    import networkx as nx

    if not path.is_file():
        raise InputFileError("file not found", path=path)
    try:
        return nx.read_graphml(path)
    except (ET.ParseError, nx.NetworkXError, ValueError, TypeError, KeyError) as e:
        raise InputFileError(f"is not a GraphML file egomap can read ({type(e).__name__}: {e})", path=path) from None


def _map_tables(path: Path, g, seen: dict[str, Path], t: Tables) -> None:
    """Add one GraphML map's rows (ego, alters, ties, resources) and its resource scheme to ``t``."""
    graph = g.graph
    top = Row(path, None, {k: _text(graph.get(k)) for k in ("person_id", *_GRAPH_KEYS)})
    pid = top.required("person_id")
    index = top.number_value("map_index", integer=True)
    eid = ego_id(pid, index)
    if eid in seen:
        raise top.error(f"map {index} of person {pid!r} is also in {seen[eid].name}", "map_index", index)
    seen[eid] = path
    top.values.update(egoID=eid, resource_scheme="")
    persons = [d for _, d in g.nodes(data=True) if d.get("ego") is True]
    if persons and _text(persons[0].get("label")) not in ("", pid):  # the ego's label: a display name, or the id
        top.values["display_name"] = _text(persons[0]["label"])
    text = graph.get("resource_scheme")
    scheme = None
    if text not in (None, ""):
        with at_row(top, "resource_scheme"):
            try:
                scheme = _rs.ResourceScheme.from_dict(json.loads(str(text)))
            except json.JSONDecodeError as e:
                raise ValidationError(f"is not a resource scheme in JSON: {e}", field="resource_scheme") from None
        t.schemes[eid] = scheme
        top.values["resource_scheme"] = eid
    t.egos.append(top)
    asked = [k for k in _text(graph.get("resources_asked")).split(",") if k.strip()]
    if asked:
        with at_row(top, "resources_asked"):
            for k in asked:
                (scheme or _rs.resource_scheme()).check(k.strip())
    asked = [k.strip() for k in asked]
    who: dict[str, list[Row]] = {k: [] for k in asked}
    alters = [(n, d) for n, d in g.nodes(data=True) if d.get("ego") is not True]
    for number, (node, d) in enumerate(alters, start=1):
        r = Row(path, number, {**{k: _text(v) for k, v in d.items()}, "alterID": str(node), "egoID": eid})
        t.alters.append(r)
        for k in (x.strip() for x in r.get("resources").split(",") if x.strip()):
            if k not in who:
                raise r.error(f"item {k!r} is not among the map's resources_asked", "resources", k)
            who[k].append(Row(path, number, {"egoID": eid, "item": k, "alterID": str(node)}))
    for k in asked:
        t.resources += who[k] or [Row(path, None, {"egoID": eid, "item": k, "alterID": ""})]
    egos = {n for n, d in g.nodes(data=True) if d.get("ego") is True}
    for number, (a, b, d) in enumerate(g.edges(data=True), start=1):
        if a not in egos and b not in egos:
            values = {"egoID": eid, "Source": str(a), "Target": str(b), "tie_types": _text(d.get("types"))}
            t.edges.append(Row(path, number, values))


def read_graphml(
    files: str | os.PathLike | Iterable[str | os.PathLike],
    store: Store,
    *,
    consent_research: bool | None = None,
) -> Imported:
    """Import maps from egomap's GraphML files into a store (all or nothing).

    Reads what :func:`export_graphml` writes: one map per file (a person's maps are grouped
    by the graph attribute ``person_id`` and ordered by ``map_index``), each alter node with
    its attributes (the same node id on several maps of a person is the same alter; an alter
    without ``label`` is labelled with its id), the alter-alter ties with their types, the
    resource scheme and who could help with each item asked (``resources_asked`` and each
    node's ``resources``), and each alter's capital (see :mod:`egomap.io.capital`). The files
    are read by the egor importer's code, so the same checks apply.

    Parameters
    ----------
    files : folder, file, or list of files
        A folder (its ``*.graphml`` files), one file, or several.
    store : Store
    consent_research : bool, optional
        Consent of the imported persons; default: the graph attribute ``consent_research``, else False.

    Returns
    -------
    Imported
        The persons saved (a list), with ``.report``. Maps already in the store are skipped as
        :func:`egomap.io.read_egor` does.

    Raises
    ------
    InputFileError
        Naming the file, the alter node (``row``: its number among the file's alters, from 1)
        or graph attribute, and the attribute (``column``) of the first problem; nothing is saved.

    Examples
    --------
    >>> import egomap as em, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> p = em.demo.demo_case()
    >>> _ = export_graphml(p, folder)
    >>> store = em.open_store(os.path.join(folder, "s.sqlite"))
    >>> (q,) = read_graphml(folder, store)
    >>> [m.label for m in q.maps], len(q.map(0)) == len(p.map(0))
    (['T1', 'T2', 'T3'], True)
    >>> store.close()
    """
    t = Tables([], [], [], _EGO_KNOWN, _NODE_KEYS)
    seen: dict[str, Path] = {}
    paths = _graphml_paths(files)
    for path in paths:
        _map_tables(path, _read_graph(path), seen, t)
    if not t.egos:
        raise ValidationError("no GraphML files given", field="files")
    report = ImportReport("graphml", str(files) if isinstance(files, (str, os.PathLike)) else "files")
    return build_persons(t, store, report, consent_research=consent_research)


_EGO_KNOWN = frozenset({"person_id", "egoID", "resource_scheme", "display_name", *_GRAPH_KEYS})
