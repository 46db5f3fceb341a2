"""Run a real JupyterLab server for browser tests, and drive notebooks in it.

Use from tests (and benchmarks) as::

    from lab import running_lab, write_notebook, open_notebook, run_all_cells

    write_notebook(tmp_path / "t.ipynb", ["import egomap as em", "em.MapWidget(m)"])
    with running_lab(tmp_path) as lab:            # a JupyterLab server on a free port
        open_notebook(page, lab, "t.ipynb")        # page: a Playwright page
        run_all_cells(page)                        # waits until the kernel is idle again

The server runs with its own ``JUPYTER_CONFIG_DIR``, ``JUPYTER_DATA_DIR``
and ``JUPYTER_RUNTIME_DIR`` in a temporary folder (nothing from the user's
settings leaks in), a random token, ``--LabApp.expose_app_in_browser=True``
(so ``window.jupyterapp`` can run commands) and no news/announcement pop-ups.
Front-end extensions installed in the Python environment (ipywidgets,
anywidget) are found as usual through ``sys.prefix/share/jupyter``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "LabServer",
    "start_lab",
    "running_lab",
    "write_notebook",
    "open_notebook",
    "wait_kernel_idle",
    "run_all_cells",
    "cell_outputs",
    "cell_errors",
    "run_all_cells_checked",
]


@dataclass
class LabServer:
    """A running JupyterLab server (see :func:`start_lab`)."""

    root_dir: Path
    port: int
    token: str
    process: subprocess.Popen
    home: Path
    log_path: Path
    _log: Any = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:8899/``."""
        return f"http://127.0.0.1:{self.port}/"

    def notebook_url(self, name: str) -> str:
        """URL that opens the notebook ``name`` (relative to ``root_dir``) in JupyterLab."""
        return f"{self.url}lab/tree/{name}?token={self.token}&reset"

    def log(self) -> str:
        """The server's output so far (for failure messages)."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Shut the server (and its kernels) down and remove its temporary folder."""
        if self.process.poll() is None:
            try:
                req = urllib.request.Request(
                    f"{self.url}api/shutdown", method="POST", headers={"Authorization": f"token {self.token}"}
                )
                urllib.request.urlopen(req, timeout=5).close()
                self.process.wait(timeout=15)
            except Exception:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(root_dir: str | os.PathLike, *, timeout: float = 90.0, env: dict[str, str] | None = None) -> LabServer:
    """Start ``jupyter lab`` serving ``root_dir`` and wait until it answers.

    Parameters
    ----------
    root_dir : path
        The folder whose notebooks the server shows.
    timeout : float
        Seconds to wait for the server to come up.
    env : dict, optional
        Extra environment variables for the server and its kernels.

    Returns
    -------
    LabServer
        Call :meth:`LabServer.stop` when done (or use :func:`running_lab`).
    """
    root = Path(root_dir).resolve()
    home = Path(tempfile.mkdtemp(prefix="egomap-lab-"))
    cfg, data, runtime = home / "config", home / "data", home / "runtime"
    for d in (cfg, data, runtime, cfg / "labconfig"):
        d.mkdir(parents=True, exist_ok=True)
    # no "news" / update announcements popping up over the notebook
    (cfg / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    # render every cell (JupyterLab 4 otherwise leaves cells outside the viewport out of the page)
    settings = home / "settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), secrets.token_hex(16)
    full_env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(cfg),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_PLATFORM_DIRS": "1",
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "PYTHONWARNINGS": "ignore",
        **(env or {}),
    }
    log_path = home / "server.log"
    log = open(log_path, "w")
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    proc = subprocess.Popen(cmd, cwd=root, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    server = LabServer(root, port, token, proc, home, log_path, log)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            out = server.log()
            server.stop()
            raise RuntimeError(f"jupyter lab exited with code {proc.returncode}:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            out = server.log()
            server.stop()
            raise TimeoutError(f"jupyter lab did not start within {timeout} s:\n{out[-3000:]}")
        time.sleep(0.2)


@contextmanager
def running_lab(root_dir: str | os.PathLike, **kwargs: Any) -> Iterator[LabServer]:
    """Context manager around :func:`start_lab` that always stops the server."""
    server = start_lab(root_dir, **kwargs)
    try:
        yield server
    finally:
        server.stop()


def write_notebook(path: str | os.PathLike, cells: Iterable[str], *, kernel: str = "python3") -> Path:
    """Write a notebook whose code cells are ``cells`` (source strings)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    out = Path(path)
    nbformat.write(nb, out)
    return out


_KERNEL_STATUS = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const ctx = w && w.sessionContext;
  const k = ctx && ctx.session && ctx.session.kernel;
  return k ? k.status : null;
}"""


def open_notebook(page: Any, server: LabServer, name: str, *, timeout: float = 90.0) -> None:
    """Open notebook ``name`` in JupyterLab in a Playwright ``page`` and wait for an idle kernel."""
    page.goto(server.notebook_url(name))
    page.wait_for_function("() => !!window.jupyterapp", timeout=timeout * 1000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
    wait_kernel_idle(page, timeout=timeout)


def wait_kernel_idle(page: Any, *, timeout: float = 90.0) -> None:
    """Wait until the current notebook's kernel reports ``idle``."""
    page.wait_for_function(f"({_KERNEL_STATUS})() === 'idle'", timeout=timeout * 1000)


def run_all_cells(page: Any, *, timeout: float = 120.0) -> None:
    """Run every cell of the current notebook and wait until all have run and the kernel is idle.

    Raises
    ------
    AssertionError
        If a cell's output shows an error (the traceback text is included).
    """
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
          const w = window.jupyterapp.shell.currentWidget;
          const cells = w.content.widgets.filter(c => c.model.type === 'code');
          const k = w.sessionContext.session && w.sessionContext.session.kernel;
          return k && k.status === 'idle' && cells.every(c => c.model.executionCount !== null);
        }""",
        timeout=timeout * 1000,
    )
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_text_contents() if "Traceback" in t]
    assert not tracebacks, "a cell raised:\n" + "\n".join(tracebacks)


def cell_outputs(page: Any) -> list[str]:
    """The text of every output area of the current notebook, in order."""
    return page.locator(".jp-OutputArea-output").all_text_contents()


_CELL_ERRORS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const found = [];
  w.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    for (const o of cell.model.outputs.toJSON()) {
      if (o.output_type === 'error') found.push(`cell ${i + 1}: ${o.ename}: ${o.evalue}`);
    }
  });
  return found;
}"""


def cell_errors(page: Any) -> list[str]:
    """Every error output of the current notebook, read from the notebook model (``"cell 3: ValueError: ..."``).

    Unlike the traceback text of :func:`run_all_cells`, this also catches errors whose text has no
    "Traceback" (a ``SyntaxError``) and errors in cells scrolled out of view.
    """
    return page.evaluate(_CELL_ERRORS)


def run_all_cells_checked(page: Any, *, timeout: float = 120.0) -> None:
    """Run every cell like :func:`run_all_cells`, then fail if any cell holds an error output.

    A cell that raises makes JupyterLab skip the cells after it, which never get an execution
    count; so this waits for the kernel to be idle with no cell still running, then reads the
    errors from the notebook model.
    """
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """() => {
          const w = window.jupyterapp.shell.currentWidget;
          const k = w.sessionContext.session && w.sessionContext.session.kernel;
          const cells = w.content.widgets.filter(c => c.model.type === 'code');
          const failed = cells.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
          const busy = cells.some(c => c.node.querySelector('.jp-InputPrompt') &&
                                       c.node.querySelector('.jp-InputPrompt').textContent.includes('*'));
          return k && k.status === 'idle' && !busy && (failed || cells.every(c => c.model.executionCount !== null));
        }""",
        timeout=timeout * 1000,
    )
    errors = cell_errors(page)
    assert not errors, "a cell raised:\n" + "\n".join(errors)
