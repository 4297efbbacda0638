"""A diagram's layout drawn as SVG, following the conventions BPMN editors use (bpmn-js in
particular): rounded tasks, thin start / thick end / double intermediate circles, diamonds for
gateways, pools and lanes with their name in a vertical band, sequence flows with filled
arrowheads, message flows dashed. Built with lxml, so every name from the diagram is escaped by
the serializer, never pasted into markup."""
from __future__ import annotations

import math
from dataclasses import replace

from flask_babel import gettext as _
from lxml import etree

from webapp.diagram.layout import (
    DATA, END_EVENTS, FONT_SIZE, GATEWAYS, INTERMEDIATE_EVENTS, LINE_HEIGHT, START_EVENTS, SUBPROCESSES, TASKS, Edge,
    Layout, Shape,
)

SVG = "http://www.w3.org/2000/svg"
CHAR_WIDTH = 6.4  # average glyph width at FONT_SIZE: enough to wrap labels roughly like an editor
MARGIN = 20
STYLE = """
.bpmn-diagram { font-family: system-ui, "Segoe UI", Arial, sans-serif; font-size: 12px; }
.bpmn-diagram .outline { fill: #fff; stroke: #222; stroke-width: 2; }
.bpmn-diagram .pool > .outline, .bpmn-diagram .lane > .outline { fill: none; stroke-width: 1.5; }
.bpmn-diagram .band { stroke: #222; stroke-width: 1.5; }
.bpmn-diagram .subProcess > .outline, .bpmn-diagram .transaction > .outline { fill: none; }
.bpmn-diagram .endEvent > .outline { stroke-width: 4; }
.bpmn-diagram .callActivity > .outline { stroke-width: 4; }
.bpmn-diagram .inner { fill: none; stroke: #222; stroke-width: 1.5; }
.bpmn-diagram .marker { fill: none; stroke: #222; stroke-width: 1.5; }
.bpmn-diagram .marker.filled { fill: #222; }
.bpmn-diagram .non-interrupting > .outline, .bpmn-diagram .non-interrupting > .inner { stroke-dasharray: 6 3; }
.bpmn-diagram .edge { fill: none; stroke: #222; stroke-width: 1.5; }
.bpmn-diagram .messageFlow .edge { stroke-dasharray: 8 5; }
.bpmn-diagram .association .edge { stroke-dasharray: 2 4; }
.bpmn-diagram text { fill: #222; }
.bpmn-diagram .label { paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
.bpmn-diagram .done > .outline { fill: #e3f4e1; stroke: #2e7d32; }
.bpmn-diagram .current > .outline { fill: #fff4cc; stroke: #e65100; stroke-width: 4; }
"""


def _unnamed(kind: str) -> str:
    if kind in START_EVENTS:
        return _("Điểm bắt đầu")
    if kind in END_EVENTS:
        return _("Điểm kết thúc")
    if kind in INTERMEDIATE_EVENTS:
        return _("Sự kiện")
    if kind in GATEWAYS:
        return _("Rẽ nhánh")
    return _("Bước") if kind in TASKS else _("Phần tử của sơ đồ")


# --- drawing -------------------------------------------------------------------------------------

def _el(parent, tag, **attrs):
    node = etree.SubElement(parent, f"{{{SVG}}}{tag}")
    for key, value in attrs.items():
        if value is None:
            continue
        key = key.rstrip("_").replace("_", "-")
        node.set(key, _num(value) if isinstance(value, float) else str(value))
    return node


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def draw(layout: Layout, done: set[str], current: set[str], title: str, lane_label) -> str:
    x0, y0, x1, y1 = layout.bounds
    width, height = x1 - x0 + 2 * MARGIN, y1 - y0 + 2 * MARGIN
    svg = etree.Element(f"{{{SVG}}}svg", nsmap={None: SVG})
    svg.set("class", "bpmn-diagram")
    svg.set("viewBox", " ".join(_num(v) for v in (x0 - MARGIN, y0 - MARGIN, width, height)))
    svg.set("width", _num(width))
    svg.set("height", _num(height))
    svg.set("role", "img")
    if title:
        svg.set("aria-label", title)
        _el(svg, "title").text = title
    _el(svg, "style").text = STYLE
    _defs(svg)
    for shape in layout.shapes:
        if shape.kind == "lane":
            shape = replace(shape, name=str(lane_label(shape.name)))
        if shape.kind in ("participant", "lane") or shape.kind in SUBPROCESSES:
            _draw_shape(svg, shape, done, current)
    for edge in layout.edges:
        _draw_edge(svg, edge)
    containers = [s for s in layout.shapes if s.kind in ("participant", "lane")]
    for shape in layout.shapes:
        if not (shape.kind in ("participant", "lane") or shape.kind in SUBPROCESSES):
            _draw_shape(svg, shape, done, current, _floor_of(shape, containers))
    return etree.tostring(svg, encoding="unicode")


