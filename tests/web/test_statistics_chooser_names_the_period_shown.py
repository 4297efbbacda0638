"""The period chooser's month, quarter and year fields named today's month and quarter whatever
the period shown: a leader reading February 2024 who switched "Tháng" to "Quý" and pressed "Xem"
read the fourth quarter (today's). The fields now name the period shown."""
from __future__ import annotations

import re

import pytest

from tests.statistics_cases import at


@pytest.fixture
def today(demo, frozen_clock):
    frozen_clock.current = at(5, month=12)  # December 2026: the fourth quarter


def field(page: str, name: str) -> str:
    return re.search(rf'<input type="number" id="{name}" name="{name}"[^>]* value="([^"]*)"', page).group(1)


@pytest.mark.parametrize("asked, month, quarter, year", [
    ("period=month&year=2024&month=2", "2", "1", "2024"),
    ("period=quarter&year=2025&quarter=2", "4", "2", "2025"),
    ("period=custom&from=15/08/2025&to=15/01/2026", "8", "3", "2025"),
])
def test_the_choosers_fields_name_the_period_shown(browser, today, asked, month, quarter, year):
    for address in ("/statistics", "/statistics/units", "/statistics/indices"):
        page = browser("lanhdao").text(f"{address}?{asked}")
        assert (field(page, "month"), field(page, "quarter"), field(page, "year")) == (month, quarter, year), address
