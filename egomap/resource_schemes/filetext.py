"""Reading the small CSV and YAML files a user writes to define a scheme, strictly.

Every problem is an :class:`~egomap.errors.InputFileError` naming the file, and the row (CSV)
or line (YAML) and the column or key. YAML is read with PyYAML's safe loader only (a file's
text is never code); each mapping read from it remembers the line it starts on.

Examples
--------
>>> import pathlib, tempfile
>>> f = pathlib.Path(tempfile.mkdtemp()) / "items.csv"
>>> _ = f.write_text("domain;item;prompt\\nhome;lift;Who could give you a lift?\\n")
>>> [(r.number, r.values["item"]) for r in read_csv_rows(f, ["domain", "item", "prompt"])]
[(1, 'lift')]
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egomap.errors import InputFileError

__all__ = ["FileRow", "LinedDict", "read_file_text", "read_csv_rows", "read_yaml"]


@dataclass(frozen=True)
class FileRow:
    """One data row of a CSV file: ``number`` is 1-based, not counting the header."""

    path: Path
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The cell of ``column``, stripped (empty if the column is absent)."""
        return (self.values.get(column) or "").strip()

    def error(self, message: str, column: str | None = None, value: object = None) -> InputFileError:
        """An InputFileError naming this row's file, its number and ``column``."""
        return InputFileError(message, path=self.path, row=self.number, column=column, value=value)


class LinedDict(dict):
    """A mapping read from YAML, with ``line``: the 1-based line it starts on."""

    line: int = 0


def read_file_text(path: str | os.PathLike) -> tuple[Path, str]:
    """The file's path and its UTF-8 text (a byte-order mark removed), or an InputFileError.

    Examples
    --------
    >>> read_file_text("no/such/file.csv")
    Traceback (most recent call last):
    ...
    egomap.errors.InputFileError: file 'no/such/file.csv': file not found
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError("file not found", path=p)
    if p.is_dir():
        raise InputFileError("is a folder, not a file", path=p)
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputFileError(
            f"is not UTF-8 text (byte {raw[e.start]:#04x} on line {line}); save it as UTF-8", path=p
        ) from None
    if not text.strip():
        raise InputFileError("is empty", path=p)
    return p, text


def read_csv_rows(path: str | os.PathLike, required: Sequence[str], optional: Sequence[str] = ()) -> list[FileRow]:
    """The data rows of a CSV file with the ``required`` columns and perhaps the ``optional`` ones.

    Columns may be separated by commas, semicolons or tabs (seen in the header). Header names are
    compared in lower case; an unknown column, a repeated column, a missing required column and a
    cell under no named column are errors naming the file, row and column (empty cells under
    unnamed columns, as spreadsheets leave them, are fine). Blank lines are skipped (they still
    count in the row numbers); a short row's missing cells are empty.
    """
    p, text = read_file_text(path)
    first = text.splitlines()[0]
    sep = "," if "," in first else ";" if ";" in first else "\t" if "\t" in first else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
        header = [h.strip().lower() for h in next(reader)]
        rows = list(reader)
    except csv.Error as e:
        raise InputFileError(f"is not valid CSV (line {reader.line_num}): {e}", path=p) from None
    known = [*required, *optional]
    for h in header:
        if h and h not in known:
            raise InputFileError(f"unknown column; the columns are {', '.join(known)}", path=p, column=h)
        if h and header.count(h) > 1:
            raise InputFileError("appears twice in the header", path=p, column=h)
    missing = [c for c in required if c not in header]
    if missing:
        raise InputFileError(f"is missing; the header has {', '.join(header)}", path=p, column=missing[0])
    out = []
    for i, cells in enumerate(rows, start=1):
        if not "".join(cells).strip():
            continue
        extra = [c for h, c in zip([*header, *[""] * len(cells)], cells) if not h and c.strip()]
        if extra:
            raise InputFileError(f"has a cell {extra[0]!r} under no column of the header", path=p, row=i)
        out.append(FileRow(p, i, {h: c for h, c in zip(header, cells) if h}))
    if not out:
        raise InputFileError("has a header but no rows", path=p)
    return out


def read_yaml(path: str | os.PathLike) -> Any:
    """The data of a YAML file (safe loader only); its mappings are :class:`LinedDict` with their line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = f.write_text("name: x\\ndomains:\\n  - key: home\\n")
    >>> read_yaml(f)["domains"][0].line
    3
    """
    import yaml

    class Loader(yaml.SafeLoader):
        """PyYAML's safe loader, recording where each mapping starts."""

    def mapping(loader: Loader, node: yaml.MappingNode) -> LinedDict:
        out = LinedDict(loader.construct_mapping(node, deep=True))
        out.line = node.start_mark.line + 1
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    p, text = read_file_text(path)
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a subclass of SafeLoader
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" on line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputFileError(f"is not valid YAML{where}: {e.problem or e}", path=p) from None
    except (yaml.YAMLError, RecursionError) as e:
        raise InputFileError(f"is not valid YAML: {type(e).__name__}", path=p) from None