def _defs(svg):
    defs = _el(svg, "defs")
    arrow = _el(defs, "marker", id="bpmn-arrow", viewBox="0 0 20 20", refX="11", refY="10",
                markerWidth="10", markerHeight="10", orient="auto")
    _el(arrow, "path", d="M 1 5 L 11 10 L 1 15 Z", fill="#222", stroke="#222")
    open_arrow = _el(defs, "marker", id="bpmn-open-arrow", viewBox="0 0 20 20", refX="8.5", refY="5",
                     markerWidth="20", markerHeight="20", orient="auto")
    _el(open_arrow, "path", d="m 1 5 l 0 -3 l 7 3 l -7 3 z", fill="#fff", stroke="#222")
    circle = _el(defs, "marker", id="bpmn-message-start", viewBox="0 0 20 20", refX="6", refY="6",
                 markerWidth="20", markerHeight="20", orient="auto")
    _el(circle, "circle", cx="6", cy="6", r="3.5", fill="#fff", stroke="#222")


def _state_of(shape: Shape, done: set[str], current: set[str]) -> str:
    if shape.element_id in current:
        return "current"
    if shape.element_id in done:
        return "done"
    return ""


def _floor_of(s: Shape, containers: list[Shape]) -> float | None:
    """The bottom of the innermost lane or pool around a shape: a label must not run across it."""
    cx, cy = s.x + s.w / 2, s.y + s.h / 2
    around = [c for c in containers if c.x <= cx <= c.x + c.w and c.y <= cy <= c.y + c.h]
    return min((c.y + c.h for c in around), default=None)


