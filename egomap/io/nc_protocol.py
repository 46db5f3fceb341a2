"""Network Canvas protocols: Sociogram stages (circles, skew, layout variables per node type) and circle radii."""

from __future__ import annotations

import json
import math
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from egomap.errors import InputFileError, ValidationError

__all__ = ["ring_radii", "read_protocol", "Sociogram", "sociograms", "choose_stage", "categoricals", "layout_variables"]


def ring_radii(n: int, skewed: bool = True) -> list[float]:
    """Outer edge of each Network Canvas circle, innermost first, as a share of the outer radius.

    Network Canvas draws ``n`` circles equally spaced, or, when skewed toward the
    centre, at the weighted mean ``(3 * equal-area + equal-increment) / 4`` of
    equal-area radii ``sqrt(i / n)`` and equal-increment radii ``i / n``
    (Network Canvas Interviewer, ``Canvas/Radar.js``).

    Examples
    --------
    >>> [round(r, 3) for r in ring_radii(4, skewed=False)]
    [0.25, 0.5, 0.75, 1.0]
    >>> [round(r, 3) for r in ring_radii(4)]
    [0.438, 0.655, 0.837, 1.0]
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValidationError(f"the number of circles must be a whole number >= 1, got {n!r}", field="rings")
    inc = [i / n for i in range(1, n + 1)]
    if not skewed:
        return inc
    return [(3 * math.sqrt(i / n) + i / n) / 4 for i in range(1, n + 1)]


def read_protocol(path: str | os.PathLike) -> dict:
    """The ``protocol.json`` of a ``.netcanvas`` file (a zip), or a ``protocol.json`` file."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError("protocol file not found", path=p)
    try:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as z:
                names = [n for n in z.namelist() if n.rsplit("/", 1)[-1] == "protocol.json"]
                if not names:
                    raise InputFileError("holds no protocol.json", path=p)
                raw = z.read(names[0])
        else:
            raw = p.read_bytes()
        data = json.loads(raw.decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile) as e:
        raise InputFileError(f"is not a Network Canvas protocol: {e}", path=p) from None
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        raise InputFileError("is not a Network Canvas protocol (no stages)", path=p)
    return data


def _node_types(protocol: dict | None) -> dict[str, dict]:
    node = ((protocol or {}).get("codebook") or {}).get("node") or {}
    return node if isinstance(node, dict) else {}


def layout_variables(protocol: dict | None) -> dict[str, list[str]]:
    """Node type name -> the names of its layout variables, as the codebook lists them.

    Examples
    --------
    >>> proto = {"codebook": {"node": {"t1": {"name": "Venue", "variables": {"v": {"name": "venue_layout",
    ...          "type": "layout"}}}}}, "stages": []}
    >>> layout_variables(proto)
    {'Venue': ['venue_layout']}
    """
    out: dict[str, list[str]] = {}
    for tid, nt in _node_types(protocol).items():
        names = [v.get("name", vid) for vid, v in (nt.get("variables") or {}).items() if v.get("type") == "layout"]
        out[nt.get("name", tid)] = names
    return out


def categoricals(protocol: dict | None) -> dict[str, list[str]]:
    """Categorical variable name -> its option values (their one-hot columns are ``<name>_<value>``)."""
    out: dict[str, list[str]] = {}
    for nt in _node_types(protocol).values():
        for v in (nt.get("variables") or {}).values():
            if v.get("type") == "categorical" and v.get("options"):
                out[v["name"]] = [str(o.get("value")) for o in v["options"]]
    return out


@dataclass(frozen=True)
class Sociogram:
    """A Sociogram stage: its circles, and the layout variable of each node type it places.

    ``number`` counts Sociogram stages from 1 in protocol order.
    """

    number: int
    id: str
    label: str
    circles: int | None
    skewed: bool
    layouts: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        what = f"{self.circles} circles{' skewed toward the centre' if self.skewed else ''}"
        return f"{self.number} {self.label!r} ({what})"


def sociograms(protocol: dict | None) -> list[Sociogram]:
    """The Sociogram stages of a protocol, in order.

    Examples
    --------
    >>> import egomap as em
    >>> proto = read_protocol(em.io.SAMPLE / "egomap_sample_protocol.netcanvas")
    >>> [(s.number, s.circles, s.skewed, s.layouts) for s in sociograms(proto)]
    [(1, 4, True, {'Person': 'Cords'})]
    """
    types = _node_types(protocol)
    var_names = {vid: v.get("name", vid) for nt in types.values() for vid, v in (nt.get("variables") or {}).items()}
    out = []
    for st in (protocol or {}).get("stages") or []:
        if not isinstance(st, dict) or st.get("type") != "Sociogram":
            continue
        bg = st.get("background") or {}
        layouts: dict[str, str] = {}
        for pr in st.get("prompts") or []:
            subject = pr.get("subject") or st.get("subject") or {}
            var = (pr.get("layout") or {}).get("layoutVariable")
            if var:
                tname = (types.get(subject.get("type")) or {}).get("name", subject.get("type") or "")
                layouts.setdefault(tname, var_names.get(var, var))
        circles = bg.get("concentricCircles")
        out.append(
            Sociogram(
                len(out) + 1,
                str(st.get("id", "")),
                str(st.get("label") or st.get("id") or f"Sociogram {len(out) + 1}"),
                int(circles) if circles else None,
                bool(bg.get("skewedTowardCenter", True)),
                layouts,
            )
        )
    return out


def choose_stage(stages: list[Sociogram], stage: str | int | None, layouts: set[str]) -> Sociogram | None:
    """The stage whose circles to use: ``stage`` (number from 1, id or label), else the first placing ``layouts``.

    Raises
    ------
    ValidationError
        If ``stage`` names no Sociogram stage of the protocol.
    """
    with_circles = [s for s in stages if s.circles]
    if stage is not None:
        for s in stages:
            if stage in (s.number, s.id, s.label) or str(stage) in (str(s.number), s.id, s.label):
                return s
        listed = "; ".join(str(s) for s in stages) or "none"
        raise ValidationError(f"no Sociogram stage {stage!r}; the protocol has: {listed}", field="stage", value=stage)
    for s in with_circles:
        if not layouts or layouts & set(s.layouts.values()) or not s.layouts:
            return s
    return with_circles[0] if with_circles else None
