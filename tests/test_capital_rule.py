"""The default social capital rule (issue 17): every sector and kind, the vectorised twin, and Python == PostgreSQL."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from egomap.errors import ValidationError
from egomap.fields import CAPITAL_TYPES, KINDS
from egomap.model.capital import (
    ACTIVITY_WORDS,
    activity_sql,
    activity_sql_pattern,
    capital_columns,
    default_capital,
    met_through_activity,
)
from egomap.schemes import SECTOR_SCHEMES, sector_scheme

#: What each sector of each shipped sector scheme is, written out by hand: the rule's first column.
SECTORS = {
    ("social_network_map", "household"): "family",
    ("social_network_map", "family"): "family",
    ("social_network_map", "work_school"): "bridging",
    ("social_network_map", "clubs_groups"): "bridging",
    ("social_network_map", "friends"): "open",
    ("social_network_map", "neighbours"): "bridging",
    ("social_network_map", "services"): "linking",
    ("four_quadrants", "family"): "family",
    ("four_quadrants", "friends"): "open",
    ("four_quadrants", "work_school"): "bridging",
    ("four_quadrants", "professional"): "linking",
    ("none", "all"): "open",
}
MET = {"": False, "Tuesday football club": True, "my sister": False, "volunteering at the food bank": True}


def expected(sector_kind: str, kind: str, professional: bool, activity: bool) -> str:
    """The rule as issue 17 states it, in its order: linking, bonding, bridging, then friends by met_through."""
    if professional or kind == "organisation" or sector_kind == "linking":
        return "linking"
    if sector_kind == "family" or kind == "pet":
        return "bonding"
    if sector_kind == "bridging" or kind in ("group", "online"):
        return "bridging"
    return "bridging" if activity else "bonding"


def combinations():
    for (scheme, sector), sector_kind in SECTORS.items():
        family = sector in sector_scheme(scheme).family_keys
        for kind, prof, met in itertools.product(KINDS, (False, True), MET):
            yield scheme, sector, family, kind, prof, met, expected(sector_kind, kind, prof, MET[met])


ALL = list(combinations())


def test_the_table_covers_every_sector_of_every_shipped_scheme():
    shipped = {"social_network_map", "four_quadrants", "none"}
    assert shipped <= set(SECTOR_SCHEMES)
    assert {(s, k) for s in shipped for k in sector_scheme(s).keys} == set(SECTORS)
    assert len(ALL) == len(SECTORS) * len(KINDS) * 2 * len(MET) == 480


@pytest.mark.parametrize("scheme, sector, family, kind, prof, met, want", ALL)
def test_the_rule_on_every_sector_kind_professional_and_met_through(scheme, sector, family, kind, prof, met, want):
    got = default_capital(sector, kind=kind, is_professional=prof, met_through=met, family_sector=family)
    assert got == want


def test_the_people_of_a_typical_map():
    """Worked by hand from the issue's descriptions of the three kinds of capital."""
    cases = [
        ("Mum", "household", "person", False, "", "bonding"),
        ("Gran", "family", "person", False, "", "bonding"),
        ("Rex the dog", "household", "pet", False, "", "bonding"),
        ("Jo, a school friend", "friends", "person", False, "school", "bonding"),
        ("Sam", "friends", "person", False, "Tuesday football club", "bridging"),
        ("Kim", "friends", "person", False, "art classes at the recovery college", "bridging"),
        ("Football coach", "clubs_groups", "person", False, "", "bridging"),
        ("Ann next door", "neighbours", "person", False, "", "bridging"),
        ("Hearing Voices group", "friends", "group", False, "", "bridging"),
        ("Gaming forum", "friends", "online", False, "", "bridging"),
        ("Manager at the café", "work_school", "person", False, "", "bridging"),
        ("Dr Shah", "services", "person", True, "", "linking"),
        ("Jobcentre", "friends", "organisation", False, "", "linking"),
        ("Aunt who is my support worker", "family", "person", True, "", "linking"),
    ]
    for who, sector, kind, prof, met, want in cases:
        assert default_capital(sector, kind=kind, is_professional=prof, met_through=met) == want, who


