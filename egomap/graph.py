"""Plain networkx graphs of a map, or of a person's network across all maps.

Every call builds a new graph; nothing the caller holds is changed. To draw
one with pyvis yourself, note that pyvis 0.3.2's ``Network.from_nx`` adds
attributes (``size``) to the graph it is given: pass ``g.copy()`` to keep
``g`` as it was, and use ``generate_html()`` rather than ``show()`` (which
writes files). :func:`egomap.viz.change_network` does all this for you.

Examples
--------
>>> import egomap as em
>>> from egomap.graph import to_networkx, person_to_networkx, EGO
>>> p = em.demo.demo_case()
>>> g = to_networkx(p.map("Baseline"))
>>> g.number_of_nodes(), g.nodes[EGO]["is_ego"]
(8, True)
>>> h = person_to_networkx(p, ego=False)
>>> h.graph["maps"]
['Baseline', '6 months', '12 months']
>>> marcus = next(n for n, d in h.nodes(data=True) if d["label"] == "Marcus")
>>> h.nodes[marcus]["ring"]
[None, 1, 0]
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from egomap import fields as _fields
from egomap import geometry as _geometry
from egomap.errors import ValidationError
from egomap.model import Alter, Map, Person, Placement

__all__ = ["EGO", "to_networkx", "person_to_networkx"]

#: Node key of the person (ego) in graphs made with ``ego=True``.
EGO = "__ego__"

#: Per-map node attributes: social capital and resources, beside the placement's own.
_CAPITAL_ATTRS = ("capital", "capital_source", "resources", "n_resources")
_PLACEMENT_ATTRS = tuple(dict.fromkeys((*_fields.POSITION, *(f.name for f in _fields.compared()), *_CAPITAL_ATTRS)))
_ALTER = _fields.network("alter")
_PLACEMENT = tuple(f for f in _fields.network("placement") if f.name not in _fields.POSITION)


def _alter_attrs(a: Alter) -> dict[str, Any]:
    return {**{f.name: getattr(a, f.name) for f in _ALTER}, "is_ego": False}


def _placement_attrs(m: Map, p: Placement) -> dict[str, Any]:
    x, y = _geometry.polar_to_xy(p.angle, p.radius)
    return {
        "ring": p.ring,
        "ring_label": m.rings.rings[p.ring].label,
        "sector": p.sector,
        "sector_label": m.sectors.label(p.sector),
        "angle": p.angle,
        "radius": p.radius,
        "x": x,
        "y": y,
        **{f.name: (tuple(sorted(v)) if f.type == "set" else v) for f in _PLACEMENT for v in [getattr(p, f.name)]},
        **_capital_attrs(m, p.alter_id),
    }


def _capital_attrs(m: Map, alter_id: str) -> dict[str, Any]:
    """The effective capital and where it comes from, and the resource items the alter could help with."""
    items = m.resources_of(alter_id)
    return {
        "capital": m.capital(alter_id),
        "capital_source": m.capital_source(alter_id),
        "resources": ",".join(items),
        "n_resources": len(items),
    }


def _ego_attrs(person: Person) -> dict[str, Any]:
    return {"label": person.id, "is_ego": True, "kind": "ego", "x": 0.0, "y": 0.0}


def to_networkx(m: Map, ego: bool = True) -> nx.Graph:
    """One map as an undirected networkx graph.

    Parameters
    ----------
    m : Map
    ego : bool
        Include the person as node :data:`EGO`, tied to every alter
        (edges with ``ego_tie=True``).

    Returns
    -------
    networkx.Graph
        Nodes are alter ids with the alter's attributes (``label``, ``kind``,
        ``relationship``, ``is_professional``, ``met_through``) and placement
        (``ring``, ``ring_label``, ``sector``, ``sector_label``, ``angle``,
        ``radius``, ``x``, ``y`` with y up, ``valence``, ``contact``,
        ``support_received``, ``support_given`` as sorted tuples, ``note``),
        social capital (``capital``: the effective type, bonding, bridging or
        linking; ``capital_source``: ``"person"`` if the person's own view was
        recorded, else ``"default"``) and resources (``resources``: the items
        the alter could help with, comma-separated in the scheme's order, as
        in GraphML; ``n_resources``: how many).
        Graph attributes: ``person_id``, ``map_id``, ``map_label``, ``date``,
        ``rings``, ``sectors``, ``resource_scheme`` (scheme names) and
        ``resources_asked`` (the items asked about, comma-separated; one no
        node lists was answered "no one"). Edges carry ``ego_tie`` and
        ``types``: the tie's types (e.g. Network Canvas edge types) sorted
        and comma-separated, ``""`` if it has none, so that GraphML can hold it.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-9").new_map("Baseline")
    >>> mum = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.add_alter("Gran", ring=1, sector="family")
    >>> _ = m.add_tie(mum, "Gran", types={"Family", "Close"})
    >>> g = to_networkx(m, ego=False)
    >>> sorted(d["label"] for _, d in g.nodes(data=True)), g.number_of_edges()
    (['Gran', 'Mum'], 1)
    >>> g.edges[mum.id, m.alter("Gran").id]["types"]
    'Close,Family'
    """
    if not isinstance(m, Map):
        raise ValidationError(f"expected a map (egomap.Map), got {type(m).__name__}", field="map")
    g = nx.Graph(
        person_id=m.person.id,
        map_id=m.id,
        map_label=m.label,
        date=m.date.isoformat() if m.date else None,
        rings=m.rings.name,
        sectors=m.sectors.name,
        resource_scheme=m.resource_scheme.name,
        resources_asked=",".join(k for k in m.resource_scheme.keys if k in m.resources),
    )
    pl = m.placements
    if ego:
        g.add_node(EGO, **_ego_attrs(m.person))
    for a in m.alters:
        g.add_node(a.id, **_alter_attrs(a), **_placement_attrs(m, pl[a.id]))
        if ego:
            g.add_edge(EGO, a.id, ego_tie=True, types="")
    for t in m.ties:
        g.add_edge(t.a, t.b, ego_tie=False, types=_types(m, t.a, t.b))
    return g


def _types(m: Map, a: str, b: str) -> str:
    return ",".join(sorted(m.tie_types(a, b)))


def person_to_networkx(person: Person, ego: bool = True) -> nx.Graph:
    """A person's network across all maps as one networkx graph.

    Every alter who is on any map is a node. Attributes that can change over
    time are lists aligned with ``graph["maps"]`` (map labels in time order),
    with ``None`` where the alter is not on that map: ``present`` (bools),
    ``ring``, ``sector``, ``angle``, ``radius``, ``valence``, ``contact``,
    ``support_received``, ``support_given``, ``capital``, ``capital_source``,
    ``resources``, ``n_resources`` (as :func:`to_networkx` gives them; the
    graph's ``resources_asked`` is one text per map). Stable attributes (``label``,
    ``kind``, ...) are taken from the latest map the alter is on.

    Edges carry ``present`` (one bool per map), ``weight`` (number of
    maps with the tie) and ``types`` (one text per map, as :func:`to_networkx`
    gives it; ``None`` where the tie is absent). With ``ego=True`` the person
    is node :data:`EGO`.

    Examples
    --------
    >>> import egomap as em
    >>> g = em.graph.person_to_networkx(em.demo.demo_case())
    >>> g.nodes["__ego__"]["is_ego"], g.number_of_nodes()
    (True, 16)
    """
    if not isinstance(person, Person):
        raise ValidationError(f"expected a person (egomap.Person), got {type(person).__name__}", field="person")
    maps = person.maps
    k = len(maps)
    asked = [",".join(k for k in m.resource_scheme.keys if k in m.resources) for m in maps]
    g = nx.Graph(person_id=person.id, maps=[m.label for m in maps], map_ids=[m.id for m in maps], resources_asked=asked)
    if ego:
        g.add_node(EGO, **_ego_attrs(person))
    for t, m in enumerate(maps):
        pl = m.placements
        for a in m.alters:
            if a.id not in g:
                g.add_node(a.id, present=[False] * k, **{f: [None] * k for f in _PLACEMENT_ATTRS})
            d = g.nodes[a.id]
            d.update(_alter_attrs(a))
            d["present"][t] = True
            pa = _placement_attrs(m, pl[a.id])
            for f in _PLACEMENT_ATTRS:
                d[f][t] = pa[f]
            if ego:
                _edge_at(g, EGO, a.id, t, k, ego_tie=True, types="")
        for tie in m.ties:
            _edge_at(g, tie.a, tie.b, t, k, ego_tie=False, types=_types(m, tie.a, tie.b))
    return g


def _edge_at(g: nx.Graph, u: str, v: str, t: int, k: int, *, ego_tie: bool, types: str) -> None:
    if not g.has_edge(u, v):
        g.add_edge(u, v, present=[False] * k, weight=0, ego_tie=ego_tie, types=[None] * k)
    d = g.edges[u, v]
    d["present"][t] = True
    d["types"][t] = types
    d["weight"] += 1
