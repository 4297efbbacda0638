"""The diagram's names as a reader meets them: in the page's language (the procedure's catalogue
entry names them in English), wrapped inside their task, in their DI label bounds when the
file gives them, and otherwise clear of every shape, line and other label, in both languages."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from engine.commands import receive
from engine.commands.reception import Applicant
from engine.procedures import catalogue
from tests.conftest import BPMN_DIR
from webapp.diagram import render_diagram
from webapp.diagram.text import line_height, text_width

SVG = {"s": "http://www.w3.org/2000/svg"}
CATALOGUE_DIR = BPMN_DIR.parent / "catalogue"
SAMPLE = (Path(__file__).parent / "diagram_sample.bpmn").read_text(encoding="utf-8")
REFERENCE = BPMN_DIR / "dang_ky_ket_hon.bpmn"
# The partner agencies' own procedures (workflows/partners) are drawn on their English pages too.
DIAGRAMS = sorted([*BPMN_DIR.glob("*.bpmn"), *(BPMN_DIR.parent / "partners").glob("*.bpmn")])
ENGLISH = catalogue.english_names(CATALOGUE_DIR)
# A Vietnamese page names what is drawn as the diagram does; an English page by the catalogue.
LANGUAGES = {"vi": None, "en": (ENGLISH.element, ENGLISH.flow)}


def _svg(xml, name_label=None, **kwargs) -> etree._Element:
    if isinstance(name_label, tuple):
        name_label, kwargs["flow_label"] = name_label
    if name_label is not None:
        kwargs["name_label"] = name_label
    return etree.fromstring(render_diagram(xml, **kwargs).encode("utf-8"))


def _page_svg(html: str) -> etree._Element:
    return etree.fromstring(re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram".*?</svg>',
                                      html, re.S).group(0).encode("utf-8"))


def _group(svg, element_id):
    [group] = svg.xpath(f"//s:g[@data-element-id='{element_id}']", namespaces=SVG)
    return group


def _words(text_element) -> str:
    return " ".join(span.text for span in text_element.iterfind("s:tspan", SVG)) or text_element.text


def _line_boxes(text_element):
    """Each line's box as the drawing measures it: from its x as anchored, its middle on its y."""
    size = float(text_element.get("font-size", "12"))
    lh = line_height(size)
    anchor = {"start": 0.0, "middle": 0.5, "end": 1.0}[text_element.get("text-anchor", "start")]
    for span in text_element.iterfind("s:tspan", SVG):
        x, y, w = float(span.get("x")), float(span.get("y")), text_width(span.text, size)
        yield (x - w * anchor, y - lh / 2, x + w * (1 - anchor), y + lh / 2)


def _label_box(text_element):
    boxes = list(_line_boxes(text_element))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _inside(box, outer, tolerance=0.5) -> bool:
    return (box[0] >= outer[0] - tolerance and box[1] >= outer[1] - tolerance
            and box[2] <= outer[2] + tolerance and box[3] <= outer[3] + tolerance)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(segment, box) -> bool:
    """Whether an axis-parallel or slanted segment runs through the box (sampled finely)."""
    (ax, ay), (bx, by) = segment
    steps = max(2, int(max(abs(bx - ax), abs(by - ay))))
    return any(box[0] < ax + (bx - ax) * i / steps < box[2] and box[1] < ay + (by - ay) * i / steps < box[3]
               for i in range(steps + 1))


def _rect(element):
    x, y, w, h = (float(element.get(k)) for k in ("x", "y", "width", "height"))
    return (x, y, x + w, y + h)


# --- the page's language -----------------------------------------------------------------------------

def test_an_english_dossier_page_names_the_diagrams_steps_in_english(browser, demo):
    dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                      procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    appraise_en = ENGLISH.step("Thẩm định hồ sơ")
    record_en = ENGLISH.step("Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn")
    procedure_en = ENGLISH.procedure("Đăng ký kết hôn")
    assert appraise_en != "Thẩm định hồ sơ" and procedure_en != "Đăng ký kết hôn"
    officer = browser("chuyenvien")
    officer.post("/language", {"locale": "en"})
    svg = _page_svg(officer.text(f"/dossiers/{dossier.id}"))
    assert _words(_group(svg, "appraise").find("s:text", SVG)) == appraise_en
    assert _words(_group(svg, "record_marriage").find("s:text", SVG)) == record_en
    assert _group(svg, "appraise").find("s:title", SVG).text.startswith(appraise_en)
    drawn = " ".join(svg.itertext())
    assert "Thẩm định hồ sơ" not in drawn and "Ghi sổ hộ tịch" not in drawn
    assert svg.get("aria-label") == f"Process diagram of {procedure_en}"
    assert svg.find("s:title", SVG).text == f"Process diagram of {procedure_en}"
    # Events, gateways, the sub-process and the flows' labels by the entry's ``diagram_en``; a flow
    # called like a step ("Phê duyệt") by its own English, the branch taken.
    assert _words(_group(svg, "start").find("s:text", SVG)) == "Dossier received"
    assert _words(_group(svg, "decision_gateway").find("s:text", SVG)) == "Approve or refuse?"
    assert _words(_group(svg, "flow_approved").find("s:text", SVG)) == "Approved"
    assert _words(_group(svg, "approve").find("s:text", SVG)) == "Approve"
    assert not re.search(r"[À-ỹĐđ]", drawn), drawn  # nothing Vietnamese is left in the drawing

    officer.post("/language", {"locale": "vi"})
    svg = _page_svg(officer.text(f"/dossiers/{dossier.id}"))
    assert _words(_group(svg, "appraise").find("s:text", SVG)) == "Thẩm định hồ sơ"
    assert _words(_group(svg, "flow_approved").find("s:text", SVG)) == "Phê duyệt"
    assert appraise_en not in " ".join(svg.itertext()) and "Approved" not in " ".join(svg.itertext())
    assert svg.get("aria-label") == "Sơ đồ quy trình Đăng ký kết hôn"


