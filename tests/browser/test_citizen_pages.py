"""The citizens' public pages in a real browser: found by searching without accents, readable at
a desktop's and a phone's width, in Vietnamese and English, with no serious accessibility fault."""
from __future__ import annotations

import re
from email import message_from_string
from email.policy import default

import pytest

from engine.scheduler.mail_delivery import deliver_mail
from integrations.mail import SmtpMailer
from tests.test_escalation import Inbox, smtp  # noqa: F401  (the loopback SMTP server fixture)
from tests.browser.accessibility import horizontal_overflow, lines_of, serious_violations
from tests.browser.conftest import WAIT_LIMIT_MS

PAGES = ["/", "/thu-tuc?q=ket+hon", "/thu-tuc/dang_ky_ket_hon", "/thu-tuc/lien_thong_khai_sinh", "/tra-cuu",
         "/dang-nhap",
         "/thu-tuc?q=" + "x" * 10_000]  # the search is echoed back ("0 thủ tục phù hợp với «xxx…»")


@pytest.fixture
def citizen_page(chromium, live_server):
    contexts = []

    def open_page(width: int):
        context = chromium.new_context(base_url=live_server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                       viewport={"width": width, "height": 900}, bypass_csp=True)
        context.set_default_timeout(WAIT_LIMIT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_a_citizen_finds_a_procedure_and_its_blank_form(citizen_page):
    page = citizen_page(1280)
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dịch vụ công trực tuyến"
    page.get_by_label("Tìm thủ tục").fill("dang ky ket hon")
    page.get_by_label("Tìm thủ tục").press("Enter")
    page.wait_for_url("**/thu-tuc?q=*")
    page.get_by_role("link", name="Đăng ký kết hôn").click()
    page.wait_for_url("**/thu-tuc/dang_ky_ket_hon")
    assert "5 ngày làm việc" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu").first.click()
    assert download.value.suggested_filename == "to-khai-dang-ky-ket-hon.html"
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/thu-tuc/dang_ky_ket_hon")
    assert page.get_by_role("heading", level=1).inner_text() == "Marriage registration"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_public_pages_are_accessible_and_fit_a_phone(citizen_page, width, language):
    page = citizen_page(width)
    page.goto("/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    problems = {}
    for url in PAGES:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        found = serious_violations(page)
        overflow = horizontal_overflow(page)
        if found or overflow:
            problems[url] = {"axe": found, "overflow_px": overflow}
    assert problems == {}


@pytest.fixture(autouse=True)
def _uploads_in_tmp(monkeypatch, tmp_path):
    """Scans uploaded by these tests go to a temporary folder, not the project's instance/."""
    monkeypatch.setenv("MOTCUA_UPLOAD_DIR", str(tmp_path / "uploads"))


def sign_in_by_mail(page, demo, smtp, email="an.nguyen@example.vn"):
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập công dân").click()
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_role("button", name="Gửi mã đăng nhập").click()
    page.wait_for_url("**/dang-nhap/ma")
    deliver_mail(demo.motcua.uow, SmtpMailer("127.0.0.1", smtp.port))
    body = message_from_string(smtp.messages[-1][1], policy=default).get_content()
    page.get_by_label("Mã đăng nhập").fill(re.search(r"\b(\d{6})\b", body).group(1))
    page.get_by_label("Mã đăng nhập").press("Enter")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citizen_signs_in_with_a_mailed_code_and_fills_in_their_details(citizen_page, demo, smtp, width):
    page = citizen_page(width)
    sign_in_by_mail(page, demo, smtp)
    page.wait_for_url("**/cong-dan/thong-tin*")
    page.get_by_label("Số định danh cá nhân").fill("12")
    page.get_by_role("button", name="Lưu").click()
    assert "Trường này là bắt buộc." in page.locator("main").inner_text()  # the name is missing
    assert serious_violations(page) == [] and horizontal_overflow(page) == 0
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân").fill("001090012345")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/cong-dan")
    assert "Nguyễn Văn An" in page.locator("main").inner_text()
    assert serious_violations(page) == [] and horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citizen_reading_english_fills_in_the_declaration_in_english(citizen_page, demo, smtp, width):
    page = citizen_page(width)
    sign_in_by_mail(page, demo, smtp)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("button", name="English").click()
    page.goto("/thu-tuc/dang_ky_ket_hon/nop")
    page.get_by_label("Bride's full name").fill("Lê Thị Cúc")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_label("Bride's full name").input_value() == "Lê Thị Cúc"
    main = page.locator("main").inner_text()
    assert "Groom's personal identification number" in main and "bên nữ" not in main
    assert serious_violations(page) == [] and horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citizen_submits_online_and_the_counter_sees_it(citizen_page, officer, demo, smtp, width):
    page = citizen_page(width)
    sign_in_by_mail(page, demo, smtp)
    page.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    page.get_by_role("button", name="Lưu").click()
    page.goto("/thu-tuc/dang_ky_ket_hon")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Họ, chữ đệm, tên bên nữ").fill("Lê Thị Cúc")
    page.get_by_role("button", name="Lưu nháp").click()  # leave and come back: the draft is kept
    page.goto("/cong-dan")
    page.get_by_role("link", name="Tiếp tục").click()
    assert page.get_by_label("Họ, chữ đệm, tên bên nữ").input_value() == "Lê Thị Cúc"
    page.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Chưa tải lên" in page.locator("main").inner_text()
    assert serious_violations(page) == [] and horizontal_overflow(page) == 0
    page.get_by_label("Ngày sinh bên nữ").fill("02/04/1998")
    page.get_by_label("Số định danh cá nhân bên nữ").fill("001198001234")
    page.get_by_label("Họ, chữ đệm, tên bên nam").fill("Nguyễn Văn An")
    page.get_by_label("Ngày sinh bên nam").fill("15/09/1996")
    page.get_by_label("Số định danh cá nhân bên nam").fill("001096004321")
    page.get_by_label("Tờ khai đăng ký kết hôn").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}])
    page.get_by_label("Bản sao Căn cước của hai bên nam, nữ").set_input_files(
        files=[{"name": "can-cuoc.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + bytes(32)}])
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/cong-dan/ho-so/*")  # on to the new dossier's own page
    assert "Đã nộp hồ sơ, mã hồ sơ 000.31.21.H56-" in page.locator("main").inner_text()
    assert serious_violations(page) == [] and horizontal_overflow(page) == 0
    page.goto("/cong-dan")
    assert "Mới đăng ký" in page.locator("main").inner_text()
    page.locator("a.dossier-code").click()
    page.wait_for_url("**/cong-dan/ho-so/*")
    assert "Nộp hồ sơ trực tuyến" in page.locator("main").inner_text()  # its history
    assert lines_of(page.locator("h1 .dossier-code")) == 1  # the code reads whole, on a phone too
    page.get_by_role("button", name="Đề nghị rút hồ sơ").click()
    assert "Cần ghi rõ lý do rút hồ sơ." in page.locator("main").inner_text()
    assert serious_violations(page) == [] and horizontal_overflow(page) == 0
    counter = officer("tiepnhan")
    counter.get_by_role("link", name="Hồ sơ trực tuyến").click()
    assert "Lê Thị Cúc" in counter.locator("main").inner_text()
    assert serious_violations(counter) == []
    counter.get_by_role("link", name="Kiểm tra và quyết định tiếp nhận").click()
    counter.wait_for_url("**/reception/registered/*")