def _draw_shape(svg, s: Shape, done, current, floor: float | None = None):
    state = _state_of(s, done, current)
    classes = " ".join(c for c in ("shape", s.kind, state, "non-interrupting" if s.non_interrupting else "") if c)
    group = _el(svg, "g", class_=classes, data_element_id=s.element_id)
    # An unnamed element is told by its kind: its id is the modeller's key, not a word for a reader.
    tooltip = s.name or _unnamed(s.kind)
    if state:
        tooltip += " — " + (_("đang xử lý") if state == "current" else _("đã xử lý"))
    _el(group, "title").text = tooltip
    if s.kind in ("participant", "lane"):
        _pool_or_lane(group, s)
    elif s.kind in TASKS:
        _el(group, "rect", class_="outline", x=s.x, y=s.y, width=s.w, height=s.h, rx=10.0, ry=10.0)
        has_icon = _task_icon(group, s)
        # Below the type icon when there is one, so a long name does not run over it.
        _text_block(group, s.name, s.x + s.w / 2, s.y + s.h / 2, s.w - 12, anchor="middle",
                    max_lines=4 if has_icon else 5, first_at_least=s.y + 32 if has_icon else None)
        _activity_markers(group, s, s.markers)
    elif s.kind in SUBPROCESSES:
        _el(group, "rect", class_="outline", x=s.x, y=s.y, width=s.w, height=s.h, rx=10.0, ry=10.0)
        if s.kind == "transaction":
            _el(group, "rect", class_="inner", x=s.x + 3, y=s.y + 3, width=s.w - 6, height=s.h - 6, rx=8.0, ry=8.0)
        if s.expanded is False:
            _text_block(group, s.name, s.x + s.w / 2, s.y + s.h / 2, s.w - 12, anchor="middle")
            _activity_markers(group, s, ["collapsed", *s.markers])
        else:
            _text_block(group, s.name, s.x + 8, s.y + 8, s.w - 16, anchor="start", top=True)
            _activity_markers(group, s, s.markers)
    elif s.kind in START_EVENTS | END_EVENTS | INTERMEDIATE_EVENTS:
        r = s.w / 2
        cx, cy = s.x + r, s.y + s.h / 2
        _el(group, "circle", class_="outline", cx=cx, cy=cy, r=r)
        if s.kind in INTERMEDIATE_EVENTS:
            _el(group, "circle", class_="inner", cx=cx, cy=cy, r=r - 3)
        for marker in s.markers:
            _event_marker(group, marker, cx, cy, r, filled=s.kind in END_EVENTS or s.kind == "intermediateThrowEvent")
        _outside_label(group, s, floor)
    elif s.kind in GATEWAYS:
        cx, cy = s.x + s.w / 2, s.y + s.h / 2
        points = [(cx, s.y), (s.x + s.w, cy), (cx, s.y + s.h), (s.x, cy)]
        _el(group, "polygon", class_="outline", points=" ".join(f"{_num(x)},{_num(y)}" for x, y in points))
        _gateway_marker(group, s.kind, cx, cy, s.w)
        _outside_label(group, s, floor)
    elif s.kind == "textAnnotation":
        _el(group, "path", class_="marker", d=f"M {_num(s.x + 10)} {_num(s.y)} h -10 v {_num(s.h)} h 10")
        _text_block(group, s.name, s.x + 6, s.y + 4, s.w - 8, anchor="start", top=True)
    elif s.kind in DATA:
        if s.kind == "dataStoreReference":
            _el(group, "path", class_="outline",
                d=f"M {_num(s.x)} {_num(s.y + 6)} a {_num(s.w / 2)} 6 0 0 0 {_num(s.w)} 0 "
                  f"a {_num(s.w / 2)} 6 0 0 0 {_num(-s.w)} 0 v {_num(s.h - 12)} "
                  f"a {_num(s.w / 2)} 6 0 0 0 {_num(s.w)} 0 v {_num(-(s.h - 12))}")
        else:
            fold = min(12.0, s.w / 3)
            _el(group, "path", class_="outline",
                d=f"M {_num(s.x)} {_num(s.y)} h {_num(s.w - fold)} l {_num(fold)} {_num(fold)} "
                  f"v {_num(s.h - fold)} h {_num(-s.w)} z")
        _outside_label(group, s, floor)
    else:  # an element we have no picture for: a plain box still shows where it is
        _el(group, "rect", class_="outline", x=s.x, y=s.y, width=s.w, height=s.h)
        _text_block(group, s.name, s.x + s.w / 2, s.y + s.h / 2, s.w - 8, anchor="middle")


def _pool_or_lane(group, s: Shape):
    _el(group, "rect", class_="outline", x=s.x, y=s.y, width=s.w, height=s.h)
    band = 30.0
    if s.horizontal:
        if s.kind == "participant":
            _el(group, "line", class_="band", x1=s.x + band, y1=s.y, x2=s.x + band, y2=s.y + s.h)
        cx, cy = s.x + band / 2, s.y + s.h / 2
        text = _el(group, "text", x=cx, y=cy, transform=f"rotate(-90 {_num(cx)} {_num(cy)})",
                   text_anchor="middle", dominant_baseline="central")
        text.text = _fit(s.name, s.h - 10)
    else:
        if s.kind == "participant":
            _el(group, "line", class_="band", x1=s.x, y1=s.y + band, x2=s.x + s.w, y2=s.y + band)
        text = _el(group, "text", x=s.x + s.w / 2, y=s.y + band / 2, text_anchor="middle",
                   dominant_baseline="central")
        text.text = _fit(s.name, s.w - 10)


def _fit(text: str, width: float) -> str:
    limit = max(1, int(width / CHAR_WIDTH))
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def _wrap(text: str, width: float) -> list[str]:
    limit = max(4, int(width / CHAR_WIDTH))
    lines, line = [], ""
    for word in text.split():
        while len(word) > limit:  # a word longer than the box is cut, not allowed to overflow
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:limit])
            word = word[limit:]
        candidate = f"{line} {word}".strip()
        if len(candidate) <= limit:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _text_block(group, text, x, y, width, *, anchor, top=False, max_lines=6, first_at_least=None):
    if not text:
        return
    lines = _wrap(text, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1] + "…", width)
    first = y + FONT_SIZE if top else y - (len(lines) - 1) * LINE_HEIGHT / 2
    if first_at_least is not None:
        first = max(first, first_at_least)
    node = _el(group, "text", x=x, y=first, text_anchor=anchor, dominant_baseline="central" if not top else None)
    for i, line in enumerate(lines):
        span = _el(node, "tspan", x=x, y=first + i * LINE_HEIGHT)
        span.text = line


