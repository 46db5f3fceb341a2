"""The `egomap` command."""

from __future__ import annotations

import subprocess
import sys

import pytest

import egomap as em
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


def test_lab_dry_run_uses_the_store_and_notebooks(tmp_path, capsys):
    assert main(["lab", "--store", str(tmp_path / "s.sqlite"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "jupyter lab" in out.replace("-m jupyter lab", "jupyter lab")
    assert str(notebooks_dir()) in out and "s.sqlite" in out


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "egomap.cli", "--help"], capture_output=True, text=True, check=True)
    for cmd in ("lab", "demo", "info", "export", "import"):
        assert cmd in out.stdout


def test_app_dry_run_serves_the_session_notebook(tmp_path, capsys):
    assert main(["app", "--store", str(tmp_path / "s.sqlite"), "--port", "8999", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "-m voila" in out and "01_session.ipynb" in out and "--port=8999" in out
