"""The modeller's and administrator's pages name steps and form fields as the officers read them,
in the page's language, not by their BPMN ids or JSON keys (found by a browser audit of the
modeller's pages): the trial run's problems, the fields a version changed on the compare page,
why a dossier cannot move to another version (Vietnamese with step ids on every page before)."""
from __future__ import annotations

import html
import json
import re

from engine import commands
from engine.commands import procedures as lifecycle
from engine.commands.reception import Applicant
from engine.models import WorkItem
from tests.bpmn_samples import FORMS, reference_xml

BAD_ALLOTMENT = reference_xml().replace('<spiffworkflow:property name="allotment" value="2 working days" />',
                                        '<spiffworkflow:property name="allotment" value="2 ngay" />', 1)
# Version 2 has no step "approve" (renamed everywhere the diagram names it).
WITHOUT_APPROVE = re.sub(r'(="|>)approve(["<])', r"\1approve_v2\2", reference_xml())
APPRAISAL = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."}


def visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))




def test_the_trial_runs_problems_name_their_step(browser, demo):
    modeller = browser("thietke")
    assert modeller.post_json("/procedures/drafts", {"xml": BAD_ALLOTMENT}).status_code == 200
    answer = modeller.post("/procedures/dang_ky_ket_hon/try", {"source": "draft"}).get_data(as_text=True)
    assert "Thẩm định hồ sơ : Thời gian được phân bổ «2 ngay»" in visible(answer)
    assert "appraise" not in visible(answer)
    answer = modeller.english().post("/procedures/dang_ky_ket_hon/try", {"source": "draft"}).get_data(as_text=True)
    assert "Appraise the dossier : The time allotted to the step (allotment) “2 ngay” is not a time limit" in visible(answer)


def _publish_with_a_field_renamed_and_one_added(demo):
    form = json.loads((FORMS / "ket_hon_tham_dinh.json").read_text(encoding="utf-8"))
    form["properties"]["appraisal_opinion"]["title"] = "Ý kiến thẩm định của chuyên viên"
    form["properties"]["extra_note"] = {"type": "string", "title": "Ghi chú thêm", "x-title-en": "Extra note"}
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=reference_xml(), forms_dir=FORMS,
                      forms={"ket_hon_tham_dinh.json": form})


def test_the_compare_page_names_the_fields_a_version_changed(browser, demo):
    _publish_with_a_field_renamed_and_one_added(demo)
    modeller = browser("thietke")
    page = visible(modeller.get("/procedures/dang_ky_ket_hon/compare?old=1&new=2").get_data(as_text=True))
    assert "thêm trường Ghi chú thêm." in page
    assert "sửa trường Ý kiến thẩm định của chuyên viên." in page
    assert "extra_note" not in page and "appraisal_opinion" not in page
    page = visible(modeller.english().get("/procedures/dang_ky_ket_hon/compare?old=1&new=2").get_data(as_text=True))
    assert "fields added: Extra note." in page and "fields changed: Appraisal opinion." in page


def _dossier_at_approval(demo):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Trần Thị Bình"))
    with demo.motcua.read_session() as s:
        item = s.query(WorkItem).filter_by(dossier_id=dossier.id, state="open").one()
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)
    return dossier


def test_why_a_dossier_cannot_move_names_its_step_in_the_pages_language(browser, demo):
    dossier = _dossier_at_approval(demo)
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=WITHOUT_APPROVE, forms_dir=FORMS)
    admin = browser("admin")
    page = visible(admin.get("/procedures/dang_ky_ket_hon/move?source=1&target=2").get_data(as_text=True))
    assert f"{dossier.code}: bước đang mở «Phê duyệt» không có trong phiên bản 2" in page
    page = visible(admin.english().get("/procedures/dang_ky_ket_hon/move?source=1&target=2").get_data(as_text=True))
    assert f"{dossier.code}: its open step “Approve” is not in version 2" in page
    assert "bước" not in page and " approve " not in page
