"""``egomap export`` and ``egomap import``: research data exchange on the command line.

``egomap export --store PATH --format egor|graphml|json OUT [--include-names] [--person ID ...]
[--include-nonconsenting] [--keep relationship|met_through|note ...] [--raw-cells]`` writes pseudonymised files
(OUT is a folder for egor and graphml, a file for json). egor CSV cells that a spreadsheet would run as a
formula get a leading ``'`` unless ``--raw-cells`` (for R pipelines that never open the files in a spreadsheet).

``egomap import --store PATH --format network-canvas|egor|graphml|json IN [--rings N]
[--protocol FILE] [--edge-type TYPE ...] [--stage STAGE] [--canvas WxH] [--skip-self-loops]
[--skip-duplicate-edges] [--skip-incomplete] [--sep SEP] [--id-columns ego=COL,alter=COL] [--keep-na]
[--no-research-consent] [--link [--auto-accept SCORE]]``
reads a Network Canvas export folder, an egor three-file folder or an egomap JSON file into the store (all or
nothing; persons already there get later waves as new maps) and prints the import report. ``--link`` then
proposes which alters of the imported persons' maps are the same people (:func:`egomap.linking.link_waves`)
and prints the proposals; nothing is merged unless ``--auto-accept SCORE`` (e.g. 0.95), and every merge is
listed.

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
        nc_only = [o for o in _NC_OPTIONS if getattr(args, o)]
        if nc_only and args.format != "network-canvas":
            raise ValidationError(f"--{nc_only[0].replace('_', '-')} is for --format network-canvas", field=nc_only[0])
        egor_only = [o for o in ("keep_na", "sep", "id_columns") if getattr(args, o)]
        if egor_only and args.format != "egor":
            raise ValidationError(f"--{egor_only[0].replace('_', '-')} is for --format egor", field=egor_only[0])
        if args.auto_accept is not None and not args.link:
            raise ValidationError("--auto-accept is for --link", field="auto_accept")
        if args.format == "network-canvas":
            people = io.read_network_canvas(
                args.input,
                store,
                rings=args.rings,
                protocol=args.protocol,
                edge_types=args.edge_type,
                consent_research=consent is None,
                stage=args.stage,
                canvas=_canvas(args.canvas) if args.canvas else None,
                skip_self_loops=args.skip_self_loops,
                skip_duplicate_edges=args.skip_duplicate_edges,
                skip_incomplete=args.skip_incomplete,
            )
        elif args.format == "egor":
            people = io.read_egor(
                args.input,
                store,
                consent_research=consent,
                spreadsheet_safe=not args.raw_cells,
                keep_na=args.keep_na,
                sep=args.sep or ",",
                id_columns=_id_columns(args.id_columns) if args.id_columns else None,
            )
        elif args.format == "graphml":
            people = io.read_graphml(args.input, store, consent_research=consent)
        else:
            people = io.import_json(args.input, store)
        n_maps = sum(len(p.maps) for p in people)
        report = getattr(people, "report", None)
        print(f"egomap: imported {len(people)} person(s) with {n_maps} map(s) from {args.input}")
        if report is not None:
            print(report)
        if args.link:
            _link(store, [p.id for p in people], args.auto_accept)
    finally:
        store.close()
    return 0


_NC_OPTIONS = ("stage", "canvas", "skip_self_loops", "skip_duplicate_edges", "skip_incomplete")


def _canvas(text: str) -> tuple[int, int]:
    """``"1920x1080"`` as ``(1920, 1080)``."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
        raise ValidationError(f"--canvas must be WIDTHxHEIGHT in pixels, e.g. 1920x1080, not {text!r}", field="canvas")
    return int(parts[0]), int(parts[1])


def _id_columns(text: str) -> dict[str, str]:
    """``"ego=EgoID,alter=Alter.Number"`` as a dict (egor's ``ID.vars``)."""
    out = {}
    for part in text.split(","):
        key, eq, col = part.partition("=")
        if not eq or key.strip() not in ("ego", "alter", "source", "target") or not col.strip():
            raise ValidationError(
                f"--id-columns takes ego=COLUMN,alter=COLUMN,source=COLUMN,target=COLUMN, not {part.strip()!r}",
                field="id_columns",
            )
        out[key.strip()] = col.strip()
    return out


def _link(store, persons: list[str], auto_accept: float | None) -> None:
    """Print the linking proposals for ``persons`` (merging those at or above ``auto_accept``)."""
    from egomap.linking import link_waves

    table = link_waves(store, persons=persons, auto_accept=auto_accept)
    if table.empty:
        print("egomap: --link found no alters to propose as the same people across the imported maps")
        return
    print(f"egomap: --link proposes {len(table)} match(es) of alters across consecutive maps:")
    for r in table.itertuples(index=False):
        mark = "MERGED" if r.accepted else "proposed"
        print(
            f"  {mark}  {r.person_id}: {r.earlier_label!r} ({r.earlier_map}) = {r.later_label!r} ({r.later_map}), "
            f"score {r.score:.2f}: {r.reasons}"
        )
    merged = int(table["accepted"].sum())
    if merged:
        print(f"egomap: merged {merged} pair(s) scoring at least {auto_accept} (each one undoable edit)")
    else:
        print("egomap: nothing merged; confirm proposals with egomap.linking.accept or the review widget")


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
        help="read Network Canvas, egor CSV, egomap GraphML or egomap JSON into the store",
        description="Read files into the store; on any error nothing is saved.",
    )
    store_arg(p)
    p.add_argument("--format", required=True, choices=["network-canvas", "egor", "graphml", "json"], help="file format")
    p.add_argument("input", metavar="IN", help="export folder (network-canvas, egor, graphml) or file (json)")
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
    p.add_argument("--sep", metavar="SEP", help="egor: column separator, e.g. ';' for R's write.csv2 (default ',')")
    p.add_argument(
        "--id-columns",
        metavar="ego=COL,alter=COL,...",
        help="egor: other names of the id columns, as egor's ID.vars (ego, alter, source, target)",
    )
    p.add_argument(
        "--keep-na", action="store_true", help="egor: keep cells holding just NA as the text NA (default: missing)"
    )
    p.add_argument("--stage", help="Network Canvas: the Sociogram stage whose circles to use (number, id or label)")
    p.add_argument(
        "--canvas", metavar="WxH", help="Network Canvas: the interviewer's screen, e.g. 1920x1080 (default square)"
    )
    p.add_argument("--skip-self-loops", action="store_true", help="Network Canvas: leave out edges to the same node")
    p.add_argument("--skip-duplicate-edges", action="store_true", help="Network Canvas: leave out repeated edges")
    p.add_argument(
        "--skip-incomplete", action="store_true", help="Network Canvas: leave out interviews with no ego file"
    )
    p.add_argument(
        "--link",
        action="store_true",
        help="then propose which alters of consecutive maps of the imported persons are the same people",
    )
    p.add_argument(
        "--auto-accept",
        type=float,
        metavar="SCORE",
        help="with --link: merge proposals scoring at least SCORE (e.g. 0.95); default: merge nothing",
    )


#: The sub-commands of this module and the functions that run them.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"export": _export, "import": _import}
