"""A database URL where a store is meant: PostgreSQL URLs open a team store, others are refused; never a local folder, never a password shown."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import egomap as em

# a server that is not there (nothing listens on port 1): the store cannot be reached
URL = "postgresql://alice:s3cret@127.0.0.1:1/egomap"


def test_open_store_with_an_unreachable_server_says_so_without_the_password(tmp_path, monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(em.StoreError, match="cannot connect to the store postgresql://alice@127.0.0.1:1/egomap") as e:
        em.open_store(URL)
    assert "s3cret" not in str(e.value)
    monkeypatch.setenv("EGOMAP_STORE", URL.replace("postgresql://", "postgres://"))
    with pytest.raises(em.StoreError, match="cannot connect") as e:
        em.open_store()
    assert "s3cret" not in str(e.value)
    assert list(tmp_path.iterdir()) == []  # no folder named 'postgresql:' with a private copy in it


def test_open_store_refuses_another_database_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(em.StoreError, match="cannot open a mysql:// store") as e:
        em.open_store("mysql://alice:s3cret@db.example/egomap")
    assert "s3cret" not in str(e.value) and "alice" not in str(e.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("how", ["--store", "EGOMAP_STORE"])
def test_cli_with_an_unreachable_server(tmp_path, how):
    pytest.importorskip("psycopg")
    env = {**os.environ, "EGOMAP_STORE": URL} if how == "EGOMAP_STORE" else dict(os.environ)
    args = ["--store", URL] if how == "--store" else []
    for cmd in (["info"], ["demo"]):
        r = subprocess.run(
            [sys.executable, "-m", "egomap.cli", *cmd, *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert r.returncode == 2, (cmd, r.stdout, r.stderr)
        assert "cannot connect to the store postgresql://alice@127.0.0.1:1/egomap" in r.stderr
        assert "s3cret" not in r.stderr + r.stdout
        assert "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []
