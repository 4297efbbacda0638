"""The counter's contact-data messages and the administrators' undelivered mail, in a real browser
at a phone's width (390 px) and an office screen's (1280 px): the message sits next to its field,
nothing runs off the side of the page."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier
from engine.scheduler.runner import run_tick


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")



@pytest.mark.parametrize("width", [390, 1280])
def test_a_wrong_phone_is_shown_next_to_its_field(officer, demo, width):
    page = officer("tiepnhan")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/reception/new")
    page.get_by_label("Thủ tục hành chính").select_option("dang_ky_ket_hon")
    page.get_by_label("Tờ khai đăng ký kết hôn").wait_for()  # the chosen procedure's checklist
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân / CCCD").fill("abc12")
    page.get_by_label("Số điện thoại").fill("không có")
    page.get_by_label("Số điện thoại").press("Enter")  # the keyboard, as at the counter
    message = page.locator("#f-applicant_phone-error")
    message.wait_for()
    assert "10 chữ số" in message.inner_text()
    assert page.get_by_label("Số điện thoại").get_attribute("aria-invalid") == "true"
    assert "12 chữ số" in page.locator("#f-applicant_id_number-error").inner_text()
    phone_box = page.get_by_label("Số điện thoại").bounding_box()
    message_box = message.bounding_box()
    assert 0 <= message_box["y"] - (phone_box["y"] + phone_box["height"]) < 80  # right under the field
    assert _fits(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_administrator_reads_why_a_mail_was_not_delivered(officer, demo, width):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon",
                               applicant=Applicant(name="Nguyễn Văn An", email="an@example.vn"))
    with demo.motcua.uow() as uow:
        uow.session.execute(update(Dossier).values(applicant_email="an@example.vn\nBcc: x@example.vn"))
        uow.commit()
    commands.withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
                      reason="Công dân xin rút hồ sơ", requested_by="Nguyễn Văn An")
    run_tick(demo.motcua)
    page = officer("admin")  # lands on the system's state
    page.set_viewport_size({"width": width, "height": 900})
    assert page.locator('[data-state="mail-failed"] .state-count').inner_text() == "1"
    assert _fits(page)
    page.locator('[data-state="mail-failed"] a').click()
    page.wait_for_url("**/admin/mail")
    row = page.locator("table.undelivered-mail tbody tr")
    assert row.count() == 1
    assert "Địa chỉ email không hợp lệ, thư không được gửi" in row.inner_text()
    assert row.get_by_role("button").count() == 0  # sending again cannot help
    table = page.locator(".table-scroll").first.bounding_box()  # the table scrolls within the page
    assert table["x"] >= 0 and table["x"] + table["width"] <= width
