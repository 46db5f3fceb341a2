"""Resource schemes (issue 17): the classes, the registry, egomap's default scheme, and a user's CSV or YAML file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import egomap as em
from egomap.errors import InputFileError, NotFoundError, ValidationError
from egomap.fields import MAX_LABEL
from egomap.resource_schemes import (
    DEFAULT_RESOURCES,
    MAX_PROMPT,
    RESOURCE_SCHEMES,
    ResourceDomain,
    ResourceItem,
    ResourceScheme,
    read_resource_scheme,
    register_resource_scheme,
    resource_scheme,
)


@pytest.fixture
def registry():
    """Only egomap's own scheme registered (doctests may have added others), the registry put back after the test."""
    saved = dict(RESOURCE_SCHEMES)
    RESOURCE_SCHEMES.clear()
    RESOURCE_SCHEMES[em.resource_schemes.DEFAULT_RESOURCES] = em.resource_schemes.BUILTIN_RESOURCES
    yield RESOURCE_SCHEMES
    RESOURCE_SCHEMES.clear()
    RESOURCE_SCHEMES.update(saved)


def tiny(name: str = "tiny", prompt: str = "Who could give you a lift?") -> ResourceScheme:
    return ResourceScheme(
        name,
        [ResourceDomain("home", "Help at home"), ResourceDomain("talk", "Someone to talk to")],
        [
            ResourceItem("lift", "home", "A lift", prompt),
            ResourceItem("listen", "talk", "Listen", "Who would listen to you?"),
            ResourceItem("loan", "home", "A loan", "Who could lend you some money?"),
        ],
        "Tiny",
        "Three items.\nTwo domains.",
    )


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


def error_of(path: Path, **kw) -> InputFileError:
    with pytest.raises(InputFileError) as e:
        read_resource_scheme(path, **kw)
    assert e.value.path == str(path) and str(path) in str(e.value)
    return e.value


# --------------------------------------------------------------------------- the default scheme


def test_the_default_scheme_is_egomaps_own_20_items_in_5_domains():
    s = resource_scheme()
    assert s is resource_scheme(DEFAULT_RESOURCES) is em.resource_scheme("egomap_resources")
    assert 15 <= len(s.keys) <= 25 and len(s) == 20 and 4 <= len(s.domains) <= 5
    assert [d.label for d in s.domains] == [
        "Help at home",
        "Expert advice",
        "Skills",
        "Problem solving",
        "Emotional support",
    ]
    assert all(len(s.items_in(d)) == 4 for d in s.domain_keys)
    prompts = [i.prompt for i in s.items]
    assert "Who could lend you a small sum of money?" in prompts
    assert "Who could help you move house or carry something heavy?" in prompts
    assert "Who could give you advice about a job or training?" in prompts
    assert "Who could help you with a letter from the council or benefits?" in prompts
    for i in s.items:  # plain English: one short question each, and a short label for lists
        assert re.fullmatch(r"Who [^?]{10,80}\?", i.prompt), i.prompt
        assert i.label and len(i.label) <= MAX_LABEL and i.label != i.prompt
    assert len(set(prompts)) == len(prompts) and len({i.label for i in s.items}) == len(s)


def test_keys_are_in_order_and_items_are_looked_up_by_key():
    s = tiny()
    assert s.keys == ("lift", "listen", "loan") and s.domain_keys == ("home", "talk")
    assert [i.key for i in s.items_in("home")] == ["lift", "loan"]
    assert (
        s.item("listen").domain == "talk"
        and s.check("loan") == "loan"
        and s.domain("talk").label == "Someone to talk to"
    )
    for bad in ("nothing", None, 3):
        with pytest.raises(ValidationError, match=re.escape(repr(bad))) as e:
            s.item(bad)
        assert e.value.field == "item" and "lift, listen, loan" in str(e.value)
    with pytest.raises(ValidationError, match="unknown resource domain 'garden'"):
        s.items_in("garden")


# --------------------------------------------------------------------------- registry and plain data


