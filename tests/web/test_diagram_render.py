"""The server-side diagram: what a reader of the SVG sees, read back with an XML parser."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.procedures.safe_xml import UnsafeXml
from webapp.diagram import render_diagram

SAMPLE = (Path(__file__).parent / "diagram_sample.bpmn").read_text(encoding="utf-8")
REFERENCE = Path(__file__).parents[2] / "workflows" / "bpmn" / "dang_ky_ket_hon.bpmn"
SVG = {"s": "http://www.w3.org/2000/svg"}


def _svg(xml=SAMPLE, **kwargs):
    return etree.fromstring(render_diagram(xml, **kwargs).encode("utf-8"))


def _group(svg, element_id):
    found = svg.xpath(f"//s:g[@data-element-id='{element_id}']", namespaces=SVG)
    assert len(found) == 1, element_id
    return found[0]


def _classes(group):
    return set(group.get("class").split())


def test_every_element_with_a_layout_is_drawn_with_its_kind():
    svg = _svg()
    kinds = {g.get("data-element-id"): _classes(g) for g in svg.xpath("//s:g[@data-element-id]", namespaces=SVG)}
    assert {"participant"} <= kinds["pool_commune"] and {"participant"} <= kinds["pool_tax"]
    assert {"lane"} <= kinds["Lane_leader"]
    assert {"userTask"} <= kinds["appraise"]
    assert {"subProcess"} <= kinds["review_loop"]
    assert {"exclusiveGateway"} <= kinds["decision_gateway"]
    assert {"boundaryEvent", "non-interrupting"} <= kinds["reminder"]
    assert {"sequenceFlow"} <= kinds["flow_approved"]
    assert {"messageFlow"} <= kinds["flow_to_tax"]
    assert {"association"} <= kinds["note_link"]
    assert {"textAnnotation"} <= kinds["note"]


def test_shapes_sit_where_the_modeller_put_them():
    svg = _svg()
    rect = _group(svg, "appraise").find("s:rect", SVG)
    assert (rect.get("x"), rect.get("y"), rect.get("width"), rect.get("height")) == ("360", "240", "100", "80")
    circle = _group(svg, "start").find("s:circle", SVG)
    assert (circle.get("cx"), circle.get("cy"), circle.get("r")) == ("200", "130", "18")
    diamond = _group(svg, "decision_gateway").find("s:polygon", SVG)
    assert diamond.get("points") == "740,265 765,290 740,315 715,290"


def test_edges_follow_their_waypoints_and_sequence_flows_end_in_an_arrow():
    svg = _svg()
    line = _group(svg, "flow_start_review").find("s:polyline", SVG)
    assert line.get("points") == "218,130 240,130 240,280 260,280"
    assert line.get("marker-end") == "url(#bpmn-arrow)"
    assert svg.xpath("//s:marker[@id='bpmn-arrow']", namespaces=SVG)
    message = _group(svg, "flow_to_tax").find("s:polyline", SVG)
    assert message.get("marker-end") == "url(#bpmn-open-arrow)"
    # The default flow out of the gateway carries its slash; the conditional one does not.
    assert len(_group(svg, "flow_refused").findall("s:path", SVG)) == 1
    assert not _group(svg, "flow_approved").findall("s:path", SVG)


def test_labels_are_there_with_their_vietnamese_names():
    svg = _svg()
    text = "".join(_group(svg, "return_result").itertext())
    assert "Trả kết quả" in text and "cho công dân" in text
    assert "Phê duyệt?" in "".join(_group(svg, "decision_gateway").itertext())
    assert "Đồng ý" in "".join(_group(svg, "flow_approved").itertext())
    lines = [span.text for span in _group(svg, "note").iterfind(".//s:tspan", SVG)]
    assert " ".join(lines) == "Trả lại thì thẩm định lại"


def test_done_and_current_steps_are_marked_and_nothing_else():
    svg = _svg(done=["appraise", "approve"], current=["approve", "return_result"])
    assert "done" in _classes(_group(svg, "appraise"))
    # Sent back and open again: current wins over done.
    assert "current" in _classes(_group(svg, "approve")) and "done" not in _classes(_group(svg, "approve"))
    assert "current" in _classes(_group(svg, "return_result"))
    marked = [g.get("data-element-id") for g in svg.xpath("//s:g[@data-element-id]", namespaces=SVG)
              if _classes(g) & {"done", "current"}]
    assert sorted(marked) == ["appraise", "approve", "return_result"]
    assert "đang xử lý" in _group(svg, "return_result").find("s:title", SVG).text


def test_names_are_escaped_not_interpreted():
    hostile = SAMPLE.replace('name="Phê duyệt"', 'name="&lt;script&gt;alert(1)&lt;/script&gt;"')
    out = render_diagram(hostile)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "Chi cục Thuế &lt;đối tác&gt;" in out  # the partner pool's title keeps its angle brackets as text


def test_a_file_without_layout_gives_no_diagram():
    without_di = SAMPLE[:SAMPLE.index("<bpmndi:BPMNDiagram")] + "</bpmn:definitions>\n"
    assert render_diagram(without_di) is None


def test_hostile_xml_is_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><bpmn:definitions ' \
           'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&a;</bpmn:definitions>'
    with pytest.raises(UnsafeXml):
        render_diagram(bomb)


def test_the_view_box_holds_every_shape():
    svg = _svg()
    x, y, w, h = (float(v) for v in svg.get("viewBox").split())
    assert x <= 100 and y <= 40 and x + w >= 1080 and y + h >= 590


def test_the_reference_procedure_renders_when_it_has_a_layout():
    xml = REFERENCE.read_text(encoding="utf-8")
    if "BPMNDiagram" not in xml:
        pytest.skip("the reference procedure has no BPMN DI yet")
    svg = _svg(xml, current=["appraise"])
    assert "current" in _classes(_group(svg, "appraise"))
    for step in ("approve", "record_marriage", "return_result"):
        assert "userTask" in _classes(_group(svg, step))


def test_lanes_named_by_role_code_get_its_label_and_other_lanes_keep_their_name(app):
    from webapp.i18n import role_label
    xml = SAMPLE.replace('name="leader"', 'name="Tổ một cửa"')
    with app.test_request_context():
        svg = _svg(xml, lane_label=role_label)
    assert _group(svg, "Lane_specialist").find("s:text", SVG).text == "Chuyên viên"
    assert _group(svg, "Lane_leader").find("s:text", SVG).text == "Tổ một cửa"
    assert _group(svg, "Lane_specialist").find("s:title", SVG).text == "Chuyên viên"


def test_labels_outside_a_shape_stay_inside_its_lane():
    """A start event near the bottom of its lane: its two-line name goes above it, not across the
    lane's bottom edge into the next lane."""
    xml = REFERENCE.read_text(encoding="utf-8")
    svg = _svg(xml)
    lane = _group(svg, "Lane_reception").find("s:rect", SVG)
    lane_bottom = float(lane.get("y")) + float(lane.get("height"))
    label = _group(svg, "start").find("s:text", SVG)
    last_line = float(label.findall("s:tspan", SVG)[-1].get("y"))
    assert last_line + 7 < lane_bottom
    circle = _group(svg, "start").find("s:circle", SVG)
    assert last_line < float(circle.get("cy")) - float(circle.get("r"))  # above the event


