"""A database URL where a store file is meant is refused plainly, creates nothing, and never echoes a password."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import egomap as em

URL = "postgresql://alice:s3cret@db.example/egomap"


def test_open_store_refuses_a_database_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(em.StoreError, match="postgresql:// store") as e:
        em.open_store(URL)
    assert "s3cret" not in str(e.value) and "alice" not in str(e.value)
    monkeypatch.setenv("EGOMAP_STORE", URL)
    with pytest.raises(em.StoreError, match="postgresql://"):
        em.open_store()
    assert list(tmp_path.iterdir()) == []  # no folder named 'postgresql:' with a private copy in it


@pytest.mark.parametrize("how", ["--store", "EGOMAP_STORE"])
def test_cli_refuses_a_database_url(tmp_path, how):
    env = {**os.environ, "EGOMAP_STORE": URL} if how == "EGOMAP_STORE" else dict(os.environ)
    args = ["--store", URL] if how == "--store" else []
    for cmd in (["info"], ["demo"]):
        r = subprocess.run(
            [sys.executable, "-m", "egomap.cli", *cmd, *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert r.returncode == 2, (cmd, r.stdout, r.stderr)
        assert "cannot open a postgresql:// store" in r.stderr and "s3cret" not in r.stderr + r.stdout
        assert "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []
