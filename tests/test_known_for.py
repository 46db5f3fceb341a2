"""``known_for`` (added through the vocabulary only) reaches the change table, graphs and the change view."""

from __future__ import annotations

import egomap as em


def _two_maps():
    p = em.Person("R-KF")
    base = p.new_map("Baseline", date="2026-01-12")
    sam = base.add_alter("Sam", ring=1, sector="friends", known_for="less than a year")
    six = p.new_map("6 months", date="2026-07-12", copy_from=base)
    six.update(sam, known_for="1-5 years")
    return p, base, six, sam


def test_known_for_in_the_change_table_and_attribute_changes():
    p, base, six, sam = _two_maps()
    ch = em.compare(base, six)
    row = ch.to_frame().set_index("label").loc["Sam"]
    assert (row["known_for_before"], row["known_for_after"]) == ("less than a year", "1-5 years")
    assert [(c.attribute, c.before, c.after) for c in ch.attribute_changes] == [
        ("known_for", "less than a year", "1-5 years")
    ]
    assert [c.after.label for c in em.changes(p)] == ["6 months"]


def test_known_for_in_networkx_graphs():
    p, base, six, sam = _two_maps()
    assert em.viz.to_networkx(six).nodes[sam.id]["known_for"] == "1-5 years"
    assert em.graph.person_to_networkx(p).nodes[sam.id]["known_for"] == ["less than a year", "1-5 years"]


def test_known_for_in_the_change_view_hover_text_when_recorded():
    p, base, six, sam = _two_maps()
    html = em.viz.change_network(p).html
    assert "Known for: 1-5 years" in html and "Known for: less than a year" in html
    six.update(sam, known_for=None)
    base.update(sam, known_for=None)
    assert "Known for" not in em.viz.change_network(p).html
