"""The chart beside the statistics table (an SVG drawn in the page, webapp/charts.py) for a period
without dossiers: it drew only its legend, read as a chart that failed to load. It now says there
are no dossiers, where the bars would be and in its accessible name, in the page's language."""
from __future__ import annotations

import pytest
from lxml import html

from tests.statistics_cases import NOVEMBER_QUERY

EMPTY_MONTH = "period=month&year=2026&month=3"  # long before the cases, all in October to December 2026
SAID = {"vi": "Không có hồ sơ trong kỳ.", "en": "No dossiers in the period."}


def chart(browser, url: str, language: str, which: int = 0):
    """The chart as the page embeds it: the SVG inside the figure beside the table (``which``: 0
    the period's bars, 1 the twelve months' trend)."""
    leader = browser("lanhdao")
    if language == "en":
        leader.english()
    response = leader.get(url)
    assert response.status_code == 200
    svgs = html.fromstring(response.get_data(as_text=True)).xpath("//figure[@class='chart-box']/svg")
    return svgs[which]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("page", ["/statistics?", "/statistics?view=procedure&", "/statistics/units?"])
def test_a_period_without_dossiers_says_so_in_its_chart(browser, november_cases, language, page):
    svg = chart(browser, page + EMPTY_MONTH, language)
    drawn = [t.text_content() for t in svg.xpath(".//text")]
    assert SAID[language] in drawn
    assert SAID[language] in svg.get("aria-label")  # what a screen reader says for the image
    assert not svg.xpath(".//rect")  # no legend of colours for bars that are not there


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_period_with_dossiers_draws_its_bars_without_the_words(browser, november_cases, language):
    svg = chart(browser, "/statistics?" + NOVEMBER_QUERY, language)
    assert svg.xpath(".//rect") and SAID[language] not in svg.text_content()
    assert "UBND xã Tân Phong" in [t.text_content() for t in svg.xpath(".//text")]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_twelve_months_without_dossiers_say_so_in_the_trend(browser, november_cases, language):
    """The trend drew a bare axis of twelve zeros."""
    svg = chart(browser, "/statistics?" + EMPTY_MONTH, language, which=1)
    assert SAID[language] in [t.text_content() for t in svg.xpath(".//text")]
    assert not svg.xpath(".//line")
    assert chart(browser, "/statistics?" + NOVEMBER_QUERY, language, which=1).xpath(".//rect")  # November's column
