"""The statistics pages: a leader's table and chart for a period, the list behind a figure, the
scope of each reader, bad input, and the public page without personal data."""
from __future__ import annotations

import csv
import dataclasses
import re

import pytest

NOVEMBER = "/statistics?period=month&year=2026&month=11"


def cells(page: str, label: str) -> list[str]:
    """The cells of the table row headed ``label``, as text."""
    row = re.search(r"<tr>\s*<th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


TABLE_ROW = 6  # a download's header row: after the heading (title, agency, period, when) and an empty row


def csv_parts(response) -> tuple[list[str], list[str]]:
    """A downloaded CSV as its heading lines and the table's lines (header first), split at the
    first empty line, as a program reading it does."""
    text = response.get_data(as_text=True).lstrip("\ufeff")
    heading, table = text.split("\r\n\r\n", 1)
    return heading.splitlines(), table.splitlines()


def test_a_leader_reads_the_month_by_agency_with_its_chart(browser, november_cases):
    page = browser("lanhdao").text(NOVEMBER)
    assert "01/11/2026" in page and "30/11/2026" in page
    # received, carried over, new, counter, online, post, early, on time, late, withdrawn, stopped,
    # refused, within time, overdue, supplement, obligation, no limit, share (the hand-counted table)
    assert cells(page, "UBND xã Tân Phong") == ["20", "4", "16", "12", "3", "1", "4", "2", "4", "1", "1", "1",
                                                "4", "2", "0", "0", "1", "62,5 %"]
    assert "Công an xã Tân Phong" not in page  # not the leader's agency
    # The chart is drawn by the server: no script in the page but the chooser's file (no inline code).
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/motcua.js" defer>']
    assert re.search(r"\son[a-z]+=", page) is None  # no inline handlers
    assert "Diễn biến theo tháng" in page and "11/2026" in page


def test_the_administrator_sees_every_agency_and_english_works(browser, november_cases):
    admin = browser("admin")
    admin.post("/language", {"locale": "en"})
    page = admin.text(NOVEMBER)
    assert "Carried over" in page and "Late" in page
    assert cells(page, "Công an xã Tân Phong")[:1] == ["1"]
    assert cells(page, "Total")[0] == "21"
    assert cells(page, "UBND xã Tân Phong")[-1] == "62.5 %"


def test_each_figure_opens_its_dossiers(browser, november_cases):
    leader = browser("lanhdao")
    page = leader.text(NOVEMBER)
    link = re.search(r'href="(/statistics/dossiers\?[^"]*figure=late[^"]*)"', page).group(1).replace("&amp;", "&")
    listed = leader.text(link)
    assert sorted(re.findall(r'class="dossier-code"[^>]*>([A-Z0-9]+)<', listed)) == ["C3", "N3", "N7", "N9"]
    by_procedure = leader.text(NOVEMBER + "&view=procedure")
    assert "Thủ tục" in by_procedure and cells(by_procedure, "Tổng cộng")[0] == "20"


def test_scope_and_bad_input(browser, november_cases, demo):
    assert browser("chuyenvien").get(NOVEMBER).status_code == 404  # a specialist reads no statistics
    leader = browser("lanhdao")
    assert leader.get(f"{NOVEMBER}&agency_id={demo.police}").status_code == 404
    assert leader.get("/statistics/dossiers?figure=everything").status_code == 404
    page = leader.text("/statistics?period=custom&from=2026-12-01&to=2026-01-01")
    assert "Khoảng thời gian phải từ 1 ngày đến 3 năm" in page
    assert "Kỳ báo cáo không hợp lệ." in leader.text("/statistics?period=month&month=13")
    assert leader.get("/statistics?period=custom&from=abc").status_code == 200
    # A day that does not exist is named as such, not as a period too long or the wrong way round.
    for day in ("31/02/2026", "2026-13-01"):
        impossible = leader.text(f"/statistics?period=custom&from={day}&to=15/03/2026")
        assert "Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy" in impossible
        assert "Khoảng thời gian phải" not in impossible
        # The fields keep what was typed, to correct, not the month shown instead.
        assert f'value="{day}"' in impossible and 'value="15/03/2026"' in impossible
        assert '<option value="custom" selected>' in impossible
    backwards = leader.text("/statistics?period=custom&from=01/12/2026&to=01/01/2026")
    assert 'value="01/12/2026"' in backwards and 'value="01/01/2026"' in backwards
    assert 'value="13"' in leader.text("/statistics?period=month&month=13&year=2026")
    typed = leader.text("/statistics?period=custom&from=01/11/2026&to=15/11/2026")  # as typed in its fields
    assert "Khoảng thời gian phải" not in typed
    assert 'value="01/11/2026"' in typed and 'value="15/11/2026"' in typed


def test_the_public_page_shows_shares_without_personal_data(browser, november_cases):
    page = browser().text("/thong-ke")
    assert "UBND xã Tân Phong" in page and "Công an xã Tân Phong" in page
    assert "Người nộp" not in page and "C3" not in page  # no applicant, no dossier code


def test_the_tables_download_as_csv_and_as_a_real_workbook(browser, november_cases):
    from io import BytesIO

    from openpyxl import load_workbook
    leader = browser("lanhdao")
    response = leader.get("/statistics/export.csv?period=month&year=2026&month=11")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    heading, lines = csv_parts(response)
    assert heading[0] == "Kết quả giải quyết theo cơ quan"
    assert lines[0].startswith("Cơ quan,Tổng số hồ sơ,Kỳ trước chuyển qua,Mới tiếp nhận")
    assert lines[1].startswith("UBND xã Tân Phong,20,4,16,12,3,1,4,2,4,1,1,1,4,2,0,0,1,62.5")
    monthly = leader.get("/statistics/export.csv?period=month&year=2026&month=11&table=trend").get_data(as_text=True)
    # A month as the page writes it (11/2026), not its first day (01/11/2026) as if it were a day.
    assert "30/11/2026" not in monthly and "01/11/2026" not in monthly and "\n11/2026,20,4,16" in monthly

    workbook = load_workbook(BytesIO(leader.get("/statistics/export.xlsx?period=month&year=2026&month=11").data))
    assert workbook.sheetnames == ["Theo cơ quan", "Theo tháng"]
    agencies = workbook["Theo cơ quan"]
    header = TABLE_ROW  # below the heading's four lines and an empty one
    assert agencies["A1"].value == "Kết quả giải quyết theo cơ quan" and agencies[f"A{header - 1}"].value is None
    assert agencies[f"A{header}"].value == "Cơ quan" and agencies[f"A{header}"].font.bold
    assert agencies.freeze_panes == f"A{header + 1}"
    assert [c.value for c in agencies[header + 1]][:4] == ["UBND xã Tân Phong", 20, 4, 16]
    share = agencies.cell(row=header + 1, column=agencies.max_column)
    assert share.value == pytest.approx(0.625) and share.number_format == "0.0%"
    months = workbook["Theo tháng"]
    november = [row for row in months.iter_rows(min_row=header + 1) if row[0].value.month == 11][0]
    assert november[0].is_date and november[0].number_format == "mm/yyyy" and november[1].value == 20
    assert leader.get("/statistics/export.pdf").status_code == 404


def test_the_periodic_report_by_sector(browser, november_cases):
    page = browser("lanhdao").text("/statistics/report?period=month&year=2026&month=11")
    assert "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in page
    # no., sector, received, online, counter+post, carried over, handled, early, on time, late,
    # in progress, not yet due, overdue, withdrawn/stopped/refused.
    # Business households: N1 (online, early), N2 (on time), N3 (late), N13 (online, within time).
    def line(label):
        row = re.search(r"<th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", page, re.S).group(1)
        return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    # … and without a time limit, so that a row adds up to what was received (the column was missing,
    # Hộ tịch read 7 + 5 + 3 = 15 of 16).
    assert line("Thành lập và hoạt động của hộ kinh doanh") == ["4", "2", "2", "0", "3", "1", "1", "1", "1", "1", "0", "0",
                                                                 "0"]
    assert line("Hộ tịch") == ["16", "1", "11", "4", "7", "3", "1", "3", "5", "3", "2", "3", "1"]
    assert line("Tổng cộng") == ["20", "3", "13", "4", "10", "4", "2", "4", "6", "4", "2", "3", "1"]
    for label in ("Thành lập và hoạt động của hộ kinh doanh", "Hộ tịch", "Tổng cộng"):
        received, online, counter, carried, handled, early, on_time, late, open_, due, overdue, ended, unlimited = (
            int(cell) for cell in line(label))
        assert received == online + counter + carried == handled + open_ + ended + unlimited, label
        assert handled == early + on_time + late and open_ == due + overdue, label
    assert "Không quy định thời hạn" in page


def test_the_service_indices_page_shows_numbers_formula_and_points(browser, november_cases):
    page = browser("lanhdao").text("/statistics/indices?period=month&year=2026&month=11")
    assert cells(page, "2.1")[2:] == ["10 / 16", "62,5 %", "100,0 %", "12,50 / 20"]
    assert "(trước hạn + đúng hạn + đang xử lý chưa quá hạn)" in page
    assert cells(page, "3.3")[2:5] == ["3 / 16", "18,8 %", "50,0 %"]
    assert cells(page, "3.6")[2:4] == ["0 / 0", "—"]  # no dossier had a fee to pay
    assert cells(page, "4.1")[2:5] == ["0 / 10", "0,0 %", "80,0 %"]
    assert cells(page, "4.2")[2] == "Chưa có dữ liệu"
    times = page[page.index('id="handling-times"'):]
    household = re.search(r'<th scope="row">([^<]*hộ kinh doanh[^<]*)</th>', times).group(1)
    assert cells(times, household) == ["3", "5,2"]  # 5.25 working days (tests/test_statistics_indices.py)


@pytest.mark.parametrize("language, said", [("vi", "Năm phải từ 2000 đến 2100."),
                                            ("en", "The year must be from 2000 to 2100.")], ids=["vi", "en"])
def test_a_period_in_a_year_out_of_reach_is_refused_in_the_pages_language(browser, november_cases, language, said):
    """A chosen period from 01/01/0001 or to 31/12/9999 was a server error (500) on every statistics
    page and download. It is now refused under the chooser, in the page's language, the fields
    keeping what was typed and the page showing this month; the downloads are not made (the page
    saying why instead)."""
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    for start, end in (("01/01/0001", "01/01/0001"), ("01/01/9999", "31/12/9999"), ("01/11/2026", "9999-12-31")):
        chosen = f"period=custom&from={start}&to={end}"
        for page in ("/statistics", "/statistics/units", "/statistics/indices"):
            response = leader.get(f"{page}?{chosen}")
            assert response.status_code == 200, (page, chosen)
            shown = response.get_data(as_text=True)
            assert f'role="alert">{said}</p>' in shown, (page, chosen)
            assert f'value="{start}"' in shown and "01/12/2026" in shown  # this month, under the error
        for download in ("/statistics/export.csv", "/statistics/export.xlsx", "/statistics/units/export.csv"):
            assert leader.get(f"{download}?{chosen}").status_code == 302, (download, chosen)


def test_a_figures_list_for_a_procedure_that_cannot_be_is_not_found(browser, november_cases):
    """The list behind a figure, for procedure 99999999999 (beyond the id column), was a server
    error (500) on PostgreSQL; for procedure 'abc' it listed the dossiers of every procedure under
    a link that named one. Both now answer 'Không tìm thấy' (404), as an agency that cannot be does."""
    leader = browser("lanhdao")
    late = "/statistics/dossiers?period=month&year=2026&month=11&figure=late"
    for wrong in ("99999999999", "2147483648", "abc", "-1", "0", ""):
        response = leader.get(f"{late}&procedure_id={wrong}")
        assert response.status_code == 404, wrong
        assert "Không tìm thấy" in response.get_data(as_text=True)
    assert leader.get(late).status_code == 200  # every procedure, when none is named


def test_the_periodic_report_says_when_the_period_asked_for_was_refused(browser, november_cases):
    """A report asked for 31/02/2026, or month 13, came back as this month's report without a word:
    printed and signed as if it were the period asked for. The refusal is now said above the report,
    in the page's language (not printed), the heading naming the month it shows."""
    leader = browser("lanhdao")
    for asked, said in (("period=custom&from=31/02/2026&to=15/03/2026", "Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy"),
                        ("period=month&year=2026&month=13", "Kỳ báo cáo không hợp lệ."),
                        ("period=custom&from=01/12/2026&to=01/01/2026", "Khoảng thời gian phải từ 1 ngày đến 3 năm")):
        page = leader.text(f"/statistics/report?{asked}")
        alert = re.search(r'<p class="flash flash-error no-print" role="alert">([^<]*)</p>', page)
        assert alert and alert.group(1).startswith(said), asked
        assert "Kỳ báo cáo: từ ngày 01/12/2026 đến ngày 31/12/2026" in page
    leader.post("/language", {"locale": "en"})
    assert "The period is not valid." in leader.text("/statistics/report?period=month&year=2026&month=13")
    assert 'role="alert"' not in leader.text("/statistics/report?period=month&year=2026&month=11")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_download_of_a_refused_period_shows_the_page_saying_why(browser, november_cases, language):
    """A download (CSV, XLSX) of a refused period (31/02/2026, month 13) answered 'Không tìm thấy'
    (404), as if the statistics were gone. It now shows the statistics page with the refusal under
    the chooser, in the page's language, what was typed kept, and no file."""
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    said = {"vi": ("Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy", "Kỳ báo cáo không hợp lệ."),
            "en": ("Not a valid date. Write it as dd/mm/yyyy", "The period is not valid.")}[language]
    for asked, message in (("period=custom&from=31/02/2026&to=15/03/2026", said[0]),
                           ("period=month&year=2026&month=13", said[1])):
        for download, page in (("/statistics/export.csv?view=procedure", "/statistics"),
                               ("/statistics/export.xlsx?view=agency", "/statistics"),
                               ("/statistics/units/export.xlsx?view=unit", "/statistics/units")):
            response = leader.get(f"{download}&{asked}", follow_redirects=True)
            assert response.status_code == 200 and response.mimetype == "text/html", (download, asked)
            assert response.request.path == page
            shown = response.get_data(as_text=True)
            assert re.search(r'class="flash flash-error" role="alert">' + re.escape(message), shown), (download, asked)
            assert ('value="31/02/2026"' in shown) == ("31/02/2026" in asked)


@pytest.mark.parametrize("asked", ["month=0&year=2026", "month=11&year=0", "month=abc&year=2026", "month=11.5&year=2026",
                                   "month=11&year=２０２６", "period=quarter&quarter=0&year=2026", "period=year&year=-2026"])
def test_a_period_number_that_is_no_month_quarter_or_year_is_refused(browser, november_cases, asked):
    """Month 0, year 0 or 'abc' were taken as this month and this year without a word: the leader
    read December's figures under the month they had typed. They are now refused like month 13,
    the fields keeping what was typed; an empty field still means this month (or year)."""
    leader = browser("lanhdao")
    page = leader.text(f"/statistics?{asked}")
    assert "Kỳ báo cáo không hợp lệ." in page, asked
    name, typed = [part for part in asked.split("&") if not part.startswith(("period", "year=2026"))][0].split("=")
    assert f'name="{name}" min=' in page and f'value="{typed}"' in page
    assert "Kỳ báo cáo không hợp lệ." not in leader.text("/statistics?period=month&month=&year=&quarter=")


@pytest.mark.parametrize("language, heading", [("vi", "Trễ hạn: 1.236 hồ sơ"), ("en", "Late: 1,236 dossiers")],
                         ids=["vi", "en"])
def test_a_long_list_behind_a_figure_counts_in_the_pages_language(browser, november_cases, monkeypatch, language, heading):
    """The statistics table writes 1.236 (1,236 in English), but the list behind it was headed
    'Trễ hạn: 1236 hồ sơ', the figure written another way. The heading now writes it as the table."""
    import webapp.statistics
    real = webapp.statistics.drill_down
    monkeypatch.setattr(webapp.statistics, "drill_down",
                        lambda *a, **k: dataclasses.replace(real(*a, **k), total=4 * 309))
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    page = leader.text("/statistics/dossiers?period=month&year=2026&month=11&figure=late")
    assert re.search(r"<h1>([^<]*)</h1>", page).group(1) == heading


@pytest.mark.parametrize("language, words", [
    ("vi", ("Kết quả giải quyết theo cơ quan", "Cơ quan: UBND xã Tân Phong",
            "Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026", "Lập lúc: 05/12/2026 09:00 (giờ Việt Nam, UTC+07:00)",
            "Kết quả giải quyết theo tháng", "Kỳ báo cáo: từ tháng 12/2025 đến tháng 11/2026")),
    ("en", ("Results by agency", "Agency: UBND xã Tân Phong", "Period: from 01/11/2026 to 30/11/2026",
            "Produced: 05/12/2026 09:00 (Vietnam time, UTC+07:00)", "Results by month",
            "Period: from 12/2025 to 11/2026")),
])
def test_a_download_says_inside_what_it_covers_in_the_readers_language(browser, november_cases, language, words):
    """Opened later, away from its file name, a download still says what report it is, whose,
    which period and when it was made (the agency's time)."""
    from io import BytesIO

    from openpyxl import load_workbook
    title, agency, period, made, monthly_title, months = words
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    # A heading line with a comma ("giờ Việt Nam, UTC+07:00") is quoted: read it as a spreadsheet does.
    heading, _table = csv_parts(leader.get("/statistics/export.csv?period=month&year=2026&month=11"))
    assert [cells[0] for cells in csv.reader(heading)] == [title, agency, period, made]
    heading, _table = csv_parts(leader.get("/statistics/export.csv?period=month&year=2026&month=11&table=trend"))
    assert [cells[0] for cells in csv.reader(heading)] == [monthly_title, agency, months, made]
    workbook = load_workbook(BytesIO(leader.get("/statistics/export.xlsx?period=month&year=2026&month=11").data))
    first, second = workbook.worksheets
    assert [first.cell(row=n, column=1).value for n in range(1, 5)] == [title, agency, period, made]
    assert [second.cell(row=n, column=1).value for n in range(1, 5)] == [monthly_title, agency, months, made]
    assert first["A1"].font.bold


DOSSIER_LINK = re.compile(r'<a class="dossier-code" href="(/dossiers/\d+)">')
PLAIN_CODE = re.compile(r'<span class="dossier-code">([A-Z0-9]+)</span>')


def test_a_listed_dossier_is_a_link_only_for_a_reader_who_may_open_it(browser, november_cases):
    """The administrator reads every agency's statistics but no dossier: the codes are listed
    without a link, instead of links that end on "not found"."""
    late = "/statistics/dossiers?period=month&year=2026&month=11&figure=late"
    leader, admin = browser("lanhdao"), browser("admin")
    links = DOSSIER_LINK.findall(leader.text(late))
    assert len(links) == 4 and all(leader.get(link).status_code == 200 for link in links)
    listed = admin.text(late)
    assert DOSSIER_LINK.findall(listed) == [] and sorted(PLAIN_CODE.findall(listed)) == ["C3", "N3", "N7", "N9"]
    assert all(admin.get(link).status_code == 404 for link in links)  # what the links led to


def test_the_table_by_procedure_names_procedures_in_english_on_an_english_page(browser, november_cases):
    """The rows, the chart and the download name each procedure by its catalogue entry's English;
    they kept the Vietnamese name on English pages (found by an audit of the partner instances)."""
    leader = browser("lanhdao")
    leader.post("/language", {"locale": "en"})
    page = leader.text(NOVEMBER + "&view=procedure")
    assert cells(page, "Marriage registration")[0] != ""
    assert "Đăng ký kết hôn" not in page
    _heading, table = csv_parts(leader.get("/statistics/export.csv?period=month&year=2026&month=11&view=procedure"))
    assert any(line.startswith("Marriage registration,") for line in table)
    assert not any("Đăng ký kết hôn" in line for line in table)
    leader.post("/language", {"locale": "vi"})
    assert cells(leader.text(NOVEMBER + "&view=procedure"), "Đăng ký kết hôn")[0] != ""
