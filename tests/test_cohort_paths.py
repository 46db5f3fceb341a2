"""The cohort path (store.read_columns, numpy keys, chunks) against the plain networkx definitions."""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import egomap as em
import egomap.store.keys as keys
from egomap.fields import KINDS, SUPPORT_TYPES, VALENCES
from egomap.measures import CHANGE_ID_COLUMNS, ID_COLUMNS, change_measures, reference_measures

RINGS = ["kahn_antonucci", "circles_of_support"]
SECTORS = ["social_network_map", "four_quadrants", "none"]
SHAPES = ["empty", "one", "no_ties", "all_ties", "isolates", "random"]


def _person(seed: int) -> em.Person:
    """A person whose maps cover every ring and sector scheme and every shape of network, in turn."""
    rng = random.Random(seed)
    p = em.Person(f"P-{seed:03d}")
    prev = None
    for t in range(rng.randint(1, 4)):
        copy = prev is not None and rng.random() < 0.6
        m = p.new_map(
            f"T{t}",
            date=f"202{t}-01-0{1 + t}" if rng.random() < 0.9 else None,
            rings=None if copy else RINGS[(seed + t) % 2],
            sectors=None if copy else SECTORS[(seed + t) % 3],
            copy_from=prev if copy else None,
        )
        shape = SHAPES[(seed + t) % len(SHAPES)]
        for a in list(m.alters):
            if shape in ("empty", "one") or rng.random() < 0.3:
                m.remove_alter(a)
        want = {"empty": 0, "one": 1 - len(m)}.get(shape, rng.randint(2, 9))
        for i in range(max(want, 0)):
            m.add_alter(
                rng.choice([f"A{t}-{i}", f"Zoë {t}-{i}", f"李 {i}"]),
                ring=rng.randrange(len(m.rings)),
                sector=rng.choice(m.sectors.keys),
                kind=rng.choice(KINDS),
                relationship=rng.choice(["", "friend", " Friend", "mother", "Straße", "STRASSE", "gp"]),
                is_professional=rng.random() < 0.25,
                met_through=rng.choice(["", "football", "Football "]),
                support_received=rng.sample(SUPPORT_TYPES, rng.randint(0, 3)),
                support_given=rng.sample(SUPPORT_TYPES, rng.randint(0, 2)),
                valence=rng.choice([None, *VALENCES]),
                id=rng.choice([None, f"imported-{seed}-{t}-{i}", f"ü{seed}.{t}.{i}"]),
            )
        for a in list(m.alters):
            if rng.random() < 0.3:
                m.move(a, ring=rng.randrange(len(m.rings)))
        ids = [a.id for a in m.alters]
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                tied = m.has_tie(x, y) if hasattr(m, "has_tie") else False
                want_tie = {"no_ties": False, "all_ties": True, "isolates": i % 3 == 0 and rng.random() < 0.5}.get(
                    shape, rng.random() < 0.3
                )
                if want_tie != tied:
                    m.toggle_tie(x, y)
        prev = m
    return p


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    store = em.open_store(tmp_path_factory.mktemp("cohort") / "c.sqlite")
    with store.batch():
        for seed in range(90):
            store.import_person(_person(seed))
    store.person("P-003").update(consent_research=True)
    yield store
    store.close()


EI = {
    "ei_kind": ("kind", "person"),
    "ei_rel": ("relationship", "friend"),
    "ei_ring": ("ring", 0),
    "ei_prof": ("is_professional", False),
    "ei_met": ("met_through", "football"),
    "ei_sector": ("sector", "family"),
}


def test_cohort_equals_reference_measures_on_every_map(cohort):
    maps = [m for p in cohort.people() for m in p.maps]
    assert len(maps) >= 200
    sizes = [len(m) for m in maps]
    ties = [len(m.ties) for m in maps]
    assert 0 in sizes and 1 in sizes and 0 in ties  # the edge cases are there
    assert any(t == s * (s - 1) // 2 and s > 2 for s, t in zip(sizes, ties))  # complete networks
    df = em.cohort_measures(cohort, ei=EI)
    assert list(df["map_id"]) == [m.id for m in maps]
    for i, m in enumerate(maps):
        ref = reference_measures(m, ei=EI)
        got = df.iloc[i][list(ref.index)].astype(float)
        np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-9, equal_nan=True, err_msg=m.id)
        # a ring or sector column of another scheme is NaN on this map
        other = [c for c in df.columns if c.startswith("size_") and c != "size" and c not in ref.index]
        assert df.iloc[i][other].isna().all()