def _outside_label(group, s: Shape, floor: float | None = None):
    """Where the modeller put it, else below the shape; above it when below would run across the
    bottom of its lane (into the next lane's shapes)."""
    if not s.name:
        return
    if s.label:
        lx, ly, lw, lh = s.label
        lines = _wrap(s.name, max(lw, 90))
        _text_lines(group, lines, lx + lw / 2, ly + (lh - (len(lines) - 1) * LINE_HEIGHT) / 2 if lh else ly)
        return
    lines = _wrap(s.name, 90)
    first = s.y + s.h + 6 + FONT_SIZE / 2
    if floor is not None and first + (len(lines) - 1) * LINE_HEIGHT + FONT_SIZE / 2 > floor - 2:
        first = s.y - 6 - FONT_SIZE / 2 - (len(lines) - 1) * LINE_HEIGHT
    _text_lines(group, lines, s.x + s.w / 2, first)


def _text_lines(group, lines, cx, first_y, anchor="middle"):
    node = _el(group, "text", class_="label", x=cx, y=first_y, text_anchor=anchor, dominant_baseline="central")
    for i, line in enumerate(lines):
        span = _el(node, "tspan", x=cx, y=first_y + i * LINE_HEIGHT)
        span.text = line


def _task_icon(group, s: Shape) -> bool:
    """Draw the small type icon in the top-left corner; False for a plain task (no icon)."""
    x, y = s.x + 8, s.y + 8
    if s.kind == "userTask":  # a person: head and shoulders
        _el(group, "circle", class_="marker", cx=x + 7, cy=y + 4, r=3.5)
        _el(group, "path", class_="marker", d=f"M {_num(x)} {_num(y + 15)} q 0 -6 7 -6 q 7 0 7 6 z")
    elif s.kind == "manualTask":  # a raised hand, simplified
        _el(group, "path", class_="marker", d=f"M {_num(x)} {_num(y + 8)} h 9 v -6 h 3 v 12 h -12 z")
    elif s.kind == "serviceTask":  # a cog, simplified to a ring with teeth
        _el(group, "circle", class_="marker", cx=x + 7, cy=y + 7, r=5)
        _el(group, "circle", class_="marker", cx=x + 7, cy=y + 7, r=2)
    elif s.kind == "scriptTask":  # a page of script
        _el(group, "path", class_="marker",
            d=f"M {_num(x)} {_num(y)} h 11 v 14 h -11 z M {_num(x + 3)} {_num(y + 4)} h 5 M {_num(x + 3)} "
              f"{_num(y + 7)} h 5 M {_num(x + 3)} {_num(y + 10)} h 5")
    elif s.kind in ("sendTask", "receiveTask"):
        _el(group, "rect", class_="marker filled" if s.kind == "sendTask" else "marker",
            x=x, y=y + 2, width=14.0, height=10.0)
        _el(group, "path", class_="marker", d=f"M {_num(x)} {_num(y + 2)} l 7 5 l 7 -5",
            stroke="#fff" if s.kind == "sendTask" else None)
    elif s.kind == "businessRuleTask":
        _el(group, "rect", class_="marker", x=x, y=y, width=16.0, height=12.0)
        _el(group, "path", class_="marker", d=f"M {_num(x)} {_num(y + 4)} h 16 M {_num(x + 5)} {_num(y)} v 12")
    else:
        return False
    return True