def test_to_dict_and_from_dict_round_trip_through_json():
    for s in (tiny(), resource_scheme()):
        d = json.loads(json.dumps(s.to_dict()))
        back = ResourceScheme.from_dict(d)
        assert back == s and back.to_dict() == s.to_dict() and back.description == s.description
        assert resource_scheme(d) == s
    assert tiny().to_dict()["items"][0] == {
        "key": "lift",
        "domain": "home",
        "label": "A lift",
        "prompt": "Who could give you a lift?",
    }


def test_from_dict_reads_the_nested_form_and_names_what_is_missing():
    s = ResourceScheme.from_dict(
        {"name": "n", "domains": [{"key": "home", "items": [{"key": "lift", "prompt": "Who could give you a lift?"}]}]}
    )
    assert s.domains == (ResourceDomain("home", "Home"),) and s.item("lift").label == "Who could give you a lift?"
    with pytest.raises(ValidationError, match="resource scheme name is missing"):
        ResourceScheme.from_dict({"domains": []})
    with pytest.raises(ValidationError, match="domains must be a list"):
        ResourceScheme.from_dict({"name": "n", "domains": "home"})
    with pytest.raises(ValidationError, match="item prompt must be text, got int 3"):
        ResourceScheme.from_dict({"name": "n", "domains": [{"key": "h", "items": [{"key": "x", "prompt": 3}]}]})
    with pytest.raises(ValidationError, match="must be a mapping"):
        ResourceScheme.from_dict(["name"])  # type: ignore[arg-type]


def test_registry(registry):
    s = tiny("lifts")
    register_resource_scheme(s)
    assert resource_scheme("lifts") is s and em.resource_scheme(s) is s
    register_resource_scheme(tiny("lifts"))  # the same scheme again: harmless
    other = tiny("lifts", prompt="Who could drive you somewhere?")
    with pytest.raises(ValidationError, match="already exists; pass replace=True"):
        register_resource_scheme(other)
    assert resource_scheme("lifts") == s
    em.register_resource_scheme(other, replace=True)
    assert resource_scheme("lifts").item("lift").prompt == "Who could drive you somewhere?"
    with pytest.raises(NotFoundError, match="unknown resource scheme 'nope'; known: egomap_resources, lifts"):
        resource_scheme("nope")
    with pytest.raises(ValidationError, match="not a resource scheme"):
        register_resource_scheme({"name": "x"})  # type: ignore[arg-type]


