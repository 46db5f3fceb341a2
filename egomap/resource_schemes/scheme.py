"""Resource schemes: what the people on a map could help with, as items grouped in domains.

A resource scheme is to resources what a ring scheme is to rings: a named list of items, each
with the plain-English prompt a practitioner reads out ("Who could lend you a small sum of
money?"), grouped in domains (help at home, expert advice, ...). A map keeps the scheme it was
asked with, like its rings; for each item it records who could provide it.

egomap ships one scheme of its own, :data:`DEFAULT_RESOURCES` (``"egomap_resources"``: 20 items
in 5 domains, written for people recovering from mental illness). It follows the idea of a
resource generator (Webber & Huxley 2007) without its wording: egomap ships no other authors'
items. A published instrument's items can be loaded from a CSV or YAML file the user supplies
(:func:`egomap.resource_schemes.read_resource_scheme`, in ``files.py``).

Examples
--------
>>> from egomap.resource_schemes import resource_scheme
>>> s = resource_scheme()
>>> s.name, len(s.keys), s.domain_keys[:2]
('egomap_resources', 20, ('help_at_home', 'expert_advice'))
>>> s.item("small_loan").prompt
'Who could lend you a small sum of money?'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from egomap.checks import MAX_LABEL, MAX_TEXT, check_chars, check_label
from egomap.errors import NotFoundError, ValidationError

__all__ = [
    "ResourceDomain",
    "ResourceItem",
    "ResourceScheme",
    "RESOURCE_SCHEMES",
    "DEFAULT_RESOURCES",
    "MAX_PROMPT",
    "MAX_KEY",
    "resource_scheme",
    "register_resource_scheme",
    "check_key",
    "humanise_key",
    "default_item_label",
]

#: Longest prompt accepted (characters, one line).
MAX_PROMPT = 300
#: Longest item or domain key accepted (characters).
MAX_KEY = 40
_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")


def check_key(value: object, what: str) -> str:
    """A short snake_case id (lower-case letters, digits and ``_``, starting with a letter), else a ValidationError.

    Examples
    --------
    >>> check_key("small_loan", "item key")
    'small_loan'
    >>> check_key("Small loan", "item key")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: item key 'Small loan' must be a short snake_case id: lower-case letters, digits and _, starting with a letter (at most 40 characters)
    """
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text, got {type(value).__name__} {value!r}", field=what, value=value)
    if not _KEY.match(value) or len(value) > MAX_KEY:
        raise ValidationError(
            f"{what} {value!r} must be a short snake_case id: lower-case letters, digits and _, "
            f"starting with a letter (at most {MAX_KEY} characters)",
            field=what,
            value=value,
        )
    return value


@dataclass(frozen=True)
class ResourceDomain:
    """A group of resource items: a ``key`` used in code and data (``"expert_advice"``) and a ``label`` shown to people.

    Examples
    --------
    >>> ResourceDomain("expert_advice", "Expert advice").label
    'Expert advice'
    """

    key: str
    label: str

    def __post_init__(self) -> None:
        check_key(self.key, "domain key")
        object.__setattr__(self, "label", check_label(self.label, "domain label"))


@dataclass(frozen=True)
class ResourceItem:
    """One resource item: its ``key``, the ``domain`` key it belongs to, a short ``label`` and the ``prompt`` read out.

    Examples
    --------
    >>> ResourceItem("small_loan", "help_at_home", "Lend a small sum", "Who could lend you a small sum of money?").domain
    'help_at_home'
    >>> ResourceItem("x", "help_at_home", "X", "")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: item prompt must not be empty
    """

    key: str
    domain: str
    label: str
    prompt: str

    def __post_init__(self) -> None:
        check_key(self.key, "item key")
        check_key(self.domain, "item domain")
        object.__setattr__(self, "prompt", check_label(self.prompt, "item prompt", max_len=MAX_PROMPT))
        object.__setattr__(self, "label", check_label(self.label, "item label"))


@dataclass(frozen=True)
class ResourceScheme:
    """A named list of resource items grouped in domains.

    Parameters
    ----------
    name : str
        Short name, e.g. ``"egomap_resources"``.
    domains : iterable of ResourceDomain
        The domains, in the order they are shown.
    items : iterable of ResourceItem
        The items, in the order they are asked; each in one of ``domains``.
    title : str
        Human-readable title (the name if empty).
    description : str
        Where the items come from and how to use them.

    Examples
    --------
    >>> s = ResourceScheme(
    ...     "tiny",
    ...     [ResourceDomain("home", "Help at home")],
    ...     [ResourceItem("lift", "home", "A lift", "Who could give you a lift?")],
    ... )
    >>> s.keys, s.domain_keys, [i.key for i in s.items_in("home")]
    (('lift',), ('home',), ['lift'])
    >>> s.item("loan")
    Traceback (most recent call last):
    ...
    egomap.errors.ValidationError: unknown resource item 'loan': scheme 'tiny' has items lift
    """

    name: str
    domains: tuple[ResourceDomain, ...]
    items: tuple[ResourceItem, ...]
    title: str = ""
    description: str = ""
    _index: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    def __init__(
        self,
        name: str,
        domains: Iterable[ResourceDomain],
        items: Iterable[ResourceItem],
        title: str = "",
        description: str = "",
    ) -> None:
        name = check_label(name, "resource scheme name")
        domains, items = tuple(domains), tuple(items)
        for what, parts, cls in (("domain", domains, ResourceDomain), ("item", items, ResourceItem)):
            bad = [p for p in parts if not isinstance(p, cls)]
            if bad:
                raise ValidationError(
                    f"resource scheme {name!r}: each {what} must be a {cls.__name__}, got {bad[0]!r}", field=f"{what}s"
                )
        if not items:
            raise ValidationError(f"resource scheme {name!r} needs at least one item", field="items")
        for what, keys in (("domain", [d.key for d in domains]), ("item", [i.key for i in items])):
            dup = sorted({k for k in keys if keys.count(k) > 1})
            if dup:
                raise ValidationError(
                    f"resource scheme {name!r} repeats the {what} key {dup[0]!r}", field=what, value=dup[0]
                )
        known = {d.key for d in domains}
        for i in items:
            if i.domain not in known:
                raise ValidationError(
                    f"resource item {i.key!r} is in unknown domain {i.domain!r}: "
                    f"scheme {name!r} has domains {', '.join(d.key for d in domains)}",
                    field="domain",
                    value=i.domain,
                )
        empty = [d.key for d in domains if not any(i.domain == d.key for i in items)]
        if empty:
            raise ValidationError(f"resource scheme {name!r}: domain {empty[0]!r} has no items", field="domain")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "domains", domains)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "title", check_label(title or name, "resource scheme title", max_len=MAX_PROMPT))
        desc = "" if description is None else description
        object.__setattr__(self, "description", check_chars(str(desc), "resource scheme description", multiline=True))
        if len(self.description) > MAX_TEXT:
            raise ValidationError(f"resource scheme description is too long (at most {MAX_TEXT})", field="description")
        object.__setattr__(self, "_index", {i.key: i for i in items})

    def __len__(self) -> int:
        return len(self.items)

    @property
    def keys(self) -> tuple[str, ...]:
        """Item keys in the order they are asked."""
        return tuple(i.key for i in self.items)

    @property
    def domain_keys(self) -> tuple[str, ...]:
        """Domain keys in order."""
        return tuple(d.key for d in self.domains)

    def item(self, key: object) -> ResourceItem:
        """The item of ``key``, or a :class:`~egomap.errors.ValidationError` naming it."""
        try:
            return self._index[key]
        except (KeyError, TypeError):
            raise ValidationError(
                f"unknown resource item {key!r}: scheme {self.name!r} has items {', '.join(self.keys)}",
                field="item",
                value=key,
            ) from None

    def check(self, key: object) -> str:
        """``key`` if it is an item of this scheme, else a ValidationError naming it."""
        return self.item(key).key

    def domain(self, key: object) -> ResourceDomain:
        """The domain of ``key``, or a ValidationError naming it.

        Examples
        --------
        >>> resource_scheme().domain("skills").label
        'Skills'
        """
        for d in self.domains:
            if d.key == key:
                return d
        raise ValidationError(
            f"unknown resource domain {key!r}: scheme {self.name!r} has domains {', '.join(self.domain_keys)}",
            field="domain",
            value=key,
        )

    def items_in(self, domain: str) -> tuple[ResourceItem, ...]:
        """The items of one domain, in order (a ValidationError for an unknown domain)."""
        self.domain(domain)
        return tuple(i for i in self.items if i.domain == domain)

    def to_dict(self) -> dict:
        """Plain-data form (for storage and JSON); :meth:`from_dict` reads it back.

        Examples
        --------
        >>> s = resource_scheme()
        >>> ResourceScheme.from_dict(s.to_dict()) == s
        True
        """
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "domains": [{"key": d.key, "label": d.label} for d in self.domains],
            "items": [{"key": i.key, "domain": i.domain, "label": i.label, "prompt": i.prompt} for i in self.items],
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> ResourceScheme:
        """Inverse of :meth:`to_dict`; also reads the nested form of a YAML file (items inside their domain).

        Examples
        --------
        >>> ResourceScheme.from_dict({"name": "x", "domains": [
        ...     {"key": "home", "label": "Home", "items": [{"key": "lift", "prompt": "Who could give you a lift?"}]}
        ... ]}).item("lift").label
        'Who could give you a lift?'
        """
        if not isinstance(d, Mapping):
            raise ValidationError(
                f"a resource scheme must be a mapping, got {type(d).__name__}", field="resource_scheme"
            )
        domains, items = [], []
        for dom in _list(d, "domains"):
            key = _get(dom, "key", "domain")
            domains.append(ResourceDomain(key, _get(dom, "label", "domain", default=humanise_key(key))))
            for it in _list(dom, "items", required=False):
                items.append(_item(it, key))
        for it in _list(d, "items", required=False):
            items.append(_item(it, _get(it, "domain", "item")))
        return cls(
            _get(d, "name", "resource scheme"),
            domains,
            items,
            _get(d, "title", "resource scheme", default=""),
            _get(d, "description", "resource scheme", default=""),
        )


def _list(d: Mapping, key: str, *, required: bool = True) -> list:
    if not isinstance(d, Mapping):
        raise ValidationError(f"expected a mapping with {key!r}, got {d!r}", field=key)
    value = d.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{key} must be a list, got {value!r}", field=key, value=value)
    return value


def _get(d: Mapping, key: str, what: str, default: object = None) -> str:
    if not isinstance(d, Mapping):
        raise ValidationError(f"each {what} must be a mapping with {key!r}, got {d!r}", field=key)
    value = d.get(key, default)
    if value is None:
        raise ValidationError(f"{what} {key} is missing", field=key)
    if not isinstance(value, str):
        raise ValidationError(
            f"{what} {key} must be text, got {type(value).__name__} {value!r} (in YAML, put it in quotes)",
            field=key,
            value=value,
        )
    return value


def _item(it: Mapping, domain: str) -> ResourceItem:
    key, prompt = _get(it, "key", "item"), _get(it, "prompt", "item")
    return ResourceItem(key, domain, _get(it, "label", "item", default=default_item_label(key, prompt)), prompt)


def humanise_key(key: str) -> str:
    """``"help_at_home"`` -> ``"Help at home"``."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def default_item_label(key: str, prompt: str) -> str:
    """An item's label when none is given: its prompt if short enough, else its key in words."""
    return prompt if 0 < len(prompt.strip()) <= MAX_LABEL else humanise_key(key)


