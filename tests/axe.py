"""axe-core (WCAG 2.2 A and AA) on a Playwright page, from the copy axe-playwright-python ships (offline).

Use in a browser test once the page is in the state to check::

    from axe import assert_accessible   # tests/ is on sys.path for test files
    assert_accessible(page)                       # the whole page
    assert_accessible(page, context="#egomap")    # one part of it
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

#: The rule sets checked: WCAG 2.0, 2.1 and 2.2, levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

_AXE = Axe()


def violations(page: Any, context: str | None = None) -> list[dict]:
    """The axe-core violations on ``page`` (or inside the CSS selector ``context``)."""
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    result = _AXE.run(page, context=context, options=options)
    return list(result.response["violations"])


def describe(found: list[dict]) -> str:
    """One readable line per violation and element: rule, impact, help text and the element's selector."""
    lines = []
    for v in found:
        for node in v.get("nodes", []):
            lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} at {node.get('target')}")
    return "\n".join(lines)


def assert_accessible(page: Any, context: str | None = None) -> None:
    """Fail with a readable list if axe-core finds any WCAG 2.2 A/AA violation."""
    found = violations(page, context)
    assert not found, "axe-core found WCAG A/AA violations:\n" + describe(found)
