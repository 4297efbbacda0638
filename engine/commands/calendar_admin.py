"""An administrator's corrections to the working-time calendar and to an agency's office hours.

Each function is one transaction and only a system administrator (``User.is_admin``) may call
it. The calendar rows are what due dates, escalations and BPMN timers count on from the next
command on; a date already computed (a dossier's due date, a timer already waiting) keeps its
moment. Every change is also written to the ``motcua.admin`` log: calendar rows are not dossier
history, so they have no audit table of their own.
"""
from __future__ import annotations

import logging
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.calendar.holiday_names import WORKED_IN_EXCHANGE
from engine.calendar.store import clear_day, seed_calendar, set_day
from engine.calendar.working_time import HOURS_PER_WORKING_DAY, OfficeHours
from engine.commands._steps import not_permitted
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.models import Agency, CalendarDay, User

log = logging.getLogger("motcua.admin")

MAX_NAME = 255


def require_admin(session, actor_id: int) -> User:
    user = session.get(User, actor_id)
    if user is None or not user.is_active or not user.is_admin:
        raise not_permitted()
    return user


def _already_there(session, calendar_code: str, day: date, *, is_working: bool) -> None:
    """Refuse a day already in the calendar as that kind of day (a day off added again, under the
    same or another name): adding it again changed nothing but its name, and said it was added.
    Removing the day and adding it again renames it."""
    row = session.get(CalendarDay, (calendar_code, day))
    if row is not None and row.is_working == is_working and (row.name or is_working != (day.weekday() < 5)):
        kind = "ngày làm việc" if is_working else "ngày nghỉ"
        raise FormInvalid({"day": [f"Ngày {day.strftime('%d/%m/%Y')} đã có trong lịch là {kind} «{row.name}»."]})


def add_day_off(uow, *, actor_id: int, calendar_code: str, day: date, name: str) -> CalendarDay:
    """A day nobody works: a holiday the package lacks, or a closure the province decided. A day
    already in the calendar as a day off is refused (``_already_there``)."""
    name = (name or "").strip()
    if not name:
        raise FormInvalid({"name": ["Cần ghi tên ngày nghỉ."]})
    if len(name) > MAX_NAME:
        raise FormInvalid({"name": [f"Tối đa {MAX_NAME} ký tự."]})
    with uow:
        admin = require_admin(uow.session, actor_id)
        _already_there(uow.session, calendar_code, day, is_working=False)
        row = set_day(uow.session, calendar_code, day, is_working=False, name=name)
        uow.commit()
    log.info("calendar %s: %s is a day off (%s), by %s", calendar_code, day.isoformat(), name, admin.username)
    return row


def add_working_day(uow, *, actor_id: int, calendar_code: str, day: date, name: str = "") -> CalendarDay:
    """A Saturday or Sunday that is worked (the day the government swaps for a bridge holiday);
    one already marked worked is refused (``_already_there``)."""
    if day.weekday() < 5:
        raise FormInvalid({"day": ["Chỉ thứ Bảy hoặc Chủ nhật mới cần đánh dấu là ngày làm việc."]})
    name = (name or "").strip() or WORKED_IN_EXCHANGE[0]
    if len(name) > MAX_NAME:
        raise FormInvalid({"name": [f"Tối đa {MAX_NAME} ký tự."]})
    with uow:
        admin = require_admin(uow.session, actor_id)
        _already_there(uow.session, calendar_code, day, is_working=True)
        row = set_day(uow.session, calendar_code, day, is_working=True, name=name)
        uow.commit()
    log.info("calendar %s: %s is worked (%s), by %s", calendar_code, day.isoformat(), name, admin.username)
    return row


def remove_exception(uow, *, actor_id: int, calendar_code: str, day: date) -> None:
    """Back to the plain rule for that day (weekdays worked, weekends not). Remembered as the
    administrator's decision, so re-seeding from the package does not bring the exception back."""
    with uow:
        admin = require_admin(uow.session, actor_id)
        if uow.session.get(CalendarDay, (calendar_code, day)) is None:
            raise NotFound("Ngày này không có trong lịch.", "This day is not in the calendar.")
        clear_day(uow.session, calendar_code, day)
        uow.commit()
    log.info("calendar %s: exception on %s removed, by %s", calendar_code, day.isoformat(), admin.username)


def reseed(uow, *, actor_id: int, calendar_code: str) -> int:
    """Add the holidays package's days for the seeded years; an administrator's rows stay as set.
    Returns how many days were added."""
    with uow:
        admin = require_admin(uow.session, actor_id)
        try:
            added = seed_calendar(uow.session, calendar_code)
        except NotImplementedError:
            raise InvalidState(f"Gói holidays không có lịch nghỉ cho mã {calendar_code}.",
                               f"The holidays package has no calendar for code {calendar_code}.") from None
        uow.commit()
    log.info("calendar %s: re-seeded from the holidays package, %d days added, by %s",
             calendar_code, added, admin.username)
    return added


def set_office_hours(uow, *, actor_id: int, agency_id: int, office_hours: str, timezone: str) -> Agency:
    """An agency's office hours ("07:00-11:30,13:30-17:00") and time zone (an IANA name)."""
    problems = {}
    try:
        hours = OfficeHours.parse(office_hours or "")
    except ValueError:
        problems["office_hours"] = ["Giờ làm việc không hợp lệ. Ví dụ: 07:00-11:30,13:30-17:00 "
                                    "(các khoảng theo thứ tự, không chồng lên nhau)."]
    else:
        # Time limits count one working day as 8 office hours (and a working hour as an hour of
        # them): other hours would make "1 working day" and "8 working hours" two different ends.
        if hours.seconds_a_day != HOURS_PER_WORKING_DAY * 3600:
            problems["office_hours"] = ["Giờ làm việc trong ngày phải cộng lại đúng 8 giờ. "
                                        "Ví dụ: 07:00-11:30,13:30-17:00."]
    zone = (timezone or "").strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        problems["timezone"] = ["Múi giờ không hợp lệ. Ví dụ: Asia/Ho_Chi_Minh."]
    if problems:
        raise FormInvalid(problems)
    with uow:
        admin = require_admin(uow.session, actor_id)
        agency = uow.session.get(Agency, agency_id)
        if agency is None:
            raise NotFound("Không tìm thấy cơ quan.", "Agency not found.")
        before = (agency.office_hours, agency.timezone)
        agency.office_hours, agency.timezone = str(hours), zone
        uow.commit()
    log.info("agency %s: office hours %s %s → %s %s, by %s", agency.code, *before, agency.office_hours,
             agency.timezone, admin.username)
    return agency
