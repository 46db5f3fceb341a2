"""Test-wide settings: notebooks and tests never touch the real per-user store."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    tmp = tempfile.mkdtemp(prefix="egomap-tests-")
    # nbval starts notebook kernels as subprocesses: they inherit these
    os.environ["EGOMAP_STORE"] = os.path.join(tmp, "notebook-store.sqlite")
    os.environ.setdefault("MPLBACKEND", "Agg")
