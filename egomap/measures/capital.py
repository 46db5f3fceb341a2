"""Social capital: the resources a person can reach through the network, and bonding, bridging and linking ties.

The resources are those of the map's resource scheme (``Map.resource_scheme``):
items ("Who could lend you a small sum of money?") grouped in domains. For each
item the practitioner records who could provide it (``Map.set_resource``); an
item never asked is *not asked*, an item asked with nobody named is *no one*.
The measures keep the two apart: an item not asked counts nowhere, an item
with no one counts as asked and not accessed, and a map where no item was
asked has NaN resource measures (not 0: nobody said the person has none).

Each alter's kind of social capital (``Map.capital``) is the practitioner's
record of the person's own view if there is one, else egomap's default rule
(:func:`egomap.model.capital.default_capital`).

Each measure is a plain function of a map; :func:`social_capital_columns`
computes the same formulas for many maps at once (the cohort tables and
``em.measures(m)``), and the tests check that they agree.

References
----------
.. [1] Lin, N. (2001). *Social Capital: A Theory of Social Structure and
   Action*. Cambridge University Press.
.. [2] Putnam, R. D. (2000). *Bowling Alone: The Collapse and Revival of
   American Community*. Simon & Schuster.
.. [3] Szreter, S., & Woolcock, M. (2004). Health by association? Social
   capital, social theory, and the political economy of public health.
   *International Journal of Epidemiology* 33(4), 650-667.
.. [4] Webber, M. P., & Huxley, P. J. (2007). Measuring access to social
   capital: the validity and reliability of the Resource Generator-UK and
   its association with common mental disorder. *Social Science & Medicine*
   65(3), 481-492.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from egomap.fields import CAPITAL_TYPES
from egomap.measures._base import NAN, count, div, ratio

if TYPE_CHECKING:  # pragma: no cover
    from egomap.measures._arrays import Arrays
    from egomap.model import Map

__all__ = [
    "resources_asked",
    "resources_accessed",
    "resource_diversity",
    "n_resourceful",
    "n_bonding",
    "n_bridging",
    "n_linking",
    "share_bonding",
    "share_bridging",
    "share_linking",
    "RESOURCEFUL",
    "resource_domain_columns",
]

#: Items an alter gives access to for :func:`n_resourceful` to count them ("resourceful people").
RESOURCEFUL = 3

_RESOURCE_REFS = """
    References
    ----------
    .. [1] Lin, N. (2001). *Social Capital: A Theory of Social Structure and
       Action*. Cambridge University Press.
    .. [2] Webber, M. P., & Huxley, P. J. (2007). Measuring access to social
       capital: the validity and reliability of the Resource Generator-UK and
       its association with common mental disorder. *Social Science &
       Medicine* 65(3), 481-492.
"""

_CAPITAL_REFS = """
    References
    ----------
    .. [1] Putnam, R. D. (2000). *Bowling Alone: The Collapse and Revival of
       American Community*. Simon & Schuster. (bonding and bridging)
    .. [2] Szreter, S., & Woolcock, M. (2004). Health by association? Social
       capital, social theory, and the political economy of public health.
       *International Journal of Epidemiology* 33(4), 650-667. (linking)
    .. [3] Lin, N. (2001). *Social Capital: A Theory of Social Structure and
       Action*. Cambridge University Press.
