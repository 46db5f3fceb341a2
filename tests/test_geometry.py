"""egomap.geometry: one copy of initials, label modes and the map's geometry."""

from __future__ import annotations

import pytest

import egomap as em
from egomap import geometry
from egomap.errors import ValidationError
from egomap.viz import style

# labels as the widget and the figures meet them
LABELS = {
    "Mary-Jane": "MJ",
    "Dr Okafor": "DO",
    "  ": "",
    "mum": "M",
    "Kickabout football project": "KFP",
    "Kickabout football group": "KFG",
    "Jamie Smith": "JS",
    "R-017": "R0",
    "(Gran) Rose": "R",
}


@pytest.mark.parametrize(("label", "expected"), LABELS.items())
def test_initials_one_answer_for_widget_and_figures(label, expected):
    assert geometry.initials(label) == expected
    assert style.initials(label) == expected
    assert style.display_label(label, "initials") == expected


def test_style_reexports_the_geometry_functions():
    assert style.initials is geometry.initials
    assert style.display_label is geometry.display_label
    assert style.check_label_mode is geometry.check_label_mode
    assert style.LABEL_MODES is geometry.LABEL_MODES == ("names", "initials", "hidden")


def test_display_label_modes():
    assert geometry.display_label("Dr Okafor", "names") == "Dr Okafor"
    assert geometry.display_label("Dr Okafor", "hidden") == ""
    with pytest.raises(ValidationError):
        geometry.display_label("x", "full")


def test_widget_snapshot_and_figures_agree_on_initials():
    m = em.Person("R-1").new_map("Baseline")
    for label in ("Mary-Jane", "Dr Okafor", "mum"):
        m.add_alter(label, ring=0, sector="household")
    from egomap.widget.widget import snapshot

    snap = snapshot(m)
    assert {a["label"]: a["initials"] for a in snap["alters"]} == {
        "Mary-Jane": "MJ",
        "Dr Okafor": "DO",
        "mum": "M",
    }
    fig = em.viz.egogram(m, label_mode="initials")
    texts = sorted(t.get_text() for t in fig.axes[0].findobj(lambda a: a.get_gid() == "alter-label"))
    assert texts == ["DO", "M", "MJ"]
