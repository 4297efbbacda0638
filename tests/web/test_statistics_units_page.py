"""The statistics by unit page (issue 11, point 2: "by agency and its units"): a leader reads
November's steps per unit of their agency with the chart, opens the steps behind a figure, and
downloads the table; scope and bad input; the same in English. The steps are those of
tests/statistics_step_cases.py, counted by hand in tests/test_statistics_units.py."""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook

from tests.web.test_statistics_pages import cells, csv_parts

UNITS = "/statistics/units?period=month&year=2026&month=11"


def test_a_leader_reads_the_steps_of_each_unit_with_the_chart(browser, november_steps):
    page = browser("lanhdao").text(UNITS)
    assert "UBND xã Tân Phong" in page and "01/11/2026" in page and "30/11/2026" in page
    # received, carried over, new, early, on time, late, cancelled, within time, overdue, no limit, share
    row = re.search(r'<th scope="row">Bộ phận Một cửa<span class="lanes">Tiếp nhận và trả kết quả</span></th>(.*?)</tr>',
                    page, re.S).group(1)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] == [
        "5", "1", "4", "1", "1", "1", "1", "1", "0", "0", "75,0 %"]
    assert cells(page, "Tổng cộng") == ["14", "2", "12", "3", "3", "2", "1", "2", "2", "1", "66,7 %"]
    assert page.index("Lãnh đạo UBND xã") < page.index("Bộ phận Một cửa") < page.index("Công chức Tư pháp – Hộ tịch")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "Kết quả xử lý theo bộ phận" in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/motcua.js" defer>']  # the chooser's only
    assert "Công an xã Tân Phong" not in page


def test_each_figure_opens_its_steps_with_their_dossiers(browser, november_steps):
    leader = browser("lanhdao")
    page = leader.text(UNITS)
    links = re.findall(r'href="(/statistics/units/steps\?[^"]*figure=late[^"]*)"', page)
    total_late = [link for link in links if "unit_id" not in link][0].replace("&amp;", "&")
    listed = leader.text(total_late)
    assert "Trễ hạn: 2 bước" in listed
    assert sorted(re.findall(r'class="dossier-code"[^>]*>([A-Z0-9]+)<', listed)) == ["N2", "N3"]
    assert "Nguyễn Thị Hoa" in listed and "Lê Thị Thu" in listed  # who finished them
    unit_overdue = [link for link in re.findall(r'href="(/statistics/units/steps\?[^"]*figure=overdue[^"]*)"', page)
                    if "unit_id" in link][0].replace("&amp;", "&")
    listed = leader.text(unit_overdue)
    assert "Công chức Tư pháp – Hộ tịch" in listed and "Bước T1" in listed and "Bước T5" in listed


def test_the_chooser_leads_to_and_from_the_units(browser, november_steps, demo):
    leader = browser("lanhdao")
    response = leader.get("/statistics?period=month&year=2026&month=11&view=unit&agency_id=")
    assert response.status_code == 302 and "/statistics/units?" in response.headers["Location"]
    back = leader.get(UNITS + "&view=agency")
    assert back.status_code == 302 and "/statistics?" in back.headers["Location"]
    assert 'value="unit" selected' in leader.text(UNITS)


def test_scope_and_bad_input(browser, november_steps, demo):
    assert browser("chuyenvien").get(UNITS).status_code == 404  # a specialist reads no statistics
    leader = browser("lanhdao")
    assert leader.get(f"{UNITS}&agency_id={demo.police}").status_code == 404
    assert leader.get(f"/statistics/units/steps?figure=late&agency_id={demo.police}").status_code == 404
    assert leader.get(f"/statistics/units/steps?figure=everything&agency_id={demo.commune}").status_code == 404
    assert leader.get(f"/statistics/units/steps?figure=late&agency_id={demo.commune}&unit_id=99999").status_code == 404
    assert leader.get("/statistics/units/steps?figure=late&agency_id=abc").status_code == 404
    assert "Kỳ báo cáo không hợp lệ." in leader.text("/statistics/units?period=month&month=13")
    admin = browser("admin")
    police = admin.text(f"{UNITS}&agency_id={demo.police}")
    assert "Tổ Đăng ký, quản lý cư trú" in police and cells(police, "Tổng cộng")[0] == "0"


def test_english_names_and_downloads(browser, november_steps):
    leader = browser("lanhdao")
    csv = leader.get(UNITS.replace("/units?", "/units/export.csv?"))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    heading, lines = csv_parts(csv)
    assert heading[:2] == ["Kết quả xử lý theo bộ phận", "Cơ quan: UBND xã Tân Phong"]
    assert lines[0].startswith("Bộ phận,Tổng số bước,Kỳ trước chuyển qua,Mới nhận,Trước hạn")
    assert "Bộ phận Một cửa,5,1,4,1,1,1,1,1,0,0,75.0" in lines
    workbook = load_workbook(BytesIO(leader.get(UNITS.replace("/units?", "/units/export.xlsx?")).data))
    sheet = workbook["Theo bộ phận"]
    assert [c.value for c in sheet[sheet.max_row]][:4] == ["Tổng cộng", 14, 2, 12]
    assert sheet.cell(row=sheet.max_row, column=sheet.max_column).number_format == "0.0%"
    leader.post("/language", {"locale": "en"})
    page = leader.text(UNITS)
    assert "Statistics by unit" in page and "One-stop desk" in page and "Justice and civil status officers" in page
    assert cells(page, "Total")[-1] == "66.7 %"


def test_the_steps_behind_a_figure_come_a_page_at_a_time(browser, demo, november_steps, monkeypatch):
    """The same pages as the list behind a dossier figure (tests/web/test_statistics_paging.py),
    here ten steps a page: the commune's 14 steps of November on two pages."""
    import webapp.statistics_units
    real = webapp.statistics_units.unit_drill_down
    monkeypatch.setattr(webapp.statistics_units, "unit_drill_down", lambda *a, **k: real(*a, **k, per_page=10))
    leader = browser("lanhdao")
    url = f"/statistics/units/steps?period=month&year=2026&month=11&figure=received&agency_id={demo.commune}"
    page = leader.text(url)
    listed = re.findall(r'class="dossier-code"', page)
    assert len(listed) == 10 and "Trang 1/2" in page and re.search(r"<h1>[^<]*: 14 bước</h1>", page)
    following = re.search(r'<a rel="next" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    rest = leader.text(following)
    assert len(re.findall(r'class="dossier-code"', rest)) == 4 and "Trang 2/2" in rest and 'rel="next"' not in rest
    past = leader.text(url + "&page=3")
    assert "Không có trang 3: danh sách có 2 trang." in past
    assert "<table" not in past and "Không có bước nào." not in past  # the notice alone


def test_a_listed_step_links_its_dossier_only_for_a_reader_who_may_open_it(browser, november_steps, demo):
    from tests.web.test_statistics_pages import DOSSIER_LINK, PLAIN_CODE
    late = f"/statistics/units/steps?period=month&year=2026&month=11&figure=late&agency_id={demo.commune}"
    leader, admin = browser("lanhdao"), browser("admin")
    # (These dossiers are written for the figures alone: they have no workflow to show a page of.)
    assert len(DOSSIER_LINK.findall(leader.text(late))) == 2
    listed = admin.text(late)
    assert DOSSIER_LINK.findall(listed) == [] and sorted(PLAIN_CODE.findall(listed)) == ["N2", "N3"]
