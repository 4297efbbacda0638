"""A period that begins after today (the year 2099, next month) showed today's open dossiers as
carried over into it and judged within time or overdue there, figures no one can know yet, in
every table, list, report and download. It is now refused under the chooser, in the page's
language, saying what today is; the page shows this month and the fields keep what was typed.
A period running now (this month, or from last week to next) is still read as of now."""
from __future__ import annotations

import pytest


SAID = {"vi": "Kỳ báo cáo chưa bắt đầu: hôm nay là ngày 05/12/2026.",
        "en": "The period has not begun yet: today is 05/12/2026."}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("asked", ["period=year&year=2099", "period=month&year=2027&month=1",
                                   "period=quarter&year=2027&quarter=1", "period=custom&from=06/12/2026&to=31/12/2026"])
def test_a_period_not_begun_is_refused_saying_what_today_is(browser, november_steps, language, asked):
    leader = browser("lanhdao")
    leader.post("/language", {"locale": language})
    for page in ("/statistics", "/statistics/units", "/statistics/indices", "/statistics/report"):
        response = leader.get(f"{page}?{asked}")
        assert response.status_code == 200, page
        shown = response.get_data(as_text=True)
        assert SAID[language] in shown, page
        assert "01/12/2026" in shown  # this month, under the refusal
    typed = leader.text(f"/statistics?{asked}")
    typed_value = asked.split("&")[-1].split("=")[1]  # the year, month, quarter or last day typed
    assert f'value="{typed_value}"' in typed
    for download in ("/statistics/export.csv", "/statistics/export.xlsx", "/statistics/units/export.csv"):
        assert leader.get(f"{download}?{asked}").status_code == 302, download
    assert leader.get(f"/statistics/dossiers?{asked}&figure=carried_over").status_code == 404


@pytest.mark.parametrize("asked, shown", [
    ("period=month&year=2026&month=12", "Từ ngày 01/12/2026 đến ngày 31/12/2026"),
    ("period=year&year=2026", "Từ ngày 01/01/2026 đến ngày 31/12/2026"),
    ("period=custom&from=05/12/2026&to=05/12/2026", "Từ ngày 05/12/2026 đến ngày 05/12/2026"),
    ("period=custom&from=01/11/2026&to=31/01/2027", "Từ ngày 01/11/2026 đến ngày 31/01/2027"),
])
def test_a_period_running_today_is_read_as_of_now(browser, november_steps, asked, shown):
    page = browser("lanhdao").text(f"/statistics?{asked}")
    assert 'role="alert"' not in page and shown in page
