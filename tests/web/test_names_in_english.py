"""Procedures and steps are named in the page's language: on an English page, by their English
names from the procedure's catalogue entry (``name``, ``steps_en``), wherever they are named; on a
Vietnamese page, and where the entry gives none, as the diagram names them."""
from __future__ import annotations

import re

from lxml import etree

from engine.commands import reassign, receive
from engine.commands.reception import Applicant
from engine.procedures import catalogue
from tests.page_text import shown_notices
from tests.conftest import BPMN_DIR
from tests.web.conftest import page_text

CATALOGUE_DIR = BPMN_DIR.parent / "catalogue"
# The citizens' procedures and the partner agencies' own (``motcua demo --as bhxh``), whose officers
# read English pages too.
SHIPPED = sorted([*BPMN_DIR.glob("*.bpmn"), *(BPMN_DIR.parent / "partners").glob("*.bpmn")])
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def test_an_officer_reads_the_steps_in_english_on_an_english_page(browser, receive_dossier):
    code, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post("/language", {"locale": "en"})
    inbox = minh.text("/inbox?tab=unclaimed")
    assert re.search(r">Marriage registration</td>\s*<td[^>]*>Appraise the dossier</td>", inbox)
    claimed = minh.post(f"/tasks/{item}/claim", follow_redirects=True)
    page = page_text(claimed)
    assert "You have claimed the step “Appraise the dossier”." in page
    assert "<h1>Appraise the dossier <span" in page
    assert "Thẩm định hồ sơ" not in page  # nor in the history's "Claim: …"
    minh.post("/language", {"locale": "vi"})
    assert "<h1>Thẩm định hồ sơ <span" in minh.text(f"/tasks/{item}")


def test_the_citizen_tracking_a_dossier_reads_its_step_in_english(browser, demo):
    dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                      procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Lê Thị Cúc", id_number="001190004567"))
    visitor = browser()
    visitor.post("/language", {"locale": "en"})
    found = page_text(visitor.post("/tra-cuu", {"code": dossier.code, "second_factor": "001190004567"}))
    assert "Appraise the dossier" in found and "Thẩm định hồ sơ" not in found
    assert "<dd>Marriage registration</dd>" in found and "Đăng ký kết hôn" not in found


def test_an_english_step_name_that_is_not_one_line_of_text_is_a_problem_of_the_entry():
    for names in ({"Thẩm định hồ sơ": ""}, {"Thẩm định hồ sơ": "Appraise\nthe dossier"}, ["Appraise"],
                  {"Thẩm định hồ sơ": 5}):
        assert any("“steps_en”" in en for en, _vi in catalogue.problems({"steps_en": names}))
    assert not any("“steps_en”" in en for en, _vi in catalogue.problems({"steps_en": {"Phê duyệt": "Approve"}}))


def test_every_step_of_every_shipped_procedure_has_its_english_name():
    names = catalogue.english_names(CATALOGUE_DIR).steps
    missing = {}
    for path in SHIPPED:
        entry = catalogue.load(CATALOGUE_DIR)[path.stem]
        for task in etree.parse(str(path)).iter(f"{BPMN}userTask"):
            if task.get("name") not in entry.get("steps_en", {}):
                missing.setdefault(path.stem, []).append(task.get("name"))
    assert missing == {}
    assert names["Thẩm định hồ sơ"] == "Appraise the dossier"


def test_an_officers_notification_names_the_step_in_the_pages_language(browser, demo, receive_dossier):
    code, item = receive_dossier()
    reassign(demo.motcua.uow(), actor_id=demo.users["giamsat"], work_item_id=item, to_user_id=demo.users["chuyenvien2"])
    officer = browser("chuyenvien2")
    assert f"Bạn được giao bước “Thẩm định hồ sơ” của hồ sơ {code}." in shown_notices(officer.text("/notifications"))
    officer.post("/language", {"locale": "en"})
    page = officer.text("/notifications")
    assert f"You were assigned step “Appraise the dossier” of dossier {code}." in shown_notices(page)
    assert "Thẩm định hồ sơ" not in page


