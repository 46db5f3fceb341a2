"""A session panel: pick a person, open or start a map, draw, agree goals, save the picture.

:class:`SessionPanel` puts the steps of a co-drawing session into one set of
buttons and boxes, so that a practitioner needs no code (it is also what the
Voilà app of ``notebooks/01_session.ipynb`` shows). Every step writes to the
store at once, like the widget.

Examples
--------
>>> import egomap as em, tempfile, os
>>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
>>> panel = em.SessionPanel(store)
>>> panel.person_id.value = "R-017"
>>> panel.open_person.click()
>>> panel.map_label.value
'Baseline'
>>> panel.open_map.click()
>>> panel.widget
<MapWidget 'Baseline' of 'R-017': 0 alters>
>>> panel.goal_text.value = "Go to the Tuesday football session"
>>> panel.add_goal.click()
>>> [g.text for g in store.person("R-017").map("Baseline").goals]
['Go to the Tuesday football session']
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import os
import re
from pathlib import Path
from typing import Any

import ipywidgets as w

from egomap.errors import EgomapError
from egomap.model import GOAL_STATUSES, Map, Person
from egomap.store import Store, open_store

__all__ = ["SessionPanel", "picture_name"]


def _auto() -> w.Layout:
    """A layout that makes a button as wide as its text (the default width cuts longer texts off)."""
    return w.Layout(width="auto", min_width="fit-content")


def picture_name(person_id: str, map_label: str) -> str:
    """A safe file name (without extension) for a map's picture.

    Examples
    --------
    >>> picture_name("R-017", "6 months / follow-up")
    'R-017_6-months-follow-up'
    """
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{person_id}_{map_label}").strip("-.")
    return clean or "map"


class SessionPanel(w.VBox):
    """Buttons and boxes for one co-drawing session.

    Parameters
    ----------
    store : Store, optional
        Where everything is saved (default: :func:`egomap.open_store`).
    person_id : str, optional
        Open this person straight away.
    pictures : path, optional
        Folder for saved pictures (default: ``pictures/`` next to the store file).
    label_mode : str
        How names show in the widget: ``"names"``, ``"initials"`` or ``"hidden"``.
    """

    def __init__(
        self,
        store: Store | None = None,
        person_id: str = "",
        *,
        pictures: str | Path | None = None,
        label_mode: str = "names",
    ) -> None:
        self.store = store if store is not None else open_store()
        self.pictures = Path(pictures) if pictures else self.store.path.parent / "pictures"
        self.label_mode = label_mode
        self.person: Person | None = None
        self.map: Map | None = None
        self.widget: Any = None

        self.message = w.Label(value="", layout=w.Layout(min_height="1.6em"))
        self.message.add_class("egomap-session-message")
        self.person_id = w.Text(
            value=person_id,
            description="Person id",
            placeholder="e.g. R-017 (not a real name)",
            style={"description_width": "initial"},
        )
        self.open_person = w.Button(
            description="Open person", button_style="primary", icon="folder-open", layout=_auto()
        )
        self.open_person.on_click(lambda _: self._guard(self._open_person))
        self.maps_info = w.Label(value="")
        self.map_label = w.Combobox(
            description="Map",
            placeholder="e.g. Baseline, 6 months",
            ensure_option=False,
            style={"description_width": "initial"},
        )
        self.map_date = w.DatePicker(description="Date", value=_dt.date.today(), style={"description_width": "initial"})
        self._date_from_map = False  # the date box shows an existing map's date (not one typed in)
        self.map_label.observe(lambda ch: self._date_for(ch["new"]), "value")
        self.open_map = w.Button(description="Open or start map", button_style="primary", icon="pencil", layout=_auto())
        self.open_map.on_click(lambda _: self._guard(self._open_map))
        self.map_box = w.VBox([])
        self.goal_text = w.Text(
            placeholder="A goal agreed together, e.g. go to the Tuesday football session", layout=w.Layout(width="60%")
        )
        self.add_goal = w.Button(description="Add goal", icon="flag", layout=_auto())
        self.add_goal.on_click(lambda _: self._guard(self._add_goal, self.goal_note))
        self.goal_note = w.Label(value="")
        self.goals_box = w.VBox([])
        self.save_picture = w.Button(description="Save picture for the person", icon="image", layout=_auto())
        self.save_picture.on_click(lambda _: self._guard(self._save_picture, self.picture_note))
        self.picture_note = w.Label(value="")
        self.download = w.HTML(value="")
        self.map_step = w.HBox([self.map_label, self.map_date, self.open_map])
        self.goal_step = w.VBox(
            [
                w.HTML("<b>Goals agreed together</b>"),
                w.HBox([self.goal_text, self.add_goal, self.goal_note]),
                self.goals_box,
            ]
        )
        self.picture_step = w.VBox([w.HBox([self.save_picture, self.download]), self.picture_note])
        for part in (self.map_step, self.goal_step, self.picture_step):
            part.layout.display = "none"
        for part, name in (
            (self.person_id, "person-id"),
            (self.open_person, "open-person"),
            (self.map_label, "map-label"),
            (self.open_map, "open-map"),
            (self.goal_text, "goal-text"),
            (self.add_goal, "add-goal"),
            (self.goal_note, "goal-note"),
            (self.goals_box, "goals"),
            (self.maps_info, "maps"),
            (self.save_picture, "save-picture"),
            (self.picture_note, "picture-note"),
            (self.download, "download"),
        ):
            part.add_class(f"egomap-session-{name}")
        super().__init__(
            [
                w.HBox([self.person_id, self.open_person]),
                self.maps_info,
                self.map_step,
                self.message,
                self.map_box,
                self.goal_step,
                self.picture_step,
            ]
        )
        self.add_class("egomap-session")
        if person_id:
            self._guard(self._open_person)

    def __repr__(self) -> str:
        who = f" {self.person.id!r}" if self.person else ""
        what = f", map {self.map.label!r}" if self.map else ""
        return f"<SessionPanel{who}{what}>"

    # ------------------------------------------------------------------ steps
    def _guard(self, step: Any, note: w.Label | None = None) -> None:
        """Run one step; show a bad input as a message, never a traceback.

        Steps below the drawing (goals, picture) answer in ``note``, next to their button, where the
        practitioner is looking; the others in :attr:`message`, under the map name.
        """
        if note is not None:
            note.value = ""
        try:
            step()
        except EgomapError as e:
            self._say(f"Not done: {e}", note)

    def _say(self, text: str, note: w.Label | None = None) -> None:
        if note is None:
            self.message.value = text
        else:
            note.value = text
            self.message.value = ""  # no older message left standing above

    def _show_maps(self) -> None:
        """The person's maps so far, and which one is open."""
        assert self.person is not None
        maps = self.person.maps
        labels = [m.label for m in maps]
        self.map_label.options = tuple(labels)
        if not maps:
            self.maps_info.value = f"{self.person.id} has no maps yet: start with the baseline map."
            return
        listed = ", ".join(f"{m.label} ({m.date.isoformat()})" if m.date else m.label for m in maps)
        text = f"Maps of {self.person.id} so far: {listed}."
        if self.map is not None:
            text += f" Open now: {self.map.label}."
        else:
            text += f" A new map starts as a copy of {labels[-1]!r}; to carry on with a map, choose it from the list."
        self.maps_info.value = text

    def _date_for(self, label: str) -> None:
        """Show an existing map's own date; back to today when a new name is typed after it."""
        if self.person is None:
            return
        m = next((m for m in self.person.maps if m.label == label.strip()), None)
        if m is not None and m.date is not None:
            self.map_date.value, self._date_from_map = m.date, True
        elif m is None and self._date_from_map:
            self.map_date.value, self._date_from_map = _dt.date.today(), False

    def _open_person(self) -> None:
        pid = self.person_id.value.strip()
        if not pid:
            self.message.value = "Type the person's id first (a code such as R-017, not their name)."
            return
        new = pid not in self.store.person_ids()
        person = self.store.person(pid, create=True)
        # a different person: close the map that was open, so nobody draws on the wrong map
        self.person, self.map, self.widget = person, None, None
        self.map_box.children = ()
        self.goals_box.children = ()
        self.download.value = ""
        self.goal_note.value = self.picture_note.value = ""
        self.goal_step.layout.display = "none"
        self.picture_step.layout.display = "none"
        maps = person.maps
        self.map_date.value, self._date_from_map = _dt.date.today(), False
        self.map_label.value = "Baseline" if not maps else f"Follow-up {len(maps)}"
        self._show_maps()
        self.map_step.layout.display = "flex"
        if new:
            self.message.value = f"Added {pid}. Next: press 'Open or start map' to start the baseline map."
        elif maps:
            self.message.value = f"Opened {pid}. Give the new map a name (e.g. 6 months), or choose a map to carry on."
        else:
            self.message.value = f"Opened {pid}. Next: press 'Open or start map' to start the baseline map."

    def _open_map(self) -> None:
        if self.person is None:
            self._open_person()
            if self.person is None:
                return
        from egomap.widget import MapWidget

        label = self.map_label.value.strip()
        existed = any(m.label == label for m in self.person.maps)
        self.map = self.person.open_map(label, self.map_date.value)
        if self.map.date is not None:
            self.map_date.value, self._date_from_map = self.map.date, True
        self.widget = MapWidget(self.map, label_mode=self.label_mode)
        self.map_box.children = (self.widget,)
        self.goal_step.layout.display = "flex"
        self.picture_step.layout.display = "flex"
        self.download.value = ""
        self.goal_note.value = self.picture_note.value = ""
        self._show_goals()
        self._show_maps()
        if existed:
            self.message.value = f"Opened map {label!r}: carry on where you left off."
        elif self.map.copied_from:
            source = next((m.label for m in self.person.maps if m.id == self.map.copied_from), "the last map")
            self.message.value = (
                f"Started {label!r} as a copy of {source!r}. Press 'Review changes' to go through each person: "
                "still in their life? Closer or further away?"
            )
        else:
            self.message.value = f"Started {label!r}. Add the people in their life, then drag them into place."

    def _show_goals(self) -> None:
        rows = []
        assert self.map is not None
        for g in self.map.goals:
            status = w.Dropdown(options=GOAL_STATUSES, value=g.status, layout=w.Layout(width="9em"))
            status.observe(
                lambda ch, gid=g.id: self._guard(lambda: self._set_status(gid, ch["new"]), self.goal_note), "value"
            )
            rows.append(w.HBox([status, w.Label(value=g.text)]))
        self.goals_box.children = tuple(rows)

    def _set_status(self, goal_id: str, status: str) -> None:
        assert self.map is not None
        self.map.update_goal(goal_id, status=status)
        self._say(f"Goal marked {status}.", self.goal_note)

    def _add_goal(self) -> None:
        if self.map is None:
            self._say("Open a map first.", self.goal_note)
            return
        self.map.add_goal(self.goal_text.value)
        self.goal_text.value = ""
        self._show_goals()
        self._say("Goal saved.", self.goal_note)

    def _save_picture(self) -> None:
        if self.widget is None or self.map is None:
            self._say("Open a map first.", self.picture_note)
            return
        # pictures carry names: keep them as private as the store itself
        if not self.pictures.exists():
            self.pictures.mkdir(mode=0o700, parents=True)
        name = picture_name(self.map.person.id, self.map.label)
        png = self.widget.save_png(self.pictures / f"{name}.png")
        svg = self.widget.save_svg(self.pictures / f"{name}.svg")
        for path in (png, svg):
            os.chmod(path, 0o600)
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        self.download.value = (
            f'<a download="{html.escape(png.name)}" href="data:image/png;base64,{data}" '
            'style="color:#0b5cad;text-decoration:underline;font-weight:600">'
            f"⬇ Download {html.escape(png.name)}</a>"
        )
        self._say(f"Saved {png} (and .svg). Use the link to download a copy for the person.", self.picture_note)
