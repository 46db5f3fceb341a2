"""Review mode asks about resources too: "Could Sam still help with these?" (issue 17).

On a follow-up map, the review box lists the items the person being reviewed
could help with on the earlier map (copied forward), one check box each:
checked = still could. Unchecking takes them off the item (the last one off
leaves the item asked, "no one", as removing an alter does); checking puts
them back; undo works; what is said names what was dropped. First the
gestures in Python (fast), then the review box in a real headless Chromium on
the harness page (tests/harness/), by keyboard alone, with axe-core on the box
and a screenshot (/tmp/review_resources.png). Each test checks what the store
holds by opening it again.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import egomap as em
from egomap.resource_schemes import ResourceDomain, ResourceItem, ResourceScheme
from egomap.widget import MapWidget
from egomap.widget.snapshot import PreviousRings

sys.path.insert(0, str(Path(__file__).parent / "harness"))
from server import HarnessServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from axe import assert_accessible  # noqa: E402

# three items of egomap's default scheme, in its order
LOAN, JOB, TALK = "small_loan", "job_advice", "talk_worries"


@pytest.fixture
def base(store):
    p = store.add_person("R-017")
    m = p.new_map("Baseline", date="2026-01-12")
    m.add_alter("Mum", ring=0, sector="household")
    m.add_alter("Sam", ring=1, sector="friends", met_through="Tuesday football club")
    m.add_alter("Dr Shah", ring=2, sector="services", is_professional=True)
    m.set_resource(LOAN, [m.alter("Sam")])  # Sam alone
    m.set_resource(JOB, [m.alter("Sam"), m.alter("Dr Shah")])
    m.set_resource(TALK, [m.alter("Sam"), m.alter("Mum")])
    return m


@pytest.fixture
def six(base):
    return base.person.new_map("6 months", date="2026-07-13", copy_from=base)


def reopened(m):
    """The map's resources as a fresh connection to the store reads them."""
    s = em.open_store(m.person._backend.path)
    try:
        return s.person(m.person.id).map(m.label).resources
    finally:
        s.close()


def ids(m, *labels):
    return frozenset(m.alter(x).id for x in labels)


def alter_data(w, label):
    return next(a for a in w.data["alters"] if a["label"] == label)


def label(m, key):
    return m.resource_scheme.item(key).label


# ---------------------------------------------------------------------------------------------- Python, no browser
def test_snapshot_gives_each_alters_items_on_the_earlier_map(base, six):
    w = MapWidget(six)
    assert alter_data(w, "Sam")["previous_resources"] == [LOAN, JOB, TALK]  # scheme order
    assert alter_data(w, "Mum")["previous_resources"] == [TALK]
    assert MapWidget(base).data["alters"][1]["previous_resources"] == []  # a first map: nothing to review
    # someone new on the follow-up has nothing to review
    six.add_alter("Jo", ring=2, sector="friends")
    w = MapWidget(six)
    assert alter_data(w, "Jo")["previous_resources"] == []
    # an edit on the earlier map is seen (it is read again when its revision moves)
    base.set_resource(LOAN, [base.alter("Mum"), base.alter("Sam")])
    w.handle({"type": "refresh", "req": 1})
    assert alter_data(w, "Mum")["previous_resources"] == [LOAN, TALK]


def test_only_items_of_the_follow_ups_scheme_are_reviewed(store, base):
    own = ResourceScheme(
        "own_help",
        [ResourceDomain("everyday", "Everyday help")],
        [
            ResourceItem(TALK, "everyday", "Talk it over", "Who could you talk to?"),
            ResourceItem("walk_dog", "everyday", "Walk the dog", "Who could walk your dog?"),
        ],
    )
    six = base.person.new_map("6 months", copy_from=base, resources=own)
    w = MapWidget(six)
    assert alter_data(w, "Sam")["previous_resources"] == [TALK]
    assert PreviousRings(six).resources() == {six.alter("Sam").id: [TALK], six.alter("Mum").id: [TALK]}


