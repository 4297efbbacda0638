"""The counter page's checklist and three outcomes, the printed forms 02 and 03, and finding a
citizen's slips by their ID number."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.models import Dossier, SupplementRequest
from tests.web.conftest import page_text

DECLARATION = "Tờ khai đăng ký kết hôn"
ID_COPIES = "Bản sao Căn cước của hai bên nam, nữ"
APPLICANT = {
    "procedure_key": "dang_ky_ket_hon", "applicant_name": "Lê Văn Cường", "applicant_id_number": "001085000777",
    "applicant_address": "Xóm Bắc, xã Tân Phong", "applicant_phone": "0987654321", "applicant_email": "",
    "channel": "1",
}


def _count(demo, model):
    with demo.motcua.read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_choosing_a_procedure_shows_its_checklist_and_only_procedures_of_this_counter(browser, demo):
    b = browser("tiepnhan")
    html = b.text("/reception/new")
    assert "Chọn thủ tục để xem danh mục giấy tờ phải nộp." in html
    assert "dang_ky_bien_dong_dat" not in html  # the land branch's procedure is not offered at the commune
    html = page_text(b.post("/reception/new", dict(APPLICANT, action="choose")))
    assert re.search(rf'<input type="checkbox" id="check-1" name="checklist" value="{DECLARATION}">', html)
    assert "Giấy xác nhận tình trạng hôn nhân (khi đăng ký tại nơi không thường trú) <span class=\"muted\">(nếu có)" in html
    assert 'value="Lê Văn Cường"' in html  # what was typed stays
    land = browser("motcuadatdai").text("/reception/new")
    assert "dang_ky_bien_dong_dat" in land and "dang_ky_ket_hon" not in land


def test_accepting_with_a_required_document_unticked_says_so_beside_the_checklist(browser, demo):
    response = browser("tiepnhan").post("/reception/new", dict(APPLICANT, checklist=[DECLARATION]))
    assert response.status_code == 422
    html = page_text(response)
    error = re.search(r'<p class="error" id="checklist-error" role="alert">([^<]+)</p>', html).group(1)
    assert ID_COPIES in error and "mẫu 02" in error
    assert f'value="{DECLARATION}" checked' in html
    assert _count(demo, Dossier) == 0


@pytest.mark.parametrize("locale, says", [
    ("vi", "Giấy tờ được đánh dấu không có trong danh mục của thủ tục đã chọn. Hãy đánh dấu lại theo danh mục "
           "của thủ tục này."),
    ("en", "The documents ticked are not on the list of the procedure chosen. Tick them again from this "
           "procedure's list.")])
def test_ticks_made_for_another_procedure_say_to_tick_again_in_the_pages_language(browser, demo, locale, says):
    """The officer ticks the marriage's documents, then picks the household business in the list and
    presses Enter: the ticks are of the other procedure. Before, an English page said so in Vietnamese."""
    b = browser("tiepnhan")
    b.post("/language", {"locale": locale})
    response = b.post("/reception/new", dict(APPLICANT, procedure_key="dang_ky_ho_kinh_doanh",
                                             checklist=[DECLARATION]))
    assert response.status_code == 422
    html = page_text(response)
    assert re.search(r'<p class="error" id="checklist-error" role="alert">([^<]+)</p>', html).group(1) == says
    assert 'value="Lê Văn Cường"' in html
    assert _count(demo, Dossier) == 0


def test_guidance_prints_form_02_and_the_citizen_comes_back_from_the_lookup(browser, demo):
    b = browser("tiepnhan")
    response = b.post("/reception/new", dict(APPLICANT, action="guide", checklist=[DECLARATION],
                                             missing="Ảnh chân dung 4x6\n\n", guidance_note="Thiếu giấy tờ."))
    assert response.status_code == 302
    slip_id = _only_slip(demo)
    assert response.headers["Location"].endswith(f"/supplement-requests/{slip_id}")
    html = b.text(response.headers["Location"])
    for fact in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Lê Văn Cường", "Đăng ký kết hôn", "Xóm Bắc, xã Tân Phong",
                 "0987654321", f"{slip_id:04d}/PYCBS", "Thiếu giấy tờ.", "NGƯỜI HƯỚNG DẪN", "Nguyễn Thị Hoa",
                 "Hồ sơ chưa được tiếp nhận"):
        assert fact in html, fact
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", html)
    assert rows == [("1", ID_COPIES), ("2", "Ảnh chân dung 4x6")]
    assert _count(demo, Dossier) == 0
    assert '<a href="/reception/new">Tiếp nhận hồ sơ khác</a>' in html  # on to the next citizen

    found = b.text("/reception/lookup?id_number=001085000777")
    assert f"{slip_id:04d}/PYCBS" in found and ID_COPIES in found
    form = b.text(f"/reception/new?from_slip={slip_id}")
    assert 'value="Lê Văn Cường"' in form and f'name="guidance_id" value="{slip_id}"' in form
    response = b.post("/reception/new", dict(APPLICANT, guidance_id=str(slip_id), checklist=[DECLARATION, ID_COPIES]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/receipt")
    with demo.motcua.read_session() as s:
        assert s.get(SupplementRequest, slip_id).fulfilled_dossier_id is not None
    assert "Đã bổ sung" in b.text("/reception/lookup?id_number=001085000777")


def _only_slip(demo) -> int:
    with demo.motcua.read_session() as s:
        return s.execute(select(SupplementRequest.id)).scalar_one()


def test_refusal_needs_a_reason_and_prints_form_03(browser, demo):
    b = browser("tiepnhan")
    response = b.post("/reception/new", dict(APPLICANT, action="refuse", refusal_reason=""))
    assert response.status_code == 422
    assert re.search(r'id="f-refusal_reason-error">Cần ghi rõ lý do từ chối', page_text(response))
    assert _count(demo, Dossier) == 0
    reason = "Người yêu cầu đang có vợ theo điểm c khoản 2 Điều 5 Luật Hôn nhân và gia đình."
    response = b.post("/reception/new", dict(APPLICANT, action="refuse", refusal_reason=reason))
    assert response.status_code == 302
    [dossier] = _dossiers(demo)
    assert dossier.status == 3 and response.headers["Location"].endswith(f"/dossiers/{dossier.id}/refusal")
    html = b.text(response.headers["Location"])
    for fact in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", dossier.code, "Lê Văn Cường", reason,
                 "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Hoa", "UBND XÃ TÂN PHONG"):
        assert fact in html, fact
    page = b.text(f"/dossiers/{dossier.id}")  # the dossier page still shows, without a workflow
    assert "Không được tiếp nhận" in page


def _dossiers(demo):
    with demo.motcua.read_session() as s:
        return s.execute(select(Dossier).order_by(Dossier.id)).scalars().all()


def test_printed_forms_are_for_officers_of_the_agency_only(browser, demo):
    b = browser("tiepnhan")
    b.post("/reception/new", dict(APPLICANT, action="guide", checklist=[DECLARATION]))
    slip_id = _only_slip(demo)
    assert browser("motcuadatdai").get(f"/supplement-requests/{slip_id}").status_code == 404
    assert browser("congan").get(f"/supplement-requests/{slip_id}").status_code == 404
    assert browser("chuyenvien").get(f"/supplement-requests/{slip_id}").status_code == 200
    assert browser("motcuadatdai").get("/reception/lookup?id_number=001085000777").status_code == 200
    assert "001085000777" not in browser("motcuadatdai").text("/reception/lookup?id_number=001085000777") \
        .split('id="slips-title"')[1]


def test_an_online_dossier_is_checked_with_the_same_outcomes(browser, demo):
    from tests.test_reception_outcomes import registered
    dossier_id = registered(demo)
    b = browser("tiepnhan")
    html = b.text(f"/reception/registered/{dossier_id}")
    assert "000.31.21.H56-261123-9001" in html and "Trần Thị Bình" in html and DECLARATION in html
    assert browser("motcuadatdai").get(f"/reception/registered/{dossier_id}").status_code == 404
    response = b.post(f"/reception/registered/{dossier_id}", {"checklist": [DECLARATION, ID_COPIES]})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier_id}/receipt")
    assert "000.31.21.H56-261123-9001" in b.text(response.headers["Location"])
    again = b.get(f"/reception/registered/{dossier_id}")  # no longer waiting: to the dossier, saying so
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/dossiers/{dossier_id}")


def test_a_procedure_without_a_legal_time_limit_prints_no_appointment(browser, demo, tmp_path):
    from conftest import BPMN_DIR, FORMS_DIR
    from engine.procedures.registry import check_and_deploy
    changed = tmp_path / "dang_ky_ho_kinh_doanh.bpmn"
    changed.write_text((BPMN_DIR / "dang_ky_ho_kinh_doanh.bpmn").read_text(encoding="utf-8").replace(
        'name="timeLimit" value="3 working days"', 'name="timeLimit" value="none"'), encoding="utf-8")
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [changed], FORMS_DIR, deployed_by="test")
        uow.commit()
    b = browser("tiepnhan")
    response = b.post("/reception/new", dict(APPLICANT, procedure_key="dang_ky_ho_kinh_doanh", checklist=[
        "Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao giấy tờ pháp lý của chủ hộ kinh doanh"]))
    html = b.text(response.headers["Location"])
    assert "Thời gian giải quyết hồ sơ theo quy định: Pháp luật không quy định thời hạn" in html
    assert "Không hẹn ngày" in html
    [dossier] = _dossiers(demo)
    assert dossier.due_at is None


@pytest.mark.parametrize("locale, says", [("vi", "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
                                          ("en", "Must not contain control characters (invisible characters, often pasted in from elsewhere).")])
@pytest.mark.parametrize("action, field", [("refuse", "refusal_reason"), ("guide", "guidance_note")])
def test_a_note_with_a_control_character_is_refused_beside_it_in_the_pages_language(browser, demo, locale, says,
                                                                                    action, field):
    """A bell or a terminal's colour code pasted into the reason was printed on form 02 or 03."""
    b = browser("tiepnhan")
    b.post("/language", {"locale": locale})
    for pasted in ("Thiếu\x07 giấy tờ.", "\x1b[31mThiếu giấy tờ."):
        response = b.post("/reception/new", dict(APPLICANT, action=action, checklist=[DECLARATION],
                                                 missing="Ảnh chân dung 4x6", **{field: pasted}))
        assert response.status_code == 422
        html = page_text(response)
        assert re.search(rf'id="f-{field}-error">{re.escape(says)}', html), html
        assert 'value="Lê Văn Cường"' in html
    assert _count(demo, Dossier) == 0 and _count(demo, SupplementRequest) == 0


