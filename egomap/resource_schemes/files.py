"""Reading a resource scheme from a CSV or YAML file the user supplies.

Every problem is an :class:`~egomap.errors.InputFileError` naming the file, the row (a CSV row,
or the item's number in a YAML file, whose line is also given) and the column or key.

Examples
--------
>>> import pathlib, tempfile
>>> f = pathlib.Path(tempfile.mkdtemp()) / "items.yaml"
>>> _ = f.write_text('''
... name: my_items
... domains:
...   - key: home
...     label: Help at home
...     items:
...       - key: lift
...         prompt: ""
... ''')
>>> read_resource_scheme(f)
Traceback (most recent call last):
...
egomap.errors.InputFileError: file '...items.yaml', row 1, column 'prompt': is empty; every item needs a prompt to read out (line 7)
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from egomap.checks import check_chars
from egomap.errors import InputFileError, ValidationError
from egomap.resource_schemes.filetext import read_csv_rows, read_yaml
from egomap.resource_schemes.scheme import (
    ResourceDomain,
    ResourceItem,
    ResourceScheme,
    check_key,
    default_item_label,
    humanise_key,
)

__all__ = ["read_resource_scheme"]


def read_resource_scheme(path, *, name: str | None = None) -> ResourceScheme:  # noqa: ANN001 - str or PathLike
    """Read a resource scheme from a CSV or YAML file the user supplies (e.g. a published instrument's items).

    A CSV file (UTF-8; columns separated by commas, or by semicolons as some spreadsheets save them)
    has one row per item and the columns ``domain``, ``item`` (the item's key) and ``prompt``, and
    optionally ``label`` (a short name for the item; its prompt if empty) and ``domain_label``.
    Keys are made lower case with spaces as ``_`` ("Help at home" -> ``help_at_home``); a domain
    written in words is also its label. Domains and items keep the file's order.

    A YAML file (``.yaml`` or ``.yml``) holds ``{name, title, description, domains: [{key, label,
    items: [{key, label, prompt}]}]}``, or the flat form of :meth:`ResourceScheme.to_dict`.

    Parameters
    ----------
    path : str or path
        The file; ``.csv``, ``.yaml`` or ``.yml``.
    name : str, optional
        The scheme's name; else the YAML file's ``name``, else the file name without its extension.

    Returns
    -------
    ResourceScheme
        Not registered: pass it to :func:`register_resource_scheme` to use it by name.

    Raises
    ------
    InputFileError
        Naming the file, row and column of what is wrong: a missing column or value, an empty
        prompt, a repeated item key, an unknown domain, characters egomap refuses.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "my_items.csv"
    >>> _ = f.write_text("domain,item,prompt\\nHelp at home,lift,Who could give you a lift?\\n")
    >>> s = read_resource_scheme(f)
    >>> s.name, s.domains[0], s.item("lift").label
    ('my_items', ResourceDomain(key='help_at_home', label='Help at home'), 'Who could give you a lift?')
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValidationError(f"path must be a file name or path, got {type(path).__name__} {path!r}", field="path")
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return _from_csv(path, name)
    if suffix in (".yaml", ".yml"):
        return _from_yaml(path, name)
    raise InputFileError("is not a resource scheme file: expected a .csv, .yaml or .yml file", path=path)


def _slug(text: str, what: str) -> str:
    """A key from a key or from words: ``"Help at home"`` -> ``"help_at_home"``, ``"Émotions"`` -> ``"emotions"``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")
    if not key:
        raise ValidationError(
            f"{what} {text!r} has no letters a-z or digits to make a key from; give a short key such as "
            "'family' (the words can go in the label)",
            field=what,
            value=text,
        )
    return check_key(key, what)


class _At:
    """Turns a ValidationError raised while reading one row or mapping into an InputFileError naming it."""

    def __init__(
        self, path: object, row: int | None, column: str | None, line: int = 0, columns: dict | None = None
    ) -> None:
        self.path, self.row, self.column, self.line = path, row, column, line
        self.columns = _CSV_COLUMNS if columns is None else columns

    def __enter__(self) -> _At:
        return self

    def __exit__(self, typ, exc, tb) -> bool:  # noqa: ANN001
        if exc is None or isinstance(exc, InputFileError) or not isinstance(exc, ValidationError):
            return False
        col = self.columns.get(exc.field or "", self.column)
        where = f" (line {self.line})" if self.line else ""
        raise InputFileError(f"{exc}{where}", path=self.path, row=self.row, column=col, value=exc.value) from exc


#: Which CSV column a value check's field name stands for.
_CSV_COLUMNS = {"item key": "item", "item domain": "domain", "item label": "label", "item prompt": "prompt"}
#: Which YAML key a value check's field name stands for.
_YAML_KEYS = {
    **{k: k for k in ("key", "domain", "label", "prompt", "name", "title", "description")},
    **{f"item {k}": k for k in ("key", "domain", "label", "prompt")},
    **{f"domain {k}": k for k in ("key", "label")},
    **{f"resource scheme {k}": k for k in ("name", "title", "description")},
}


def _from_csv(path, name: str | None) -> ResourceScheme:  # noqa: ANN001
    rows = read_csv_rows(path, ["domain", "item", "prompt"], ["label", "domain_label"])
    p = rows[0].path
    labels: dict[str, tuple[str, int | None]] = {}  # domain key -> (label, row of an explicit domain_label)
    items: list[ResourceItem] = []
    seen: dict[str, int] = {}
    for row in rows:
        for col in row.values:
            with _At(p, row.number, col):
                check_chars(row.get(col), col)
        for col, what in (
            ("domain", "every item needs a domain"),
            ("item", "every item needs a key"),
            ("prompt", "every item needs a prompt to read out"),
        ):
            if not row.get(col):
                raise row.error(f"is empty; {what}", col)
        with _At(p, row.number, "domain"):
            dkey = _slug(row.get("domain"), "domain key")
        with _At(p, row.number, "item"):
            key = _slug(row.get("item"), "item key")
        if key in seen:
            raise row.error(f"repeats the item key {key!r} of row {seen[key]}", "item", key)
        seen[key] = row.number
        given = row.get("domain_label")
        before = labels.get(dkey)
        if given and before and before[1] is not None and before[0] != given:
            raise row.error(
                f"domain {dkey!r} is labelled {before[0]!r} in row {before[1]}; give one label per domain",
                "domain_label",
                given,
            )
        if given and (before is None or before[1] is None):
            labels[dkey] = (given, row.number)
        elif before is None:
            words = row.get("domain")
            labels[dkey] = (words if words != dkey else humanise_key(dkey), None)
        with _At(p, row.number, "domain_label" if given else "domain"):
            ResourceDomain(dkey, labels[dkey][0])
        with _At(p, row.number, None):
            prompt = row.get("prompt")
            items.append(ResourceItem(key, dkey, row.get("label") or default_item_label(key, prompt), prompt))
    with _At(p, None, None):
        return ResourceScheme(name or p.stem, [ResourceDomain(k, v[0]) for k, v in labels.items()], items)


def _from_yaml(path, name: str | None) -> ResourceScheme:  # noqa: ANN001
    data, p = read_yaml(path), Path(path)
    if not isinstance(data, dict):
        raise InputFileError("must hold a mapping with name, title and domains (see read_resource_scheme)", path=p)
    _known_keys(p, data, ("name", "title", "description", "domains", "items"), None, "the file")
    domains: list[ResourceDomain] = []
    items: list[ResourceItem] = []
    seen: dict[str, int] = {}
    n = 0

    def item(it: object, dkey: str | None, line: int) -> None:
        nonlocal n
        n += 1
        if not isinstance(it, dict):
            raise InputFileError(f"each item must be a mapping with key, label and prompt (line {line})", path=p, row=n)
        line = getattr(it, "line", line)
        _known_keys(
            p, it, ("key", "label", "prompt") if dkey else ("key", "domain", "label", "prompt"), n, "an item", line
        )
        with _At(p, n, None, line, _YAML_KEYS):
            texts = {
                k: _yaml_text(it, k, "item", required=k != "label")
                for k in ("key", "domain", "label", "prompt")
                if k != "domain" or not dkey
            }
            key = _slug(texts["key"], "item key")
            if key in seen:
                raise InputFileError(
                    f"repeats the item key {key!r} of item {seen[key]} (line {line})", path=p, row=n, column="key"
                )
            seen[key] = n
            domain = dkey or _slug(texts["domain"], "item domain")
            if domain not in {d.key for d in domains}:
                known = ", ".join(d.key for d in domains)
                raise InputFileError(
                    f"unknown domain {domain!r}: the file's domains are {known} (line {line})",
                    path=p,
                    row=n,
                    column="domain",
                    value=domain,
                )
            prompt = texts["prompt"].strip()
            if not prompt:
                raise InputFileError(
                    f"is empty; every item needs a prompt to read out (line {line})", path=p, row=n, column="prompt"
                )
            items.append(ResourceItem(key, domain, texts["label"] or default_item_label(key, prompt), prompt))

    doms = data.get("domains")
    if not isinstance(doms, list) or not doms:
        raise InputFileError("needs a list of domains", path=p, column="domains")
    for dom in doms:
        line = getattr(dom, "line", getattr(data, "line", 0))
        if not isinstance(dom, dict):
            raise InputFileError(
                f"each domain must be a mapping with key, label and items (line {line})", path=p, column="domains"
            )
        _known_keys(p, dom, ("key", "label", "items"), None, "a domain", line)
        with _At(p, None, "key", line, _YAML_KEYS):
            raw = _yaml_text(dom, "key", "domain")
            dkey = _slug(raw, "domain key")
            if dkey in {d.key for d in domains}:
                raise ValidationError(f"repeats the domain key {dkey!r}", field="key", value=dkey)
            label = _yaml_text(dom, "label", "domain", required=False) or (raw if raw != dkey else humanise_key(dkey))
            domains.append(ResourceDomain(dkey, label))
    for dom in doms:
        nested = dom.get("items") or []
        if not isinstance(nested, list):
            raise InputFileError(f"items must be a list (line {dom.line})", path=p, column="items")
        for it in nested:
            item(it, domains[doms.index(dom)].key, dom.line)
    flat = data.get("items") or []
    if not isinstance(flat, list):
        raise InputFileError("items must be a list", path=p, column="items")
    for it in flat:
        item(it, None, data.line)
    with _At(p, None, None, 0, _YAML_KEYS):
        text = {k: _yaml_text(data, k, "resource scheme", required=False) for k in ("name", "title", "description")}
        return ResourceScheme(name or text["name"] or p.stem, domains, items, text["title"], text["description"])


def _yaml_text(d: dict, key: str, what: str, *, required: bool = True) -> str:
    value = d.get(key)
    if value is None:
        if required:
            raise ValidationError(f"{what} {key} is missing", field=key)
        return ""
    if not isinstance(value, str):
        raise ValidationError(
            f"{what} {key} must be text, got {type(value).__name__} {value!r} (put it in quotes)",
            field=key,
            value=value,
        )
    return value


def _known_keys(p: Path, d: dict, known: tuple[str, ...], row: int | None, what: str, line: int = 0) -> None:
    for k in d:
        if k not in known:
            where = f" (line {line})" if line else ""
            raise InputFileError(
                f"unknown key in {what}: expected {', '.join(known)}{where}", path=p, row=row, column=str(k)
            )
