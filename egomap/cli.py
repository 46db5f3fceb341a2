"""The ``egomap`` command.

``egomap lab``   open JupyterLab on the notebooks, using the store;
``egomap app``   the session notebook as a web app without code (Voila);
``egomap demo``  write the demo case and a small synthetic cohort into the store;
``egomap info``  say where the store is and how much it holds;
``egomap check`` run SQLite's integrity check on the store file and say how to recover a damaged one.

Every sub-command takes ``--store PATH`` (default: ``$EGOMAP_STORE``, else a
per-user data file). Options that ``egomap lab`` and ``egomap app`` do not
know themselves (``--no-browser``, ``--port 8890``...) are passed on to
JupyterLab and Voila.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import site
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from egomap.errors import EgomapError, NotFoundError
from egomap.store.postgres import cli as team_cli

__all__ = ["main", "notebooks_dir"]

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}
_PARSER_HOOKS: list[Callable[[argparse._SubParsersAction], None]] = []


def notebooks_dir() -> Path:
    """The folder holding egomap's notebooks.

    The repository's ``notebooks/`` (an editable install, ``pip install -e .``),
    else the copy a regular install puts in ``<prefix>/share/egomap/notebooks``
    (``~/.local/share/egomap/notebooks`` after ``pip install --user``),
    else ``notebooks/`` in the current folder.

    Raises
    ------
    NotFoundError
        If none of these folders holds the notebooks.
    """
    here = Path(__file__).resolve().parent
    candidates = (
        here.parent / "notebooks",
        Path(sys.prefix) / "share" / "egomap" / "notebooks",
        Path(site.getuserbase()) / "share" / "egomap" / "notebooks",
        Path.cwd() / "notebooks",
    )
    for cand in candidates:
        if (cand / "01_session.ipynb").is_file():
            return cand
    raise NotFoundError(
        "cannot find the egomap notebooks; looked in " + ", ".join(str(c) for c in candidates) + " "
        "(install egomap from its repository with: pip install -e .)"
    )


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        metavar="PATH",
        help="the store file, or a team store's postgresql:// URL (default: $EGOMAP_STORE or a per-user data file)",
    )


def _open(args: argparse.Namespace):
    from egomap.store import open_store

    return open_store(args.store)


def _store_path(args: argparse.Namespace) -> Path | str:
    """The store the command works on: ``--store``, else ``$EGOMAP_STORE`` or the per-user file (a URL as it is)."""
    from egomap.store import check_location, default_store_path, is_database_url

    check_location(args.store)
    where = args.store or default_store_path()
    return where.strip() if is_database_url(where) else Path(where).expanduser().resolve()


def _server_env(args: argparse.Namespace) -> tuple[dict[str, str], Path | str]:
    """The environment for the server and its kernels: ``EGOMAP_STORE`` set to the store to use."""
    store = _store_path(args)
    if not args.dry_run:  # check (or create, privately) the store now, not in the first notebook cell
        _open(argparse.Namespace(store=store)).close()
    return {**os.environ, "EGOMAP_STORE": str(store)}, store


def _cmd_lab(args: argparse.Namespace) -> int:
    nb = Path(args.notebooks).expanduser().resolve() if args.notebooks else notebooks_dir()
    if not nb.is_dir():
        raise NotFoundError(f"no folder {str(nb)!r} to open")
    env, store = _server_env(args)
    print(f"egomap: store {_shown(store)}")
    print(f"egomap: opening JupyterLab on {nb}")
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={nb}", *args.extra]
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    if shutil.which("jupyter") is None and not _has_module("jupyterlab"):
        print("egomap: JupyterLab is not installed; run: pip install -e .", file=sys.stderr)
        return 1
    return _run(cmd, env)


def _cmd_app(args: argparse.Namespace) -> int:
    nb = notebooks_dir() / "01_session.ipynb"
    env, store = _server_env(args)
    print(f"egomap: store {_shown(store)}")
    print(f"egomap: starting the session app ({nb.name}, no code shown)")
    cmd = [sys.executable, "-m", "voila", str(nb), f"--port={args.port}", *args.extra]
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    if not _has_module("voila"):
        print("egomap: Voila is not installed; run: pip install -e .", file=sys.stderr)
        return 1
    return _run(cmd, env)


def _run(cmd: list[str], env: dict[str, str]) -> int:
    """Run the server in this process's place, so that Ctrl-C and signals reach it directly."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(cmd[0], cmd, env)  # does not return
    try:  # pragma: no cover - Windows has no real exec
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:  # pragma: no cover
        return 130


