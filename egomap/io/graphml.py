"""GraphML export: one file per map, the person included as a node flagged ``ego``.

Each file ``<person id>_<map index>.graphml`` holds an undirected graph with
graph attributes ``person_id``, ``map_index``, ``map_label`` (a time point, ``T1``, ``T2``...,
unless names are asked for), ``map_date``,
``ring_scheme``, ``sector_scheme``; a node ``ego`` (``ego=True``) for the person;
one node per alter, id = the pseudonymous alterID (``"<person id>-A001"``, as in
the egor export) with ``ego=False`` and one attribute per alter and placement
attribute of the vocabulary (:mod:`egomap.fields`) that cannot identify anyone,
in its order: ``kind``, ``is_professional``, ``ring``, ``sector``, ``angle``,
``radius``, ``support_received`` and ``support_given`` (types joined by ``;``),
``valence``, ``contact`` and ``known_for`` ("" when not recorded),
``reviewed``; with ``include_names=True`` also the identifying ones: ``label``,
``relationship``, ``met_through`` and ``note``. Edges have ``tie="ego"`` (the
person to each alter) or ``tie="alter"`` (alter-alter ties drawn on the map),
and ``types``: a tie's types (e.g. Network Canvas edge types) sorted and joined
by ``,`` (type names never hold a comma), ``""`` for none and for ``tie="ego"``.

Examples
--------
>>> import egomap as em, tempfile, networkx as nx
>>> files = em.io.export_graphml(em.demo.demo_case(), tempfile.mkdtemp())
>>> g = nx.read_graphml(files[0])
>>> g.nodes["ego"]["ego"], g.number_of_nodes(), g.graph["map_label"]
(True, 8, 'T1')
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from egomap import fields as _f
from egomap.files import private_file, private_folder
from egomap.io._common import (
    Source,
    cell,
    ego_id,
    pseudonymise,
    pseudonyms,
    safe_filename,
    select_persons,
    time_points,
    written,
)
from egomap.model import Map

__all__ = ["export_graphml", "map_graph"]


def map_graph(m: Map, *, include_names: bool = False, ids: dict[str, str] | None = None):
    """One map as a networkx Graph with GraphML-safe attributes (see the module docs)."""
    import networkx as nx

    maps = m.person.maps
    ids = ids if ids is not None else pseudonyms(m.person, maps)
    st = m.state()
    names = {"include_names": include_names}
    info = pseudonymise("map", {**st.info, "label": m.label}, stand_in=time_points(m.person, maps)[m.id], **names)
    g = nx.Graph(
        person_id=m.person.id,
        map_index=[x.id for x in maps].index(m.id),
        map_label=info["label"],
        map_date=st.info.get("date") or "",
        ring_scheme=m.rings.name,
        sector_scheme=m.sectors.name,
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
