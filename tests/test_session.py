"""The session panel used by the session notebook and its Voilà app."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

import egomap as em

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_a_whole_session_without_code(store, tmp_path):
    panel = em.SessionPanel(store, pictures=tmp_path / "pics")
    panel.open_person.click()
    assert "Type the person's id first" in panel.message.value and store.person_ids() == []
    panel.person_id.value = "R-017"
    panel.open_person.click()
    assert store.person_ids() == ["R-017"] and panel.map_label.value == "Baseline"
    assert "no maps yet" in panel.maps_info.value and "Added R-017" in panel.message.value
    assert panel.open_step.layout.display == "none"  # nothing to open yet: only starting is offered
    assert panel.start_map.description == "Start baseline map"
    panel.map_date.value = datetime.date(2026, 1, 12)
    panel.start_map.click()
    # the status lines say what is open now, not what was true before (no stale "no maps yet")
    assert "no maps yet" not in panel.maps_info.value
    assert "Open now: Baseline" in panel.maps_info.value
    assert panel.map_choice.options == (("Baseline (2026-01-12)", panel.map.id),)
    w = panel.widget
    w.handle({"type": "add", "req": 1, "label": "Mum", "ring": 0, "sector": "household"})
    panel.goal_text.value = "Go to the Tuesday football session"
    panel.add_goal.click()
    assert panel.goal_text.value == "" and len(panel.goals_box.children) == 1
    panel.goals_box.children[0].children[0].value = "done"
    panel.save_picture.click()
    assert (tmp_path / "pics" / "R-017_Baseline.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "pics" / "R-017_Baseline.svg").exists()
    # pictures carry names: as private as the store (owner only)
    assert (tmp_path / "pics").stat().st_mode & 0o777 == 0o700
    for ext in ("png", "svg"):
        assert (tmp_path / "pics" / f"R-017_Baseline.{ext}").stat().st_mode & 0o777 == 0o600
    assert 'download="R-017_Baseline.png"' in panel.download.value
    assert "Saved" in panel.picture_note.value  # said next to the button, not only far above

    # months later, in a new kernel: the follow-up is its own button, which says what it copies
    again = em.SessionPanel(em.open_store(store.path), "R-017", pictures=tmp_path / "pics")
    assert again.start_map.description == "Start follow-up (a copy of 'Baseline')"
    assert again.map_label.value == "Follow-up 1" and "Baseline" in again.maps_info.value
    again.map_label.value = "6 months"
    again.start_map.click()
    m = again.map
    assert m.copied_from is not None and [a.label for a in m.alters] == ["Mum"]
    assert "as a copy of 'Baseline'" in again.message.value and "Review changes" in again.message.value
    assert "Open now: 6 months" in again.maps_info.value
    base = store.person("R-017").map("Baseline")
    assert base.goals[0].status == "done"
    assert m.goals == []  # done goals are not carried forward

    # coming back to carry on with the baseline: chosen in the list, it opens as it was
    again.map_choice.value = base.id
    again.open_map.click()
    assert again.map.id == base.id and again.map.date == datetime.date(2026, 1, 12)
    assert "carry on" in again.message.value and len(again.goals_box.children) == 1

    # a new map gets the date chosen
    again.map_label.value = "12 months"
    again.map_date.value = datetime.date(2027, 1, 11)
    again.start_map.click()
    assert again.map.date == datetime.date(2027, 1, 11) and again.map.label == "12 months"


def test_reopening_opens_the_latest_map_and_makes_no_new_one(store):
    """Issue 16: after 'Open person', the obvious button opens the map being drawn; it never starts one."""
    p = store.add_person("R-040")
    base = p.new_map("Baseline", date="2026-01-12")
    base.add_alter("Mum", ring=0, sector="household")
    six = p.new_map("6 months", date="2026-07-12", copy_from=base)
    panel = em.SessionPanel(store, "R-040")
    assert panel.map_choice.value == six.id  # the latest is chosen
    assert [label for label, _ in panel.map_choice.options] == ["Baseline (2026-01-12)", "6 months (2026-07-12)"]
    panel.open_map.click()
    assert panel.map.id == six.id and [m.label for m in store.person("R-040").maps] == ["Baseline", "6 months"]
    # a name already taken is not a new map either: the panel says how to open it
    panel.map_label.value = "Baseline"
    panel.start_map.click()
    assert "already has a map 'Baseline'" in panel.message.value and panel.map.id == six.id
    assert len(store.person("R-040").maps) == 2


def test_removing_a_stray_map_asks_names_it_logs_it_and_can_be_undone(location):
    """On both engines (a team store too)."""
    store = em.open_store(location)
    p = store.add_person("R-041")
    base = p.new_map("Baseline")
    base.add_alter("Mum", ring=0, sector="household")
    panel = em.SessionPanel(store, "R-041")
    panel.start_map.click()  # the stray follow-up, started by mistake
    stray = panel.map
    assert stray.label == "Follow-up 1"
    panel.remove_map.click()
    assert panel.confirm_step.layout.display == "flex"
    assert "Remove map 'Follow-up 1' of R-041" in panel.confirm_text.value
    assert panel.confirm_remove.description == "Remove 'Follow-up 1'"
    panel.cancel_remove.click()  # changing one's mind keeps it
    assert sorted(m.label for m in store.person("R-041").maps) == ["Baseline", "Follow-up 1"]
    panel.remove_map.click()
    panel.confirm_remove.click()
    assert [m.label for m in em.open_store(store.path).person("R-041").maps] == ["Baseline"]
    assert panel.map is None and panel.widget is None and panel.map_box.children == ()
    assert "Removed map 'Follow-up 1'" in panel.message.value
    last = store.person("R-041").map("Baseline").history()[-1]
    assert last["action"] == "remove_map" and "removed map 'Follow-up 1'" in last["description"]
    assert last["edit"]["label"] == "Follow-up 1"  # what was on it is kept in the log
    panel.undo_remove.click()
    assert sorted(m.label for m in store.person("R-041").maps) == ["Baseline", "Follow-up 1"]
    assert [a.label for a in store.person("R-041").map("Follow-up 1").alters] == ["Mum"]
    # Pictures go beside a store file; for a store on a server, into this user's own egomap folder.
    import platformdirs

    local = isinstance(location, Path)
    want = location.parent if local else platformdirs.user_data_path("egomap")
    assert panel.pictures == want / "pictures"


def test_opening_another_person_closes_the_open_map(store):
    panel = em.SessionPanel(store, "R-1")
    panel.start_map.click()
    assert panel.widget is not None
    panel.person_id.value = "R-2"
    panel.open_person.click()
    # nobody can go on drawing on R-1's map while R-2 is named at the top
    assert panel.map is None and panel.widget is None and panel.map_box.children == ()
    assert panel.goal_step.layout.display == "none" and panel.picture_step.layout.display == "none"
    assert "R-2 has no maps yet" in panel.maps_info.value
    panel.add_goal.click()
    assert panel.goal_note.value == "Open a map first."


def test_goal_errors_show_next_to_the_goal_box(store):
    panel = em.SessionPanel(store, "R-3")
    panel.start_map.click()
    panel.goal_text.value = "   "
    panel.add_goal.click()
    assert panel.goal_note.value.startswith("Not done:") and panel.map.goals == []


def test_errors_show_as_messages_not_tracebacks(store):
    panel = em.SessionPanel(store)
    panel.person_id.value = "a/b"
    panel.open_person.click()
    assert panel.message.value.startswith("Not done: person id 'a/b' must not contain slashes")
    panel.person_id.value = "R-1"
    panel.open_person.click()
    panel.map_label.value = "   "
    panel.start_map.click()
    assert "map label must not be empty" in panel.message.value and panel.widget is None


def test_picture_link_escapes_the_name(store, tmp_path):
    panel = em.SessionPanel(store, "R-2", pictures=tmp_path)
    panel.map_label.value = "<img src=x onerror=alert(1)>"
    panel.start_map.click()
    panel.save_picture.click()
    assert "<img" not in panel.download.value
    assert em.session.picture_name("R-2", "<img src=x onerror=alert(1)>") == "R-2_-img-src-x-onerror-alert-1"


# ---------------------------------------------------------------- the notebooks as committed


def test_there_are_four_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_session.ipynb",
        "02_workshop.ipynb",
        "03_change_over_time.ipynb",
        "04_research.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_clean(path):
    """No outputs in git (a change view alone is ~700 KB); nothing outside the repository needed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert path.stat().st_size < 20_000
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = []
    for cell in nb["cells"]:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None, cell["id"]
        if cell["cell_type"] == "code":
            code.append("".join(cell["source"]))
    source = "\n".join(code)
    assert "../shared" not in source  # runs from a fresh clone
    # stores and files go to a temporary folder; only the session notebook opens the user's own store
    for call in re.findall(r"open_store\(([^)]*)\)", source):
        assert call.startswith("work /") or (call == "" and path.name == "01_session.ipynb"), call
    if re.search(r"savefig|export_|save_png|save_svg", source):
        assert "tempfile.TemporaryDirectory" in source  # and removed again when the kernel stops


def test_session_notebook_hides_notebook_only_text_in_the_app():
    """Cells about running code are left out of the Voila app (nbconvert's ``transient.remove_source``)."""
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        hidden = cell["metadata"].get("transient", {}).get("remove_source", False)
        if cell["cell_type"] == "markdown" and ("Run All Cells" in text or "in code" in text):
            assert hidden, text[:60]
        if "SessionPanel" in text and cell["cell_type"] == "code":
            assert not hidden