def test_cohort_changes_equal_change_measures(cohort):
    ch = em.cohort_changes(cohort, ei=EI, include_names=True)
    pairs = [(a, b) for p in cohort.people() for a, b in zip(p.maps, p.maps[1:])]
    assert len(ch) == len(pairs) > 50
    for i, (a, b) in enumerate(pairs):
        want = change_measures(a, b, ei=EI)
        got = ch.iloc[i][list(want.index)].astype(float)
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-9, equal_nan=True)
        assert (ch.iloc[i]["from_label"], ch.iloc[i]["to_label"]) == (a.label, b.label)


@pytest.mark.parametrize("chunk_size", [1, 7, 40])
def test_chunked_equals_unchunked(cohort, chunk_size):
    whole = em.cohort_measures(cohort, ei=EI, chunk_size=10_000)
    pd.testing.assert_frame_equal(em.cohort_measures(cohort, ei=EI, chunk_size=chunk_size), whole)
    changes = em.cohort_changes(cohort, ei=EI, chunk_size=10_000)
    pd.testing.assert_frame_equal(em.cohort_changes(cohort, ei=EI, chunk_size=chunk_size), changes)
    some = ["P-001", "P-050", "P-002"]
    pd.testing.assert_frame_equal(
        em.cohort_measures(cohort, persons=some, maps=[0, -1], chunk_size=chunk_size),
        em.cohort_measures(cohort, persons=some, maps=[0, -1]),
    )
    kept = em.cohort_changes(cohort, consenting_only=True, chunk_size=chunk_size)
    assert set(kept["person_id"]) <= {"P-003"} and list(kept.columns[: len(CHANGE_ID_COLUMNS)]) == list(
        CHANGE_ID_COLUMNS
    )


def test_chunk_size_is_checked(cohort):
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(em.ValidationError, match="chunk_size"):
            em.cohort_measures(cohort, chunk_size=bad)


def test_hash_collisions_take_the_exact_path(cohort, monkeypatch):
    """Every text hashing to one value: the results are the same, through the byte-by-byte paths."""
    want = em.cohort_measures(cohort, ei=EI)
    want_ch = em.cohort_changes(cohort)
    monkeypatch.setattr(keys, "bytes_hash", lambda a: np.zeros(len(a), dtype=np.uint64))
    import egomap.measures._arrays as arrays

    monkeypatch.setattr(arrays, "bytes_hash", keys.bytes_hash)
    pd.testing.assert_frame_equal(em.cohort_measures(cohort, ei=EI), want)
    pd.testing.assert_frame_equal(em.cohort_changes(cohort), want_ch)


def test_keys_lookup_and_factorize_by_hand():
    u = keys.as_bytes(["m1", "ü2", "m3", None])
    assert u.tolist() == [b"m1", "ü2".encode(), b"m3", b""]
    assert keys.lookup(u, keys.as_bytes(["m3", "m3", "x", "ü2", ""])).tolist() == [2, 2, -1, 1, 3]
    codes, uniq = keys.factorize(keys.as_bytes(["b", "a", "b", "", "a"]))
    assert codes.tolist() == [0, 1, 0, 2, 1] and uniq.tolist() == [b"b", b"a", b""]
    assert keys.lookup(u[:0], u).tolist() == [-1] * 4


def test_read_columns_equal_read_table(cohort):
    cols = ["map_id", "alter_id", "ring", "sector", "angle", "kind", "is_professional", "relationship", "valence"]
    cols += ["support_received", "support_given", "contact", "known_for", "capital"]  # closed vocabularies
    table = cohort.read_table("placements", cols)
    arrays = cohort.read_columns("placements", cols)
    order = np.lexsort((arrays["alter_id"], arrays["map_id"]))
    t_order = table.sort_values(["map_id", "alter_id"]).reset_index(drop=True)
    for c in cols:
        got = arrays[c][order]
        want = t_order[c].to_numpy()
        if got.dtype.kind == "S":
            want = np.array([v.encode() if isinstance(v, str) else b"" for v in want], dtype="S")
        np.testing.assert_array_equal(got, want.astype(got.dtype), err_msg=c)
    ids = cohort.read_maps()["map_id"].tolist()[:5]
    part = cohort.read_columns("ties", ["map_id", "a", "b"], ids)
    assert set(part["map_id"].tolist()) <= {i.encode() for i in ids}
    assert len(part["a"]) == len(cohort.read_table("ties", ["a"], ids))
    with pytest.raises(em.NotFoundError):
        cohort.read_columns("placements", ["label_x"])


