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
    DATA, END_EVENTS, GATEWAYS, INTERMEDIATE_EVENTS, START_EVENTS, SUBPROCESSES, TASKS, Edge, Layout, Shape,
)
from webapp.diagram.boxes import Placed, inside_box
from webapp.diagram.placement import BAND, plan
from webapp.diagram.text import FONT_SIZE, fit, line_height, wrap, wrap_into

SVG = "http://www.w3.org/2000/svg"
MARGIN = 20
MAX_NAME = 300  # characters of a name drawn; a step's name is at most 255 (the database's column)
# Named for the reader in their language (``name_label``): the pools, the steps and what happens
# between them; flows' labels by ``flow_label``.
NAMED_BY_CATALOGUE = TASKS | SUBPROCESSES | START_EVENTS | END_EVENTS | INTERMEDIATE_EVENTS | GATEWAYS | {"participant"}
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


def draw(layout: Layout, done: set[str], current: set[str], title: str, lane_label, name_label, flow_label) -> str:
    shapes = [replace(s, name=_shorter(_shown_name(s, lane_label, name_label))) for s in layout.shapes]
    edges = [replace(e, name=_shorter(str(flow_label(e.name) or e.name) if e.name else e.name)) for e in layout.edges]
    labels = plan(layout, {**{s.element_id: s.name for s in shapes if s.name},
                           **{e.element_id: e.name for e in edges if e.name}})
    x0, y0, x1, y1 = labels.bounds
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
    for shape in shapes:
        if shape.kind in ("participant", "lane") or shape.kind in SUBPROCESSES:
            _draw_shape(svg, shape, done, current, labels.inner.get(shape.element_id))
    for edge in edges:
        _draw_edge(svg, edge, labels.outer.get(edge.element_id))
    for shape in shapes:
        if not (shape.kind in ("participant", "lane") or shape.kind in SUBPROCESSES):
            placed = labels.inner.get(shape.element_id) or labels.outer.get(shape.element_id)
            _draw_shape(svg, shape, done, current, placed)
    return etree.tostring(svg, encoding="unicode")


def _shorter(name: str) -> str:
    """A name no diagram would show whole (a paragraph pasted in) is cut: it would not be read there,
    and placing it would cost the page."""
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1].rstrip() + "…"


def _shown_name(s: Shape, lane_label, name_label) -> str:
    """The name a reader sees: a lane's role in their language, a step's (pool's, event's,
    gateway's) name in their language where the procedure's catalogue gives one, anything else as
    drawn."""
    if not s.name:
        return s.name
    if s.kind == "lane":
        return str(lane_label(s.name))
    if s.kind in NAMED_BY_CATALOGUE:
        return str(name_label(s.name) or s.name)
    return s.name


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


