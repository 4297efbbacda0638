"""Calendars in the database: seeded from the `holidays` package, corrected by administrators."""
from __future__ import annotations

from datetime import date

import holidays
from sqlalchemy import select

from engine.calendar.working_time import OfficeHours, WorkingCalendar
from engine.models import CalendarDay

SEED_YEARS = range(2024, 2031)


def seed_calendar(session, calendar_code: str = "VN", years=SEED_YEARS) -> int:
    """Insert the package's holidays and swapped working days; keep what an administrator set."""
    source = holidays.country_holidays(calendar_code, years=years, language="vi")
    wanted: dict[date, tuple[bool, str]] = {}
    for day, name in source.items():
        wanted[day] = (False, name)
    for day in getattr(source, "weekend_workdays", ()):
        if day.year in years:
            wanted[day] = (True, "Ngày làm việc bù")
    existing = {row.day: row for row in session.execute(
        select(CalendarDay).where(CalendarDay.calendar_code == calendar_code)).scalars()}
    added = 0
    for day, (is_working, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            session.add(CalendarDay(calendar_code=calendar_code, day=day, is_working=is_working,
                                    name=name, source="holidays"))
            added += 1
        elif row.source == "holidays":
            row.is_working, row.name = is_working, name
    session.flush()
    return added


def set_day(session, calendar_code: str, day: date, *, is_working: bool, name: str = "") -> CalendarDay:
    """An administrator's correction: a day off, or a worked Saturday."""
    row = session.get(CalendarDay, (calendar_code, day))
    if row is None:
        row = CalendarDay(calendar_code=calendar_code, day=day)
        session.add(row)
    row.is_working, row.name, row.source = is_working, name, "admin"
    session.flush()
    return row


def clear_day(session, calendar_code: str, day: date) -> None:
    """Back to the plain rule (weekday works, weekend rests), remembered as an admin decision."""
    weekday = day.weekday() < 5
    set_day(session, calendar_code, day, is_working=weekday, name="")


def calendar_for(session, agency) -> WorkingCalendar:
    rows = session.execute(select(CalendarDay.day, CalendarDay.is_working)
                           .where(CalendarDay.calendar_code == agency.calendar_code)).all()
    return WorkingCalendar(
        agency.timezone,
        days_off=[d for d, working in rows if not working],
        working_days=[d for d, working in rows if working],
        office_hours=OfficeHours.parse(agency.office_hours),
    )
