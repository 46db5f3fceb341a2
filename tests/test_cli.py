"""The `egomap` command."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

import egomap as em
from egomap import cli
from egomap.cli import main, notebooks_dir


def test_help_for_each_command(capsys):
    for cmd in ([], ["lab"], ["app"], ["demo"], ["info"], ["export"], ["import"]):
        with pytest.raises(SystemExit) as e:
            main([*cmd, "--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
        assert "usage: egomap" in out
        if cmd:
            assert "--store" in out


def test_demo_then_info(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["demo", "--store", str(path), "-n", "4"]) == 0
    assert main(["demo", "--store", str(path), "-n", "4"]) == 0  # again: nothing duplicated
    assert main(["info", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert "persons: 5" in out and "maps:    15" in out and str(path) in out
    with em.open_store(path) as s:
        assert "DEMO-01" in s.person_ids()


def test_info_on_a_file_that_is_not_a_store(tmp_path, capsys):
    bad = tmp_path / "x.sqlite"
    bad.write_text("not a database, just text" * 20)
    assert main(["info", "--store", str(bad)]) == 2
    assert "is not an egomap store" in capsys.readouterr().err


def test_lab_dry_run_uses_the_store_and_notebooks(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # works from any folder
    assert main(["lab", "--store", "s.sqlite", "--dry-run", "--no-browser", "--port", "8890"]) == 0
    out = capsys.readouterr().out
    assert f"--ServerApp.root_dir={notebooks_dir()}" in out
    assert (notebooks_dir() / "01_session.ipynb").is_file()
    assert f"store {tmp_path / 's.sqlite'}" in out  # a relative --store is made absolute for the kernels
    assert out.rstrip().endswith(
        "-m jupyter lab --ServerApp.root_dir=" + str(notebooks_dir()) + " --no-browser --port 8890"
    )
    assert not (tmp_path / "s.sqlite").exists()  # a dry run writes nothing
    with pytest.raises(SystemExit) as e:
        main(["demo", "--no-browser"])  # only lab and app pass unknown options on
    assert e.value.code == 2


def test_notebooks_are_found_after_a_regular_install_or_not_at_all(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "__file__", str(tmp_path / "site-packages" / "egomap" / "cli.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    monkeypatch.setattr("site.getuserbase", lambda: str(tmp_path / "userbase"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(em.NotFoundError, match="cannot find the egomap notebooks"):
        notebooks_dir()
    shared = tmp_path / "prefix" / "share" / "egomap" / "notebooks"
    shared.mkdir(parents=True)
    user = tmp_path / "userbase" / "share" / "egomap" / "notebooks"  # pip install --user
    user.mkdir(parents=True)
    (user / "01_session.ipynb").write_text("{}")
    assert notebooks_dir() == user
    (shared / "01_session.ipynb").write_text("{}")
    assert notebooks_dir() == shared


def test_info_does_not_create_a_store(tmp_path, capsys):
    path = tmp_path / "none.sqlite"
    assert main(["info", "--store", str(path)]) == 0
    assert "not created yet" in capsys.readouterr().out and not path.exists()


def test_console_script_is_installed():
    scripts = Path(sysconfig.get_path("scripts"))
    exe = next((scripts / n for n in ("egomap", "egomap.exe") if (scripts / n).exists()), None)
    assert exe is not None, f"no egomap command in {scripts}; run pip install -e ."
    out = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=True)
    for cmd in ("lab", "app", "demo", "info", "export", "import"):
        assert cmd in out.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.jupyterlab
@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the server's environment from /proc")
def test_egomap_lab_opens_jupyterlab_on_the_notebooks_with_the_store(tmp_path):
    """`egomap lab`, started from an unrelated folder, serves the notebooks; its kernels get the store."""
    store, port, token = tmp_path / "lab.sqlite", _free_port(), "egomap-test-token"
    env = {**os.environ, **{f"JUPYTER_{k}_DIR": str(tmp_path / k.lower()) for k in ("CONFIG", "DATA", "RUNTIME")}}
    env.pop("EGOMAP_STORE", None)
    cmd = [sys.executable, "-m", "egomap.cli", "lab", "--store", str(store), "--no-browser", "--allow-root"]
    cmd += [f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        listing = None
        deadline = time.monotonic() + 90
        while listing is None and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=5) as r:
                    listing = json.load(r)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, (tmp_path / "lab.log").read_text()
        names = {c["name"] for c in listing["content"]}
        assert {"01_session.ipynb", "02_workshop.ipynb", "03_change_over_time.ipynb", "04_research.ipynb"} <= names
        # the store was checked and created (privately) before the server started ...
        assert stat.S_IMODE(store.stat().st_mode) == 0o600
        # ... and the server (whose kernels inherit its environment) was given it
        environ = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
        assert f"EGOMAP_STORE={store}".encode() in environ
        assert b"jupyter" in Path(f"/proc/{proc.pid}/cmdline").read_bytes()  # the server itself, not a wrapper
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_app_dry_run_serves_the_session_notebook(tmp_path, capsys):
    assert main(["app", "--store", str(tmp_path / "s.sqlite"), "--port", "8999", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "-m voila" in out and "01_session.ipynb" in out and "--port=8999" in out