def test_unchecking_takes_sam_off_the_last_one_leaves_no_one_checking_puts_back(store, base, six):
    w = MapWidget(six)
    sam = six.alter("Sam").id
    w.handle({"type": "review_start", "req": 1})
    w.handle({"type": "review_resource", "req": 2, "id": sam, "item": JOB, "still": False})
    assert (w.status, w.ack) == ("saved", 2)
    assert w.last_action == f"Sam no longer helps with {label(six, JOB)}"
    assert reopened(six)[JOB] == ids(six, "Dr Shah")
    # Sam was the only one: the item stays asked and becomes "no one"
    w.handle({"type": "review_resource", "req": 3, "id": sam, "item": LOAN, "still": False})
    assert w.last_action == f"Sam no longer helps with {label(six, LOAN)}. No one could help with it now"
    assert reopened(six)[LOAN] == frozenset()
    assert w.data["resources"]["chosen"][LOAN] == []
    sam_now = alter_data(w, "Sam")
    assert sam_now["resources"] == [TALK] and sam_now["previous_resources"] == [LOAN, JOB, TALK]
    # ... the same as when the alter is removed from the map
    other = base.person.new_map("Check", copy_from=base)
    other.remove_alter("Sam")
    assert other.resource(LOAN) == frozenset()
    # checking again puts Sam back
    w.handle({"type": "review_resource", "req": 4, "id": sam, "item": LOAN, "still": True})
    assert w.last_action == f"Sam could still help with {label(six, LOAN)}"
    assert reopened(six) == {LOAN: ids(six, "Sam"), JOB: ids(six, "Dr Shah"), TALK: ids(six, "Sam", "Mum")}
    # the earlier map is untouched
    assert reopened(base)[LOAN] == ids(base, "Sam") and reopened(base)[JOB] == ids(base, "Sam", "Dr Shah")


def test_each_check_box_is_one_undoable_edit(store, six):
    w = MapWidget(six)
    sam = six.alter("Sam").id
    w.handle({"type": "review_resource", "req": 1, "id": sam, "item": LOAN, "still": False})
    w.handle({"type": "review_resource", "req": 2, "id": sam, "item": TALK, "still": False})
    assert reopened(six)[TALK] == ids(six, "Mum") and reopened(six)[LOAN] == frozenset()
    w.handle({"type": "undo", "req": 3})
    assert w.status == "saved" and reopened(six)[TALK] == ids(six, "Sam", "Mum")
    assert reopened(six)[LOAN] == frozenset()
    w.handle({"type": "undo", "req": 4})
    assert reopened(six)[LOAN] == ids(six, "Sam")
    assert alter_data(w, "Sam")["resources"] == [LOAN, JOB, TALK]
    w.handle({"type": "redo", "req": 5})
    assert reopened(six)[LOAN] == frozenset()


def test_a_check_box_that_does_not_change_anything_saves_nothing(store, six):
    w = MapWidget(six)
    sam = six.alter("Sam").id
    before = six.revision
    w.handle({"type": "review_resource", "req": 1, "id": sam, "item": LOAN, "still": True})
    assert w.status == "saved" and six.revision == before and not w.can_undo
    # an item not asked on this map: taking Sam off leaves it not asked
    item = "fix_things"
    w.handle({"type": "review_resource", "req": 2, "id": sam, "item": item, "still": False})
    assert w.status == "saved" and six.resource(item) is None and six.revision == before


@pytest.mark.parametrize(
    ("msg", "words"),
    [
        ({"id": "SAM", "item": "fly_a_plane", "still": False}, "fly_a_plane"),
        ({"id": "nobody", "item": LOAN, "still": False}, "nobody"),
        ({"id": "SAM", "item": LOAN, "still": "no"}, "still"),
        ({"id": "SAM", "item": LOAN}, "still"),
        ({"id": "SAM", "still": False}, "None"),
    ],
)
def test_a_bad_review_resource_gesture_is_refused_naming_what_and_saves_nothing(store, six, msg, words):
    w = MapWidget(six)
    msg = {k: (six.alter("Sam").id if v == "SAM" else v) for k, v in msg.items()}
    w.handle({"type": "review_resource", "req": 1, **msg})
    assert w.status.startswith("error: ") and words in w.status
    assert w.ack == 1 and w.last_action == ""
    assert reopened(six)[LOAN] == ids(six, "Sam")


