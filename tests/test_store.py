"""The SQLite store: round trip, edit log, undo across reopen, migration, concurrency, crashes, bad input."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import egomap as em
from egomap.store import APPLICATION_ID, SCHEMA_VERSION, Store

sys.path.insert(0, str(Path(__file__).parent))
from pg import columns_of, execute, idle, is_postgres, rows_of  # noqa: E402


@pytest.fixture
def store(location):
    """An empty store, for each engine (SQLite file, PostgreSQL database): the tests below run on both."""
    s = em.open_store(location)
    yield s
    s.close()


def _build(store: Store) -> em.Map:
    p = store.add_person("R-017", "Alex", consent_research=True)
    m = p.new_map("Baseline", date="2026-01-12", notes="first")
    mum = m.add_alter("Mum", ring=0, sector="household", relationship="mother", support_received={"emotional"})
    m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True, valence="mixed", contact="monthly")
    m.add_alter("Gran", ring=1, sector="family")
    m.add_tie(mum, "Gran")
    m.add_goal("Join a walking group", steps=["Ask at the library"], alters=["Gran"])
    return m


def test_round_trip_through_a_new_store_object(location):
    path = location
    with em.open_store(path) as s:
        m = _build(s)
        expected = m.to_dict()
    with em.open_store(path) as s2:
        p = s2.person("R-017")
        assert (p.display_name, p.consent_research, p.consent_keep) == ("Alex", True, True)
        assert p.map("Baseline").to_dict() == expected


def test_store_file_is_private_and_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "s.sqlite"
    old_umask = os.umask(0o022)  # the usual umask would make new files world-readable
    try:
        with em.open_store(path) as s:
            _build(s)
            assert s._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert s._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert s._conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
            assert s._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            # while the store is open SQLite keeps the -wal and -shm files next to it: private too
            for extra in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
                assert extra.exists(), extra
                assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # a folder made for the store
        # an empty file made beforehand (e.g. with `touch`) becomes the store and is made private
        touched = tmp_path / "touched.sqlite"
        touched.touch(mode=0o644)
        em.open_store(touched).close()
        assert stat.S_IMODE(touched.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


def test_default_location_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("EGOMAP_STORE", str(tmp_path / "env.sqlite"))
    with em.open_store() as s:
        assert s.path == (tmp_path / "env.sqlite").resolve()
    monkeypatch.delenv("EGOMAP_STORE")
    import platformdirs

    assert em.default_store_path() == Path(platformdirs.user_data_dir("egomap", appauthor=False)) / "egomap.sqlite"
    # the per-user folder is used (and created privately) when the variable is not set
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if sys.platform.startswith("linux"):
        assert em.default_store_path() == tmp_path / "xdg" / "egomap" / "egomap.sqlite"
        with em.open_store() as s:
            assert s.path == (tmp_path / "xdg" / "egomap" / "egomap.sqlite").resolve()
        assert stat.S_IMODE((tmp_path / "xdg" / "egomap").stat().st_mode) == 0o700


def test_every_edit_is_in_the_edit_log(store):
    m = _build(store)
    m.move("Mum", ring=1)
    log = m.history()
    assert [e["action"] for e in log] == ["create"] + ["edit"] * 6
    assert log[-1]["description"] == "move Mum"
    assert log[-1]["edit"]["placement"]["ring"] == 1


def test_every_mutating_call_is_committed_before_it_returns(store):
    """After each call another connection (another kernel) already sees the change: nothing waits for close()."""
    seen = _rows(store.path)

    def committed(what: str) -> None:
        nonlocal seen
        assert idle(store), what
        now = _rows(store.path)  # a separate, plain SQLite connection
        assert now != seen, f"{what} was not visible to another connection"
        seen = now

    p = store.add_person("R-1")
    committed("add_person")
    p.update(consent_research=True)
    committed("person.update")
    m = p.new_map("Baseline")
    committed("new_map")
    mum = m.add_alter("Mum", ring=0, sector="household")
    committed("add_alter")
    m.add_alter("Gran", ring=1, sector="family")
    committed("add_alter")
    m.move(mum, ring=1)
    committed("move")
    m.update(mum, valence="supportive")
    committed("update")
    m.add_tie(mum, "Gran")
    committed("add_tie")
    m.remove_tie(mum, "Gran")
    committed("remove_tie")
    g = m.add_goal("Walk")
    committed("add_goal")
    m.update_goal(g, status="done")
    committed("update_goal")
    m.remove_goal(g)
    committed("remove_goal")
    m.update_map(notes="At home")
    committed("update_map")
    m.remove_alter("Gran")
    committed("remove_alter")
    m.undo()
    committed("undo")
    m.redo()
    committed("redo")
    p.new_map("6 months", copy_from=m)
    committed("new_map copy_from")
    store.delete_person("R-1")
    committed("delete_person")


def test_undo_and_redo_survive_reopening(location):
    path = location
    with em.open_store(path) as s:
        m = _build(s)
        m.move("Mum", ring=2)
        m.update("Mum", valence="stressful")
    with em.open_store(path) as s:
        m = s.person("R-017").map("Baseline")
        assert m.can_undo and not m.can_redo
        assert m.undo() == "edit Mum"
    with em.open_store(path) as s:
        m = s.person("R-017").map("Baseline")
        assert m.placement("Mum").valence is None and m.placement("Mum").ring == 2
        assert m.can_redo
        assert m.undo() == "move Mum"
    with em.open_store(path) as s:
        m = s.person("R-017").map("Baseline")
        assert m.placement("Mum").ring == 0
        assert m.redo() == "move Mum"
        assert m.placement("Mum").ring == 2
        actions = [e["action"] for e in m.history()]
        assert actions[-3:] == ["undo", "undo", "redo"]


def test_undo_of_add_removes_the_alter_row(store):
    m = _build(store)
    sam = m.add_alter("Sam", ring=1, sector="friends")
    m.undo()
    assert not [r for r in _rows(store.path)["alters"] if repr(sam.id) in r]
    assert [r for r in rows_of(store.path)["alters"] if repr(m.alter("Mum").id) in r]
    m.redo()
    assert m.alter(sam.id).label == "Sam"


def test_copy_forward_in_store_and_alter_identity(location):
    path = location
    with em.open_store(path) as s:
        base = _build(s)
        six = s.person("R-017").new_map("6 months", date="2026-07-01", copy_from=base)
        six.move("Mum", ring=1)
        six.remove_alter("Dr Shah")
    with em.open_store(path) as s:
        p = s.person("R-017")
        base, six = p.maps
        assert [a.id for a in six.alters] == [a.id for a in base.alters if a.label != "Dr Shah"]
        assert base.placement("Mum").ring == 0 and six.placement("Mum").ring == 1
        assert six.has_tie("Mum", "Gran") and six.copied_from == base.id
        assert [g.text for g in six.goals] == ["Join a walking group"]
        assert len(p.alters) == 3


def test_copy_forward_only_within_one_store(location, tmp_path):
    path = location
    with em.open_store(path) as s, em.open_store(tmp_path / "other.sqlite") as t:
        base = _build(s)
        elsewhere = t.add_person("R-017")  # the same id in another store
        memory = em.Person("R-017").new_map("Baseline")
        memory.add_alter("Mum", ring=0, sector="household")
        rows = _rows(path), _rows(tmp_path / "other.sqlite")
        for person, src in ((elsewhere, base), (s.person("R-017"), memory)):
            with pytest.raises(em.ValidationError, match="kept elsewhere"):
                person.new_map("6 months", copy_from=src)
        assert (_rows(path), _rows(tmp_path / "other.sqlite")) == rows
    with em.open_store(path) as again:  # the same file opened again is the same place
        again.person("R-017").map("Baseline").add_alter("Sam", ring=1, sector="friends")
        six = again.person("R-017").new_map("6 months", copy_from=base)  # base is an old handle: what is saved counts
        assert [a.label for a in six.alters] == ["Mum", "Dr Shah", "Gran", "Sam"]


def test_copy_forward_starts_from_what_is_saved_now(location):
    path = location
    with em.open_store(path) as s1, em.open_store(path) as s2:
        base = _build(s1)
        s2.person("R-017").map("Baseline").add_alter("Sam", ring=1, sector="friends")  # another kernel
        six = s1.person("R-017").new_map("6 months", copy_from=base)  # base was loaded before Sam came
        assert "Sam" in six and six.placement("Sam").ring == 1


def test_label_change_is_seen_by_other_maps(store):
    base = _build(store)
    six = store.person("R-017").new_map("6 months", copy_from=base)
    six.update("Mum", label="Mother")
    again = store.person("R-017").map("Baseline")
    assert again is base  # one live object per map in a store
    assert [a.label for a in again.alters][0] == "Mother"


_TABLES = ("persons", "maps", "alters", "placements", "ties", "goals", "edits")


def _rows(path: Path | str) -> dict[str, list]:
    """Every row of every table, read through a separate plain connection (SQLite or PostgreSQL)."""
    return rows_of(path)


def test_failed_operations_leave_the_store_as_it_was(store):
    m = _build(store)
    other = store.add_person("R-099").new_map("Baseline")
    bob = other.add_alter("Bob", ring=1, sector="friends")
    before = m.to_dict()
    rows = _rows(store.path)
    mum = m.alter("Mum")
    np = pytest.importorskip("numpy")
    cases = [
        # (call, exception, what the message must name)
        (lambda: m.add_alter("", ring=0, sector="family"), em.ValidationError, "label must not be empty"),
        (lambda: m.add_alter("   ", ring=0, sector="family"), em.ValidationError, "label must not be empty"),
        (lambda: m.add_alter("x" * 81, ring=0, sector="family"), em.ValidationError, "label is too long"),
        (lambda: m.add_alter("a\x00b", ring=0, sector="family"), em.ValidationError, "control characters"),
        (lambda: m.add_alter("Sam", ring=0, sector="pub"), em.ValidationError, "unknown sector 'pub'"),
        (lambda: m.add_alter("Sam", ring=0, sector=["family"]), em.ValidationError, "unknown sector"),
        (lambda: m.add_alter("Sam", ring=3, sector="family"), em.ValidationError, "unknown ring 3"),
        (lambda: m.add_alter("Sam", ring="0", sector="family"), em.ValidationError, "ring must be a whole number"),
        (lambda: m.add_alter("Sam", ring=True, sector="family"), em.ValidationError, "ring must be a whole number"),
        (lambda: m.add_alter("Sam", ring=float("nan"), sector="family"), em.ValidationError, "ring must be"),
        (lambda: m.add_alter("Sam", angle=10, radius=float("nan")), em.ValidationError, "radius must be a finite"),
        (lambda: m.add_alter("Sam", angle="north", radius=0.5), em.ValidationError, "angle must be a finite"),
        (lambda: m.add_alter("Sam", ring=0, sector="family", kind="robot"), em.ValidationError, "unknown kind"),
        (lambda: m.add_tie("Mum", "Nobody"), em.NotFoundError, "no alter 'Nobody' on map 'Baseline'"),
        (lambda: m.add_tie(mum, bob), em.NotFoundError, "alter 'Bob' is not on map 'Baseline'"),
        (lambda: m.add_tie("Mum", "Mum"), em.ValidationError, "cannot be tied to themself ('Mum')"),
        (lambda: m.add_tie(mum, "mum"), em.ValidationError, "cannot be tied to themself"),
        (lambda: m.update("Mum", valence="angry"), em.ValidationError, "unknown valence 'angry'"),
        (lambda: m.update("Mum", colour="red"), em.ValidationError, "unknown attribute 'colour'"),
        (lambda: m.update("Mum", support_received={"money"}), em.ValidationError, "support_received type 'money'"),
        (lambda: m.move("Mum", ring=7), em.ValidationError, "unknown ring 7"),
        (lambda: m.add_goal("Walk", steps=5), em.ValidationError, "goal steps"),
        (lambda: m.add_goal("Walk", alters=["Nobody"]), em.NotFoundError, "no alter 'Nobody'"),
        (lambda: store.add_person("R-017"), em.DuplicateError, "person with id 'R-017' is already in the store"),
        (lambda: store.add_person(" R-017 "), em.DuplicateError, "'R-017' is already in the store"),
        (lambda: store.person("R-017").new_map("Baseline"), em.DuplicateError, "already has a map labelled"),
        (
            lambda: store.person("R-099").new_map("6 months", copy_from=m),
            em.ValidationError,
            "copy_from is a map of person 'R-017', not of 'R-099'",
        ),
        (lambda: store.person("R-017").new_map("6 months", rings="nope"), em.NotFoundError, "unknown ring scheme"),
    ]
    for call, exc, words in cases:
        with pytest.raises(exc, match=re.escape(words)):
            call()
        assert isinstance(exc("x"), (ValueError, KeyError, LookupError))
    assert m.to_dict() == before
    assert _rows(store.path) == rows  # nothing partly written
    # whole numbers from NumPy and pandas are fine
    m.add_alter("Sam", ring=np.int64(1), sector="friends", angle=np.float64(225.0), radius=np.float64(0.5))
    assert m.placement("Sam").ring == 1


def test_duplicate_person_and_unknown_person(store):
    store.add_person("R-1")
    with pytest.raises(em.DuplicateError, match="person with id 'R-1' is already in the store"):
        store.add_person("R-1")
    with pytest.raises(em.NotFoundError, match="no person 'R-2'"):
        store.person("R-2")
    with pytest.raises(LookupError):
        store.person("R-2")


def test_batch_is_all_or_nothing(store):
    m = _build(store)
    before = m.to_dict()
    with pytest.raises(em.ValidationError):
        with store.batch():
            store.add_person("R-018")
            m.add_alter("Neighbour", ring=2, sector="neighbours")
            m.move("Mum", ring=2)
            m.add_alter("Bad", ring=9, sector="family")
    assert store.person_ids() == ["R-017"]
    assert m.to_dict() == before
    with em.open_store(store.path) as other:
        assert other.person("R-017").map("Baseline").to_dict() == before


def test_not_a_store(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a database at all" * 10)
    with pytest.raises(em.NotAStoreError, match="notes.txt' is not an egomap store"):
        em.open_store(text)
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(em.NotAStoreError, match="SQLite file but not an egomap store"):
        em.open_store(other)
    with pytest.raises(em.NotAStoreError, match="is a folder"):
        em.open_store(tmp_path)
    for odd in (123, "", "  "):
        with pytest.raises(em.ValidationError, match="a store path must be a file name"):
            em.open_store(odd)
    assert isinstance(em.NotAStoreError("x"), ValueError)
    # an empty SQLite file of another application (here: a GeoPackage's application_id) is not taken over
    gpkg = tmp_path / "places.gpkg"
    con = sqlite3.connect(gpkg)
    con.execute("PRAGMA application_id = 1196444487")
    con.commit()
    con.close()
    with pytest.raises(em.NotAStoreError, match="another application"):
        em.open_store(gpkg)
    # the refused files are left exactly as they were: no WAL switch, no -wal/-shm files, no tables
    assert text.read_text() == "hello, this is not a database at all" * 10
    for f in (other, gpkg):
        con = sqlite3.connect(f)
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert con.execute("PRAGMA user_version").fetchone()[0] == 0
        con.close()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["notes.txt", "other.sqlite", "places.gpkg"]


def test_newer_schema_is_refused_clearly(tmp_path):
    path = tmp_path / "s.sqlite"
    em.open_store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(em.StoreError, match="newer egomap"):
        em.open_store(path)


# The schema of store version 1, frozen as egomap 0.1 wrote it. Kept here as text (not taken from
# egomap.store.MIGRATIONS) so that the test opens a genuinely old file even if the code changes.
_V1_FILE_SQL = """
PRAGMA application_id = 1164406605;
PRAGMA journal_mode = WAL;
CREATE TABLE persons (id TEXT PRIMARY KEY, display_name TEXT, consent_keep INTEGER NOT NULL DEFAULT 1,
    consent_research INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);
