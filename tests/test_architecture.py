"""The shape of the code (docs/architecture.md): dependencies point one way, modules stay small, no private reach-ins."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import networkx as nx
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PKG = ROOT / "egomap"

#: The layers, bottom first: a module may import from its own layer and the layers below it.
LAYERS = [
    {"errors", "checks", "fields", "files"},
    {"schemes", "resource_schemes"},
    {"geometry"},
    {"model"},
    {"store"},
    {"change", "graph", "measures", "linking"},
    {"viz", "widget", "io", "review"},
    {"demo", "session", "cli"},
]
RANK = {part: i for i, layer in enumerate(LAYERS) for part in layer}


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for f in PKG.rglob("*.py"):
        name = ".".join(f.relative_to(ROOT).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = f
    return out


def _imports(name: str, f: pathlib.Path, mods: dict[str, pathlib.Path]) -> set[str]:
    """The egomap modules ``name`` imports (also inside functions; not under TYPE_CHECKING)."""
    tree = ast.parse(f.read_text())
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            targets = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in mods else node.module for a in node.names
            ]
        for t in targets:
            while t and t not in mods:
                t = t.rpartition(".")[0]
            if t.startswith("egomap.") and t != name:
                found.add(t)
    return found


def _graph() -> nx.DiGraph:
    mods = _modules()
    g = nx.DiGraph()
    for name, f in mods.items():
        if f.name == "__init__.py":  # package re-exports are not dependencies
            continue
        g.add_node(name)
        for t in _imports(name, f, mods):
            if mods[t].name != "__init__.py" or t.count(".") > 0:
                g.add_edge(name, t)
    return g


def _part(module: str) -> str:
    return module.split(".")[1]


def test_every_module_is_in_a_layer():
    parts = {_part(m) for m in _modules() if m != "egomap"}
    assert parts <= set(RANK), sorted(parts - set(RANK))


def test_dependencies_point_down_the_layers():
    wrong = [
        (a, b) for a, b in _graph().edges if _part(a) in RANK and _part(b) in RANK and RANK[_part(a)] < RANK[_part(b)]
    ]
    assert not wrong, wrong


def test_no_import_circles():
    circles = [sorted(c) for c in nx.strongly_connected_components(_graph()) if len(c) > 1]
    assert not circles, circles


def test_no_module_is_over_600_lines():
    big = {
        str(f.relative_to(ROOT)): n
        for f in [*PKG.rglob("*.py"), *PKG.rglob("*.js"), *PKG.rglob("*.css")]
        if (n := len(f.read_text().splitlines())) > 600
    }
    assert not big, big


def test_no_module_uses_another_modules_private_names():
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "SLF001", "--output-format", "concise", "egomap"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if ruff.returncode not in (0, 1):  # pragma: no cover - ruff itself failed
        pytest.fail(ruff.stderr)
    assert ruff.returncode == 0, ruff.stdout


def test_the_layers_catch_an_upward_import(tmp_path):
    """The check can fail: a model module importing the store is an upward dependency."""
    mods = _modules()
    fake = tmp_path / "fake.py"
    fake.write_text("from egomap.store import open_store\n")
    found = _imports("egomap.model.fake", fake, mods)
    assert found == {"egomap.store"} and RANK[_part("egomap.model.fake")] < RANK[_part("egomap.store")]
