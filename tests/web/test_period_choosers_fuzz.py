"""The period choosers of the supervisors' pages (statistics, units, indices, the periodic report,
the tracking register and their downloads), driven with generated periods: days of any year a
day field can hold (0001 to 9999, the way round or not, as dd/mm/yyyy, yyyy-mm-dd or d-m-yyyy),
impossible days, and numbers of any size or kind for month, quarter and year. Each answers its
page (or its file, or the page saying why no file, in the page's language), never a server error,
and nothing technical shows (tests/page_text.py). The whole app's fuzzing
(test_no_5xx_from_input.py) draws its values from every field at once and had not met 31/12/9999."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.page_text import problems

PAGES = ("/statistics", "/statistics/units", "/statistics/indices", "/statistics/report", "/registers/tracking")
DOWNLOADS = ("/statistics/export.csv", "/statistics/export.xlsx", "/statistics/units/export.csv",
             "/registers/tracking.csv")
REFUSALS = {"vi": ("Kỳ báo cáo không hợp lệ.", "Ngày không hợp lệ.", "Khoảng thời gian phải", "Năm phải từ 2000 đến 2100."),
            "en": ("The period is not valid.", "Not a valid date.", "The period must", "The year must be from 2000 to 2100.")}

def _typed(day: date, spelling: int) -> str:
    return (f"{day.day:02d}/{day.month:02d}/{day.year:04d}", day.isoformat(), f"{day.day}-{day.month}-{day.year:04d}")[spelling]


def _after(day: date, days_later: int) -> date:
    return date.fromordinal(min(max(day.toordinal() + days_later, 1), date.max.toordinal()))


# Days of any year, the years at the edges of what a field holds more often than by chance.
any_day = st.one_of(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
                    st.sampled_from([date(1, 1, 1), date(1, 12, 31), date(1999, 12, 31), date(2101, 1, 1),
                                     date(9999, 1, 1), date(9999, 12, 31)]))
spelling = st.integers(0, 2)
# A period: two days apart (a few days either way to over a year), or two days drawn alone, or
# text that names no day.
day_pairs = st.one_of(
    st.builds(lambda d, k, a, b: (_typed(d, a), _typed(_after(d, k), b)), any_day, st.integers(-5, 400), spelling, spelling),
    st.tuples(st.builds(_typed, any_day, spelling), st.builds(_typed, any_day, spelling)),
    st.tuples(st.sampled_from(["31/02/2026", "29/02/2100", "00/01/2026", "01/13/2026", "", " ", "abc"]),
              st.sampled_from(["15/03/2026", "", "31/04/2026"])),
)
numbers = st.one_of(st.integers(-10, 10_000).map(str), st.sampled_from(["", "abc", "1e3", "２０２６", "11.5", "-0",
                                                                       "99999999999999999999"]))
periods = st.builds(lambda kind, pair, rest: {"period": kind, "from": pair[0], "to": pair[1], **rest},
                    st.sampled_from(["custom", "custom", "month", "quarter", "year", "week", ""]), day_pairs,
                    st.fixed_dictionaries({}, optional={"year": numbers, "month": numbers, "quarter": numbers}))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_any_period_gets_its_page_or_a_refusal_in_the_pages_language(browser, demo, language):
    giamsat = browser("giamsat")
    giamsat.post("/language", {"locale": language})

    @settings(max_examples=80, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.sampled_from(PAGES + DOWNLOADS), periods)
    def check(page, period):
        url = f"{page}?{urlencode(period)}"
        response = giamsat.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 302:  # a download of a refused period: its page says why
            response = giamsat.get(response.location)
            assert any(words in response.get_data(as_text=True) for words in REFUSALS[language]), url
        if response.mimetype == "text/html":
            assert problems(response.get_data(as_text=True)) == [], url

    check()