CREATE TABLE alters (id TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    label TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'person', relationship TEXT NOT NULL DEFAULT '',
    is_professional INTEGER NOT NULL DEFAULT 0, met_through TEXT NOT NULL DEFAULT '');
CREATE INDEX alters_person ON alters(person_id);
CREATE TABLE maps (id TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, label TEXT NOT NULL, date TEXT, notes TEXT NOT NULL DEFAULT '', rings TEXT NOT NULL,
    sectors TEXT NOT NULL, copied_from TEXT, created TEXT NOT NULL, rev INTEGER NOT NULL DEFAULT 0,
    UNIQUE (person_id, label));
CREATE TABLE placements (map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    alter_id TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE, ring INTEGER NOT NULL, sector TEXT NOT NULL,
    angle REAL NOT NULL, radius REAL NOT NULL, support_received TEXT NOT NULL DEFAULT '',
    support_given TEXT NOT NULL DEFAULT '', valence TEXT, contact TEXT, note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (map_id, alter_id));
CREATE INDEX placements_alter ON placements(alter_id);
CREATE TABLE ties (map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    a TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE, b TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    PRIMARY KEY (map_id, a, b), CHECK (a < b));
CREATE TABLE goals (id TEXT PRIMARY KEY, map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    text TEXT NOT NULL, steps TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'open',
    alter_ids TEXT NOT NULL DEFAULT '[]');
