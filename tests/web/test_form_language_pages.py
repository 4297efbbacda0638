"""Step forms and the citizen's intake form read English on an English page (their x-title-en,
x-description-en and message_en texts), Vietnamese on a Vietnamese one; what is stored is the same."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine import commands
from engine.commands.reception import Applicant
from engine.models import AuditEvent, Dossier
from tests.web.conftest import Browser, open_item, page_text
from tests.web.test_citizen_online_submission import URL, app, citizen, submit_complete  # noqa: F401 (fixtures)


def test_an_officer_reads_the_step_form_in_the_page_language(browser, receive_dossier):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    page = minh.text(f"/tasks/{item}")
    assert '<h2 id="form-title">Thẩm định hồ sơ đăng ký kết hôn</h2>' in page
    assert re.search(r'<label for="f-appraisal_opinion">Ý kiến thẩm định', page)
    minh.post("/language", {"locale": "en"})
    page = minh.text(f"/tasks/{item}")
    assert '<h2 id="form-title">Appraisal of the marriage registration dossier</h2>' in page
    assert re.search(r'<label for="f-appraisal_opinion">Appraisal opinion', page)
    assert '<label for="f-marital_status_verified">Marital status verified</label>' in page
    assert "Ý kiến thẩm định" not in page


def test_what_an_english_officer_recorded_is_stored_as_a_vietnamese_one_would_and_labelled_in_english(
        browser, receive_dossier, demo):
    code, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post("/language", {"locale": "en"})
    minh.post(f"/tasks/{item}/claim")
    response = minh.post(f"/tasks/{item}/complete", {"conditions_met": "on", "appraisal_opinion": "Đủ điều kiện."})
    assert response.status_code == 302, page_text(response)
    with demo.motcua.read_session() as s:
        dossier_id = s.execute(select(Dossier.id).where(Dossier.code == code)).scalar_one()
        recorded = s.execute(select(AuditEvent.detail).where(AuditEvent.dossier_id == dossier_id,
                                                             AuditEvent.action == "completed")).scalar_one()
    assert recorded["data"] == {"conditions_met": True, "marital_status_verified": False,
                                "appraisal_opinion": "Đủ điều kiện.", "supplement_requested": False}
    approve = open_item(demo, dossier_id)
    lan = browser("lanhdao")
    lan.post("/language", {"locale": "en"})
    page = lan.text(f"/tasks/{approve}")  # what earlier steps recorded, as the next officer reads it
    assert re.search(r"<dt>Appraisal opinion</dt>\s*<dd>Đủ điều kiện\.</dd>", page)
    lan.post("/language", {"locale": "vi"})
    assert re.search(r"<dt>Ý kiến thẩm định</dt>\s*<dd>Đủ điều kiện\.</dd>", lan.text(f"/tasks/{approve}"))


def test_a_broken_rule_reads_in_english_with_the_fields_english_titles(browser, demo, frozen_clock):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="lien_thong_khai_tu", applicant=Applicant(name="Trần Văn Tám"))
    item = open_item(demo, dossier.id)
    minh = browser("chuyenvien")
    minh.post("/language", {"locale": "en"})
    minh.post(f"/tasks/{item}/claim")
    death = {"deceased_name": "Trần Văn Bảy", "deceased_id_number": "001050000777", "death_date": "01/12/2099",
             "deceased_birth_date": "02/12/2099", "death_place": "Nhà riêng", "permanent_residence": "Thôn Đông",
             "conditions_met": "on", "appraisal_opinion": "Đủ điều kiện đăng ký khai tử."}
    response = minh.post(f"/tasks/{item}/complete", death)
    assert response.status_code == 422
    page = page_text(response)
    assert ('id="f-death_date-error">The date of death cannot be later than the date of death registration.'
            in page)
    assert 'id="f-deceased_birth_date-error">Must not be after «Date of death».' in page
    assert "Ngày chết" not in page


def test_a_citizen_reads_the_intake_form_in_the_page_language(citizen):
    b = citizen()
    assert re.search(r'<label for="f-bride_name">Họ, chữ đệm, tên bên nữ', b.text(URL))
    b.post("/language", {"locale": "en"})
    page = b.text(URL)
    assert re.search(r'<label for="f-bride_name">Bride\'s full name', page)
    assert '<label for="f-first_marriage">First marriage for both partners</label>' in page
    assert "tên bên nữ" not in page


def test_the_counter_reads_an_online_declaration_in_the_page_language(app, citizen):
    assert submit_complete(citizen()).status_code == 302
    officer = Browser(app)
    officer.login("tiepnhan")
    assert re.search(r"<dt>Họ, chữ đệm, tên bên nữ</dt><dd>Lê Thị Cúc</dd>", officer.text("/reception/online"))
    officer.post("/language", {"locale": "en"})
    queue = officer.text("/reception/online")
    assert re.search(r"<dt>Bride's full name</dt><dd>Lê Thị Cúc</dd>", queue) and "tên bên nữ" not in queue
