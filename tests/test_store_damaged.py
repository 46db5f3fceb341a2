"""A damaged store file gives a StoreError saying so and how to recover; `egomap check` finds the damage."""

from __future__ import annotations

import sqlite3

import pytest

import egomap as em
from egomap.cli import main
from egomap.store.sqlite.damage import integrity_check, is_damaged


def _store(path) -> None:
    with em.open_store(path) as s:
        em.demo.demo_case(s)
        em.demo.synthetic_cohort(s, n=12, k=2, seed=1)


def _damage(path, page: int = 2) -> None:
    """Overwrite one page of the file (pages count from 1), as a disk fault or a bad copy would."""
    with sqlite3.connect(path) as c:
        size = c.execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as f:
        f.seek(size * (page - 1))
        f.write(b"\xde\xad\xbe\xef" * (size // 4))


def _read_everything(store) -> None:
    for p in store.people():
        for m in p.maps:
            assert isinstance(m.alters, list)


def test_reading_a_damaged_store_says_it_is_damaged_and_how_to_recover(tmp_path):
    path = tmp_path / "s.sqlite"
    _store(path)
    _damage(path)
    with pytest.raises(em.StoreError) as e:  # it may fail on opening, or on the first read of the damaged page
        with em.open_store(path) as s:
            _read_everything(s)
    msg = str(e.value)
    assert "is damaged" in msg and str(path) in msg and f"egomap check --store {path}" in msg
    assert "backup" in msg and ".recover" in msg
    assert isinstance(e.value.__cause__, sqlite3.DatabaseError)


def test_writing_to_a_damaged_store_is_refused_with_a_store_error(tmp_path):
    path = tmp_path / "s.sqlite"
    _store(path)
    with em.open_store(path) as s:
        ids = s.person_ids()
    _damage(path)
    with pytest.raises(em.StoreError, match="damaged"):
        with em.open_store(path) as s:
            for pid in ids:
                s.person(pid).map(0).add_alter("New", 0, "family")


def test_egomap_check(tmp_path, capsys):
    path = tmp_path / "s.sqlite"
    _store(path)
    assert integrity_check(path) == []
    assert main(["check", "--store", str(path)]) == 0
    assert "ok" in capsys.readouterr().out
    _damage(path)
    assert integrity_check(path) != []
    assert main(["check", "--store", str(path)]) == 1
    out = capsys.readouterr().out
    assert "DAMAGED" in out and ".recover" in out and "backup" in out
    assert main(["check", "--store", str(tmp_path / "none.sqlite")]) == 2
    assert "no store file" in capsys.readouterr().err


def test_only_damage_counts_as_damage():
    assert is_damaged(sqlite3.DatabaseError("database disk image is malformed"))
    assert not is_damaged(sqlite3.OperationalError("database is locked"))
    assert not is_damaged(sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert not is_damaged(ValueError("malformed"))