CREATE TABLE edits (id INTEGER PRIMARY KEY AUTOINCREMENT, map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    time TEXT NOT NULL, action TEXT NOT NULL, target INTEGER, edit TEXT NOT NULL, inverse TEXT,
    description TEXT NOT NULL DEFAULT '');
INSERT INTO persons VALUES ('R-OLD', 'Old', 1, 1, '2025-01-01T09:00:00.000+00:00');
INSERT INTO alters VALUES ('a1', 'R-OLD', 'Mum', 'person', 'mother', 0, '');
INSERT INTO alters VALUES ('a2', 'R-OLD', 'Gran', 'person', 'grandmother', 0, '');
INSERT INTO maps VALUES ('m1', 'R-OLD', 0, 'Baseline', '2025-01-01', '',
    '{"name": "kahn_antonucci", "rings": [{"label": "Inner"}, {"label": "Middle"}, {"label": "Outer"}]}',
    '{"name": "four_quadrants", "sectors": [{"key": "family", "label": "Family", "is_family": true},
      {"key": "friends", "label": "Friends"}, {"key": "work_school", "label": "Work"},
      {"key": "professional", "label": "Professional helpers"}]}',
    NULL, '2025-01-01T09:00:00.000+00:00', 1);
INSERT INTO placements VALUES ('m1', 'a1', 0, 'family', 45.0, 0.3, 'emotional,practical', '', 'supportive',
    'daily', '');
