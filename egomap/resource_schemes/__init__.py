"""Resource schemes: what the people on a map could help with, as items grouped in domains.

A resource scheme is to resources what a ring scheme is to rings: a named list of items, each
with the plain-English prompt a practitioner reads out ("Who could lend you a small sum of
money?"), grouped in domains (help at home, expert advice, ...). A map keeps the scheme it was
asked with, like its rings; for each item it records who could provide it.

``scheme.py`` holds the classes, the registry and egomap's own default scheme; ``files.py``
reads a user's CSV or YAML file, through ``filetext.py`` (strict CSV rows, safe YAML with lines).

Examples
--------
>>> import egomap.resource_schemes as rs
>>> len(rs.resource_scheme(rs.DEFAULT_RESOURCES)), len(rs.resource_scheme().domains)
(20, 5)
"""

from __future__ import annotations

from egomap.resource_schemes.files import read_resource_scheme
from egomap.resource_schemes.scheme import (
    BUILTIN_RESOURCES,
    DEFAULT_RESOURCES,
    MAX_PROMPT,
    RESOURCE_SCHEMES,
    ResourceDomain,
    ResourceItem,
    ResourceScheme,
    check_key,
    register_resource_scheme,
    resource_scheme,
)

__all__ = [
    "ResourceDomain",
    "ResourceItem",
    "ResourceScheme",
    "RESOURCE_SCHEMES",
    "DEFAULT_RESOURCES",
    "BUILTIN_RESOURCES",
    "MAX_PROMPT",
    "resource_scheme",
    "register_resource_scheme",
    "read_resource_scheme",
    "check_key",
]
