"""Shared fixtures: a fresh store, and a real headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import egomap as em

CHROMIUM = os.environ.get("EGOMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[em.Store]:
    """An empty store in a temporary folder."""
    s = em.open_store(tmp_path / "test.sqlite")
    yield s
    s.close()


def _need_chromium() -> None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium, driven by Playwright (one per test session)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page (own context) that fails the test on any uncaught page error or dialog."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]

    def _dialog(d):
        pg.dialogs.append(d.message)  # type: ignore[attr-defined]
        d.dismiss()

    pg.on("dialog", _dialog)
    yield pg
    ctx.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway local PostgreSQL server for the whole test session (see tests/pg.py)."""
    from pg import Cluster, memory_dir, need_postgres

    need_postgres()
    c = Cluster(memory_dir())
    yield c
    c.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path: Path) -> str | Path:
    """Where a fresh store goes, for each engine: an SQLite file path, or the URL of a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "s.sqlite"
    return request.getfixturevalue("pg_cluster").new_db()