INSERT INTO placements VALUES ('m1', 'a2', 1, 'family', 30.0, 0.6, '', '', NULL, NULL, '');
INSERT INTO ties VALUES ('m1', 'a1', 'a2');
INSERT INTO goals VALUES ('g1', 'm1', 'Visit Gran', '[]', 'open', '["a2"]');
INSERT INTO edits (map_id, time, action, edit, description) VALUES
    ('m1', '2025-01-01T09:00:00.000+00:00', 'create', '{"copied_from":null,"op":"create_map"}', 'new map');
INSERT INTO edits (map_id, time, action, edit, inverse, description) VALUES
    ('m1', '2025-01-01T09:01:00.000+00:00', 'edit',
     '{"alter_id":"a1","op":"update","placement":{"radius":0.3,"ring":0}}',
     '{"alter_id":"a1","op":"update","placement":{"radius":0.6,"ring":1}}', 'move Mum');
PRAGMA user_version = 1;
"""


def test_migration_of_a_version_1_store_file(tmp_path):
    """A store file written by schema version 1 opens, is upgraded in place, and keeps its undo history."""
    assert f"PRAGMA application_id = {APPLICATION_ID};" in _V1_FILE_SQL
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.executescript(_V1_FILE_SQL)
    assert "reviewed" not in {r[1] for r in con.execute("PRAGMA table_info(placements)")}
    con.close()
    with em.open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        p = s.person("R-OLD")
        m = p.map("Baseline")
        assert (p.display_name, p.consent_research) == ("Old", True)
        assert m.placement("Mum").support_received == {"emotional", "practical"}
        assert m.placement("Mum").reviewed is False and m.has_tie("Mum", "Gran")
        assert m.goal("Visit Gran").alter_ids == ("a2",)
        assert [e["writer"] for e in m.history()] == ["", ""]  # old rows get the new column's default
        assert m.undo() == "move Mum"  # the version-1 edit log still backs undo
        assert m.placement("Mum").ring == 1
    with em.open_store(path) as s:  # the upgrade was saved; opening again changes nothing
        m = s.person("R-OLD").map("Baseline")
        assert m.placement("Mum").ring == 1
        assert m.redo() == "move Mum" and m.placement("Mum").ring == 0
        m.update("Gran", reviewed=True)
        assert m.history()[-1]["writer"] and not m.can_redo
    with em.open_store(path) as s:
        assert s.person("R-OLD").map("Baseline").placement("Gran").reviewed is True
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_migration_from_schema_version_1(location):
    path = location
    old = Store(path, _upto=1)
    assert old.schema_version == 1
    old.close()
    assert "reviewed" not in columns_of(path, "placements")
    # write version-1 rows by hand, as an older egomap would have
    execute(
        path,
        """
        INSERT INTO persons VALUES ('R-OLD', NULL, 1, 1, '2025-01-01T00:00:00');
        INSERT INTO alters VALUES ('a1', 'R-OLD', 'Mum', 'person', 'mother', 0, '');
        INSERT INTO maps VALUES ('m1', 'R-OLD', 0, 'Baseline', '2025-01-01', '',
            '{"name": "kahn_antonucci", "rings": [{"label": "a"}, {"label": "b"}, {"label": "c"}]}',
            '{"name": "none", "sectors": [{"key": "all", "label": "Everyone"}]}', NULL, '2025-01-01', 0);
        INSERT INTO placements VALUES ('m1', 'a1', 0, 'all', 30.0, 0.3, 'emotional', '', NULL, NULL, '');
        """,
    )
    with em.open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        m = s.person("R-OLD").map("Baseline")
        assert m.placement("Mum").reviewed is False
        assert m.placement("Mum").support_received == {"emotional"}
        m.update("Mum", reviewed=True)
        assert m.history()[-1]["writer"]
    assert "reviewed" in columns_of(path, "placements")
    if not is_postgres(path):
        assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


_WRITER = textwrap.dedent(
    """
    import os, sys, time, egomap as em
    path, pid, label, n, go = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    s = em.open_store(path)
    m = s.person(pid).map("Baseline")
    print("ready", flush=True)
    while not os.path.exists(go):  # all writers start together, each from a map loaded before any wrote
        time.sleep(0.005)
    for i in range(n):
        a = m.add_alter(f"{label}{i}", ring=i % 3, sector="friends")
        m.update("Start", note=f"{label}{i}")  # both kernels keep changing the same alter
        print(a.id, flush=True)
    m.move(f"{label}0", ring=2)
    print("done", flush=True)
    """
)


def test_two_processes_write_at_once(location, tmp_path):
    path = location
    go = tmp_path / "go"
    with em.open_store(path) as s:
        for pid in ("R-A", "R-B"):
            s.add_person(pid).new_map("Baseline").add_alter("Start", ring=0, sector="friends")
    n = 40
    jobs = [
        # the same map from two "kernels", and a different person at the same time
        ("R-A", "x"),
        ("R-A", "y"),
        ("R-B", "z"),
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), pid, label, str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pid, label in jobs
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    for (out, err), p in zip(outs, procs):
        assert p.returncode == 0, err
        assert "locked" not in err
        assert out.splitlines()[-1] == "done"
    with em.open_store(path) as s:
        a = s.person("R-A").map("Baseline")
        labels = {x.label for x in a.alters}
        assert {f"x{i}" for i in range(n)} <= labels and {f"y{i}" for i in range(n)} <= labels
        assert a.placement("x0").ring == 2 and a.placement("y0").ring == 2
        writers = {e["description"][4]: e["writer"] for e in a.history() if e["description"][:5] in ("add x", "add y")}
        assert len(set(writers.values())) == 2  # both kernels' edits are in the edit log
        # the same alter changed by both: every change is logged, and the one logged last is what is kept
        start = a.alter("Start").id
        notes = [
            e
            for e in a.history()
            if e["action"] == "edit" and e["edit"]["op"] == "update" and e["edit"]["alter_id"] == start
        ]
        assert len(notes) == 2 * n and len({e["writer"] for e in notes}) == 2
        assert a.placement("Start").note == notes[-1]["edit"]["placement"]["note"]
        b = s.person("R-B").map("Baseline")
        assert len(b) == n + 1 and b.placement("Start").note == f"z{n - 1}"


def test_later_write_wins_between_two_kernels(location):
    path = location
    s1 = em.open_store(path)
    m1 = _build(s1)
    s2 = em.open_store(path)
    m2 = s2.person("R-017").map("Baseline")
    m1.move("Mum", ring=1)
    m2.move("Mum", ring=2)  # m2 is stale: it is reloaded, then the later write wins
    m1.update("Mum", note="seen by both")
    assert m1.placement("Mum").ring == 2  # m1 reloaded before its edit
    s1.close()
    s2.close()
    with em.open_store(path) as s:
        m = s.person("R-017").map("Baseline")
        assert m.placement("Mum").ring == 2 and m.placement("Mum").note == "seen by both"
        moves = [e for e in m.history() if e["description"] == "move Mum"]
        assert len(moves) == 2


def test_edit_on_a_stale_map_is_built_again_on_the_saved_map(location):
    """An edit built on what a map last read is checked as it is saved; if another writer saved meanwhile,
    nothing of it is kept and it is built again on the saved map, so its undo restores the other writer's value."""
    s1, s2 = em.open_store(location), em.open_store(location)
    m1 = _build(s1)
    m2 = s2.person("R-017").map("Baseline")
    m2.update("Mum", note="from the other kernel")
    m1.update("Mum", note="from this kernel")  # m1 is stale: built again on the saved map
    assert m1.placement("Mum").note == "from this kernel"
    m1.undo()
    assert m1.placement("Mum").note == "from the other kernel"  # not the stale value m1 had read
    s1.close()
    s2.close()
    with em.open_store(location) as s:
        m = s.person("R-017").map("Baseline")
        assert m.placement("Mum").note == "from the other kernel"
        assert [e["action"] for e in m.history()][-3:] == ["edit", "edit", "undo"]


