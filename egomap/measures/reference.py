"""The per-map measures computed the plain way, for checking: networkx for the structure, plain functions for the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from egomap.fields import SUPPORT_TYPES
from egomap.measures import capital as _cap
from egomap.measures import composition as _comp
from egomap.measures import support as _sup
from egomap.measures._base import NAN
from egomap.measures.ei import EISpec, check_ei, ei_index, ei_professional
from egomap.measures.network import size
from egomap.resource_schemes import resource_scheme

if TYPE_CHECKING:  # pragma: no cover
    from egomap.model import Map

__all__ = ["EGO", "reference_measures"]

#: The person's node in the networkx graph of :func:`reference_measures`.
EGO = "__ego__"


def reference_measures(m: Map, *, ei: EISpec | None = None) -> pd.Series:
    """The per-map measures computed the plain way: a networkx graph per map.

    Slow, but written to read like the definitions: the structural measures
    come from networkx on the graph of the person and the alters (the person
    tied to every alter), the others from the plain functions of
    :mod:`egomap.measures`. :func:`~egomap.measures.measures` and the cohort
    tables must give the same values (the tests and
    ``benchmarks/bench_measures.py`` check this).

    See Also
    --------
    egomap.measures.measures

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> bool((reference_measures(m) - em.measures(m)).abs().max() < 1e-12)
    True
    """
    import networkx as nx

    st = m.state()
    alters = list(st.alters)
    n = len(alters)
    g = nx.Graph()
    g.add_node(EGO)
    g.add_nodes_from(alters)
    g.add_edges_from((EGO, a) for a in alters)
    g.add_edges_from((t.a, t.b) for t in st.ties)
    ga = g.subgraph(alters)
    out: dict[str, float] = {"size": float(n)}
    for r in range(len(m.rings)):
        out[f"size_ring_{r}"] = size(m, ring=r)
    for k in m.sectors.keys:
        out[f"size_sector_{k}"] = size(m, sector=k)
    out["n_professional"] = _comp.n_professional(m)
    out["share_professional"] = _comp.share_professional(m)
    out["n_family"] = _comp.n_family(m)
    out["share_family"] = _comp.share_family(m)
    out["n_ties"] = float(ga.number_of_edges())
    out["density"] = nx.density(ga) if n >= 2 else NAN
    out["n_components"] = float(nx.number_connected_components(ga))
    out["n_isolates"] = float(nx.number_of_isolates(ga))
    out["effective_size"] = nx.effective_size(g, nodes=[EGO])[EGO] if n else NAN
    out["efficiency"] = out["effective_size"] / n if n else NAN
    # all nodes at once: networkx's sparse-matrix path, much faster than nodes=[EGO] (same value)
    out["constraint"] = nx.constraint(g)[EGO] if n else NAN
    for name in ("blau_sector", "iqv_sector", "blau_relationship", "iqv_relationship", "blau_kind", "iqv_kind"):
        out[name] = getattr(_comp, name)(m)
    out["ei_professional"] = ei_professional(m)
    out["n_support_received"] = _sup.n_support_received(m)
    out["n_support_given"] = _sup.n_support_given(m)
    for ty in SUPPORT_TYPES:
        out[f"n_received_{ty}"] = _sup.n_support_received(m, ty)
    for ty in SUPPORT_TYPES:
        out[f"n_given_{ty}"] = _sup.n_support_given(m, ty)
    out["share_reciprocal"] = _sup.share_reciprocal(m)
    out["n_stressful"] = _sup.n_stressful(m)
    out["share_stressful"] = _sup.share_stressful(m)
    out["resources_asked"] = _cap.resources_asked(m)
    out["resources_accessed"] = _cap.resources_accessed(m)
    for d in dict.fromkeys([*resource_scheme().domain_keys, *m.resource_scheme.domain_keys]):
        out[f"resources_{d}"] = _cap.resources_accessed(m, d)  # the default scheme's domains always
    for name in ("resource_diversity", "n_resourceful", "n_bonding", "n_bridging", "n_linking"):
        out[name] = getattr(_cap, name)(m)
    for name in ("share_bonding", "share_bridging", "share_linking"):
        out[name] = getattr(_cap, name)(m)
    for name, (attr, value) in check_ei(ei, out).items():
        out[name] = ei_index(m, attr, value)
    return pd.Series(out, name=m.label, dtype=float)
