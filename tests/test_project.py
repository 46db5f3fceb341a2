"""Project hygiene: pyproject.toml and environment.yml agree; the README's commands are the real ones."""

from __future__ import annotations

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> tuple[str, str]:
    """(name, version spec) of a requirement; extras such as ``[binary]`` are pip's business, not conda's."""
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = dict(_name(d) for d in env["dependencies"] if isinstance(d, str) and _name(d)[0] not in ("python", "pip"))
    pip = [d for d in env["dependencies"] if isinstance(d, dict) for d in d["pip"] if not d.startswith("-e")]
    conda.update(_name(d) for d in pip)
    extras = py["project"]["optional-dependencies"]
    wanted = dict(_name(d) for name in extras for d in py["project"]["dependencies"] + extras[name])
    assert conda == wanted
    py_min = py["project"]["requires-python"].replace(">=", "")
    assert f"python>={py_min}" in env["dependencies"]


def test_readme_quick_start_has_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", quick, re.S)
    commands = [line for b in blocks for line in b.splitlines() if line.strip() and not line.startswith("#")]
    assert commands == ["pip install -e . && egomap lab", 'pip install -e ".[test]" && pytest']
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'pip install -q --disable-pip-version-check -e ".[test]"' in ci and ci.rstrip().endswith("pytest")


def test_a_regular_install_ships_the_notebooks_and_the_typing_marker():
    """`egomap lab` after `pip install .` (not -e) finds the notebooks in <prefix>/share/egomap/notebooks."""
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    tool = py["tool"]["setuptools"]
    shipped = {p for pattern in tool["data-files"]["share/egomap/notebooks"] for p in ROOT.glob(pattern)}
    assert shipped == set((ROOT / "notebooks").glob("*.ipynb")) and len(shipped) >= 4
    assert "py.typed" in tool["package-data"]["egomap"] and (ROOT / "egomap" / "py.typed").is_file()
    assert py["project"]["scripts"]["egomap"] == "egomap.cli:main"
    assert py["project"]["requires-python"] == ">=3.10" and "test" in py["project"]["optional-dependencies"]
