"""Rolling a procedure back to an earlier version ("Áp dụng phiên bản N" on its page) took one click
and no reason, though the history shows one when given. The form now has an optional, labelled
reason field: still one step; the reason is kept and shown in the history; an over-long one is
refused beside the field, with what was typed kept, and nothing changes."""
from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from engine.commands.procedures import MAX_NOTE
from engine.models import Procedure
from tests.web.test_procedures_page import publish

PAGE = "/procedures/dang_ky_ket_hon"
ROLL_BACK = f"{PAGE}/versions/1/activate"


@pytest.fixture
def two_versions(demo):
    publish(demo)  # version 2 is active; version 1 is offered back
    return demo


def active_number(demo) -> int:
    with demo.motcua.read_session() as s:
        return s.execute(select(Procedure.active_number).where(Procedure.key == "dang_ky_ket_hon")).scalar_one()


def history(page: str) -> list[str]:
    return [" ".join(li.text_content().split()) for li in lxml.html.fromstring(page).xpath("//ul[@class='history']/li")]


def reason_field(page: str, number: int = 1):
    """The reason input of the form that applies version ``number``, and its label's words."""
    root = lxml.html.fromstring(page)
    [form] = root.xpath(f"//form[contains(@action, '/versions/{number}/activate')]")
    [field] = form.xpath(".//input[@name='reason']")
    [label] = root.xpath(f"//label[@for='{field.get('id')}']")
    return form, field, " ".join(label.text_content().split())


@pytest.mark.parametrize("user", ["thietke", "admin"])
def test_rolling_back_with_a_reason_keeps_it_in_the_history(browser, two_versions, user):
    steward = browser(user)
    form, field, label = reason_field(steward.text(PAGE))
    assert label == "Lý do chuyển sang phiên bản 1 (không bắt buộc)"
    assert field.get("type") == "text" and field.get("maxlength") == str(MAX_NOTE) and field.get("required") is None
    assert form.xpath(".//button[@type='submit']")[0].text_content() == "Áp dụng phiên bản 1"  # one step, no script
    assert not form.xpath(".//@onclick | .//@onsubmit")
    response = steward.post(ROLL_BACK, {"reason": "  Mẫu mới ghi sai tên bước thẩm định  "})
    assert response.status_code == 302
    assert active_number(two_versions) == 1
    [latest, *_] = history(steward.text(PAGE))
    assert "Quay về phiên bản cũ 1" in latest and latest.endswith(": Mẫu mới ghi sai tên bước thẩm định")


def test_rolling_back_without_a_reason_still_works(browser, two_versions):
    steward = browser("thietke")
    assert steward.post(ROLL_BACK, {"reason": ""}).status_code == 302
    assert active_number(two_versions) == 1
    [latest, *_] = history(steward.text(PAGE))
    assert "Quay về phiên bản cũ 1" in latest and not latest.endswith(":")


@pytest.mark.parametrize("language, said", [("vi", "Tối đa 2000 ký tự."), ("en", "At most 2000 characters.")])
def test_an_over_long_reason_is_refused_beside_its_field_and_changes_nothing(browser, two_versions, language, said):
    steward = browser("thietke")
    if language == "en":
        steward.english()
    before = history(steward.text(PAGE))
    typed = "x" * (MAX_NOTE + 1)
    response = steward.post(ROLL_BACK, {"reason": typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    _form, field, label = reason_field(page)
    if language == "en":
        assert label == "Reason for switching to version 1 (optional)"
    [error] = lxml.html.fromstring(page).xpath(f"//*[@id='{field.get('aria-describedby')}']")
    assert said in error.text_content()
    assert field.get("aria-invalid") == "true" and field.get("value") == typed  # what was typed is kept to shorten
    assert active_number(two_versions) == 2
    assert history(steward.text(PAGE)) == before
