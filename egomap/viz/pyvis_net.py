"""A map as a pyvis ``Network`` you can customise, and a safe, offline way to show any pyvis network.

:func:`~egomap.viz.change_network` is the ready-made change view. For anyone
who wants a :class:`pyvis.network.Network` object to restyle or extend,
:func:`to_pyvis` builds one for one time point, and :func:`pyvis_html`
shows a pyvis network inline in JupyterLab, Voilà and untrusted notebooks.

pyvis 0.3.2 needs some care, and both functions take it:

* alters sit at fixed positions on their rings and sectors (the layout of
  the change view) with physics off, so the picture is the same every time;
* the network is built with ``cdn_resources="in_line"``; :func:`pyvis_html`
  also removes the Bootstrap links that pyvis's page template always adds,
  and adds a content security policy, so nothing is fetched from the internet;
* pyvis writes ``heading`` into the page as HTML: :func:`to_pyvis` escapes it;
* pyvis shows hover titles that contain ``href`` with ``innerHTML``:
  titles are plain text, and any ``href`` in them is broken up with an
  invisible zero-width space so that pyvis keeps vis-network's plain-text
  tooltip; labels are drawn on the canvas and node data travel as JSON
  escaped by Jinja's ``tojson``, so they stay text too;
* no networkx graph is handed to pyvis's ``from_nx`` (which changes the
  graph it is given), ``show()`` is never called and no file is written.

Examples
--------
>>> import egomap as em
>>> p = em.demo.demo_case()
>>> net = em.viz.to_pyvis(p, time_point="6 months", label_mode="initials")
>>> type(net).__name__, net.options.physics.enabled
('Network', False)
>>> out = em.viz.pyvis_html(net)
>>> "<iframe srcdoc=" in out._repr_html_(), "cdn.jsdelivr.net" in out.html
(True, False)
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from egomap import schemes as _schemes
from egomap.errors import ValidationError
from egomap.geometry import polar_to_xy, text_width, wrap
from egomap.model import Map, Person, map_index
from egomap.viz import style as _style
from egomap.viz._layout import Item, frames, resolve_maps
from egomap.viz.change_view import hover_text, person_row, tie_title
from egomap.viz.pyvis_view import SCALE, InlinePage

if TYPE_CHECKING:  # pragma: no cover
    from pyvis.network import Network

__all__ = ["PyvisHTML", "to_pyvis", "pyvis_html", "plain_title"]

_ZWSP = "\u200b"
_NEW = "\u2605"  # the star that marks new alters in the change view
_FONT = _style.FONT["family"]
# what an offline page may use: inline scripts and styles, data: images and fonts; nothing else
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)
# pyvis's template: tags that load from a CDN (Bootstrap; vis-network with cdn_resources="remote")
_REMOTE_TAGS = (
    re.compile(r"<link\b[^<>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^<>]*>", re.I),
    re.compile(r"<script\b[^<>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//[^<>]*>\s*</script\s*>", re.I),
)
_NODE_MODULES_COMMENT = re.compile(r"<!--\s*<link rel=\"stylesheet\" href=\"\.\./node_modules.*?-->", re.S)
_REMOTE_LOAD = re.compile(
    r"(?:\b(?:src|href|srcset|action|poster|data)\s*=\s*[\"']?\s*(?:https?:)?//)|(?:@import\s+[\"']?(?:https?:)?//)"
    r"|(?:url\(\s*[\"']?\s*(?:https?:)?//)",
    re.I,
)


def plain_title(text: str) -> str:
    """A hover title that pyvis 0.3.2 shows as plain text.

    pyvis switches every node's tooltip to ``innerHTML`` as soon as one title
    contains ``href``; a zero-width space inside each ``href`` (invisible)
    keeps vis-network's own tooltip, which sets ``innerText``.

    Examples
    --------
    >>> plain_title('<a href="x">mum</a>') == '<a hr\\u200bef="x">mum</a>'
    True
    """
    return text.replace("href", "hr" + _ZWSP + "ef")


# --------------------------------------------------------------------------- building the network


def _pick(person_or_maps: Person | Map | Sequence[Map], time_point: int | str | None) -> tuple[list[Map], int]:
    """The maps up to and including the chosen one (earlier maps give the "new" and "gone" marks)."""
    if isinstance(person_or_maps, Map):
        m = person_or_maps
        if time_point is not None:
            raise ValidationError(
                "time_point applies to a person or a list of maps, not to one map", field="time_point"
            )
        ids = [x.id for x in m.person.maps]
        maps = [*m.person.maps[: ids.index(m.id)], m] if m.id in ids else [m]
        return maps, len(maps) - 1
    maps = resolve_maps(person_or_maps)
    if time_point is None:
        return maps, len(maps) - 1
    if isinstance(time_point, bool) or not isinstance(time_point, (int, str)):
        raise ValidationError(
            f"time_point must be a map's position or label, got {time_point!r}", field="time_point", value=time_point
        )
    i = map_index(maps, time_point)
    if i is not None:
        return maps, i
    if isinstance(time_point, int):
        raise ValidationError(
            f"time_point {time_point} is out of range: there are {len(maps)} map(s)", field="time_point"
        )
    raise ValidationError(
        f"no map labelled {time_point!r}; the maps are: {', '.join(m.label for m in maps)}", field="time_point"
    )


def _xy(angle: float, radius: float) -> tuple[float, float]:
    """Canvas position (vis-network units, y down) of an (angle, radius) on the map."""
    x, y = polar_to_xy(angle, radius)
    return round(x * SCALE, 1), round(-y * SCALE, 1)


def _px(key: str) -> float:
    return round(_style.SIZE[key] * SCALE, 2)


def _add(net: Network, node_id: str, label: str, **options: Any) -> dict:
    """Add a node; an empty label stays empty (pyvis would show the node id instead)."""
    net.add_node(node_id, label=label or node_id, **options)
    node = net.node_map[node_id]
    if not label:
        node.pop("label", None)
    return node


def _guides(net: Network, m: Map) -> None:
    """Rings (circles, outermost first), the ends of the sector lines, and ring and sector labels."""
    still = {"fixed": True, "physics": False, "chosen": False}
    rings = m.rings
    for i in reversed(range(len(rings))):
        _add(
            net,
            f"ring-{i}",
            "",
            shape="dot",
            size=round(rings.band(i)[1] * SCALE, 1),
            x=0,
            y=0,
            # no fill: vis-network draws nodes over edges, and a filled disc would hide the lines
            color={"background": "rgba(0,0,0,0)", "border": _style.RING["line"]},
            borderWidth=_px("ring_line"),
            **still,
        )
    ring_font = _px("ring_font")
    inner = _schemes.CENTRE_RADIUS
    for i, r in enumerate(rings.rings):
        outer = rings.band(i)[1]
        w = text_width(r.label, _style.SIZE["ring_font"]) * 0.9
        _add(
            net,
            f"ring-label-{i}",
            r.label,
            shape="text",
            x=round((_style.RING["label_x"] + w / 2) * SCALE, 1),
            y=round(-(inner + outer) / 2 * SCALE, 1),
            font={"size": ring_font, "color": _style.RING["ring_text"], "face": _FONT},
            **still,
        )
        inner = outer
    if len(m.sectors) <= 1:
        return
    sector_font = _px("sector_font")
    for j, key in enumerate(m.sectors.keys):
        x, y = _xy(m.sectors.span(key)[0], 1.0)
        _add(net, f"sector-edge-{j}", "", shape="dot", size=0.1, x=x, y=y, color="rgba(0,0,0,0)", **still)
        lines = wrap(m.sectors.label(key))
        w = max(text_width(line, _style.SIZE["sector_font"]) for line in lines) * SCALE
        x, y = _xy(m.sectors.mid(key), 1.08)
        x += 0 if abs(x) < 0.12 * SCALE else (w / 2 if x > 0 else -w / 2)
        _add(
            net,
            f"sector-label-{j}",
            "\n".join(lines),
            shape="text",
            x=round(x, 1),
            y=y,
            font={"size": sector_font, "color": _style.RING["text"], "face": _FONT, "bold": True},
            **still,
        )


def _alter_node(net: Network, item: Item, key: str, mode: str, m: Map, previous: str | None) -> dict | None:
    """One alter: shape by kind, fill and outline dash by valence, outline by change status.

    Returns the options of the line to the person (``None`` for a ghost), to add once the person is there.
    """
    a, p = item.alter, item.placement
    status = "retained" if item.status == "present" else item.status
    v, st = _style.VALENCE[_style.valence_key(p.valence)], _style.STATUS[status]
    shape = _style.MARKERS[_style.marker_key(a.kind)]["vis"]
    x, y = _xy(item.angle, item.radius)
    width = round(_px("outline") * st["width"], 2)
    dash = _style.dash_pattern(st["dash"] or v["dash"], width)
    if a.is_professional:  # the second, outer outline of professionals: a white marker just behind
        _add(
            net,
            f"{key}-professional",
            "",
            shape=shape,
            size=round(_px("marker") * _style.PROFESSIONAL["scale"], 2),
            x=x,
            y=y,
            color={"background": "#FFFFFF", "border": _style.PROFESSIONAL["color"]},
            borderWidth=_px("professional_outline"),
            opacity=st["opacity"],
            fixed=True,
            physics=False,
            chosen=False,
        )
    label = _style.display_label(a.label, mode)
    marks = ([_NEW] if status == "gained" else []) + (
        [_style.MOVED["inward" if item.shift < 0 else "outward"]["symbol"]] if item.shift else []
    )
    label = " ".join([label, *marks]) if label else " ".join(marks)
    colour = {"background": v["color"], "border": st["color"]}
    _add(
        net,
        key,
        label,
        shape=shape,
        size=_px("marker"),
        x=x,
        y=y,
        color={**colour, "highlight": {"background": v["color"], "border": "#000000"}, "hover": dict(colour)},
        borderWidth=width,
        borderWidthSelected=round(width + 2, 2),
        shapeProperties={"borderDashes": dash or False},
        opacity=st["opacity"],
        font={
            "size": _px("label_font"),
            "face": _FONT,
            "color": _style.LABEL["faded"] if status == "lost" else _style.LABEL["color"],
            "strokeWidth": _px("label_halo"),
            "strokeColor": _style.LABEL["halo"],
        },
        title=plain_title(hover_text(person_row(item, m, mode), f"Since {previous}" if previous is not None else None)),
        fixed=True,
        physics=False,
    )
    if status == "lost":
        return None
    sw = _px("spoke")  # the line to the person: colour and dash as valence
    return {
        "to": key,
        "color": {"color": v["line"], "opacity": _style.SPOKE["opacity"]},
        "width": sw,
        "dashes": _style.dash_pattern(v["dash"], sw) or False,
        "chosen": False,
    }


def to_pyvis(
    map_or_person_or_maps: Map | Person | Sequence[Map],
    *,
    label_mode: str = "names",
    time_point: int | str | None = None,
    heading: str | None = None,
    height: int = 620,
    stable: bool = True,
    guides: bool = True,
) -> Network:
    """One time point of a person's network as a pyvis ``Network``, ready to customise.

    Alters sit at fixed positions on their rings and sectors (the same
    layout as :func:`~egomap.viz.change_network`, so an alter who stays in a
    sector keeps their angle), physics is off and the person is at the
    centre. Marker shape shows the kind of alter; fill colour *and* outline
    dash show valence, and the line to the person has the same colour and
    dash; professionals get a second, outer outline. When there is an
    earlier map, new alters have a thick blue outline and a star (★) after
    their label, alters who have gone are shown as faded, dashed ghosts where
    they were, and ▲/▼ mark a move closer or further out. Hover over an
    alter for details as plain text.

    The network is built with ``cdn_resources="in_line"`` and every string
    from the map is made safe for pyvis (see :mod:`egomap.viz.pyvis_net`).
    Show it with :func:`pyvis_html`; never with pyvis's ``show()``, which
    writes files and fails in Voilà.

    Parameters
    ----------
    map_or_person_or_maps : Map, Person or list of Map
        One map (earlier maps of the same person give the "new" and "gone"
        marks), a person, or some maps of one person in time order.
    label_mode : {"names", "initials", "hidden"}
        How alters (and the person) are labelled. With ``"initials"`` and
        ``"hidden"`` the hover text leaves out names and notes as well.
    time_point : int or str, optional
        Which map of a person or list: its position (``0`` is the first,
        ``-1`` the latest) or its label. Default: the latest.
    heading : str, optional
        Heading above the network (escaped). Default: the person's id and
        the map's label; ``""`` for none.
    height : int
        Height of the network in pixels.
    stable : bool
        Keep an alter's angle from map to map while they stay in a sector.
    guides : bool
        Draw the rings, sector lines and their labels (as fixed,
        non-interactive nodes with ids ``ring-*`` and ``sector-*``).

    Returns
    -------
    pyvis.network.Network
        Node ids: ``"person"``; ``"a0"``, ``"a1"``, ... for alters (in the
        order they first appear on the person's maps); ``"a<n>-professional"``
        for the outer outline of a professional; ``ring-*`` and ``sector-*``
        for the guides. Alter nodes have ``label``, ``title``, ``x``, ``y``.

    Examples
    --------
    >>> import egomap as em
    >>> p = em.demo.demo_case()
    >>> net = em.viz.to_pyvis(p, label_mode="initials", guides=False)
    >>> alters = [n for n in net.nodes if n["id"].startswith("a") and "-" not in n["id"]]
    >>> len(alters), net.options.physics.enabled, net.cdn_resources
    (15, False, 'in_line')
    >>> a = net.node_map["a0"]
    >>> a["label"], a["shape"], a["x"], a["y"], a["fixed"]
    ('M', 'dot', 112.9, -4.9, True)
    >>> a["title"].splitlines()[0]  # initials: no name, and no relationship text either
    'M'
    >>> net.heading
    'DEMO-01: 12 months'
    """
    from pyvis.network import Network

    mode = _style.check_label_mode(label_mode)
    if not isinstance(height, int) or isinstance(height, bool) or not 200 <= height <= 4000:
        raise ValidationError(f"height must be a whole number of pixels 200..4000, got {height!r}", field="height")
    if heading is not None and not isinstance(heading, str):
        raise ValidationError(f"heading must be text, got {type(heading).__name__}", field="heading")
    maps, t = _pick(map_or_person_or_maps, time_point)
    maps = maps[: t + 1]  # later maps play no part (positions depend only on earlier ones)
    frame = frames(maps, stable)[-1]
    m = frame.map
    person = m.person
    title = heading if heading is not None else f"{person.id}: {m.label}"
    # short, deterministic node keys (alter ids are random and long), as in the change view
    keys: dict[str, str] = {}
    for mm in maps:
        for alt in mm.alters:
            keys.setdefault(alt.id, f"a{len(keys)}")

    net = Network(height=f"{height}px", width="100%", heading=html.escape(title), cdn_resources="in_line")
    net.toggle_physics(False)
    net.options.edges.smooth.enabled = False
    net.options.interaction.hover = True
    net.options.interaction.tooltipDelay = 120
    net.options.interaction.dragNodes = False
    if guides:
        _guides(net, m)
    spokes = [_alter_node(net, it, keys[it.alter.id], mode, m, frame.previous) for it in frame.items]
    who = person.display_name or person.id
    ego_size = round(_schemes.CENTRE_RADIUS * SCALE, 1)
    ego_font = _px("ego_font")
    _add(
        net,
        "person",
        _style.display_label(who, mode) if mode != "hidden" else "Person",
        shape="dot",
        size=ego_size,
        x=0,
        y=0,
        color={"background": _style.EGO["fill"], "border": _style.EGO["line"]},
        font={"size": ego_font, "color": _style.EGO["text"], "face": _FONT, "vadjust": -round(ego_size + ego_font, 1)},
        fixed=True,
        physics=False,
        chosen=False,
    )
    for spoke in spokes:
        if spoke is not None:
            net.add_edge("person", **spoke)
    ties = {"present": (_style.TIE["color"], _style.TIE["opacity"], 1.0, False)}
    ties["formed"] = (_style.STATUS["gained"]["color"], 0.9, 1.6, False)
    ties["dissolved"] = (_style.STATUS["lost"]["color"], 0.6, 1.2, [4, 4])
    for a, b, status in sorted(frame.ties, key=lambda e: sorted((int(keys[e[0]][1:]), int(keys[e[1]][1:])))):
        colour, opacity, w, dashes = ties[status]
        title = {"title": t} if (t := tie_title(frame, a, b, status)) else {}
        net.add_edge(
            keys[a], keys[b], color={"color": colour, "opacity": opacity}, width=_px("tie") * w, dashes=dashes, **title
        )
    if guides:
        for j in range(len(m.sectors) if len(m.sectors) > 1 else 0):
            sw = _px("sector_line")
            net.add_edge(
                "person",
                f"sector-edge-{j}",
                color={"color": _style.RING["sector_line"]},
                width=sw,
                dashes=_style.dash_pattern(_style.RING["sector_dash"], sw),
                chosen=False,
            )
    return net


# --------------------------------------------------------------------------- showing a network


class PyvisHTML(InlinePage):
    """A pyvis network as an offline HTML page that displays itself inline in a notebook.

    Attributes
    ----------
    html : str
        The complete, self-contained page (nothing is loaded from the internet).
    height : int
        Height of the iframe in pixels.
    """

    css_class = "egomap-pyvis"
    what = "The network"

    def __init__(self, page: str, height: int) -> None:
        super().__init__(page, "Network", height)
        self.height = height

    def __repr__(self) -> str:
        return f"<PyvisHTML: {len(self.html)} characters>"


def _offline(page: str, heading: str) -> str:
    """pyvis's page without its CDN links, its commented-out script and its second heading."""
    head, sep, body = page.partition("</head>")
    if not sep:  # pragma: no cover - depends on the pyvis release
        raise RuntimeError("unexpected page from pyvis (no </head>); please report this")
    head = head.replace(f"<center>\n<h1>{heading}</h1>\n</center>\n", "", 1)  # pyvis writes the heading twice
    if not heading:
        head = head.replace("<center>\n          <h1></h1>\n        </center>", "", 1)
    head = _NODE_MODULES_COMMENT.sub("", head)
    for pattern in _REMOTE_TAGS:
        head = pattern.sub("", head)
    head = head.replace("<head>", f'<head>\n<meta http-equiv="Content-Security-Policy" content="{_CSP}">', 1)
    return head + sep + body


def pyvis_html(net: Network) -> PyvisHTML:
    """Show a pyvis network inline, offline, without writing files.

    The page is ``net.generate_html()`` with vis-network written in
    (``cdn_resources="in_line"``, whatever the network was built with),
    without the Bootstrap links pyvis's template adds, and with a content
    security policy that forbids loading anything from outside the page. In
    a notebook it shows in an ``<iframe srcdoc="...">`` inside a ``<div>``,
    which works in JupyterLab, Voilà and untrusted notebooks alike. Hover
    titles are kept as plain text (see :func:`plain_title`). ``net`` is not
    changed.

    pyvis writes ``net.heading`` into the page as HTML: :func:`to_pyvis`
    escapes it; if you set a heading yourself, pass it through
    :func:`html.escape`.

    Parameters
    ----------
    net : pyvis.network.Network
        For example from :func:`to_pyvis`.

    Returns
    -------
    PyvisHTML
        Displays itself in a notebook; ``.html`` is the page, ``.save(path)`` writes it.

    Raises
    ------
    RuntimeError
        If the page would still load something from the internet (for
        example a link in a custom pyvis template).

    Examples
    --------
    >>> import egomap as em
    >>> out = em.viz.pyvis_html(em.viz.to_pyvis(em.demo.demo_case(), time_point=0))
    >>> "bootstrap" in out.html, "cdnjs" in out.html, out.height
    (False, False, 720)
    """
    from pyvis.network import Network

    if not isinstance(net, Network):
        raise ValidationError(f"expected a pyvis Network, got {type(net).__name__}", field="net")
    work = copy.copy(net)  # the caller's network keeps its settings and data
    work.cdn_resources = "in_line"
    work.nodes = [{**n, "title": plain_title(n["title"])} if isinstance(n.get("title"), str) else n for n in net.nodes]
    work.edges = [{**e, "title": plain_title(e["title"])} if isinstance(e.get("title"), str) else e for e in net.edges]
    page = _offline(work.generate_html(), str(net.heading or ""))
    found = _REMOTE_LOAD.search(page)
    if found:
        raise RuntimeError(f"the pyvis page would load from the internet ({found.group(0)!r}); not shown")
    m = re.fullmatch(r"\s*(\d+)\s*(?:px)?\s*", str(net.height))
    height = (int(m.group(1)) if m else 620) + (80 if net.heading else 0) + 20
    return PyvisHTML(page, height)
