"""The dossier tracking register (form 06): per agency and period, printed and exported."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from engine import commands
from engine.commands.reception import Applicant, WalkIn
from tests.test_end_of_processing import result_ready, RETURN


def test_the_register_lists_the_agencys_dossiers_of_the_period_with_their_moments(browser, demo, frozen_clock):
    dossier_id, reception = result_ready(demo, frozen_clock)  # received Monday 23/11 09:00, ready at 12:00
    frozen_clock.advance(timedelta(days=2))
    reception.take_and_complete(dossier_id, RETURN, expect_step="return_result")
    refused = commands.refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], reason="Không thuộc thẩm quyền.",
                              walk_in=WalkIn(demo.commune, "dang_ky_ket_hon", Applicant(name="Trần Thị Bình")))
    b = browser("tiepnhan")
    html = b.text("/registers/tracking?from=2026-11-01&to=2026-11-30")
    assert "SỔ THEO DÕI HỒ SƠ" in html and "Từ ngày 01/11/2026 đến ngày 30/11/2026" in html
    assert "2 hồ sơ" in html and refused.code in html and "Không được tiếp nhận" in html
    row = html[html.index("000.31.21.H56-261123-0001"):]
    row = row[:row.index("</tr>")]
    # received, appointed, transferred to the specialist, result back (ready), returned
    for moment in ("23/11/2026 09:00", "23/11/2026 12:00", "25/11/2026 12:00", "UBND xã Tân Phong"):
        assert moment in row, moment
    assert "A4 ngang" in html and 'href="/registers/tracking.csv?' in html
    assert 'value="01/11/2026"' in html and 'value="30/11/2026"' in html  # the period's fields read dd/mm/yyyy
    assert b.text("/registers/tracking?from=01/11/2026&to=30/11/2026").split("<tbody>")[1] == html.split("<tbody>")[1]
    response = b.get("/registers/tracking.csv?from=2026-11-01&to=2026-11-30")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["STT", "Mã hồ sơ", "Thủ tục"] and len(rows) == 3
    assert rows[1][1] == "000.31.21.H56-261123-0001" and rows[1][10] == "25/11/2026 12:00"
    assert rows[2][11] == "Không được tiếp nhận"  # the status in words, as the page says it
    assert "000.31.21.H56" not in b.text("/registers/tracking?from=2026-12-01&to=2026-12-31").split("<tbody>")[1]


def test_the_register_is_for_the_agencys_keepers_and_checks_its_period(browser, demo):
    assert browser("chuyenvien").get("/registers/tracking").status_code == 404
    assert browser("motcuadatdai").get(f"/registers/tracking?agency_id={demo.commune}").status_code == 404
    b = browser("tiepnhan")
    html = b.text("/registers/tracking?from=2026-12-31&to=2026-01-01")
    assert "Khoảng thời gian phải từ 1 đến 366 ngày" in html
    assert b.text("/registers/tracking?from=abc").count("Ngày không hợp lệ.") == 1
    refused = b.get("/registers/tracking.csv?from=2026-12-31&to=2026-01-01")  # the page says why
    assert refused.status_code == 302 and refused.location == "/registers/tracking?from=2026-12-31&to=2026-01-01"


def test_a_refused_period_stays_in_its_fields_as_typed(browser, demo):
    """31/02/2026 was answered 'Ngày không hợp lệ' with the fields showing this month's first day
    and today: what was typed, and which of the two was wrong, were gone."""
    import lxml.html
    b = browser("tiepnhan")
    page = lxml.html.fromstring(b.text("/registers/tracking?from=31/02/2026&to=03/12/2026"))
    [start], [end] = page.xpath('//input[@id="from"]'), page.xpath('//input[@id="to"]')
    assert (start.get("value"), start.get("aria-invalid")) == ("31/02/2026", "true")
    assert (end.get("value"), end.get("aria-invalid")) == ("03/12/2026", None)
    page = lxml.html.fromstring(b.text("/registers/tracking?from=03/12/2026&to=01/12/2026"))
    [start], [end] = page.xpath('//input[@id="from"]'), page.xpath('//input[@id="to"]')
    assert (start.get("value"), end.get("value")) == ("03/12/2026", "01/12/2026")
    assert start.get("aria-invalid") == end.get("aria-invalid") == "true"



@pytest.mark.parametrize("language, said", [("vi", "Năm phải từ 2000 đến 2100."),
                                            ("en", "The year must be from 2000 to 2100.")], ids=["vi", "en"])
def test_a_day_of_a_year_out_of_reach_is_refused_beside_its_field(browser, demo, language, said):
    """31/12/9999 (a slip, or the year the field allows) was a server error (500). A day before
    2000 or after 2100 is now refused beside its field, in the page's language, and the register
    below is this month's; its CSV is not made (the page saying why instead)."""
    import lxml.html
    b = browser("tiepnhan")
    b.post("/language", {"locale": language})
    for start, end, wrong in (("31/12/9999", "31/12/9999", ["from", "to"]), ("01/12/2026", "01/01/9999", ["to"]),
                              ("01/01/0001", "03/12/2026", ["from"])):
        response = b.get(f"/registers/tracking?from={start}&to={end}")
        assert response.status_code == 200, (start, end)
        page = lxml.html.fromstring(response.get_data(as_text=True))
        assert page.xpath('string(//*[@id="period-error"])') == said
        fields = {name: page.xpath(f'//input[@id="{name}"]')[0] for name in ("from", "to")}
        assert [name for name, field in fields.items() if field.get("aria-invalid") == "true"] == wrong
        assert (fields["from"].get("value"), fields["to"].get("value")) == (start, end)
        assert b.get(f"/registers/tracking.csv?from={start}&to={end}").status_code == 302


