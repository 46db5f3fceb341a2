"""Test-wide settings: notebooks and tests never touch the real per-user store.

Everything the test session writes outside pytest's own ``tmp_path`` (the
notebook store, temporary folders made by notebook kernels, which nbval stops
without letting them clean up) goes under one folder that is removed when the
session ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_SESSION_TMP: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _SESSION_TMP
    _SESSION_TMP = tempfile.mkdtemp(prefix="egomap-tests-")
    # nbval starts notebook kernels as subprocesses: they inherit these
    os.environ["EGOMAP_STORE"] = os.path.join(_SESSION_TMP, "notebook-store.sqlite")
    os.environ["TMPDIR"] = _SESSION_TMP
    os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_TMP:
        shutil.rmtree(_SESSION_TMP, ignore_errors=True)
