"""The egor export's resource files: who could help with what (``resources.csv``) and the items asked (``resource_scheme.csv``).

``resources.csv`` is long: one row per map, item and alter who could provide it, and one row
with an empty ``alterID`` for an item asked about where the answer was "no one"; an item not
asked about has no row. ``resource_scheme.csv`` has one row per item of each resource scheme
the exported maps use (egos.csv names each map's scheme in its ``resource_scheme`` column):
the scheme, its title and description, the item's domain (key and label), key, label and the
prompt read out. The prompts come from the scheme, never from a person's map, so the file
identifies no one. See :mod:`egomap.io.egor` for the other files.

Examples
--------
>>> import egomap as em
>>> m = em.Person("R-1").new_map("Baseline")
>>> mum = m.add_alter("Mum", ring=0, sector="household")
>>> m.set_resource("small_loan", [mum]); m.set_resource("job_advice", [])
>>> resource_rows(m, {mum.id: "R-1-A001"})
[('small_loan', 'help_at_home', 'R-1-A001'), ('job_advice', 'expert_advice', '')]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from egomap import resource_schemes as _rs
from egomap.io._common import Row, at_row
from egomap.resource_schemes.scheme import default_item_label, humanise_key

__all__ = ["RESOURCE_COLUMNS", "SCHEME_COLUMNS", "SchemeNames", "resource_rows", "scheme_rows", "read_schemes"]

#: The columns of ``resources.csv``.
RESOURCE_COLUMNS = ("egoID", "person_id", "map_index", "map_label", "item", "domain", "alterID")
#: The columns of ``resource_scheme.csv``.
SCHEME_COLUMNS = ("resource_scheme", "title", "description", "domain", "domain_label", "item", "label", "prompt")


def resource_rows(m: Any, ids: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """``(item, domain, alterID)`` for each item asked on map ``m`` and each alter who could provide it.

    Items in the scheme's order, alters by their exported id; ``alterID`` is ``""`` for "no one".
    """
    have = m.state().resources
    out: list[tuple[str, str, str]] = []
    for it in m.resource_scheme.items:
        who = have.get(it.key)
        if who is None:
            continue
        out += [(it.key, it.domain, x) for x in sorted(ids[a] for a in who)] or [(it.key, it.domain, "")]
    return out


class SchemeNames:
    """The resource schemes of one export, each under the name egos.csv gives it.

    A scheme is written under its own name; a different scheme of the same name (a scheme
    changed after some maps were made with it) under ``<name>#2``, ``#3``...

    Examples
    --------
    >>> names = SchemeNames()
    >>> s = _rs.resource_scheme()
    >>> names.ref(s), names.ref(s), [n for n, _ in names.schemes]
    ('egomap_resources', 'egomap_resources', ['egomap_resources'])
    """

    def __init__(self) -> None:
        self.schemes: list[tuple[str, _rs.ResourceScheme]] = []
        self._refs: dict[str, str] = {}  # a scheme's content -> its name in the files

    def ref(self, scheme: _rs.ResourceScheme) -> str:
        """The name ``scheme`` is written under."""
        content = hashlib.sha256(json.dumps(scheme.to_dict(), sort_keys=True).encode()).hexdigest()
        if content not in self._refs:
            taken = {n for n, _ in self.schemes}
            name, k = scheme.name, 1
            while name in taken:
                k += 1
                name = f"{scheme.name}#{k}"
            self._refs[content] = name
            self.schemes.append((name, scheme))
        return self._refs[content]


def scheme_rows(name: str, scheme: _rs.ResourceScheme) -> list[list[str]]:
    """The rows of ``resource_scheme.csv`` for one scheme (columns :data:`SCHEME_COLUMNS`)."""
    labels = {d.key: d.label for d in scheme.domains}
    return [
        [name, scheme.title, scheme.description, it.domain, labels[it.domain], it.key, it.label, it.prompt]
        for it in scheme.items
    ]


_COLUMNS = {
    "item key": "item",
    "item domain": "domain",
    "item label": "label",
    "item prompt": "prompt",
    "domain key": "domain",
    "domain label": "domain_label",
    "resource scheme name": "resource_scheme",
    "resource scheme title": "title",
    "resource scheme description": "description",
}


def read_schemes(rows: list[Row]) -> dict[str, _rs.ResourceScheme]:
    """The resource schemes of ``resource_scheme.csv`` rows, by name (problems name file, row and column).

    Domains and items keep the file's order; a scheme's title and description are those of its
    first row (the export repeats them on every row).
    """
    grouped: dict[str, list[Row]] = {}
    for r in rows:
        grouped.setdefault(r.required("resource_scheme"), []).append(r)
    out = {}
    for name, group in grouped.items():
        domains: dict[str, _rs.ResourceDomain] = {}
        items: dict[str, _rs.ResourceItem] = {}
        for r in group:
            with at_row(r, "item", _COLUMNS):
                key, domain = r.required("item"), r.required("domain")
                if key in items:
                    raise r.error(f"repeats item {key!r} of resource scheme {name!r}", "item", key)
                if domain not in domains:
                    label = r.get("domain_label").strip() or humanise_key(domain)
                    domains[domain] = _rs.ResourceDomain(domain, label)
                prompt = r.required("prompt")
                label = r.get("label").strip() or default_item_label(key, prompt)
                items[key] = _rs.ResourceItem(key, domain, label, prompt)
        first = group[0]
        with at_row(first, "resource_scheme", _COLUMNS):
            out[name] = _rs.ResourceScheme(
                name, domains.values(), items.values(), first.get("title").strip(), first.get("description")
            )
    return out
