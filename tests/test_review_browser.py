"""The linking review list in a real Chromium, by keyboard only, against a real store.

The page mounts the real ``egomap/review/review.js`` on the harness's stand-in
model (tests/harness/model.js); a small local server passes its messages to a
real Python :class:`egomap.review.LinkReview` and answers with its traits.
"""

from __future__ import annotations

import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import egomap as em
from egomap.review import LinkReview, review

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
TRAITS = ("rows", "partners", "titles", "status", "error")
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>review</title>
<link rel="stylesheet" href="/review.css"></head><body><main id="root"></main>
<script type="module">
import widget from "/review.js";
import { StandInModel } from "/model.js";
const state = await (await fetch("/state")).json();
const model = new StandInModel(state, "");
window.model = model;
widget.render({ model, el: document.getElementById("root") });
window.ready = true;
</script></body></html>"""


class ReviewServer:
    def __init__(self, widget: LinkReview) -> None:
        files = {
            "/review.js": (ROOT / "egomap/review/review.js", "text/javascript"),
            "/review.css": (ROOT / "egomap/review/review.css", "text/css"),
            "/model.js": (ROOT / "tests/harness/model.js", "text/javascript"),
        }
        lock = threading.Lock()

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def _state(self) -> None:
                self._send(json.dumps({k: getattr(widget, k) for k in TRAITS}).encode(), "application/json")

            def do_GET(self) -> None:
                if self.path == "/state":
                    with lock:
                        return self._state()
                if self.path in files:
                    path, kind = files[self.path]
                    return self._send(path.read_bytes(), kind)
                return self._send(PAGE.encode(), "text/html")

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with lock:
                    if self.path == "/msg":
                        widget.handle(body)
                    return self._state()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def two_interviews(tmp_path):
    store = em.open_store(tmp_path / "s.sqlite")
    p = store.add_person("NC-1")
    t1 = p.new_map("Interview 1", date="2026-01-01")
    t2 = p.new_map("Interview 2", date="2026-07-01")
    for name, sector in [("Maya", "friends"), ("Sam", "family"), ("Lou", "family"), ("<b>Jo</b>", "friends")]:
        t1.add_alter(name, ring=1, sector=sector)
    for name, sector in [("maya", "friends"), ("Sam", "work_school"), ("Rae", "friends"), ("<b>Jo</b>", "friends")]:
        t2.add_alter(name, ring=1, sector=sector)
    yield store, t1, t2
    store.close()


def test_confirm_reject_and_correct_by_keyboard_only(page, two_interviews, tmp_path):
    from axe import assert_accessible

    store, t1, t2 = two_interviews
    server = ReviewServer(review(t1, t2))
    try:
        page.goto(server.url)
        page.wait_for_function("window.ready === true")
        legends = page.locator("legend").all_text_contents()
        # Best proposals first; Lou has none; a label is shown as text, never as markup.
        assert legends == [
            "<b>Jo</b> (Interview 1) and <b>Jo</b> (Interview 2)",
            "Maya (Interview 1) and maya (Interview 2)",
            "Sam (Interview 1) and Sam (Interview 2)",
            "Lou (Interview 1) and no match proposed (Interview 2)",
        ]
        assert page.locator("b").count() == 0
        assert_accessible(page)

        def focused() -> str:
            return page.evaluate("document.activeElement.id + '|' + (document.activeElement.value || '')")

        # Tab reaches Jo's choices on the checked one, "Not sure yet"; the arrow keys choose (and wrap).
        page.keyboard.press("Tab")
        assert focused().endswith("|unsure")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("model.get('rows')[0].decision === 'same'")
        assert focused().endswith("|same")  # focus survives the redraw
        # Tab to Jo's partner list, then Tab on to Maya's choices.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "SELECT"
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("model.get('rows')[1].decision === 'same'")
        # Sam at work is not Sam in the family: arrow back to "Different people".
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert focused().endswith("|unsure")
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("model.get('rows')[2].decision === 'different'")
        # Lou had no proposal: correct it by choosing Rae from the list (keyboard: Tab to it, type R).
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == page.locator("fieldset").nth(3).locator(
            "select"
        ).get_attribute("id")
        page.keyboard.press("R")
        page.wait_for_function("model.get('rows')[3].later_label === 'Rae'")
        assert page.locator("fieldset").nth(3).locator("input[value=same]").is_checked()
        button = page.locator(".egomap-review-apply")
        assert button.text_content() == "Link the 3 confirmed pairs"
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("model.get('rows').filter(r => r.linked).length === 3")
        status = page.locator(".egomap-review-status")
        assert status.get_attribute("role") == "status"
        assert status.text_content().startswith("Linked 3 people: <b>Jo</b>, Maya, Lou.")
        assert_accessible(page)
    finally:
        server.close()

    # The store has the links: Jo, Maya and Lou are retained (Lou moved from family to friends); Sam is not.
    store.close()
    again = em.open_store(tmp_path / "s.sqlite")
    a, b = again.person("NC-1").maps
    ch = em.compare(a, b)
    assert sorted(x.label for x in ch.retained) == ["<b>Jo</b>", "Lou", "Maya"]
    assert [x.label for x in ch.lost] == ["Sam"] and [x.label for x in ch.gained] == ["Sam"]


def test_a_partner_chosen_twice_is_refused_and_nothing_is_linked(two_interviews):
    store, t1, t2 = two_interviews
    w = review(t1, t2)
    rae = next(p["id"] for p in w.partners if p["label"] == "Rae")
    w.handle({"type": "partner", "row": 1, "later_id": rae})
    w.handle({"type": "partner", "row": 3, "later_id": rae})
    w.handle({"type": "apply"})
    assert w.error and w.status == "Nothing was linked: Rae is chosen for both Maya and Lou. Choose one."
    assert em.compare(t1, t2).retained == []
    # Bad messages from a page change nothing.
    before = [dict(r) for r in w.rows]
    for msg in ({"type": "decide", "row": 99, "decision": "same"}, {"type": "decide", "row": 0, "decision": "x"}, 5):
        w.handle(msg)
    assert w.rows == before
