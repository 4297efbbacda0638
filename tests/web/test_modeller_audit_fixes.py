"""The modeller's workbench says what it has to say in the page's language (audit 2, D8, D9, D11,
D12, D20, D21, D10's list on opening): the trial run by step names and warning kinds, the checker's
refusals as plain advice, no new version when nothing changed, change summaries and refusals
translated, the procedure by its English name, the draft's time in the agency's zone."""
from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.commands import procedures as lifecycle
from engine.models import ProcedureDraft, ProcedureVersion
from tests.bpmn_samples import FORMS, reference_xml
from tests.page_text import table_rows

DANGLING = reference_xml().replace('<bpmn:sequenceFlow id="flow_start_review" sourceRef="start" targetRef="review_loop" />',
                                   '<bpmn:sequenceFlow id="flow_start_review" sourceRef="start" targetRef="khong_ton_tai" />')
RENAMED = reference_xml().replace('name="Thẩm định hồ sơ"', 'name="Thẩm định hồ sơ (mẫu mới)"')




def visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# ---- D8: the trial run -------------------------------------------------------------------------

def test_the_trial_run_names_steps_and_warnings_in_the_pages_language(browser, demo):
    modeller = browser("thietke")
    page = visible(modeller.post("/procedures/dang_ky_ket_hon/try", {"source": "active"}).get_data(as_text=True))
    assert "Mọi bước đều đúng như kịch bản." in page
    assert "Bước đang mở: Thẩm định hồ sơ ·" in page
    assert "Cảnh báo: Bước sắp đến hạn, Bước quá hạn" in page
    assert "Tiếp nhận hồ sơ — đúng" in page and "Chờ 1,6 ngày làm việc — đúng" in page
    assert "Hoàn thành bước «Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn» — đúng" in page
    assert not re.search(r"\b(appraise|record_marriage|return_result|warning|overdue|receive)\b", page)

    page = visible(modeller.english().post("/procedures/dang_ky_ket_hon/try", {"source": "active"}).get_data(as_text=True))
    assert "Open steps: Appraise the dossier ·" in page
    assert "Step due soon, Step overdue" in page and "Wait 1.6 working days" in page
    assert not re.search(r"\bappraise\b", page) and "warning, overdue" not in page


def test_a_draft_that_cannot_run_says_why_in_the_pages_language(browser, demo):
    modeller = browser("thietke")
    assert modeller.post_json("/procedures/drafts", {"xml": DANGLING}).status_code == 200
    page = visible(modeller.post("/procedures/dang_ky_ket_hon/try", {"source": "draft"}).get_data(as_text=True))
    assert "Không chạy được: quy trình còn lỗi" in page and "khong_ton_tai" in page
    assert "points at" not in page and "sequence flow" not in page and ".bpmn:" not in page
    page = visible(modeller.english().post("/procedures/dang_ky_ket_hon/try", {"source": "draft"}).get_data(as_text=True))
    assert "Cannot run: the workflow has errors" in page and "points at “khong_ton_tai”" in page


# ---- D9: the checker's refusals on an English page ----------------------------------------------

def test_an_unreadable_file_is_refused_with_plain_advice_in_english(browser, demo):
    modeller = browser("thietke").english()
    cases = {
        RENAMED[:len(RENAMED) // 2]: "The file is not valid XML: error at line",
        "": "The file is not valid XML: error at line 1, column 1. Check that the file is a BPMN diagram",
        RENAMED.replace("</bpmn:definitions>", "<!--" + "x" * (3 * 1024 * 1024) + "--></bpmn:definitions>"):
            "The file is too large: 3 MB, at most 2 MB.",
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>': "it has a DOCTYPE or ENTITY declaration",
    }
    for xml, expected in cases.items():
        answer = modeller.post_json("/procedures/drafts", {"xml": xml})
        assert answer.status_code == 422
        [problem] = answer.get_json()["problems"]
        assert expected in problem["message"], problem
        assert not re.search(r"expected|not found|Document is empty|bytes|limit \d|malformed", problem["message"]), problem


# ---- D11: publishing nothing new ------------------------------------------------------------------

def _reserialised(xml: str) -> str:
    """The same diagram as an editor writes it: other spacing, another attribute order."""
    xml = re.sub(r'<dc:Bounds x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" />',
                 r'<dc:Bounds height="\4" width="\3" y="\2" x="\1"/>', xml)
    return xml.replace("\n    <", "\n  <")


def test_publishing_the_active_version_again_is_refused(browser, demo):
    modeller = browser("thietke")
    source = modeller.get("/procedures/dang_ky_ket_hon/edit/source.json").get_json()
    same = _reserialised(source["xml"])
    assert same != source["xml"]
    refused = modeller.post_json("/procedures/publish", {"xml": same, "note": "Không đổi gì"})
    assert refused.status_code == 422
    [problem] = refused.get_json()["problems"]
    assert problem["message"] == ("Sơ đồ và biểu mẫu không khác phiên bản 1 đang áp dụng: chưa có thay đổi nào để "
                                  "xuất bản.")
    [problem] = modeller.english().post_json("/procedures/publish", {"xml": same}).get_json()["problems"]
    assert problem["message"] == ("The diagram and forms are the same as version 1, the active one: there is no "
                                  "change to publish.")
    with demo.motcua.read_session() as s:
        assert s.query(ProcedureVersion).join(ProcedureVersion.procedure).filter_by(key="dang_ky_ket_hon").count() == 1


def test_a_drawing_moved_is_a_change_and_says_so(browser, demo):
    modeller = browser("thietke")
    moved = reference_xml().replace('<dc:Bounds x="', '<dc:Bounds x="1', 1)
    published = modeller.post_json("/procedures/publish", {"xml": moved})
    assert published.status_code == 200 and published.get_json()["version"] == 2
    [v2, _v1] = table_rows(modeller.text("/procedures/dang_ky_ket_hon"), table_class="versions")
    assert v2[3] == "chỉ đổi cách trình bày bản vẽ"
    [v2, _v1] = table_rows(modeller.english().text("/procedures/dang_ky_ket_hon"), table_class="versions")
    assert v2[3] == "only the drawing's layout changed"


# ---- D12: change summaries and refusals in English -----------------------------------------------

def test_change_summaries_read_in_english_on_an_english_page(browser, demo):
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=RENAMED, forms_dir=FORMS,
                      note="Đổi tên bước — theo góp ý")
    modeller = browser("thietke")
    [v2, _v1] = table_rows(modeller.text("/procedures/dang_ky_ket_hon"), table_class="versions")
    assert v2[3] == "Đổi tên bước — theo góp ý — sửa 1 phần tử (Thẩm định hồ sơ (mẫu mới))"
    [v2, _v1] = table_rows(modeller.english().text("/procedures/dang_ky_ket_hon"), table_class="versions")
    # The modeller's note stays as written; what changed is said in English.
    assert v2[3] == "Đổi tên bước — theo góp ý — changed 1 element (Thẩm định hồ sơ (mẫu mới))"