def _draw_shape(svg, s: Shape, done, current, placed: Placed | None = None):
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
        _task_icon(group, s)
        _placed_text(group, placed)  # wrapped into the box, clear of the icon (boxes.inside_box)
        _activity_markers(group, s, s.markers)
    elif s.kind in SUBPROCESSES:
        _el(group, "rect", class_="outline", x=s.x, y=s.y, width=s.w, height=s.h, rx=10.0, ry=10.0)
        if s.kind == "transaction":
            _el(group, "rect", class_="inner", x=s.x + 3, y=s.y + 3, width=s.w - 6, height=s.h - 6, rx=8.0, ry=8.0)
        if s.expanded is False:
            _placed_text(group, placed)
            _activity_markers(group, s, ["collapsed", *s.markers])
        else:
            _text_block(group, s.name, s.x + 8, s.y + 8, s.w - 16, max_lines=2)
            _activity_markers(group, s, s.markers)
    elif s.kind in START_EVENTS | END_EVENTS | INTERMEDIATE_EVENTS:
        r = s.w / 2
        cx, cy = s.x + r, s.y + s.h / 2
        _el(group, "circle", class_="outline", cx=cx, cy=cy, r=r)
        if s.kind in INTERMEDIATE_EVENTS:
            _el(group, "circle", class_="inner", cx=cx, cy=cy, r=r - 3)
        for marker in s.markers:
            _event_marker(group, marker, cx, cy, r, filled=s.kind in END_EVENTS or s.kind == "intermediateThrowEvent")
        _placed_text(group, placed, class_="label")
    elif s.kind in GATEWAYS:
        cx, cy = s.x + s.w / 2, s.y + s.h / 2
        points = [(cx, s.y), (s.x + s.w, cy), (cx, s.y + s.h), (s.x, cy)]
        _el(group, "polygon", class_="outline", points=" ".join(f"{_num(x)},{_num(y)}" for x, y in points))
        _gateway_marker(group, s.kind, cx, cy, s.w)
        _placed_text(group, placed, class_="label")
    elif s.kind == "textAnnotation":
        _el(group, "path", class_="marker", d=f"M {_num(s.x + 10)} {_num(s.y)} h -10 v {_num(s.h)} h 10")
        _text_block(group, s.name, s.x + 6, s.y + 4, s.w - 8, max_lines=max(1, int((s.h - 4) // line_height())))
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
        _placed_text(group, placed, class_="label")
    else:  # an element we have no picture for: a plain box still shows where it is
        _el(group, "rect", class_="outline", x=s.x, y=s.y, width=s.w, height=s.h)
        _placed_text(group, inside_box(s.name, s.x, s.y, s.w, s.h))


def _pool_or_lane(group, s: Shape):
    _el(group, "rect", class_="outline", x=s.x, y=s.y, width=s.w, height=s.h)
    if s.horizontal:
        if s.kind == "participant":
            _el(group, "line", class_="band", x1=s.x + BAND, y1=s.y, x2=s.x + BAND, y2=s.y + s.h)
        cx, cy = s.x + BAND / 2, s.y + s.h / 2
        _band_text(group, s.name, cx, cy, s.h - 10, transform=f"rotate(-90 {_num(cx)} {_num(cy)})")
    else:
        if s.kind == "participant":
            _el(group, "line", class_="band", x1=s.x, y1=s.y + BAND, x2=s.x + s.w, y2=s.y + BAND)
        _band_text(group, s.name, s.x + s.w / 2, s.y + BAND / 2, s.w - 10)


def _band_text(group, name, cx, cy, length, transform=None):
    """A pool's or lane's name along its band: one line, else two (a smaller font if need be), else
    cut with an ellipsis."""
    lines, size = None, FONT_SIZE
    for size in (FONT_SIZE, 11, 10):
        most = int((BAND - 4) // line_height(size))
        lines = wrap_into(name, [length] * most, size)
        if lines:
            break
    if not lines:
        lines = [fit(name, length, size)]
    text = _el(group, "text", x=cx, y=cy, transform=transform, text_anchor="middle", dominant_baseline="central",
               font_size=None if size == FONT_SIZE else _num(float(size)))
    if len(lines) == 1:
        text.text = lines[0]
        return
    lh = line_height(size)
    for i, line in enumerate(lines):
        _el(text, "tspan", x=cx, y=cy + (i - (len(lines) - 1) / 2) * lh).text = line


def _text_block(group, text, x, y, width, *, max_lines):
    """A name set from the top left corner of its shape (an expanded sub-process, an annotation)."""
    if not text:
        return
    lines = wrap(text, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = fit(lines[-1] + "…", width)
    first = y + FONT_SIZE
    node = _el(group, "text", x=x, y=first, text_anchor="start")
    for i, line in enumerate(lines):
        span = _el(node, "tspan", x=x, y=first + i * line_height())
        span.text = line


def _placed_text(group, placed: Placed | None, class_=None):
    """Lines where placement put them (centred, the first line's middle at ``placed.y``)."""
    if placed is None:
        return
    node = _el(group, "text", class_=class_, x=placed.x, y=placed.y, text_anchor="middle",
               dominant_baseline="central", font_size=None if placed.size == FONT_SIZE else _num(float(placed.size)))
    lh = line_height(placed.size)
    for i, line in enumerate(placed.lines):
        _el(node, "tspan", x=placed.line_x(i), y=placed.y + i * lh).text = line


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


def _draw_edge(svg, e: Edge, placed: Placed | None):
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
    _placed_text(group, placed, class_="label")  # in its DI bounds, else beside its line (placement)


def _default_slash(group, points):
    """The small slash across the start of a gateway's default flow."""
    (ax, ay), (bx, by) = points[0], points[1]
    length = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    mx, my = ax + ux * 12, ay + uy * 12
    # A short stroke across the line, tilted like the editors draw it.
    dx, dy = (-uy + ux * 0.6) * 6, (ux + uy * 0.6) * 6
    _el(group, "path", class_="marker", d=f"M {_num(mx - dx)} {_num(my - dy)} L {_num(mx + dx)} {_num(my + dy)}")