"""


def _asked(m: Map, domain: str | None = None) -> dict[str, frozenset[str]] | None:
    """The items asked (item -> alters), only those of ``domain`` if given; None if the scheme lacks it."""
    res = m.resources
    if domain is None:
        return res
    scheme = m.resource_scheme
    if domain not in scheme.domain_keys:
        return None
    keys = {it.key for it in scheme.items_in(domain)}
    return {k: v for k, v in res.items() if k in keys}


def resources_asked(m: Map) -> float:
    """The number of resource items asked on the map (with someone named or "no one").

    Items never asked are not counted. See :mod:`egomap.measures.capital`.

    See Also
    --------
    resources_accessed, resource_diversity
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> mum = m.add_alter("Mum", ring=0, sector="household")
    >>> item, other = m.resource_scheme.keys[:2]
    >>> resources_asked(m)
    0.0
    >>> m.set_resource(item, [mum]); m.set_resource(other, [])  # Mum; no one
    >>> resources_asked(m)
    2.0
    """
    return float(len(m.resources))


def resources_accessed(m: Map, domain: str | None = None) -> float:
    """The number of resource items at least one alter could provide.

    Parameters
    ----------
    m : Map
    domain : str, optional
        Count only the items of this domain of the map's resource scheme (the
        ``resources_<domain>`` columns).

    Returns
    -------
    float
        Items with at least one alter named. NaN if no item (of ``domain``)
        was asked -- "not asked" is not "no one" -- or if the map's scheme has
        no such domain.

    See Also
    --------
    resources_asked, resource_diversity, n_resourceful
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> mum = m.add_alter("Mum", ring=0, sector="household")
    >>> resources_accessed(m)  # nothing asked yet
    nan
    >>> first, second = m.resource_scheme.keys[:2]
    >>> m.set_resource(first, [mum]); m.set_resource(second, [])
    >>> resources_accessed(m)
    1.0
    >>> domain = m.resource_scheme.item(first).domain
    >>> resources_accessed(m, domain) >= 1.0
    True
    """
    res = _asked(m, domain)
    if not res:
        return NAN
    return float(sum(bool(v) for v in res.values()))


def resource_diversity(m: Map) -> float:
    """The number of domains of the resource scheme in which the person can reach at least one item.

    NaN if no item was asked.

    See Also
    --------
    resources_accessed
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> mum = m.add_alter("Mum", ring=0, sector="household")
    >>> scheme = m.resource_scheme
    >>> a, b = (scheme.items_in(d)[0].key for d in scheme.domain_keys[:2])
    >>> m.set_resource(a, [mum]); m.set_resource(b, [mum])
    >>> resource_diversity(m)
    2.0
    """
    res = m.resources
    if not res:
        return NAN
    scheme = m.resource_scheme
    return float(len({scheme.item(k).domain for k, v in res.items() if v}))


def n_resourceful(m: Map, threshold: int = RESOURCEFUL) -> float:
    """The number of "resourceful people": alters who could provide ``threshold`` (3) or more items.

    NaN if no item was asked.

    Parameters
    ----------
    m : Map
    threshold : int, default 3
        Items an alter must give access to.

    See Also
    --------
    resources_accessed
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> mum = m.add_alter("Mum", ring=0, sector="household")
    >>> dad = m.add_alter("Dad", ring=0, sector="household")
    >>> for item in m.resource_scheme.keys[:3]:
    ...     m.set_resource(item, [mum])
    >>> n_resourceful(m), n_resourceful(m, threshold=4)
    (1.0, 0.0)
    """
    res = m.resources
    if not res:
        return NAN
    items = Counter(a for alters in res.values() for a in alters)
    return float(sum(n >= threshold for n in items.values()))


def _n_capital(m: Map, kind: str) -> float:
    return float(sum(m.capital(aid) == kind for aid in m.state().placements))


def n_bonding(m: Map) -> float:
    """The number of alters whose social capital is ``bonding`` (close, similar others).

    The alter's own recorded type if the practitioner set one, else the default
    rule (:func:`egomap.model.capital.default_capital`): household, family and
    pets, and friends not met through an activity.

    See Also
    --------
    n_bridging, n_linking, share_bonding
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.add_alter("Coach", ring=2, sector="clubs_groups")
    >>> n_bonding(m)
    1.0
    """
    return _n_capital(m, "bonding")


def n_bridging(m: Map) -> float:
    """The number of alters whose social capital is ``bridging`` (different others, reached through activities).

    See Also
    --------
    n_bonding, n_linking, share_bridging
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.add_alter("Coach", ring=2, sector="clubs_groups")
    >>> _ = m.add_alter("Sam", ring=1, sector="friends", met_through="football club")
    >>> n_bridging(m)
    2.0
    """
    return _n_capital(m, "bridging")


def n_linking(m: Map) -> float:
    """The number of alters whose social capital is ``linking`` (people with institutional power or resources).

    See Also
    --------
    n_bonding, n_bridging, share_linking
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    >>> n_linking(m)
    1.0
    """
    return _n_capital(m, "linking")


def share_bonding(m: Map) -> float:
    """:func:`n_bonding` over the number of alters; NaN for no alters.

    See Also
    --------
    n_bonding, share_bridging, share_linking
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.add_alter("Coach", ring=2, sector="clubs_groups")
    >>> share_bonding(m)
    0.5
    """
    return ratio(n_bonding(m), len(m.state().placements))


def share_bridging(m: Map) -> float:
    """:func:`n_bridging` over the number of alters; NaN for no alters.

    See Also
    --------
    n_bridging, share_bonding, share_linking
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.add_alter("Coach", ring=2, sector="clubs_groups")
    >>> share_bridging(m)
    0.5
    """
    return ratio(n_bridging(m), len(m.state().placements))


def share_linking(m: Map) -> float:
    """:func:`n_linking` over the number of alters; NaN for no alters.

    See Also
    --------
    n_linking, share_bonding, share_bridging
    {refs}
    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household")
    >>> _ = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    >>> share_linking(m)
    0.5
    """
    return ratio(n_linking(m), len(m.state().placements))


def resource_domain_columns(domains: list[str]) -> list[str]:
    """The ``resources_<domain>`` column names of a list of domain keys.

    Examples
    --------
    >>> resource_domain_columns(["home", "advice"])
    ['resources_home', 'resources_advice']
    """
    return [f"resources_{d}" for d in domains]


def social_capital_columns(arr: Arrays) -> dict[str, np.ndarray]:
    """The columns ``resources_asked`` ... ``share_linking`` (with ``resources_<domain>``) for many maps.

    The same formulas as the functions above, over all maps at once. A map's
    rows are one per (item, alter) with the "no one" row apart (the stores'
    primary key), so the rows of an alter on a map are the items it gives.
    """
    n = arr.n_maps
    r = arr.resources
    n_items, n_dom = r.n_items, len(r.domain_keys)
    asked_cells = np.zeros(n * n_items, dtype=bool)  # (map, item) asked
    asked_cells[r.map_of * n_items + r.item] = True
    reached_cells = np.zeros(n * n_items, dtype=bool)  # (map, item) with someone
    reached_cells[r.map_of[r.someone] * n_items + r.item[r.someone]] = True

    def by_domain(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        at = np.flatnonzero(cells)
        maps = at // n_items
        per_domain = count(maps * n_dom + r.item_domain[r.scheme_of[maps], at % n_items], n * n_dom)
        return count(maps, n), per_domain.reshape(n, n_dom)

    asked, dom_asked = by_domain(asked_cells)
    reached, dom_reached = by_domain(reached_cells)
    nothing = asked == 0
    cols = {"resources_asked": asked, "resources_accessed": np.where(nothing, NAN, reached)}
    for j, name in enumerate(resource_domain_columns(r.domain_keys)):
        cols[name] = np.where(r.in_scheme[:, j] & (dom_asked[:, j] > 0), dom_reached[:, j], NAN)
    cols["resource_diversity"] = np.where(nothing, NAN, (dom_reached > 0).sum(axis=1).astype(float))
    # resourceful people: alters with RESOURCEFUL or more rows (items) on one map
    n_alters = int(r.alter.max(initial=0)) + 1
    map_alter, items_each = np.unique(r.map_of[r.someone] * n_alters + r.alter[r.someone], return_counts=True)
    cols["n_resourceful"] = np.where(nothing, NAN, count(map_alter[items_each >= RESOURCEFUL] // n_alters, n))
    size = count(arr.map_of, n)
    codes = arr.capital
    for i, kind in enumerate(CAPITAL_TYPES):
        cols[f"n_{kind}"] = count(arr.map_of, n, (codes == i).astype(float))
    for kind in CAPITAL_TYPES:
        cols[f"share_{kind}"] = div(cols[f"n_{kind}"], size)
    return cols


for _f in (resources_asked, resources_accessed, resource_diversity, n_resourceful):
    _f.__doc__ = (_f.__doc__ or "").replace("{refs}", _RESOURCE_REFS)
for _f in (n_bonding, n_bridging, n_linking, share_bonding, share_bridging, share_linking):
    _f.__doc__ = (_f.__doc__ or "").replace("{refs}", _CAPITAL_REFS)