def test_read_only_widget_refuses_it(store, six):
    w = MapWidget(six, read_only=True)
    w.handle({"type": "review_resource", "req": 1, "id": six.alter("Sam").id, "item": LOAN, "still": False})
    assert w.status.startswith("error: ") and "read-only" in w.status
    assert reopened(six)[LOAN] == ids(six, "Sam")


def test_what_is_said_names_the_items_dropped_and_the_summary_counts_them(store, six):
    w = MapWidget(six)
    mum, sam, shah = (six.alter(x).id for x in ("Mum", "Sam", "Dr Shah"))
    w.handle({"type": "review_start", "req": 1})
    assert w.reviewing == mum
    w.handle({"type": "review", "req": 2, "id": mum, "action": "keep"})
    assert w.last_action == "Mum stays where they are"  # nothing dropped: nothing more said
    w.handle({"type": "review_resource", "req": 3, "id": sam, "item": JOB, "still": False})
    w.handle({"type": "review", "req": 4, "id": sam, "action": "closer"})
    assert w.last_action == (
        f"Sam moved closer (Inner circle, Friends); could still help with 2 of 3 items, "
        f"no longer with {label(six, JOB)}"
    )
    w.handle({"type": "review", "req": 5, "id": shah, "action": "keep"})
    # the summary over the earlier map's items: kept Mum 1, Sam 2, Dr Shah 1; dropped Sam 1
    assert w.last_action == (
        "Dr Shah stays where they are. Review finished: 2 kept, 1 moved, 0 removed. "
        "What people could help with: 4 kept, 1 dropped"
    )
    assert w.review_counts == {"kept": 2, "moved": 1, "removed": 0}


def test_the_summary_says_nothing_of_resources_when_none_was_dropped(store, six):
    w = MapWidget(six)
    w.handle({"type": "review_start", "req": 1})
    # removing someone takes their items with them: the review says they were removed
    w.handle({"type": "review", "req": 2, "id": six.alter("Mum").id, "action": "remove"})
    w.handle({"type": "review", "req": 3, "id": six.alter("Sam").id, "action": "keep"})
    assert w.last_action == "Sam stays where they are"
    w.handle({"type": "review", "req": 4, "id": six.alter("Dr Shah").id, "action": "keep"})
    assert w.last_action == "Dr Shah stays where they are. Review finished: 2 kept, 0 moved, 1 removed"


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


def live_text(page):
    return page.locator(".egomap-root > .egomap-sr-only").text_content()


def focused(page):
    """What has the focus: its data-item or data-review, else its tag."""
    return page.evaluate(
        "(() => { const e = document.activeElement; return e.dataset.item || e.dataset.review || e.tagName; })()"
    )


def no_errors(page):
    assert page.errors == []
    assert page.dialogs == []