# --------------------------------------------------------------------------- checks of the parts


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: ResourceItem("Small loan", "home", "L", "Who?"),
            "item key 'Small loan' must be a short snake_case id",
        ),
        (lambda: ResourceItem("1st", "home", "L", "Who?"), "item key '1st' must be a short snake_case id"),
        (lambda: ResourceItem("a" * 41, "home", "L", "Who?"), "at most 40 characters"),
        (lambda: ResourceItem("loan", "Home", "L", "Who?"), "item domain 'Home'"),
        (lambda: ResourceItem("loan", "home", "L", ""), "item prompt must not be empty"),
        (lambda: ResourceItem("loan", "home", "L", "W" * (MAX_PROMPT + 1)), "item prompt is too long"),
        (lambda: ResourceItem("loan", "home", "", "Who?"), "item label must not be empty"),
        (lambda: ResourceItem("loan", "home", "L" * (MAX_LABEL + 1), "Who?"), "item label is too long"),
        (lambda: ResourceItem(3, "home", "L", "Who?"), "item key must be text, got int 3"),
        (lambda: ResourceDomain("home", "  "), "domain label must not be empty"),
    ],
)
def test_bad_parts_are_refused_naming_the_field(make, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        make()


@pytest.mark.parametrize("bad", ["\x07", "\u2028", "\ud800", "\ufffe", "\n"])
def test_the_text_rule_applies_to_every_text(bad):
    """The characters egomap refuses everywhere (egomap.checks.check_chars) are refused in every text of a scheme."""
    texts = [
        lambda: ResourceItem("loan", "home", f"A{bad}B", "Who?"),
        lambda: ResourceItem("loan", "home", "A", f"Who{bad}?"),
        lambda: ResourceDomain("home", f"Home{bad}s"),
        lambda: ResourceScheme(f"n{bad}n", [ResourceDomain("h", "H")], [ResourceItem("x", "h", "X", "Who?")]),
        lambda: ResourceScheme("n", [ResourceDomain("h", "H")], [ResourceItem("x", "h", "X", "Who?")], f"T{bad}T"),
    ]
    for make in texts:
        with pytest.raises(ValidationError, match="must not contain"):
            make()
    if bad != "\n":  # a description may have line breaks
        with pytest.raises(ValidationError, match="description must not contain"):
            ResourceScheme("n", [ResourceDomain("h", "H")], [ResourceItem("x", "h", "X", "Who?")], "", f"D{bad}")


def test_a_scheme_is_checked_as_a_whole():
    home, lift = ResourceDomain("home", "Home"), ResourceItem("lift", "home", "Lift", "Who could give you a lift?")
    cases = [
        (([home], [lift, lift]), "repeats the item key 'lift'"),
        (([home, home], [lift]), "repeats the domain key 'home'"),
        (([ResourceDomain("talk", "Talk")], [lift]), "resource item 'lift' is in unknown domain 'home'"),
        (([home, ResourceDomain("talk", "Talk")], [lift]), "domain 'talk' has no items"),
        (([home], []), "needs at least one item"),
        (([home], ["lift"]), "each item must be a ResourceItem"),
        ((["home"], [lift]), "each domain must be a ResourceDomain"),
    ]
    for (domains, items), message in cases:
        with pytest.raises(ValidationError, match=re.escape(message)):
            ResourceScheme("s", domains, items)
    with pytest.raises(ValidationError, match="resource scheme name must not be empty"):
        ResourceScheme(" ", [home], [lift])


# --------------------------------------------------------------------------- CSV files

GOOD_CSV = """\ufeffDomain,Item,Prompt,Label,Domain_label
Help at home,Q1,Who could lend you a small sum of money?,,
help_at_home,q2,Who could help you move house?,Moving house,

expert_advice,job,Who could give you advice about a job?,,Expert advice
Expert advice,letters,Who could help you with a letter about your benefits or your rent from the council?,,
"""


def test_a_csv_file_becomes_a_scheme(tmp_path):
    s = em.read_resource_scheme(write(tmp_path, "My items.csv", GOOD_CSV))
    assert s.name == "My items" and s.title == "My items"
    assert s.domains == (
        ResourceDomain("help_at_home", "Help at home"),
        ResourceDomain("expert_advice", "Expert advice"),
    )
    assert s.keys == ("q1", "q2", "job", "letters")
    assert s.item("q1").label == "Who could lend you a small sum of money?"  # no label: the prompt
    assert s.item("q2").label == "Moving house"
    assert s.item("letters").label == "Letters"  # the prompt is too long for a label: the key in words
    assert s.item("letters").prompt.endswith("from the council?")
    assert read_resource_scheme(tmp_path / "My items.csv", name="rg").name == "rg"


def test_a_csv_file_from_a_spreadsheet_with_semicolons_and_empty_columns(tmp_path):
    p = write(tmp_path, "rg.csv", "domain;item;prompt;;\nHäusliche Hilfe;geld;Wer könnte Ihnen Geld leihen?;;\n")
    s = read_resource_scheme(p)
    assert s.domains == (ResourceDomain("hausliche_hilfe", "Häusliche Hilfe"),)
    assert s.item("geld").prompt == "Wer könnte Ihnen Geld leihen?"


@pytest.mark.parametrize(
    "text, row, column, message",
    [
        ("domain,item,promt\nx,y,Who?\n", None, "promt", "unknown column; the columns are domain, item, prompt"),
        ("domain,item\nx,y\n", None, "prompt", "is missing; the header has domain, item"),
        ("domain,item,prompt,item\nx,y,Who?,z\n", None, "item", "appears twice in the header"),
        ("domain,item,prompt\n", None, None, "has a header but no rows"),
        ("domain,item,prompt\nx,a,Who?\nx,b,\n", 2, "prompt", "is empty; every item needs a prompt to read out"),
        ("domain,item,prompt\nx,a,  \n", 1, "prompt", "is empty; every item needs a prompt"),
        ("domain,item,prompt\n,a,Who?\n", 1, "domain", "is empty; every item needs a domain"),
        ("domain,item,prompt\nx,,Who?\n", 1, "item", "is empty; every item needs a key"),
        ("domain,item,prompt\nx,Q1,Who?\n\nx,q1,Who else?\n", 3, "item", "repeats the item key 'q1' of row 1"),
        (
            "domain,item,prompt,domain_label\nx,a,Who?,Home\nx,b,Who?,House\n",
            2,
            "domain_label",
            "domain 'x' is labelled 'Home' in row 1; give one label per domain",
        ),
        ("domain,item,prompt\nx,a,Who\x07?\n", 1, "prompt", "must not contain control characters (U+0007"),
        ("domain,item,prompt,label\nx,a,Who?,A\u2028B\n", 1, "label", "must not contain line or paragraph separators"),
        ("domain,item,prompt\nСемья,a,Who?\n", 1, "domain", "has no letters a-z or digits to make a key from"),
        ("domain,item,prompt\nx,1st,Who?\n", 1, "item", "item key '1st' must be a short snake_case id"),
        (f"domain,item,prompt\nx,a,{'W' * (MAX_PROMPT + 1)}\n", 1, "prompt", "item prompt is too long"),
        ("domain,item,prompt\nx,a,Who?,extra\n", 1, None, "has a cell 'extra' under no column of the header"),
        ('domain,item,prompt\nx,a,"Who?\n', None, None, "is not valid CSV"),
    ],
)
def test_every_problem_in_a_csv_file_names_file_row_and_column(tmp_path, text, row, column, message):
    e = error_of(write(tmp_path, "rg.csv", text))
    assert (e.row, e.column) == (row, column) and message in str(e), str(e)


def test_a_csv_file_that_is_missing_empty_or_not_text(tmp_path):
    assert "file not found" in str(error_of(tmp_path / "none.csv"))
    (tmp_path / "folder.csv").mkdir()
    assert "is a folder" in str(error_of(tmp_path / "folder.csv"))
    assert "is empty" in str(error_of(write(tmp_path, "empty.csv", "\n  \n")))
    e = error_of(write(tmp_path, "latin1.csv", "domain,item,prompt\nx,a,Qui pourrait vous prêter?\n".encode("latin-1")))
    assert "is not UTF-8 text (byte 0xea on line 2)" in str(e)
    assert "expected a .csv, .yaml or .yml file" in str(error_of(write(tmp_path, "items.xlsx", "x")))
    with pytest.raises(ValidationError, match="path must be a file name or path, got int 3"):
        read_resource_scheme(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- YAML files

GOOD_YAML = """\
name: my_generator
title: My resource generator
description: |
  Items from a published instrument,
  typed in by the team.
domains:
  - key: home
    label: Help at home
    items:
      - key: lift
        label: A lift
        prompt: Who could give you a lift?
      - key: loan
        prompt: Who could lend you some money?
  - key: Someone to talk to
    items:
      - {key: listen, prompt: "Who would listen to you?"}
"""


def test_a_yaml_file_becomes_a_scheme(tmp_path):
    p = write(tmp_path, "rg.yaml", GOOD_YAML)
    s = read_resource_scheme(p)
    assert (s.name, s.title) == ("my_generator", "My resource generator")
    assert s.description == "Items from a published instrument,\ntyped in by the team.\n"
    assert s.domains == (
        ResourceDomain("home", "Help at home"),
        ResourceDomain("someone_to_talk_to", "Someone to talk to"),
    )
    assert s.keys == ("lift", "loan", "listen") and s.item("loan").label == "Who could lend you some money?"
    assert read_resource_scheme(p, name="other").name == "other"
    assert read_resource_scheme(write(tmp_path, "unnamed.yml", GOOD_YAML.replace("name: my_generator\n", ""))).name == (
        "unnamed"
    )


def test_a_yaml_file_of_the_flat_form_round_trips_a_scheme(tmp_path):
    for s in (tiny(), resource_scheme()):
        p = write(tmp_path, f"{s.name}.yaml", yaml.safe_dump(s.to_dict(), allow_unicode=True, sort_keys=False))
        assert read_resource_scheme(p) == s


def test_a_yaml_file_is_data_never_code(tmp_path):
    marker = tmp_path / "ran"
    p = write(tmp_path, "evil.yaml", f"!!python/object/apply:os.system ['touch {marker}']\n")
    e = error_of(p)
    assert "is not valid YAML on line 1" in str(e) and "could not determine a constructor" in str(e)
    assert not marker.exists()


YAML_HEAD = "name: n\ndomains:\n  - key: home\n    items:\n"


@pytest.mark.parametrize(
    "text, row, column, message",
    [
        ("name: n\ndomains: [\n", None, None, "is not valid YAML on line 3"),
        ("- a\n- b\n", None, None, "must hold a mapping with name, title and domains"),
        ("name: n\n", None, "domains", "needs a list of domains"),
        ("name: n\ncolour: red\ndomains: []\n", None, "colour", "unknown key in the file"),
        (
            YAML_HEAD + "      - key: lift\n        prompt: Who?\n        colour: red\n",
            1,
            "colour",
            "unknown key in an item",
        ),
        (
            YAML_HEAD + "      - key: a\n        prompt: Who?\n      - key: A\n        prompt: Who else?\n",
            2,
            "key",
            "repeats the item key 'a' of item 1 (line 7)",
        ),
        (
            YAML_HEAD + "      - key: a\n        prompt: ''\n",
            1,
            "prompt",
            "is empty; every item needs a prompt to read out (line 5)",
        ),
        (YAML_HEAD + "      - key: a\n", 1, "prompt", "item prompt is missing (line 5)"),
        (
            YAML_HEAD + "      - key: a\n        prompt: Who?\n        label: yes\n",
            1,
            "label",
            "got bool True (put it in quotes)",
        ),
        (YAML_HEAD + '      - key: a\n        prompt: "Who\\a?"\n', 1, "prompt", "must not contain control characters"),
        (
            YAML_HEAD + "      - key: 1st\n        prompt: Who?\n",
            1,
            "key",
            "item key '1st' must be a short snake_case id",
        ),
        (YAML_HEAD + "      - just text\n", 1, None, "each item must be a mapping"),
        (
            "name: n\ndomains:\n  - key: home\nitems:\n  - {key: a, domain: work, prompt: 'Who?'}\n",
            1,
            "domain",
            "unknown domain 'work': the file's domains are home (line 5)",
        ),
        ("name: n\ndomains:\n  - key: home\n  - key: Home\n", None, "key", "repeats the domain key 'home' (line 4)"),
        (YAML_HEAD + "      - {key: a, prompt: 'Who?'}\n  - key: away\n", None, "domain", "domain 'away' has no items"),
        (
            'name: n\ndomains:\n  - key: home\n    label: "H\\u2029H"\n    items: [{key: a, prompt: "Who?"}]\n',
            None,
            "label",
            "must not contain",
        ),
        (
            YAML_HEAD.replace("name: n", 'name: n\ntitle: "T\\x07"') + "      - {key: a, prompt: 'Who?'}\n",
            None,
            "title",
            "title must not contain",
        ),
    ],
)
def test_every_problem_in_a_yaml_file_names_file_row_and_column(tmp_path, text, row, column, message):
    e = error_of(write(tmp_path, "rg.yaml", text))
    assert (e.row, e.column) == (row, column) and message in str(e), str(e)


def test_the_package_exports():
    for name in ("resource_scheme", "read_resource_scheme", "register_resource_scheme"):
        assert name in em.__all__ and callable(getattr(em, name))
    assert (
        em.ResourceScheme is ResourceScheme and em.ResourceItem is ResourceItem and em.ResourceDomain is ResourceDomain
    )
