"""The widget's resources step ("Who could help?"), resource counts and social capital in the details (issue 17).

First the gestures in Python (fast, no browser): what the snapshot carries and
what each ``resource`` message saves. Then the step in a real headless
Chromium on the harness page (tests/harness/): by mouse, by keyboard alone,
"no one", undo, the highlight and the words a screen reader gets, the details,
the count badges, a read-only map, and axe-core on the step. Each browser test
checks what the store holds by opening it again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

import egomap as em
from egomap.resource_schemes import ResourceDomain, ResourceItem, ResourceScheme
from egomap.widget import MapWidget, snapshot

sys.path.insert(0, str(Path(__file__).parent / "harness"))
from server import HarnessServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from axe import assert_accessible  # noqa: E402

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def m(store):
    p = store.add_person("R-017")
    m = p.new_map("Baseline", date="2026-01-12")
    m.add_alter("Mum", ring=0, sector="household", relationship="mother", valence="supportive")
    m.add_alter("Gran", ring=1, sector="family", valence="mixed")
    m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True, valence="stressful")
    m.add_alter("Football club", ring=2, sector="clubs_groups", kind="group")
    return m


def reopened(m):
    """The map as a fresh connection to the store reads it: (resources, {alter id: capital placement value})."""
    s = em.open_store(m.person._backend.path)
    try:
        again = s.person(m.person.id).map(m.label)
        return again.resources, {aid: p.capital for aid, p in again.placements.items()}
    finally:
        s.close()


def ids(m, *labels):
    return frozenset(m.alter(x).id for x in labels)


# ---------------------------------------------------------------------------------------------- Python, no browser
def test_snapshot_carries_the_scheme_who_was_chosen_and_each_alters_capital(m):
    scheme = m.resource_scheme
    k0, k1, k2 = scheme.keys[:3]
    m.set_resource(k0, [m.alter("Mum"), m.alter("Gran")])
    m.set_resource(k1, [])
    d = MapWidget(m).data
    res = d["resources"]
    assert [dom["key"] for dom in res["scheme"]["domains"]] == list(scheme.domain_keys)
    first = res["scheme"]["domains"][0]["items"][0]
    assert first == {"key": k0, "label": scheme.item(k0).label, "prompt": scheme.item(k0).prompt}
    assert sum(len(dom["items"]) for dom in res["scheme"]["domains"]) == len(scheme)
    # per item: the chosen ids, [] for no one, None for not asked -- every item of the scheme there
    assert res["chosen"][k0] == sorted(ids(m, "Mum", "Gran"))
    assert res["chosen"][k1] == []
    assert res["chosen"][k2] is None
    assert list(res["chosen"]) == list(scheme.keys)
    by = {a["label"]: a for a in d["alters"]}
    assert (by["Mum"]["resources"], by["Mum"]["n_resources"]) == ([k0], 1)
    assert (by["Dr Shah"]["resources"], by["Dr Shah"]["n_resources"]) == ([], 0)
    # capital: the placement's own value ("" = the rule), the effective type and the rule's type
    for label, a in by.items():
        aid = m.alter(label).id
        assert a["capital"] == ""
        assert a["capital_effective"] == a["capital_default"] == m.capital(aid)
    assert by["Dr Shah"]["capital_effective"] == "linking"
    assert by["Mum"]["capital_effective"] == "bonding"


def test_snapshot_reads_the_resources_once_for_150_alters(store, monkeypatch):
    m = store.add_person("R-150").new_map("Baseline")
    keys = m.sectors.keys
    for i in range(150):
        m.add_alter(f"Person {i}", ring=i % 3, sector=keys[i % len(keys)], met_through="football club" if i % 2 else "")
    people = m.alters
    for j, item in enumerate(m.resource_scheme.keys):
        m.set_resource(item, people[j : j + 30])
    reads = []
    original = type(m).resources

    def counted(self):
        reads.append(1)
        return original.fget(self)

    monkeypatch.setattr(type(m), "resources", property(counted))
    t0 = time.perf_counter()
    d = snapshot(m, modes=("names",))
    took = time.perf_counter() - t0
    assert len(reads) == 1  # one pass over the resources, not one per alter or per item
    n = {a["id"]: a["n_resources"] for a in d["alters"]}
    assert n[people[29].id] == 20 and n[people[0].id] == 1 and n[people[149].id] == 0
    assert sum(n.values()) == 30 * len(m.resource_scheme)
    assert took < 2.0, f"snapshot of 150 alters took {took:.2f} s"


def test_toggle_gestures_save_who_could_help_and_say_it(store, m):
    w = MapWidget(m)
    item = m.resource_scheme.keys[0]
    label = m.resource_scheme.item(item).label
    mum, gran = m.alter("Mum").id, m.alter("Gran").id
    w.handle({"type": "resource", "req": 1, "item": item, "toggle": mum})
    assert (w.status, w.ack) == ("saved", 1)
    assert w.last_action == f"Mum could help with {label}. Could help: Mum"
    w.handle({"type": "resource", "req": 2, "item": item, "toggle": gran})
    assert w.last_action == f"Gran could help with {label}. Could help: Mum, Gran"
    assert reopened(m)[0] == {item: ids(m, "Mum", "Gran")}
    assert w.data["resources"]["chosen"][item] == sorted([mum, gran])
    assert w.data["ack"] == 2
    # again on someone chosen: taken off; the last one off leaves the item not asked
    w.handle({"type": "resource", "req": 3, "item": item, "toggle": mum})
    assert w.last_action == f"Took Mum off {label}. Could help: Gran"
    w.handle({"type": "resource", "req": 4, "item": item, "toggle": gran})
    assert w.last_action == f"Took Gran off {label}. Nobody chosen: not asked"
    assert reopened(m)[0] == {}
    assert w.data["resources"]["chosen"][item] is None


def test_no_one_and_not_asked_are_kept_apart_and_undo_redo_work(store, m):
    w = MapWidget(m)
    item = m.resource_scheme.keys[1]
    label = m.resource_scheme.item(item).label
    w.handle({"type": "resource", "req": 1, "item": item, "alters": []})
    assert (w.status, w.last_action) == ("saved", f"{label}: no one could help")
    assert reopened(m)[0] == {item: frozenset()}
    assert w.data["resources"]["chosen"][item] == []
    w.handle({"type": "resource", "req": 2, "item": item, "alters": [m.alter("Dr Shah").id]})
    assert reopened(m)[0] == {item: ids(m, "Dr Shah")}
    w.handle({"type": "resource", "req": 3, "item": item, "alters": None})
    assert (w.last_action, reopened(m)[0]) == (f"{label}: not asked", {})
    w.handle({"type": "undo", "req": 4})
    assert w.status == "saved" and reopened(m)[0] == {item: ids(m, "Dr Shah")}
    w.handle({"type": "undo", "req": 5})
    assert reopened(m)[0] == {item: frozenset()}
    assert w.data["resources"]["chosen"][item] == []
    w.handle({"type": "redo", "req": 6})
    assert reopened(m)[0] == {item: ids(m, "Dr Shah")}
    assert w.can_redo  # one more: "not asked"
    w.handle({"type": "redo", "req": 7})
    assert reopened(m)[0] == {}
    assert w.can_undo and not w.can_redo


@pytest.mark.parametrize(
    ("msg", "words"),
    [
        ({"item": "no_such_item", "toggle": "x"}, "no_such_item"),
        ({"item": None, "alters": []}, "None"),
        ({"toggle": "nobody"}, "unknown resource item"),
        ({"item": "FIRST", "toggle": "nobody"}, "nobody"),
        ({"item": "FIRST", "alters": ["nobody"]}, "nobody"),
        ({"item": "FIRST", "alters": "Mum"}, "alters"),
        ({"item": "FIRST"}, "toggle"),
    ],
)
def test_a_bad_resource_gesture_is_refused_naming_what_and_saves_nothing(store, m, msg, words):
    w = MapWidget(m)
    first = m.resource_scheme.keys[0]
    w.handle({"type": "resource", "req": 1, "item": first, "alters": []})
    msg = {k: (first if v == "FIRST" else v) for k, v in msg.items()}
    w.handle({"type": "resource", "req": 2, **msg})
    assert w.status.startswith("error: ") and words in w.status
    assert w.ack == 2 and w.last_action == ""
    assert reopened(m)[0] == {first: frozenset()}


def test_read_only_widget_refuses_a_resource_gesture(store, m):
    w = MapWidget(m, read_only=True)
    w.handle({"type": "resource", "req": 1, "item": m.resource_scheme.keys[0], "toggle": m.alter("Mum").id})
    assert w.status.startswith("error: ") and "read-only" in w.status
    assert reopened(m)[0] == {}


def test_details_form_sets_capital_and_none_returns_to_the_rule(store, m):
    w = MapWidget(m)
    assert "capital" in [f["name"] for f in w.fields]
    shah = m.alter("Dr Shah").id
    w.handle({"type": "update", "req": 1, "id": shah, "fields": {"capital": "bridging"}})
    assert w.status == "saved"
    a = next(x for x in w.data["alters"] if x["id"] == shah)
    assert (a["capital"], a["capital_effective"], a["capital_default"]) == ("bridging", "bridging", "linking")
    assert reopened(m)[1][shah] == "bridging"
    assert m.capital_source(shah) == "person"
    w.handle({"type": "update", "req": 2, "id": shah, "fields": {"capital": None}})
    a = next(x for x in w.data["alters"] if x["id"] == shah)
    assert (a["capital"], a["capital_effective"], a["capital_default"]) == ("", "linking", "linking")
    assert reopened(m)[1][shah] is None
    w.handle({"type": "update", "req": 3, "id": shah, "fields": {"capital": "wealthy"}})
    assert w.status.startswith("error: ") and "wealthy" in w.status


def test_removing_someone_takes_them_off_every_item_in_the_snapshot(m):
    w = MapWidget(m)
    k0, k1 = m.resource_scheme.keys[:2]
    m.set_resource(k0, [m.alter("Mum"), m.alter("Gran")])
    m.set_resource(k1, [m.alter("Mum")])
    w.handle({"type": "remove", "req": 1, "id": m.alter("Mum").id})
    assert w.data["resources"]["chosen"][k0] == [m.alter("Gran").id]
    assert w.data["resources"]["chosen"][k1] == []
    w.handle({"type": "undo", "req": 2})
    mum = next(a for a in w.data["alters"] if a["label"] == "Mum")
    assert mum["resources"] == [k0, k1] and mum["n_resources"] == 2


# ---------------------------------------------------------------------------------------------- in Chromium
@pytest.fixture(scope="module")
def server():
    s = HarnessServer()
    yield s
    s.close()


def open_widget(page, server, m, **kw):
    w = MapWidget(m, **kw)
    server.widget = w
    page.goto(server.url)
    page.wait_for_function("window.harness && window.harness.ready")
    page.evaluate("harness.mount(1)")
    page.wait_for_selector(".egomap-alter")
    return w


def settle(page):
    """Wait until every message sent has been answered and drawn."""
    page.wait_for_function("window.model.inflight === 0")
    page.wait_for_function("[...document.querySelectorAll('.egomap-status')].every(s => s.dataset.status !== 'saving')")
    page.evaluate("new Promise(r => requestAnimationFrame(() => r()))")


def marker(page, alter_id):
    return page.locator(f".egomap-alter[data-id='{alter_id}']")


def live_text(page):
    return page.locator(".egomap-root > .egomap-sr-only").text_content()


def tab_until(page, js):
    """Press Tab until the JS expression (about document.activeElement) is true; at most once per focusable element."""
    n = page.evaluate("document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]').length")
    for _ in range(n + 2):
        if page.evaluate(js):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {js}")


def option(page, item):
    return page.locator(f".egomap-res-option[data-item='{item}']")


def no_errors(page):
    assert page.errors == []
    assert page.dialogs == []


@pytest.mark.browser
def test_mouse_choose_an_item_pick_two_people_no_one_and_undo(page, server, m):
    open_widget(page, server, m)
    scheme = m.resource_scheme
    k0, k1 = scheme.keys[0], scheme.keys[1]
    it0 = scheme.item(k0)
    mum, gran, shah = m.alter("Mum").id, m.alter("Gran").id, m.alter("Dr Shah").id
    assert page.locator(".egomap-resources").is_hidden()
    page.click(".egomap-res-btn")
    assert page.locator(".egomap-res-btn").get_attribute("aria-pressed") == "true"
    # the items, grouped by domain, as the scheme lists them
    assert page.locator(".egomap-res-domain").all_text_contents() == [d.label for d in scheme.domains]
    assert page.locator(".egomap-res-label").all_text_contents() == [i.label for i in scheme.items]
    option(page, k0).click()
    assert option(page, k0).get_attribute("aria-selected") == "true"
    assert page.locator(".egomap-res-prompt").text_content() == it0.prompt
    assert page.locator(".egomap-res-who").text_content() == "Not asked yet."
    assert it0.prompt in live_text(page)
    marker(page, mum).locator(".egomap-body").click()
    settle(page)
    marker(page, gran).locator(".egomap-body").click()
    settle(page)
    assert reopened(m)[0] == {k0: frozenset({mum, gran})}
    assert page.evaluate("window.model.sent.map(s => s.type)") == ["resource", "resource"]
    # highlighted: a ring and a check mark on the chosen, plus the words (panel, live region, aria-label)
    for aid in (mum, gran):
        assert "egomap-res-chosen" in marker(page, aid).get_attribute("class")
        assert marker(page, aid).locator(".egomap-res-mark").is_visible()
        assert marker(page, aid).get_attribute("aria-label").endswith(f"could help with {it0.label}")
    assert marker(page, shah).locator(".egomap-res-mark").is_hidden()
    assert "could help with" not in marker(page, shah).get_attribute("aria-label")
    assert marker(page, mum).get_attribute("aria-pressed") == "true"
    assert marker(page, shah).get_attribute("aria-pressed") == "false"
    assert page.locator(".egomap-res-who").text_content() == "Could help: Mum, Gran."
    assert live_text(page) == f"Gran could help with {it0.label}. Could help: Mum, Gran"
    assert option(page, k0).locator(".egomap-res-state").text_content() == "2 people"
    # a click in the step chooses, it does not select or move anyone
    assert server.widget.selected == ""
    assert (m.placement("Mum").ring, m.placement("Mum").sector) == (0, "household")
    # "No one" on another item: recorded as asked, nobody
    option(page, k1).click()
    page.click(".egomap-res-none")
    settle(page)
    assert reopened(m)[0] == {k0: frozenset({mum, gran}), k1: frozenset()}
    assert page.locator(".egomap-res-none").get_attribute("aria-pressed") == "true"
    assert page.locator(".egomap-res-who").text_content() == "No one could help with this."
    assert option(page, k1).locator(".egomap-res-state").text_content() == "no one"
    assert option(page, scheme.keys[2]).locator(".egomap-res-state").text_content() == "not asked"
    # Not asked / clear, then undo brings "no one" back
    page.click(".egomap-res-clear")
    settle(page)
    assert reopened(m)[0] == {k0: frozenset({mum, gran})}
    page.click(".egomap-undo")
    settle(page)
    assert reopened(m)[0] == {k0: frozenset({mum, gran}), k1: frozenset()}
    assert page.locator(".egomap-res-none").get_attribute("aria-pressed") == "true"
    # undo of a person chosen: back to Mum alone, drawn so
    page.click(".egomap-undo")  # the "no one"
    settle(page)
    page.click(".egomap-undo")  # Gran
    settle(page)
    assert reopened(m)[0] == {k0: frozenset({mum})}
    option(page, k0).click()
    assert marker(page, gran).locator(".egomap-res-mark").is_hidden()
    assert marker(page, mum).locator(".egomap-res-mark").is_visible()
    # Done: back to normal editing (a click selects again)
    page.click(".egomap-res-done")
    assert page.locator(".egomap-resources").is_hidden()
    assert marker(page, mum).locator(".egomap-res-mark").is_hidden()
    assert marker(page, mum).get_attribute("aria-pressed") is None
    marker(page, gran).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    assert server.widget.selected == gran
    no_errors(page)


@pytest.mark.browser
def test_keyboard_alone_tab_arrows_enter(page, server, m):
    open_widget(page, server, m)
    scheme = m.resource_scheme
    item = scheme.keys[2]
    label = scheme.item(item).label
    mum, shah = m.alter("Mum").id, m.alter("Dr Shah").id
    tab_until(page, "document.activeElement.classList.contains('egomap-res-btn')")
    page.keyboard.press("Enter")
    # the focus goes to the list's first item; arrows move it, with a visible focus ring
    page.wait_for_function(f"document.activeElement.dataset.item === '{scheme.keys[0]}'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.item") == item
    outline = page.evaluate(
        "(({outlineStyle, outlineWidth}) => [outlineStyle, outlineWidth])(getComputedStyle(document.activeElement))"
    )
    assert outline[0] != "none" and float(outline[1].rstrip("px")) >= 2
    assert option(page, item).get_attribute("aria-selected") == "false"  # moving is not choosing
    page.keyboard.press("Enter")
    assert option(page, item).get_attribute("aria-selected") == "true"
    assert live_text(page).startswith(f"{label}. {scheme.item(item).prompt}")
    # Tab on to the people on the map; Enter and Space choose
    tab_until(page, f"document.activeElement.dataset.id === '{mum}'")
    page.keyboard.press("Enter")
    settle(page)
    tab_until(page, f"document.activeElement.dataset.id === '{shah}'")
    page.keyboard.press(" ")
    settle(page)
    assert reopened(m)[0] == {item: frozenset({mum, shah})}
    assert page.evaluate("document.activeElement.dataset.id") == shah  # the focus stays on the person
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").endswith(f"could help with {label}")
    # arrows on a person in the step do not move them; Enter again takes them off
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    settle(page)
    assert reopened(m)[0] == {item: frozenset({mum})}
    assert m.placement("Dr Shah").ring == 2
    # Ctrl+Z undoes, Esc leaves the step
    page.keyboard.press("Control+z")
    settle(page)
    assert reopened(m)[0] == {item: frozenset({mum, shah})}
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('.egomap-root').classList.contains('egomap-resource-step')")
    assert page.evaluate("document.activeElement.classList.contains('egomap-res-btn')")
    no_errors(page)


@pytest.mark.browser
def test_details_list_resources_and_capital_and_counts_show_as_badges(page, server, m):
    scheme = m.resource_scheme
    k = scheme.keys
    mum, shah = m.alter("Mum").id, m.alter("Dr Shah").id
    m.set_resource(k[0], [mum])
    m.set_resource(k[3], [mum, shah])
    m.set_resource(k[5], [mum])
    open_widget(page, server, m)
    marker(page, mum).locator(".egomap-body").click()
    page.wait_for_selector(".egomap-details-title")
    items = page.locator(".egomap-res-of-items").text_content()
    assert items == "; ".join(scheme.item(x).label for x in (k[0], k[3], k[5]))
    said = page.locator(".egomap-capital-said").text_content()
    assert said.startswith("Social capital: bonding, egomap's default from the sector")
    assert page.locator("select[data-field='capital'] option").first.text_content() == "Default (bonding)"
    # the practitioner records the person's own view: saved, and said so
    page.select_option("select[data-field='capital']", "bridging")
    settle(page)
    assert reopened(m)[1][mum] == "bridging"
    assert page.locator(".egomap-capital-said").text_content() == (
        "Social capital: bridging, the person's own view (default: bonding)."
    )
    page.select_option("select[data-field='capital']", "")
    settle(page)
    assert reopened(m)[1][mum] is None
    # someone chosen for nothing says so
    marker(page, m.alter("Gran").id).locator(".egomap-body").click()
    page.wait_for_function("document.querySelector('.egomap-details-title').textContent === 'Gran'")
    assert page.locator(".egomap-res-of-items").text_content().startswith("Not chosen for any item yet")
    # counts: a badge with the number, only on those who could help with something; the key explains it
    assert page.locator(".egomap-res-badge:visible").count() == 0
    page.click(".egomap-count-btn")
    page.wait_for_selector(".egomap-legend-res li")
    assert marker(page, mum).locator(".egomap-res-badge").is_visible()
    assert marker(page, mum).locator(".egomap-res-badge text").text_content() == "3"
    assert marker(page, shah).locator(".egomap-res-badge text").text_content() == "1"
    assert marker(page, m.alter("Gran").id).locator(".egomap-res-badge").is_hidden()
    assert marker(page, mum).get_attribute("aria-label").endswith("could help with 3 items")
    assert "Number of items this person could help with" in page.locator(".egomap-legend").text_content()
    page.click(".egomap-count-btn")
    page.wait_for_function("document.querySelector('.egomap-legend-res').hidden")
    assert marker(page, mum).locator(".egomap-res-badge").is_hidden()
    no_errors(page)


@pytest.mark.browser
def test_read_only_shows_the_step_but_cannot_change_it(page, server, m):
    item = m.resource_scheme.keys[0]
    m.set_resource(item, [m.alter("Gran")])
    open_widget(page, server, m, read_only=True)
    page.click(".egomap-res-btn")
    option(page, item).click()
    assert page.locator(".egomap-resources").is_visible()
    assert page.locator(".egomap-res-who").text_content() == "Could help: Gran."
    assert page.locator(".egomap-res-none").is_hidden() and page.locator(".egomap-res-clear").is_hidden()
    assert marker(page, m.alter("Gran").id).locator(".egomap-res-mark").is_visible()
    marker(page, m.alter("Mum").id).click()
    marker(page, m.alter("Mum").id).focus()
    page.keyboard.press("Enter")
    assert page.evaluate("window.model.sent.length") == 0
    assert reopened(m)[0] == {item: ids(m, "Gran")}
    no_errors(page)


@pytest.mark.browser
def test_a_users_scheme_text_stays_text_and_axe_passes_on_the_step(page, server, store):
    scheme = ResourceScheme(
        "xss_check",
        [ResourceDomain("home", XSS)],
        [
            ResourceItem("lift", "home", XSS, f"Who could {XSS}?"),
            ResourceItem("cook", "home", "Cook a meal", "Who could cook?"),
        ],
    )
    m = store.add_person("R-99").new_map("Baseline", resources=scheme)
    a = m.add_alter("Sam", ring=1, sector="friends")
    m.add_alter("Jo", ring=0, sector="family")
    m.set_resource("lift", [a])
    open_widget(page, server, m)
    page.click(".egomap-res-btn")
    option(page, "lift").click()
    assert page.locator(".egomap-res-domain").text_content() == XSS
    assert page.locator(".egomap-res-label").first.text_content() == XSS
    assert page.locator(".egomap-res-prompt").text_content() == f"Who could {XSS}?"
    assert page.locator(".egomap-resources img").count() == 0
    assert marker(page, a.id).get_attribute("aria-label").endswith(f"could help with {XSS}")
    assert_accessible(page, ".egomap-root")
    page.click(".egomap-count-btn")
    assert_accessible(page, ".egomap-root")
    no_errors(page)


@pytest.mark.browser
def test_screenshot_of_the_step(page, server, m):
    """A picture of the step with a few people chosen, for a person to look at (/tmp/resources_step.png)."""
    item = m.resource_scheme.keys[0]
    m.set_resource(item, [m.alter("Mum"), m.alter("Football club")])
    m.set_resource(m.resource_scheme.keys[1], [m.alter("Mum"), m.alter("Dr Shah")])
    open_widget(page, server, m)
    page.click(".egomap-res-btn")
    page.click(".egomap-count-btn")
    option(page, item).click()
    marker(page, m.alter("Gran").id).focus()
    page.keyboard.press("Enter")
    settle(page)
    assert reopened(m)[0][item] == ids(m, "Mum", "Football club", "Gran")
    option(page, item).focus()
    page.screenshot(path="/tmp/resources_step.png", full_page=True)
    no_errors(page)
