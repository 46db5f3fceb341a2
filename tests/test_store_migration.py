"""Upgrading a store written by the schema before ``known_for`` (version 2), and columns that follow the vocabulary."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

import egomap as em
from egomap import fields
from egomap.store import SCHEMA_VERSION
from egomap.store.sqlite import MIGRATIONS, TABLES

sys.path.insert(0, str(Path(__file__).parent))
from pg import columns_of  # noqa: E402

# A store file as egomap wrote it at schema version 2 (before ``known_for``), frozen as SQL text here
# (not taken from the code) so that the test opens a genuinely old file whatever the code becomes.
_V2_FILE_SQL = """
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
    reviewed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (map_id, alter_id));
CREATE INDEX placements_alter ON placements(alter_id);
CREATE TABLE ties (map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    a TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE, b TEXT NOT NULL REFERENCES alters(id) ON DELETE CASCADE,
    PRIMARY KEY (map_id, a, b), CHECK (a < b));
CREATE TABLE goals (id TEXT PRIMARY KEY, map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    text TEXT NOT NULL, steps TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'open',
    alter_ids TEXT NOT NULL DEFAULT '[]');
CREATE TABLE edits (id INTEGER PRIMARY KEY AUTOINCREMENT, map_id TEXT NOT NULL REFERENCES maps(id) ON DELETE CASCADE,
    time TEXT NOT NULL, action TEXT NOT NULL, target INTEGER, edit TEXT NOT NULL, inverse TEXT,
    description TEXT NOT NULL DEFAULT '', writer TEXT NOT NULL DEFAULT '');
CREATE INDEX edits_map ON edits(map_id, id);
INSERT INTO persons VALUES ('R-V2', NULL, 1, 1, '2026-01-12T09:00:00.000+00:00');
INSERT INTO alters VALUES ('a1', 'R-V2', 'Mum', 'person', 'mother', 0, '');
INSERT INTO alters VALUES ('a2', 'R-V2', 'Dave', 'person', 'football coach', 0, 'Community football');
INSERT INTO maps VALUES ('m1', 'R-V2', 0, 'Baseline', '2026-01-12', '',
    '{"name": "kahn_antonucci", "rings": [{"label": "Inner"}, {"label": "Middle"}, {"label": "Outer"}]}',
    '{"name": "four_quadrants", "sectors": [{"key": "family", "label": "Family", "is_family": true},
      {"key": "friends", "label": "Friends"}, {"key": "work_school", "label": "Work"},
      {"key": "professional", "label": "Professional helpers"}]}',
    NULL, '2026-01-12T09:00:00.000+00:00', 2);
INSERT INTO placements VALUES ('m1', 'a1', 0, 'family', 45.0, 0.3, 'emotional', '', 'supportive', 'daily', '', 1);
INSERT INTO placements VALUES ('m1', 'a2', 2, 'friends', 120.0, 0.9, '', '', 'mixed', 'weekly', 'new', 0);
INSERT INTO ties VALUES ('m1', 'a1', 'a2');
INSERT INTO edits (map_id, time, action, edit, description, writer) VALUES
    ('m1', '2026-01-12T09:00:00.000+00:00', 'create', '{"copied_from":null,"op":"create_map"}', 'new map', 'h:1');
INSERT INTO edits (map_id, time, action, edit, inverse, description, writer) VALUES
    ('m1', '2026-01-12T09:01:00.000+00:00', 'edit',
     '{"alter":{},"alter_id":"a2","op":"update","placement":{"valence":"mixed"}}',
     '{"alter":{},"alter_id":"a2","op":"update","placement":{"valence":null}}', 'edit Dave', 'h:1');
INSERT INTO edits (map_id, time, action, edit, inverse, description, writer) VALUES
    ('m1', '2026-01-12T09:02:00.000+00:00', 'edit',
     '{"alter_id":"a1","op":"update","placement":{"radius":0.3,"ring":0}}',
     '{"alter_id":"a1","op":"update","placement":{"radius":0.6,"ring":1}}', 'move Mum', 'h:1');
PRAGMA user_version = 2;
"""


def _v2_store(tmp_path):
    path = tmp_path / "v2.sqlite"
    con = sqlite3.connect(path)
    con.executescript(_V2_FILE_SQL)
    assert "known_for" not in {r[1] for r in con.execute("PRAGMA table_info(placements)")}
    con.close()
    return path


def test_known_for_migration_from_a_version_2_store_file(tmp_path):
    """The version-2 file opens, gains ``known_for`` (unset for everyone), and keeps its data and undo history."""
    path = _v2_store(tmp_path)
    with em.open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION >= 3
        m = s.person("R-V2").map("Baseline")
        assert [m.placement(a).known_for for a in ("Mum", "Dave")] == [None, None]
        assert m.placement("Mum").reviewed is True and m.placement("Dave").note == "new"
        assert m.placement("Mum").support_received == {"emotional"} and m.has_tie("Mum", "Dave")
        assert m.undo() == "move Mum" and m.placement("Mum").ring == 1  # the old log still backs undo
        assert m.undo() == "edit Dave" and m.placement("Dave").valence is None
        m.update("Dave", known_for="1-5 years")
        assert not m.can_redo
    with em.open_store(path) as s:  # the upgrade and the new value were saved
        m = s.person("R-V2").map("Baseline")
        assert m.placement("Dave").known_for == "1-5 years" and m.placement("Mum").known_for is None
        assert m.undo() == "edit Dave" and m.placement("Dave").known_for is None
        assert m.redo() == "edit Dave" and m.placement("Dave").known_for == "1-5 years"
        with pytest.raises(em.ValidationError, match="known_for"):
            m.update("Mum", known_for="ages")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_store_columns_are_the_vocabulary(location):
    """Every vocabulary field has its column in its owner's table, in both engines, and the migrations made it."""
    from egomap.store.postgres.schema import MIGRATIONS as PG_MIGRATIONS

    em.open_store(location).close()
    for owner, table in TABLES.items():
        cols = columns_of(location, table)
        for f in fields.of(owner):
            assert f.column in cols, (owner, f.name)
    for migrations in (MIGRATIONS, PG_MIGRATIONS):
        assert "known_for" in migrations[3] and "placements" in migrations[3]
    assert set(MIGRATIONS) == set(PG_MIGRATIONS)


def test_known_for_in_the_api_and_the_table(store):
    m = store.add_person("R-KF").new_map("Baseline")
    a = m.add_alter("Sam", ring=1, sector="friends", known_for="More than 5 years ")
    assert m.placement(a).known_for == "more than 5 years"
    assert m.to_dict()["placements"][0]["known_for"] == "more than 5 years"
    m.update(a, known_for=None)
    assert m.placement(a).known_for is None
    with pytest.raises(em.ValidationError, match="'known' is not an attribute"):
        m.add_alter("Kim", ring=1, sector="friends", known="1-5 years")
