"""The whole life of a dossier at the counter, in a real browser: a citizen turned away with a
guidance slip (form 02), back with the documents and received, a supplement asked and given during
appraisal, the result ready, collected a week later and still counted as finished in time; and a
refused and a withdrawn dossier that end otherwise and are counted apart. The counter's pages are checked at 1280 px and
390 px wide, in Vietnamese and in English."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_reference_procedure_in_browser import DOSSIER_CODE, claim_from_unit_queue, complete

pytestmark = pytest.mark.slow

APPLICANT = "Hoàng Văn Dũng"
ID_NUMBER = "001090077889"
DECLARATION = "Tờ khai đăng ký kết hôn"
ID_COPIES = "Bản sao Căn cước của hai bên nam, nữ"


WIDER_THAN_THE_WINDOW = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== "absolute")
    .filter(e => !e.closest(".table-scroll, .diagram, table"))
    .slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right));
}"""


def no_page_scroll(page: Page) -> None:
    """Nothing wider than the window: wide tables scroll inside their own box."""
    fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert fits, (page.url, page.evaluate(WIDER_THAN_THE_WINDOW))


def narrow(page: Page, url: str) -> None:
    """The page at a phone's width (390 px), then back to the desk's 1280 px."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    no_page_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def claim(page: Page, code: str, step: str) -> None:
    page.goto("/inbox")
    claim_from_unit_queue(page, code, step)


def fill_applicant(page: Page) -> None:
    page.get_by_label("Thủ tục hành chính").select_option("dang_ky_ket_hon")
    expect(page.get_by_label(DECLARATION)).to_be_visible()  # the checklist of the chosen procedure
    page.get_by_label("Họ và tên").fill(APPLICANT)
    page.get_by_label("Số định danh cá nhân / CCCD").fill(ID_NUMBER)
    page.get_by_label("Địa chỉ").fill("Xóm Nam, xã Tân Phong")
    page.get_by_label("Số điện thoại").fill("0987000111")


def test_the_whole_life_of_a_dossier_at_the_counter(officer, frozen_clock, artifacts):
    reception = officer("tiepnhan")

    # 1. The citizen comes with the declaration only: turned away with form 02, nothing received.
    reception.goto("/reception/new")
    fill_applicant(reception)
    reception.get_by_label(DECLARATION).check()
    reception.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    expect(reception.locator("#checklist-error")).to_contain_text(ID_COPIES)  # beside the checklist
    no_page_scroll(reception)
    narrow(reception, "/reception/new")
    fill_applicant(reception)
    reception.get_by_label(DECLARATION).check()
    reception.get_by_label("Lý do, hướng dẫn thêm").fill("Thiếu bản sao giấy tờ tùy thân của hai bên.")
    reception.get_by_role("button", name="Lập phiếu yêu cầu bổ sung").click()
    reception.wait_for_url(re.compile(r"/supplement-requests/\d+$"))
    slip = reception.locator("article")
    expect(slip).to_contain_text("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    expect(slip.locator("table.documents")).to_contain_text(ID_COPIES)
    reception.screenshot(path=str(artifacts / "form-02-reception.png"), full_page=True)
    narrow(reception, reception.url)

    # 2. Two days later the citizen is back: found by ID number, received from the slip.
    frozen_clock.advance(timedelta(days=2))  # Wednesday 25/11 09:00
    reception.goto("/reception/lookup")
    reception.get_by_label("Số định danh cá nhân / CCCD").fill(ID_NUMBER)
    reception.get_by_label("Số định danh cá nhân / CCCD").press("Enter")
    expect(reception.get_by_role("region", name="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")).to_contain_text(ID_COPIES)
    reception.get_by_role("link", name="Tiếp nhận hồ sơ đã bổ sung").click()
    expect(reception.get_by_label("Họ và tên")).to_have_value(APPLICANT)
    reception.get_by_label(DECLARATION).check()
    reception.get_by_label(ID_COPIES).check()
    reception.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    reception.wait_for_url(re.compile(r"/dossiers/\d+/receipt$"))
    code = DOSSIER_CODE.search(reception.get_by_role("status").first.inner_text()).group(0)
    expect(reception.locator("table.documents")).to_contain_text(ID_COPIES)
    reception.get_by_role("link", name="Xem hồ sơ").click()
    dossier_url = reception.url

    # 3. The specialist asks for a supplement during appraisal: form 02 again, status 5.
    specialist = officer("chuyenvien")
    claim(specialist, code, "Thẩm định hồ sơ")
    specialist.get_by_text("Yêu cầu bổ sung hồ sơ", exact=True).click()  # the request waits folded
    specialist.get_by_label("Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)").fill(
        "Giấy xác nhận tình trạng hôn nhân của bên nữ")
    specialist.get_by_label("Lý do").fill("Bên nữ thường trú ở tỉnh khác.")
    task_url = specialist.url
    narrow(specialist, task_url)
    specialist.get_by_text("Yêu cầu bổ sung hồ sơ", exact=True).click()
    specialist.get_by_label("Giấy tờ, nội dung cần bổ sung (mỗi dòng một mục)").fill(
        "Giấy xác nhận tình trạng hôn nhân của bên nữ")
    specialist.get_by_label("Lý do").fill("Bên nữ thường trú ở tỉnh khác.")
    specialist.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    specialist.wait_for_url(re.compile(r"/supplement-requests/\d+$"))
    expect(specialist.locator("article")).to_contain_text(code)
    specialist.goto(dossier_url)
    expect(specialist.locator(".status-line .status")).to_contain_text("Yêu cầu bổ sung")

    # 4. The next day the citizen brings it; the counter records it and appraisal resumes.
    frozen_clock.advance(timedelta(days=1))
    claim(reception, code, "Nhận hồ sơ bổ sung")
    reception.get_by_label("Giấy xác nhận tình trạng hôn nhân của bên nữ").check()
    reception.get_by_role("button", name="Ghi nhận hồ sơ bổ sung").click()
    expect(reception.locator(".status-line .status")).to_contain_text("Đang xử lý")

    # 5. Appraisal, approval and the record: the result is ready the same day.
    claim(specialist, code, "Thẩm định hồ sơ")
    specialist.get_by_label("Hai bên đủ điều kiện kết hôn").check()
    specialist.get_by_label("Ý kiến thẩm định").fill("Hồ sơ đầy đủ sau khi bổ sung.")
    complete(specialist, "Thẩm định hồ sơ")
    leader = officer("lanhdao")
    claim(leader, code, "Phê duyệt")
    leader.get_by_label("Quyết định").select_option(label="Đồng ý đăng ký kết hôn")
    complete(leader, "Phê duyệt")
    claim(specialist, code, "Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn")
    specialist.get_by_label("Quyển sổ đăng ký kết hôn").fill("01/2026")
    specialist.get_by_label("Số đăng ký").fill("31")
    specialist.get_by_label("Ngày đăng ký").fill("26/11/2026")
    complete(specialist, "Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn")
    specialist.goto(dossier_url)
    expect(specialist.locator(".status-line .status")).to_contain_text("Đã xử lý xong")
    expect(specialist.locator("dl.facts:not(.case-data)")).to_contain_text("Kết thúc xử lý")
    ended = specialist.locator("dl.facts dt:has-text('Kết thúc xử lý') + dd").inner_text()

    # 6. Collected a week later: processing still ended when the result was ready.
    frozen_clock.advance(timedelta(days=7))
    claim(reception, code, "Trả kết quả")
    reception.get_by_label("Người nhận kết quả").fill(APPLICANT)
    reception.get_by_label("Hình thức trả kết quả").select_option(label="Trực tiếp tại Bộ phận Một cửa")
    complete(reception, "Trả kết quả")
    reception.goto(dossier_url)
    expect(reception.locator(".status-line .status")).to_contain_text("Đã trả kết quả")
    expect(reception.locator("dl.facts dt:has-text('Kết thúc xử lý') + dd")).to_have_text(ended)
    # Counted by statistics as finished in time, early here: collecting later changes nothing.
    expect(reception.locator("dd.verdict")).to_have_text(re.compile(r"^(Trước hạn|Đúng hạn)$"))
    expect(reception.get_by_role("region", name="Yêu cầu bổ sung, hoàn thiện hồ sơ")).to_contain_text("Đã bổ sung")
    reception.screenshot(path=str(artifacts / "whole-life-dossier.png"), full_page=True)
    narrow(reception, dossier_url)

    # 7. Another citizen is refused at the counter (form 03); a third withdraws a dossier.
    reception.goto("/reception/new")
    fill_applicant(reception)
    reception.get_by_label("Họ và tên").fill("Lý Thị Én")
    reception.get_by_label("Lý do từ chối, nêu rõ căn cứ pháp lý").fill(
        "Bên nam chưa đủ 20 tuổi (điểm a khoản 1 Điều 8 Luật Hôn nhân và gia đình).")
    reception.get_by_role("button", name="Từ chối tiếp nhận").click()
    reception.wait_for_url(re.compile(r"/dossiers/\d+/refusal$"))
    expect(reception.locator("article")).to_contain_text("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")
    refused = DOSSIER_CODE.search(reception.locator("article").inner_text()).group(0)
    reception.goto(reception.url.removesuffix("/refusal"))
    expect(reception.locator("dd.verdict")).to_have_text("Từ chối, không tiếp nhận")  # counted apart

    reception.goto("/reception/new")
    fill_applicant(reception)
    reception.get_by_label("Họ và tên").fill("Mai Văn Phúc")
    reception.get_by_label(DECLARATION).check()
    reception.get_by_label(ID_COPIES).check()
    reception.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    reception.wait_for_url(re.compile(r"/dossiers/\d+/receipt$"))
    withdrawn = DOSSIER_CODE.search(reception.get_by_role("status").first.inner_text()).group(0)
    reception.get_by_role("link", name="Xem hồ sơ").click()
    withdrawn_url = reception.url
    reception.get_by_role("link", name="Rút hồ sơ").click()
    reception.get_by_label("Lý do").fill("Công dân đề nghị rút hồ sơ.")
    reception.get_by_role("button", name="Xác nhận rút hồ sơ").click()
    expect(reception.locator("article")).to_contain_text("PHIẾU XÁC NHẬN RÚT HỒ SƠ")
    reception.goto(withdrawn_url)
    expect(reception.locator("dd.verdict")).to_have_text("Công dân rút hồ sơ")  # counted apart

    # 8. The tracking register (form 06) counts them apart, with the moments of the first.
    reception.goto("/registers/tracking?from=2026-11-01&to=2026-12-31")
    register = reception.locator("table.register-table")
    first = register.get_by_role("row").filter(has_text=code)
    expect(first).to_contain_text("Yêu cầu bổ sung 1 lần")
    expect(first).to_contain_text(ended)
    expect(register.get_by_role("row").filter(has_text=refused)).to_contain_text("Không được tiếp nhận")
    expect(register.get_by_role("row").filter(has_text=withdrawn)).to_contain_text("Công dân rút hồ sơ")
    reception.screenshot(path=str(artifacts / "form-06.png"), full_page=True)
    narrow(reception, reception.url)

    # 8b. The leader's statistics for the quarter: the first dossier counted early or on time (its
    # result was ready long before it was collected), the refused and the withdrawn apart.
    leader = officer("lanhdao")
    leader.goto("/statistics?period=quarter&year=2026&quarter=4")
    commune = leader.locator("table.statistics tbody tr").filter(has_text="UBND xã Tân Phong")
    figures = dict(zip(("received", "carried_over", "new", "counter", "online", "post", "early", "on_time", "late",
                        "withdrawn", "stopped", "refused", "within_time", "overdue"),
                       (int(n) for n in commune.locator("td").all_inner_texts()[:14])))
    assert figures["received"] == 3 and figures["early"] + figures["on_time"] == 1 and figures["late"] == 0
    assert (figures["withdrawn"], figures["refused"], figures["within_time"], figures["overdue"]) == (1, 1, 0, 0)
    expect(commune.locator("td").last).to_have_text("100,0 %")
    leader.goto(dossier_url)
    expect(leader.locator("dl.facts dd.verdict")).to_have_text(re.compile("^(Trước hạn|Đúng hạn)$"))

    # 9. The same counter in English.
    reception.goto("/inbox")
    reception.get_by_role("button", name="English").click()
    reception.goto("/reception/new")
    expect(reception.get_by_role("group", name="Required documents")).to_be_visible()
    expect(reception.get_by_role("button", name="Issue the supplement request")).to_be_visible()
    reception.goto(dossier_url)
    expect(reception.locator("dl.facts:not(.case-data)")).to_contain_text("Processing ended")
    narrow(reception, "/reception/new")
