"""The reference procedure (marriage registration) through the officers' pages in a real browser:
the receptionist receives the dossier at the counter, a specialist appraises it, the leader
approves, the specialist records the marriage and the receptionist returns the result. After each
step the dossier page must show the status the applicant would be told."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow

APPLICANT = "Nguyễn Văn An"
DOSSIER_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H56-\d{6}-\d{4}")


def show_dossier(page: Page, url: str, status: str) -> None:
    """Open the dossier page and check the status it shows."""
    page.goto(url)
    expect(page.locator(".status-line .status")).to_contain_text(status)


def claim_from_unit_queue(page: Page, code: str, step: str) -> None:
    """Open the unit's unclaimed work, find the dossier's step and take it."""
    page.get_by_role("link", name=re.compile("^Việc chưa nhận của đơn vị")).click()
    row = page.get_by_role("row").filter(has_text=code)
    expect(row).to_contain_text(step)
    expect(row).to_contain_text("Chưa nhận")
    row.get_by_role("button", name="Nhận xử lý").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Bạn đã nhận xử lý bước “{step}”.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(step)


def complete(page: Page, step: str) -> None:
    page.get_by_role("button", name="Hoàn thành", exact=True).click()
    page.wait_for_url("**/inbox")
    expect(page.get_by_role("status").first).to_contain_text(f"Đã hoàn thành bước “{step}”.")


def test_marriage_registration_from_counter_to_returned_result(officer, artifacts):
    # The receptionist receives the dossier at the counter.
    reception = officer("tiepnhan")
    reception.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Tiếp nhận hồ sơ").click()
    expect(reception.get_by_role("heading", level=1)).to_have_text("Tiếp nhận hồ sơ")
    reception.get_by_label("Thủ tục hành chính").select_option("dang_ky_ket_hon")
    # Choosing the procedure shows its required documents; the officer ticks what was handed in.
    reception.get_by_label("Tờ khai đăng ký kết hôn").check()
    reception.get_by_label("Bản sao Căn cước của hai bên nam, nữ").check()
    reception.get_by_label("Họ và tên").fill(APPLICANT)
    reception.get_by_label("Số định danh cá nhân / CCCD").fill("001090012345")
    reception.get_by_label("Địa chỉ").fill("Thôn Đông, xã Tân Phong")
    reception.get_by_label("Tên giấy tờ, dòng 1").fill("Giấy xác nhận tình trạng hôn nhân")
    reception.get_by_label("Số lượng, dòng 1").fill("2")
    reception.get_by_label("Số điện thoại").fill("0912345678")
    # Enter in a field receives the dossier (the form's first submit button is "receive").
    reception.get_by_label("Số điện thoại").press("Enter")
    reception.wait_for_url(re.compile(r"/dossiers/\d+/receipt$"))
    received = reception.get_by_role("status").first
    expect(received).to_contain_text("Đã tiếp nhận hồ sơ")
    code = DOSSIER_CODE.search(received.inner_text()).group(0)

    reception.get_by_role("link", name="Xem hồ sơ").click()
    expect(reception.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
    expect(reception.locator(".status-line .status")).to_contain_text("Được tiếp nhận")
    expect(reception.locator("table.steps")).to_contain_text("Thẩm định hồ sơ")
    documents = reception.get_by_role("region", name="Thành phần hồ sơ", exact=True)
    expect(documents).to_contain_text("Tờ khai đăng ký kết hôn")
    expect(documents).to_contain_text("Giấy xác nhận tình trạng hôn nhân")
    dossier_url = reception.url

    # A specialist claims the appraisal from the unit's queue and completes its form.
    specialist = officer("chuyenvien")
    specialist.get_by_role("link", name=re.compile("^Việc chưa nhận của đơn vị")).click()
    expect(specialist.get_by_role("row").filter(has_text=code)).to_contain_text(APPLICANT)
    specialist.screenshot(path=str(artifacts / "inbox.png"), full_page=True)
    claim_from_unit_queue(specialist, code, "Thẩm định hồ sơ")
    expect(specialist.locator("dl.facts").first).to_contain_text("Được tiếp nhận")
    # The task page leads to the dossier it belongs to.
    expect(specialist.get_by_role("link", name="Xem hồ sơ")).to_have_attribute("href", urlsplit(dossier_url).path)
    specialist.get_by_label("Hai bên đủ điều kiện kết hôn").check()
    specialist.get_by_label("Đã xác minh tình trạng hôn nhân").check()
    specialist.get_by_label("Ý kiến thẩm định").fill("Hồ sơ đầy đủ, hai bên đủ điều kiện kết hôn.")
    complete(specialist, "Thẩm định hồ sơ")
    show_dossier(specialist, dossier_url, "Đang xử lý")
    expect(specialist.locator("table.steps")).to_contain_text("Phê duyệt")

    # The leader approves.
    leader = officer("lanhdao")
    claim_from_unit_queue(leader, code, "Phê duyệt")
    # The leader decides on what the specialist recorded, shown on the task page.
    expect(leader.locator("dl.case-data")).to_contain_text("Hồ sơ đầy đủ, hai bên đủ điều kiện kết hôn.")
    leader.get_by_label("Quyết định").select_option(label="Đồng ý đăng ký kết hôn")
    leader.get_by_label("Ý kiến của lãnh đạo").fill("Đồng ý.")
    complete(leader, "Phê duyệt")
    show_dossier(leader, dossier_url, "Đang xử lý")

    # The specialist records the marriage in the civil-status book.
    specialist.goto("/inbox")
    claim_from_unit_queue(specialist, code, "Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn")
    specialist.get_by_label("Quyển sổ đăng ký kết hôn").fill("01/2026")
    specialist.get_by_label("Số đăng ký").fill("15")
    specialist.get_by_label("Ngày đăng ký").fill("23/11/2026")
    complete(specialist, "Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn")
    show_dossier(specialist, dossier_url, "Đã xử lý xong")
    expect(specialist.locator("table.steps")).to_contain_text("Trả kết quả")

    # The receptionist hands the result to the applicant.
    reception.goto("/inbox")
    claim_from_unit_queue(reception, code, "Trả kết quả")
    expect(reception.locator("dl.facts").first).to_contain_text("Đã xử lý xong")
    reception.get_by_label("Người nhận kết quả").fill(APPLICANT)
    reception.get_by_label("Hình thức trả kết quả").select_option(label="Trực tiếp tại Bộ phận Một cửa")
    complete(reception, "Trả kết quả")
    show_dossier(reception, dossier_url, "Đã trả kết quả")
    expect(reception.get_by_role("region", name="Bước đang xử lý")).to_contain_text(
        "Không có bước nào đang chờ xử lý.")
    history = reception.get_by_role("region", name="Lịch sử xử lý").locator("tbody tr")
    expect(history.last).to_contain_text("Trả kết quả")
    expect(history.last).to_contain_text("Đã xử lý xong → Đã trả kết quả")
    reception.screenshot(path=str(artifacts / "dossier.png"), full_page=True)
