"""Per-map measures, change measures and cohort tables.

:func:`measures` turns one map into a pandas Series of numbers;
:func:`change_measures` compares two maps of the same person;
:func:`cohort_measures` and :func:`cohort_changes` (also reached as
``em.cohort_measures(store)`` and ``em.cohort_changes(store)``) give tidy tables with one row per
person x map, or per person x pair of consecutive maps.

Each measure is also a plain function of a map, in the networkx style:
``em.measures.size(m)``, ``density(m)``, ``constraint(m)``, ``ei_index(m, "kind",
"person")``... (the table below names them). The tables are computed over all
maps at once with numpy from the same formulas, reading a store's tables
through its public :meth:`~egomap.store.Store.read_columns` (one query per
table, straight into arrays; large cohorts in chunks of persons); they give the same
values as the plain functions and as :func:`reference_measures` (networkx),
and the tests check it.

Modules: :mod:`~egomap.measures.network` (size and structure),
:mod:`~egomap.measures.composition` (who is in the network; Blau, IQV),
:mod:`~egomap.measures.ei` (E-I index), :mod:`~egomap.measures.support`
(support and valence), :mod:`~egomap.measures.capital` (social capital:
resources and bonding, bridging and linking ties), :mod:`~egomap.measures.cohort` (the tables),
:mod:`~egomap.measures.reference` (the networkx version).

Per-map measures (all ``float64``; counts are whole numbers)
------------------------------------------------------------
The network is the person (ego) and the alters on the map; ``n`` is the number
of alters and ``t`` the number of alter-alter ties. For the structural-hole
measures the person is tied to every alter.

======================  ==================================================================
column                  meaning
======================  ==================================================================
size                    ``n``, alters on the map
size_ring_<i>           alters in ring ``i`` (0 = innermost); NaN if the map's ring
                        scheme has no ring ``i``
size_sector_<key>       alters in sector ``key``; NaN if the map's sector scheme has no
                        such sector
n_professional          alters marked ``is_professional``
share_professional      ``n_professional / n`` (NaN if ``n`` is 0)
n_family                alters in a family sector (``map.sectors.family_keys``)
share_family            ``n_family / n`` (NaN if ``n`` is 0)
n_ties                  ``t``, alter-alter ties
density                 ``t / (n (n - 1) / 2)``; NaN for fewer than 2 alters
n_components            connected components among the alters (person left out); 0 if
                        ``n`` is 0
n_isolates              alters tied to no other alter
effective_size          Borgatti's (1997) effective size of the person's network,
                        ``n - 2 t / n`` (equals ``networkx.effective_size``); NaN if ``n``
                        is 0
efficiency              ``effective_size / n``
constraint              Burt's (1992) aggregate constraint of the person, with the
                        person tied to every alter (equals ``networkx.constraint`` of the
                        person on that graph); NaN if ``n`` is 0
blau_sector             Blau's index of heterogeneity of the alters' sectors,
                        ``1 - sum(p_k ** 2)``; NaN if ``n`` is 0
iqv_sector              index of qualitative variation: ``blau / (1 - 1 / K)`` with ``K``
                        the number of sectors in the scheme; NaN if ``K`` < 2
blau_relationship       Blau's index of the ``relationship`` texts (case and surrounding
                        spaces ignored; alters with no relationship left out)
iqv_relationship        ``blau_relationship / (1 - 1 / K)`` with ``K`` the number of
                        different relationships on the map; NaN if ``K`` < 2
blau_kind, iqv_kind     the same for the alter ``kind`` (``K`` = 5 kinds)
ei_professional         E-I index of ``is_professional`` against the person, who counts
                        as not professional: ``(E - I) / (E + I)`` with ``E`` the
                        professionals and ``I`` the other alters, i.e.
                        ``(n_professional - (n - n_professional)) / n``; +1 = only
                        professionals, -1 = none; NaN if ``n`` is 0
n_support_received      alters from whom the person receives any support
n_support_given         alters to whom the person gives any support
n_received_<type>       alters giving the person support of ``type`` (emotional,
                        practical, information, companionship)
n_given_<type>          alters the person gives support of ``type`` to
share_reciprocal        among alters with any support (received or given), the share
                        with both received and given support; NaN if there are none
n_stressful             alters whose valence is ``stressful``
share_stressful         ``n_stressful`` over the alters whose valence is recorded; NaN if
                        none is recorded
resources_asked         resource items asked (someone named, or "no one"); items not asked
                        are not counted
resources_accessed      items at least one alter could provide; NaN if no item was asked
resources_<domain>      the same for the items of one domain of the map's resource scheme
                        (a column for each domain of the maps' schemes, the default
                        scheme's always); NaN if none of the domain's items was asked or
                        the map's scheme has no such domain
resource_diversity      domains with at least one item reached; NaN if no item was asked
n_resourceful           "resourceful people": alters who could provide 3 or more items;
                        NaN if no item was asked
n_bonding, n_bridging,  alters by social capital (``Map.capital``: the person's own view
n_linking               if recorded, else the default rule)
share_bonding, ...      ``n_bonding / n`` and so on (NaN if ``n`` is 0)
======================  ==================================================================

Every fixed column is also a function of a map with the same name;
``size_ring_<i>`` is ``size(m, ring=i)``, ``size_sector_<key>`` is
``size(m, sector=key)``, ``n_received_<type>`` is ``n_support_received(m, type)``,
``n_given_<type>`` is ``n_support_given(m, type)`` and ``resources_<domain>``
is ``resources_accessed(m, domain)``.

The E-I index of any other alter attribute against the person's own value is
:func:`ei_index`; pass ``ei={"ei_kind": ("kind", "person")}`` to
:func:`measures`, ``em.cohort_measures(store)`` or ``em.cohort_changes(store)`` to add such
columns (after the fixed ones; the person's value may be a mapping from person
id to value). The attributes it compares (:data:`EI_ATTRIBUTES`) come from the
vocabulary: the categorical fields of :func:`egomap.fields.categorical`
(``kind``, ``is_professional``, ``ring``, ``sector``, ``valence``, ``contact``,
``known_for``) and the alter's free-text ``relationship`` and ``met_through``.
The same attributes give composition counts through :func:`value_counts`, e.g.
``blau(value_counts(m, "known_for"))``.

R's egor: :func:`composition_of`, :func:`diversity_count`,
:func:`diversity_entropy` and :func:`comp_ei` are egor's ``composition``,
``alts_diversity_count``, ``alts_diversity_entropy`` and ``comp_ei``; with
``variant="egor"`` they read categories as egor does (text as stored; no
value as a category in ``composition``). ``density`` and ``constraint``
already equal egor's ``ego_density`` and ``ego_constraint``
(:mod:`~egomap.measures.egor`; ``docs/measures.md`` compares them all).

Change measures (consecutive maps ``a`` then ``b`` of one person)
-----------------------------------------------------------------
``n_gained`` (on ``b`` only), ``n_lost`` (on ``a`` only), ``n_retained`` (on both),
``jaccard`` (retained over alters on either map; NaN if both are empty),
``persistence`` (``n_retained`` over the size of ``a``; NaN if ``a`` is empty),
``mean_ring_shift`` (mean of ring on ``b`` minus ring on ``a`` over retained
alters; negative = moved inward; NaN if none retained), ``n_new_bridging``
(alters gained whose social capital on ``b`` is bridging: new ties beyond the
person's circles), then ``d_<name>`` (value on ``b`` minus value on ``a``) for
every per-map measure, e.g. ``d_resources_accessed``.

Examples
--------
>>> import egomap as em
>>> p = em.Person("R-1")
>>> m = p.new_map("Baseline")
>>> mum = m.add_alter("Mum", ring=0, sector="household")
>>> gp = m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
>>> s = em.measures(m)
>>> s[["size", "share_professional", "effective_size", "constraint"]].tolist()
[2.0, 0.5, 2.0, 0.5]
>>> em.measures.constraint(m), em.measures.share_professional(m)
(0.5, 0.5)
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

from egomap.measures._base import CHANGE_ID_COLUMNS, CHANGE_MEASURES, ID_COLUMNS, MEASURES
from egomap.measures.capital import (
    RESOURCEFUL,
    n_bonding,
    n_bridging,
    n_linking,
    n_resourceful,
    resource_diversity,
    resources_accessed,
    resources_asked,
    share_bonding,
    share_bridging,
    share_linking,
)
from egomap.measures.cohort import change_measures, cohort_changes, cohort_measures, measures
from egomap.measures.composition import (
    blau,
    blau_kind,
    blau_relationship,
    blau_sector,
    iqv,
    iqv_kind,
    iqv_relationship,
    iqv_sector,
    n_family,
    n_professional,
    share_family,
    share_professional,
    value_counts,
)
from egomap.measures.egor import comp_ei, composition_of, diversity_count, diversity_entropy
from egomap.measures.ei import EI_ATTRIBUTES, EISpec, ei_index, ei_professional
from egomap.measures.network import (
    constraint,
    density,
    effective_size,
    efficiency,
    n_components,
    n_isolates,
    n_ties,
    size,
)
from egomap.measures.reference import EGO, reference_measures
from egomap.measures.support import (
    n_stressful,
    n_support_given,
    n_support_received,
    share_reciprocal,
    share_stressful,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from egomap.model import Map

__all__ = [
    "MEASURES",
    "CHANGE_MEASURES",
    "ID_COLUMNS",
    "CHANGE_ID_COLUMNS",
    "EI_ATTRIBUTES",
    "EGO",
    "EISpec",
    "RESOURCEFUL",
    # tables
    "measures",
    "change_measures",
    "cohort_measures",
    "cohort_changes",
    "reference_measures",
    # size and structure
    "size",
    "n_ties",
    "density",
    "n_components",
    "n_isolates",
    "effective_size",
    "efficiency",
    "constraint",
    # composition
    "blau",
    "iqv",
    "value_counts",
    "n_professional",
    "share_professional",
    "n_family",
    "share_family",
    "blau_sector",
    "iqv_sector",
    "blau_relationship",
    "iqv_relationship",
    "blau_kind",
    "iqv_kind",
    # E-I index
    "ei_index",
    "ei_professional",
    # as R's egor computes them (variant="egor")
    "composition_of",
    "diversity_count",
    "diversity_entropy",
    "comp_ei",
    # support and valence
    "n_support_received",
    "n_support_given",
    "share_reciprocal",
    "n_stressful",
    "share_stressful",
    # social capital
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
]


class _CallableModule(types.ModuleType):
    """Lets ``egomap.measures(m)`` work even after ``import egomap.measures``.

    ``egomap.measures`` is both this package and, through the package's lazy
    exports, the function :func:`measures`; importing the package makes Python
    set the attribute of ``egomap`` to the package, so the package is callable too.
    """

    def __call__(self, m: Map, *, ei: EISpec | None = None) -> pd.Series:
        return measures(m, ei=ei)


sys.modules[__name__].__class__ = _CallableModule
