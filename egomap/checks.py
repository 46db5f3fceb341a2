"""Value checks: every bad value raises a :class:`~egomap.errors.ValidationError` naming the field.

The vocabulary (:mod:`egomap.fields`) checks each attribute with these functions and re-exports them
under the same names; schemes, imports and the widget call them too, so every way into egomap refuses
the same values with the same words. :func:`check_chars` is the one rule for text.

Examples
--------
>>> from egomap.checks import check_label, check_choice
>>> check_label(" Mum "), check_choice("Weekly", ("daily", "weekly"), "contact")
('Mum', 'weekly')
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from collections.abc import Iterable

from egomap.errors import ValidationError

__all__ = [
    "SUPPORT_TYPES",
    "MAX_LABEL",
    "MAX_TEXT",
    "check_chars",
    "check_label",
    "check_text",
    "check_choice",
    "check_bool",
    "check_support",
    "check_tags",
    "check_number",
    "check_date",
    "check_person_id",
]

#: Types of support received from or given to an alter (re-exported by :mod:`egomap.fields`).
SUPPORT_TYPES = ("emotional", "practical", "information", "companionship")
#: Longest label accepted (characters).
MAX_LABEL = 80
#: Longest note or goal text accepted (characters).
MAX_TEXT = 5000

_NONCHARS = r"\ufdd0-\ufdef" + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(17))
_OTHER = rf"|(?P<s>[\u2028\u2029])|(?P<h>[\ud800-\udfff])|(?P<n>[{_NONCHARS}])"
_BAD = re.compile(r"(?P<c>[\x00-\x1f\x7f-\x9f])" + _OTHER)
_BAD_MULTILINE = re.compile(r"(?P<c>[\x00-\x08\x0b-\x1f\x7f-\x9f])" + _OTHER)
_WHAT = {"c": "control characters", "s": "line or paragraph separators", "h": "lone surrogates (broken text)"}


def check_chars(text: str, field: str, *, multiline: bool = False) -> str:
    """``text`` if every character is one egomap accepts, else a :class:`ValidationError` naming ``field``.

    Refused: control characters (``multiline`` allows line breaks and tabs), U+2028/U+2029,
    noncharacters (U+FFFE...) and lone surrogates: every file egomap writes is well-formed.

    Examples
    --------
    >>> check_chars("a\\ud800b", "relationship")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: relationship must not contain lone surrogates (broken text) (U+D800, character 2)
    """
    bad = (_BAD_MULTILINE if multiline else _BAD).search(text)
    if bad:
        what, c = _WHAT.get(bad.lastgroup or "", "noncharacters"), ord(bad.group())
        raise ValidationError(f"{field} must not contain {what} (U+{c:04X}, character {bad.start() + 1})", field=field)
    return text


def check_label(value: object, field: str = "label", *, max_len: int = MAX_LABEL) -> str:
    """A label: one line of text, not empty, no control characters (a longer ``max_len`` allows line breaks).

    Examples
    --------
    >>> check_label("  Mum ")
    'Mum'
    >>> check_label("")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: label must not be empty
    """
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__} {value!r}", field=field, value=value)
    text = value.strip()
    if not text:
        raise ValidationError(f"{field} must not be empty", field=field, value=value)
    check_chars(text, field, multiline=max_len >= MAX_TEXT)
    if len(text) > max_len:
        raise ValidationError(
            f"{field} is too long ({len(text)} characters; at most {max_len}): {text[:30]!r}...",
            field=field,
            value=value,
        )
    return text


def check_text(value: object, field: str, *, max_len: int = MAX_TEXT, strip: bool = True) -> str:
    """Free text (``None`` is the empty text); stripped unless ``strip=False``.

    Examples
    --------
    >>> check_text(" mother ", "relationship"), check_text(None, "note")
    ('mother', '')
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be text, got {type(value).__name__} {value!r}", field=field, value=value)
    if len(value) > max_len:
        raise ValidationError(f"{field} is too long ({len(value)} characters; at most {max_len})", field=field)
    return check_chars(value.strip() if strip else value, field, multiline=max_len >= MAX_TEXT)


