"""Shared helpers of egomap.io: choosing persons, pseudonyms, strict CSV reading."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egomap import fields as _f
from egomap.errors import EgomapError, InputFileError, ValidationError
from egomap.fields import Field
from egomap.model import Person

__all__ = [
    "NAME_FIELDS",
    "KEEPABLE",
    "check_keep",
    "withheld",
    "written",
    "pseudonymise",
    "time_points",
    "blank",
    "cell",
    "FORMULA_STARTS",
    "spreadsheet_safe",
    "undo_spreadsheet_safe",
    "Source",
    "select_persons",
    "pseudonyms",
    "ego_id",
    "read_csv",
    "Row",
    "at_row",
    "safe_filename",
    "check_scheme_text",
]

# --------------------------------------------------------------------------- pseudonymisation
#
# The one rule of every research export: a field the vocabulary marks as
# identifying (``egomap.fields.identifying()``) is left out unless
# ``include_names=True`` or it is listed in ``keep``. Exporters ask
# :func:`written` / :func:`withheld` which fields to write; none has a list of its own.

#: Fields that can carry names or other identifying free text (from the vocabulary,
#: :func:`egomap.fields.identifying`): research exports leave them out unless
#: ``include_names=True`` (or the field is listed in ``keep``). Goal fields are
#: prefixed ``goal_``: alter ``label``, ``relationship`` ("Sarah's husband"),
#: ``met_through`` (names of groups, agencies, places), placement ``note``,
#: map ``label`` (written as a time point, ``T1``...) and ``notes``, goal ``text`` and ``steps``,
#: and the person's ``display_name``.
NAME_FIELDS = tuple(dict.fromkeys(f"goal_{f.name}" if f.owner == "goal" else f.name for f in _f.identifying()))

#: Identifying alter and placement fields that ``keep`` may name: the optional
#: free-text ones (a required label is the name itself; it is replaced by a pseudonym).
KEEPABLE = tuple(f.name for o in ("alter", "placement") for f in _f.identifying(o) if f.optional)


def _listed(names: Sequence[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def check_keep(keep: Iterable[str] = ()) -> frozenset[str]:
    """The ``keep`` argument of an export, checked against :data:`KEEPABLE`.

    Examples
    --------
    >>> sorted(check_keep(["note"]))
    ['note']
    >>> check_keep(["label"])
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: keep may list 'relationship', 'met_through' and 'note', not 'label'; use include_names=True
    """
    keep = frozenset(keep)
    bad = keep - set(KEEPABLE)
    if bad:
        raise ValidationError(
            f"keep may list {_listed(KEEPABLE)}, not {sorted(bad)[0]!r}; use include_names=True", field="keep"
        )
    return keep


def withheld(owner: str, *, include_names: bool = False, keep: Iterable[str] = ()) -> tuple[Field, ...]:
    """The fields of ``owner`` a research export leaves out (the one pseudonymisation rule).

    Examples
    --------
    >>> [f.name for f in withheld("alter")]
    ['label', 'relationship', 'met_through']
    >>> [f.name for f in withheld("alter", keep=["relationship"])], withheld("alter", include_names=True)
    (['label', 'met_through'], ())
    """
    return _withheld(owner, bool(include_names), check_keep(keep))


@functools.lru_cache(maxsize=64)
def _withheld(owner: str, include_names: bool, keep: frozenset[str]) -> tuple[Field, ...]:
    if include_names:
        return ()
    return tuple(f for f in _f.identifying(owner) if f.name not in keep)


def written(owner: str, *, include_names: bool = False, keep: Iterable[str] = ()) -> tuple[Field, ...]:
    """The fields of ``owner`` a research export writes, in the vocabulary's order.

    Examples
    --------
    >>> [f.name for f in written("alter")], "note" in [f.name for f in written("placement", keep=["note"])]
    (['kind', 'is_professional'], True)
    """
    out = withheld(owner, include_names=include_names, keep=keep)
    return tuple(f for f in _f.of(owner) if f not in out)


def pseudonymise(
    owner: str,
    record: dict[str, Any],
    *,
    include_names: bool = False,
    keep: Iterable[str] = (),
    stand_in: str | None = None,
) -> dict[str, Any]:
    """``record`` (plain values of ``owner``'s fields) as every research export writes it.

    The one pseudonymisation function of every exporter: each field that
    :func:`withheld` names (the vocabulary's identifying fields, unless
    ``include_names`` or ``keep``) becomes its default, or ``stand_in`` if it
    is required (an alter's pseudonymous id, a map's time point ``T1``).
    Exporters that write columns write only those of :func:`written`, plus
    the required ones with their stand-ins.

    Examples
    --------
    >>> pseudonymise("map", {"label": "Visit with Maria", "date": "2026-01-12", "notes": "Maria"}, stand_in="T1")
    {'label': 'T1', 'date': '2026-01-12', 'notes': ''}
    >>> pseudonymise("alter", {"label": "Mum", "relationship": "mother"}, keep=["relationship"], stand_in="R-1-A001")
    {'label': 'R-1-A001', 'relationship': 'mother'}
    """
    out = dict(record)
    for f in withheld(owner, include_names=include_names, keep=keep):
        if f.name in out:
            required = not f.optional and f.default is None
            if required and stand_in is None:
                raise ValidationError(f"a pseudonymised {owner} {f.name} needs a stand-in", field=f.name)
            out[f.name] = stand_in if required else blank(f)
    return out


def time_points(person: Person, maps: Sequence[Any] | None = None) -> dict[str, str]:
    """Neutral map labels for research exports: ``T1``, ``T2``, ... in date order (map id -> label).

    Examples
    --------
    >>> import egomap as em
    >>> list(time_points(em.demo.demo_case()).values())
    ['T1', 'T2', 'T3']
    """
    return {m.id: f"T{i}" for i, m in enumerate(person.maps if maps is None else maps, start=1)}


def blank(f: Field) -> Any:
    """What a pseudonymised export puts in place of a withheld optional field (its plain default)."""
    return f.to_plain(f.default)


def cell(f: Field, value: Any, *, true: Any = True, false: Any = False) -> Any:
    """A value as one flat cell of an export: sets joined by ``;`` (sorted), ``None`` as ``""``.

    ``true`` and ``false`` are what booleans become (egor writes ``TRUE``/``FALSE``).

    Examples
    --------
    >>> cell(_f.field("placement", "support_given"), frozenset({"practical", "emotional"}))
    'emotional;practical'
    >>> cell(_f.field("placement", "valence"), None), cell(_f.field("alter", "is_professional"), True, true="TRUE")
    ('', 'TRUE')
    """
    if f.type == "bool":
        return true if value else false
    if f.type in ("set", "list"):
        return ";".join(sorted(value or ()) if f.type == "set" else value or ())
    return "" if value is None else value


#: What a spreadsheet takes as the start of a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = frozenset((*FORMULA_STARTS, "'"))


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting with a formula character gets a leading ``'``.

    Numbers stay numbers. Text that already starts with ``'`` followed by a
    formula character or another ``'`` gets one too, so that
    :func:`undo_spreadsheet_safe` gives back exactly the text written.

    Examples
    --------
    >>> spreadsheet_safe("=1+1"), spreadsheet_safe(-1.5), spreadsheet_safe("Mum")
    ("'=1+1", -1.5, 'Mum')
    >>> all(undo_spreadsheet_safe(spreadsheet_safe(t)) == t for t in ["-", "'", "'=x", "''", "'tis", "@me"])
    True
    """
    if isinstance(value, str) and value[:1] in _ESCAPED and (value[0] != "'" or value[1:2] in _ESCAPED):
        return "'" + value
    return value


def undo_spreadsheet_safe(text: str) -> str:
    """The text :func:`spreadsheet_safe` was given (a leading ``'`` before a formula character or ``'`` removed).

    Examples
    --------
    >>> undo_spreadsheet_safe("'=1+1"), undo_spreadsheet_safe("'tis")
    ('=1+1', "'tis")
    """
    return text[1:] if text[:1] == "'" and text[1:2] in _ESCAPED else text


Source = Any  # Store | Person | Iterable[Person]


def select_persons(
    source: Source,
    persons: Iterable[str] | str | None = None,
    *,
    include_nonconsenting: bool = False,
) -> list[Person]:
    """The persons to export from a store, a person or a list of persons.

    Persons who did not consent to research use are left out unless
    ``include_nonconsenting=True``.
    """
    from egomap.store import Store

    if isinstance(persons, str):
        persons = [persons]
    if isinstance(source, Store):
        if persons is None:
            people = source.people()
        else:
            people = [source.person(pid) for pid in dict.fromkeys(persons)]
    elif isinstance(source, Person):
        people = [source]
    else:
        try:
            people = list(source)
        except TypeError:
            raise ValidationError(
                f"export from a Store, a Person or a list of persons, not {type(source).__name__}", field="source"
            ) from None
        if not all(isinstance(p, Person) for p in people):
            raise ValidationError("export from a Store, a Person or a list of persons", field="source")
        if persons is not None:
            wanted = set(persons)
            people = [p for p in people if p.id in wanted]
    if not include_nonconsenting:
        people = [p for p in people if p.consent_research]
    return people


def pseudonyms(person: Person, maps: Sequence[Any] | None = None) -> dict[str, str]:
    """Stable pseudonymous alter ids ``<person id>-A001``, ``-A002``, ... for one person.

    Numbered by first appearance: maps in time order, alters in the order they
    were put on each map. The same store gives the same ids on every run.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> list(pseudonyms(p).values())[:3]
    ['DEMO-01-A001', 'DEMO-01-A002', 'DEMO-01-A003']
    """
    out: dict[str, str] = {}
    for m in person.maps if maps is None else maps:
        for aid in m.placements:
            if aid not in out:
                out[aid] = f"{person.id}-A{len(out) + 1:03d}"
    return out


def ego_id(person_id: str, map_index: int) -> str:
    """The egor ``egoID`` of a person's map: ``"<person id>_<map index from 0>"``."""
    return f"{person_id}_{map_index}"


def safe_filename(text: str) -> str:
    """``text`` with anything but letters, digits, ``-``, ``_`` and ``.`` replaced by ``_``.

    If anything was replaced, a short hash of ``text`` is added, so that two
    different texts never give the same file name.

    Examples
    --------
    >>> safe_filename("R-017_0"), safe_filename("R 1_0") != safe_filename("R_1_0")
    ('R-017_0', True)
    """
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", text)
    if safe == text and text not in ("", ".", ".."):
        return text
    return f"{safe[:64]}-{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"


def check_scheme_text(scheme: Any) -> Any:
    """A ring or sector scheme read from a file, its texts checked by the vocabulary's text rule.

    Names, titles, keys, labels and prompts are one-line texts; a description may
    hold line breaks. Raises a ValidationError naming the text (``sector label``, ...).

    Examples
    --------
    >>> from egomap import schemes
    >>> check_scheme_text(schemes.sector_scheme("four_quadrants")).name
    'four_quadrants'
    >>> check_scheme_text(schemes.SectorScheme("x", [schemes.Sector("a", "Home\\x00")]))
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: sector label must not contain control characters (U+0000, character 5)
    """
    what = "ring" if hasattr(scheme, "rings") else "sector"
    texts = [("scheme name", scheme.name), ("scheme title", scheme.title)]
    for part in getattr(scheme, "rings", ()) or getattr(scheme, "sectors", ()):
        texts += [(f"{what} {k}", getattr(part, k)) for k in ("key", "label", "prompt") if hasattr(part, k)]
    for name, text in texts:
        _f.check_chars(str(text), name)
    _f.check_chars(str(scheme.description), "scheme description", multiline=True)
    return scheme


# --------------------------------------------------------------------------- strict CSV


@dataclass
class Row:
    """One data row of a CSV file: ``number`` is 1-based, not counting the header (None: not a row of a table)."""

    path: Path
    number: int | None
    values: dict[str, str]

    def get(self, column: str, default: str = "") -> str:
        v = self.values.get(column)
        return default if v is None else v

    def error(self, message: str, column: str | None = None, value: object = None) -> InputFileError:
        return InputFileError(message, path=self.path, row=self.number, column=column, value=value)

    def required(self, column: str) -> str:
        v = self.get(column).strip()
        if not v:
            raise self.error("is empty; a value is required", column)
        return v

    def number_value(self, column: str, *, optional: bool = False, integer: bool = False) -> float | int | None:
        text = self.get(column).strip()
        if not text:
            if optional:
                return None
            raise self.error("is empty; a number is required", column)
        try:
            x = float(text)
        except ValueError:
            raise self.error(f"{text!r} is not a number", column, text) from None
        if not math.isfinite(x):
            raise self.error(f"{text!r} is not a finite number", column, text)
        if integer:
            if not x.is_integer():
                raise self.error(f"{text!r} is not a whole number", column, text)
            return int(x)
        return x

    def bool_value(self, column: str, *, default: bool | None = None) -> bool | None:
        text = self.get(column).strip().lower()
        if not text:
            return default
        if text in ("true", "1", "yes", "t", "y"):
            return True
        if text in ("false", "0", "no", "f", "n"):
            return False
        raise self.error(f"{text!r} is not true or false", column, text)


def read_csv(
    path: str | os.PathLike,
    required: Sequence[str] = (),
    *,
    unique: Sequence[str] = (),
    spreadsheet_safe: bool = False,
    na: bool = False,
    sep: str = ",",
) -> list[Row]:
    """Read a CSV file strictly, raising :class:`InputFileError` naming file, row and column.

    Parameters
    ----------
    path : path
        The file (UTF-8, with or without a byte-order mark).
    required : sequence of str
        Columns that must be in the header.
    unique : sequence of str
        Columns whose values must not repeat (ids); together if several.
    spreadsheet_safe : bool
        The file was written with :func:`spreadsheet_safe` cells (egomap's
        egor export): undo it, so every cell is the text that was exported.
    na : bool
        A cell holding just ``NA`` (R's missing value) is read as empty.
    sep : str
        The column separator (one character): ``","``, or ``";"`` (R's ``write.csv2``).
    """
    if not isinstance(sep, str) or len(sep) != 1 or sep in '"\r\n':
        raise ValidationError(f"sep must be one character such as ',' or ';', not {sep!r}", field="sep")
    p = Path(path)
    if not p.exists():
        raise InputFileError("file not found", path=p)
    if p.is_dir():
        raise InputFileError("is a folder, not a CSV file", path=p)
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n")  # 0-based line = data row number (header is line 0)
        col = None
        try:
            header = next(csv.reader([raw.split(b"\n", 1)[0].decode("utf-8-sig")]))
            before = raw[raw.rfind(b"\n", 0, e.start) + 1 : e.start].decode("utf-8", "replace")
            idx = len(next(csv.reader([before]))) - 1 if before else 0
            col = header[idx] if line and 0 <= idx < len(header) else None
        except (StopIteration, UnicodeDecodeError, csv.Error):
            pass
        raise InputFileError(
            f"is not UTF-8 text (byte {raw[e.start]:#04x} at position {e.start}); save it as UTF-8 CSV",
            path=p,
            row=line or None,
            column=col,
        ) from None
    if not text.strip():
        raise InputFileError("is empty; expected a header row and data", path=p)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)  # line breaks in quoted cells are kept
        header = [h.strip() for h in next(reader)]
        rows = list(reader)
    except csv.Error as e:
        raise InputFileError(f"is not valid CSV: {e}", path=p) from None
    missing = [c for c in required if c not in header]
    if missing:
        hint = ""
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            seen = "';'" if ";" in header[0] else "tabs"
            hint = f" (the columns seem to be separated by {seen}; pass sep=';' (--sep ';') for R's write.csv2 files)"
        raise InputFileError(
            f"has no column {missing[0]!r}; columns are {', '.join(repr(h) for h in header)}{hint}",
            path=p,
            column=missing[0],
        )
    dup = [h for h in header if h and header.count(h) > 1]
    if dup:
        raise InputFileError("appears twice in the header", path=p, column=dup[0])
    out: list[Row] = []
    seen: dict[tuple, int] = {}
    where = [header.index(c) for c in unique]
    for i, cells in enumerate(rows, start=1):
        if "".join(cells).isspace() or not any(cells):  # a blank line
            continue
        if len(cells) != len(header):
            missing = header[len(cells)] if len(cells) < len(header) else None
            raise InputFileError(
                f"has {len(cells)} cells but the header has {len(header)} columns"
                + (f" (no cell for {missing!r} and after)" if missing else ""),
                path=p,
                row=i,
                column=missing,
            )
        if spreadsheet_safe:
            cells = [undo_spreadsheet_safe(c) if c[:1] == "'" else c for c in cells]
        if na and "NA" in cells:
            cells = ["" if c == "NA" else c for c in cells]
        row = Row(p, i, dict(zip(header, cells)))
        if where:
            key = tuple(cells[k].strip() for k in where)
            if key in seen:
                raise row.error(
                    f"repeats the id {' / '.join(key)!r} of row {seen[key]}", unique[-1], key[-1] if key else None
                )
            seen[key] = i
        out.append(row)
    return out


class at_row:
    """Context manager turning a ValidationError raised while using a row into an InputFileError."""

    def __init__(self, row: Row, column: str | None = None, columns: dict[str, str] | None = None) -> None:
        self.row = row
        self.column = column
        self.columns = columns or {}

    def __enter__(self) -> at_row:
        return self

    def __exit__(self, typ, exc, tb) -> bool:
        if exc is None or isinstance(exc, InputFileError) or not isinstance(exc, EgomapError):
            return False
        field = getattr(exc, "field", None)
        col = self.columns.get(field or "", field if field in self.row.values else self.column)
        raise InputFileError(str(exc), path=self.row.path, row=self.row.number, column=col) from exc
