"""The editor's panel in the page's words (usability audit of the modeller's editor): a step's
dossier status is chosen by its name ("4 · Đang xử lý", not a bare 4), a lane's role from the
roles by their names ("Chuyên viên", not a free box for "specialist"), a step's time is shown and
may be typed in Vietnamese ("1,5 ngày làm việc"), and a problem names the step by its name and
the field by its label, not "Thẩm định hồ sơ (appraise)" nor "(allotment)"."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.models import ProcedureDraft
from tests.browser.test_procedure_editor import open_editor, select_element

pytestmark = pytest.mark.slow


def chosen(page, name: str):
    return page.locator(f"#panel-fields select[name={name}] option:checked")


def test_statuses_and_roles_are_chosen_by_their_names(officer, live_server, demo):
    page = officer("thietke")
    open_editor(page)
    select_element(page, "approve")
    expect(chosen(page, "dossierStatus")).to_have_text("4 · Đang xử lý")
    options = page.locator("#panel-fields select[name=dossierStatus] option")
    expect(options).to_have_count(11)
    expect(options.nth(6)).to_have_text("6 · Chờ thực hiện nghĩa vụ tài chính")
    select_element(page, "Lane_specialist")
    expect(chosen(page, "role")).to_have_text("Chuyên viên")
    roles = page.locator("#panel-fields select[name=role] option")
    expect(roles.filter(has_text="Tiếp nhận và trả kết quả")).to_have_count(1)
    expect(roles.filter(has_text="Lãnh đạo")).to_have_count(1)
    # Another role is chosen by its name; the lane keeps the code.
    page.locator("#panel-fields select[name=role]").select_option(label="Lãnh đạo")
    expect(page.locator('#editor-canvas g.djs-shape[data-element-id="Lane_specialist"]').first).to_contain_text("leader")
    # In English, the same choices in English.
    page.goto("/procedures")
    page.get_by_role("button", name="English").click()
    open_editor(page)
    select_element(page, "approve")
    expect(chosen(page, "dossierStatus")).to_have_text("4 · In processing")
    expect(page.locator("#panel-fields input[name=allotment]")).to_have_value("1 working days")
    select_element(page, "Lane_specialist")
    expect(chosen(page, "role")).to_have_text("Specialist")


def test_a_steps_time_is_read_and_typed_in_vietnamese(officer, live_server, demo):
    page = officer("thietke")
    open_editor(page)
    select_element(page, "appraise")
    allotment = page.locator("#panel-fields input[name=allotment]")
    expect(allotment).to_have_value("2 ngày làm việc")
    # Not a time limit: the problem names the step and the field as the page does.
    allotment.fill("2 ngay")
    allotment.press("Tab")
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor")).to_have_attribute("data-state", "problems")
    first = page.locator("#editor-problems li").first
    expect(first).to_have_text("Lỗi · Thẩm định hồ sơ: Thời gian được phân bổ «2 ngay» không đúng dạng: hãy viết theo mẫu "
                               "“1,5 ngày làm việc” hoặc “4 giờ làm việc”.")
    # The step's id is the name's tooltip, for whoever reads the file.
    expect(first.get_by_role("button", name="Thẩm định hồ sơ")).to_have_attribute("title", "Mã phần tử: appraise")
    # A day and a half, as Vietnamese writes it: saved without a problem, kept in English in the file.
    first.get_by_role("button", name="Thẩm định hồ sơ").click()
    expect(page.locator("#panel-fields input[name=id]")).to_have_value("appraise")
    allotment.fill("1,5 ngày làm việc")
    allotment.press("Tab")
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor-status")).to_contain_text("Đã lưu bản nháp lúc")
    expect(page.locator("#editor-problems li")).to_have_count(0)
    with demo.motcua.read_session() as s:
        xml = s.query(ProcedureDraft).one().bpmn_xml
    assert 'name="allotment" value="1.5 working days"' in xml and "ngày làm việc" not in xml
    open_editor(page)
    select_element(page, "appraise")
    expect(page.locator("#panel-fields input[name=allotment]")).to_have_value("1,5 ngày làm việc")
