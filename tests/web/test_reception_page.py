"""The counter: receive a dossier through the web form and get its printable receipt (form 01)."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import segno
from sqlalchemy import func, select

from conftest import BPMN_DIR, FORMS_DIR, VN
from engine.models import Dossier, DossierDocument, ProcedureVersion
from engine.procedures.registry import check_and_deploy
from tests.web.conftest import page_text

FORM = {
    "procedure_key": "dang_ky_ket_hon",
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "001090012345",
    "applicant_address": "Thôn Đông, xã Tân Phong",
    "applicant_phone": "0912 345 678",
    "applicant_email": "an.nguyen@example.vn",
    "channel": "3",
    # The procedure's required documents, ticked on its checklist.
    "checklist": ["Tờ khai đăng ký kết hôn", "Bản sao Căn cước của hai bên nam, nữ"],
    "doc_name": ["Ảnh chân dung 4x6", "", "Giấy xác nhận tình trạng hôn nhân", "", ""],
    "doc_kind": ["original", "original", "certified_copy", "original", "original"],
    "doc_count": ["1", "1", "2", "1", "1"],
}


def _dossiers(demo):
    with demo.motcua.read_session() as s:
        return s.execute(select(Dossier).order_by(Dossier.id)).scalars().all()


def _count(demo, model):
    with demo.motcua.read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_form_offers_each_procedure_on_its_latest_version_and_the_three_channels(browser, demo):
    html = browser("tiepnhan").text("/reception/new")
    assert "Đăng ký kết hôn" in html and "1.000894" in html
    assert re.search(r'<option value="dang_ky_ket_hon"[^>]*>[^<]*phiên bản 1', html)
    for label in ("1. Trực tiếp", "2. Trực tuyến", "3. Qua dịch vụ bưu chính công ích"):
        assert label in html
    assert html.count('name="doc_name"') == 5
    assert "UBND xã Tân Phong" in html  # the only counter this officer staffs


def test_receiving_creates_the_dossier_and_opens_its_receipt(browser, demo):
    b = browser("tiepnhan")
    response = b.post("/reception/new", FORM)
    assert response.status_code == 302
    [dossier] = _dossiers(demo)
    assert response.headers["Location"].endswith(f"/dossiers/{dossier.id}/receipt")
    assert dossier.code == "000.31.21.H56-261123-0001"
    assert (dossier.applicant_name, dossier.applicant_phone, dossier.channel) == ("Nguyễn Văn An", "0912 345 678", 3)
    with demo.motcua.read_session() as s:
        documents = s.execute(select(DossierDocument.name, DossierDocument.kind, DossierDocument.count)
                              .order_by(DossierDocument.id)).all()
    # The ticked checklist first, as the procedure lists it; then the other rows (blank ones skipped).
    assert documents == [("Tờ khai đăng ký kết hôn", "original", 1),
                         ("Bản sao Căn cước của hai bên nam, nữ", "copy", 2),
                         ("Ảnh chân dung 4x6", "original", 1),
                         ("Giấy xác nhận tình trạng hôn nhân", "certified_copy", 2)]

    receipt = b.get(response.headers["Location"])
    html = page_text(receipt)
    assert "Đã tiếp nhận hồ sơ 000.31.21.H56-261123-0001." in html
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    for fact in ("UBND XÃ TÂN PHONG", "000.31.21.H56-261123-0001", "Nguyễn Văn An", "001090012345",
                 "Thôn Đông, xã Tân Phong", "0912 345 678", "an.nguyen@example.vn", "Đăng ký kết hôn",
                 "Qua dịch vụ bưu chính công ích", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                 "Nguyễn Thị Hoa"):  # the receiving officer signs
        assert fact in html, fact
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td><td class=\"num\">(\d+)</td></tr>", html)
    assert rows == [("1", "Tờ khai đăng ký kết hôn", "Bản chính", "1"),
                    ("2", "Bản sao Căn cước của hai bên nam, nữ", "Bản sao", "2"),
                    ("3", "Ảnh chân dung 4x6", "Bản chính", "1"),
                    ("4", "Giấy xác nhận tình trạng hôn nhân", "Bản sao có chứng thực", "2")]
    # 09:00 in Hà Nội on the frozen Monday.
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 23/11/2026" in html
    assert "Số lượng hồ sơ: 01 (bộ)" in html
    b.post("/language", {"locale": "en"})
    # Not "Number of dossiers: 01 (set(s))", word by word.
    assert "Number of dossiers: 1 set" in page_text(b.get(response.headers["Location"]))


def _with_time_limit(source: str, limit: str) -> str:
    if 'name="timeLimit"' in source:
        return re.sub(r'name="timeLimit" value="[^"]*"', f'name="timeLimit" value="{limit}"', source)
    return source.replace('<spiffworkflow:property name="nationalCode" value="1.000894" />',
                          '<spiffworkflow:property name="nationalCode" value="1.000894" />'
                          f'<spiffworkflow:property name="timeLimit" value="{limit}" />')


def test_the_receipt_gives_the_legal_time_limit_and_the_appointed_return(browser, demo, tmp_path):
    changed = tmp_path / "dang_ky_ket_hon.bpmn"
    changed.write_text(_with_time_limit((BPMN_DIR / "dang_ky_ket_hon.bpmn").read_text(encoding="utf-8"),
                                        "0.5 working days"), encoding="utf-8")
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [changed], FORMS_DIR, deployed_by="test")
        uow.commit()
    b = browser("tiepnhan")
    html = b.text(b.post("/reception/new", FORM).headers["Location"])
    [dossier] = _dossiers(demo)
    assert dossier.due_at is not None
    due = dossier.due_at.astimezone(VN).strftime("%d/%m/%Y %H:%M")
    assert "Thời gian giải quyết hồ sơ theo quy định: 0,5 ngày làm việc" in html
    assert f"Thời gian trả kết quả giải quyết hồ sơ: <strong>{due}</strong>" in html
    # Half a working day from Monday 09:00 (office hours 07:00–11:30, 13:30–17:00) is that afternoon.
    assert due == "23/11/2026 15:00"


def test_the_receipts_qr_code_links_to_tracking_that_dossier(browser, demo):
    b = browser("tiepnhan")
    location = b.post("/reception/new", FORM).headers["Location"]
    html = b.text(location)
    drawn = re.search(r'<figure class="qr"[^>]*>(<svg.*?</svg>)', html, re.S).group(1)
    # The modules drawn are exactly those of a QR code holding the tracking link for the dossier
    # (issue 12): a phone's camera opens the tracking page with the code filled in.
    expected = segno.make("http://localhost/tra-cuu?ma=000.31.21.H56-261123-0001", error="m")
    path = re.search(r' d="([^"]+)"', drawn).group(1)
    assert path == re.search(r' d="([^"]+)"', expected.svg_inline(scale=3, border=2, omitsize=True)).group(1)
    assert "viewBox" in drawn  # scales to the printed size


def test_the_receipt_prints_on_a5(browser, demo, app):
    b = browser("tiepnhan")
    html = b.text(b.post("/reception/new", FORM).headers["Location"])
    href = re.search(r'<link rel="stylesheet" href="([^"]+receipt\.css)"', html).group(1)
    css = b.get(href).get_data(as_text=True)
    assert re.search(r"@page\s*\{[^}]*size:\s*A5 portrait", css)
    assert re.search(r"@media print\s*\{[^@]*\.no-print\s*\{\s*display:\s*none", css)
    assert 'class="no-print toolbar"' in html


def test_a_screen_reader_hears_that_the_refusal_needs_its_reason(browser, demo):
    """The asterisk is hidden from assistive technology; the words say it, as on the other fields."""
    page = browser("tiepnhan").text("/reception/new")
    label = lxml.html.fromstring(page).get_element_by_id("f-refusal_reason").getparent().find("label")
    assert label.text_content().split() == ["Lý", "do", "từ", "chối,", "nêu", "rõ", "căn", "cứ", "pháp", "lý", "*",
                                            "(bắt", "buộc)"]


def test_a_refused_form_shows_each_error_beside_its_field_and_keeps_what_was_typed(browser, demo):
    b = browser("tiepnhan")
    form = dict(FORM, applicant_name=" ", doc_count=["1", "1", "0", "1", "1"])
    response = b.post("/reception/new", form)
    assert response.status_code == 422
    html = page_text(response)
    assert "Hồ sơ chưa được tiếp nhận" in html
    assert re.search(r'id="f-applicant_name-error">Trường này là bắt buộc\.', html)
    # The bad count is on the third row of the table, where the officer typed it.
    assert re.search(r'id="doc-count-2-error">Số lượng phải từ 1 đến 99\.', html)
    assert 'value="Giấy xác nhận tình trạng hôn nhân"' in html and 'value="0912 345 678"' in html
    assert _count(demo, Dossier) == 0 and _count(demo, DossierDocument) == 0


def test_a_row_with_a_count_but_no_name_is_an_error_not_skipped(browser, demo):
    form = dict(FORM, doc_name=["Tờ khai", "", "", "", ""], doc_count=["1", "3", "1", "1", "1"])
    response = browser("tiepnhan").post("/reception/new", form)
    assert response.status_code == 422
    assert re.search(r'id="doc-name-1-error">Cần ghi tên giấy tờ\.', page_text(response))
    assert _count(demo, Dossier) == 0


ONE_LINE = {"vi": "Chỉ được ghi trên một dòng: không xuống dòng, không dùng tab.",
            "en": "Must fit on one line: no line breaks or tabs."}
CONTROL = {"vi": "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác).",
           "en": "Must not contain control characters (invisible characters, often pasted in from elsewhere)."}


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("pasted, says", [("Ảnh chân dung\t4x6", ONE_LINE), ("Ảnh chân dung\x0b4x6", ONE_LINE),
                                          ("Ảnh\x1b[31m chân dung", CONTROL)])
def test_a_document_name_with_a_control_character_is_refused_beside_its_row(browser, demo, pasted, says, locale):
    """A name pasted from another program can carry a tab, Word's line break (\\x0b) or a terminal's
    colour code: before, it was stored and printed on the receipt as it came. A tab or a line break
    is said as such (a one-line field), not as an invisible character."""
    form = dict(FORM, doc_name=[pasted, "", "Giấy xác nhận tình trạng hôn nhân", "", ""])
    officer = browser("tiepnhan")
    officer.post("/language", {"locale": locale})
    response = officer.post("/reception/new", form)
    assert response.status_code == 422
    html = page_text(response)
    assert f'id="doc-name-0-error">{says[locale]}</p>' in html, html
    assert 'value="Giấy xác nhận tình trạng hôn nhân"' in html and 'value="Nguyễn Văn An"' in html
    assert _count(demo, Dossier) == 0 and _count(demo, DossierDocument) == 0


def test_a_procedure_must_be_chosen(browser, demo):
    response = browser("tiepnhan").post("/reception/new", dict(FORM, procedure_key=""))
    assert response.status_code == 422
    assert "Vui lòng chọn thủ tục." in page_text(response)
    response = browser("tiepnhan").post("/reception/new", dict(FORM, procedure_key="khong_co"))
    assert response.status_code == 422
    assert _count(demo, Dossier) == 0


def test_more_rows_keeps_the_form_and_adds_rows(browser, demo):
    response = browser("tiepnhan").post("/reception/new", dict(FORM, action="more_rows"))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count('name="doc_name"') == 10
    assert 'value="Nguyễn Văn An"' in html and 'value="Ảnh chân dung 4x6"' in html
    assert _count(demo, Dossier) == 0


def test_enter_in_a_field_receives_rather_than_adding_rows(browser, demo):
    """Browsers submit with the first submit button: it must be the one that receives."""
    html = browser("tiepnhan").text("/reception/new")
    form = html[html.index('<form method="post" action="/reception/new"'):]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'value="receive"' in first_button


def test_a_new_version_is_what_reception_starts(browser, demo, tmp_path):
    source = (BPMN_DIR / "dang_ky_ket_hon.bpmn").read_text(encoding="utf-8")
    changed = tmp_path / "dang_ky_ket_hon.bpmn"
    changed.write_text(source.replace('name="Thẩm định hồ sơ"', 'name="Thẩm định hồ sơ (bản mới)"'), encoding="utf-8")
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [changed], FORMS_DIR, deployed_by="test")
        uow.commit()
    b = browser("tiepnhan")
    assert re.search(r'<option value="dang_ky_ket_hon"[^>]*>[^<]*phiên bản 2', b.text("/reception/new"))
    b.post("/reception/new", FORM)
    [dossier] = _dossiers(demo)
    with demo.motcua.read_session() as s:
        assert s.get(ProcedureVersion, dossier.procedure_version_id).number == 2


def test_only_reception_officers_reach_the_counter(browser, demo):
    for username in ("chuyenvien", "lanhdao", "giamsat", "congan"):
        b = browser(username)
        assert b.get("/reception/new").status_code == 404, username
        assert b.post("/reception/new", FORM).status_code == 404, username
    assert _count(demo, Dossier) == 0
    anonymous = browser()
    response = anonymous.get("/reception/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_form_needs_its_csrf_token(browser, demo):
    response = browser("tiepnhan").post("/reception/new", FORM, csrf=False)
    assert response.status_code == 400
    assert _count(demo, Dossier) == 0
