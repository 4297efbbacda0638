"""The administrator's start page and everyone's account page, in a real browser at a phone's width
(390 px) and an office screen's (1280 px): nothing runs off the side; the choice of notices by mail
is made with the mouse and kept."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_dossier_whole_life import no_page_scroll


@pytest.mark.parametrize("width", [390, 1280])
def test_the_start_page_and_the_account_page_fit_and_the_choice_is_kept(officer, demo, width):
    admin = officer("admin")  # lands on the system's state
    admin.set_viewport_size({"width": width, "height": 844})
    expect(admin.get_by_role("heading", level=1)).to_have_text("Tình trạng hệ thống")
    expect(admin.locator('[data-state="scheduler"]')).to_contain_text("Bộ lập lịch chưa chạy xong lần nào.")
    no_page_scroll(admin)
    page = officer("chuyenvien")
    page.set_viewport_size({"width": width, "height": 844})
    page.get_by_role("link", name="Trần Văn Minh").click()  # the name in the header: the account page
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản của tôi")
    no_page_scroll(page)
    page.get_by_label("Chỉ trong ứng dụng").check()
    page.get_by_role("button", name="Lưu lựa chọn").click()
    expect(page.locator(".flash")).to_contain_text("Từ nay bạn chỉ nhận thông báo trong ứng dụng.")
    expect(page.get_by_label("Chỉ trong ứng dụng")).to_be_checked()
    no_page_scroll(page)
