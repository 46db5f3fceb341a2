"""Size and structure of one person's network: size, ties, density, components, structural holes.

The network is the person (ego) and the alters on the map; ``n`` is the number
of alters and ``t`` the number of alter-alter ties. For the structural-hole
measures (:func:`effective_size`, :func:`efficiency`, :func:`constraint`) the
person is tied to every alter.

Each measure is a plain function of a map; :func:`structure_columns` computes
the same formulas for many maps at once (the cohort tables and
``em.measures(m)``), and the tests check that they agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from egomap.measures._base import NAN, count, div, ratio

if TYPE_CHECKING:  # pragma: no cover
    from egomap.measures._arrays import Arrays
    from egomap.model import Map

__all__ = [
    "size",
    "n_ties",
    "density",
    "n_components",
    "n_isolates",
    "effective_size",
    "efficiency",
    "constraint",
]


def _graph(m: Map) -> tuple[list[str], dict[str, set[str]]]:
    """The alters and each alter's alter neighbours (the person left out)."""
    st = m.state()
    alters = list(st.placements)
    nbrs: dict[str, set[str]] = {a: set() for a in alters}
    for t in st.ties:
        if t.a != t.b and t.a in nbrs and t.b in nbrs:
            nbrs[t.a].add(t.b)
            nbrs[t.b].add(t.a)
    return alters, nbrs


def size(m: Map, *, ring: int | None = None, sector: str | None = None) -> float:
    """The number of alters on the map, or in one ring or sector.

    Parameters
    ----------
    m : Map
    ring : int, optional
        Count only the alters in this ring (0 = innermost).
    sector : str, optional
        Count only the alters in the sector with this key.

    Returns
    -------
    float
        A whole number; NaN when ``ring`` or ``sector`` is not in the map's
        scheme (the ``size_ring_<i>`` and ``size_sector_<key>`` columns of
        :func:`~egomap.measures.measures`).

    See Also
    --------
    n_ties, density

    Examples
    --------
    >>> import egomap as em
    >>> m = em.demo.demo_case().map("Baseline")
    >>> size(m), size(m, ring=0), size(m, sector="services"), size(m, ring=7)
    (7.0, 2.0, 3.0, nan)
    """
    if ring is not None and not 0 <= ring < len(m.rings):
        return NAN
    if sector is not None and sector not in m.sectors.keys:
        return NAN
    pl = m.state().placements.values()
    return float(sum((ring is None or q.ring == ring) and (sector is None or q.sector == sector) for q in pl))


def n_ties(m: Map) -> float:
    """The number of alter-alter ties ``t`` (ties to the person are not counted).

    See Also
    --------
    density, size

    Examples
    --------
    >>> import egomap as em
    >>> n_ties(em.demo.demo_case().map("Baseline"))
    8.0
    """
    _, nbrs = _graph(m)
    return sum(len(v) for v in nbrs.values()) / 2


def density(m: Map) -> float:
    """Density of the ties among the alters: ``t / (n (n - 1) / 2)``.

    The person is left out; NaN for fewer than 2 alters.

    See Also
    --------
    n_ties, n_components, effective_size

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> for name in ("Mum", "Dad", "Gran", "Dr Shah"):
    ...     _ = m.add_alter(name, ring=1, sector="family")
    >>> _ = m.add_tie("Mum", "Dad")
    >>> density(m)  # 1 tie of 6 possible
    0.16666666666666666
    """
    n = size(m)
    return n_ties(m) / (n * (n - 1) / 2) if n >= 2 else NAN


def n_components(m: Map) -> float:
    """The number of connected components among the alters (the person left out); 0 for no alters.

    See Also
    --------
    n_isolates, density

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> for name in ("Mum", "Dad", "Gran", "Dr Shah"):
    ...     _ = m.add_alter(name, ring=1, sector="family")
    >>> _ = m.add_tie("Mum", "Dad")
    >>> n_components(m)  # Mum-Dad, Gran, Dr Shah
    3.0
    """
    alters, nbrs = _graph(m)
    seen: set[str] = set()
    k = 0
    for a in alters:
        if a in seen:
            continue
        k += 1
        todo = [a]
        seen.add(a)
        while todo:
            for b in nbrs[todo.pop()]:
                if b not in seen:
                    seen.add(b)
                    todo.append(b)
    return float(k)


def n_isolates(m: Map) -> float:
    """The number of alters tied to no other alter.

    See Also
    --------
    n_components

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> for name in ("Mum", "Dad", "Gran", "Dr Shah"):
    ...     _ = m.add_alter(name, ring=1, sector="family")
    >>> _ = m.add_tie("Mum", "Dad")
    >>> n_isolates(m)
    2.0
    """
    _, nbrs = _graph(m)
    return float(sum(not v for v in nbrs.values()))


