"""The co-drawing widget: draw and edit a concentric-circle map together.

:class:`MapWidget` is an anywidget. It holds only synced traits; the
front-end (``static/map.js``) draws the map from the ``data`` trait and, when
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

import logging
import os
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

import anywidget
import traitlets

from egomap import schemes as _schemes
from egomap.errors import EgomapError, NotFoundError, SaveError, ValidationError
from egomap.model import CONTACTS, KINDS, SUPPORT_TYPES, VALENCES, Map
from egomap.viz import style as _style
from egomap.widget import render as _render

__all__ = ["MapWidget", "snapshot", "initials", "side_by_side", "LABEL_MODES"]

_STATIC = pathlib.Path(__file__).parent / "static"
_log = logging.getLogger(__name__)

#: How alters are labelled: full labels, initials, or numbers only.
LABEL_MODES = ("names", "initials", "hidden")
# A drop is kept this far inside the disc so that a marker never sits on the
# person or off the edge (fractions of the outer radius).
_EDGE_MARGIN = 0.03
_EDITABLE = (
    "label",
    "kind",
    "relationship",
    "is_professional",
    "met_through",
    "support_received",
    "support_given",
    "valence",
    "contact",
    "note",
)


def initials(label: str) -> str:
    """Up to three initials of a label.

    Examples
    --------
    >>> initials("Dr Okafor"), initials("mum"), initials("Kickabout football project")
    ('DO', 'M', 'KFP')
    """
    words = [w for w in label.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return label[:2].upper()
    return "".join(w[0] for w in words[:3]).upper()


def snapshot(m: Map, person_label: str | None = None) -> dict[str, Any]:
    """Everything the front-end needs to draw ``m``, as plain JSON-able data.

    Ring bands and sector spans come from :mod:`egomap.schemes`, so the
    browser draws exactly the geometry that Python uses to locate a drop.

    Parameters
    ----------
    m : Map
        The map.
    person_label : str, optional
        Shown in the centre disc. Default: the person's display name, else
        their pseudonymous id.

    Examples
    --------
    >>> import egomap as em
    >>> m = em.Person("R-1").new_map("Baseline")
    >>> d = snapshot(m)
    >>> [(r["inner"], round(r["outer"], 4)) for r in d["rings"]][0]
    (0.15, 0.4333)
    >>> d["sectors"][0]["key"], d["sectors"][0]["start"], d["person_label"]
    ('household', 0.0, 'R-1')
    """
    rings, sectors = m.rings, m.sectors
    previous: dict[str, int] = {}
    if m.copied_from:
        try:
            prev = m.person.map(m.copied_from)
            previous = {aid: p.ring for aid, p in prev.placements.items()}
        except NotFoundError:
            previous = {}
    placements = m.placements
    alters = []
    for n, a in enumerate(m.alters, start=1):
        p = placements[a.id]
        alters.append(
            {
                "id": a.id,
                "n": n,
                "label": a.label,
                "initials": initials(a.label),
                "kind": a.kind,
                "relationship": a.relationship,
                "is_professional": a.is_professional,
                "met_through": a.met_through,
                "ring": p.ring,
                "sector": p.sector,
                "angle": p.angle,
                "radius": p.radius,
                "support_received": sorted(p.support_received),
                "support_given": sorted(p.support_given),
                "valence": p.valence or "",
                "contact": p.contact or "",
                "note": p.note,
                "reviewed": p.reviewed,
                "previous_ring": previous.get(a.id, -1),
            }
        )
    date = m.date.isoformat() if m.date else ""
    return {
        "map": {
            "id": m.id,
            "label": m.label,
            "person": m.person.id,
            "date": date,
            "copied_from": m.copied_from or "",
            "title": f"{m.label} ({date})" if date else m.label,
        },
        "person_label": (centre := person_label or m.person.display_name or m.person.id),
        "person_initials": initials(centre),
        "centre": _schemes.CENTRE_RADIUS,
        "rings": [
            {"index": i, "label": r.label, "prompt": r.prompt, "inner": lo, "outer": hi}
            for i, r in enumerate(rings.rings)
            for lo, hi in [rings.band(i)]
        ],
        "sectors": [
            {
                "key": s.key,
                "label": s.label,
                "prompt": s.prompt,
                "start": sectors.span(s.key)[0],
                "end": sectors.span(s.key)[1],
                "mid": sectors.mid(s.key),
            }
            for s in sectors.sectors
        ],
        "alters": alters,
        "ties": [[t.a, t.b] for t in m.ties],
        "options": {
            "kinds": list(KINDS),
            "valences": list(VALENCES),
            "contacts": list(CONTACTS),
            "support_types": list(SUPPORT_TYPES),
        },
        "style": _style.as_dict(),
    }


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
        if label_mode not in LABEL_MODES:
            raise ValidationError(
                f"unknown label_mode {label_mode!r}: expected one of {', '.join(LABEL_MODES)}",
                field="label_mode",
                value=label_mode,
            )
        self._map = m
        self._person_label = person_label
        super().__init__(
            data=snapshot(m, person_label),
            label_mode=label_mode,
            read_only=bool(read_only),
            can_undo=m.can_undo,
            can_redo=m.can_redo,
            **kwargs,
        )
        self.review_counts = self._review_counts()
        self.on_msg(self._on_msg)

    # ------------------------------------------------------------------ reading
    @property
    def map(self) -> Map:
        """The map this widget draws."""
        return self._map

    def __repr__(self) -> str:
        m = self._map
        return f"<MapWidget {m.label!r} of {m.person.id!r}: {len(m)} alters>"

    # ------------------------------------------------------------------ messages
    def _on_msg(self, _widget: object, content: object, _buffers: object = None) -> None:
        if isinstance(content, Mapping):
            self.handle(content)

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
        ``action``: ``keep``/``closer``/``further``/``remove``) and
        ``refresh``. A bad message or a failed save sets :attr:`status` to
        ``"error: ..."``; the map (and the snapshot sent back) then stays as
        the store holds it.
        """
        req = msg.get("req", 0)
        req = req if isinstance(req, int) and not isinstance(req, bool) else 0
        status = "saved"
        action = ""
        selected = self.selected
        reviewing = self.reviewing
        try:
            if self.read_only and msg.get("type") not in ("refresh",):
                raise ValidationError("this map is shown read-only", field="read_only")
            action, selected, reviewing = self._apply(msg, selected, reviewing)
        except SaveError as e:
            status = (
                f"error: not saved - {e}. The map shows what the store holds; "
                "check the store file, then press Try again to save this change."
            )
        except EgomapError as e:
            status = f"error: {e}"
        except Exception as e:  # a bug must never look like a save
            _log.exception("MapWidget could not apply %r", msg)
            status = f"error: {type(e).__name__}: {e}"
        m = self._map
        if selected and selected not in m.placements:
            selected = ""
        if reviewing and reviewing not in m.placements:
            reviewing = self._next_unreviewed()
        try:
            can_undo, can_redo = m.can_undo, m.can_redo
        except EgomapError:
            can_undo = can_redo = False
        # 1. the answer ("saved" or the error), small, as soon as the store has it
        with self.hold_sync():
            self.can_undo, self.can_redo = can_undo, can_redo
            self.last_action = action if status == "saved" else ""
            self.status = status
            self.ack = req
        # 2. the map as the store now holds it
        data = snapshot(m, self._person_label)
        data["ack"] = req
        with self.hold_sync():
            self.data = data
            self.selected = selected
            self.reviewing = reviewing

    def _name(self, aid: str) -> str:
        return self._map.alter(aid).label

    def _where(self, aid: str) -> str:
        m = self._map
        p = m.placement(aid)
        return f"{m.rings.rings[p.ring].label}, {m.sectors.label(p.sector)}"

    def _apply(self, msg: Mapping[str, Any], selected: str, reviewing: str) -> tuple[str, str, str]:
        m = self._map
        kind = msg.get("type")
        if kind == "move":
            aid = self._id(msg.get("id"))
            angle, radius = _number(msg.get("angle"), "angle"), _number(msg.get("radius"), "radius")
            lo = m.rings.band(0)[0] + _EDGE_MARGIN
            radius = min(max(radius, lo), 1.0 - _EDGE_MARGIN)
            m.move(aid, angle=angle, radius=radius)
            return f"Moved {self._name(aid)} to {self._where(aid)}", selected, reviewing
        if kind == "place":
            aid = self._id(msg.get("id"))
            m.move(aid, ring=msg.get("ring"), sector=msg.get("sector"))
            return f"Moved {self._name(aid)} to {self._where(aid)}", selected, reviewing
        if kind == "add":
            ring = msg.get("ring")
            sector = msg.get("sector") or None
            if msg.get("angle") is not None or msg.get("radius") is not None:
                a = m.add_alter(msg.get("label"), angle=msg.get("angle"), radius=msg.get("radius"))
            else:
                if ring is None:
                    ring = len(m.rings) - 1
                if sector is None:
                    sector = m.sectors.keys[0]
                a = m.add_alter(msg.get("label"), ring=ring, sector=sector)
            return f"Added {a.label} to {self._where(a.id)}", a.id, reviewing
        if kind == "update":
            aid = self._id(msg.get("id"))
            fields = msg.get("fields")
            if not isinstance(fields, Mapping) or not fields:
                raise ValidationError("update needs the fields to change", field="fields")
            unknown = sorted(set(fields) - set(_EDITABLE))
            if unknown:
                raise ValidationError(f"cannot edit {unknown[0]!r} here", field=unknown[0])
            m.update(aid, **dict(fields))
            return f"Saved details of {self._name(aid)}", selected, reviewing
        if kind == "remove":
            aid = self._id(msg.get("id"))
            name = self._name(aid)
            m.remove_alter(aid)
            return f"Removed {name} from the map", ("" if selected == aid else selected), reviewing
        if kind == "tie":
            a, b = self._id(msg.get("a")), self._id(msg.get("b"))
            now = m.toggle_tie(a, b)
            verb = "Linked" if now else "Unlinked"
            return f"{verb} {self._name(a)} and {self._name(b)}", selected, reviewing
        if kind in ("undo", "redo"):
            what = m.undo() if kind == "undo" else m.redo()
            if what is None:
                return f"Nothing to {kind}", selected, reviewing
            return f"{'Undid' if kind == 'undo' else 'Redid'}: {what}", selected, reviewing
        if kind == "review_start":
            if not m.copied_from:
                raise ValidationError("review is for a follow-up map (one copied from an earlier map)", field="review")
            nxt = self._next_unreviewed()
            self.review_counts = self._review_counts()
            if not nxt:
                return "Everyone on this map has been reviewed", selected, ""
            return f"Reviewing {self._name(nxt)}", nxt, nxt
        if kind == "review_stop":
            return "Review stopped", selected, ""
        if kind == "review":
            return self._review(msg)
        if kind == "refresh":
            m.refresh()
            return "", selected, reviewing
        raise ValidationError(f"unknown widget message type {kind!r}", field="type", value=kind)

    def _review(self, msg: Mapping[str, Any]) -> tuple[str, str, str]:
        m = self._map
        aid = self._id(msg.get("id"))
        action = msg.get("action")
        name = self._name(aid)
        if action == "keep":
            m.update(aid, reviewed=True)
            said = f"{name} stays where they are"
        elif action in ("closer", "further"):
            ring = m.placement(aid).ring + (-1 if action == "closer" else 1)
            if not 0 <= ring < len(m.rings):
                edge = "innermost" if action == "closer" else "outermost"
                raise ValidationError(f"{name} is already in the {edge} circle", field="ring", value=ring)
            m.update(aid, ring=ring, reviewed=True)
            said = f"{name} moved {action} ({self._where(aid)})"
        elif action == "remove":
            m.remove_alter(aid)
            said = f"{name} is no longer on the map"
        else:
            raise ValidationError(
                f"unknown review action {action!r}: expected keep, closer, further or remove", field="action"
            )
        counts = self.review_counts = self._review_counts()
        nxt = self._next_unreviewed()
        if not nxt:
            said += f". Review finished: {counts['kept']} kept, {counts['moved']} moved, {counts['removed']} removed"
        return said, nxt, nxt

    def _review_counts(self) -> dict[str, int]:
        """Kept, moved and removed alters of a follow-up map, as the store records them.

        Compared with the map it was copied from: *kept* = reviewed and in the
        same ring and sector (or new since then), *moved* = reviewed and in
        another ring or sector, *removed* = on the earlier map but not on this one.
        """
        m = self._map
        prev: dict[str, Any] = {}
        if m.copied_from:
            try:
                prev = m.person.map(m.copied_from).placements
            except NotFoundError:
                prev = {}
        kept = moved = 0
        for aid, p in m.placements.items():
            if not p.reviewed:
                continue
            before = prev.get(aid)
            if before is not None and (before.ring, before.sector) != (p.ring, p.sector):
                moved += 1
            else:
                kept += 1
        return {"kept": kept, "moved": moved, "removed": len(set(prev) - set(m.placements))}

    def _next_unreviewed(self) -> str:
        for aid, p in self._map.placements.items():
            if not p.reviewed:
                return aid
        return ""

    def _id(self, ref: object) -> str:
        if not isinstance(ref, str) or ref not in self._map.placements:
            raise NotFoundError(f"no alter with id {ref!r} on map {self._map.label!r}")
        return ref

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
        """Write :meth:`to_svg` to ``path`` (UTF-8) and return the path."""
        out = pathlib.Path(path)
        out.write_text(self.to_svg(label_mode), encoding="utf-8")
        return out

    def save_png(self, path: str | os.PathLike, label_mode: str | None = None, *, dpi: int = 150) -> pathlib.Path:
        """Write the current picture as PNG (drawn with matplotlib, no browser) and return the path."""
        out = pathlib.Path(path)
        _render.save_png(self.data, out, label_mode or self.label_mode, dpi=dpi)
        return out


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{field} must be a number, got {value!r}", field=field, value=value)
    return float(value)


def side_by_side(maps: Iterable[Map], *, label_mode: str = "names", person_label: str | None = None) -> Any:
    """Several maps next to each other, read-only (e.g. baseline and follow-ups).

    Returns
    -------
    ipywidgets.HBox
        Holding one read-only :class:`MapWidget` per map.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> box = side_by_side(p.maps)
    >>> [w.read_only for w in box.children]
    [True, True, True]
    """
    import ipywidgets

    children = [MapWidget(m, label_mode=label_mode, read_only=True, person_label=person_label) for m in maps]
    box = ipywidgets.HBox(children, layout=ipywidgets.Layout(flex_flow="row wrap", grid_gap="12px"))
    box.add_class("egomap-side-by-side")
    return box
