"""Calendars in the database: seeded from the `holidays` package, corrected by administrators."""
from __future__ import annotations

from datetime import date

import holidays
from sqlalchemy import bindparam, select

from engine.calendar.holiday_names import WORKED_IN_EXCHANGE
from engine.calendar.working_time import OfficeHours, WorkingCalendar
from engine.models import CalendarDay

SEED_YEARS = range(2024, 2031)

# Working calendars by (database, agency, calendar revision, calendar code, time zone, office
# hours). Building one reads every calendar day of its code; a command needs it for each new
# step's due date. The agency row, read fresh by every command, carries ``calendar_revision``,
# which the database changes whenever the calendar's days change (migration 0031), and its own
# hours and zone are part of the key: so a change made by any process is seen by the next read
# of the agency, and nothing else has to tell this process.
_CALENDARS: dict[tuple, WorkingCalendar] = {}
_MAX_CALENDARS = 512
# session.info key: this session changed calendar days, so the revision its agency rows carry may
# be older than the rows it reads (the trigger's new value is not reloaded).
CHANGED = "motcua_calendar_changed"


def seed_calendar(session, calendar_code: str = "VN", years=SEED_YEARS) -> int:
    """Insert the package's holidays and swapped working days; keep what an administrator set."""
    source = holidays.country_holidays(calendar_code, years=years, language="vi")
    session.info[CHANGED] = True
    wanted: dict[date, tuple[bool, str]] = {}
    for day, name in source.items():
        wanted[day] = (False, name)
    for day in getattr(source, "weekend_workdays", ()):
        if day.year in years:
            wanted[day] = (True, WORKED_IN_EXCHANGE[0])
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
    session.info[CHANGED] = True
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
    key = _cache_key(session, agency)
    calendar = _CALENDARS.get(key) if key is not None else None
    if calendar is None:
        calendar = _read_calendar(session, agency)
        if key is not None:
            if len(_CALENDARS) >= _MAX_CALENDARS:
                _CALENDARS.clear()
            _CALENDARS[key] = calendar
    return calendar


def _cache_key(session, agency) -> tuple | None:
    revision = agency.__dict__.get("calendar_revision")
    if revision is None or agency.id is None or session.info.get(CHANGED):
        return None
    from engine.procedures.registry import database_of
    return (database_of(agency), agency.id, revision, agency.calendar_code, agency.timezone, agency.office_hours)


def _read_calendar(session, agency) -> WorkingCalendar:
    rows = session.execute(_DAYS, {"code": agency.calendar_code}).all()
    return WorkingCalendar(
        agency.timezone,
        days_off=[d for d, working in rows if not working],
        working_days=[d for d, working in rows if working],
        office_hours=OfficeHours.parse(agency.office_hours),
    )


_DAYS = select(CalendarDay.day, CalendarDay.is_working).where(CalendarDay.calendar_code == bindparam("code"))


def clear_cache() -> None:
    _CALENDARS.clear()
