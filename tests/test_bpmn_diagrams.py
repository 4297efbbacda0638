"""Every procedure file carries a complete diagram (BPMN DI), so bpmn-js, Camunda Modeler and our
own server-side rendering draw it as the modeller laid it out."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.config import PROJECT_ROOT

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
FLOW_NODES = ("startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent",
              "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
              "task", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
              "eventBasedGateway")
# Partners' own procedures (workflows/partners/, loaded by `motcua demo --as …`) are drawn to the same standard.
FILES = sorted([*(PROJECT_ROOT / "workflows" / "bpmn").glob("*.bpmn"),
                *(PROJECT_ROOT / "workflows" / "partners").glob("*.bpmn")])


class Diagram:
    def __init__(self, path: Path):
        self.root = etree.parse(str(path)).getroot()
        [self.plane] = self.root.findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
        self.shapes, self.edges = {}, {}
        for shape in self.plane.findall("bpmndi:BPMNShape", NS):
            assert shape.get("bpmnElement") not in self.shapes, f"two shapes for {shape.get('bpmnElement')}"
            b = shape.find("dc:Bounds", NS)
            self.shapes[shape.get("bpmnElement")] = (shape, tuple(float(b.get(k)) for k in ("x", "y", "width", "height")))
        for edge in self.plane.findall("bpmndi:BPMNEdge", NS):
            points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
            self.edges[edge.get("bpmnElement")] = points

    def elements(self, *tags):
        return [el for tag in tags for el in self.root.iter(f"{{{BPMN}}}{tag}")]


def inside(inner, outer, slack=0.5) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox - slack <= x and oy - slack <= y and x + w <= ox + ow + slack and y + h <= oy + oh + slack


def on_border(point, bounds, slack=1.0) -> bool:
    px, py = point
    x, y, w, h = bounds
    within = x - slack <= px <= x + w + slack and y - slack <= py <= y + h + slack
    return within and min(abs(px - x), abs(px - x - w), abs(py - y), abs(py - y - h)) <= slack


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_element_has_its_shape_or_edge(path):
    d = Diagram(path)
    collaboration = d.root.find("bpmn:collaboration", NS)
    top = collaboration if collaboration is not None else d.root.find("bpmn:process", NS)
    assert d.plane.get("bpmnElement") == top.get("id")
    wanted = [el.get("id") for el in d.elements(*FLOW_NODES, "lane", "participant")]
    assert sorted(set(wanted) - set(d.shapes)) == []
    assert sorted(set(d.shapes) - set(wanted)) == []  # no shape left over from a deleted element
    flows = [el.get("id") for el in d.elements("sequenceFlow", "messageFlow")]
    assert sorted(set(flows) ^ set(d.edges)) == []
    for shape, (x, y, w, h) in d.shapes.values():
        assert w > 0 and h > 0
    for sub in d.elements("subProcess"):
        assert d.shapes[sub.get("id")][0].get("isExpanded") == "true"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_shapes_sit_in_their_lane_pool_and_subprocess(path):
    d = Diagram(path)
    for lane in d.elements("lane"):
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            node = d.root.find(f".//*[@id='{ref.text.strip()}']")
            bounds, lane_bounds = d.shapes[ref.text.strip()][1], d.shapes[lane.get("id")][1]
            if node.tag == f"{{{BPMN}}}subProcess":
                # An expanded sub-process may span lanes (its children follow their own lanes):
                # it only has to start in the lane that lists it.
                assert lane_bounds[1] <= bounds[1] <= lane_bounds[1] + lane_bounds[3], ref.text
            else:
                assert inside(bounds, lane_bounds), ref.text
    for participant in d.elements("participant"):
        if not participant.get("processRef"):
            continue  # an external partner's pool (a black box): no lanes to place
        process = d.root.find(f"bpmn:process[@id='{participant.get('processRef')}']", NS)
        for lane in process.iter(f"{{{BPMN}}}lane"):
            assert inside(d.shapes[lane.get("id")][1], d.shapes[participant.get("id")][1]), lane.get("id")
    for sub in d.elements("subProcess"):
        for child in sub:
            if child.get("id") in d.shapes:
                assert inside(d.shapes[child.get("id")][1], d.shapes[sub.get("id")][1]), child.get("id")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_edges_join_their_source_and_target_left_to_right(path):
    d = Diagram(path)
    for flow in d.elements("sequenceFlow", "messageFlow"):
        points = d.edges[flow.get("id")]
        source, target = d.shapes[flow.get("sourceRef")][1], d.shapes[flow.get("targetRef")][1]
        assert len(points) >= 2
        assert on_border(points[0], source) and on_border(points[-1], target), flow.get("id")
        # Orthogonal segments only: what a reader expects from a laid-out diagram.
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(points, points[1:])), flow.get("id")
        if flow.tag == f"{{{BPMN}}}sequenceFlow":
            assert target[0] + target[2] / 2 > source[0] + source[2] / 2, f"{flow.get('id')} runs backwards"
