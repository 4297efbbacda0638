"""Numbers in the page's language everywhere (issue 12, point 6): 1.234,5 and 62,5 % on a
Vietnamese page, 1,234.5 and 62.5 % on an English one: the control slip's hours (it printed "0.1"
beside "1,5"), the service indices' points, file sizes, fees, and the formatting the pages share
(webapp/i18n.py)."""
from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale

from tests.statistics_cases import at as november, write_cases
from tests.web.test_citizen_online_submission import FORM, PDF, URL, app, citizen  # noqa: F401
from tests.web.test_control_slip import at_bhxh
from tests.web.test_statistics_pages import cells
from webapp.i18n import format_number, format_share, format_size

EXPECTED = {
    "vi": {"thousands": "1.234.567", "decimal": "1.234,5", "two": "12,50", "share": "62,5 %", "size": "1,5 MB",
           "hours": ["13,5", "3,5", "0,0"], "points": "12,50 / 20", "fee": "100.000 đồng"},
    "en": {"thousands": "1,234,567", "decimal": "1,234.5", "two": "12.50", "share": "62.5 %", "size": "1.5 MB",
           "hours": ["13.5", "3.5", "0.0"], "points": "12.50 / 20", "fee": "VND 100,000"},
}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_shared_formats_follow_the_language(app, language):  # noqa: F811
    want = EXPECTED[language]
    with app.test_request_context(), force_locale(language):
        assert format_number(1234567) == want["thousands"] and format_number(1234.5) == want["decimal"]
        assert format_number(12.5, 2) == want["two"] and format_share(0.625) == want["share"]
        assert format_size(1536 * 1024) == want["size"] and format_size(2_000) == "2 KB"
        assert format_share(None) == "—" and format_number(None) == "—"


def in_language(b, language: str):
    b.post("/language", {"locale": language})
    return b


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_control_slip_writes_hours_in_the_pages_language(browser, demo, frozen_clock, language):
    dossier = at_bhxh(demo, frozen_clock)
    html = in_language(browser("tiepnhan"), language).text(f"/dossiers/{dossier.id}/control-slip")
    agencies = re.search(r'<table class="agencies">.*?</table>', html, re.S).group(0)
    # The time each agency used (working hours): the police, the committee, BHXH still holding it.
    spent = [re.sub(r"<[^>]+>", "", row[2]).strip() for row in
             (re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in re.findall(r"<tr>(.*?)</tr>", agencies, re.S)) if row]
    assert sorted(spent) == sorted(EXPECTED[language]["hours"])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_statistics_write_shares_and_points_in_the_pages_language(browser, demo, frozen_clock, language):
    frozen_clock.current = november(5, month=12)
    write_cases(demo)
    leader = in_language(browser("lanhdao"), language)
    page = leader.text("/statistics/indices?period=month&year=2026&month=11")
    want = EXPECTED[language]
    assert cells(page, "2.1")[2:] == ["10 / 16", want["share"], "100,0 %" if language == "vi" else "100.0 %",
                                      want["points"]]
    chart = leader.text("/statistics?period=month&year=2026&month=11")
    # The chart writes its shares as the table does, not "62%" in both languages.
    assert re.search(r"<title>" + re.escape(want["share"]) + "</title>", chart)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_file_sizes_and_fees_in_the_pages_language(citizen, language):  # noqa: F811
    b = in_language(citizen(), language)
    big = PDF + b"0" * (1536 * 1024 - len(PDF))  # 1.5 MB of scan
    form = dict(FORM, action="save", csrf_token=b.token())
    form["doc-0"] = (io.BytesIO(big), "to-khai.pdf")
    assert b.client.post(URL, data=form, content_type="multipart/form-data").status_code == 302
    assert f"({EXPECTED[language]['size']})" in b.text(URL)
    assert EXPECTED[language]["fee"] in b.text("/thu-tuc/dang_ky_ho_kinh_doanh")