def test_flows_lanes_and_other_shapes_are_not_renamed_as_steps():
    """``name_label`` names tasks, sub-processes, events and gateways; a flow that happens to be
    called like a step ("Phê duyệt") keeps its own name."""
    svg = _svg(REFERENCE.read_text(encoding="utf-8"), name_label=lambda name: f"<{name}>")
    assert _words(_group(svg, "approve").find("s:text", SVG)) == "<Phê duyệt>"
    assert _words(_group(svg, "decision_gateway").find("s:text", SVG)) == "<Phê duyệt hay từ chối?>"
    assert _words(_group(svg, "flow_approved").find("s:text", SVG)) == "Phê duyệt"
    assert _group(svg, "Lane_reception").find("s:text", SVG).text == "reception"


# --- inside a task -----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_every_task_name_is_wrapped_into_lines_inside_its_box(path, language):
    name_label = LANGUAGES[language]
    xml = path.read_text(encoding="utf-8")
    svg = _svg(xml, name_label=name_label)
    tasks = svg.xpath("//s:g[contains(concat(' ', @class, ' '), ' userTask ')]", namespaces=SVG)
    assert tasks
    for task in tasks:
        box = _rect(task.find("s:rect", SVG))
        text = task.find("s:text", SVG)
        name = task.find("s:title", SVG).text.split(" — ")[0]
        assert _words(text) == name  # every word there, none cut
        for line in _line_boxes(text):
            assert _inside(line, (box[0] + 2, box[1] + 2, box[2] - 2, box[3] - 2)), (task.get("data-element-id"), line)


def test_the_long_name_of_the_reference_procedures_recording_step_fits_its_box_in_both_languages():
    xml = REFERENCE.read_text(encoding="utf-8")
    for name_label in LANGUAGES.values():
        task = _group(_svg(xml, name_label=name_label), "record_marriage")
        box = _rect(task.find("s:rect", SVG))
        lines = list(_line_boxes(task.find("s:text", SVG)))
        assert len(lines) >= 3
        assert all(_inside(line, box) for line in lines)
        assert float(task.find("s:text", SVG).get("font-size", "12")) >= 10  # still readable


def test_a_name_too_long_for_any_font_size_is_cut_inside_the_box_not_past_it():
    xml = SAMPLE.replace('name="Thẩm định hồ sơ"', 'name="' + "Thẩm định hồ sơ rất dài " * 12 + '"')
    task = _group(_svg(xml), "appraise")
    box = _rect(task.find("s:rect", SVG))
    text = task.find("s:text", SVG)
    assert _words(text).endswith("…")
    assert all(_inside(line, box) for line in _line_boxes(text))


# --- labels in DI bounds -----------------------------------------------------------------------------

def test_a_label_with_di_bounds_is_placed_within_them():
    svg = _svg(SAMPLE)
    flow = _label_box(_group(svg, "flow_approved").find("s:text", SVG))
    assert _inside(flow, (745, 190, 745 + 40, 190 + 14))
    gateway = _label_box(_group(svg, "decision_gateway").find("s:text", SVG))
    assert _inside(gateway, (710, 322, 710 + 60, 322 + 14))


def test_a_label_wider_than_its_di_bounds_is_wrapped_to_their_width():
    xml = SAMPLE.replace('name="Đồng ý"', 'name="Đồng ý, chuyển sang trả kết quả"').replace(
        '<dc:Bounds x="745" y="190" width="40" height="14" />', '<dc:Bounds x="745" y="160" width="40" height="80" />')
    text = _group(_svg(xml), "flow_approved").find("s:text", SVG)
    assert _words(text) == "Đồng ý, chuyển sang trả kết quả"
    assert _inside(_label_box(text), (745, 160, 785, 240))


# --- everywhere else: clear of everything ------------------------------------------------------------

