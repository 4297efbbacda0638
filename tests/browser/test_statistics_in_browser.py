"""The statistics pages in a real browser: a leader reads November's table and chart, opens the
dossiers behind a figure, reads the steps of the agency's units and opens those behind a figure,
prints the periodic report; the same in English; the public page; all at 1280 px and 390 px wide."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_dossier_whole_life import narrow, no_page_scroll
from tests.statistics_cases import at
from tests.statistics_step_cases import write_steps

NOVEMBER = "/statistics?period=month&year=2026&month=11"


def test_a_leader_reads_and_prints_the_statistics(officer, demo, frozen_clock, artifacts):
    frozen_clock.current = at(5, month=12)
    write_steps(demo)  # the dossiers of tests/statistics_cases.py and steps of the commune's units
    leader = officer("lanhdao")
    leader.get_by_role("link", name="Thống kê").click()  # in the header
    expect(leader.locator("h1")).to_have_text("Thống kê kết quả giải quyết hồ sơ")
    leader.goto(NOVEMBER)
    commune = leader.locator("table.statistics tbody tr").filter(has_text="UBND xã Tân Phong")
    expect(commune.locator("td").nth(0)).to_have_text("20")
    expect(commune.locator("td").last).to_have_text("62,5 %")
    expect(leader.locator("figure.chart-box svg").first).to_be_visible()
    leader.screenshot(path=str(artifacts / "statistics-november.png"), full_page=True)
    no_page_scroll(leader)
    narrow(leader, leader.url)

    commune.locator("td").nth(8).get_by_role("link").click()  # late: 4
    expect(leader.locator("h1")).to_contain_text("Trễ hạn: 4 hồ sơ")
    expect(leader.locator("table.dossiers tbody tr")).to_have_count(4)
    narrow(leader, leader.url)

    leader.get_by_role("link", name="Quay lại thống kê").click()
    # The agency's units: chosen in the same chooser, one agency at a time.
    leader.locator("#view").select_option("unit")
    leader.get_by_role("button", name="Xem").click()
    expect(leader.locator("h1")).to_have_text("Thống kê theo bộ phận")
    desk = leader.locator("table.units tbody tr").filter(has_text="Bộ phận Một cửa")
    expect(desk.locator("td").nth(0)).to_have_text("5")
    expect(desk.locator("td").last).to_have_text("75,0 %")
    expect(leader.locator("table.units tfoot td").last).to_have_text("66,7 %")
    expect(leader.locator("figure.chart-box svg")).to_be_visible()
    leader.screenshot(path=str(artifacts / "statistics-units.png"), full_page=True)
    no_page_scroll(leader)
    narrow(leader, leader.url)
    desk.locator("td").nth(5).get_by_role("link").click()  # late: 1 (R3, a minute late)
    expect(leader.locator("h1")).to_contain_text("Trễ hạn: 1 bước")
    expect(leader.locator("table.steps tbody tr")).to_have_count(1)
    expect(leader.locator("table.steps tbody tr")).to_contain_text("Nguyễn Thị Hoa")
    narrow(leader, leader.url)
    leader.get_by_role("link", name="Quay lại thống kê").click()
    leader.get_by_role("link", name="Theo cơ quan").click()
    with leader.expect_download() as download:
        leader.get_by_role("link", name="Tải về (XLSX)").click()
    assert download.value.suggested_filename == "thong-ke-20261101-20261130.xlsx"
    leader.get_by_role("link", name="Báo cáo định kỳ (in)").click()
    expect(leader.locator("article.periodic-report")).to_contain_text("BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT")
    leader.emulate_media(media="print")
    expect(leader.locator("header nav").first).to_be_hidden()  # the printed report is the report only
    leader.emulate_media(media="screen")
    narrow(leader, leader.url)

    leader.goto("/inbox")
    leader.get_by_role("button", name="English").click()
    leader.goto(NOVEMBER + "&view=procedure")
    expect(leader.locator("h1")).to_have_text("Statistics of dossier handling")
    expect(leader.locator("table.statistics tfoot")).to_contain_text("62.5 %")
    narrow(leader, leader.url)
    leader.get_by_role("link", name="Service indices (Decision 766)").click()
    expect(leader.locator("table.indices tbody tr").first).to_contain_text("10 / 16")
    narrow(leader, leader.url)
    leader.goto(NOVEMBER.replace("/statistics?", "/statistics/units?"))
    expect(leader.locator("table.units")).to_contain_text("Justice and civil status officers")
    narrow(leader, leader.url)

    public = leader.context.browser.new_context(base_url=leader.url.split("/statistics")[0], locale="vi-VN")
    page = public.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/thong-ke")
    expect(page.locator("h1")).to_have_text("Kết quả giải quyết hồ sơ của các cơ quan")
    no_page_scroll(page)
    public.close()


# The smallest words of each chart as drawn on the screen, in px: the font size the SVG gives them
# times the scale the chart is drawn at.
SMALLEST_CHART_WORDS = """() => Array.from(document.querySelectorAll('figure.chart-box svg')).map(svg => {
  const scale = svg.getScreenCTM().a;
  return Math.min(...Array.from(svg.querySelectorAll('text')).map(t => parseFloat(t.getAttribute('font-size')) * scale));
})"""


def test_the_charts_words_stay_readable_on_a_phone(officer, demo, frozen_clock):
    """At 390 px the charts were shrunk to the window, their words to 5.6 px (a month's label, a
    bar's count): unreadable. A chart now keeps its words at 9 px or more and scrolls in its own
    box where it does not fit, the page itself not wider than the window; at 1280 px, beside its
    table, it needs no scrolling."""
    frozen_clock.current = at(5, month=12)
    write_steps(demo)
    leader = officer("lanhdao")
    for url in (NOVEMBER, NOVEMBER.replace("/statistics?", "/statistics/units?")):
        for width in (390, 1280):
            leader.set_viewport_size({"width": width, "height": 844})
            leader.goto(url)
            sizes = leader.evaluate(SMALLEST_CHART_WORDS)
            assert sizes and round(min(sizes), 1) >= 9, (url, width, sizes)
            no_page_scroll(leader)
            if width == 1280:
                assert leader.evaluate("""() => Array.from(document.querySelectorAll('figure.chart-box'))
                                          .every(box => box.scrollWidth <= box.clientWidth)"""), url


def test_the_agencies_table_shows_every_column_on_a_desktop_screen(officer, demo, frozen_clock):
    """At 1280 px, in English, the table by agency was 105 px wider than its box: its last columns,
    the in-time share among them, lay out of sight to the right, behind a scroll bar. Its column
    headings are now set smaller, and the whole table shows in both languages."""
    frozen_clock.current = at(5, month=12)
    write_steps(demo)
    leader = officer("lanhdao")
    for language in ("English", "Tiếng Việt"):
        leader.goto("/inbox")
        leader.get_by_role("button", name=language).click()
        for url in (NOVEMBER, NOVEMBER + "&view=procedure"):
            leader.goto(url)
            box = leader.locator("table.statistics").first.locator("xpath=..")
            assert box.evaluate("box => box.scrollWidth <= box.clientWidth"), (language, url)
            expect(leader.locator("table.statistics tbody tr").first.locator("td").last).to_be_in_viewport()


# The shares of the statistics tables drawn on more than one line: their text and its lines.
BROKEN_SHARES = """() => Array.from(document.querySelectorAll('table td.num')).filter(td => /%/.test(td.textContent))
  .map(td => { const range = document.createRange(); range.selectNodeContents(td);
               return [td.textContent.trim(), new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size]; })
  .filter(([_text, lines]) => lines > 1)"""


def test_a_share_is_never_broken_from_its_sign(officer, demo, frozen_clock):
    """The column of in-time shares is narrow: '100,0 %' was drawn '100,0' on one line and '%' on
    the next, in the table's rows and its total. A share now stays on one line, in both languages."""
    frozen_clock.current = at(5, month=12)
    write_steps(demo)
    leader = officer("lanhdao")
    pages = (NOVEMBER, NOVEMBER + "&view=procedure", NOVEMBER.replace("/statistics?", "/statistics/units?"),
             NOVEMBER.replace("/statistics?", "/statistics/indices?"), "/statistics?period=month&year=2026&month=12")
    for language in ("English", "Tiếng Việt"):
        leader.goto("/inbox")
        leader.get_by_role("button", name=language).click()
        for url in pages:
            for width in (1280, 390):
                leader.set_viewport_size({"width": width, "height": 844})
                leader.goto(url)
                assert leader.locator("table td.num", has_text="%").count(), url
                assert leader.evaluate(BROKEN_SHARES) == [], (language, url, width)


def test_every_box_that_scrolls_on_a_phone_is_reached_and_scrolled_from_the_keyboard(officer, demo, frozen_clock):
    """At 390 px the month-by-month table, the periodic report's table and the charts scroll
    sideways in their own box, with no link inside to take the focus: a keyboard user could not
    reach what lies to the right (axe: scrollable-region-focusable, serious). Each box now takes
    the focus (Tab) and the arrow keys scroll it."""
    from tests.browser.accessibility import serious_violations
    frozen_clock.current = at(5, month=12)
    write_steps(demo)
    leader = officer("lanhdao")
    leader.set_viewport_size({"width": 390, "height": 844})
    for url in (NOVEMBER, NOVEMBER.replace("/statistics?", "/statistics/units?"),
                NOVEMBER.replace("/statistics?", "/statistics/report?"),
                NOVEMBER.replace("/statistics?", "/statistics/indices?"), "/thong-ke"):
        leader.goto(url)
        assert serious_violations(leader) == [], url
    leader.goto(NOVEMBER)
    trend = leader.locator("section[aria-labelledby=trend-title] .table-scroll")
    chart = leader.locator("figure.chart-box").last
    trend.focus()
    assert trend.evaluate("box => box === document.activeElement && box.scrollWidth > box.clientWidth")
    trend.press("ArrowRight")
    leader.wait_for_function("box => box.scrollLeft > 0", arg=trend.element_handle())
    # The twelve months' chart opens on its latest month (November, the month read), not on
    # December of the year before with November hidden off to the right; the arrows scroll back.
    chart.focus()
    assert chart.evaluate("box => box === document.activeElement && box.scrollWidth > box.clientWidth")
    assert chart.evaluate(LAST_MONTH_IN_VIEW)
    start = chart.evaluate("box => box.scrollLeft")
    chart.press("ArrowLeft")
    leader.wait_for_function("([box, start]) => box.scrollLeft < start", arg=[chart.element_handle(), start])


# Whether the label of the chart's last month ("11/2026") lies inside its scrolling box.
LAST_MONTH_IN_VIEW = """box => {
  const labels = Array.from(box.querySelectorAll('svg text')).filter(t => /^\\d\\d\\/\\d{4}$/.test(t.textContent));
  const last = labels[labels.length - 1].getBoundingClientRect(), seen = box.getBoundingClientRect();
  return last.left >= seen.left && last.right <= seen.right;
}"""
