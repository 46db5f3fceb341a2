"""The widget's front-end bundle: ``static/map.js``, built from the ES modules in ``js/``.

anywidget loads ``_esm`` as one module, so the sources in ``egomap/widget/js/``
(``map.js`` is the entry point; each file under 600 lines) are bundled with
esbuild into ``egomap/widget/static/map.js``, which is committed: installing
egomap or running its tests never needs Node. The bundle's first line holds
the sha256 of the sources (:func:`sources_hash`); a test compares it with
the sources, so a bundle that was not rebuilt after an edit fails.

Rebuild after editing a file in ``js/`` (needs Node and npm)::

    python -m egomap.widget.bundle

Examples
--------
>>> from egomap.widget import bundle
>>> len(bundle.bundled_hash())
64
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

__all__ = ["SOURCES", "BUNDLE", "ESBUILD", "sources_hash", "bundled_hash", "build"]

HERE = pathlib.Path(__file__).resolve().parent
#: The folder of the ES module sources (entry point ``map.js``).
SOURCES = HERE / "js"
#: The committed bundle that anywidget loads.
BUNDLE = HERE / "static" / "map.js"
#: The esbuild version the bundle is built with (``npx`` fetches it when missing).
ESBUILD = "esbuild@0.24.2"
_HEADER = "// egomap widget front-end, bundled by {tool} from egomap/widget/js/ (do not edit: see egomap/widget/bundle.py). sources sha256 {digest}\n"
_MARK = "sources sha256 "


def sources_hash(folder: str | os.PathLike | None = None) -> str:
    """The sha256 of the JavaScript sources (file names and contents, in name order), as hex.

    Line endings are normalised, so a checkout with CRLF gives the same hash.
    """
    h = hashlib.sha256()
    for f in sorted(pathlib.Path(folder or SOURCES).glob("*.js")):
        h.update(f.name.encode() + b"\0")
        h.update(f.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def bundled_hash(bundle: str | os.PathLike | None = None) -> str:
    """The sources hash recorded in the first line of the bundle ("" if there is none)."""
    with open(bundle or BUNDLE, encoding="utf-8") as f:
        first = f.readline()
    return first.split(_MARK, 1)[1].strip() if _MARK in first else ""


def build(esbuild: list[str] | None = None) -> pathlib.Path:
    """Bundle ``js/map.js`` (and what it imports) into ``static/map.js`` with esbuild.

    Parameters
    ----------
    esbuild : list of str, optional
        The command that runs esbuild (default: a local ``esbuild`` on the
        PATH, else ``npx --yes esbuild@<version>``).

    Returns
    -------
    pathlib.Path
        The bundle written.
    """
    cmd = esbuild or ([shutil.which("esbuild")] if shutil.which("esbuild") else ["npx", "--yes", ESBUILD])
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "map.js"
        subprocess.run(
            [
                *cmd,
                str(SOURCES / "map.js"),
                "--bundle",
                "--format=esm",
                "--target=es2020",
                "--minify-whitespace",
                "--legal-comments=none",
                f"--outfile={out}",
            ],
            check=True,
        )
        body = out.read_text(encoding="utf-8")
    tool = " ".join(pathlib.Path(c).name for c in cmd[-1:])
    BUNDLE.write_text(_HEADER.format(tool=tool, digest=sources_hash()) + body, encoding="utf-8")
    return BUNDLE


if __name__ == "__main__":  # pragma: no cover - a developer's command
    print(build(sys.argv[1:] or None))
