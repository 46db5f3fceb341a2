"""Confirm, reject or correct linking proposals side by side, in a notebook.

:func:`review` shows the proposals of :func:`egomap.link_alters` for two maps
of one person as a list a practitioner or researcher works through with the
mouse or the keyboard alone (each proposal is a group of three choices:
*Same person*, *Different people*, *Not sure yet*; Tab moves between groups,
the arrow keys between choices). Anyone on the earlier map without a proposal
is listed too, and any row's partner can be corrected from a list of the
people on the later map. *Link the confirmed* merges the confirmed pairs
(:func:`egomap.linking.accept`), each one undoable edit on the later map.

Examples
--------
>>> import egomap as em
>>> from egomap.review import review
>>> p = em.Person("NC-9")
>>> t1, t2 = p.new_map("Interview 1"), p.new_map("Interview 2")
>>> _ = t1.add_alter("Maya", ring=1, sector="friends")
>>> _ = t1.add_alter("Lou", ring=2, sector="family")
>>> _ = t2.add_alter("maya", ring=0, sector="friends")
>>> _ = t2.add_alter("Rae", ring=1, sector="friends")
>>> w = review(t1, t2)
>>> [(r["earlier_label"], r["later_label"], r["decision"]) for r in w.rows]
[('Maya', 'maya', 'unsure'), ('Lou', None, 'unsure')]
>>> w.handle({"type": "decide", "row": 0, "decision": "same"})
>>> w.handle({"type": "apply"})
>>> w.status
'Linked 1 person: Maya. Undo on the later map separates the last one again.'
>>> [a.label for a in em.compare(t1, t2).retained]
['Maya']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from egomap.errors import EgomapError
from egomap.linking import LinkProposal, accept, link_alters, name_similarity
from egomap.model import Map

__all__ = ["LinkReview", "review", "DECISIONS"]

#: The choices for each row, in the order shown.
DECISIONS = {"same": "Same person", "different": "Different people", "unsure": "Not sure yet"}

_HERE = Path(__file__).resolve().parent


class LinkReview(anywidget.AnyWidget):
    """The review list (use :func:`review` to make one).

    Traits: ``rows`` (one dict per earlier alter not yet on the later map:
    ``earlier_id``, ``earlier_label``, ``later_id``, ``later_label``,
    ``score``, ``reasons``, ``decision``, ``linked``), ``partners`` (the later
    map's people who could be the partner, ``{"id", "label"}``), ``titles``
    (the two maps' labels), ``status`` (the last outcome, in words) and
    ``error`` (whether it was a refusal).
    """

    _esm = _HERE / "review.js"
    _css = _HERE / "review.css"
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    partners = traitlets.List(traitlets.Dict()).tag(sync=True)
    titles = traitlets.List(traitlets.Unicode()).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Bool(False).tag(sync=True)

    def __init__(self, earlier: Map, later: Map, *, min_score: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._earlier, self._later = earlier, later
        proposals = {p.earlier_id: p for p in link_alters(earlier, later, min_score=min_score)}
        rows = []
        for a in earlier.alters:
            if a.id in later.placements:
                continue
            p = proposals.get(a.id)
            rows.append(
                {
                    "earlier_id": a.id,
                    "earlier_label": a.label,
                    "later_id": p.later_id if p else None,
                    "later_label": p.later_label if p else None,
                    "score": p.score if p else None,
                    "reasons": list(p.reasons) if p else [],
                    "decision": "unsure",
                    "linked": False,
                }
            )
        rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["earlier_label"].casefold()))
        self.rows = rows
        self.titles = [earlier.label, later.label]
        self._set_partners()
        self.on_msg(self._on_msg)

    def _set_partners(self) -> None:
        self.partners = [
            {"id": a.id, "label": a.label} for a in self._later.alters if a.id not in self._earlier.placements
        ]

    def _on_msg(self, _widget: object, content: object, _buffers: object = None) -> None:
        self.handle(content)

    def handle(self, msg: object) -> None:
        """Apply one message from the page: ``decide``, ``partner`` or ``apply``."""
        if not isinstance(msg, dict):
            return
        kind = msg.get("type")
        if kind == "apply":
            self._apply()
            return
        row = msg.get("row")
        if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row < len(self.rows):
            return
        rows = [dict(r) for r in self.rows]
        r = rows[row]
        if r["linked"]:
            return
        if kind == "decide" and msg.get("decision") in DECISIONS:
            r["decision"] = msg["decision"]
        elif kind == "partner":
            partner = next((x for x in self.partners if x["id"] == msg.get("later_id")), None)
            if partner is None:
                r.update(later_id=None, later_label=None, score=None, reasons=[], decision="unsure")
            else:
                _, reason = name_similarity(r["earlier_label"], partner["label"])
                r.update(later_id=partner["id"], later_label=partner["label"], score=None, decision="same")
                r["reasons"] = ["chosen by hand"] + ([reason] if reason else [])
        else:
            return
        self.rows = rows

    def _apply(self) -> None:
        rows = [dict(r) for r in self.rows]
        chosen = [r for r in rows if r["decision"] == "same" and r["later_id"] and not r["linked"]]
        if not chosen:
            self.error, self.status = False, "Nothing to link: no pair is marked Same person."
            return
        seen: dict[str, str] = {}
        for r in chosen:
            if r["later_id"] in seen:
                self.error = True
                self.status = (
                    f"Nothing was linked: {r['later_label']} is chosen for both {seen[r['later_id']]} and "
                    f"{r['earlier_label']}. Choose one."
                )
                return
            seen[r["later_id"]] = r["earlier_label"]
        proposals = [
            LinkProposal(r["earlier_id"], r["later_id"], r["earlier_label"], r["later_label"], r["score"] or 0.0, ())
            for r in chosen
        ]
        try:
            accept(self._later, proposals)
        except EgomapError as e:
            self.error, self.status = True, f"Nothing was linked: {e}"
            return
        for r in chosen:
            r["linked"] = True
        self.rows = rows
        self._set_partners()
        names = ", ".join(r["earlier_label"] for r in chosen)
        people = "person" if len(chosen) == 1 else "people"
        self.error = False
        self.status = f"Linked {len(chosen)} {people}: {names}. Undo on the later map separates the last one again."


def review(earlier: Map, later: Map, *, min_score: float = 0.5) -> LinkReview:
    """A list to confirm, reject or correct which alters of ``earlier`` are the same people on ``later``.

    Parameters
    ----------
    earlier, later : Map
        Two maps of the same person.
    min_score : float, default 0.5
        Proposals scoring below this are not made (the person can still choose a partner by hand).

    Returns
    -------
    LinkReview
        Display it in a notebook cell.

    Raises
    ------
    ValidationError
        As :func:`egomap.link_alters`.
    """
    return LinkReview(earlier, later, min_score=min_score)