def test_the_modellers_and_the_stop_page_name_the_procedure_in_english(browser, demo):
    dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                      procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Lê Thị Cúc"))
    modeller, leader = browser("thietke"), browser("lanhdao")
    for reader in (modeller, leader):
        reader.post("/language", {"locale": "en"})
    listed = modeller.text("/procedures")
    assert ">Marriage registration</a>" in listed and "Đăng ký kết hôn" not in listed
    assert "<h1>Marriage registration</h1>" in modeller.text("/procedures/dang_ky_ket_hon")
    assert "<dd>Marriage registration</dd>" in leader.text(f"/dossiers/{dossier.id}/stop")
    modeller.post("/language", {"locale": "vi"})
    assert "<h1>Đăng ký kết hôn</h1>" in modeller.text("/procedures/dang_ky_ket_hon")


def test_required_documents_and_fields_are_named_in_english_where_the_catalogue_has_them(browser, demo):
    """The counter's checklist, the dossier's documents and the periodic report's fields (lĩnh
    vực) in English; a document the officer named at the counter keeps the officer's words, and
    what the form sends stays the Vietnamese name the procedure declares."""
    from tests.web.test_reception_page import FORM, _dossiers
    counter = browser("tiepnhan")
    counter.post("/language", {"locale": "en"})
    form = counter.text("/reception/new?procedure_key=dang_ky_ket_hon")
    assert re.search(r'value="Tờ khai đăng ký kết hôn"[^>]*>\s*<label for="check-1">Marriage registration declaration<',
                     form)
    assert counter.post("/reception/new", FORM).status_code == 302
    [dossier] = _dossiers(demo)
    page = counter.text(f"/dossiers/{dossier.id}")
    assert ">Marriage registration declaration</td>" in page and ">Ảnh chân dung 4x6</td>" in page
    assert "Tờ khai đăng ký kết hôn" not in page
    leader = browser("lanhdao")
    leader.post("/language", {"locale": "en"})
    report = leader.text("/statistics/report")
    assert '<th scope="row">Civil status</th>' in report and "Hộ tịch" not in report
    counter.post("/language", {"locale": "vi"})
    assert ">Tờ khai đăng ký kết hôn</td>" in counter.text(f"/dossiers/{dossier.id}")


def test_the_counter_is_told_in_english_which_required_documents_are_missing(browser, demo):
    from tests.web.test_reception_page import FORM
    counter = browser("tiepnhan")
    counter.post("/language", {"locale": "en"})
    refused = page_text(counter.post("/reception/new", {**FORM, "checklist": []}))
    assert ("Required documents are missing, so the dossier cannot be received yet: Marriage registration "
            "declaration; Copies of both partners’ identity cards.") in refused.replace("'", "’")
    counter.post("/language", {"locale": "vi"})
    refused = page_text(counter.post("/reception/new", {**FORM, "checklist": []}))
    assert "Còn thiếu giấy tờ bắt buộc nên chưa thể tiếp nhận: Tờ khai đăng ký kết hôn; Bản sao Căn cước" in refused


def test_everything_a_shipped_diagram_names_has_its_english_name():
    """Pools, events, gateways, sub-processes and flows' labels: by ``diagram_en`` (steps by
    ``steps_en`` above), so an English page's diagram reads English throughout."""
    from webapp.diagram.layout import read_layout
    missing = {}
    for path in SHIPPED:
        entry = catalogue.load(CATALOGUE_DIR)[path.stem]
        layout = read_layout(path.read_bytes())
        shapes = {s.name for s in layout.shapes if s.name and s.kind != "lane"}  # a lane is a role
        flows = {e.name for e in layout.edges if e.name}
        missing[path.stem] = sorted(shapes - set(entry.get("steps_en", {})) - set(entry.get("diagram_en", {}))) \
            + sorted(flows - set(entry.get("diagram_en", {})))
    assert {key: names for key, names in missing.items() if names} == {}


def test_an_english_diagram_name_that_is_not_one_line_of_text_is_a_problem_of_the_entry():
    assert any("“diagram_en”" in en for en, _vi in catalogue.problems({"diagram_en": {"Đủ hồ sơ": "Dossier\ncomplete"}}))
    assert not any("“diagram_en”" in en for en, _vi in catalogue.problems({"diagram_en": {"Đủ hồ sơ": "Complete"}}))
