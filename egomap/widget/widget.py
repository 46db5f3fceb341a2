"""The co-drawing widget: draw and edit a concentric-circle map together.

:class:`MapWidget` is an anywidget. It holds only synced traits and hands
each gesture to :mod:`egomap.widget.gestures`; the front-end
(``static/map.js``, built from ``js/``) draws the map from the ``data`` trait
(see :mod:`egomap.widget.snapshot`), the look from ``map_style`` and the details
form from ``fields`` (both sent once) and, when
a gesture is *completed* (pointer up, Enter, a button), sends one request
such as ``{"type": "move", "req": 7, "id": ..., "angle": 80.0, "radius": 0.9}``
(as a change of the ``request`` trait; a custom message works too).
Python applies it through the :class:`egomap.Map` API -- which commits to the
store before it returns -- then answers in two updates: first ``status``
(``"saved"`` or ``"error: ..."``) and ``ack`` (the request id that was
handled), a small message sent as soon as the store has committed; then
the fresh ``data`` snapshot, whose ``data["ack"]`` names the request it
includes. If a save fails the map is unchanged, so the snapshot shows the
store's truth, the status says what went wrong and the front-end offers to
send the same gesture again ("Try again").

Examples
--------
>>> import egomap as em
>>> m = em.Person("R-017").new_map("Baseline")
>>> _ = m.add_alter("Mum", ring=0, sector="household")
>>> w = em.MapWidget(m)
>>> w
<MapWidget 'Baseline' of 'R-017': 1 alters>
>>> w.handle({"type": "move", "req": 1, "id": m.alters[0].id, "angle": 110.0, "radius": 0.95})
>>> (w.status, w.ack, m.placement("Mum").ring, m.placement("Mum").sector)
('saved', 1, 2, 'work_school')
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

import anywidget
import traitlets

from egomap import fields as _fields
from egomap import files as _files
from egomap.errors import EgomapError, ValidationError
from egomap.geometry import LABEL_MODES, check_label_mode, initials
from egomap.model import Map
from egomap.viz import style as _style
from egomap.widget import gestures as _gestures
from egomap.widget import render as _render
from egomap.widget.live import LiveUpdates
from egomap.widget.snapshot import PreviousRings, add_label_places, snapshot

__all__ = ["MapWidget", "snapshot", "initials", "side_by_side", "LABEL_MODES"]

_STATIC = pathlib.Path(__file__).parent / "static"
#: Attributes the details form may change (derived from :func:`egomap.fields.editable`).
_EDITABLE = _gestures.EDITABLE


class MapWidget(anywidget.AnyWidget):
    """The co-drawing widget for one map; every edit is saved at once.

    Parameters
    ----------
    m : Map
        The map to draw on (from a store, so that every edit is saved; an
        in-memory map also works).
    label_mode : {"names", "initials", "hidden"}
        How alters are labelled (``"hidden"`` shows numbers only, e.g. on a
        workshop projector).
    read_only : bool
        Show the map without editing controls.
    person_label : str, optional
        Text in the centre disc (default: display name, else person id).

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-017").new_map("Baseline")
    >>> w = em.MapWidget(m, label_mode="initials")
    >>> w.handle({"type": "add", "req": 1, "label": "Gran", "ring": 1, "sector": "family"})
    >>> [a["label"] for a in w.data["alters"]], w.can_undo
    (['Gran'], True)
    >>> w.handle({"type": "undo", "req": 2})
    >>> len(m), w.status
    (0, 'saved')
    """

    _esm = _STATIC / "map.js"
    _css = _STATIC / "map.css"

    #: Snapshot of the map (see :func:`snapshot`); reassigned after every edit.
    data = traitlets.Dict().tag(sync=True)
    #: The details form's fields (:func:`egomap.fields.describe`); sent once.
    fields = traitlets.List().tag(sync=True)
    #: The look (:func:`egomap.viz.style.as_dict`), the same as the figures'; sent once. (Not
    #: ``style``: ipywidgets' front-end takes a ``style`` trait for a reference to a style widget.)
    map_style = traitlets.Dict().tag(sync=True)
    #: How alters are labelled: "names", "initials" or "hidden" (numbers).
    label_mode = traitlets.Enum(LABEL_MODES, default_value="names").tag(sync=True)
    #: Whether editing controls are hidden.
    read_only = traitlets.Bool(False).tag(sync=True)
    #: "saved", or "error: ..." when the last edit could not be saved.
    status = traitlets.Unicode("saved").tag(sync=True)
    #: Id of the last request handled (the front-end shows "saved" for it).
    ack = traitlets.Int(0).tag(sync=True)
    #: What the last edit did, in words (read out by screen readers).
    last_action = traitlets.Unicode("").tag(sync=True)
    #: Whether undo / redo are possible.
    can_undo = traitlets.Bool(False).tag(sync=True)
    can_redo = traitlets.Bool(False).tag(sync=True)
    #: Selected alter id ("" for none); shared by all views.
    selected = traitlets.Unicode("").tag(sync=True)
    #: Alter under review in review mode ("" when not reviewing).
    reviewing = traitlets.Unicode("").tag(sync=True)
    #: Results of the review so far: {"kept": n, "moved": n, "removed": n}.
    review_counts = traitlets.Dict().tag(sync=True)
    #: The last gesture sent by a view (see :meth:`handle`); set by the front-end.
    request = traitlets.Dict().tag(sync=True, echo_update=False)

    def __init__(
        self,
        m: Map,
        *,
        label_mode: str = "names",
        read_only: bool = False,
        person_label: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(m, Map):
            raise ValidationError(f"MapWidget needs a Map, got {type(m).__name__} {m!r}", field="map")
        check_label_mode(label_mode)
        self._map = m
        self._person_label = person_label
        self._previous = PreviousRings(m)
        super().__init__(
            data=snapshot(m, person_label, self._previous, modes=(label_mode,)),
            fields=_fields.describe(),
            map_style=_style.as_dict(),
            label_mode=label_mode,
            read_only=bool(read_only),
            can_undo=m.can_undo,
            can_redo=m.can_redo,
            **kwargs,
        )
        self.review_counts = _gestures.review_counts(m, self._previous.places())
        self._live = LiveUpdates(m)
        self._check_error = ""  # the status a failed check set (cleared when a check works again)
        self.on_msg(self._on_msg)

    # ------------------------------------------------------------------ reading
    @property
    def map(self) -> Map:
        """The map this widget draws."""
        return self._map

    @property
    def previous(self) -> PreviousRings:
        """What the widget keeps of the map this one was copied from (rings and sectors)."""
        return self._previous

    @property
    def person_label(self) -> str | None:
        """Text asked for in the centre disc (None: the display name, else the person id)."""
        return self._person_label

    def __repr__(self) -> str:
        m = self._map
        return f"<MapWidget {m.label!r} of {m.person.id!r}: {len(m)} alters>"

    # ------------------------------------------------------------------ messages
    def _on_msg(self, _widget: object, content: object, _buffers: object = None) -> None:
        if isinstance(content, Mapping):
            self.handle(content)

    @traitlets.observe("label_mode")
    def _on_label_mode(self, change: Mapping[str, Any]) -> None:
        """Labels are placed for the current mode only (after each edit): place them for a newly chosen one."""
        mode = change["new"]
        if all(mode in a.get("labels", {}) for a in self.data.get("alters", [])):
            return
        data = {**self.data, "alters": [dict(a) for a in self.data["alters"]]}
        add_label_places(data, (mode,))
        self.data = data

    @traitlets.observe("request")
    def _on_request(self, change: Mapping[str, Any]) -> None:
        if change["new"]:
            self.handle(change["new"])

    def handle(self, msg: Mapping[str, Any]) -> None:
        """Apply one gesture message from the front-end and send back the result.

        Messages are ``{"type": ..., "req": int, ...}`` with types ``move``
        (``id``, ``angle``, ``radius``), ``place`` (``id``, ``ring``,
        ``sector``), ``add`` (``label`` and optionally ``ring``/``sector`` or
        ``angle``/``radius``), ``update`` (``id``, ``fields``), ``remove``
        (``id``), ``tie`` (``a``, ``b``: toggles the tie), ``undo``,
        ``redo``, ``review_start``, ``review_stop``, ``review`` (``id``,
        ``action``: ``keep``/``closer``/``further``/``remove``),
        ``review_resource`` (``id``, ``item``, ``still``: True or False; see
        :func:`egomap.widget.resources.apply_review_resource`), ``resource``
        (``item`` and ``toggle``: an alter id, or ``alters``: a list of ids,
        ``[]`` for no one, ``None`` for not asked; see
        :func:`egomap.widget.resources.apply_resource`) and ``refresh``. A bad message or a failed save sets :attr:`status` to
        ``"error: ..."``; the map (and the snapshot sent back) then stays as
        the store holds it. See :func:`egomap.widget.gestures.handle`.
        ``check`` (a view's periodic "anything new?") is :meth:`check`.
        """
        if msg.get("type") == "check":
            self.check()
            return
        _gestures.handle(self, msg)
        self._live.showing(self._map.revision)

    # ------------------------------------------------------------------ live updates
    def check(self) -> bool:
        """Show another session's edits: if the map changed in the store, send the new snapshot.

        Each view sends ``{"type": "check"}`` about once a second. It is not
        an edit: ``ack`` and ``status`` stay as they are (so it never counts
        as a save, nor as a sign of life after a lost connection); the
        snapshot's ``data["live"]`` is True and its ``data["ack"]`` the last
        request handled. Returns whether a new snapshot was sent.

        Examples
        --------
        >>> import tempfile, pathlib, egomap as em
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "team.sqlite"
        >>> a, b = em.open_store(path), em.open_store(path)
        >>> m = a.add_person("R-1").new_map("Baseline")
        >>> w = em.MapWidget(m)
        >>> w.check()
        False
        >>> _ = b.map(m.id).add_alter("Mum", ring=0, sector="household")
        >>> w.check(), [x["label"] for x in w.data["alters"]], w.data["live"]
        (True, ['Mum'], True)
        >>> w.close(); a.close(); b.close()
        """
        try:
            changed = self._live.changed()
        except EgomapError as e:  # the store is unreachable, or the map was removed
            self._check_error = f"error: {e}"
            if self.status != self._check_error:
                self.status = self._check_error
            return False
        if self._check_error and self.status == self._check_error:  # reachable again
            self.status = "saved"
        self._check_error = ""
        if not changed:
            return False
        m = self._map
        data = snapshot(m, self._person_label, self._previous, modes=(self.label_mode,))
        data["ack"] = self.ack
        data["live"] = True
        with self.hold_sync():
            self.data = data
            self.can_undo, self.can_redo = m.can_undo, m.can_redo
            if self.selected and self.selected not in m.placements:
                self.selected = ""
            if self.reviewing and self.reviewing not in m.placements:
                self.reviewing = _gestures.next_unreviewed(m)
        return True

    def close(self) -> None:
        """Close the widget (its views stop) and stop watching the store."""
        self._live.close()
        super().close()

    # ------------------------------------------------------------------ export
    def to_svg(self, label_mode: str | None = None) -> str:
        """The current picture as a standalone SVG document (text is escaped).

        Examples
        --------
        >>> import egomap as em
        >>> m = em.Person("R-1").new_map("Baseline")
        >>> _ = m.add_alter("Mum", ring=0, sector="household")
        >>> em.MapWidget(m).to_svg().startswith("<svg")
        True
        """
        return _render.to_svg(self.data, label_mode or self.label_mode)

    def save_svg(self, path: str | os.PathLike, label_mode: str | None = None) -> pathlib.Path:
        """Write :meth:`to_svg` to ``path`` (UTF-8, readable by its owner only) and return the path."""
        return _files.write_text(path, self.to_svg(label_mode))

    def save_png(self, path: str | os.PathLike, label_mode: str | None = None, *, dpi: int = 150) -> pathlib.Path:
        """Write the current picture as PNG (drawn with matplotlib, no browser; owner-only) and return the path."""
        out = _files.private_file(path)
        _render.save_png(self.data, out, label_mode or self.label_mode, dpi=dpi)
        return out


def side_by_side(maps: Iterable[Map], *, label_mode: str = "names", person_label: str | None = None) -> Any:
    """Several maps next to each other, read-only and of equal size, with one key below (e.g. baseline and follow-ups).

    Returns
    -------
    ipywidgets.GridBox
        One read-only :class:`MapWidget` per map, in equal columns that wrap on
        a narrow screen, then the key across the whole width.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> box = side_by_side(p.maps)
    >>> [w.read_only for w in box.children[:-1]], "Key" in box.children[-1].value
    ([True, True, True], True)
    """
    import ipywidgets

    from egomap.viz.change_view import legend

    children = [MapWidget(m, label_mode=label_mode, read_only=True, person_label=person_label) for m in maps]
    key = ipywidgets.HTML(legend(since=False), layout=ipywidgets.Layout(width="auto"))  # across all columns: map.css
    key.add_class("egomap-shared-key")
    columns = f"repeat({max(len(children), 1)}, minmax(300px, 1fr))"
    box = ipywidgets.GridBox([*children, key], layout=ipywidgets.Layout(grid_template_columns=columns, grid_gap="12px"))
    box.add_class("egomap-side-by-side")
    return box
