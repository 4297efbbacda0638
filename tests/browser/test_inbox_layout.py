"""The officer's pages at an office screen's width (1280 px): a dossier code stays on one line in
the inbox; on a phone (390 px) each step of the inbox and of a dossier, each event of its history
and each document row of the reception form is a card whose lines name their column (so are the
procedures and their versions), and a step form's tick box stands left of its words."""
from __future__ import annotations

from playwright.sync_api import expect

from engine import commands
from engine.commands.reception import Applicant
from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
from tests.browser.accessibility import lines_of
from tests.test_escalation import smtp  # noqa: F401  (a fixture the timed procedure's demo uses)
from tests.test_supervision_escalations import at, timed  # noqa: F401  (fixture)
from tests.test_supervision_escalations import receive as receive_timed
from tests.web.conftest import open_item

PHONE_WIDTH = 390


def on_a_phone(officer, demo, username: str):
    """A dossier just received, and ``username``'s window at a phone's width."""
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    page = officer(username)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    return page, dossier


def assert_within_the_window(box, what) -> None:
    """Read without scrolling sideways."""
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (what, box)


def test_dossier_codes_never_wrap_in_the_inbox_table(officer, demo):
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="dang_ky_ket_hon", applicant=Applicant(name=name))
    page = officer("chuyenvien")  # a 1280 × 900 window
    page.goto("/inbox?tab=unclaimed")
    codes = page.locator("table .dossier-code")
    assert codes.count() == 2
    for i in range(2):
        # An inline box broken over two lines has two client rectangles.
        assert codes.nth(i).evaluate("el => el.getClientRects().length") == 1, codes.nth(i).inner_text()


def test_on_a_phone_each_step_is_a_card_with_its_step_and_due_time_in_sight(officer, demo):
    page, _dossier = on_a_phone(officer, demo, "chuyenvien")
    page.goto("/inbox?tab=unclaimed")
    row = page.locator("table tbody tr").first
    for label, value in (("Bước", "Thẩm định hồ sơ"), ("Hạn của bước", "26/11/2026 09:00")):
        cell = row.locator(f'td[data-label="{label}"]')
        expect(cell).to_contain_text(value)
        assert_within_the_window(cell.bounding_box(), label)
        # Its column's name beside it.
        assert cell.evaluate("el => getComputedStyle(el, '::before').content") == f'"{label}"'
    expect(page.locator("table thead")).not_to_be_in_viewport()
    expect(row.get_by_role("button", name="Nhận xử lý")).to_be_in_viewport()
    # On an office screen it is the table, with its column headers.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("columnheader", name="Hạn của bước")).to_be_visible()
    assert row.locator('td[data-label="Bước"]').evaluate("el => getComputedStyle(el).display") == "table-cell"


def test_on_a_phone_a_dossiers_open_steps_are_cards_too(officer, demo):
    # A supervisor: the step's row also holds the reassignment form.
    page, dossier = on_a_phone(officer, demo, "giamsat")
    page.goto(f"/dossiers/{dossier.id}")
    due = page.locator('section[aria-labelledby=steps-title] td[data-label="Hạn của bước"]')
    expect(due).to_contain_text("26/11/2026 09:00")
    assert_within_the_window(due.bounding_box(), "Hạn của bước")
    reassign = page.locator("section[aria-labelledby=steps-title]").get_by_role("button", name="Giao lại")
    reassign.scroll_into_view_if_needed()
    expect(reassign).to_be_in_viewport()
    # Its code, in the heading, reads whole.
    code = page.locator("h1 .dossier-code")
    assert lines_of(code) == 1
    assert_within_the_window(code.bounding_box(), "the dossier code")
    # Its history: each event a card whose lines name what they are.
    what = page.locator('section[aria-labelledby=history-title] td[data-label="Nội dung"]').first
    expect(what).to_contain_text("Tiếp nhận hồ sơ")
    assert_within_the_window(what.bounding_box(), "Nội dung")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH  # nothing to scroll sideways


def test_on_a_phone_each_document_received_is_a_card_of_fields(officer, demo):
    page, _dossier = on_a_phone(officer, demo, "tiepnhan")
    page.goto("/reception/new?procedure_key=dang_ky_ket_hon")
    for label in ("Tên giấy tờ, dòng 1", "Hình thức, dòng 1", "Số lượng, dòng 1"):
        field = page.get_by_label(label)
        field.scroll_into_view_if_needed()
        assert_within_the_window(field.bounding_box(), label)
    name = page.get_by_label("Tên giấy tờ, dòng 1")
    assert name.bounding_box()["width"] >= 150  # room to type a document's name
    rows = page.locator("table.documents").locator("xpath=..")
    assert rows.evaluate("el => el.scrollWidth <= el.clientWidth"), "the rows scroll sideways"
    kind = page.get_by_label("Hình thức, dòng 1").bounding_box()
    assert kind["y"] >= name.bounding_box()["y"] + name.bounding_box()["height"]  # one field a line
    page.get_by_label("Tên giấy tờ, dòng 2").fill("Giấy xác nhận cư trú")  # reachable and typable


