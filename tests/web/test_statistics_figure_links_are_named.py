"""Every figure of the statistics tables is a link to the dossiers (or steps) behind it. A screen
reader listing the page's links read them as bare numbers ("21", "4", "4"...); each link is now
named as the list it opens is headed, with its row: "Đúng hạn: 2 hồ sơ — UBND xã Tân Phong"."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask_babel import force_locale
from lxml import html

from tests.statistics_cases import NOVEMBER_QUERY
from webapp.statistics import FIGURE_WORDS
from webapp.statistics_units import STEP_WORDS


def accessible_name(link) -> str:
    """What a screen reader says for a link: its aria-label, else its text."""
    return (link.get("aria-label") or link.text_content()).strip()


def named_links(app, leader, url: str, language: str, words: dict) -> list[tuple[str, str, str, str]]:
    """(row's name, figure words, link's name, link's text) for every figure link of the page's table."""
    if language == "en":
        leader.english()
    response = leader.get(url)
    assert response.status_code == 200
    page = html.fromstring(response.get_data(as_text=True))
    with app.test_request_context(), force_locale(language):
        said = {name: str(w) for name, w in words.items()}
    found = []
    for row in page.xpath("//table[contains(@class, 'statistics')][1]//tr[th[@scope='row']]"):
        row_name = (row.xpath("th")[0].text or "").strip()
        for link in row.xpath(".//td/a"):
            figure = parse_qs(urlsplit(link.get("href")).query)["figure"][0]
            found.append((row_name, said[figure], accessible_name(link), link.text_content().strip()))
    return found


@pytest.mark.parametrize("language, row, example", [
    ("vi", "UBND xã Tân Phong", "Đúng hạn: 2 hồ sơ — UBND xã Tân Phong"),
    ("en", "UBND xã Tân Phong", "On time: 2 dossiers — UBND xã Tân Phong"),
])
def test_each_figure_by_agency_is_named_by_its_words_and_its_row(app, browser, november_steps, language, row, example):
    links = named_links(app, browser("lanhdao"), f"/statistics?{NOVEMBER_QUERY}", language, FIGURE_WORDS)
    assert len(links) > 10 and {r for r, *_ in links} >= {row, "Tổng cộng" if language == "vi" else "Total"}
    for row_name, words, name, shown in links:
        assert words in name and row_name in name and shown in name, (row_name, words, name)
    assert example in [name for *_, name, _shown in links]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_figure_by_procedure_is_named_by_its_words_and_its_procedure(app, browser, november_steps, language):
    links = named_links(app, browser("lanhdao"), f"/statistics?{NOVEMBER_QUERY}&view=procedure", language, FIGURE_WORDS)
    assert len(links) > 10
    for row_name, words, name, shown in links:
        assert row_name and words in name and row_name in name and shown in name, (row_name, words, name)


@pytest.mark.parametrize("language, example", [
    ("vi", "Trễ hạn: 1 bước — Bộ phận Một cửa"),
    ("en", "Late: 1 step — "),  # the unit's English name, where it has one
])
def test_each_figure_by_unit_is_named_by_its_words_and_its_unit(app, browser, november_steps, language, example):
    links = named_links(app, browser("lanhdao"), f"/statistics/units?{NOVEMBER_QUERY}", language, STEP_WORDS)
    assert len(links) > 10
    for row_name, words, name, shown in links:
        assert row_name and words in name and row_name in name and shown in name, (row_name, words, name)
    assert any(name.startswith(example) for *_, name, _shown in links)
