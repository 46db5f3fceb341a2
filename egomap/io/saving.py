"""Saving imported persons: new persons whole, later waves as new maps of persons already in the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from egomap.errors import DuplicateError
from egomap.io._common import Row
from egomap.model import Person

if TYPE_CHECKING:  # pragma: no cover
    from egomap.store import Store

__all__ = ["map_content", "save_persons"]


def map_content(m: Any) -> tuple:
    """What a map holds, by labels rather than ids (a repeated interview has the same content).

    Label, date, notes, schemes (the resource scheme in full), each alter's attributes and placement, the ties by
    alter labels (with their types), and who could help with each item asked, by alter labels.
    """
    st = m.state()
    labels = {aid: a.label for aid, a in st.alters.items()}

    def plain(d: dict, key: str) -> tuple:
        return tuple(sorted((k, repr(v)) for k, v in d.items() if k != key))

    alters = sorted(
        (plain(a.to_dict(), "id"), plain(st.placements[aid].to_dict(), "alter_id")) for aid, a in st.alters.items()
    )
    ties = sorted((*sorted((labels[t.a], labels[t.b])), tuple(sorted(v or ()))) for t, v in st.ties.items())
    resources = sorted((k, tuple(sorted(labels[a] for a in v))) for k, v in st.resources.items())
    scheme = m.resource_scheme
    return (
        m.label,
        m.date,
        m.notes,
        m.rings.name,
        m.sectors.name,
        tuple(alters),
        tuple(ties),
        scheme,
        tuple(resources),
    )


def save_persons(
    store: Store,
    built: list[tuple[Person, Row]],
    column: str,
    report: Any = None,
    map_rows: dict[str, Row] | None = None,
) -> list[Person]:
    """Save in-memory persons in one transaction (all or nothing); a clash names the row that made it.

    A person already in the store gets the new maps added (a later wave). A map
    already there (same id, or same label and content) is a repeated interview:
    skipped, with a note in ``report`` (an :class:`~egomap.io.report.ImportReport`);
    the same map id or label with other content is refused. ``map_rows`` gives the
    row that made each map (by map id), for messages.
    """
    rows = map_rows or {}
    out = []
    skipped: set[str] = set()
    with store.batch():
        present = set(store.person_ids())
        for p, row in built:
            if p.id not in present:
                try:
                    out.append(store.import_person(p))
                except DuplicateError as e:
                    raise row.error(f"{e}; nothing was imported", column) from e
                if report is not None:
                    report.count(rows.get(p.maps[0].id, row).path if p.maps else row.path, persons=1)
                continue
            stored = store.person(p.id)
            by_id = {m.id: m for m in stored.maps}
            by_label = {m.label: m for m in stored.maps}
            new = []
            for m in p.maps:
                r = rows.get(m.id, row)
                old = by_id.get(m.id) or by_label.get(m.label)
                if old is None:
                    new.append(m)
                    continue
                same = map_content(old) == map_content(m)
                how = f"map id {m.id!r}" if old.id == m.id else f"label {m.label!r}"
                if not same:
                    raise r.error(
                        f"person {p.id!r} already has a map with {how} in the store, with other content; "
                        "nothing was imported (remove that map first if this file is the right one)",
                        column,
                    )
                skipped.add(m.id)
                if report is not None:
                    report.note("skipped", f"repeats map {m.label!r} of person {p.id!r} already in the store", r.path,
                                r.number)  # fmt: skip
            try:
                store.import_maps(p.id, new)
            except DuplicateError as e:
                raise row.error(f"{e}; nothing was imported", column) from e
            if new:
                out.append(store.person(p.id))
                if report is not None:
                    report.count(rows.get(new[0].id, row).path, persons=1)
    if report is not None:
        report.settle(skipped)
    return out
