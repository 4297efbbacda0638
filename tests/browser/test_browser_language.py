"""A browser that speaks another language than the page does not show through: an officer whose
browser is American English still reads and types days dd/mm/yyyy (the day fields are motcua's
own, not the browser's date input, which would show mm/dd/yyyy), and a citizen's file field says
"Chọn tệp" on a Vietnamese page, not the browser's "Choose File"."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.accessibility import serious_violations
from tests.browser.conftest import WAIT_LIMIT_MS
from tests.browser.test_citizen_pages import sign_in_by_mail
from tests.test_escalation import smtp  # noqa: F401  (the loopback SMTP server fixture)

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier


def test_an_american_english_browser_filters_dossiers_by_a_day_typed_dd_mm_yyyy(officer, demo):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    with demo.motcua.read_session() as s:
        received = s.get(Dossier, dossier.id).received_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    page = officer("tiepnhan", browser_locale="en-US")
    page.get_by_role("button", name="English").click()
    page.goto("/dossiers")
    since = page.get_by_label("Received from")
    expect(since).to_have_attribute("placeholder", "dd/mm/yyyy")
    typed = received.strftime("%d/%m/%Y")
    since.fill(typed)
    since.press("Enter")  # the filter form is sent from the keyboard
    expect(page.get_by_label("Received from")).to_have_value(typed)
    expect(page.locator("main")).to_contain_text(dossier.code)
    expect(page.locator("main")).not_to_contain_text("Not a valid date")
    # The day after: the dossier is left out, and the field still reads day first.
    later = received + timedelta(days=1)
    page.get_by_label("Received from").fill(later.strftime("%d/%m/%Y"))
    page.get_by_label("Received from").press("Enter")
    expect(page.get_by_label("Received from")).to_have_value(later.strftime("%d/%m/%Y"))
    expect(page.locator("main")).not_to_contain_text(dossier.code)
    # Typed month first, the American way: told plainly, in the page's language.
    page.get_by_label("Received from").fill(received.strftime("%m/%d/%Y") if received.day > 12 else "13/13/2026")
    page.get_by_label("Received from").press("Enter")
    expect(page.locator("main")).to_contain_text("Not a valid date")


def test_a_file_field_speaks_the_pages_language_and_still_opens_the_picker(chromium, live_server, demo, smtp):
    context = chromium.new_context(base_url=live_server, locale="en-US", timezone_id="Asia/Ho_Chi_Minh",
                                   viewport={"width": 390, "height": 844})
    context.set_default_timeout(WAIT_LIMIT_MS)
    try:
        page = context.new_page()
        sign_in_by_mail(page, demo, smtp)
        page.wait_for_url("**/cong-dan/thong-tin*")
        page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
        page.get_by_role("button", name="Lưu").click()
        page.goto("/thu-tuc/dang_ky_ket_hon")
        page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
        field = page.get_by_label("Tờ khai đăng ký kết hôn")
        pick = page.locator(".file-pick", has=field)
        expect(pick.locator(".file-button")).to_have_text("Chọn tệp")
        expect(pick.locator(".file-names")).to_have_text("Chưa chọn tệp nào")
        assert field.evaluate("el => getComputedStyle(el).opacity") == "0"  # the browser's words unseen
        # A tap on our button is a tap on the browser's input, which lies over it.
        pick.scroll_into_view_if_needed()
        button = pick.locator(".file-button").bounding_box()
        with page.expect_file_chooser() as chooser:
            page.mouse.click(button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
        chooser.value.set_files(files=[{"name": "to-khai.pdf", "mimeType": "application/pdf",
                                        "buffer": b"%PDF-1.4\n%%EOF\n"}])
        expect(pick.locator(".file-names")).to_have_text("to-khai.pdf")
        field.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # reached from the keyboard, and its focus is shown on our button
        expect(field).to_be_focused()
        assert pick.locator(".file-button").evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
        assert serious_violations(page) == []
        page.get_by_role("button", name="English").click()
        expect(page.locator(".file-pick .file-button").first).to_have_text("Choose a file")
    finally:
        context.close()
