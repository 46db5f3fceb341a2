"""Hostile text: one list of strings through every writable field and every writer.

Each string is either refused with a ValidationError naming the field, or comes
back identical from every format, and every written file stays well-formed.
"""

from __future__ import annotations

import pytest

import egomap as em
from egomap import fields as _f

#: Characters the one text rule of the vocabulary refuses (egomap.fields.check_chars).
REFUSED_CHARS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufffe", "\uffff", "\U0001fffe",
                 "\ufdd0", "\ud800", "\udfff"]  # fmt: skip


def _text_fields() -> list[_f.Field]:
    return [f for f in _f.FIELDS if f.type in ("label", "text")]


@pytest.mark.parametrize("f", _text_fields(), ids=lambda f: f"{f.owner}.{f.name}")
@pytest.mark.parametrize("ch", REFUSED_CHARS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_text_field_refuses_bad_characters(f, ch):
    with pytest.raises(em.ValidationError, match=f"^{f.name} must not contain") as e:
        f.clean(f"a{ch}b")
    assert e.value.field == f.name


@pytest.mark.parametrize("f", _text_fields(), ids=lambda f: f"{f.owner}.{f.name}")
def test_line_breaks_only_in_multiline_fields(f):
    multiline = f.max_len >= _f.MAX_TEXT
    for ch in "\n\t":
        if multiline:
            assert f.clean(f"a{ch}b") == f"a{ch}b"
        else:
            with pytest.raises(em.ValidationError, match=f"^{f.name} must not contain control characters"):
                f.clean(f"a{ch}b")
    with pytest.raises(em.ValidationError, match="control characters"):
        f.clean("a\rb")


def test_a_lone_surrogate_never_reaches_sqlite(store):
    """Every API call that takes text refuses a lone surrogate with a ValidationError naming the field."""
    bad = "a\ud800b"
    p = store.add_person("R-1")
    m = p.new_map("Baseline")
    a = m.add_alter("Mum", ring=0, sector="family")
    g = m.add_goal("Go to football")
    calls = {
        "person id": lambda: store.add_person(bad),
        "display_name": lambda: p.update(display_name=bad),
        "map label": lambda: p.new_map(bad),
        "notes": lambda: m.update_map(notes=bad),
        "label": lambda: m.add_alter(bad, ring=0, sector="family"),
        "relationship": lambda: m.update(a, relationship=bad),
        "met_through": lambda: m.update(a, met_through=bad),
        "note": lambda: m.update(a, note=bad),
        "goal text": lambda: m.update_goal(g, text=bad),
        "goal step": lambda: m.update_goal(g, steps=["ok", bad]),
    }
    for field, call in calls.items():
        with pytest.raises(em.ValidationError) as e:
            call()
        assert e.value.field == field, (field, str(e.value))
    with pytest.raises(em.ValidationError):
        store.person(bad)
    q = store.person("R-1")
    assert q.display_name is None and q.maps[0].alters[0].relationship == ""
