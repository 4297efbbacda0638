"""The modeller's editor in a real browser: open the reference procedure, read and change
motcua's properties in the panel, see a form as the task page draws it, save a broken diagram
and see the problem drawn on its element, fix it and publish version 2; the procedures page then
compares the two versions with the change marked on the diagram."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow


def open_editor(page: Page, key: str = "dang_ky_ket_hon") -> None:
    page.goto(f"/procedures/{key}/edit")
    expect(page.locator("#editor")).to_have_attribute("data-ready", "true")


def select_element(page: Page, element_id: str) -> None:
    shape = page.locator(f'#editor-canvas g.djs-shape[data-element-id="{element_id}"]').first
    if element_id.startswith("Lane_"):
        # A lane is picked on its name band (inside it, a click picks what the lane holds).
        page.locator("#editor-canvas").scroll_into_view_if_needed()
        box = shape.bounding_box()
        page.mouse.click(box["x"] + 10, box["y"] + box["height"] / 2)
    else:
        shape.click()
    expect(page.locator("#panel-fields input[name=id]")).to_have_value(element_id)


def test_edit_check_and_publish_in_the_browser(officer, live_server, demo):
    page = officer("thietke")
    page.get_by_role("link", name="Thủ tục", exact=True).click()
    page.get_by_role("link", name="Đăng ký kết hôn").click()
    expect(page.get_by_text("Phiên bản áp dụng: 1")).to_be_visible()
    open_editor(page)
    # The procedure's own properties on the process.
    expect(page.locator("#panel-fields input[name=timeLimit]")).to_have_value("5 ngày làm việc")
    # A step: its form, status and allotment.
    select_element(page, "appraise")
    expect(page.locator("#panel-fields select[name=formJsonSchemaFilename]")).to_have_value("ket_hon_tham_dinh.json")
    page.locator("#panel-fields input[name=allotment]").fill("3 working days")
    page.locator("#panel-fields input[name=allotment]").press("Tab")
    # The form editor draws the form with the task page's fields.
    page.get_by_role("button", name="Sửa biểu mẫu này").click()
    expect(page.locator("#form-preview")).to_have_attribute("data-rendered", "ket_hon_tham_dinh.json")
    schema = page.locator("#form-schema").input_value()
    page.locator("#form-schema").fill(schema.replace('"Đã xác minh tình trạng hôn nhân"', '"Đã xác minh tình trạng hôn nhân của hai bên"', 1))
    expect(page.locator("#form-preview")).to_contain_text("Đã xác minh tình trạng hôn nhân của hai bên")
    # A lane without a role (its steps in no named lane): refused on save, drawn on the steps.
    select_element(page, "Lane_specialist")
    page.locator("#panel-fields select[name=role]").select_option(label="(không)")
    page.get_by_role("button", name="Lưu nháp và kiểm tra").click()
    expect(page.locator("#editor")).to_have_attribute("data-state", "problems")
    expect(page.locator("#editor-problems li").first).to_contain_text("chưa nằm trong lane có tên")
    expect(page.locator("#editor-canvas .has-problem").first).to_be_visible()
    # Fixed (the lane, picked in the list of elements, given its role by name again), it publishes as version 2.
    page.get_by_label("Phần tử đang sửa").select_option(value="Lane_specialist")
    expect(page.locator("#panel-fields input[name=id]")).to_have_value("Lane_specialist")
    page.locator("#panel-fields select[name=role]").select_option(label="Chuyên viên")
    page.locator("#editor-note").fill("Thêm thời hạn cho bước thẩm định")
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator("#editor")).to_have_attribute("data-state", "published")
    expect(page.locator("#editor-status")).to_contain_text("phiên bản 2")
    page.goto("/procedures/dang_ky_ket_hon")
    expect(page.get_by_text("Phiên bản áp dụng: 2")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Thêm thời hạn cho bước thẩm định")).to_be_visible()
    page.get_by_role("link", name="So với phiên bản trước").click()
    expect(page.locator("#diagram-new")).to_have_attribute("data-drawn", "true")
    expect(page.locator('#diagram-new [data-element-id="appraise"].diff-changed')).to_have_count(1)
    expect(page.get_by_text("sửa trường")).to_be_visible()


def test_a_new_form_reads_in_both_languages_from_the_start(officer, live_server, demo):
    """A new form's first field carries its English title, which the preview shows on an English
    page: the modeller sees how the keyword is written."""
    page = officer("thietke")
    page.get_by_role("button", name="English").click()
    open_editor(page)
    page.get_by_label("New form file name").fill("y_kien.json")
    page.get_by_role("button", name="Create form").click()
    expect(page.locator("#form-preview")).to_have_attribute("data-rendered", "y_kien.json")
    expect(page.locator("#form-preview label[for=f-ghi_chu]")).to_have_text("Note")
    assert '"x-title-en": "Note"' in page.locator("#form-schema").input_value()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_procedures_pages_fit_the_screen(chromium, live_server, demo, width):
    context = chromium.new_context(base_url=live_server, locale="vi-VN", viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Tên đăng nhập").fill("thietke")
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_label("Mật khẩu").press("Enter")
        page.wait_for_url("**/inbox")
        for url in ("/procedures", "/procedures/dang_ky_ket_hon", "/procedures/dang_ky_ket_hon/edit"):
            page.goto(url)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (url, width, overflow)
    finally:
        context.close()


def _boxes(page: Page, selector: str) -> list[dict]:
    return [box for box in (element.bounding_box() for element in page.locator(selector).all()) if box]


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_on_a_phone_the_diagram_opens_readable_and_the_palette_covers_none_of_it(officer, live_server, demo):
    page = officer("thietke")
    page.set_viewport_size({"width": 390, "height": 844})
    open_editor(page)
    canvas = page.locator("#editor-canvas").bounding_box()
    steps = _boxes(page, "#editor-canvas g.djs-shape[data-element-id=appraise]")
    # A step is drawn large enough to read its name and touch it (the whole diagram at this
    # width would make it about 30 px wide).
    assert steps and steps[0]["width"] >= 70, steps
    shapes = [box for box in _boxes(page, "#editor-canvas g.djs-shape:not([data-element-id^=Lane_])"
                                           ":not([data-element-id^=Participant_]) .djs-visual")
              if _overlap(box, canvas)]
    palette = _boxes(page, "#editor-canvas .djs-palette")
    assert shapes and palette
    assert not [box for box in shapes if _overlap(box, palette[0])], "the palette covers part of the diagram"
    mark = _boxes(page, "#editor-canvas .bjs-powered-by")
    assert mark and not _overlap(mark[0], palette[0]), "the palette covers the bpmn.io mark"
    # Every tool of the palette can still be reached (the strip scrolls sideways).
    last_tool = page.locator("#editor-canvas .djs-palette .entry").last
    last_tool.scroll_into_view_if_needed()
    expect(last_tool).to_be_in_viewport()


def test_on_a_wide_screen_the_whole_diagram_is_in_view(officer, live_server, demo):
    page = officer("thietke")
    open_editor(page)
    canvas = page.locator("#editor-canvas").bounding_box()
    shapes = _boxes(page, "#editor-canvas g.djs-shape .djs-visual")
    outside = [box for box in shapes if not (canvas["x"] - 1 <= box["x"] and box["x"] + box["width"] <= canvas["x"] + canvas["width"] + 1
                                          and canvas["y"] - 1 <= box["y"] and box["y"] + box["height"] <= canvas["y"] + canvas["height"] + 1)]
    assert shapes and not outside, outside