def _shown(store: Path | str) -> str:
    """How a store is named in output: a URL without its password."""
    if isinstance(store, str):
        from egomap.store.postgres import display_url

        return display_url(store)
    return str(store)


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _cmd_demo(args: argparse.Namespace) -> int:
    from egomap.demo import DEMO_ID, demo_case, synthetic_cohort

    store = _open(args)
    try:
        if DEMO_ID in store.person_ids():
            print(f"egomap: the demo case {DEMO_ID} is already in {store.path}")
        else:
            demo_case(store)
            print(f"egomap: wrote the demo case {DEMO_ID} (3 maps) to {store.path}")
        existing = set(store.person_ids())
        new = [f"{args.prefix}{i:05d}" for i in range(1, args.n + 1)]
        if any(pid in existing for pid in new):
            print(f"egomap: a synthetic cohort with ids {args.prefix}… is already there; not written again")
        else:
            synthetic_cohort(store, n=args.n, k=args.k, seed=args.seed, prefix=args.prefix)
            print(f"egomap: wrote a synthetic cohort of {args.n} persons x {args.k} maps")
    finally:
        store.close()
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    path = _store_path(args)
    if isinstance(path, Path) and not path.exists():
        print(f"store:   {path} (not created yet: egomap creates it when it is first used)")
        print("persons: 0")
        print("maps:    0")
        return 0
    store = _open(args)
    try:
        info = store.info()
    finally:
        store.close()
    print(f"store:   {info['path']}")
    print(f"persons: {info['persons']}")
    print(f"maps:    {info['maps']}")
    print(f"alters:  {info['alters']}")
    print(f"edits:   {info['edits']}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from egomap.store.sqlite.damage import integrity_check

    path = _store_path(args)
    if isinstance(path, str):
        raise EgomapError("egomap check is for a store file; a team store's server checks its own data")
    problems = integrity_check(path)
    if not problems:
        print(f"egomap: {path}: ok (SQLite's integrity check found no damage)")
        return 0
    print(f"egomap: {path} is DAMAGED; SQLite's integrity check says:")
    for line in problems[:20]:
        print(f"  {line}")
    if len(problems) > 20:
        print(f"  ... and {len(problems) - 20} more")
    print("To recover: close every notebook that uses the store, then restore your latest backup copy;")
    print(f"to save what can still be read: sqlite3 {path} .recover | sqlite3 recovered.sqlite")
    print("(see 'Backing up and recovering a store' in the README)")
    return 1


def register(name: str, func: Callable[[argparse.Namespace], int], add_parser: Callable) -> None:
    """Let a plug-in add a sub-command (egomap.io's are added by :func:`_load_plugins`)."""
    _COMMANDS[name] = func
    _PARSER_HOOKS.append(add_parser)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``egomap`` command."""
    parser = argparse.ArgumentParser(prog="egomap", description="Personal network maps, drawn together.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser(
        "lab",
        help="open JupyterLab on the egomap notebooks",
        description="Open JupyterLab on the egomap notebooks; the notebooks use the store given here.",
        epilog="Other options are passed on to jupyter lab, e.g. egomap lab --no-browser --port 8890.",
        allow_abbrev=False,
    )
    _store_arg(p)
    p.add_argument("--notebooks", metavar="DIR", help="folder to open (default: the egomap notebooks)")
    p.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    p = sub.add_parser(
        "app",
        help="open the session notebook as an app without code (Voila)",
        description="Open the co-drawing session as a web app without code cells (Voila).",
        epilog="Other options are passed on to voila, e.g. egomap app --no-browser.",
        allow_abbrev=False,
    )
    _store_arg(p)
    p.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    p.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    p = sub.add_parser(
        "demo",
        help="write the demo case and a synthetic cohort into the store",
        description="Write the fictional demo case and a small synthetic cohort into the store.",
    )
    _store_arg(p)
    p.add_argument("-n", type=int, default=20, help="persons in the synthetic cohort (default 20)")
    p.add_argument("-k", type=int, default=3, help="time points per person (default 3)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--prefix", default="S-", help="id prefix of synthetic persons (default S-)")
    p = sub.add_parser(
        "info",
        help="where the store is; how many people and maps",
        description="Say where the store is and how many people and maps it holds.",
    )
    _store_arg(p)
    p = sub.add_parser(
        "check",
        help="check the store file for damage (SQLite's integrity check)",
        description="Run SQLite's integrity check on the store file (read-only) and say how to recover a damaged one. "
        "Exit code 0: no damage found; 1: damaged.",
    )
    _store_arg(p)
    _load_plugins()
    for hook in _PARSER_HOOKS:
        hook(sub)
    return parser


def _load_plugins() -> None:
    """Add the sub-commands of :mod:`egomap.io.cli` (`export`, `import`), once, if egomap.io is there."""
    if "export" in _COMMANDS:
        return
    try:
        from egomap.io import cli as io_cli
    except ModuleNotFoundError as e:
        if e.name not in ("egomap.io", "egomap.io.cli"):
            raise
        return
    _COMMANDS.update(io_cli.COMMANDS)
    _PARSER_HOOKS.append(functools.partial(io_cli.add_parsers, store_arg=_store_arg))


_COMMANDS.update({"lab": _cmd_lab, "app": _cmd_app, "demo": _cmd_demo, "info": _cmd_info, "check": _cmd_check})
# `egomap team ...` and `egomap copy` (the team store on PostgreSQL): their code is in egomap.store.postgres.cli
_COMMANDS.update(team_cli.COMMANDS)
_PARSER_HOOKS.append(functools.partial(team_cli.add_parsers, store_arg=_store_arg))
#: Sub-commands that pass options they do not know on to the server they start.
_PASS_ON = ("lab", "app")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``egomap`` command; return its exit code.

    ``egomap lab`` and ``egomap app`` (without ``--dry-run``) replace this
    process with the JupyterLab or Voila server on POSIX systems, so they do
    not return there.

    Examples
    --------
    >>> from egomap.cli import main
    >>> main(["info", "--store", "/nonexistent/folder/s.sqlite"])  # doctest: +ELLIPSIS
    store:   /nonexistent/folder/s.sqlite (not created yet: ...)
    persons: 0
    maps:    0
    0
    """
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command in _PASS_ON:
        args.extra = extra[1:] if extra[:1] == ["--"] else extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return _COMMANDS[args.command](args)
    except EgomapError as e:
        print(f"egomap: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    # run the imported module's main, so that plug-ins register with the same module
    from egomap.cli import main as _main

    sys.exit(_main())
