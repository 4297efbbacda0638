"""Days and times of day typed into the officers' and citizens' forms (webapp/days.py): dd/mm/yyyy
and hh:mm whatever the browser's language; yyyy-mm-dd from links is read too."""
from __future__ import annotations

from datetime import date, time

from hypothesis import given
from hypothesis import strategies as st

from webapp.days import day_text, iso_day, read_day, read_time


def test_days_are_read_day_first():
    assert read_day("02/09/2026") == date(2026, 9, 2)
    assert read_day(" 2/9/2026 ") == date(2026, 9, 2)
    assert read_day("02-09-2026") == read_day("02.09.2026") == date(2026, 9, 2)
    assert read_day("2026-09-02") == date(2026, 9, 2)  # links and bookmarks


def test_what_names_no_day_is_none():
    for text in ("", None, "30/02/2026", "09/31/2026", "2026-02-30", "20260902", "2026-W36-3", "2/9/26",
                 "02/09/2026 10:00", "٠٢/٠٩/٢٠٢٦", "02/09/2026" * 100, "hôm nay"):
        assert read_day(text) is None, text


def test_a_day_is_shown_as_it_is_typed():
    assert day_text(date(2026, 9, 2)) == "02/09/2026"
    assert day_text("2026-09-02") == "02/09/2026"  # a stored value or a form's default
    assert day_text("31/02/2026") == "31/02/2026"  # typed wrong: kept, to be corrected
    assert day_text(None) == "" and day_text("") == ""
    # 01/01/0026 (a slip of the keyboard for 2026) is a day: it reads dd/mm/yyyy, not 01/01/26.
    assert day_text(date(26, 1, 1)) == "01/01/0026" and day_text("0001-01-01") == "01/01/0001"
    assert iso_day("3/11/2026") == "2026-11-03" and iso_day("11/23/2026") == "11/23/2026"


@given(st.dates())
def test_every_day_shown_reads_back_as_itself(day):
    assert read_day(day_text(day)) == day
    assert read_day(day.isoformat()) == day


@given(st.text(max_size=40))
def test_no_text_makes_the_readers_fail(text):
    day, at = read_day(text), read_time(text)
    assert day is None or isinstance(day, date)
    assert at is None or isinstance(at, time)
    assert isinstance(day_text(text), str) and isinstance(iso_day(text), str)


def test_times_of_day_are_24_hour():
    assert read_time("17:00") == read_time("17h00") == read_time("17h") == read_time("17H") == time(17, 0)
    assert read_time("7:05") == time(7, 5)
    for text in ("", "24:00", "17:60", "5:00 PM", "17", "17:0", "1700"):
        assert read_time(text) is None, text
