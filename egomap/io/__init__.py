"""Research data exchange: egor CSV files, GraphML and JSON (each written and read back), and Network Canvas import.

Every format's attribute columns come from the vocabulary
(:mod:`egomap.fields`): a new alter or placement attribute is written and read
back with no change here. Exports are pseudonymous by default: alters get
stable ids such as ``"R-017-A001"`` (numbered by first appearance over the
person's maps), maps are labelled ``T1``, ``T2``... in date order, and the
fields the vocabulary marks as identifying (see :data:`NAME_FIELDS`) are left
out unless ``include_names=True``; one function in ``egomap.io._common``
(:func:`~egomap.io._common.pseudonymise`, with :func:`~egomap.io._common.written`
for the columns) decides this for every field of every exporter. Persons who did not consent to research use are
left out unless ``include_nonconsenting=True``. Imports are all or nothing and
report bad input as :class:`egomap.InputFileError` naming file, row and column. Each import
returns the persons it saved with an :class:`ImportReport` (``.report``) of what came from each file and
everything skipped, assumed or flagged.

Examples
--------
>>> import egomap as em, tempfile
>>> folder = tempfile.mkdtemp()
>>> sorted(em.io.export_egor(em.demo.demo_case(), folder))
['alters', 'edges', 'egos', 'resource_scheme', 'resources']
"""

from __future__ import annotations

from egomap.io._common import NAME_FIELDS, pseudonyms
from egomap.io.egor import export_egor, read_egor
from egomap.io.graphml import export_graphml, map_graph, read_graphml
from egomap.io.jsonio import export_json, from_json, import_json, to_json
from egomap.io.network_canvas import SAMPLE, read_network_canvas, ring_radii
from egomap.io.report import Imported, ImportReport

__all__ = [
    "NAME_FIELDS",
    "SAMPLE",
    "ImportReport",
    "Imported",
    "export_egor",
    "export_graphml",
    "export_json",
    "from_json",
    "import_json",
    "map_graph",
    "pseudonyms",
    "read_egor",
    "read_graphml",
    "read_network_canvas",
    "ring_radii",
    "to_json",
]
