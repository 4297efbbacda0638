"""An officer's day in the browser (found by a browser audit): forms left empty are answered by the server
in the page's language, whatever the browser's own; on a phone, a card's value that runs over two
pieces (a name and its ID number, a due time and its mark) stays in the value's column; a refused
reception form puts the focus on its list of what went wrong."""
from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import expect

from engine import commands
from engine.commands.reception import Applicant
from tests.conftest import VN

PHONE_WIDTH = 390


def receive(demo, **applicant):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon",
                            applicant=Applicant(name="Nguyễn Văn An", **applicant))


def test_a_step_form_sent_empty_says_what_is_missing_in_the_pages_language(officer, demo):
    receive(demo)
    # A Vietnamese page in a browser that speaks English: its own bubbles would say
    # "Please fill out this field." and keep the form from reaching the server.
    page = officer("chuyenvien", browser_locale="en-US")
    page.goto("/inbox?tab=unclaimed")
    page.get_by_role("button", name="Nhận xử lý").first.click()
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page).to_have_url(re.compile(r"/complete$"))
    # Beside the field (and in the list of what is wrong at the top of the forms).
    expect(page.locator("#f-appraisal_opinion-error")).to_have_text("Trường này là bắt buộc.")
    page.get_by_text("Yêu cầu bổ sung hồ sơ", exact=True).click()  # the request waits folded
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    expect(page).to_have_url(re.compile(r"/request-supplement$"))
    expect(page.locator("#supplement-reason-error")).to_have_text("Cần ghi rõ lý do yêu cầu bổ sung.")


def test_a_withdrawal_sent_without_its_reason_says_so_in_the_pages_language(officer, demo):
    dossier = receive(demo)
    page = officer("tiepnhan", browser_locale="en-US")
    page.goto(f"/dossiers/{dossier.id}/withdraw")
    page.get_by_role("button", name="Xác nhận rút hồ sơ").click()
    expect(page.locator("#f-reason-error")).to_be_visible()
    expect(page.get_by_text("Vui lòng sửa các mục được đánh dấu bên dưới.")).to_be_visible()


def _first_text_left(cell) -> float:
    """Where the cell's first piece of text starts (a text node has no box of its own)."""
    return cell.evaluate("""el => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT,
            {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
        const range = document.createRange();
        range.selectNodeContents(walker.nextNode());
        return range.getBoundingClientRect().left;
    }""")


def test_on_a_phone_the_applicants_id_number_stays_beside_the_applicant_label(officer, demo):
    receive(demo, id_number="001090012345")
    page = officer("tiepnhan")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.goto("/dossiers")
    cell = page.locator('table td[data-label="Người nộp"]').first
    id_number = cell.get_by_text("001090012345")
    expect(id_number).to_be_visible()
    # Under the name, in the value's column; not under the label "Người nộp".
    assert abs(id_number.bounding_box()["x"] - _first_text_left(cell)) < 1


def test_on_a_phone_an_overdue_steps_mark_stays_beside_its_due_time(officer, demo, frozen_clock):
    receive(demo)
    frozen_clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=VN)  # the step was due days ago
    page = officer("chuyenvien")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.goto("/inbox?tab=unclaimed")
    cell = page.locator('table td[data-label="Hạn của bước"]').first
    mark = cell.locator(".deadline-mark")
    expect(mark).to_have_text("Quá hạn")
    assert mark.bounding_box()["x"] >= _first_text_left(cell) - 1, "the mark went under the column's label"


def test_a_refused_reception_form_puts_the_focus_on_what_went_wrong(officer, demo):
    page = officer("tiepnhan")
    page.goto("/reception/new")
    expect(page.get_by_label("Thủ tục hành chính")).to_be_focused()  # where the officer starts
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    summary = page.locator("#form-errors")
    expect(summary).to_contain_text("Hồ sơ chưa được tiếp nhận")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")  # and on into the form from there
    expect(summary).not_to_be_focused()