@pytest.mark.parametrize("language, said", [("vi", "Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy, ví dụ 02/09/2026."),
                                            ("en", "Not a valid date. Write it as dd/mm/yyyy, e.g. 02/09/2026.")],
                         ids=["vi", "en"])
def test_the_csv_of_a_refused_period_shows_the_register_page_saying_why(browser, demo, language, said):
    """The CSV of a refused period (31/02/2026, typed into the address or kept in a bookmark) was
    Werkzeug's page 'Bad Request', in English on a Vietnamese page, with nothing to correct. It is
    now the register's page, the refusal beside the wrong field, what was typed kept."""
    import lxml.html
    b = browser("tiepnhan")
    b.post("/language", {"locale": language})
    response = b.get("/registers/tracking.csv?from=31/02/2026&to=03/12/2026", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = lxml.html.fromstring(response.get_data(as_text=True))
    assert page.xpath('string(//*[@id="period-error"])') == said
    [start] = page.xpath('//input[@id="from"]')
    assert (start.get("value"), start.get("aria-invalid")) == ("31/02/2026", "true")
    assert "Bad Request" not in response.get_data(as_text=True)


@pytest.mark.parametrize("language, count", [("vi", "1.002 hồ sơ"), ("en", "1,002 dossiers")], ids=["vi", "en"])
def test_a_long_register_counts_its_dossiers_in_the_pages_language(browser, demo, frozen_clock, monkeypatch,
                                                                    language, count):
    """A register of a thousand dossiers or more was headed '1002 hồ sơ', not 1.002 as the other
    figures of a Vietnamese page (1,002 in English). It now writes the count in the page's language."""
    from dataclasses import replace

    import webapp.registers
    result_ready(demo, frozen_clock)
    real = webapp.registers.tracking_register
    monkeypatch.setattr(webapp.registers, "tracking_register",
                        lambda *a, **k: replace(real(*a, **k), lines=real(*a, **k).lines * 1002))
    b = browser("tiepnhan")
    b.post("/language", {"locale": language})
    html = b.text("/registers/tracking?from=2026-11-01&to=2026-11-30")
    assert f" · {count}</p>" in html


@pytest.mark.parametrize("language, name", [("vi", "Sổ theo dõi hồ sơ"), ("en", "Tracking register")],
                         ids=["vi", "en"])
def test_the_registers_scroll_box_is_reached_with_tab_and_named(browser, demo, language, name):
    """At 390 px the register scrolls sideways inside its box, which the Tab key could not reach
    (a keyboard user could not scroll it) and which had no name. It is now focusable, as the
    statistics' tables are, and named as a region, as the diagrams are."""
    import lxml.html
    b = browser("tiepnhan")
    b.post("/language", {"locale": language})
    page = lxml.html.fromstring(b.text("/registers/tracking?from=2026-11-01&to=2026-11-30"))
    [box] = page.xpath('//table[contains(@class, "register-table")]/parent::div')
    assert "table-scroll" in box.get("class").split()
    assert (box.get("tabindex"), box.get("role"), box.get("aria-label")) == ("0", "region", name)
