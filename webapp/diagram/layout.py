"""What a diagram's BPMN DI says, read once per diagram: each shape and edge with its bounds, its
element's kind and name, the markers it carries (loop, timer, message…), and the bounds of the
whole drawing. Read through the safe XML parser (no entities, no network, a size limit)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from engine.procedures.safe_xml import parse_untrusted

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
MAX_BYTES = 2 * 1024 * 1024
MAX_COORDINATE = 1e6  # pixels: far beyond any real drawing
TASKS = {"task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
         "businessRuleTask", "callActivity"}
SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
START_EVENTS = {"startEvent"}
END_EVENTS = {"endEvent"}
INTERMEDIATE_EVENTS = {"intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
DATA = {"dataObjectReference", "dataStoreReference", "dataObject"}


@dataclass
class Shape:
    element_id: str
    kind: str  # the BPMN element's tag, e.g. userTask, participant
    x: float
    y: float
    w: float
    h: float
    name: str = ""
    horizontal: bool = True
    expanded: bool | None = None
    label: tuple[float, float, float, float] | None = None
    markers: list[str] = field(default_factory=list)  # loop, parallel-mi, sequential-mi, timer, message, …
    non_interrupting: bool = False


@dataclass
class Edge:
    element_id: str
    kind: str  # sequenceFlow, messageFlow, association, dataInputAssociation, …
    points: list[tuple[float, float]]
    name: str = ""
    label: tuple[float, float, float, float] | None = None
    is_default: bool = False


@dataclass(eq=False)  # one per diagram content (read_layout's cache): a key for what is worked out from it
class Layout:
    shapes: list[Shape]
    edges: list[Edge]
    bounds: tuple[float, float, float, float]  # min x, min y, max x, max y (labels placed later may add)


@lru_cache(maxsize=64)
def read_layout(content: bytes) -> Layout | None:
    """Everything the drawing needs, read once per diagram content (a version never changes)."""
    root = parse_untrusted(content, MAX_BYTES).getroot()
    elements = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str)
                and el.tag.startswith(f"{{{BPMN}}}") and el.get("id")}
    plane = _main_plane(root, elements)
    if plane is None:
        return None
    shapes, edges = [], []
    defaults = {el.get("default") for el in elements.values() if el.get("default")}
    for node in plane:
        if node.tag == f"{{{BPMNDI}}}BPMNShape":
            shape = _shape(node, elements)
            if shape is not None:
                shapes.append(shape)
        elif node.tag == f"{{{BPMNDI}}}BPMNEdge":
            edge = _edge(node, elements, defaults)
            if edge is not None:
                edges.append(edge)
    if not shapes:
        return None
    # Containers first so that what sits inside them is drawn on top.
    order = {"participant": 0, "lane": 1}
    shapes.sort(key=lambda s: (order.get(s.kind, 3 if s.kind not in SUBPROCESSES else 2),
                               -(s.w * s.h) if s.kind in SUBPROCESSES else 0))
    xs = [s.x for s in shapes] + [p[0] for e in edges for p in e.points]
    ys = [s.y for s in shapes] + [p[1] for e in edges for p in e.points]
    xe = [s.x + s.w for s in shapes] + [p[0] for e in edges for p in e.points]
    ye = [s.y + s.h for s in shapes] + [p[1] for e in edges for p in e.points]
    for label in [s.label for s in shapes] + [e.label for e in edges]:
        if label:
            xs.append(label[0]); ys.append(label[1])
            xe.append(label[0] + label[2]); ye.append(label[1] + label[3])
    return Layout(shapes, edges, (min(xs), min(ys), max(xe), max(ye)))


def _main_plane(root, elements):
    """The plane of the top-level collaboration or process (drill-down planes of sub-processes are skipped)."""
    planes = root.findall(f"{{{BPMNDI}}}BPMNDiagram/{{{BPMNDI}}}BPMNPlane")
    for plane in planes:
        target = elements.get(plane.get("bpmnElement"))
        if target is not None and etree.QName(target).localname in ("collaboration", "process"):
            return plane
    return planes[0] if planes else None


def _bounds(node) -> tuple[float, float, float, float] | None:
    b = node.find(f"{{{DC}}}Bounds")
    if b is None:
        return None
    try:
        return tuple(_coordinate(b.get(k, "0")) for k in ("x", "y", "width", "height"))
    except ValueError:
        return None


def _coordinate(text) -> float:
    """A number of the drawing; NaN, infinities and the absurdly far are no layout (ValueError)."""
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_COORDINATE:
        raise ValueError(text)
    return value


def _shape(node, elements) -> Shape | None:
    element = elements.get(node.get("bpmnElement"))
    bounds = _bounds(node)
    if element is None or bounds is None:
        return None
    kind = etree.QName(element).localname
    label_node = node.find(f"{{{BPMNDI}}}BPMNLabel")
    shape = Shape(element_id=element.get("id"), kind=kind, x=bounds[0], y=bounds[1], w=bounds[2], h=bounds[3],
                  name=_name(element), horizontal=node.get("isHorizontal", "true") != "false",
                  label=_bounds(label_node) if label_node is not None else None)
    expanded = node.get("isExpanded")
    shape.expanded = None if expanded is None else expanded == "true"
    if kind in TASKS | SUBPROCESSES:
        if element.find(f"{{{BPMN}}}standardLoopCharacteristics") is not None:
            shape.markers.append("loop")
        mi = element.find(f"{{{BPMN}}}multiInstanceLoopCharacteristics")
        if mi is not None:
            shape.markers.append("sequential-mi" if mi.get("isSequential") == "true" else "parallel-mi")
    if kind in START_EVENTS | END_EVENTS | INTERMEDIATE_EVENTS:
        for child in element:
            if isinstance(child.tag, str) and child.tag.endswith("EventDefinition"):
                shape.markers.append(etree.QName(child).localname.removesuffix("EventDefinition"))
        shape.non_interrupting = (kind == "boundaryEvent" and element.get("cancelActivity") == "false") or (
            kind == "startEvent" and element.get("isInterrupting") == "false")
    return shape


def _name(element) -> str:
    if etree.QName(element).localname == "textAnnotation":
        text = element.find(f"{{{BPMN}}}text")
        return (text.text or "").strip() if text is not None else ""
    return (element.get("name") or "").strip()


def _edge(node, elements, defaults) -> Edge | None:
    element = elements.get(node.get("bpmnElement"))
    points = []
    for wp in node.findall(f"{{{DI}}}waypoint"):
        try:
            points.append((_coordinate(wp.get("x")), _coordinate(wp.get("y"))))
        except (TypeError, ValueError):
            return None
    if element is None or len(points) < 2:
        return None
    label_node = node.find(f"{{{BPMNDI}}}BPMNLabel")
    return Edge(element_id=element.get("id"), kind=etree.QName(element).localname, points=points,
                name=_name(element), label=_bounds(label_node) if label_node is not None else None,
                is_default=element.get("id") in defaults)