@pytest.mark.browser
def test_review_sam_by_keyboard_uncheck_one_item_keep(page, server, six):
    open_widget(page, server, six)
    box = page.locator(".egomap-review")
    page.locator(".egomap-review-btn").focus()
    page.keyboard.press("Enter")
    settle(page)
    # Mum first: she could help with one item last time
    assert "Mum" in page.locator(".egomap-review-q").text_content()
    assert box.locator("legend").text_content() == "Could Mum still help with these?"
    assert box.locator("input[type=checkbox]").count() == 1
    page.locator(".egomap-review-keep").focus()
    page.keyboard.press("Enter")
    settle(page)
    # Sam next: the focus goes on to the start of Sam's questions, a fieldset with a legend
    assert "Sam" in page.locator(".egomap-review-q").text_content()
    assert box.locator("legend").text_content() == "Could Sam still help with these?"
    labels = box.locator(".egomap-review-res label").all_text_contents()
    assert [x.strip() for x in labels] == [label(six, k) for k in (LOAN, JOB, TALK)]
    assert box.locator("input[type=checkbox]:checked").count() == 3
    assert focused(page) == LOAN
    page.keyboard.press("Tab")
    assert focused(page) == JOB
    page.keyboard.press("Space")  # no longer
    settle(page)
    assert focused(page) == JOB  # the focus stays on the box just changed
    assert not box.locator(f"input[data-item={JOB}]").is_checked()
    assert f"Sam no longer helps with {label(six, JOB)}" in live_text(page)
    assert reopened(six)[JOB] == ids(six, "Dr Shah")
    # Undo (Ctrl+Z) puts Sam back, and the box shows it; Space again takes Sam off again
    page.keyboard.press("Control+z")
    settle(page)
    assert reopened(six)[JOB] == ids(six, "Sam", "Dr Shah")
    assert box.locator(f"input[data-item={JOB}]").is_checked()
    page.keyboard.press("Space")
    settle(page)
    assert reopened(six)[JOB] == ids(six, "Dr Shah")
    assert_accessible(page, ".egomap-review")
    page.screenshot(path="/tmp/review_resources.png", full_page=True)
    # on to "Still here, same place"
    for _ in range(6):
        if focused(page) == "keep":
            break
        page.keyboard.press("Tab")
    assert focused(page) == "keep"
    page.keyboard.press("Enter")
    settle(page)
    assert f"could still help with 2 of 3 items, no longer with {label(six, JOB)}" in live_text(page)
    # Dr Shah last: one item; the focus is on it
    assert box.locator("legend").text_content() == "Could Dr Shah still help with these?"
    assert focused(page) == JOB
    sent = page.evaluate("window.model.sent.map(s => [s.type, s.item || '', s.still])")
    assert sent[1:] == [
        ["review", "", None],
        ["review_resource", JOB, False],
        ["undo", "", None],
        ["review_resource", JOB, False],
        ["review", "", None],
    ]
    # the store, opened again
    s = em.open_store(six.person._backend.path)
    try:
        again = s.person("R-017").map("6 months")
        assert again.resources_of("Sam") == (LOAN, TALK)
        assert again.resources_of("Dr Shah") == (JOB,)
        assert again.placement("Sam").reviewed and again.placement("Mum").reviewed
    finally:
        s.close()
    no_errors(page)


@pytest.mark.browser
def test_a_person_with_no_resources_shows_nothing_extra_and_names_stay_hidden(page, server, base):
    base.add_alter("Jo", ring=2, sector="friends")
    six = base.person.new_map("6 months", copy_from=base)
    for x in ("Mum", "Sam", "Dr Shah"):
        six.update(x, reviewed=True)
    open_widget(page, server, six, label_mode="hidden")
    page.click(".egomap-review-btn")
    settle(page)
    assert page.locator(".egomap-review-q").text_content().startswith("Person 4")
    assert page.locator(".egomap-review fieldset").count() == 0
    page.click(".egomap-review-stop")
    settle(page)
    six.update("Sam", reviewed=False)
    page.click(".egomap-review-btn")
    settle(page)
    # numbers only: the legend does not show the name either
    assert page.locator(".egomap-review legend").text_content() == "Could Person 2 still help with these?"
    page.locator(f".egomap-review input[data-item={TALK}]").click()  # by mouse too
    settle(page)
    assert reopened(six)[TALK] == ids(six, "Mum")
    assert_accessible(page, ".egomap-review")
    no_errors(page)


@pytest.mark.browser
def test_a_users_item_label_stays_text_in_the_review_box(page, server, store):
    xss = "<img src=x onerror=alert(1)>"
    own = ResourceScheme(
        "own_help",
        [ResourceDomain("everyday", "Everyday help")],
        [ResourceItem("odd_one", "everyday", xss, f"Who could {xss}?")],
    )
    p = store.add_person("R-018")
    base = p.new_map("Baseline", resources=own)
    base.add_alter("Sam", ring=1, sector="friends")
    base.set_resource("odd_one", [base.alter("Sam")])
    six = p.new_map("6 months", copy_from=base)
    open_widget(page, server, six)
    page.click(".egomap-review-btn")
    settle(page)
    assert page.locator(".egomap-review-res label").text_content().strip() == xss
    assert page.locator(".egomap-review img").count() == 0
    no_errors(page)
