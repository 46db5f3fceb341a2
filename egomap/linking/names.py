"""How alike two names are: normalising, typos, initials, short forms and nicknames.

The scores are explained in :mod:`egomap.linking`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["NICKNAMES", "name_similarity", "name_score", "normalise", "blocking_keys"]

#: Common English short forms that are not simply the start of the full name.
#: (Forms that are, like "Sam" for "Samantha", are recognised without a table.)
NICKNAMES: dict[str, tuple[str, ...]] = {
    "bob": ("robert",),
    "bobby": ("robert",),
    "rob": ("robert",),
    "bill": ("william",),
    "billy": ("william",),
    "will": ("william",),
    "liz": ("elizabeth",),
    "beth": ("elizabeth", "bethany"),
    "betty": ("elizabeth",),
    "lisa": ("elizabeth",),
    "peggy": ("margaret",),
    "maggie": ("margaret",),
    "meg": ("margaret",),
    "jim": ("james",),
    "jimmy": ("james",),
    "jack": ("john",),
    "johnny": ("john",),
    "dick": ("richard",),
    "rick": ("richard",),
    "kate": ("katherine", "catherine", "kathleen"),
    "katie": ("katherine", "catherine", "kathleen"),
    "cathy": ("catherine",),
    "ted": ("edward",),
    "ned": ("edward",),
    "harry": ("henry", "harold"),
    "hal": ("henry", "harold"),
    "tony": ("anthony",),
    "sandy": ("alexandra", "sandra"),
    "sasha": ("alexandra", "alexander"),
    "alex": ("alexandra", "alexander"),
    "polly": ("mary",),
    "molly": ("mary",),
    "sally": ("sarah",),
    "jenny": ("jennifer",),
    "jen": ("jennifer",),
    "chuck": ("charles",),
    "charlie": ("charles", "charlotte"),
    "nick": ("nicholas",),
    "mike": ("michael",),
    "mick": ("michael",),
    "dave": ("david",),
    "steve": ("stephen", "steven"),
    "tom": ("thomas",),
    "andy": ("andrew",),
    "drew": ("andrew",),
    "ben": ("benjamin",),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "matt": ("matthew",),
    "pat": ("patrick", "patricia"),
    "patty": ("patricia",),
    "sue": ("susan", "suzanne"),
    "suzy": ("susan", "suzanne"),
    "nan": ("ann", "anne", "nancy"),
    "nana": ("grandmother",),
    "gran": ("grandmother", "granny", "grandma"),
    "grandma": ("grandmother", "granny"),
    "granny": ("grandmother",),
    "grandad": ("grandfather",),
    "grandpa": ("grandfather",),
    "mum": ("mother", "mom", "mam", "mummy"),
    "mom": ("mother", "mommy"),
    "mam": ("mother",),
    "dad": ("father", "daddy"),
}

_SAME = 1.0
_TYPO = 0.85
_INITIALS = 0.8
_SHORT = 0.8
_FIRST = 0.7


_NOT_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=1 << 16)
def normalise(label: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces (names repeat: cached)."""
    text = label
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def _within(a: str, b: str, limit: int) -> int | None:
    """The edit distance between ``a`` and ``b`` if it is at most ``limit``, else None (banded)."""
    if abs(len(a) - len(b)) > limit:
        return None
    if len(a) > len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [limit + 1] * len(b)
        lo, hi = max(1, i - limit), min(len(b), i + limit)
        for j in range(lo, hi + 1):
            cost = 0 if ca == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if min(cur[max(0, lo - 1) : hi + 1]) > limit:
            return None
        prev = cur
    return prev[-1] if prev[-1] <= limit else None


def _short_form(a: str, b: str) -> bool:
    """One name word is a short form or nickname of the other."""
    if a == b:
        return True
    short, full = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and len(full) - len(short) >= 2 and full.startswith(short):
        return True
    return full in NICKNAMES.get(short, ()) or short in NICKNAMES.get(full, ())


