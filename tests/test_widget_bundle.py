"""The widget's front-end bundle (egomap/widget/static/map.js) is built from the current js/ sources."""

from __future__ import annotations

import re
from pathlib import Path

from egomap.widget import bundle
from egomap.widget.widget import MapWidget

ROOT = Path(__file__).resolve().parents[1]


def test_bundle_is_built_from_the_current_sources():
    assert bundle.bundled_hash() == bundle.sources_hash(), (
        "egomap/widget/static/map.js is stale: run `python -m egomap.widget.bundle` (see egomap/widget/js/README.md)"
    )


def test_a_changed_source_changes_the_hash(tmp_path):
    for f in bundle.SOURCES.glob("*.js"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    assert bundle.sources_hash(tmp_path) == bundle.sources_hash()
    (tmp_path / "draw.js").write_text((tmp_path / "draw.js").read_text() + "\n// edited\n")
    assert bundle.sources_hash(tmp_path) != bundle.sources_hash()


def test_sources_are_small_es_modules_and_the_bundle_imports_nothing():
    sources = sorted(bundle.SOURCES.glob("*.js"))
    assert {f.name for f in sources} >= {"map.js", "util.js", "draw.js", "panels.js", "input.js"}
    for f in sources:
        assert len(f.read_text().splitlines()) < 600, f.name
        assert not re.search(r"^import .* from ['\"](?!\./)", f.read_text(), re.M), f.name  # no CDN or package imports
    text = bundle.BUNDLE.read_text()
    assert not re.search(r"\bimport\s*[\w{*(\"']", text.split("\n", 1)[1])  # one self-contained module
    assert "export" in text and "render" in text
    assert str(MapWidget._esm) == text  # what anywidget loads


def test_package_data_ships_the_bundle_and_the_css():
    text = (ROOT / "pyproject.toml").read_text()
    section = text.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    assert '"widget/static/*"' in section
    assert {p.name for p in (ROOT / "egomap" / "widget" / "static").iterdir()} == {"map.js", "map.css"}