RESOURCE_SCHEMES: dict[str, ResourceScheme] = {}


def register_resource_scheme(scheme: ResourceScheme, *, replace: bool = False) -> None:
    """Make a resource scheme available by name.

    Registering the same scheme again is harmless; another scheme of the same name needs ``replace=True``.

    Examples
    --------
    >>> s = ResourceScheme("lifts", [ResourceDomain("home", "Home")],
    ...                    [ResourceItem("lift", "home", "A lift", "Who could give you a lift?")])
    >>> register_resource_scheme(s, replace=True)
    >>> resource_scheme("lifts").keys
    ('lift',)
    """
    if not isinstance(scheme, ResourceScheme):
        raise ValidationError(f"not a resource scheme: {scheme!r}", field="scheme")
    if scheme.name in RESOURCE_SCHEMES and not replace and RESOURCE_SCHEMES[scheme.name] != scheme:
        raise ValidationError(
            f"a resource scheme named {scheme.name!r} already exists; pass replace=True to replace it",
            field="name",
            value=scheme.name,
        )
    RESOURCE_SCHEMES[scheme.name] = scheme


def resource_scheme(scheme: str | ResourceScheme | Mapping = "egomap_resources") -> ResourceScheme:
    """Look up a resource scheme by name (or pass one through).

    Parameters
    ----------
    scheme : str, ResourceScheme or mapping
        A registered name, a scheme (returned as is), or its :meth:`ResourceScheme.to_dict` form.

    Returns
    -------
    ResourceScheme

    Raises
    ------
    NotFoundError
        If no scheme of that name is registered.

    Examples
    --------
    >>> [d.label for d in resource_scheme("egomap_resources").domains]
    ['Help at home', 'Expert advice', 'Skills', 'Problem solving', 'Emotional support']
    """
    if isinstance(scheme, ResourceScheme):
        return scheme
    if isinstance(scheme, Mapping):
        return ResourceScheme.from_dict(scheme)
    try:
        return RESOURCE_SCHEMES[scheme]  # type: ignore[index]
    except (KeyError, TypeError):
        known = ", ".join(sorted(RESOURCE_SCHEMES))
        raise NotFoundError(f"unknown resource scheme {scheme!r}; known: {known}") from None


