"""Every file egomap writes that can carry a name is owner-only (0600), and the folders it creates 0700.

Run under the usual umask 022, under which Python's own file writing gives 0644 files and 0755 folders.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import egomap as em
from egomap.cli import main


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def person(store):
    p = em.demo.demo_case(store)
    p.update(display_name="Jamie Secret")
    return p


def _all_private(files, folders=()) -> None:
    files, folders = list(files), list(folders)
    assert files, "nothing was written"
    assert {f.name: oct(_mode(f)) for f in files} == {f.name: "0o600" for f in files}
    assert {str(d): oct(_mode(d)) for d in folders} == {str(d): "0o700" for d in folders}


def test_python_would_write_0644_here(tmp_path):
    """The test can fail: without egomap's helpers, this umask gives files others can read."""
    (tmp_path / "plain.txt").write_text("x")
    assert _mode(tmp_path / "plain.txt") == 0o644


def test_exports_with_names_are_owner_only(store, person, tmp_path):
    out = tmp_path / "new" / "exports"
    egor = em.io.export_egor(store, out / "egor", include_names=True)
    graphml = em.io.export_graphml(store, out / "graphml", include_names=True)
    js = em.io.export_json(store, out / "json" / "p.json", include_names=True)
    _all_private([*egor.values(), *graphml, js], [tmp_path / "new", out, out / "egor", out / "graphml", out / "json"])


def test_an_existing_file_becomes_owner_only_and_existing_folders_stay(store, person, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    (folder / "alters.csv").write_text("old")
    os.chmod(folder / "alters.csv", 0o644)
    paths = em.io.export_egor(store, folder, include_names=True)
    _all_private(paths.values())
    assert _mode(folder) == 0o755  # a folder egomap did not create is left as it is


def test_cli_exports_are_owner_only(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    with em.open_store(db) as s:
        em.demo.demo_case(s)
    for fmt, out in (("egor", "egor"), ("graphml", "graphml"), ("json", "j/p.json")):
        assert main(["export", "--store", str(db), "--format", fmt, "--include-names", str(tmp_path / out)]) == 0
    capsys.readouterr()
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("s.sqlite")]
    _all_private(written, [tmp_path / "egor", tmp_path / "graphml", tmp_path / "j"])


def test_widget_pictures_are_owner_only(person, tmp_path):
    w = em.MapWidget(person.map(0))
    svg = w.save_svg(tmp_path / "pics" / "map.svg")
    png = w.save_png(tmp_path / "pics" / "map.png")
    _all_private([svg, png], [tmp_path / "pics"])
    assert png.read_bytes().startswith(b"\x89PNG") and "<svg" in svg.read_text(encoding="utf-8")


def test_figures_and_change_views_are_owner_only(person, tmp_path):
    fig = em.viz.egogram(person.map(0))
    for name in ("egogram.svg", "egogram.png", "egogram.pdf"):
        fig.savefig(tmp_path / "figs" / name)
    fig.savefig(str(tmp_path / "figs" / "no_suffix"))  # matplotlib adds .png
    em.viz.small_multiples(person).savefig(tmp_path / "figs" / "multiples.svg")
    view = em.viz.change_network(person)
    page = view.save(tmp_path / "views" / "change.html")
    files = sorted((tmp_path / "figs").iterdir())
    assert [f.name for f in files] == sorted(["egogram.svg", "egogram.png", "egogram.pdf", "no_suffix.png",
                                              "multiples.svg"])  # fmt: skip
    assert all(f.stat().st_size > 0 for f in files)
    _all_private([*files, page], [tmp_path / "figs", tmp_path / "views"])