def test_read_columns_with_a_separator_inside_a_value(tmp_path):
    """Old files may hold control characters in free text: the column is then read row by row."""
    path = tmp_path / "old.sqlite"
    store = em.open_store(path)
    m = store.add_person("R-1").new_map("Baseline")
    for i in range(3):
        m.add_alter(f"A{i}", ring=i, sector="family", relationship="friend")
    store.close()
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE alters SET relationship = 'a' || char(31) || 'b' WHERE label = 'A1'")
    con.close()
    store = em.open_store(path)
    got = store.read_columns("placements", ["alter_id", "relationship"])
    want = dict(store.read_table("placements", ["alter_id", "relationship"]).values.tolist())
    assert {a.decode(): r.decode() for a, r in zip(got["alter_id"], got["relationship"])} == want
    assert em.cohort_measures(store)["blau_relationship"].iloc[0] == pytest.approx(1 - (4 + 1) / 9)
    store.close()


def test_read_columns_with_a_value_outside_the_vocabulary(location):
    """Choices are read as one character a row; a value egomap does not know (an old or edited store) as text."""
    sys.path.insert(0, str(Path(__file__).parent))
    from pg import execute

    with em.open_store(location) as store:
        m = store.add_person("R-1").new_map("Baseline")
        m.add_alter("A", ring=0, sector="family", valence="mixed", support_received={"practical", "emotional"})
        m.add_alter("B", ring=1, sector="family", capital="linking", contact="weekly")
        m.add_alter("C", ring=2, sector="family", kind="pet")
    cols = ["alter_id", "valence", "support_received", "capital", "contact", "kind", "sector"]

    def both(store):
        got = store.read_columns("placements", cols)
        want = store.read_table("placements", cols).fillna("")
        return [tuple(got[c][i].decode() if c != "alter_id" else "" for c in cols) for i in range(3)], [
            ("", *r[1:]) for r in want.itertuples(index=False)
        ]

    with em.open_store(location) as store:
        got, want = both(store)
        assert sorted(got) == sorted(want)
        assert ("", "mixed", "emotional,practical", "", "", "person", "family") in got
    execute(
        location,
        "UPDATE placements SET valence = 'so-so', support_received = 'practical,emotional';"
        "UPDATE placements SET sector = 'elsewhere' WHERE ring = 2",  # not a sector of the map's scheme
    )
    with em.open_store(location) as store:
        got, want = both(store)
        assert sorted(got) == sorted(want) and {r[1] for r in got} == {"so-so"}
        assert {r[2] for r in got} == {"practical,emotional"} and {r[6] for r in got} == {"family", "elsewhere"}


def test_id_columns_come_first(cohort):
    df = em.cohort_measures(cohort)
    assert list(df.columns[: len(ID_COLUMNS)]) == list(ID_COLUMNS)


def test_large_tables_are_read_in_blocks_with_the_same_result(cohort, monkeypatch):
    import egomap.store.sqlite.columns as columns

    want = em.cohort_measures(cohort, ei=EI)
    want_ties = cohort.read_columns("ties", ["map_id", "a", "b"])
    monkeypatch.setattr(columns, "_BLOCK", 7)  # many blocks, some empty
    got_ties = cohort.read_columns("ties", ["map_id", "a", "b"])
    assert {c: v.tolist() for c, v in got_ties.items()} == {c: v.tolist() for c, v in want_ties.items()}
    pd.testing.assert_frame_equal(em.cohort_measures(cohort, ei=EI), want)
    pd.testing.assert_frame_equal(em.cohort_measures(cohort, ei=EI, chunk_size=5), want)


def test_cutting_joined_text_and_numbers():
    from egomap.store.sqlite import columns

    assert keys.cut_text("ab\x1f\x1fcde\x1fé", 4, "\x1f").tolist() == [b"ab", b"", b"cde", "é".encode()]
    assert keys.cut_text("ab\x1fcd", 2, "\x1f").tolist() == [b"ab", b"cd"]  # one width: a reshape
    assert keys.cut_text("", 1, "\x1f").tolist() == [b""]
    assert keys.cut_text("a\x1fb\x1fc", 2, "\x1f") is None  # a separator inside a value
    assert columns._ints("1 22 3", 3).tolist() == [1, 22, 3]
    assert columns._ints("-1 2", 2).tolist() == [-1, 2]
    assert columns._ints("10 22", 2).tolist() == [10, 22]
    assert columns._ints("", 0).tolist() == []
