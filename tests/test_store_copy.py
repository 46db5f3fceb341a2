"""``egomap copy``: a whole store from SQLite to PostgreSQL and back, edit logs included, counts and checksums compared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import egomap as em

sys.path.insert(0, str(Path(__file__).parent))
from pg import rows_of  # noqa: E402

pytest.importorskip("psycopg")
from egomap.store.postgres.copy import TABLES, copy_store  # noqa: E402


def _fill(path: Path) -> dict:
    with em.open_store(path) as s:
        em.demo.demo_case(s)
        em.demo.synthetic_cohort(s, n=5, k=2, seed=7)
        m = s.person(em.demo.DEMO_ID).maps[0]
        m.move(m.alters[0], ring=2)
        m.undo()  # an undone edit: redo must still work on the copy
        return {p.id: [x.to_dict() for x in p.maps] for p in s.people()}


def test_sqlite_to_postgres_and_back_keeps_everything(tmp_path, pg_cluster):
    src = tmp_path / "study.sqlite"
    maps = _fill(src)
    url = pg_cluster.new_db()
    lines: list[str] = []
    done = copy_store(src, url, report=lines.append)
    assert [ln.split()[0] for ln in lines] == list(TABLES) and all(ln.endswith(" ok") for ln in lines)
    with em.open_store(src) as s:
        info = s.info()
    assert done["persons"][0] == info["persons"] and done["edits"][0] == info["edits"] > 0
    with em.open_store(url) as s:
        assert {p.id: [x.to_dict() for x in p.maps] for p in s.people()} == maps
        m = s.person(em.demo.DEMO_ID).maps[0]
        assert m.can_redo and m.redo().startswith("move")  # the edit log came along: redo the undone move
        m.undo()
    back = tmp_path / "back.sqlite"
    again = copy_store(url, back, report=None)
    assert {t: again[t][0] for t in ("persons", "maps", "alters", "placements", "ties", "goals")} == {
        t: done[t][0] for t in ("persons", "maps", "alters", "placements", "ties", "goals")
    }
    assert again["edits"][0] == done["edits"][0] + 2  # the redo and undo made on PostgreSQL
    with em.open_store(back) as s:
        assert {p.id: [x.to_dict() for x in p.maps] for p in s.people()} == maps
        s.person(em.demo.DEMO_ID).maps[0].add_alter("New", ring=1, sector="friends")  # new edit ids follow on
    with em.open_store(url) as s:  # and on PostgreSQL too: the id sequence was moved past the copied ids
        s.person(em.demo.DEMO_ID).maps[0].add_alter("New", ring=1, sector="friends")


def test_copy_refuses_a_non_empty_target_and_changes_nothing(tmp_path, pg_cluster):
    src = tmp_path / "a.sqlite"
    _fill(src)
    url = pg_cluster.new_db()
    with em.open_store(url) as s:
        s.add_person("R-THERE")
    before = rows_of(url)
    with pytest.raises(em.StoreError, match="not empty"):
        copy_store(src, url, report=None)
    assert rows_of(url) == before


def test_a_differing_copy_is_rolled_back(tmp_path, pg_cluster):
    """A target that changes what it is given (here: a trigger) fails the checksum, and nothing is kept."""
    src = tmp_path / "a.sqlite"
    _fill(src)
    url = pg_cluster.new_db()
    em.open_store(url).close()
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        c.execute(
            "CREATE FUNCTION egomap.spoil() RETURNS trigger LANGUAGE plpgsql AS "
            "'BEGIN NEW.note := NEW.note || ''!''; RETURN NEW; END'"
        )
        c.execute(
            "CREATE TRIGGER spoil BEFORE INSERT ON egomap.placements FOR EACH ROW EXECUTE FUNCTION egomap.spoil()"
        )
    with pytest.raises(em.StoreError, match="copy of placements differs"):
        copy_store(src, url, report=None)
    assert all(v == [] for v in rows_of(url).values())


def test_copy_command_prints_counts_and_checksums(tmp_path, pg_cluster):
    src = tmp_path / "a.sqlite"
    _fill(src)
    url = pg_cluster.new_db().replace("postgres@", "postgres:hunter2@")  # trust: any password; never printed
    r = subprocess.run(
        [sys.executable, "-m", "egomap.cli", "copy", "--from", str(src), "--to", url],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert r.returncode == 0, r.stderr
    assert "hunter2" not in r.stdout + r.stderr
    for t in TABLES:
        assert any(line.startswith(t) and line.endswith(" ok") for line in r.stdout.splitlines()), r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "egomap.cli", "copy", "--from", str(src), "--to", url], capture_output=True, text=True
    )
    assert r.returncode == 2 and "not empty" in r.stderr and "hunter2" not in r.stderr