def _label_box(text):
    """The label's lines as the drawing measures them (centred on their x, middle on their y)."""
    from webapp.diagram.text import line_height, text_width
    size = float(text.get("font-size", "12"))
    anchor = {"start": 0.0, "middle": 0.5, "end": 1.0}[text.get("text-anchor", "start")]
    boxes = [(float(span.get("x")) - text_width(span.text, size) * anchor, float(span.get("y")) - line_height(size) / 2,
              float(span.get("x")) + text_width(span.text, size) * (1 - anchor),
              float(span.get("y")) + line_height(size) / 2)
             for span in text.findall("s:tspan", SVG)]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def test_a_flow_label_sits_beside_its_flow_not_on_it():
    svg = _svg(REFERENCE.read_text(encoding="utf-8"))
    # "Từ chối" goes up from the gateway: its label is beside the vertical line, not across it.
    refused = _group(svg, "flow_refused")
    points = [tuple(map(float, p.split(","))) for p in refused.find("s:polyline", SVG).get("points").split()]
    x0, y0, x1, y1 = _label_box(refused.find("s:text", SVG))
    vertical_x = points[0][0]
    assert x0 > vertical_x or x1 < vertical_x
    assert min(abs(x0 - vertical_x), abs(x1 - vertical_x)) < 12
    assert min(points[0][1], points[1][1]) < y0 < y1 < max(points[0][1], points[1][1])
    # "Phê duyệt" goes right: its label is above or below the line, not on it.
    approved = _group(svg, "flow_approved")
    [line_y] = {float(p.split(",")[1]) for p in approved.find("s:polyline", SVG).get("points").split()}
    x0, y0, x1, y1 = _label_box(approved.find("s:text", SVG))
    assert y1 < line_y or y0 > line_y