def test_a_users_own_family_sector_and_missing_met_through():
    assert default_capital("whanau", kind="person", is_professional=False, family_sector=True) == "bonding"
    assert default_capital("whanau", kind="person", is_professional=False) == "bonding"
    assert default_capital("whanau", kind="person", is_professional=False, met_through="church") == "bridging"
    assert default_capital("friends", kind="person", is_professional=False, met_through=None) == "bonding"  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown kind 'robot'"):
        default_capital("friends", kind="robot", is_professional=False)
    with pytest.raises(ValidationError, match="met_through must be text, got int 3"):
        default_capital("friends", kind="person", is_professional=False, met_through=3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- vectorised == scalar


def _columns():
    sector = [c[1] for c in ALL]
    family = np.array([c[2] for c in ALL])
    kind = [c[3] for c in ALL]
    prof = np.array([c[4] for c in ALL])
    met = [c[5] for c in ALL]
    want = np.array([c[6] for c in ALL])
    return sector, family, kind, prof, met, want


@pytest.mark.parametrize("form", ["str", "bytes", "object", "pandas", "list"])
def test_capital_columns_equals_default_capital_on_every_combination(form):
    sector, family, kind, prof, met, want = _columns()
    scalar = np.array(
        [
            default_capital(s, kind=k, is_professional=p, met_through=m, family_sector=f)
            for s, f, k, p, m in zip(sector, family, kind, prof, met)
        ]
    )
    assert (scalar == want).all()
    as_form = {
        "str": np.array,
        "bytes": lambda v: np.array([x.encode() for x in v]),
        "object": lambda v: np.array([x or None for x in v], dtype=object),  # None for missing text
        "pandas": lambda v: pd.Series(v, dtype=object),
        "list": list,
    }[form]
    prof_col = {
        "str": prof,
        "bytes": prof.astype(np.int64),
        "object": prof.astype(object),
        "pandas": pd.Series(prof),
        "list": list(prof),
    }[form]
    got = capital_columns(as_form(sector), as_form(kind), prof_col, met_through=as_form(met), family_sector=family)
    assert got.tolist() == scalar.tolist()
    codes = capital_columns(
        as_form(sector), as_form(kind), prof_col, met_through=as_form(met), family_sector=family, codes=True
    )
    assert codes.dtype == np.int8 and [CAPITAL_TYPES[c] for c in codes] == scalar.tolist()


def test_capital_columns_from_a_research_views_met_through_activity():
    """A researcher's columns: met_through_activity (bool, or int64 with -1 for missing) instead of met_through."""
    sector, family, kind, prof, met, want = _columns()
    activity = np.array([met_through_activity(m) for m in met])
    assert (
        capital_columns(sector, kind, prof, met_through_activity=activity, family_sector=family).tolist()
        == want.tolist()
    )
    as_int = np.where(activity, 1, np.where(np.arange(len(activity)) % 2, 0, -1)).astype(np.int64)
    assert (
        capital_columns(sector, kind, prof, met_through_activity=as_int, family_sector=family).tolist() == want.tolist()
    )
    no_met = capital_columns(sector, kind, prof, family_sector=family)  # neither: nobody met through an activity
    assert no_met.tolist() == [expected(SECTORS[(c[0], c[1])], c[3], c[4], False) for c in ALL]


def test_capital_columns_refuses_bad_columns():
    with pytest.raises(ValidationError, match="kind has"):
        capital_columns(["friends", "friends"], ["person"], [0, 0])
    with pytest.raises(ValidationError, match="unknown kind 'robot'"):
        capital_columns(np.array([b"friends"]), np.array([b"robot"]), [0])
    with pytest.raises(ValidationError, match="not both"):
        capital_columns(["friends"], ["person"], [0], met_through=["club"], met_through_activity=[True])
    with pytest.raises(ValidationError, match="is_professional has"):
        capital_columns(["friends"], ["person"], [0, 1])
    with pytest.raises(ValidationError, match="sector must be a column of text"):
        capital_columns(np.array([1.5]), ["person"], [0])
    assert capital_columns([], [], []).tolist() == []
    assert capital_columns(["friends", "services"], "person", False).tolist() == ["bonding", "linking"]


# --------------------------------------------------------------------------- the word list

#: Whole words only, in any case, with s/es/ing; never inside a longer word (decided for issue 17).
BOUNDARIES = {
    "Football club": True,
    "FOOTBALL CLUB": True,
    "the clubhouse on Mill Road": True,  # a Clubhouse (mental-health community) is a word of its own
    "clubhouses": True,
    "work": True,
    "working at Tesco": True,
    "homework club": True,  # "club"
    "homework": False,
    "network": False,
    "hometeam": False,
    "co-worker": True,
    "coworkers": True,
    "volunteering": True,
    "Volunteers' group": True,
    "art classes": True,
    "classroom": False,
    "class-room": True,
    "churches": True,
    "Drop-in centre": True,
    "school": False,  # old school friends are bonding: "school" is not an activity word
    "uni": True,
    "unit": False,
    "community": True,
    "communal": False,
    "my sister": False,
    "": False,
    "football_club": True,  # "_" is not a letter
    "club3": False,
    "3club": False,
    "Clubé": True,  # a non-ASCII letter ends a word
    "日本のclub": True,
    "WOR\u212a": False,  # KELVIN SIGN is not K
    "\u017fport": False,  # LONG S is not s
    "\u0130nternship": False,  # dotted capital I is not I
    "worked": False,
}


@pytest.mark.parametrize("text, want", BOUNDARIES.items())
def test_met_through_activity_word_boundaries(text, want):
    assert met_through_activity(text) is want
    assert met_through_activity(text.encode()) is want


def test_every_activity_word_matches_alone_and_not_inside_a_longer_word():
    assert len(set(ACTIVITY_WORDS)) == len(ACTIVITY_WORDS)
    for w in ACTIVITY_WORDS:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)?", w), w
        for form in (w, w.upper(), w.capitalize(), f"{w}s", f"{w}es", f"{w}ing", f"at the {w} on Fridays"):
            assert met_through_activity(form), form
        for inside in (f"x{w}", f"{w}x", f"{w}2", f"{w}sx"):
            assert not met_through_activity(inside), inside
    for w in ("club", "course", "class", "college", "work", "job", "group", "team", "volunteer", "church", "mosque"):
        assert w in ACTIVITY_WORDS  # the words issue 17 names
    for w in ("temple", "gym", "community", "centre", "project", "training"):
        assert w in ACTIVITY_WORDS


