"""The built-in list's names of its days in English, for English pages.

The database keeps each seeded day under the Vietnamese name it was seeded with, and an
administrator may rename a day; so a day reads in English only while it is still the package's own
day under the package's own name. The package writes a substituted day's date as mm/dd/yyyy in
English ("Day off (substituted from 08/22/2026)"); ours are dd/mm/yyyy."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import holidays

# What the seed names a weekend day worked in exchange for a day off (engine/calendar/store.py).
WORKED_IN_EXCHANGE = ("Ngày làm việc bù", "Make-up working day")
_MONTH_FIRST = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


@lru_cache(maxsize=64)
def english_names(calendar_code: str, year: int) -> dict[date, tuple[str, str]]:
    """The package's (Vietnamese, English) name of each of its days of the year; empty for a
    calendar the package does not know."""
    try:
        vietnamese = holidays.country_holidays(calendar_code, years=year, language="vi")
        english = holidays.country_holidays(calendar_code, years=year, language="en_US")
    except (NotImplementedError, KeyError, ValueError):
        return {}
    names = {day: (name, _MONTH_FIRST.sub(r"\2/\1/\3", english[day]))
             for day, name in vietnamese.items() if english.get(day)}
    for day in getattr(vietnamese, "weekend_workdays", ()):
        if day.year == year:
            names[day] = WORKED_IN_EXCHANGE
    return names


def english_name(calendar_code: str, day: date, name: str, *, seeded: bool) -> str:
    """The day's English name when ``name`` is ours (the package's own for a ``seeded`` day, or the
    name a worked weekend day gets when the administrator gives none), else ""."""
    if name == WORKED_IN_EXCHANGE[0]:
        return WORKED_IN_EXCHANGE[1]
    if not seeded:
        return ""
    vietnamese, english = english_names(calendar_code, day.year).get(day, ("", ""))
    return english if name and name == vietnamese else ""