def _d(key: str, label: str) -> ResourceDomain:
    return ResourceDomain(key, label)


def _i(domain: str, key: str, label: str, prompt: str) -> ResourceItem:
    return ResourceItem(key, domain, label, prompt)


_H, _E, _S, _P, _M = "help_at_home", "expert_advice", "skills", "problem_solving", "emotional_support"

#: egomap's own default scheme as shipped. The stores keep no copy of it on a map (NULL in
#: ``maps.resource_scheme`` means this scheme), so its wording is frozen: a changed default
#: needs a new name, and a migration that writes this one's JSON into the maps that used it.
BUILTIN_RESOURCES = ResourceScheme(
    "egomap_resources",
    [
        _d(_H, "Help at home"),
        _d(_E, "Expert advice"),
        _d(_S, "Skills"),
        _d(_P, "Problem solving"),
        _d(_M, "Emotional support"),
    ],
    [
        _i(_H, "small_loan", "Lend a small sum of money", "Who could lend you a small sum of money?"),
        _i(
            _H,
            "move_or_carry",
            "Help moving or carrying",
            "Who could help you move house or carry something heavy?",
        ),
        _i(
            _H,
            "mind_home",
            "Look after your home or pet",
            "Who could look after your home, post or pet if you were away?",
        ),
        _i(
            _H,
            "shopping_unwell",
            "Shopping when you are unwell",
            "Who could do some shopping for you if you were unwell?",
        ),
        _i(_E, "job_advice", "Advice about a job or training", "Who could give you advice about a job or training?"),
        _i(
            _E,
            "official_letters",
            "Letters from the council or benefits",
            "Who could help you with a letter from the council or benefits?",
        ),
        _i(
            _E,
            "health_advice",
            "Questions about health or medication",
            "Who could you ask about your health or your medication?",
        ),
        _i(
            _E,
            "housing_advice",
            "Advice about housing",
            "Who could give you advice about housing or a problem with a landlord?",
        ),
        _i(
            _S,
            "phone_computer",
            "Help with a phone, computer or online form",
            "Who could help you with a phone, a computer or a form online?",
        ),
        _i(
            _S,
            "fix_things",
            "Fix something at home",
            "Who could help you fix something, like a dripping tap or a bike?",
        ),
        _i(
            _S,
            "teach_something",
            "Teach you something new",
            "Who could teach you something new, like cooking, a sport or a craft?",
        ),
        _i(
            _S,
            "cv_interview",
            "A CV or a job interview",
            "Who could help you write a CV or practise for an interview?",
        ),
        _i(
            _P,
            "money_trouble",
            "Sort out money problems",
            "Who could help you sort out a problem with money or debts?",
        ),
        _i(_P, "big_decision", "Think through a decision", "Who could help you think through a big decision?"),
        _i(_P, "speak_up", "Speak up for you", "Who could speak up for you or come with you to an appointment?"),
        _i(
            _P,
            "meet_people",
            "Introduce you to new people",
            "Who could introduce you to new people or a group you might enjoy?",
        ),
        _i(_M, "talk_worries", "Talk about worries", "Who could you talk to when you feel worried or low?"),
        _i(_M, "crisis_call", "Call in a crisis", "Who could you call, day or night, if things got really bad?"),
        _i(_M, "good_news", "Share good news", "Who would you tell first about some good news?"),
        _i(_M, "company", "Spend time together", "Who could you spend a free afternoon with, just for company?"),
    ],
    "egomap resources (20 items in 5 domains)",
    "egomap's own resource items, written for people recovering from mental illness: who could help "
    "at home, give expert advice, share skills, help solve problems and give emotional support. After "
    "the idea of a resource generator (Webber & Huxley 2007), in egomap's own words.",
)
register_resource_scheme(BUILTIN_RESOURCES)

#: The default resource scheme's name.
DEFAULT_RESOURCES = "egomap_resources"
