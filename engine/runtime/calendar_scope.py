"""Which working calendar a BPMN expression counts on: the one of the dossier being processed.

Scripts and timer expressions run inside SpiffWorkflow, which hands them task data and nothing
else, and the one script engine is shared by every workflow. So the dossier a command works on
is bound here (a context variable: per thread, per request) while its workflow steps, and the
helpers ask for its calendar. The calendar is read from the database only when
a helper is actually called, so commands on procedures without working-time expressions pay
nothing. Outside any command (a workflow run by hand, a test of the sandbox), the national
calendar of the ``holidays`` package is used with default office hours.
"""
from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache

from engine import clock
from engine.calendar.working_time import WorkingCalendar, parse_time_limit


class _Binding:
    __slots__ = ("dossier", "_calendar")

    def __init__(self, dossier):
        self.dossier = dossier
        self._calendar = None

    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            from sqlalchemy.orm import object_session

            from engine.calendar.store import calendar_for
            session = object_session(self.dossier)
            self._calendar = calendar_for(session, self.dossier.agency) if session is not None else national_calendar()
        return self._calendar


_current: ContextVar[_Binding | None] = ContextVar("motcua_dossier_calendar", default=None)


class bound:
    """``with bound(dossier):`` expressions evaluated inside count on this dossier's calendar.
    (A class rather than a generator-based context manager: it wraps every command's step.)"""
    __slots__ = ("_dossier", "_token")

    def __init__(self, dossier):
        self._dossier = dossier

    def __enter__(self):
        self._token = _current.set(_Binding(self._dossier))

    def __exit__(self, *exc_info):
        _current.reset(self._token)


def current_calendar() -> WorkingCalendar:
    binding = _current.get()
    return binding.calendar() if binding is not None else national_calendar()


@lru_cache(maxsize=1)
def national_calendar() -> WorkingCalendar:
    import holidays
    from engine.calendar.store import SEED_YEARS
    source = holidays.country_holidays("VN", years=SEED_YEARS, language="vi")
    return WorkingCalendar(days_off=list(source), working_days=list(getattr(source, "weekend_workdays", ())))


def working_deadline(start=None, limit: str = "1 working days") -> str:
    """When ``limit`` ("2 working days", "4 working hours", "15 calendar days") counted from
    ``start`` runs out on the dossier's calendar, as an offset-aware ISO string: what a BPMN
    ``timeDate`` expects. ``start``: an aware ISO string or datetime; None means now (the
    moment the timer starts waiting)."""
    if start is None or start == "":
        instant = clock.now()
    elif isinstance(start, datetime):
        instant = start
    else:
        instant = datetime.fromisoformat(str(start))
    if instant.tzinfo is None:
        raise ValueError("working_deadline needs a start with its UTC offset, e.g. 2026-11-23T09:00:00+07:00")
    calendar = current_calendar()
    return calendar.deadline(instant, parse_time_limit(limit)).isoformat()
