"""At the counter, malformed or over-long contact data comes back next to its field (Vietnamese or
English), never as a 500; numbers beyond 64 bits in URLs are a 404; administrators see mail that
was never delivered."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier
from engine.scheduler.runner import run_tick
from tests.web.conftest import page_text
from tests.web.test_reception_page import FORM


def _dossiers(demo) -> int:
    with demo.motcua.read_session() as s:
        return s.scalar(select(func.count()).select_from(Dossier))


def _field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="f-{field}-error">([^<]*)</p>', html)
    assert match, f"no message next to {field}"
    assert f'aria-describedby="f-{field}-error"' in html
    return match.group(1)


def test_malformed_id_phone_and_email_are_shown_next_to_their_fields(browser, demo):
    b = browser("tiepnhan")
    response = b.post("/reception/new", FORM | {"applicant_id_number": "abc12", "applicant_phone": "không có",
                                                "applicant_email": "an@example.vn\r\nBcc: x@example.vn"})
    assert response.status_code == 422
    html = page_text(response)
    assert "12 chữ số" in _field_error(html, "applicant_id_number")
    assert "số di động gồm 10 chữ số" in _field_error(html, "applicant_phone")
    assert "chỉ ghi một địa chỉ" in _field_error(html, "applicant_email")
    assert 'value="không có"' in html  # what the officer typed stays, to be corrected
    assert _dossiers(demo) == 0

    b.post("/language", {"locale": "en"})
    html = page_text(b.post("/reception/new", FORM | {"applicant_phone": "0123456789"}))
    assert _field_error(html, "applicant_phone").startswith("Invalid phone number: a mobile number has 10 digits")
    assert _dossiers(demo) == 0


@pytest.mark.parametrize("field", ["applicant_id_number", "applicant_phone", "applicant_email",
                                   "applicant_name", "applicant_address"])
def test_an_over_long_applicant_field_is_a_message_not_a_500(browser, demo, field):
    response = browser("tiepnhan").post("/reception/new", FORM | {field: "9" * 600})
    assert response.status_code == 422
    assert _field_error(page_text(response), field).startswith("Tối đa")
    assert _dossiers(demo) == 0


@pytest.mark.parametrize("url", ["/tasks/99999999999999999999", "/tasks/2147483648", "/dossiers/99999999999999999999",
                                 "/supervise/escalations/2147483648/acknowledge",
                                 "/dossiers/9223372036854775808/receipt", "/dossiers/99999999999999999999/refusal", "/supplement-requests/99999999999999999999"])
def test_ids_beyond_the_id_columns_are_not_found(browser, demo, url):
    b = browser("giamsat")
    response = b.post(url) if url.endswith("/acknowledge") else b.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/inbox?page=99999999999999999999", "/inbox?page=-1", "/inbox?page=x",
                                 "/notifications?page=99999999999999999999",
                                 "/reception/new?from_slip=99999999999999999999"])
def test_huge_page_and_id_numbers_in_the_query_are_harmless(browser, demo, url):
    assert browser("tiepnhan").get(url).status_code == 200


@pytest.mark.parametrize("url", ["/procedures/%00", "/procedures/dang_ky_ket_hon%00/edit", "/thu-tuc/%00"])
def test_a_url_part_holding_nul_is_not_found(browser, demo, url):
    # PostgreSQL refuses NUL in a query: the route must not match at all (it was a 500 there).
    assert browser("thietke").get(url).status_code == 404


def test_a_query_or_form_value_holding_nul_is_refused_and_changes_nothing(browser, demo):
    b = browser("tiepnhan")
    for answer in (b.get("/inbox?q=%00"), b.get("/dossiers?q=a%00b"),
                   b.post("/reception/new", {**FORM, "applicant_name": "Nguyễn\x00Văn An"}),
                   b.post("/reception/new", {**FORM, "ghi\x00chu": "x"})):
        assert answer.status_code == 400
        assert "Dữ liệu gửi lên có ký tự không hợp lệ." in page_text(answer)
    assert _dossiers(demo) == 0


def test_the_administrator_sees_undelivered_mail_and_its_reason(browser, demo):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon",
                               applicant=Applicant(name="Nguyễn Văn An", email="an@example.vn"))
    with demo.motcua.uow() as uow:
        uow.session.execute(update(Dossier).values(applicant_email="an@example.vn\nBcc: x@example.vn"))
        uow.commit()
    commands.withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
                      reason="Công dân xin rút hồ sơ", requested_by="Nguyễn Văn An")
    run_tick(demo.motcua)
    admin = browser("admin")
    html = admin.text("/admin/mail")
    assert "Địa chỉ email không hợp lệ, thư không được gửi" in html
    assert dossier.code in html  # the subject names the dossier
    assert "Gửi lại" not in html.split('class="exceptions undelivered-mail')[1]  # cannot help here
    admin.post("/language", {"locale": "en"})
    assert "Invalid e-mail address, the message was not sent" in admin.text("/admin/mail")
    assert browser("tiepnhan").get("/admin/mail").status_code == 404