@pytest.mark.parametrize("locale, says", [
    ("vi", "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
    ("en", "Must not contain control characters (invisible characters, often pasted in from elsewhere).")])
def test_a_missing_line_with_a_control_character_is_refused_beside_the_list(browser, demo, locale, says):
    """A line of the guidance's list is printed on form 02: a terminal's colour code pasted into it
    was printed as it came. A tab inside a line is spacing."""
    b = browser("tiepnhan")
    _guidance_list_refused(b, demo, locale, "Ảnh chân dung 4x6\n\x1b[31mGiấy xác nhận cư trú", says)
    response = b.post("/reception/new", dict(APPLICANT, action="guide", checklist=[DECLARATION],
                                             missing="Ảnh chân dung\t4x6\nGiấy xác nhận cư trú"))
    assert response.status_code == 302
    assert _count(demo, SupplementRequest) == 1


@pytest.mark.parametrize("locale, says", [("vi", "Tối đa 1 dòng."), ("en", "At most 1 line.")])
def test_a_limit_of_one_line_is_said_in_the_singular(browser, demo, monkeypatch, locale, says):
    """With the guidance's list limited to one line, an English page said 'At most 1 lines'."""
    monkeypatch.setattr("engine.commands.reception.MAX_MISSING_ITEMS", 1)
    _guidance_list_refused(browser("tiepnhan"), demo, locale, "Ảnh chân dung 4x6\nGiấy xác nhận cư trú", says)


def _guidance_list_refused(b, demo, locale, missing, says):
    """Guidance with this list, in this language: refused, ``says`` beside the list, no slip."""
    b.post("/language", {"locale": locale})
    response = b.post("/reception/new", dict(APPLICANT, action="guide", checklist=[DECLARATION], missing=missing))
    assert response.status_code == 422
    assert f'<p class="error" id="f-missing-error">{says}</p>' in page_text(response)
    assert _count(demo, SupplementRequest) == 0
