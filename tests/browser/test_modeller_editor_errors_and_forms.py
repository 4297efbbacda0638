"""The editor and a procedure's page as the modeller works them (found by a browser audit): a save
that finds errors takes the keyboard to the first one, which names its step as the drawing does
(its id only after it) and leads to it with Enter; the form editor opens on the procedure's own
form and says in the page's language what is wrong with a schema that is not JSON or a new form's
name (the browser's English, or a red border and nothing said, before); the compare page on a
phone opens on the change at a readable size; every element can be chosen from a list (the
drawing takes no keyboard); a retirement without its reason is refused by the
page, not the browser; a save after the session ended says so, and saves once signed in again."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from engine.commands import procedures as lifecycle
from engine.demo import DEMO_PASSWORD
from engine.models import ProcedureDraft
from tests.bpmn_samples import FORMS, reference_xml
from tests.browser.test_procedure_editor import open_editor, select_element

pytestmark = pytest.mark.slow


def test_a_refused_save_takes_the_keyboard_to_its_first_error_by_the_steps_name(officer, live_server, demo):
    page = officer("thietke")
    open_editor(page)
    select_element(page, "appraise")
    page.locator("#panel-fields input[name=allotment]").fill("2 ngay")
    page.locator("#panel-fields input[name=allotment]").press("Tab")
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor")).to_have_attribute("data-state", "problems")
    first = page.locator("#editor-problems li").first
    expect(first).to_contain_text("Lỗi · Thẩm định hồ sơ: Thời gian được phân bổ «2 ngay»")
    button = first.get_by_role("button", name="Thẩm định hồ sơ")
    expect(button).to_be_focused()
    select_element(page, "Lane_leader")  # elsewhere, then back by the keyboard
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel-fields input[name=id]")).to_have_value("appraise")
    expect(page.locator("#panel-title")).to_be_focused()


def test_the_form_editor_says_whats_wrong_in_the_pages_language(officer, live_server, demo):
    page = officer("thietke")
    page.get_by_role("button", name="English").click()
    open_editor(page)
    # The procedure's own first form, not the folder's first by name (another procedure's).
    expect(page.locator("#form-pick")).to_have_value("ket_hon_tham_dinh.json")
    expect(page.locator("#form-preview")).to_have_attribute("data-rendered", "ket_hon_tham_dinh.json")
    page.locator("#form-schema").fill('{\n  "type": "object",\n  "properties": {,\n}')
    expect(page.locator("#form-schema-problems")).to_have_text(
        "The schema is not valid JSON at line 3: check the commas, quotation marks and brackets on that line or "
        "just before it. The preview still shows the last version that could be read.")
    expect(page.locator("#form-preview")).to_contain_text("Marital status verified")
    name = page.get_by_label("New form file name")
    name.fill("ý kiến")
    page.get_by_role("button", name="Create form").click()
    expect(page.locator("#form-new-problem")).to_contain_text("A form's file name has only letters without accents")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    name.fill("ket_hon_tham_dinh.json")
    page.get_by_role("button", name="Create form").click()
    expect(page.locator("#form-new-problem")).to_have_text(
        "There is a form named ket_hon_tham_dinh.json already: choose it in the list to edit it, or give another name.")
    name.fill("y_kien.json")
    page.get_by_role("button", name="Create form").click()
    expect(page.locator("#form-new-problem")).to_have_text("")
    expect(page.locator("#form-preview")).to_have_attribute("data-rendered", "y_kien.json")


def test_the_compare_page_on_a_phone_opens_on_the_change_at_a_readable_size(chromium, officer, live_server, demo):
    form = json.loads((FORMS / "ket_hon_tham_dinh.json").read_text(encoding="utf-8"))
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], forms_dir=FORMS, forms={
        "ket_hon_tham_dinh.json": form}, bpmn_xml=reference_xml().replace('name="Thẩm định hồ sơ"',
                                                                          'name="Thẩm định hồ sơ kết hôn"'))
    page = officer("thietke")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/procedures/dang_ky_ket_hon/compare")
    expect(page.locator("#diagram-new")).to_have_attribute("data-drawn", "true")
    changed = page.locator('#diagram-new [data-element-id="appraise"].diff-changed')
    step, canvas = changed.bounding_box(), page.locator("#diagram-new").bounding_box()
    assert step["width"] >= 0.75 * 100, step  # a task is drawn 100 wide: at least three quarters of it
    assert canvas["x"] <= step["x"] and step["x"] + step["width"] <= canvas["x"] + canvas["width"], (step, canvas)


def test_retiring_without_a_reason_is_refused_in_the_pages_language(officer, live_server, demo):
    """In a browser set to English, a Vietnamese page's missing reason is said in Vietnamese (the
    browser's own bubble, in English, stopped the form before)."""
    page = officer("thietke", browser_locale="en-US")
    page.goto("/procedures/dang_ky_ket_hon")
    page.get_by_role("button", name="Ngừng tiếp nhận hồ sơ mới").click()
    expect(page.locator(".flash-error")).to_have_text("Cần ghi lý do ngừng tiếp nhận.")
    expect(page.get_by_text("Đang tiếp nhận", exact=False).first).to_be_visible()


def test_a_save_after_the_session_ended_says_so_and_saves_once_signed_in_again(officer, live_server, demo):
    """Drawing asks the server nothing, so an officer's session can end while they draw: the save
    said "could not reach the server", and after signing in again (in another tab) the page's old
    form token was refused all the same; the work was lost on reloading."""
    page = officer("thietke")
    open_editor(page)
    select_element(page, "appraise")
    page.locator("#panel-fields input[name=name]").fill("Thẩm định hồ sơ kết hôn")
    page.locator("#panel-fields input[name=name]").press("Tab")
    other = page.context.new_page()
    other.goto("/inbox")
    other.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor-status")).to_have_text(
        "Phiên đăng nhập đã hết nên bản vẽ chưa được lưu. Đừng đóng hay tải lại trang này: hãy đăng nhập lại ở một "
        "thẻ khác, rồi quay lại đây và bấm lưu lần nữa.")
    other.get_by_label("Tên đăng nhập").fill("thietke")
    other.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    other.get_by_label("Mật khẩu").press("Enter")
    other.wait_for_url("**/inbox")
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor-status")).to_contain_text("Đã lưu bản nháp lúc")
    with demo.motcua.read_session() as s:
        assert "Thẩm định hồ sơ kết hôn" in s.query(ProcedureDraft).one().bpmn_xml


def test_every_element_can_be_chosen_and_edited_by_keyboard(officer, live_server, demo):
    """The drawing takes no keyboard: a list of every element, by name and kind, opens its
    properties (a keyboard user could edit the procedure's own properties only, before)."""
    page = officer("thietke")
    open_editor(page)
    pick = page.get_by_label("Phần tử đang sửa")
    expect(pick.locator("option", has_text="Phê duyệt · Bước xử lý của người")).to_have_count(1)
    pick.focus()
    pick.select_option(label="Phê duyệt · Bước xử lý của người")
    expect(page.locator("#panel-fields input[name=id]")).to_have_value("approve")
    page.keyboard.press("Tab")  # the element's id, then its name
    page.keyboard.press("Tab")
    page.keyboard.press("End")
    page.keyboard.type(" của lãnh đạo")
    page.keyboard.press("Tab")
    expect(pick.locator("option:checked")).to_have_text("Phê duyệt của lãnh đạo · Bước xử lý của người")
    pick.select_option(label="Đăng ký kết hôn · Quy trình")
    expect(page.locator("#panel-fields input[name=timeLimit]")).to_have_value("5 ngày làm việc")
