"""Working-time arithmetic: add working time to an instant, measure it between two instants.

One working day is 8 working hours inside office hours (docs/RULES.md). Instants are aware datetimes;
days are counted in the agency's time zone. A day is a working day unless it is listed as a day
off, or it is a Saturday/Sunday not listed as a working day (the Saturdays the government swaps).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

HOURS_PER_WORKING_DAY = 8
# Deadlines further than this are a modelling error, not a real procedure.
MAX_SPAN_DAYS = 3 * 366


# A time of day in office hours: 07:00 or 7:00; not seconds nor a UTC offset ("07:00+05:00" is a
# time no agency's day can be compared with), which time.fromisoformat would also take.
_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def _clock(text: str) -> time:
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a time of day: {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class OfficeHours:
    periods: tuple[tuple[time, time], ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        """``"07:00-11:30,13:30-17:00"`` → periods; raises ValueError on anything else."""
        periods = []
        for part in text.split(","):
            start, _, end = part.strip().partition("-")
            s, e = _clock(start), _clock(end)
            if s >= e or (periods and s < periods[-1][1]):
                raise ValueError(f"office hours out of order: {text!r}")
            periods.append((s, e))
        if not periods:
            raise ValueError("no office hours")
        return cls(tuple(periods))

    def __str__(self) -> str:
        return ",".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.periods)

    @property
    def seconds_a_day(self) -> int:
        """The office time of one working day: what one working day of a time limit counts."""
        return sum((_seconds(e) - _seconds(s) for s, e in self.periods), 0)


@dataclass(frozen=True)
class TimeLimit:
    """A legal time limit or a step's allotment, e.g. 3 working days, 4 working hours, 15 calendar days."""
    amount: Decimal
    unit: str  # working_days · working_hours · calendar_days

    def __str__(self) -> str:
        return f"{self.amount.normalize():f} {self.unit.replace('_', ' ')}"


# The amount with a decimal point or, as Vietnamese writes it, a decimal comma ("1,5").
_LIMIT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(\D.*?)\s*$")
# Each unit as a modeller may write it: English, or the Vietnamese of the legal texts ("5 ngày làm
# việc", "4 giờ làm việc", "15 ngày theo lịch"). Bare "ngày" is not taken: a law's "15 ngày" may
# mean either, and the modeller must say which.
_UNITS = {
    "working day": "working_days", "working days": "working_days",
    "working hour": "working_hours", "working hours": "working_hours",
    "calendar day": "calendar_days", "calendar days": "calendar_days",
    "ngày làm việc": "working_days", "giờ làm việc": "working_hours",
    "ngày theo lịch": "calendar_days", "ngày lịch": "calendar_days",
}


def parse_time_limit(text: str) -> TimeLimit:
    """A time limit in English ("1.5 working days") or Vietnamese ("1,5 ngày làm việc"); its
    ``str`` is always the English form, which is what the engine stores and shows elsewhere."""
    # NFC: a keyboard may send "ệ" as "e" and two combining marks, which no unit above matches.
    match = _LIMIT.match(unicodedata.normalize("NFC", text or ""))
    unit = _UNITS.get(" ".join(match.group(2).lower().split())) if match else None
    if unit is None:
        raise ValueError(f"not a time limit: {text!r} (write e.g. '3 working days', '4 working hours', "
                         "'15 calendar days', '0.5 working days')")
    return TimeLimit(Decimal(match.group(1).replace(",", ".")), unit)


class WorkingCalendar:
    def __init__(self, timezone: str = "Asia/Ho_Chi_Minh", *, days_off=(), working_days=(),
                 office_hours: OfficeHours | None = None):
        self.tz = ZoneInfo(timezone)
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)  # weekend days that are worked
        self.office_hours = office_hours or OfficeHours()
        self.day_length = self.office_hours.seconds_a_day

    # days -------------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        if day in self.days_off:
            return False
        return day in self.working_days or day.weekday() < 5

    def _periods(self, day: date):
        for s, e in self.office_hours.periods:
            yield datetime.combine(day, s, self.tz), datetime.combine(day, e, self.tz)

    def next_working_day(self, day: date) -> date:
        for _ in range(MAX_SPAN_DAYS):
            day += timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within three years")

    def close_of(self, day: date) -> datetime:
        return datetime.combine(day, self.office_hours.periods[-1][1], self.tz)

    # arithmetic -------------------------------------------------------------------------------
    def add(self, instant: datetime, working_time: timedelta) -> datetime:
        """The instant when ``working_time`` of office time has passed after ``instant``.

        Time outside office hours does not count: reception after closing starts the next working
        morning; a duration that exactly fills a day ends at its close, not the next morning.
        """
        if instant.tzinfo is None:
            raise ValueError("naive datetime")
        if working_time < timedelta(0):
            raise ValueError("negative working time")
        remaining = working_time
        current = instant.astimezone(self.tz)
        day = current.date()
        for _ in range(MAX_SPAN_DAYS):
            if self.is_working_day(day):
                for start, end in self._periods(day):
                    start = max(start, current)
                    if start >= end:
                        continue
                    if remaining <= end - start:
                        return start + remaining
                    remaining -= end - start
            day += timedelta(days=1)
            current = datetime.combine(day, time(0), self.tz)
        raise ValueError("working time too long (over three years)")

    def subtract(self, instant: datetime, working_time: timedelta) -> datetime:
        """The instant ``working_time`` of office time before ``instant`` (mirror of ``add``)."""
        if instant.tzinfo is None:
            raise ValueError("naive datetime")
        remaining = working_time
        current = instant.astimezone(self.tz)
        day = current.date()
        for _ in range(MAX_SPAN_DAYS):
            if self.is_working_day(day):
                for start, end in reversed(list(self._periods(day))):
                    end = min(end, current)
                    if end <= start:
                        continue
                    if remaining <= end - start:
                        return end - remaining
                    remaining -= end - start
            day -= timedelta(days=1)
            current = datetime.combine(day, time(23, 59, 59, 999999), self.tz)
        raise ValueError("working time too long (over three years)")

    def add_working_days(self, instant: datetime, days) -> datetime:
        return self.add(instant, timedelta(seconds=float(Decimal(str(days)) * self.day_length)))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time between two instants (negative if ``end`` is before ``start``)."""
        if end < start:
            return -self.working_time_between(end, start)
        total = timedelta(0)
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for p_start, p_end in self._periods(day):
                    lo, hi = max(p_start, start), min(p_end, end)
                    if hi > lo:
                        total += hi - lo
            day += timedelta(days=1)
        return total

    def working_days_between(self, start: datetime, end: datetime) -> Decimal:
        seconds = Decimal(self.working_time_between(start, end).total_seconds())
        return seconds / Decimal(self.day_length)

    def deadline(self, start: datetime, limit: TimeLimit) -> datetime:
        """When a time limit counted from ``start`` runs out; never on a non-working day."""
        if limit.unit == "working_days":
            return self.add_working_days(start, limit.amount)
        if limit.unit == "working_hours":
            return self.add(start, timedelta(seconds=float(limit.amount * 3600)))
        # Calendar days: a limit ending on a day off runs to the close of the next working day.
        local = start.astimezone(self.tz)
        day = (local + timedelta(days=float(limit.amount))).date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        return self.close_of(day)


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second
