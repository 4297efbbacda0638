"""A procedure's required documents on a phone (390 px): each document is a card whose lines name
what they say ("Số lượng 1", "Mẫu đơn —"), as the table's columns do on a desktop. Found by a browser
audit: the folded table showed a bare "Bản chính", "1" and "—" under each document's name."""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.accessibility import horizontal_overflow
from tests.browser.conftest import WAIT_LIMIT_MS

SHOWN = """el => {
    const label = getComputedStyle(el, '::before').content;
    const named = label && label !== 'none' && label !== 'normal' ? JSON.parse(label) + ' ' : '';
    const seen = el.cloneNode(true);  // what is on the screen: without the screen readers' extra words
    seen.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
    return (named + seen.textContent).replace(/\\s+/g, ' ').trim();
}"""

EXPECTED = {
    "vi": ["Hình thức Bản chính", "Số lượng 1", "Mẫu đơn Tải mẫu"],
    "en": ["Kind Original", "Count 1", "Blank form Download"],
}


@contextmanager
def on_a_phone(chromium, live_server, path, language):
    """A citizen's page at 390 px, in ``language`` as chosen with the page's own button."""
    context = chromium.new_context(base_url=live_server, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                   viewport={"width": 390, "height": 844})
    context.set_default_timeout(WAIT_LIMIT_MS)
    try:
        page = context.new_page()
        page.goto(path)
        if language == "en":
            page.get_by_role("button", name="English").click()
            page.wait_for_url("**" + path)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_document_line_is_named_on_a_phone(chromium, live_server, language):
    with on_a_phone(chromium, live_server, "/thu-tuc/dang_ky_ho_kinh_doanh", language) as page:
        first = page.locator("table.documents tbody tr").first
        assert [cell.evaluate(SHOWN) for cell in first.locator("td").all()] == EXPECTED[language]
        # The document without a blank form says so under its name, not as a lone dash.
        second = page.locator("table.documents tbody tr").nth(1)
        assert second.locator("td").last.evaluate(SHOWN) == ("Mẫu đơn —" if language == "vi" else "Blank form —")
        assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_public_statistics_show_each_agencys_in_time_share_on_a_phone(chromium, live_server, language):
    """Found by the same audit: at 390 px the table scrolled sideways in its box, the in-time share
    (the figure the page is for) out of sight. Each agency is now a card, its figures named."""
    with on_a_phone(chromium, live_server, "/thong-ke", language) as page:
        shares = page.locator("table.statistics tbody td:last-child").all()
        assert shares
        width = page.evaluate("() => window.innerWidth")
        for share in shares:
            box = share.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            assert share.evaluate(SHOWN).startswith("Tỷ lệ đúng hạn " if language == "vi" else "In-time share ")
        assert horizontal_overflow(page) == 0