def effective_size(m: Map) -> float:
    """Burt's effective size of the person's network, ``n - 2 t / n``.

    The number of alters less their redundancy: each alter counts 1 less the
    average share of the person's other alters it is tied to. In an ego
    network with undirected, unvalued ties this is ``n - 2 t / n`` (Borgatti
    1997), and equals ``networkx.effective_size`` of the person on the graph
    with the person tied to every alter. NaN for no alters.

    See Also
    --------
    efficiency, constraint, n_ties

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition*. Harvard University Press.
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's
       redundancy measures. *Connections* 20(1), 35-38.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> for name in ("Mum", "Dad", "Gran", "Dr Shah"):
    ...     _ = m.add_alter(name, ring=1, sector="family")
    >>> _ = m.add_tie("Mum", "Dad")
    >>> effective_size(m)  # 4 - 2 * 1 / 4
    3.5
    """
    n = size(m)
    return n - 2 * n_ties(m) / n if n else NAN


def efficiency(m: Map) -> float:
    """Burt's efficiency: :func:`effective_size` over the number of alters ``n``; NaN for no alters.

    See Also
    --------
    effective_size, constraint

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition*. Harvard University Press.
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's
       redundancy measures. *Connections* 20(1), 35-38.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> for name in ("Mum", "Dad", "Gran", "Dr Shah"):
    ...     _ = m.add_alter(name, ring=1, sector="family")
    >>> _ = m.add_tie("Mum", "Dad")
    >>> efficiency(m)  # 3.5 / 4
    0.875
    """
    return ratio(effective_size(m), size(m))


def constraint(m: Map) -> float:
    """Burt's aggregate constraint of the person, with the person tied to every alter.

    ``sum_j (p_ej + sum_q p_eq p_qj) ** 2`` over the alters ``j``, where
    ``p_xy`` is the share of ``x``'s ties that go to ``y`` (unvalued ties:
    ``1 / degree(x)``; the person's degree is ``n``, an alter's is 1 plus its
    alter ties) and ``q`` runs over the alters tied to ``j``. It is ``1 / n``
    when no alter knows another and grows as the alters are tied to each
    other (fewer structural holes). Equals ``networkx.constraint`` of the
    person on that graph; NaN for no alters.

    See Also
    --------
    effective_size, efficiency, density

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition*. Harvard University Press, ch. 2.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> for name in ("Mum", "Dad", "Gran", "Dr Shah"):
    ...     _ = m.add_alter(name, ring=1, sector="family")
    >>> _ = m.add_tie("Mum", "Dad")
    >>> constraint(m)  # 2 * (1/4 * (1 + 1/2)) ** 2 + 2 * (1/4) ** 2
    0.40625
    """
    alters, nbrs = _graph(m)
    n = len(alters)
    if not n:
        return NAN
    via = {j: sum(1.0 / (1.0 + len(nbrs[q])) for q in nbrs[j]) for j in alters}
    return float(sum(((1.0 / n) * (1.0 + via[j])) ** 2 for j in alters))


def structure_columns(arr: Arrays) -> dict[str, np.ndarray]:
    """The columns ``size``, ``size_ring_<i>``, ``size_sector_<key>``, ``n_ties`` ... ``constraint`` for many maps.

    The same formulas as the functions above, over all maps at once.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    m = arr.n_maps
    mo = arr.map_of
    n = count(mo, m)
    cols: dict[str, np.ndarray] = {"size": n}
    max_r = arr.n_ring_columns
    rc = count(mo * max(max_r, 1) + arr.ring, m * max(max_r, 1)).reshape(m, max(max_r, 1))
    for r in range(max_r):
        cols[f"size_ring_{r}"] = np.where(r < arr.n_rings, rc[:, r], np.nan)
    nk = len(arr.sector_keys)
    sc = count(mo * max(nk, 1) + arr.sector_code, m * max(nk, 1)).reshape(m, max(nk, 1))
    for j, key in enumerate(arr.sector_keys):
        cols[f"size_sector_{key}"] = np.where(arr.sector_in_scheme[:, j], sc[:, j], np.nan)
    ta, tb = arr.ta, arr.tb
    t = count(mo[ta], m)
    cols["n_ties"] = t
    cols["density"] = np.where(n >= 2, div(t, n * (n - 1) / 2), np.nan)
    p = len(mo)
    if p:
        g = coo_matrix((np.ones(len(ta)), (ta, tb)), shape=(p, p))
        n_comp, labels = connected_components(g, directed=False)
        comp_map = np.zeros(n_comp, dtype=np.int64)
        comp_map[labels] = mo
        cols["n_components"] = count(comp_map, m)
    else:
        cols["n_components"] = np.zeros(m)
    deg = np.bincount(ta, minlength=p) + np.bincount(tb, minlength=p)
    cols["n_isolates"] = count(mo, m, (deg == 0).astype(float))
    eff = np.where(n > 0, n - div(2 * t, n), np.nan)
    cols["effective_size"] = eff
    cols["efficiency"] = div(eff, n)
    # constraint: for each alter j, via_j = sum over its alter neighbours q of 1 / (1 + deg q)
    q = 1.0 / (1.0 + deg)
    via = np.bincount(ta, weights=q[tb], minlength=p) + np.bincount(tb, weights=q[ta], minlength=p)
    inv_n = div(np.ones(m), n)
    local = (inv_n[mo] * (1.0 + via)) ** 2
    cols["constraint"] = np.where(n > 0, count(mo, m, local), np.nan)
    return cols
