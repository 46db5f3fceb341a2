"""The session panel used by the session notebook and its Voilà app."""

from __future__ import annotations

import egomap as em


def test_a_whole_session_without_code(store, tmp_path):
    panel = em.SessionPanel(store, pictures=tmp_path / "pics")
    panel.open_person.click()
    assert "Type the person's id first" in panel.message.value and store.person_ids() == []
    panel.person_id.value = "R-017"
    panel.open_person.click()
    assert store.person_ids() == ["R-017"] and panel.map_label.value == "Baseline"
    panel.open_map.click()
    w = panel.widget
    w.handle({"type": "add", "req": 1, "label": "Mum", "ring": 0, "sector": "household"})
    panel.goal_text.value = "Go to the Tuesday football session"
    panel.add_goal.click()
    assert panel.goal_text.value == "" and len(panel.goals_box.children) == 1
    panel.goals_box.children[0].children[0].value = "done"
    panel.save_picture.click()
    assert (tmp_path / "pics" / "R-017_Baseline.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "pics" / "R-017_Baseline.svg").exists()
    assert 'download="R-017_Baseline.png"' in panel.download.value

    # months later, in a new kernel: the follow-up starts as a copy of the baseline
    again = em.SessionPanel(em.open_store(store.path), "R-017", pictures=tmp_path / "pics")
    assert again.map_label.value == "Follow-up 1" and "Baseline" in again.maps_info.value
    again.map_label.value = "6 months"
    again.open_map.click()
    m = again.map
    assert m.copied_from is not None and [a.label for a in m.alters] == ["Mum"]
    assert "copy of the last map" in again.message.value
    base = store.person("R-017").map("Baseline")
    assert base.goals[0].status == "done"
    assert m.goals == []  # done goals are not carried forward


def test_errors_show_as_messages_not_tracebacks(store):
    panel = em.SessionPanel(store)
    panel.person_id.value = "a/b"
    panel.open_person.click()
    assert panel.message.value.startswith("Not done: person id 'a/b' must not contain slashes")
    panel.person_id.value = "R-1"
    panel.open_person.click()
    panel.map_label.value = "   "
    panel.open_map.click()
    assert "map label must not be empty" in panel.message.value and panel.widget is None


def test_picture_link_escapes_the_name(store, tmp_path):
    panel = em.SessionPanel(store, "R-2", pictures=tmp_path)
    panel.map_label.value = "<img src=x onerror=alert(1)>"
    panel.open_map.click()
    panel.save_picture.click()
    assert "<img" not in panel.download.value
    assert em.session.picture_name("R-2", "<img src=x onerror=alert(1)>") == "R-2_-img-src-x-onerror-alert-1"