def check_choice(value: object, choices: tuple[str, ...], field: str, *, optional: bool = False) -> str | None:
    """One of ``choices`` (case and surrounding spaces ignored); ``None`` or ``""`` if ``optional``.

    Examples
    --------
    >>> contacts = ("daily", "weekly", "monthly", "less often")
    >>> check_choice("Weekly", contacts, "contact"), check_choice("", contacts, "contact", optional=True)
    ('weekly', None)
    """
    if value is None or value == "":
        if optional:
            return None
        raise ValidationError(f"{field} is required: one of {', '.join(choices)}", field=field, value=value)
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    raise ValidationError(f"unknown {field} {value!r}: expected one of {', '.join(choices)}", field=field, value=value)


def check_bool(value: object, field: str) -> bool:
    """True or False (also 1 or 0).

    Examples
    --------
    >>> check_bool(1, "is_professional")
    True
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValidationError(f"{field} must be True or False, got {value!r}", field=field, value=value)


def check_support(value: object, field: str) -> frozenset[str]:
    """A set of support types (an iterable, or text separated by commas or semicolons).

    Examples
    --------
    >>> sorted(check_support("emotional; practical", "support_received"))
    ['emotional', 'practical']
    """
    if value is None:
        return frozenset()
    if isinstance(value, str):
        items: Iterable[object] = [v for v in value.replace(";", ",").split(",") if v.strip()]
    elif isinstance(value, Iterable):
        items = value
    else:
        raise ValidationError(
            f"{field} must be a set of {', '.join(SUPPORT_TYPES)}, got {value!r}", field=field, value=value
        )
    out = set()
    for v in items:
        if not isinstance(v, str) or v.strip().lower() not in SUPPORT_TYPES:
            raise ValidationError(
                f"unknown {field} type {v!r}: expected any of {', '.join(SUPPORT_TYPES)}",
                field=field,
                value=v,
            )
        out.add(v.strip().lower())
    return frozenset(out)


def check_tags(value: object, field: str) -> frozenset[str]:
    """A set of short names (an iterable, or text separated by commas), e.g. a tie's types.

    Each name is one line of text (:func:`check_label`) without commas.

    Examples
    --------
    >>> sorted(check_tags("DrugTie, Close", "types"))
    ['Close', 'DrugTie']
    """
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        raise ValidationError(f"{field} must be a set of names, got {value!r}", field=field, value=value)
    out = frozenset(check_label(v, field) for v in items if not isinstance(v, str) or v.strip())
    if any("," in v for v in out):
        raise ValidationError(f"{field} names must not contain commas: {sorted(out)!r}", field=field, value=value)
    return out


def check_number(value: object, field: str) -> float:
    """A finite real number, as a float.

    Examples
    --------
    >>> check_number(3, "angle")
    3.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValidationError(f"{field} must be a finite number, got {value!r}", field=field, value=value)
    return float(value)


def check_date(value: object, field: str = "date") -> str | None:
    """An ISO date text (or ``None``) from a date, a datetime or text.

    Examples
    --------
    >>> check_date("2026-01-12"), check_date(None)
    ('2026-01-12', None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise ValidationError(f"{field} must be a date like '2026-01-12', got {value!r}", field=field, value=value)


def check_person_id(value: object) -> str:
    """A pseudonymous person id: a label of at most 64 characters, no slashes, tabs or line breaks.

    Examples
    --------
    >>> check_person_id(" R-017 ")
    'R-017'
    """
    pid = check_label(value, "person id", max_len=64)
    if any(c in pid for c in "\n\r\t/\\"):
        raise ValidationError(f"person id {pid!r} must not contain slashes, tabs or line breaks", field="person id")
    return pid