def test_on_a_phone_a_tick_box_stands_left_of_its_words(officer, demo):
    page, _dossier = on_a_phone(officer, demo, "chuyenvien")
    page.goto("/inbox?tab=unclaimed")
    page.get_by_role("button", name="Nhận xử lý").first.click()
    page.goto("/inbox")
    page.locator("table a.dossier-code").first.click()
    box = page.get_by_label("Đã xác minh tình trạng hôn nhân").bounding_box()
    words = page.locator("label", has_text="Đã xác minh tình trạng hôn nhân").bounding_box()
    assert box["x"] + box["width"] <= words["x"], (box, words)  # on its left
    assert words["y"] <= box["y"] + box["height"] / 2 <= words["y"] + words["height"], (box, words)  # on its line


def test_on_a_phone_each_escalation_is_a_card_and_so_is_the_citizens_tracking(officer, timed, frozen_clock, chromium,
                                                                             live_server):
    dossier = receive_timed(timed, id_number="001090012345")
    frozen_clock.current = at(25, 9, 30)  # its step is half an hour late
    sweep_steps(timed.motcua.uow())
    sweep_late_dossiers(timed.motcua.uow())
    page = officer("giamsat")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.goto("/supervise")
    late = page.locator('table.escalations td[data-label="Trễ"]').first
    expect(late).to_contain_text("trễ 30 phút")
    assert_within_the_window(late.bounding_box(), "Trễ")
    rows = page.locator("table.escalations").locator("xpath=..")
    assert rows.evaluate("el => el.scrollWidth <= el.clientWidth"), "the escalations scroll sideways"
    acknowledge = page.get_by_role("button", name="Xác nhận").first
    acknowledge.scroll_into_view_if_needed()
    assert_within_the_window(acknowledge.bounding_box(), "Xác nhận")
    # The citizen follows the dossier on their phone: its steps are cards too.
    context = chromium.new_context(base_url=live_server, locale="vi-VN", viewport={"width": PHONE_WIDTH, "height": 844})
    try:
        citizen = context.new_page()
        citizen.goto("/tra-cuu")
        citizen.get_by_label("Mã hồ sơ").fill(dossier.code)
        citizen.get_by_label("Số định danh cá nhân / CCCD hoặc số điện thoại của người nộp").fill("001090012345")
        citizen.get_by_label("Số định danh cá nhân / CCCD hoặc số điện thoại của người nộp").press("Enter")
        started = citizen.locator('td[data-label="Bắt đầu"]').first
        expect(started).to_contain_text("23/11/2026 09:00")
        assert_within_the_window(started.bounding_box(), "Bắt đầu")
        assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    finally:
        context.close()


def test_on_a_phone_each_procedure_and_each_version_is_a_card(officer, demo):
    page = officer("thietke")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.goto("/procedures")
    receiving = page.locator('table.procedures td[data-label="Trạng thái"]').first
    expect(receiving).to_contain_text("Đang tiếp nhận")
    assert label_shown(receiving) == "Trạng thái"
    assert_within_the_window(receiving.bounding_box(), "Trạng thái")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.get_by_role("link", name="Đăng ký kết hôn").first.click()
    published = page.locator('table.versions td[data-label="Xuất bản lúc"]').first
    assert_within_the_window(published.bounding_box(), "Xuất bản lúc")
    assert label_shown(published) == "Xuất bản lúc"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def label_shown(cell) -> str:
    """The column's name a card's line shows before its value (the table's head is hidden)."""
    return cell.evaluate("el => getComputedStyle(el, '::before').content").strip('"')


def test_on_a_phone_a_notice_keeps_the_dossier_code_whole(officer, demo):
    """Found by an audit: a notice's dossier code broke at a hyphen at the end of a line on a
    phone, in the message and in the link under it."""
    page, dossier = on_a_phone(officer, demo, "chuyenvien")
    page.set_viewport_size({"width": 320, "height": 700})  # the narrowest phones: a break is likeliest
    item = commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"],
                          work_item_id=open_item(demo, dossier.id))
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data={
        "conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."})
    approval = commands.claim(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=open_item(demo, dossier.id))
    commands.send_back(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=approval.id,
                       reason="Xác minh lại tình trạng hôn nhân của hai bên.")
    page.goto("/notifications")
    codes = page.locator("ul.notifications .dossier-code")
    assert codes.count() == 2  # in the message and in the link to the dossier
    for i in range(2):
        assert codes.nth(i).inner_text() == dossier.code
        assert codes.nth(i).evaluate("el => el.getClientRects().length") == 1