def _activity_markers(group, s: Shape, markers: list[str]):
    if not markers:
        return
    size, gap = 12.0, 4.0
    total = len(markers) * size + (len(markers) - 1) * gap
    x = s.x + s.w / 2 - total / 2
    y = s.y + s.h - size - 4
    for marker in markers:
        if marker == "collapsed":
            _el(group, "rect", class_="marker", x=x, y=y, width=size, height=size)
            _el(group, "path", class_="marker",
                d=f"M {_num(x + 3)} {_num(y + 6)} h 6 M {_num(x + 6)} {_num(y + 3)} v 6")
        elif marker == "loop":
            cx, cy, r = x + 6, y + 6, 5.0
            _el(group, "path", class_="marker",
                d=f"M {_num(cx - 3.5)} {_num(cy + 3.5)} A {_num(r)} {_num(r)} 0 1 1 {_num(cx + 3.5)} {_num(cy + 3.5)}")
            _el(group, "path", class_="marker", d=f"M {_num(cx + 3.5)} {_num(cy + 0.5)} v 3 h 3")
        elif marker == "parallel-mi":
            _el(group, "path", class_="marker",
                d=f"M {_num(x + 2)} {_num(y)} v {_num(size)} M {_num(x + 6)} {_num(y)} v {_num(size)} "
                  f"M {_num(x + 10)} {_num(y)} v {_num(size)}")
        elif marker == "sequential-mi":
            _el(group, "path", class_="marker",
                d=f"M {_num(x)} {_num(y + 2)} h {_num(size)} M {_num(x)} {_num(y + 6)} h {_num(size)} "
                  f"M {_num(x)} {_num(y + 10)} h {_num(size)}")
        x += size + gap


def _event_marker(group, marker, cx, cy, r, *, filled):
    cls = "marker filled" if filled else "marker"
    k = r / 18  # markers are drawn for the usual 36-pixel event and scaled with it
    if marker == "timer":
        _el(group, "circle", class_="marker", cx=cx, cy=cy, r=r * 0.6)
        _el(group, "path", class_="marker",
            d=f"M {_num(cx)} {_num(cy)} v {_num(-8 * k)} M {_num(cx)} {_num(cy)} l {_num(5 * k)} {_num(3 * k)}")
    elif marker == "message":
        w, h = 16 * k, 11 * k
        _el(group, "rect", class_=cls, x=cx - w / 2, y=cy - h / 2, width=w, height=h)
        _el(group, "path", class_="marker", d=f"M {_num(cx - w / 2)} {_num(cy - h / 2)} l {_num(w / 2)} "
                                              f"{_num(h / 2)} l {_num(w / 2)} {_num(-h / 2)}",
            stroke="#fff" if filled else None)
    elif marker == "error":
        _el(group, "path", class_=cls, d=f"M {_num(cx - 8 * k)} {_num(cy + 8 * k)} l {_num(4 * k)} "
                                         f"{_num(-14 * k)} l {_num(5 * k)} {_num(8 * k)} l {_num(5 * k)} "
                                         f"{_num(-10 * k)} l {_num(-3 * k)} {_num(14 * k)} l {_num(-5 * k)} "
                                         f"{_num(-8 * k)} z")
    elif marker == "terminate":
        _el(group, "circle", class_="marker filled", cx=cx, cy=cy, r=r * 0.55)
    elif marker == "signal":
        _el(group, "path", class_=cls, d=f"M {_num(cx)} {_num(cy - 9 * k)} l {_num(8 * k)} {_num(14 * k)} "
                                         f"h {_num(-16 * k)} z")
    elif marker == "escalation":
        _el(group, "path", class_=cls, d=f"M {_num(cx)} {_num(cy - 9 * k)} l {_num(6 * k)} {_num(16 * k)} "
                                         f"l {_num(-6 * k)} {_num(-6 * k)} l {_num(-6 * k)} {_num(6 * k)} z")
    elif marker == "conditional":
        _el(group, "rect", class_="marker", x=cx - 6 * k, y=cy - 8 * k, width=12 * k, height=16 * k)
        _el(group, "path", class_="marker", d=" ".join(
            f"M {_num(cx - 4 * k)} {_num(cy + d * k)} h {_num(8 * k)}" for d in (-4, 0, 4)))


