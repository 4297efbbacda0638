"""Days and times of day as people type and read them: dd/mm/yyyy and 24-hour hh:mm, in Vietnamese
and in English alike.

A browser's own date and time inputs show the browser's language (mm/dd/yyyy and 05:00 PM in an
American English browser), so a day that reads 03/04 could be either month: motcua's day and time
fields are text fields that always read dd/mm/yyyy and hh:mm (the ``day_input`` macro of
templates/_fields.html). What a page sends back is read here; yyyy-mm-dd (links, bookmarks,
scripts) is accepted too. Stored values and the engine keep yyyy-mm-dd.
"""
from __future__ import annotations

import re
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# d/m/yyyy with "/", "-" or "." between, as people also write it; ASCII digits only.
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
# 17:00, 7:05, and 17h00 / 17h as Vietnamese also write it.
_CLOCK = re.compile(r"([0-9]{1,2})(?::([0-9]{2})|[hH]([0-9]{2})?)")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# The engine says the same of a form's date field (engine/procedures/forms.py).
DAY_INVALID = _l("Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy, ví dụ 02/09/2026.")
# The years a day typed in a period or a calendar may fall in: the calendar pages show these, and a
# day of the year 1 or 9999 is beyond what a moment in the agency's zone can be (a server error).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_out_of_range() -> str:
    return _("Năm phải từ %(first)d đến %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)


# What a day or time field holds at most (its maxlength): 10 characters, with room for spaces.
MAX_LENGTH = 12


def read_day(text) -> date | None:
    """The day written in ``text`` (dd/mm/yyyy or yyyy-mm-dd), or None when it names no day."""
    text = str(text if text is not None else "").strip()
    if len(text) > MAX_LENGTH:
        return None
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def day_text(value) -> str:
    """A day as its field shows it (dd/mm/yyyy); text that names no day is shown as it is, so what
    someone typed wrong stays in the field for them to correct."""
    if isinstance(value, date):
        return _dd_mm_yyyy(value)
    day = read_day(value) if isinstance(value, str) else None
    if day is None:
        return "" if value is None else str(value)
    return _dd_mm_yyyy(day)


def _dd_mm_yyyy(day: date) -> str:
    # Not strftime: its %Y writes the year 0026 (a slip of the keyboard) as "26".
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def iso_day(text: str) -> str:
    """A typed day as the engine stores it (yyyy-mm-dd); text that names no day is passed on as it
    is, for the engine's validation to name the field."""
    day = read_day(text)
    return day.isoformat() if day else text


def read_time(text) -> time | None:
    """The time of day written in ``text`` (17:00, 17h00, 17h), or None when it names none."""
    text = str(text if text is not None else "").strip()
    match = _CLOCK.fullmatch(text) if len(text) <= MAX_LENGTH else None
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or match.group(3) or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None
