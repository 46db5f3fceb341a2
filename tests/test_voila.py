"""The session notebook as a Voilà app (no code shown), in headless Chromium.

Voilà starts a new kernel for every page load, so readiness is checked on its TCP port, not a page.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import egomap as em

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "voila exited early"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"voila did not listen on port {port}")


@contextmanager
def voila(notebook: Path, folder: Path, env: dict[str, str]):
    """Serve ``notebook`` with Voilà on a free port; yield the page address."""
    shutil.copy(notebook, folder)
    port = _free_port()
    full_env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "PYTHONWARNINGS": "ignore", **env}
    log = open(folder / "voila.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voila",
            str(folder / notebook.name),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ],
        cwd=folder,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def test_session_app_in_voila(tmp_path, page):
    from axe import assert_accessible

    store = tmp_path / "app.sqlite"
    page.set_viewport_size({"width": 1366, "height": 768})  # a laptop
    with voila(ROOT / "notebooks" / "01_session.ipynb", tmp_path, {"EGOMAP_STORE": str(store)}) as url:
        page.goto(url, timeout=90_000)
        page.wait_for_selector(".egomap-session", timeout=90_000)
        text = page.locator("body").inner_text()
        assert "SessionPanel(store)" not in text  # no code shown
        assert "A co-drawing session" in text and "How a session goes" in text and "pseudonymous id" in text
        assert "Run All Cells" not in text and "Working in code" not in text  # notebook-only cells left out
        # the panel comes first: its first box is on the first screen
        assert page.locator(".egomap-session-person-id input").bounding_box()["y"] < 768
        assert_accessible(page)
        page.locator(".egomap-session-person-id input").fill("R-300")
        page.locator(".egomap-session-open-person").click()
        page.wait_for_function(
            "() => document.querySelector('.egomap-session-maps').textContent.includes('no maps yet')"
        )
        assert not page.get_by_text("Before you start").is_visible()  # the how-to folded away once read
        page.locator(".egomap-session-start-map").click()
        page.wait_for_selector(".egomap-root")
        page.wait_for_selector(".egomap-alter, .egomap-svg")
        # once a map is open, the map starts on the first screen (not below the instructions)
        top = page.locator(".egomap-svg").bounding_box()["y"]
        # (a third of the map or more on the first screen, and the whole map no taller than the window)
        assert page.evaluate("scrollY") == 0 and top < 768 * 0.65
        assert page.locator(".egomap-svg").bounding_box()["height"] <= 768
        assert_accessible(page)
        box = page.locator(".egomap-add-input")
        box.fill("<img src=x onerror=alert(1)>")
        box.press("Enter")
        page.wait_for_selector(".egomap-alter")
        page.wait_for_selector(".egomap-status-saved")
        assert "<img src=x onerror=alert(1)>" in page.locator(".egomap-alter").first.text_content()
        assert page.locator("img[src=x]").count() == 0
        # the picture for the person to keep, downloaded from the app
        page.locator(".egomap-session-save-picture").click()
        link = page.locator(".egomap-session-download a")
        link.wait_for(timeout=30_000)
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "R-300_Baseline.png"
        assert page.errors == [] and page.dialogs == []  # type: ignore[attr-defined]
    with em.open_store(store) as s:
        assert [a.label for a in s.person("R-300").map("Baseline").alters] == ["<img src=x onerror=alert(1)>"]


def test_change_view_in_voila(tmp_path, page):
    with voila(ROOT / "notebooks" / "03_change_over_time.ipynb", tmp_path, {}) as url:
        page.goto(url, timeout=120_000)
        frame_el = page.locator("iframe").first
        frame_el.wait_for(timeout=120_000)
        frame = frame_el.content_frame
        frame.locator("canvas").first.wait_for()
        frame.locator("button[data-i]", has_text="12 months").click()
        assert frame.locator("button[aria-selected=true]").first.text_content().strip() == "12 months"
        assert page.errors == []  # type: ignore[attr-defined]
