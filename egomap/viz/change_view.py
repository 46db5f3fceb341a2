"""The change view's words and page: the list of people, the hover text, the key and the page around the map.

:func:`egomap.viz.change_network` draws the map (vis-network, in
:mod:`egomap.viz.pyvis_view`); this module says the same in words, so that
nothing is only in the picture or only under the mouse:

* :func:`person_row` - one person at one time point: who, what changed (new,
  gone, moved one circle closer, into which circle), where, how it feels
  and the other details; the page shows these rows as a table a keyboard
  and a screen reader can go through;
* :func:`hover_text` - the same as plain text, for the hover;
* :func:`tie_title` - the hover text of a tie: its types, if it has any;
* :func:`page` - the page: time-point tabs (the tab pattern: one tab stop,
  the arrow keys move focus and the time point; ◀/▶ outside the tab list),
  the map, the key, the summary line and the list of people.

Every user string travels as JSON and reaches the page through
``textContent``; only fixed words of this module are written as HTML, escaped.

Examples
--------
>>> import egomap as em
>>> from egomap.viz._layout import frames
>>> p = em.demo.demo_case()
>>> fr = frames(p.maps)[1]
>>> marcus = next(it for it in fr.items if it.alter.label == "Marcus")
>>> row = person_row(marcus, fr.map, "names")
>>> row[:4]
['Marcus (friend)', 'New', 'Middle circle, Friends', 'supportive']
>>> print(hover_text(row, "Since Baseline"))
Marcus (friend)
Since Baseline: new
Middle circle, Friends
How it feels: supportive
Support they give the person: companionship, emotional, practical
Support the person gives them: companionship, practical
Contact: weekly
Met through: Kickabout community football project
Note: Helped Jamie move into his flat.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from typing import Any

from egomap import fields as _fields
from egomap.change.words import ring_label, sector_label, shift_words
from egomap.errors import EgomapError
from egomap.model import Map
from egomap.viz import style as _style
from egomap.viz._layout import Frame, Item
from egomap.viz.marks import capital_line, resources_line

__all__ = ["COLUMNS", "person_row", "hover_text", "tie_title", "row_order", "legend", "mark_legend", "page"]

#: Column headings of the list of people (the second is replaced per view by what the marks compare).
COLUMNS = ("Who", "What changed", "Where", _fields.field("placement", "valence").label, "More")

#: Placement attributes shown one line each under "More" (valence has its own column; social capital
#: is said by :func:`egomap.viz.marks.capital_line`, with where it comes from).
_MORE_FIELDS = tuple(f for f in _fields.compared() if f.name not in ("valence", "capital"))


def _plain(value: Any) -> str:
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(value))
    return str(value)


def _change(item: Item, m: Map) -> str:
    """What changed, in words (lower case; empty when there is nothing to compare with)."""
    parts = {"gained": ["new"], "lost": ["gone"]}.get(item.status, [])
    if item.shift:
        moved = f"moved {shift_words(item.shift)}, into {ring_label(m, item.placement.ring)}"
        parts.append(("had " + moved) if item.status == "lost" else moved)
    prev = item.previous
    if prev is not None and prev.sector != item.placement.sector:
        parts.append(f"moved from {sector_label(m, prev.sector)} to {sector_label(m, item.placement.sector)}")
    if not parts and item.status == "retained":
        parts.append("still there, same circle")
    return "; ".join(parts)


def person_row(item: Item, m: Map, mode: str, maps: Sequence[Map] | None = None, mark: Sequence[str] = ()) -> list:
    """One person at one time point in words: ``[who, changed, where, feels, more]``.

    ``more`` is a list of lines (contact, support, known for, social capital
    if the person's own view was recorded, met through; on the combined view
    of ``maps`` the circle on each map; in ``"names"`` mode the note). With
    ``mark`` (see :mod:`egomap.viz.marks`) it also says what the marks show:
    the social capital (also by egomap's default rule, and which it is) and
    the resource items they could help with. With ``label_mode`` ``"initials"`` or ``"hidden"`` the
    name is shortened or left out, and so is every other free text that can
    identify someone (:func:`egomap.fields.identifying`: relationship, met
    through, note).

    Parameters
    ----------
    item : Item
        The person as drawn in one frame of the view.
    m : Map
        The map whose circles and sectors the frame draws.
    mode : {"names", "initials", "hidden"}
    maps : list of Map, optional
        All maps, for the combined view.
    mark : tuple of str
        The marks the picture shows (:func:`egomap.viz.marks.check_marks`).

    Examples
    --------
    >>> import egomap as em
    >>> from egomap.viz._layout import frames
    >>> fr = frames(em.demo.demo_case().maps)[2]
    >>> josh = next(it for it in fr.items if it.alter.label == "Josh")
    >>> person_row(josh, fr.map, "initials")[:3]
    ['J', 'Moved one circle closer, into Middle circle; moved from Clubs and groups to Friends', 'Middle circle, Friends']
    """
    a, p = item.alter, item.placement
    name = _style.display_label(a.label, mode) if mode != "hidden" else ""
    who = name or _style.MARKERS[_style.marker_key(a.kind)]["label"]
    if mode == "names" and a.relationship:
        who += f" ({a.relationship})"
    change = _change(item, m)
    if not change:
        change = "on the first map" if maps is None else "on every map"
    where = f"{ring_label(m, p.ring)}, {sector_label(m, p.sector)}"
    if item.status == "lost":
        where = "was in " + where
    more = [f"{f.label}: {_plain(getattr(p, f.name))}" for f in _MORE_FIELDS if getattr(p, f.name)]
    if item.source is not None:
        more += [line for line in (capital_line(item, "capital" in mark),) if line]
        if "resources" in mark:
            more += [line for line in (resources_line(item),) if line]
    elif p.capital:
        more.append(f"Social capital: {p.capital}")
    if mode == "names" and a.met_through:
        more.append(f"Met through: {a.met_through}")
    if maps is not None and item.history:
        seen = [f"{mm.label}: {ring_label(mm, h.ring) if h else 'not on the map'}" for mm, h in zip(maps, item.history)]
        more.append("; ".join(seen))
    if mode == "names" and p.note:
        more.append(f"Note: {p.note}")
    return [who, change[0].upper() + change[1:], where[0].upper() + where[1:], p.valence or "not recorded", more]


def tie_title(frame: Frame, a: str, b: str, status: str) -> str:
    """The hover text of a tie of ``frame`` (``status`` as in ``frame.ties``): ``"Tie types: ..."``, or ``""``.

    A dissolved tie's types are those it had on the previous map.

    Examples
    --------
    >>> import egomap as em
    >>> from egomap.viz._layout import frames
    >>> m = em.Person("R-TT").new_map("Baseline")
    >>> _ = m.add_alter("Mum", ring=0, sector="household"), m.add_alter("Gran", ring=1, sector="family")
    >>> t = m.add_tie("Mum", "Gran", types={"DrugTie", "Close"})
    >>> tie_title(frames([m])[0], t.a, t.b, "present")
    'Tie types: Close, DrugTie'
    """
    m = frame.map
    if status == "dissolved":
        m = next((x for x in m.person.maps if x.label == frame.previous), m)
    try:
        types = m.tie_types(a, b)
    except EgomapError:  # not both on that map
        return ""
    return f"Tie types: {', '.join(sorted(types))}" if types else ""


def hover_text(row: list, since: str | None) -> str:
    """The hover text of a :func:`person_row`: one line each, plain text.

    ``since`` says what the change is measured against ("Since Baseline");
    with ``None`` (the first map) no change line is shown.

    Examples
    --------
    >>> print(hover_text(["Mum (mother)", "Gone", "Was in Inner circle, Family", "supportive", []], "Since Baseline"))
    Mum (mother)
    Since Baseline: gone
    Was in Inner circle, Family
    How it feels: supportive
    """
    who, change, where, feels, more = row
    lines = [who]
    if since is not None:
        lines.append(f"{since}: {change[0].lower()}{change[1:]}")
    lines += [where, f"{COLUMNS[3]}: {feels}", *more]
    return "\n".join(lines)


def row_order(items: Sequence[Item]) -> list[int]:
    """The order of the list: new, moved, gone, then everyone else; inner circle first within each.

    Examples
    --------
    >>> import egomap as em
    >>> from egomap.viz._layout import frames
    >>> fr = frames(em.demo.demo_case().maps)[2]
    >>> [fr.items[i].alter.label for i in row_order(fr.items)][:6]
    ['Sue', 'Dr Lewis', 'Ben', 'Nadia', 'Marcus', 'Josh']
    """

    def rank(i: int) -> tuple[int, int, int]:
        it = items[i]
        moved = bool(it.shift) or (it.previous is not None and it.previous.sector != it.placement.sector)
        group = 0 if it.status == "gained" else 2 if it.status == "lost" else 1 if moved else 3
        return group, it.placement.ring, i

    return sorted(range(len(items)), key=rank)


# --------------------------------------------------------------------------- page

_CSS = """
html,body{margin:0;padding:0;background:#fff;color:#222;font-family:DejaVu Sans,Arial,sans-serif;font-size:14px}
.em-head{display:flex;flex-wrap:wrap;align-items:center;gap:8px;padding:8px 10px 4px 10px}
.em-head h1{font-size:16px;margin:0 12px 0 0;font-weight:600}
.em-steps,#em-tabs{display:flex;flex-wrap:wrap;gap:4px;align-items:center}
.em-steps button{font:inherit;padding:4px 10px;border:1px solid #6B7785;background:#f6f6f6;color:#1F2933;
 border-radius:4px;cursor:pointer}
.em-steps button[aria-selected=true]{background:#0072B2;color:#fff;border-color:#0072B2;font-weight:600}
button:focus-visible{outline:3px solid #1F2933;outline-offset:2px}
#em-panel:focus-visible{outline:3px solid #1F2933;outline-offset:-3px}
.em-main{display:flex;flex-wrap:nowrap}
#em-net{flex:1 1 auto;height:%(height)dpx;min-width:300px;border-top:1px solid #e5e5e5}
.em-legend{flex:0 0 235px;padding:8px 10px;font-size:12px;border-top:1px solid #e5e5e5;border-left:1px solid #e5e5e5}
.em-legend h2{font-size:12px;margin:8px 0 2px 0;font-weight:600}
.em-legend div{display:flex;align-items:center;gap:6px;margin:2px 0}
.em-legend svg{flex:none}
#em-caption{margin:4px 10px 6px 10px;font-size:13px;color:#3E4C59;min-height:1.2em}
.em-people{margin:0 10px 10px 10px}
.em-people h2{font-size:15px;margin:10px 0 2px 0;font-weight:600}
.em-hint{margin:0 0 6px 0;font-size:12px;color:#52606D}
.em-list{max-height:%(list)dpx;overflow:auto;border:1px solid #e5e5e5}
.em-list table{border-collapse:collapse;width:100%%;font-size:13px}
.em-list th,.em-list td{text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid #eee}
.em-list thead th{position:sticky;top:0;background:#F0F4F8;font-weight:600}
.em-list td.em-more{white-space:pre-line;color:#3E4C59}
.em-list tr.em-current{background:#FFF3C4}
.em-list button{font:inherit;font-weight:600;text-align:left;padding:1px 3px;border:0;background:none;color:#1F2933;
 cursor:pointer}
div.vis-tooltip{position:absolute;visibility:hidden;padding:6px 8px;white-space:pre-line;max-width:320px;
 font-family:inherit;font-size:12px;color:#000;background:#fffbe6;border:1px solid #999;border-radius:3px;
 box-shadow:2px 2px 6px rgba(0,0,0,.2);pointer-events:none;z-index:5}
"""

#: Height of the list of people (pixels) before it scrolls.
LIST_HEIGHT = 380


def _swatch_line(color: str, dash: list, width: float = 2.5, opacity: float = 1.0) -> str:
    d = f' stroke-dasharray="{" ".join(str(x) for x in _style.dash_pattern(dash, width))}"' if dash else ""
    return (
        f'<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" '
        f'stroke="{color}" stroke-opacity="{opacity}" stroke-width="{width}"{d}/></svg>'
    )


def _shape(kind: str, cx: float, cy: float, r: float, attrs: str) -> str:
    pts = _style.marker_points(kind, r)
    if not pts:
        return f'<circle cx="{cx}" cy="{cy}" r="{r:.2f}" {attrs}/>'
    return f'<polygon points="{" ".join(f"{cx + x:.2f},{cy + y:.2f}" for x, y in pts)}" {attrs}/>'


def _swatch(entry: dict[str, Any], status: str = "retained") -> str:
    """A key entry drawn as in the view: line to the person, double outline, marker, glyph."""
    if entry.get("tie"):
        return _swatch_line(_style.TIE["color"], [], 2.5, 0.8)
    v = _style.VALENCE[entry["valence"] or "unknown"]
    st = _style.STATUS[status]
    r, cx, cy, ow = 6.0, 23.0, 10.0, 1.3 * st["width"]
    parts = ["<svg width='34' height='20' aria-hidden='true'>"]
    if entry.get("spoke"):
        d = _style.dash_pattern(v["dash"], 2)
        dash = f' stroke-dasharray="{" ".join(str(x) for x in d)}"' if d else ""
        parts.append(f'<line x1="0" y1="{cy}" x2="{cx}" y2="{cy}" stroke="{v["line"]}" stroke-width="2"{dash}/>')
    if entry.get("professional"):
        attrs = f'fill="#FFFFFF" stroke="{_style.PROFESSIONAL["color"]}" stroke-width="1"'
        parts.append(_shape(entry["kind"], cx, cy, r * _style.PROFESSIONAL["scale"], attrs))
    pattern = st["dash"] or (v["dash"] if entry["valence"] else [])
    d = _style.dash_pattern(pattern, ow)
    dash = f' stroke-dasharray="{" ".join(str(x) for x in d)}"' if d else ""
    fill = v["color"] if entry["valence"] else "#FFFFFF"
    attrs = f'fill="{fill}" fill-opacity="{st["opacity"]}" stroke="{st["color"]}" stroke-width="{ow}"{dash}'
    parts.append(_shape(entry["kind"], cx, cy, r, attrs))
    if entry["valence"] and v["glyph"]:
        parts.append(
            f'<text x="{cx}" y="{cy + 3.5}" text-anchor="middle" font-size="10" font-weight="700" '
            f'fill="{v["text"]}">{html.escape(v["glyph"])}</text>'
        )
    if st["badge"]:
        b = _style.BADGE
        bx, by, br = cx + b["offset"][0] * r, cy + b["offset"][1] * r, b["size"] * r
        pts = " ".join(f"{bx + x * br:.2f},{by + y * br:.2f}" for x, y in b["points"])
        parts.append(f'<polygon points="{pts}" fill="{b["color"]}" stroke="{b["edge"]}" stroke-width="0.8"/>')
    parts.append("</svg>")
    return "".join(parts)


def _tag_swatch(fill: str, edge: str, colour: str, text: str, scale: float) -> str:
    """A capital tag or a resource-count disc, as on the map."""
    return (
        "<svg width='34' height='20' aria-hidden='true'>"
        f'<circle cx="23" cy="10" r="7" fill="{fill}" stroke="{edge}" stroke-width="1.2"/>'
        f'<text x="23" y="10" dy="0.35em" text-anchor="middle" font-size="{9 * scale:.1f}" font-weight="700" '
        f'fill="{colour}">{html.escape(text)}</text></svg>'
    )


def mark_legend(mark: Sequence[str]) -> str:
    """The key's part for the capital tags and the resource counts (style data only).

    Examples
    --------
    >>> "Bridging" in mark_legend(("capital",)), "Bridging" in mark_legend(("resources",))
    (True, False)
    """
    esc = html.escape
    parts = []
    if "capital" in mark:
        parts.append("<h2>Social capital (tag at the lower right)</h2>")
        tag = _style.CAPITAL_TAG
        for k in _style.CAPITAL_ORDER:
            c = _style.CAPITAL[k]
            swatch = _tag_swatch(c["color"], tag["edge"], c["text"], c["symbol"], c["scale"])
            parts.append(f"<div>{swatch}<span>{esc(c['label'])} <small>({esc(c['examples'])})</small></span></div>")
    if "resources" in mark:
        parts.append("<h2>Resources (disc at the upper left)</h2>")
        c = _style.COUNT
        parts.append(f"<div>{_tag_swatch(c['color'], c['edge'], c['text'], '3', 1.0)}{esc(c['label'])}</div>")
    return "".join(parts)


@functools.lru_cache(maxsize=8)
def legend(since: bool = True, mark: tuple[str, ...] = ()) -> str:
    """The key (style data only, no user text), shared with the widget and the figures.

    The still there / new / gone entries are plain white markers, so that
    they carry no valence glyph (``+`` means supportive). ``since=False``
    leaves out what changed since the previous map (for maps shown side by side).
    ``mark`` adds the capital tags and resource counts (:func:`mark_legend`).

    Examples
    --------
    >>> key = legend()
    >>> "Still there" in key and key.count(">+</text>") == 1  # only the "Supportive" entry
    True
    >>> "Still there" in legend(since=False)
    False
    """
    esc = html.escape
    parts = ["<h2>Key</h2>"]
    for e in _style.KEY:
        parts.append(f"<div>{_swatch(e)}{esc(e['label'])}</div>")
    if not since:
        return "".join(parts) + mark_legend(mark)
    parts.append("<h2 id='em-since'>Since the previous map</h2>")
    plain = {"kind": "person", "valence": None, "professional": False}
    for k in ("retained", "gained", "lost"):
        parts.append(f"<div>{_swatch(plain, k)}{esc(_style.STATUS[k]['label'])}</div>")
    for k in ("inward", "outward"):
        mv = _style.MOVED[k]
        parts.append(
            f"<div><span style='width:34px;text-align:center' aria-hidden='true'>{mv['symbol']}</span>"
            f"{esc(mv['label'])} ({mv['symbol']})</div>"
        )
    parts.append("<h2>Ties between alters</h2>")
    parts.append(f"<div>{_swatch_line(_style.STATUS['gained']['color'], [])}New tie</div>")
    parts.append(f"<div>{_swatch_line(_style.STATUS['lost']['color'], [2, 2])}Tie gone</div>")
    return "".join(parts) + mark_legend(mark)


def page(title: str, data_json: str, scripts: Sequence[str], height: int, mark: tuple[str, ...] = ()) -> str:
    """The change view's page: heading, time-point tabs, map, key, summary, list of people, then ``scripts``.

    ``title`` is escaped here; ``data_json`` must already be safe inside a
    ``<script>`` element, as must each of ``scripts`` (the library, then the
    page script).
    """
    esc = html.escape
    head = "".join(f"<th scope='col'>{esc(c)}</th>" for c in COLUMNS)
    cols = "".join(f"<col style='width:{w}%'>" for w in (16, 20, 17, 9, 38))
    lib, own = scripts
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS % {'height': height, 'list': LIST_HEIGHT}}</style>"
        f"<script>{lib}</script></head><body>"
        f'<div class="em-head"><h1 id="em-heading">{esc(title)}</h1><div class="em-steps">'
        '<button type="button" id="em-prev" aria-label="Previous time point" aria-controls="em-panel">\u25c0</button>'
        '<div id="em-tabs" role="tablist" aria-label="Time points"></div>'
        '<button type="button" id="em-next" aria-label="Next time point" aria-controls="em-panel">\u25b6</button>'
        "</div></div>"
        '<div id="em-panel" role="tabpanel">'
        '<div class="em-main"><div id="em-net" role="img" aria-label="Network map (the list of people below '
        f'says the same in words)"></div><div class="em-legend">{legend(True, mark)}</div></div>'
        '<p id="em-caption" aria-live="polite"></p>'
        '<section class="em-people" aria-labelledby="em-people-h"><h2 id="em-people-h">People</h2>'
        '<p class="em-hint" id="em-hint">Tab to the list, then \u2191 and \u2193 go from person to person; '
        "the person is ringed on the map. \u2190 and \u2192 on the time points change the time point.</p>"
        '<div class="em-list" id="em-list"><table id="em-people" aria-labelledby="em-people-h" '
        f'aria-describedby="em-hint"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody></tbody></table>'
        "</div></section></div>"
        f'<script type="application/json" id="em-data">{data_json}</script>'
        f"<script>\n{own}</script></body></html>\n"
    )
