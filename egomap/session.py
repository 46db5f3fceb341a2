"""A session panel: pick a person, open or start a map, draw, agree goals, save the picture.

:class:`SessionPanel` puts the steps of a co-drawing session into one set of
buttons and boxes, so that a practitioner needs no code (it is also what the
Voilà app of ``notebooks/01_session.ipynb`` shows). Every step writes to the
store at once, like the widget. Opening is not creating: *Open map* opens
one of the person's maps (the latest, unless another is chosen in the list);
a new map is started only with *Start baseline map* / *Start follow-up (a
copy of ...)*, and a map started by mistake can be removed (asked once more,
naming it; the removal is noted in the edit log and can be undone).

Examples
--------
>>> import egomap as em, tempfile, os
>>> store = em.open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
>>> panel = em.SessionPanel(store)
>>> panel.person_id.value = "R-017"
>>> panel.open_person.click()
>>> panel.map_label.value, panel.start_map.description
('Baseline', 'Start baseline map')
>>> panel.start_map.click()
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


#: The how-to at the top of the panel: open until a person is opened, then folded away (one click opens it again).
#: Constant text (no user text goes into it).
HOWTO = """
<p><b>Before you start.</b> Use the person's <b>pseudonymous id</b> (a code you agreed, such as R-017), never
their real name. Names on the map are shown as the person wants them: a name, initials or a nickname.
Everything is saved the moment you do it; there is no save button to forget.</p>
<ol>
<li><b>Person</b>: type the person's id and press <i>Open person</i>. A new id is added; for someone you have
seen before, their maps so far are listed.</li>
<li><b>Map</b>: the first time, press <i>Start baseline map</i>. To carry on with a map, press <i>Open map</i>
(the latest is chosen; pick another in the list). At a follow-up, press <i>Start follow-up</i>: the new map starts
as a <b>copy of the latest map</b>, so you can go through who is still there, who moved closer or further away,
and who is new. A map started by mistake can be removed (<i>Remove a map…</i>, asked once more).</li>
<li><b>Draw</b>: type a name in the box and press Enter (the circle and sector next to the box say where they go
first), then drag them to where the person wants them. The inner circle is for people so close that it is hard
to imagine life without them; the outer circle for people who still belong in the network. Sectors are areas of
life: household, family, work or school, clubs and groups, friends, neighbours, services.</li>
<li><b>Goals</b>: write down what you agreed together, e.g. <i>go to the Tuesday football session</i>, and press
<i>Add goal</i>. Goals not done yet come with the map to the next session.</li>
<li><b>Picture</b>: <i>Save picture for the person</i> makes a picture of the map (PNG and SVG) and a
<i>Download</i> link, so the person can keep a copy. If you asked who could help with what, the picture
shows that too, under the map (untick the box to leave it out).</li>
</ol>
"""


def _howto(open_: bool) -> str:
    """The how-to as a native disclosure (a screen reader says whether it is open; one click opens it)."""
    return (
        f"<details{' open' if open_ else ''} style='margin:4px 0'><summary style='cursor:pointer;font-weight:600;"
        f"color:#1f2933'>How a session goes</summary>{HOWTO}</details>"
    )


def _auto() -> w.Layout:
    """A layout that makes a button as wide as its text (the default width cuts longer texts off)."""
    return w.Layout(width="auto", min_width="fit-content")


def _next_label(taken: set[str]) -> str:
    """A free name for the next follow-up: "Follow-up 1", "Follow-up 2", ...

    Examples
    --------
    >>> _next_label({"Baseline", "Follow-up 1"})
    'Follow-up 2'
    """
    n = 1
    while f"Follow-up {n}" in taken:
        n += 1
    return f"Follow-up {n}"


def picture_name(person_id: str, map_label: str) -> str:
    """A safe file name (without extension) for a map's picture.

    Examples
    --------
    >>> picture_name("R-017", "6 months / follow-up")
    'R-017_6-months-follow-up'
    """
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{person_id}_{map_label}").strip("-.")
    return clean or "map"


def _pictures_folder(store: Store) -> Path:
    """Beside a store file; for a team store on a server, in this user's own egomap data folder."""
    if isinstance(store.path, Path):
        return store.path.parent / "pictures"
    import platformdirs

    return platformdirs.user_data_path("egomap") / "pictures"


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
        self.pictures = Path(pictures) if pictures else _pictures_folder(self.store)
        self.label_mode = label_mode
        self.person: Person | None = None
        self.map: Map | None = None
        self.widget: Any = None

        self.howto = w.HTML(_howto(open_=True))
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
        # carrying on: the person's maps (label and date), the latest chosen
        self.map_choice = w.Dropdown(
            description="Map", options=(), style={"description_width": "initial"}, layout=w.Layout(width="17em")
        )
        self.open_map = w.Button(description="Open map", button_style="primary", icon="pencil", layout=_auto())
        self.open_map.on_click(lambda _: self._guard(self._open_map))
        self.remove_map = w.Button(description="Remove a map…", icon="trash", layout=_auto())
        self.remove_map.on_click(lambda _: self._guard(self._ask_remove))
        # starting: a new map, a copy of the latest one if there is one (the button says so)
        self.map_label = w.Text(
            description="New map",
            placeholder="e.g. Baseline, 6 months",
            style={"description_width": "initial"},
            layout=w.Layout(width="15em"),
        )
        self.map_date = w.DatePicker(
            description="Date",
            value=_dt.date.today(),
            style={"description_width": "initial"},
            layout=w.Layout(width="13em"),
        )
        self.start_map = w.Button(description="Start map", icon="plus", layout=_auto())
        self.start_map.on_click(lambda _: self._guard(self._start_map))
        # removing a map started by mistake: asked once more, naming the map
        self.confirm_text = w.Label(value="")
        self.confirm_remove = w.Button(description="Remove", button_style="danger", icon="trash", layout=_auto())
        self.confirm_remove.on_click(lambda _: self._guard(self._remove))
        self.cancel_remove = w.Button(description="Keep it", layout=_auto())
        self.cancel_remove.on_click(lambda _: self._guard(self._keep))
        self.undo_remove = w.Button(description="Undo remove", icon="undo", layout=_auto())
        self.undo_remove.on_click(lambda _: self._guard(self._undo_remove))
        self._removed: Any = None
        self._asked: str | None = None  # id of the map the confirmation names
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
        self.include_resources = w.Checkbox(
            value=True, description="With who could help with what", indent=False, layout=_auto()
        )
        self.picture_note = w.Label(value="")
        self.download = w.HTML(value="")
        self.open_step = w.HBox([self.map_choice, self.open_map, self.remove_map])
        self.confirm_step = w.HBox([self.confirm_text, self.confirm_remove, self.cancel_remove])
        self.new_step = w.HBox([self.map_label, self.map_date, self.start_map])
        # one row on a laptop (wrapping on a narrow screen), so that the map comes first
        self.map_step = w.VBox(
            [
                w.HBox([self.open_step, self.new_step], layout=w.Layout(flex_flow="row wrap", grid_gap="4px 24px")),
                self.confirm_step,
                self.undo_remove,
            ]
        )
        self.goal_step = w.VBox(
            [
                w.HTML("<b>Goals agreed together</b>"),
                w.HBox([self.goal_text, self.add_goal, self.goal_note]),
                self.goals_box,
            ]
        )
        self.picture_step = w.VBox(
            [w.HBox([self.save_picture, self.include_resources, self.download]), self.picture_note]
        )
        for part in (self.map_step, self.goal_step, self.picture_step, self.confirm_step, self.undo_remove):
            part.layout.display = "none"
        for part, name in (
            (self.howto, "howto"),
            (self.person_id, "person-id"),
            (self.open_person, "open-person"),
            (self.map_choice, "map-choice"),
            (self.open_map, "open-map"),
            (self.remove_map, "remove-map"),
            (self.map_label, "map-label"),
            (self.start_map, "start-map"),
            (self.confirm_text, "confirm-text"),
            (self.confirm_remove, "confirm-remove"),
            (self.cancel_remove, "cancel-remove"),
            (self.undo_remove, "undo-remove"),
            (self.goal_text, "goal-text"),
            (self.add_goal, "add-goal"),
            (self.goal_note, "goal-note"),
            (self.goals_box, "goals"),
            (self.maps_info, "maps"),
            (self.save_picture, "save-picture"),
            (self.include_resources, "include-resources"),
            (self.picture_note, "picture-note"),
            (self.download, "download"),
        ):
            part.add_class(f"egomap-session-{name}")
        super().__init__(
            [
                self.howto,
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
        """The person's maps so far (the latest chosen), which one is open, and what a new map starts from."""
        assert self.person is not None
        maps = self.person.maps
        self.confirm_step.layout.display = "none"
        self._asked = None
        self.map_choice.options = tuple(
            (f"{m.label} ({m.date.isoformat()})" if m.date else m.label, m.id) for m in maps
        )
        if maps:
            self.map_choice.value = self.map.id if self.map is not None else maps[-1].id
        self.open_step.layout.display = "flex" if maps else "none"
        taken = {m.label for m in maps}
        if self.map_label.value.strip() in taken or not self.map_label.value.strip():
            self.map_label.value = "Baseline" if not maps else _next_label(taken)
        self.start_map.description = f"Start follow-up (a copy of {maps[-1].label!r})" if maps else "Start baseline map"
        self.start_map.button_style = "" if maps else "primary"
        if not maps:
            self.maps_info.value = f"{self.person.id} has no maps yet: start with the baseline map."
            return
        listed = ", ".join(f"{m.label} ({m.date.isoformat()})" if m.date else m.label for m in maps)
        text = f"Maps of {self.person.id} so far: {listed}."
        if self.map is not None:
            text += f" Open now: {self.map.label}."
        self.maps_info.value = text

    def _open_person(self) -> None:
        pid = self.person_id.value.strip()
        if not pid:
            self.message.value = "Type the person's id first (a code such as R-017, not their name)."
            return
        new = pid not in self.store.person_ids()
        person = self.store.person(pid, create=True)
        # a different person: close the map that was open, so nobody draws on the wrong map
        self.person, self.map, self.widget = person, None, None
        self.howto.value = _howto(open_=False)  # read: folded away, so the map comes first on a laptop screen
        self._close_map()
        self._removed = None
        self.undo_remove.layout.display = "none"
        self.map_date.value = _dt.date.today()
        self.map_label.value = ""
        self._show_maps()
        self.map_step.layout.display = "flex"
        maps = person.maps
        if new:
            self.message.value = f"Added {pid}. Next: press 'Start baseline map'."
        elif maps:
            self.message.value = (
                f"Opened {pid}. Press 'Open map' to carry on with {maps[-1].label!r}, "
                "or start a follow-up (a new map that starts as a copy of the latest one)."
            )
        else:
            self.message.value = f"Opened {pid}. Next: press 'Start baseline map'."

    def _close_map(self) -> None:
        self.map_box.children = ()
        self.goals_box.children = ()
        self.download.value = ""
        self.goal_note.value = self.picture_note.value = ""
        self.goal_step.layout.display = "none"
        self.picture_step.layout.display = "none"

    def _show_map(self, m: Map) -> None:
        from egomap.widget import MapWidget

        self.map = m
        self.widget = MapWidget(m, label_mode=self.label_mode)
        self.map_box.children = (self.widget,)
        self.goal_step.layout.display = "flex"
        self.picture_step.layout.display = "flex"
        self.download.value = ""
        self.goal_note.value = self.picture_note.value = ""
        self._show_goals()
        self._show_maps()

    def _open_map(self) -> None:
        """Open the map chosen in the list (the latest, unless another is chosen): never makes a new one."""
        if self.person is None:
            self._open_person()
            if self.person is None:
                return
        if not self.map_choice.value:
            self.message.value = "There is no map to open yet: press 'Start baseline map'."
            return
        m = self.person.map(self.map_choice.value)
        self._show_map(m)
        self.message.value = f"Opened map {m.label!r}: carry on where you left off."

    def _start_map(self) -> None:
        """Start a new map: the baseline, or a follow-up as a copy of the latest map."""
        if self.person is None:
            self._open_person()
            if self.person is None:
                return
        maps = self.person.maps
        label = self.map_label.value.strip()
        if any(m.label == label for m in maps):
            self.message.value = (
                f"Not done: {self.person.id} already has a map {label!r}. To carry on with it, choose it "
                "in the list and press 'Open map'; for a new map, type another name."
            )
            return
        m = self.person.new_map(label, self.map_date.value, copy_from=maps[-1] if maps else None)
        self.map_label.value = ""
        self._removed = None
        self.undo_remove.layout.display = "none"
        self._show_map(m)
        if maps:
            self.message.value = (
                f"Started {m.label!r} as a copy of {maps[-1].label!r}. Press 'Review changes' to go through "
                "each person: still in their life? Closer or further away?"
            )
        else:
            self.message.value = f"Started {m.label!r}. Add the people in their life, then drag them into place."

    def _ask_remove(self) -> None:
        assert self.person is not None
        m = self.person.map(self.map_choice.value)
        self._asked = m.id
        self.confirm_text.value = (
            f"Remove map {m.label!r} of {self.person.id} ({len(m)} people on it)? "
            "It is taken out of the store; you can undo this until you open another person."
        )
        self.confirm_remove.description = f"Remove {m.label!r}"
        self.confirm_step.layout.display = "flex"

    def _keep(self) -> None:
        self.confirm_step.layout.display = "none"
        self._asked = None
        self.message.value = "Nothing removed."

    def _remove(self) -> None:
        assert self.person is not None
        if self._asked is None:
            return
        m = self.person.map(self._asked)
        if self.map is not None and self.map.id == m.id:
            self.map, self.widget = None, None
            self._close_map()
        self._removed = self.person.remove_map(m.id)
        self._show_maps()
        self.undo_remove.description = f"Undo remove of {m.label!r}"
        self.undo_remove.layout.display = "flex"
        self.message.value = f"Removed map {m.label!r}. The removal is noted in the log of {self.person.id}'s maps."

    def _undo_remove(self) -> None:
        assert self.person is not None
        if self._removed is None:
            return
        m = self.person.restore_map(self._removed)
        self._removed = None
        self.undo_remove.layout.display = "none"
        self._show_maps()
        self.message.value = f"Map {m.label!r} is back. Press 'Open map' to open it."

    def _show_goals(self) -> None:
        rows = []
        assert self.map is not None
        for g in self.map.goals:
            status = w.Dropdown(
                options=GOAL_STATUSES,
                value=g.status,
                description="Status",  # a screen reader names the list (axe: select-name)
                style={"description_width": "initial"},
                layout=w.Layout(width="14em"),
            )
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
        with_table = self.include_resources.value and bool(self.map.resources)
        if with_table:  # who could help with what, under the map, named as on the map
            from egomap.viz.resource_figure import resource_figure

            fig = resource_figure(self.map, label_mode=self.widget.label_mode, picture=png, width=6.0)
            fig.savefig(png, format="png", dpi=150, facecolor="white")  # as wide as the map's picture
        for path in (png, svg):
            os.chmod(path, 0o600)
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        self.download.value = (
            f'<a download="{html.escape(png.name)}" href="data:image/png;base64,{data}" '
            'style="color:#0b5cad;text-decoration:underline;font-weight:600">'
            f"⬇ Download {html.escape(png.name)}</a>"
        )
        what = " with who could help with what" if with_table else ""
        self._say(
            f"Saved {png}{what} (and the map as .svg). Use the link to download a copy for the person.",
            self.picture_note,
        )