def _store(demo, **columns):
    with demo.motcua.uow() as uow:
        version = uow.session.query(ProcedureVersion).join(ProcedureVersion.procedure).filter_by(key="dang_ky_ket_hon").one()
        for name, value in columns.items():
            setattr(version, name, value)
        uow.commit()


def test_every_kind_of_change_reads_in_english_and_an_older_note_as_it_was_stored(browser, demo):
    modeller = browser("thietke").english()
    _store(demo, changes={"note": "", "parts": [{"kind": "unchanged"}]})
    [v1] = table_rows(modeller.text("/procedures/dang_ky_ket_hon"), table_class="versions")
    assert v1[3] == "diagram and forms unchanged"
    _store(demo, changes={"note": "Ghi chú — theo góp ý", "parts": [
        {"kind": "elements", "action": "added", "count": 2, "names": ["Phê duyệt", "Thẩm định hồ sơ"]},
        {"kind": "elements", "action": "removed", "count": 5, "names": ["a", "b", "c", "d"], "more": True},
        {"kind": "forms", "names": ["a.json", "b.json"], "statuses": ["added", "changed"]},
        {"kind": "layout"}]})
    [v1] = table_rows(modeller.text("/procedures/dang_ky_ket_hon"), table_class="versions")
    assert v1[3] == ("Ghi chú — theo góp ý — added 2 elements (Approve, Appraise the dossier); removed 5 elements "
                     "(a, b, c, d…); forms: a.json (new), b.json (changed); only the drawing's layout changed")
    # A version published before the parts were kept, whose Vietnamese words are not what publishing
    # wrote for it: not shown on an English page (tests/web/test_version_notes_english.py).
    _store(demo, changes=None, change_note="Ghi chú cũ — sửa 1 phần tử (Phê duyệt)")
    [v1] = table_rows(modeller.text("/procedures/dang_ky_ket_hon"), table_class="versions")
    assert v1[3] == "Recorded in Vietnamese only; compare with the previous version to see what changed."


def test_the_notes_limit_is_refused_in_english(browser, demo):
    modeller = browser("thietke").english()
    refused = modeller.post_json("/procedures/publish", {"xml": RENAMED, "note": "x" * 10_000})
    assert refused.status_code == 422
    [problem] = refused.get_json()["problems"]
    assert problem["message"].startswith("A note has at most") and "Ghi chú" not in problem["message"]


# ---- D20: the procedure's English name -----------------------------------------------------------

def test_the_editor_trial_and_compare_pages_name_the_procedure_in_english(browser, demo):
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=RENAMED, forms_dir=FORMS)
    modeller = browser("thietke").english()
    editor = modeller.text("/procedures/dang_ky_ket_hon/edit")
    assert "Edit workflow: Marriage registration" in visible(editor)
    assert "Đăng ký kết hôn" not in editor
    compare = modeller.text("/procedures/dang_ky_ket_hon/compare")
    assert ">Marriage registration</a>" in compare and "Đăng ký kết hôn" not in compare
    trial = modeller.post("/procedures/dang_ky_ket_hon/try", {"source": "active"}).get_data(as_text=True)
    assert ">Marriage registration</a>" in trial and "Đăng ký kết hôn" not in trial


# ---- D21: when the draft was saved --------------------------------------------------------------

def test_the_draft_is_saved_at_the_agencys_time(browser, demo):
    modeller = browser("thietke")
    saved = modeller.post_json("/procedures/drafts", {"xml": RENAMED}).get_json()
    with demo.motcua.read_session() as s:
        at = s.query(ProcedureDraft).one().saved_at
    assert saved["saved_at_text"] == at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M")
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", saved["saved_at_text"])
    assert datetime.fromisoformat(saved["saved_at"]) == at


# ---- D10: a draft opens with its problems --------------------------------------------------------

def test_a_draft_opens_with_the_problems_its_check_finds(browser, demo):
    modeller = browser("thietke")
    assert modeller.get("/procedures/dang_ky_ket_hon/edit/source.json").get_json()["problems"] == []
    modeller.post_json("/procedures/drafts", {"xml": DANGLING})
    source = modeller.get("/procedures/dang_ky_ket_hon/edit/source.json").get_json()
    assert source["origin"] == "draft"
    assert any("khong_ton_tai" in p["message"] and p["severity"] == "error" for p in source["problems"])
    assert not any("points at" in p["message"] for p in source["problems"])
