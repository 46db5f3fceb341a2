"""The default kind of social capital an alter brings: bonding, bridging or linking.

A practitioner can record the person's own view of each alter (the placement's ``capital``,
which wins); when none is recorded, egomap uses the rule below, from what the map already
holds. :func:`default_capital` is the rule for one alter, :func:`capital_columns` the same rule
over whole columns (the cohort tables), and :func:`activity_sql_pattern` the word list as a
PostgreSQL regular expression, so a team store's research views (where ``met_through`` itself
is hidden) say whether an alter was met through an activity exactly as Python does.

Examples
--------
>>> from egomap.model.capital import default_capital, met_through_activity
>>> default_capital("friends", kind="person", is_professional=False, met_through="Tuesday football club")
'bridging'
>>> met_through_activity("the clubhouse"), met_through_activity("homework")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from egomap.errors import ValidationError
from egomap.fields import CAPITAL_TYPES, KINDS

__all__ = [
    "ACTIVITY_WORDS",
    "BONDING_SECTORS",
    "BRIDGING_SECTORS",
    "LINKING_SECTORS",
    "BRIDGING_KINDS",
    "default_capital",
    "met_through_activity",
    "capital_columns",
    "activity_sql_pattern",
    "activity_sql",
]

#: Words that make a ``met_through`` text name an activity, group or place where people meet
#: (whole words, any case; also with ``s``, ``es`` or ``ing`` added: "classes", "volunteering").
ACTIVITY_WORDS: tuple[str, ...] = (
    # learning
    "class", "college", "course", "lesson", "training", "university", "uni", "workshop", "apprenticeship",
    # work
    "work", "workplace", "job", "colleague", "coworker", "co-worker", "employer", "internship",
    # groups and organised activities
    "club", "clubhouse", "group", "team", "society", "league", "choir", "band", "community", "project",
    "forum", "union", "charity", "volunteer", "meeting", "session", "drop-in",
    # faith
    "church", "chapel", "mosque", "temple", "synagogue", "gurdwara", "faith",
    # places and pastimes
    "centre", "center", "gym", "library", "allotment", "sport", "football", "cricket", "swimming",
    "yoga", "dance", "drama", "chess", "arts",
)  # fmt: skip
#: Sector keys whose alters are bonding (besides any sector of the scheme marked ``is_family``).
BONDING_SECTORS = ("household", "family")
#: Sector keys whose alters are bridging (different others met through work, groups, the neighbourhood).
BRIDGING_SECTORS = ("work_school", "clubs_groups", "neighbours")
#: Sector keys whose alters are linking (services and professionals).
LINKING_SECTORS = ("services", "professional")
#: Kinds of alter that are bridging (unless linking or bonding by the rules before).
BRIDGING_KINDS = ("group", "online")

#: One pattern for Python and PostgreSQL (``~*``): a listed word, perhaps with s/es/ing, not inside a longer word.
#: Boundaries are written as ASCII letters and digits (not ``\b``, whose meaning differs between the two engines).
_PATTERN = (
    "(?<![A-Za-z0-9])(?:"
    + "|".join(sorted(ACTIVITY_WORDS, key=lambda w: (-len(w), w)))
    + ")(?:s|es|ing)?(?![A-Za-z0-9])"
)
_ACTIVITY = re.compile(_PATTERN, re.IGNORECASE | re.ASCII)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?\Z")


def met_through_activity(text: object) -> bool:
    """Whether a ``met_through`` text names an activity, group or place where people meet.

    True when it holds one of :data:`ACTIVITY_WORDS` as a whole word, in any case, perhaps with
    ``s``, ``es`` or ``ing`` added ("Football club", "art classes", "volunteering"). Not inside
    a longer word: "homework" and "network" are not "work"; "clubhouse" is a word of its own (a
    Clubhouse is a community for people recovering from mental illness). Empty or ``None``: False.

    Examples
    --------
    >>> [met_through_activity(t) for t in ("Football club", "work", "homework", "my sister", None)]
    [True, True, False, False, False]
    """
    if text is None:
        return False
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str):
        raise ValidationError(f"met_through must be text, got {type(text).__name__} {text!r}", field="met_through")
    return _ACTIVITY.search(text) is not None


def default_capital(
    sector: str,
    *,
    kind: str,
    is_professional: bool,
    met_through: str = "",
    family_sector: bool = False,
) -> str:
    """The kind of social capital egomap assumes an alter brings, when the person's own view is not recorded.

    The first rule that applies decides:

    ====  =================================================================  ==========
    rule  the alter                                                          capital
    ====  =================================================================  ==========
    1     is professional (``is_professional``), or of kind                  linking
          ``organisation``, or in sector ``services`` or ``professional``
    2     in a family sector (its scheme marks it ``is_family``:             bonding
          ``family_sector=True``), or in sector ``household`` or
          ``family``, or of kind ``pet``
    3     in sector ``work_school``, ``clubs_groups`` or ``neighbours``,     bridging
          or of kind ``group`` or ``online``
    4     in any other sector (``friends``, a user's own sectors), and       bridging
          ``met_through`` names an activity (:func:`met_through_activity`)
    5     anyone else (a childhood friend, a friend of the family)           bonding
    ====  =================================================================  ==========

    Bonding capital ties close, similar people (family, close friends); bridging capital
    reaches different others through work, clubs, courses and community activities; linking
    capital connects to people with institutional power or resources (Putnam 2000; Szreter &
    Woolcock 2004). A friend met through a club is bridging, a friend from childhood bonding.

    Parameters
    ----------
    sector : str
        The sector key of the alter's placement.
    kind : str
        One of :data:`egomap.fields.KINDS`.
    is_professional : bool
        Paid or professional support.
    met_through : str
        Where they met ("Tuesday football club"); empty if not known.
    family_sector : bool
        The sector is one the map's sector scheme marks as family.

    Returns
    -------
    str
        ``"bonding"``, ``"bridging"`` or ``"linking"``.

    See Also
    --------
    capital_columns : the same rule over columns.

    References
    ----------
    Putnam, R. D. (2000). *Bowling Alone: The Collapse and Revival of American Community*.
    Simon & Schuster.

    Szreter, S., & Woolcock, M. (2004). Health by association? Social capital, social theory,
    and the political economy of public health. *International Journal of Epidemiology*, 33(4),
    650-667.

    Lin, N. (2001). *Social Capital: A Theory of Social Structure and Action*. Cambridge
    University Press.

    Examples
    --------
    >>> default_capital("household", kind="person", is_professional=False)
    'bonding'
    >>> default_capital("friends", kind="person", is_professional=False, met_through="art classes")
    'bridging'
    >>> default_capital("family", kind="person", is_professional=True)
    'linking'
    """
    if kind not in KINDS:
        raise ValidationError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}", field="kind", value=kind)
    if is_professional or kind == "organisation" or sector in LINKING_SECTORS:
        return "linking"
    if family_sector or sector in BONDING_SECTORS or kind == "pet":
        return "bonding"
    if sector in BRIDGING_SECTORS or kind in BRIDGING_KINDS:
        return "bridging"
    return "bridging" if met_through_activity(met_through) else "bonding"


def _text(col: Any, n: int | None, what: str) -> Any:
    """A text column as a numpy array of ``str`` or ``bytes`` (objects: ``None`` as ``""``); a scalar repeated."""
    import numpy as np

    arr = np.asarray(col)
    if arr.ndim == 0:
        arr = np.full(n or 0, arr.item(), dtype=object)
    if arr.dtype.kind == "O":
        arr = np.array(["" if v is None else v.decode() if isinstance(v, bytes) else str(v) for v in arr.tolist()])
    if arr.dtype.kind not in "SU" and arr.size:
        raise ValidationError(f"{what} must be a column of text, got dtype {arr.dtype}", field=what)
    if n is not None and arr.shape != (n,):
        raise ValidationError(f"{what} has {arr.shape} values, the sectors {n}", field=what)
    return arr.astype(str) if arr.size == 0 else arr


def _isin(arr: Any, values: Iterable[str]) -> Any:
    """``np.isin`` of a str or bytes column and some texts."""
    import numpy as np

    vals = list(values)
    return np.isin(arr, [v.encode() for v in vals] if arr.dtype.kind == "S" else vals)


def _flags(col: Any, n: int, what: str) -> Any:
    """A column of true/false as a numpy bool array (``True``/1 are true; ``False``, 0, -1 and ``None`` are not)."""
    import numpy as np

    arr = np.asarray(col)
    if arr.ndim == 0:
        arr = np.full(n, arr.item())
    if arr.shape != (n,):
        raise ValidationError(f"{what} has {arr.shape} values, the sectors {n}", field=what)
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind in "iuf":
        return arr == 1
    return np.array([v is True or (not isinstance(v, (str, bytes)) and v == 1) for v in arr.tolist()], dtype=bool)


def capital_columns(
    sector: Sequence[str] | Any,
    kind: Sequence[str] | Any,
    is_professional: Sequence[bool] | Any,
    *,
    met_through: Sequence[str] | Any | None = None,
    met_through_activity: Sequence[bool] | Any | None = None,
    family_sector: Sequence[bool] | Any = False,
    codes: bool = False,
) -> Any:
    """:func:`default_capital` for many alters at once (numpy arrays, pandas Series or lists).

    Text columns may be ``str``, ``bytes`` (as ``Store.read_columns`` gives them) or objects with
    ``None`` for missing; true/false columns ``bool`` or integers (1 is true; 0 and -1 are not).

    Parameters
    ----------
    sector, kind : array-like of str
        Each alter's sector key and kind.
    is_professional : array-like of bool
        Paid or professional support.
    met_through : array-like of str, optional
        Where they met; or give ``met_through_activity`` (not both).
    met_through_activity : array-like of bool, optional
        Whether ``met_through`` names an activity, as a team store's research views give it.
        With neither, no alter was met through an activity.
    family_sector : array-like of bool, or bool
        The sector is one its scheme marks as family.
    codes : bool
        Give indices into :data:`egomap.fields.CAPITAL_TYPES` (int8) instead of the names.

    Returns
    -------
    numpy.ndarray
        The capital of each alter (``str`` names, or int8 codes).

    Examples
    --------
    >>> capital_columns(["household", "friends", "friends"], ["person"] * 3, [0, 0, 0],
    ...                 met_through=["", "choir", None]).tolist()
    ['bonding', 'bridging', 'bonding']
    >>> import numpy as np
    >>> capital_columns(np.array([b"friends"]), np.array([b"person"]), np.array([0]),
    ...                 met_through_activity=[True], codes=True).tolist()
    [1]
    """
    import numpy as np

    sec = _text(sector, None, "sector")
    n = len(sec)
    knd = _text(kind, n, "kind")
    bad = [
        k.decode() if isinstance(k, bytes) else str(k) for k in np.unique(knd) if not _isin(np.asarray([k]), KINDS)[0]
    ]
    if bad:
        raise ValidationError(
            f"unknown kind {bad[0]!r}: expected one of {', '.join(KINDS)}", field="kind", value=bad[0]
        )
    if met_through is not None and met_through_activity is not None:
        raise ValidationError("give met_through or met_through_activity, not both", field="met_through_activity")
    if met_through is not None:
        distinct, inverse = np.unique(_text(met_through, n, "met_through"), return_inverse=True)
        found = [
            _ACTIVITY.search(t.decode("utf-8", "replace") if isinstance(t, bytes) else t) for t in distinct.tolist()
        ]
        activity = np.array([f is not None for f in found], dtype=bool)[inverse.ravel()]
    elif met_through_activity is not None:
        activity = _flags(met_through_activity, n, "met_through_activity")
    else:
        activity = np.zeros(n, dtype=bool)
    prof = _flags(is_professional, n, "is_professional")
    family = _flags(family_sector, n, "family_sector")
    linking = prof | _isin(knd, ["organisation"]) | _isin(sec, LINKING_SECTORS)
    bonding = family | _isin(sec, BONDING_SECTORS) | _isin(knd, ["pet"])
    bridging = _isin(sec, BRIDGING_SECTORS) | _isin(knd, BRIDGING_KINDS) | activity
    out = np.select(
        [linking, bonding, bridging],
        [CAPITAL_TYPES.index(t) for t in ("linking", "bonding", "bridging")],
        default=CAPITAL_TYPES.index("bonding"),
    ).astype(np.int8)
    return out if codes else np.asarray(CAPITAL_TYPES)[out]


def activity_sql_pattern() -> str:
    """The PostgreSQL regular expression (for ``~*``) that matches as :func:`met_through_activity` does.

    The same text as the Python pattern, built from :data:`ACTIVITY_WORDS`: word boundaries
    are spelt out as "no ASCII letter or digit before or after" (PostgreSQL 9.6+ lookbehind), so
    both engines agree whatever the database's locale.

    Examples
    --------
    >>> p = activity_sql_pattern()
    >>> p.startswith("(?<![A-Za-z0-9])(?:") and "|clubhouse|" in p and "'" not in p
    True
    """
    return _PATTERN


def activity_sql(column: str = "met_through") -> str:
    """A SQL expression saying whether ``column`` names an activity (``NULL`` as no): a boolean for a view.

    Examples
    --------
    >>> activity_sql("a.met_through")[:40]
    "(coalesce(a.met_through, '') ~* '(?<![A-"
    """
    if not isinstance(column, str) or not _IDENTIFIER.match(column):
        raise ValidationError(f"not a plain SQL column name: {column!r}", field="column", value=column)
    return f"(coalesce({column}, '') ~* '{_PATTERN}')"