def _obstacles(svg):
    """Every shape's outline and every line of the drawing, read from the SVG."""
    solids, segments = {}, []
    for group in svg.xpath("//s:g[@data-element-id]", namespaces=SVG):
        key, classes = group.get("data-element-id"), set(group.get("class").split())
        outline = group.find("*[@class='outline']")
        if classes & {"lane", "participant", "subProcess"}:
            x0, y0, x1, y1 = _rect(outline)
            segments += [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))]
        elif outline is not None and outline.tag == f"{{{SVG['s']}}}rect":
            solids[key] = _rect(outline)
        elif outline is not None and outline.tag == f"{{{SVG['s']}}}circle":
            cx, cy, r = (float(outline.get(k)) for k in ("cx", "cy", "r"))
            solids[key] = (cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8)  # the circle's core
        elif outline is not None and outline.tag == f"{{{SVG['s']}}}polygon":
            points = [tuple(map(float, p.split(","))) for p in outline.get("points").split()]
            cx, (right, cy) = points[0][0], points[1]
            half = (right - cx) / 2
            solids[key] = (cx - half, cy - half, cx + half, cy + half)  # the diamond's core
        line = group.find("s:polyline", SVG)
        if line is not None:
            points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
            segments += list(zip(points, points[1:]))
    return solids, segments


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_no_label_runs_over_a_shape_a_line_or_another_label(path, language):
    svg = _svg(path.read_text(encoding="utf-8"), name_label=LANGUAGES[language])
    solids, segments = _obstacles(svg)
    labels = {text.getparent().get("data-element-id"): _label_box(text)
              for text in svg.xpath("//s:text[@class='label']", namespaces=SVG)}
    assert labels
    for key, box in labels.items():
        for other, solid in solids.items():
            assert not _overlaps(box, solid), f"{key}'s label runs over {other}"
        for segment in segments:
            assert not _crosses(segment, box), f"{key}'s label runs across the line {segment}"
        for other, other_box in labels.items():
            assert other == key or not _overlaps(box, other_box), f"{key}'s label runs over {other}'s"
    x, y, w, h = (float(v) for v in svg.get("viewBox").split())
    assert all(_inside(box, (x, y, x + w, y + h)) for box in labels.values())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_a_label_outside_a_shape_breaks_between_words_never_inside_one(path, language):
    """It has room to move, so it never reads "Appro / ved"."""
    svg = _svg(path.read_text(encoding="utf-8"), name_label=LANGUAGES[language])
    labels = svg.xpath("//s:text[@class='label']", namespaces=SVG)
    assert labels
    # Every whole word a label may show: the diagram's names, and in English their catalogue names.
    shown = {(name, ENGLISH.element(name), ENGLISH.flow(name)) if language == "en" else (name,)
             for name in etree.parse(str(path)).xpath("//@name")}
    words = {word for names in shown for name in names for word in name.split()}
    for text in labels:
        for word in _words(text).split():
            assert word in words or word.endswith("…"), f"{word!r} is a piece of a word"


def test_the_audits_overlaps_on_the_reference_diagram_are_gone():
    """What the browser audit saw at 1280 px: "Phê duyệt" ran into the recording task's box and
    "Yêu cầu bổ sung" across the lane border between reception and specialist."""
    svg = _svg(REFERENCE.read_text(encoding="utf-8"))
    approved = _label_box(_group(svg, "flow_approved").find("s:text", SVG))
    assert not _overlaps(approved, _rect(_group(svg, "record_marriage").find("s:rect", SVG)))
    supplement = _label_box(_group(svg, "flow_supplement_wait").find("s:text", SVG))
    border = _rect(_group(svg, "Lane_reception").find("s:rect", SVG))[3]
    assert supplement[3] < border or supplement[1] > border
    # Each beside its own line: no further from it than a line's height.
    for flow in ("flow_approved", "flow_refused", "flow_supplement_wait", "flow_sufficient"):
        group = _group(svg, flow)
        points = [tuple(map(float, p.split(","))) for p in group.find("s:polyline", SVG).get("points").split()]
        box = _label_box(group.find("s:text", SVG))
        assert any(_crosses(segment, (box[0] - 12, box[1] - 12, box[2] + 12, box[3] + 12))
                   for segment in zip(points, points[1:])), flow


# --- the measure ---------------------------------------------------------------------------------------

def test_text_is_measured_no_narrower_than_the_widest_font_the_page_may_get():
    """The drawing measures text as DejaVu Sans sets it (what system-ui falls back to on Linux)."""
    font_file = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    image_font = pytest.importorskip("PIL.ImageFont")
    if not font_file.exists():
        pytest.skip("DejaVu Sans is not installed here")
    font = image_font.truetype(str(font_file), 120)
    names = set(ENGLISH.steps) | set(ENGLISH.steps.values()) | {"Đăng ký thường trú cho trẻ", "Ơ Ư ơ ư Đ đ Ấ ỹ"}
    for name in names:
        assert text_width(name, 12) >= font.getlength(name) / 10 - 0.01, name