_CRASHER = textwrap.dedent(
    """
    import sys, egomap as em
    s = em.open_store(sys.argv[1])
    m = s.person("R-C").map("Baseline")
    i = 0
    while True:
        a = m.add_alter(f"a{i}", ring=i % 3, sector="friends")
        m.update(a, note=f"note {i}")
        print(i, flush=True)
        i += 1
    """
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_writer_loses_no_acknowledged_edit(location, seed):
    path = location
    with em.open_store(path) as s:
        s.add_person("R-C").new_map("Baseline")
    rng = random.Random(seed)
    target = rng.randint(5, 60)
    proc = subprocess.Popen([sys.executable, "-c", _CRASHER, str(path)], stdout=subprocess.PIPE, text=True)
    acked = []
    assert proc.stdout is not None
    for line in proc.stdout:
        acked.append(int(line))
        if len(acked) >= target:
            break
    assert len(acked) == target, "the writer stopped before it was killed"
    time.sleep(rng.random() * 0.05)  # kill somewhere inside a later edit
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    with em.open_store(path) as s:
        m = s.person("R-C").map("Baseline")
        for i in acked:
            assert m.placement(f"a{i}").note == f"note {i}"
        if not is_postgres(path):
            assert s._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_save_failure_is_reported_and_nothing_changes(location, tmp_path):
    if is_postgres(location):  # a read-only session: the server refuses every write
        s = em.open_store(location)
        m = _build(s)
        before = m.to_dict()
        s._conn.execute("SET default_transaction_read_only = on")
    elif os.geteuid() == 0:
        # root ignores file modes; simulate a read-only store with SQLite's query_only switch
        path = tmp_path / "s.sqlite"
        s = em.open_store(path)
        m = _build(s)
        before = m.to_dict()
        s._conn.execute("PRAGMA query_only = ON")
    else:  # pragma: no cover - depends on the user running the tests
        path = tmp_path / "s.sqlite"
        s = em.open_store(path)
        m = _build(s)
        before = m.to_dict()
        os.chmod(path, 0o400)
    with pytest.raises(em.SaveError, match="could not save"):
        m.move("Mum", ring=2)
    assert m.to_dict() == before
    s.close()


def test_a_closed_store_says_so(location):
    s = em.open_store(location)
    m = _build(s)
    s.close()
    s.close()  # closing twice is fine
    for call in (s.person_ids, s.info, lambda: s.person("R-017"), lambda: m.move("Mum", ring=2), m.undo):
        with pytest.raises(em.StoreError, match="is closed"):
            call()
    assert m.placement("Mum").ring == 0  # what was loaded can still be read


def test_info_and_delete_person(store):
    _build(store)
    info = store.info()
    assert (info["persons"], info["maps"], info["alters"]) == (1, 1, 3)
    store.delete_person("R-017")
    assert store.info()["persons"] == 0 and store.info()["alters"] == 0 and store.info()["edits"] == 0
    with pytest.raises(em.NotFoundError):
        store.delete_person("R-017")


def test_person_updates_persist(location):
    path = location
    with em.open_store(path) as s:
        s.add_person("R-5").update(consent_research=True, display_name="Jo")
        with pytest.raises(em.ValidationError, match="unknown person attribute 'age'"):
            s.person("R-5").update(age=3)
    with em.open_store(path) as s:
        p = s.person("R-5")
        assert p.consent_research is True and p.display_name == "Jo"


def test_import_person_keeps_ids(store):
    p = em.demo.demo_case()
    saved = store.import_person(p)
    assert json.dumps(saved.to_dict(), sort_keys=True) == json.dumps(p.to_dict(), sort_keys=True)
    with pytest.raises(em.DuplicateError):
        store.import_person(p)
    assert store.info()["persons"] == 1