def texts_for_sql() -> list[str]:
    words = [f for w in ACTIVITY_WORDS for f in (w, w.upper(), f"{w}s", f"{w}ing", f"x{w}", f"{w}x", f"a {w}!")]
    return [*BOUNDARIES, *words, "İ work", "WORK", "naïve club", "Tuesday\tclub", "x\u00a0club\u00a0y"]


def test_activity_sql_is_a_plain_column_expression():
    assert activity_sql("a.met_through") == f"(coalesce(a.met_through, '') ~* '{activity_sql_pattern()}')"
    assert "'" not in activity_sql_pattern() and "\\" not in activity_sql_pattern()
    for bad in ("met_through; DROP TABLE alters", "a.b.c", "", "x'y"):
        with pytest.raises(ValidationError, match="not a plain SQL column name"):
            activity_sql(bad)


def _sql_results(url: str, texts: list[str]) -> dict[str, bool]:
    import psycopg

    with psycopg.connect(url) as con:
        rows = con.execute(f"SELECT t, {activity_sql('t')} FROM unnest(%s::text[]) AS t", [texts]).fetchall()
        assert con.execute(f"SELECT {activity_sql('t')} FROM (SELECT NULL::text AS t) AS n").fetchone() == (False,)
    return dict(rows)


def test_postgresql_matches_as_python_does(pg_cluster):
    texts = texts_for_sql()
    assert len(texts) > 400
    got = _sql_results(pg_cluster.new_db(), texts)
    wrong = {t: v for t, v in got.items() if v != met_through_activity(t)}
    assert not wrong and len(got) == len(set(texts))


def test_postgresql_matches_as_python_does_in_a_turkish_database(pg_cluster):
    """Case-insensitive matching must not depend on the database's locale (Turkish has a dotted and a dotless i)."""
    import psycopg

    name = "capital_tr"
    with psycopg.connect(pg_cluster.url(), autocommit=True) as con:
        try:
            con.execute(
                f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'tr-TR' LOCALE 'C.UTF-8'"
            )
        except psycopg.Error as e:  # pragma: no cover - a server built without ICU
            pytest.skip(f"no ICU locales on this server: {e}")
    try:
        texts = texts_for_sql()
        got = _sql_results(pg_cluster.url(name), texts)
        assert {t: v for t, v in got.items() if v != met_through_activity(t)} == {}
    finally:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as con:
            con.execute(f"DROP DATABASE {name}")
