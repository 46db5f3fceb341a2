"""The README's tour runs as written (in a temporary folder, with a temporary store)."""

from __future__ import annotations

import re
from pathlib import Path

import egomap as em

ROOT = Path(__file__).resolve().parents[1]


def test_readme_tour_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EGOMAP_STORE", str(tmp_path / "store.sqlite"))
    readme = (ROOT / "README.md").read_text()
    tour = readme.split("## A short tour", 1)[1]
    code = re.search(r"```python\n(.*?)```", tour, re.S).group(1)
    code = code.replace('"export/"', repr(str(em.io.SAMPLE)))
    ns: dict = {}
    exec(compile(code, "README.md", "exec"), ns)
    store = ns["store"]
    m = store.person("R-017").map("Baseline")
    assert m.placement("Mum").ring == 1 and m.has_tie("Mum", "Gran")
    assert [x.label for x in ns["ch"].gained] == []
    assert (tmp_path / "out").is_dir() and list((tmp_path / "out").iterdir())
    store.close()
