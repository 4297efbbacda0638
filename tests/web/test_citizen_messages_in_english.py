"""A citizen who reads English sees the engine's refusals in English on every citizen form (the
intake form, the scans, the supplement, the withdrawal, the rating and the personal details), as
the officers' forms do (webapp/field_messages.py); a form's bound is written as the page writes
figures; and a scan refused on "Lưu nháp" says the draft was saved, naming the files left out,
each reason once."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from engine.commands.reception import accept, give_guidance
from engine.models import ApplicationFile
from tests.web.conftest import page_text
from tests.web.test_citizen_dossier_page import dossier_of, upload
from tests.web.test_citizen_online_submission import (  # noqa: F401
    FORM, PDF, PNG, URL, app, citizen, post, submit_complete)
from tests.web.test_citizen_rating import returned_online_dossier

BUSINESS = "/thu-tuc/dang_ky_ho_kinh_doanh/nop"
NOT_SUBMITTED = "The dossier was not submitted."


def in_english(b):
    b.client.post("/language", data={"locale": "en", "csrf_token": b.token()})
    return b


def post_to(b, url, data, action):
    return b.client.post(url, data=dict(data, action=action, csrf_token=b.token()),
                         content_type="multipart/form-data")


def test_an_empty_submission_reads_english(citizen):
    b = in_english(citizen())
    response = post(b, {}, action="submit")
    assert response.status_code == 400
    text = page_text(response)
    assert NOT_SUBMITTED in text and "Choose the agency that receives the dossier." in text
    assert "This field is required." in text and "Trường này là bắt buộc." not in text
    assert "Not uploaded yet: " in text and "Chưa tải lên" not in text


def test_bad_dates_and_numbers_read_english_with_their_bounds_as_figures(citizen):
    b = in_english(citizen())
    response = post(b, dict(FORM, bride_birth_date="31/02/2026"), action="submit")
    assert "Not a valid date. Write it as dd/mm/yyyy, e.g. 02/09/2026." in page_text(response)
    data = {"agency_code": "000.31.21.H56", "business_name": "Tạp hóa An", "business_address": "Số 1 đường Lê Lợi",
            "business_lines": "Bán lẻ", "capital": "1000000000000000", "workers": "-1"}
    text = page_text(post_to(b, BUSINESS, data, "submit"))
    assert "Must not be more than 100,000,000,000." in text and "Must be 0 or more." in text
    text = page_text(post_to(b, BUSINESS, dict(data, capital="12,5"), "submit"))
    assert "Enter a whole number, for example 100,000,000." in text and "Giá trị" not in text


def test_a_bound_reads_with_thousands_separators_in_vietnamese(citizen):
    data = {"agency_code": "000.31.21.H56", "capital": "1000000000000000"}
    text = page_text(post_to(citizen(), BUSINESS, data, "submit"))
    assert "Giá trị không được vượt quá 100.000.000.000." in text
    assert "vượt quá 100000000000" not in text


def test_the_personal_details_must_come_first_in_english(citizen):
    b = in_english(citizen("vneid-noname", "", "noname@example.vn"))
    text = page_text(post(b, FORM, action="submit"))
    assert "Add your full name to your personal details before submitting." in text


def test_a_refused_scan_on_save_says_the_draft_was_saved_and_names_the_files_left_out(citizen, demo):
    b = citizen()
    response = post(b, FORM, {"doc-0": ("fake.pdf", b"just text")})
    assert response.status_code == 400
    text = page_text(response)
    assert "Đã lưu bản nháp, nhưng có tệp chưa được thêm." in text and "Hồ sơ chưa nộp được" not in text
    assert "Các tệp chưa được thêm: fake.pdf." in text and "Tệp «fake.pdf» không phải PDF, JPEG hoặc PNG." in text
    assert 'value="Lê Thị Cúc"' in text  # the draft was saved
    # 22 scans at once: 20 kept, the two left out named, the limit said once.
    b = in_english(citizen("vneid-binh", "Trần Bình", "binh@example.vn"))
    scans = [(f"anh{n}.png", PNG + bytes([n])) for n in range(1, 23)]
    form = dict(FORM, action="save", csrf_token=b.token(), **{"doc-0": [(io.BytesIO(c), name) for name, c in scans]})
    response = b.client.post(URL, data=form, content_type="multipart/form-data")
    text = page_text(response)
    assert "The draft was saved, but some files were not added." in text and NOT_SUBMITTED not in text
    assert "Files not added: anh21.png, anh22.png." in text
    assert text.count("At most 20 files a dossier.") == 2  # once beside the files, once in the summary at the top
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(ApplicationFile)) == 20


def test_uploads_refused_on_submit_still_say_not_submitted_in_english(citizen):
    b = in_english(citizen())
    text = page_text(post(b, FORM, {"doc-0": ("big.pdf", PDF + b"\x00" * (10 * 1024 * 1024))}, action="submit"))
    assert NOT_SUBMITTED in text and "The file «big.pdf» is larger than 10 MB." in text


def test_the_supplement_and_the_withdrawal_read_english(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
                  missing=["Giấy xác nhận tình trạng hôn nhân"], note="")
    in_english(b)
    text = page_text(upload(b, dossier.id, {}, action="send"))
    assert "Not uploaded yet: " in text and "Chưa tải lên" not in text
    text = page_text(upload(b, dossier.id, {"sup-0": ("xac-nhan.txt", b"text")}))
    assert "Files not added: xac-nhan.txt." in text and "The file «xac-nhan.txt» is not a PDF, JPEG or PNG." in text
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id)
    response = b.post(f"/cong-dan/ho-so/{dossier.id}/rut", {"reason": "   "})
    assert response.status_code == 400 and "Give the reason for withdrawing the dossier." in page_text(response)
    response = b.post(f"/cong-dan/ho-so/{dossier.id}/rut", {"reason": "x" * 2050})
    assert "At most 2000 characters." in page_text(response)


def test_the_rating_reads_english(citizen, demo, frozen_clock):
    b = citizen()
    dossier_id = returned_online_dossier(b, demo, frozen_clock)
    in_english(b)
    response = b.post(f"/cong-dan/ho-so/{dossier_id}/danh-gia", {"score": "9", "comment": "x" * 1050})
    text = page_text(response)
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in text and "At most 1000 characters." in text


def test_the_personal_details_read_english(citizen):
    b = in_english(citizen())
    response = b.post("/cong-dan/thong-tin", {"full_name": " ", "id_number": "123", "phone": "12",
                                              "address": "x" * 501})
    text = page_text(response)
    assert response.status_code == 400
    assert "This field is required." in text and "A personal ID number has 12 digits" in text
    assert "Not a valid phone number (e.g. 0912345678)." in text and "At most 500 characters." in text
