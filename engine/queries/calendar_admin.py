"""What the calendar administration pages show: a year of a calendar, and the agencies' hours."""
from __future__ import annotations

import calendar as _months
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from engine.calendar.holiday_names import english_name
from engine.commands.calendar_admin import require_admin
from engine.models import Agency, CalendarDay

DEFAULT_CODE = "VN"


@dataclass(frozen=True)
class CalendarException:
    """A day that departs from "Monday to Friday": a day off (a named holiday), or a worked weekend day."""
    day: date
    is_working: bool
    name: str
    source: str  # "holidays" (seeded) or "admin"
    name_en: str = ""  # a seeded day's English name while it keeps the seeded name, else ""

    @property
    def on_weekend(self) -> bool:
        return self.day.weekday() >= 5


@dataclass(frozen=True)
class CalendarDayCell:
    day: date | None  # None: padding before the 1st or after the last day of the month
    kind: str = ""  # "workday", "weekend", "day_off", "worked_weekend"
    name: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list[list[CalendarDayCell]]


@dataclass(frozen=True)
class YearView:
    calendar_code: str
    year: int
    codes: list[str]  # every calendar in use, to switch between them
    exceptions: list[CalendarException]
    months: list[Month]
    days_off: int  # days off that fall on weekdays (what changes working time)
    worked_weekends: int


@dataclass(frozen=True)
class AgencyHours:
    id: int
    code: str
    name: str
    calendar_code: str
    office_hours: str
    timezone: str


def calendar_codes(session) -> list[str]:
    codes = set(session.execute(select(CalendarDay.calendar_code).distinct()).scalars())
    codes |= set(session.execute(select(Agency.calendar_code).distinct()).scalars())
    return sorted(codes or {DEFAULT_CODE})


def year_view(session, actor_id: int, calendar_code: str, year: int) -> YearView:
    require_admin(session, actor_id)
    rows = session.execute(select(CalendarDay).where(
        CalendarDay.calendar_code == calendar_code,
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)).scalars().all()
    # A row that says what the plain rule says, with no name, is an exception an administrator
    # removed: it is kept (so re-seeding does not restore it) but is no exception any more.
    exceptions = [CalendarException(r.day, r.is_working, r.name, r.source,
                                    english_name(calendar_code, r.day, r.name, seeded=r.source == "holidays"))
                  for r in rows
                  if r.is_working != (r.day.weekday() < 5) or r.name]
    by_day = {e.day: e for e in exceptions}
    months = [Month(m, [[_cell(d, by_day) for d in week] for week in _months.Calendar().monthdatescalendar(year, m)])
              for m in range(1, 13)]
    for month in months:  # days of the neighbouring months are padding
        for week in month.weeks:
            for i, cell in enumerate(week):
                if cell.day.month != month.number:
                    week[i] = CalendarDayCell(None)
    return YearView(calendar_code, year, calendar_codes(session), exceptions, months,
                    days_off=sum(1 for e in exceptions if not e.is_working and not e.on_weekend),
                    worked_weekends=sum(1 for e in exceptions if e.is_working and e.on_weekend))


def _cell(day: date, by_day: dict) -> CalendarDayCell:
    exception = by_day.get(day)
    weekend = day.weekday() >= 5
    if exception is None:
        return CalendarDayCell(day, "weekend" if weekend else "workday")
    if exception.is_working:
        return CalendarDayCell(day, "worked_weekend" if weekend else "workday", exception.name, exception.name_en)
    return CalendarDayCell(day, "day_off", exception.name, exception.name_en)


def agencies_hours(session, actor_id: int) -> list[AgencyHours]:
    require_admin(session, actor_id)
    return [AgencyHours(a.id, a.code, a.name, a.calendar_code, a.office_hours, a.timezone)
            for a in session.execute(select(Agency).order_by(Agency.code)).scalars()]
