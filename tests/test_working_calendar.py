"""Working-time arithmetic on the Vietnamese calendar as seeded from the `holidays` package."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import OfficeHours, WorkingCalendar, parse_time_limit
from engine.calendar.store import calendar_for, clear_day, seed_calendar, set_day
from engine.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def calendar(motcua):
    """The commune's calendar, read back from the database after seeding."""
    with motcua.uow() as uow:
        seed_calendar(uow.session)
        agency = Agency(code="000.31.21.H56", name="UBND xã Tân Phong")
        uow.session.add(agency)
        uow.session.flush()
        uow.commit()
    with motcua.read_session() as s:
        return calendar_for(s, s.get(Agency, agency.id))


def test_tet_2026_is_skipped(calendar):
    # Friday before Tết, one working day: Mon 16 – Fri 20/02 are Tết, then the weekend.
    assert calendar.add_working_days(at(2026, 2, 13), 1) == at(2026, 2, 23)
    assert calendar.working_time_between(at(2026, 2, 13), at(2026, 2, 23)) == timedelta(hours=8)


def test_national_day_with_its_adjacent_day_and_the_swap(calendar):
    # 31/08 (swapped from Saturday 22/08), 01/09 and 02/09 are off in 2026.
    assert not any(calendar.is_working_day(date(2026, 8, d)) for d in (29, 30, 31))
    assert not calendar.is_working_day(date(2026, 9, 1)) and not calendar.is_working_day(date(2026, 9, 2))
    # Friday 28/08 14:00 + 1 day: 3 h on Friday, then 5 h from Thursday 03/09 07:00.
    assert calendar.add_working_days(at(2026, 8, 28, 14), 1) == at(2026, 9, 3, 14)


def test_the_working_saturday_2026_08_22_counts(calendar):
    assert calendar.is_working_day(date(2026, 8, 22))
    # Friday 16:00 + half a day: 1 h on Friday, 3 h on Saturday morning.
    assert calendar.add_working_days(at(2026, 8, 21, 16), Decimal("0.5")) == at(2026, 8, 22, 10)


def test_a_holiday_on_a_sunday_is_compensated_on_monday(calendar):
    assert not calendar.is_working_day(date(2026, 4, 27))  # Hùng Kings' day fell on Sunday 26/04
    # Received Friday 24/04 after closing: the clock starts Tuesday 28/04 morning.
    assert calendar.add_working_days(at(2026, 4, 24, 17, 30), 1) == at(2026, 4, 28, 17)


def test_reception_after_office_hours_starts_the_next_working_morning(calendar):
    # Monday 23/11/2026 at 18:00; Tuesday 24/11 is Vietnamese Culture Day (from 2026).
    assert not calendar.is_working_day(date(2026, 11, 24))
    assert calendar.add_working_days(at(2026, 11, 23, 18), Decimal("0.5")) == at(2026, 11, 25, 11)
    assert calendar.add(at(2026, 11, 23, 18), timedelta(0)) == at(2026, 11, 25, 7)


def test_reception_on_a_holiday(calendar):
    assert calendar.add_working_days(at(2026, 1, 1, 9), 1) == at(2026, 1, 2, 17)


def test_half_day_allotments_cross_the_lunch_break(calendar):
    assert calendar.add_working_days(at(2026, 11, 23, 9), Decimal("0.5")) == at(2026, 11, 23, 15)
    assert calendar.add_working_days(at(2026, 11, 23, 7), Decimal("1.5")) == at(2026, 11, 25, 11)
    # A duration that fills the day exactly ends at the close, not the next morning.
    assert calendar.add_working_days(at(2026, 11, 23, 7), 1) == at(2026, 11, 23, 17)


def test_measuring_working_time(calendar):
    assert calendar.working_time_between(at(2026, 11, 23, 7), at(2026, 11, 23, 17)) == timedelta(hours=8)
    assert calendar.working_time_between(at(2026, 11, 23, 12), at(2026, 11, 23, 13)) == timedelta(0)
    assert calendar.working_days_between(at(2026, 11, 20, 13, 30), at(2026, 11, 25, 11, 30)) == Decimal("2")
    assert calendar.working_time_between(at(2026, 11, 25), at(2026, 11, 23)) < timedelta(0)


def test_time_limits(calendar):
    assert str(parse_time_limit("3 working days")) == "3 working days"
    assert calendar.deadline(at(2026, 11, 23, 9), parse_time_limit("4 working hours")) == at(2026, 11, 23, 15)
    # 15 calendar days from 16/08/2026 is Monday 31/08 (a day off): runs to the close of Thursday 03/09.
    assert calendar.deadline(at(2026, 8, 16, 9), parse_time_limit("15 calendar days")) == at(2026, 9, 3, 17)
    for bad in ("3", "ba ngày", "3 days", "-1 working days", ""):
        with pytest.raises(ValueError):
            parse_time_limit(bad)


def test_an_administrator_corrects_the_calendar_and_reseeding_keeps_it(motcua):
    with motcua.uow() as uow:
        seed_calendar(uow.session)
        agency = Agency(code="X", name="UBND xã")
        uow.session.add(agency)
        uow.session.flush()
        set_day(uow.session, "VN", date(2026, 11, 27), is_working=False, name="Nghỉ theo quyết định của tỉnh")
        set_day(uow.session, "VN", date(2026, 11, 28), is_working=True, name="Làm bù")
        clear_day(uow.session, "VN", date(2026, 11, 24))  # suppose the 24/11 holiday were repealed
        assert seed_calendar(uow.session) == 0  # nothing new, and the admin's rows untouched
        uow.commit()
    with motcua.read_session() as s:
        cal = calendar_for(s, s.get(Agency, agency.id))
    assert cal.is_working_day(date(2026, 11, 24))
    assert not cal.is_working_day(date(2026, 11, 27)) and cal.is_working_day(date(2026, 11, 28))


def test_office_hours_are_configurable_per_agency():
    hours = OfficeHours.parse("07:30-11:30, 13:00-17:00")
    assert str(hours) == "07:30-11:30,13:00-17:00"
    cal = WorkingCalendar(office_hours=hours)
    assert cal.add_working_days(at(2026, 11, 23, 7, 30), 1) == at(2026, 11, 23, 17)
    for bad in ("11:30-07:00", "07:00-11:30,10:00-12:00", "sáng", "25:00-11:00", "07:00-11:30,",
                # a UTC offset made an aware time that cannot be compared with a plain one
                # (a TypeError: the administrator's page failed); seconds were silently dropped
                "07:00+05:00-11:00", "07:00-11:00+05:00", "07:00:30-11:30"):
        with pytest.raises(ValueError):
            OfficeHours.parse(bad)
    assert str(OfficeHours.parse("7:00-11:30")) == "07:00-11:30"


def test_subtracting_working_time_mirrors_adding(calendar):
    assert calendar.subtract(at(2026, 2, 23, 9), timedelta(hours=8)) == at(2026, 2, 13, 9)
    assert calendar.subtract(at(2026, 11, 23, 15), timedelta(hours=4)) == at(2026, 11, 23, 9)
    assert calendar.subtract(at(2026, 11, 23, 7), timedelta(hours=1)) == at(2026, 11, 20, 16)
    for start in (at(2026, 8, 21, 16), at(2026, 4, 24, 10), at(2026, 11, 20, 8)):
        later = calendar.add_working_days(start, Decimal("2.25"))
        assert calendar.subtract(later, timedelta(hours=18)) == start