def _initials(a: list[str], b: list[str]) -> bool:
    """One name is the other's initials: ``["js"]`` or ``["j", "smith"]`` for ``["john", "smith"]``."""
    for short, full in ((a, b), (b, a)):
        if len(full) < 2 and not (len(short) == 1 and len(short[0]) == 1):
            continue
        if len(short) == 1 and len(short[0]) == len(full) and len(full) > 1:
            if all(ch == w[0] for ch, w in zip(short[0], full)):
                return True
        if len(short) == len(full) and any(len(w) == 1 for w in short) and short != full:
            if all(s == f or (len(s) == 1 and f.startswith(s)) for s, f in zip(short, full)):
                return True
    return False


def name_similarity(a: str, b: str) -> tuple[float, str | None]:
    """How alike two names are, between 0 and 1, and the reason in plain words.

    Parameters
    ----------
    a, b : str
        Two names or labels.

    Returns
    -------
    tuple of (float, str or None)
        The score (see the module's table) and why; ``(0.0, None)`` when the names are not alike.

    Examples
    --------
    >>> from egomap.linking import name_similarity
    >>> name_similarity("Zoë  O'Neil", "zoe o neil")
    (1.0, 'the same name')
    >>> name_similarity("Jonathon", "Jonathan")
    (0.85, 'spelling differs by one letter')
    >>> name_similarity("Bob", "Robert")
    (0.8, 'a short form of the name')
    >>> name_similarity("Sam", "Sam Jones")
    (0.7, 'the same first name')
    >>> name_similarity("Sam", "Alex")
    (0.0, None)
    """
    return name_score(normalise(a), normalise(b))


@functools.lru_cache(maxsize=1 << 18)
def name_score(na: str, nb: str) -> tuple[float, str | None]:
    r""":func:`name_similarity` of two names already :func:`normalise`\ d (cached)."""
    if not na or not nb:
        return 0.0, None
    if na == nb:
        return _SAME, "the same name"
    compact_a, compact_b = na.replace(" ", ""), nb.replace(" ", "")
    if compact_a == compact_b:
        return _SAME, "the same name"
    limit = 2 if min(len(compact_a), len(compact_b)) >= 8 else 1
    if min(len(compact_a), len(compact_b)) >= 4:
        d = _within(compact_a, compact_b, limit)
        if d is not None:
            return _TYPO, "spelling differs by one letter" if d == 1 else f"spelling differs by {d} letters"
    ta, tb = na.split(), nb.split()
    if _initials(ta, tb):
        return _INITIALS, "initials match"
    if len(ta) == len(tb) and all(_short_form(x, y) for x, y in zip(ta, tb)):
        return _SHORT, "a short form of the name"
    if (len(ta) == 1) != (len(tb) == 1) and _short_form(ta[0], tb[0]):
        return _FIRST, "the same first name" if ta[0] == tb[0] else "a short form of the first name"
    return 0.0, None


#: For each full name, the first letters of its short forms (so "Bob" and "Robert" meet).
_NICK_LETTERS: dict[str, set[str]] = {}
for _nick, _fulls in NICKNAMES.items():
    for _full in _fulls:
        _NICK_LETTERS.setdefault(_full, set()).add(_nick[0])
        _NICK_LETTERS.setdefault(_nick, set()).add(_full[0])


@functools.lru_cache(maxsize=1 << 16)
def blocking_keys(norm: str) -> tuple[str, ...]:
    """Blocking keys of a normalised name: only names sharing a key are compared at all."""
    compact = norm.replace(" ", "")
    keys = {compact[:1]}
    keys.update(_NICK_LETTERS.get(norm.split(" ", 1)[0], ()))
    if len(compact) >= 4:
        keys.add("~" + compact[1:3])  # a slip in the first letter ("Kaya" for "Maya")
    return tuple(keys)