def _gateway_marker(group, kind, cx, cy, size):
    k = size / 50
    if kind == "exclusiveGateway":
        _el(group, "path", class_="marker", stroke_width="3",
            d=f"M {_num(cx - 8 * k)} {_num(cy - 8 * k)} l {_num(16 * k)} {_num(16 * k)} "
              f"M {_num(cx + 8 * k)} {_num(cy - 8 * k)} l {_num(-16 * k)} {_num(16 * k)}")
    elif kind == "parallelGateway":
        _el(group, "path", class_="marker", stroke_width="3",
            d=f"M {_num(cx)} {_num(cy - 12 * k)} v {_num(24 * k)} M {_num(cx - 12 * k)} {_num(cy)} h {_num(24 * k)}")
    elif kind == "inclusiveGateway":
        _el(group, "circle", class_="marker", stroke_width="3", cx=cx, cy=cy, r=11 * k)
    elif kind == "eventBasedGateway":
        _el(group, "circle", class_="marker", cx=cx, cy=cy, r=13 * k)
        _el(group, "circle", class_="marker", cx=cx, cy=cy, r=10 * k)
        points = [(cx + 7 * k * math.cos(a), cy + 7 * k * math.sin(a))
                  for a in (math.radians(-90 + 72 * i) for i in range(5))]
        _el(group, "polygon", class_="marker", points=" ".join(f"{_num(x)},{_num(y)}" for x, y in points))
    elif kind == "complexGateway":
        _el(group, "path", class_="marker", stroke_width="3",
            d=f"M {_num(cx)} {_num(cy - 12 * k)} v {_num(24 * k)} M {_num(cx - 12 * k)} {_num(cy)} h {_num(24 * k)} "
              f"M {_num(cx - 8 * k)} {_num(cy - 8 * k)} l {_num(16 * k)} {_num(16 * k)} "
              f"M {_num(cx + 8 * k)} {_num(cy - 8 * k)} l {_num(-16 * k)} {_num(16 * k)}")


def _draw_edge(svg, e: Edge):
    group = _el(svg, "g", class_=f"connection {e.kind}", data_element_id=e.element_id)
    if e.name:
        _el(group, "title").text = e.name
    points = " ".join(f"{_num(x)},{_num(y)}" for x, y in e.points)
    if e.kind == "sequenceFlow":
        _el(group, "polyline", class_="edge", points=points, marker_end="url(#bpmn-arrow)")
        if e.is_default:
            _default_slash(group, e.points)
    elif e.kind == "messageFlow":
        _el(group, "polyline", class_="edge", points=points, marker_start="url(#bpmn-message-start)",
            marker_end="url(#bpmn-open-arrow)")
    elif e.kind in ("dataInputAssociation", "dataOutputAssociation"):
        _el(group, "polyline", class_="edge", points=points, marker_end="url(#bpmn-open-arrow)",
            stroke_dasharray="2 4")
    else:
        _el(group, "polyline", class_="edge", points=points)
    if e.name:
        if e.label:
            lx, ly, lw, lh = e.label
            lines = _wrap(e.name, max(lw, 60))
            _text_lines(group, lines, lx + lw / 2, ly + (lh - (len(lines) - 1) * LINE_HEIGHT) / 2 if lh else ly)
        else:
            _flow_label(group, e)


def _flow_label(group, e: Edge):
    """Beside its flow's middle segment, never on it: right of a vertical one, above a horizontal one."""
    (ax, ay), (bx, by) = _middle_segment(e.points)
    lines = _wrap(e.name, 90)
    if abs(bx - ax) < abs(by - ay):
        first = (ay + by) / 2 - (len(lines) - 1) * LINE_HEIGHT / 2
        _text_lines(group, lines, max(ax, bx) + 6, first, anchor="start")
    else:
        last = min(ay, by) - 4 - FONT_SIZE / 2
        _text_lines(group, lines, (ax + bx) / 2, last - (len(lines) - 1) * LINE_HEIGHT)


def _default_slash(group, points):
    """The small slash across the start of a gateway's default flow."""
    (ax, ay), (bx, by) = points[0], points[1]
    length = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    mx, my = ax + ux * 12, ay + uy * 12
    # A short stroke across the line, tilted like the editors draw it.
    dx, dy = (-uy + ux * 0.6) * 6, (ux + uy * 0.6) * 6
    _el(group, "path", class_="marker", d=f"M {_num(mx - dx)} {_num(my - dy)} L {_num(mx + dx)} {_num(my + dy)}")


def _middle_segment(points):
    i = max(0, len(points) // 2 - 1)
    return points[i], points[i + 1]
