"""A local HTTP server for the widget harness page (tests and benchmarks).

It serves ``tests/harness/`` and ``egomap/widget/static/`` and connects the
harness page's stand-in model to a real Python :class:`egomap.MapWidget`:
``GET /state`` gives the widget's synced traits, ``POST /msg`` passes a
gesture message to :meth:`MapWidget.handle`, ``POST /state`` sets traits
from the page (``label_mode``, ``selected``, and ``request``: a gesture,
which the widget handles when it is set). Each answer is the traits
after the change, which the page applies to its model.
"""

from __future__ import annotations

import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HARNESS = Path(__file__).resolve().parent
STATIC = HARNESS.parents[1] / "egomap" / "widget" / "static"
TRAITS = (
    "data",
    "fields",
    "map_style",
    "label_mode",
    "read_only",
    "status",
    "ack",
    "last_action",
    "can_undo",
    "can_redo",
    "selected",
    "reviewing",
    "review_counts",
)
SETTABLE = ("label_mode", "selected", "request")


def widget_state(widget: Any) -> dict:
    """The synced traits of ``widget`` as sent to the page."""
    return {k: getattr(widget, k) for k in TRAITS}


class HarnessServer:
    """Serve the harness on 127.0.0.1 (a free port) in a background thread.

    Set :attr:`widget` to the MapWidget the page should talk to before
    loading :attr:`url`.
    """

    def __init__(self) -> None:
        self.widget: Any = None
        self.lock = threading.Lock()
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def translate_path(self, path: str) -> str:
                path = path.split("?", 1)[0]
                for prefix, folder in (("/harness/", HARNESS), ("/static/", STATIC)):
                    if path.startswith(prefix):
                        return str(folder / path[len(prefix) :])
                return str(HARNESS / "index.html")

            def end_headers(self) -> None:
                self.send_header("Cache-Control", "no-store")
                super().end_headers()

            def _json(self, obj: Any) -> None:
                body = json.dumps(obj).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path == "/state":
                    with server.lock:
                        return self._json(widget_state(server.widget))
                return super().do_GET()

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(n) or b"{}")
                with server.lock:
                    w = server.widget
                    if self.path == "/msg":
                        w.handle(body)
                    elif self.path == "/state":
                        for k, v in body.items():
                            if k in SETTABLE:
                                setattr(w, k, v)
                    return self._json(widget_state(w))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()
