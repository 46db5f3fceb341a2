"""``egomap export`` and ``egomap import``: research data exchange on the command line.

``egomap export --store PATH --format egor|graphml|json OUT [--include-names] [--person ID ...]
[--include-nonconsenting] [--keep relationship|met_through|note ...] [--raw-cells]`` writes pseudonymised files
(OUT is a folder for egor and graphml, a file for json). egor CSV cells that a spreadsheet would run as a
formula get a leading ``'`` unless ``--raw-cells`` (for R pipelines that never open the files in a spreadsheet).

``egomap import --store PATH --format network-canvas|egor|json IN [--rings N]
[--protocol FILE] [--edge-type TYPE ...] [--no-research-consent]`` reads a Network Canvas export folder, an
egor three-file folder or an egomap JSON file into the store (all or nothing).

The ``egomap`` command (:mod:`egomap.cli`, the layer above) adds these
sub-commands: it takes :data:`COMMANDS` and calls :func:`add_parsers`. This
module does not import :mod:`egomap.cli`, so dependencies point one way.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from egomap.errors import ValidationError
from egomap.io._common import KEEPABLE

__all__ = ["COMMANDS", "add_parsers"]


def _open(args: argparse.Namespace):
    from egomap.store import open_store

    return open_store(args.store)


def _export(args: argparse.Namespace) -> int:
    from egomap import io
    from egomap.io._common import select_persons

    store = _open(args)
    try:
        everyone = select_persons(store, args.person, include_nonconsenting=True)
        n_out = len(everyone) if args.include_nonconsenting else sum(p.consent_research for p in everyone)
        kw = {
            "persons": args.person,
            "include_names": args.include_names,
            "include_nonconsenting": args.include_nonconsenting,
        }
        if args.keep and args.format != "egor":
            raise ValidationError("--keep is for --format egor; use --include-names", field="keep")
        if args.raw_cells and args.format != "egor":
            raise ValidationError("--raw-cells is for --format egor (the only CSV format)", field="raw_cells")
        if args.format == "egor":
            safe = not args.raw_cells
            paths = list(io.export_egor(store, args.out, keep=args.keep or (), spreadsheet_safe=safe, **kw).values())
        elif args.format == "graphml":
            paths = io.export_graphml(store, args.out, **kw)
        else:
            paths = [io.export_json(store, args.out, **kw)]
    finally:
        store.close()
    what = "with names" if args.include_names else "pseudonymised"
    print(f"egomap: wrote {len(paths)} file(s) ({what}) for {n_out} person(s) to {args.out}")
    if n_out < len(everyone):
        left = len(everyone) - n_out
        print(
            f"egomap: left out {left} person(s) without consent to research use (--include-nonconsenting to add them)"
        )
    return 0


def _import(args: argparse.Namespace) -> int:
    from egomap import io

    store = _open(args)
    try:
        consent = False if args.no_research_consent else None
        if args.no_research_consent and args.format == "json":
            raise ValidationError(
                "--no-research-consent is for network-canvas and egor; JSON keeps its own", field="no_research_consent"
            )
        if args.raw_cells and args.format != "egor":
            raise ValidationError("--raw-cells is for --format egor", field="raw_cells")
        if args.format == "network-canvas":
            people = io.read_network_canvas(
                args.input,
                store,
                rings=args.rings,
                protocol=args.protocol,
                edge_types=args.edge_type,
                consent_research=consent is None,
            )
        elif args.format == "egor":
            people = io.read_egor(args.input, store, consent_research=consent, spreadsheet_safe=not args.raw_cells)
        else:
            people = io.import_json(args.input, store)
        n_maps = sum(len(p.maps) for p in people)
    finally:
        store.close()
    print(f"egomap: imported {len(people)} person(s) with {n_maps} map(s) from {args.input}")
    return 0


def add_parsers(sub: argparse._SubParsersAction, store_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the ``export`` and ``import`` sub-commands; ``store_arg`` adds the command's ``--store`` option."""
    p = sub.add_parser(
        "export",
        help="write research files (egor CSV, GraphML, JSON)",
        description="Write research files. Pseudonymised unless --include-names; "
        "persons without research consent are left out unless --include-nonconsenting.",
    )
    store_arg(p)
    p.add_argument("--format", required=True, choices=["egor", "graphml", "json"], help="file format")
    p.add_argument("out", metavar="OUT", help="output folder (egor, graphml) or file (json)")
    p.add_argument("--include-names", action="store_true", help="also write names, relationships and notes")
    p.add_argument("--person", action="append", metavar="ID", help="only this person (repeatable)")
    p.add_argument("--include-nonconsenting", action="store_true", help="also persons without research consent")
    p.add_argument(
        "--keep",
        action="append",
        choices=list(KEEPABLE),
        help="egor: also this free-text field without --include-names (repeatable; notes hold imported attributes)",
    )
    p.add_argument(
        "--raw-cells",
        action="store_true",
        help="egor: write cells as they are, without the leading ' that stops a spreadsheet running text "
        "starting with = + - @ as a formula (for R pipelines; never open such files in a spreadsheet)",
    )
    p = sub.add_parser(
        "import",
        help="read Network Canvas, egor CSV or egomap JSON into the store",
        description="Read files into the store; on any error nothing is saved.",
    )
    store_arg(p)
    p.add_argument("--format", required=True, choices=["network-canvas", "egor", "json"], help="file format")
    p.add_argument("input", metavar="IN", help="export folder (network-canvas, egor) or file (json)")
    p.add_argument("--rings", type=int, help="Network Canvas: number of circles (default: from the protocol)")
    p.add_argument("--protocol", metavar="FILE", help="Network Canvas: the .netcanvas protocol file")
    p.add_argument("--edge-type", action="append", metavar="TYPE", help="Network Canvas: only this edge type")
    p.add_argument(
        "--no-research-consent",
        action="store_true",
        help="record the imported persons as not consenting to research use (default: network-canvas yes, "
        "egor from its consent_research column)",
    )
    p.add_argument(
        "--raw-cells",
        action="store_true",
        help="egor: the files were written with --raw-cells (keep a leading ' before = + - @)",
    )


#: The sub-commands of this module and the functions that run them.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"export": _export, "import": _import}
