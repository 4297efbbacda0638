"""A CSV download writes the in-time share as a bare number (58.8): its column heading says it is
a percentage, "Tỷ lệ đúng hạn (%)", in both languages and in every CSV of the statistics pages.
The workbook's cells carry the % themselves and keep the plain heading."""
from __future__ import annotations

import csv
import io
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.statistics_cases import NOVEMBER_QUERY

SAID = {"vi": "Tỷ lệ đúng hạn", "en": "In-time share"}


def table_of(response) -> list[list[str]]:
    """The table of a downloaded CSV: what follows the heading and its empty line."""
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text.split("\r\n\r\n", 1)[1])))


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("download", ["/statistics/export.csv?view=agency", "/statistics/export.csv?view=procedure",
                                      "/statistics/export.csv?table=trend", "/statistics/units/export.csv?view=unit"])
def test_the_share_column_of_a_csv_says_it_is_a_percentage(browser, november_steps, language, download):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    header, *rows = table_of(leader.get(f"{download}&{NOVEMBER_QUERY}"))
    assert header[-1] == f"{SAID[language]} (%)"
    assert all(float(row[-1]) <= 100 for row in rows if row[-1])  # 66.7, not 0.667
    assert header.count(f"{SAID[language]} (%)") == 1 and not any("(%)" in name for name in header[:-1])


def test_the_workbook_keeps_the_plain_heading_over_cells_shown_as_percentages(browser, november_steps):
    sheet = load_workbook(BytesIO(browser("lanhdao").get(f"/statistics/export.xlsx?{NOVEMBER_QUERY}").data)).worksheets[0]
    header = [cell.value for cell in sheet[6]]
    assert header[-1] == "Tỷ lệ đúng hạn"
    assert sheet.cell(row=7, column=len(header)).number_format == "0.0%"
