"""How pressing an open step is, for marking inbox rows: overdue, due soon, or neither.

"Due soon" means the working time left is at most a quarter of the step's allotment (the same
share the escalation sweep warns at), or one working day for a step with a due time but no
allotment. Measured on the calendar of the step's agency, so a weekend or a holiday in between
does not make a step look urgent on Friday evening.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from engine import clock
from engine.calendar import parse_time_limit
from engine.calendar.store import calendar_for
from engine.deadlines import DEFAULT_WARN_SHARE
from engine.models import Agency, WorkItem

OVERDUE, DUE_SOON = "overdue", "due_soon"


def _allotted(calendar, text: str) -> timedelta | None:
    try:
        limit = parse_time_limit(text)
    except ValueError:
        return None
    if limit.unit == "working_days":
        return timedelta(seconds=float(limit.amount) * calendar.day_length)
    if limit.unit == "working_hours":
        return timedelta(hours=float(limit.amount))
    return None  # calendar days: no working-time share to speak of


def urgency(session, work_item_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, str]:
    """``{work_item_id: "overdue" | "due_soon"}`` for the open items among ``work_item_ids`` that are."""
    now = now or clock.now()
    ids = list(work_item_ids)
    if not ids:
        return {}
    rows = session.execute(select(WorkItem.id, WorkItem.agency_id, WorkItem.due_at, WorkItem.allotment)
                           .where(WorkItem.id.in_(ids), WorkItem.state == "open",
                                  WorkItem.due_at.is_not(None))).all()
    calendars, marks = {}, {}
    for item_id, agency_id, due_at, allotment in rows:
        if due_at <= now:
            marks[item_id] = OVERDUE
            continue
        if agency_id not in calendars:
            calendars[agency_id] = calendar_for(session, session.get(Agency, agency_id))
        calendar = calendars[agency_id]
        allotted = _allotted(calendar, allotment) if allotment else None
        window = allotted * DEFAULT_WARN_SHARE if allotted else timedelta(seconds=calendar.day_length)
        if calendar.working_time_between(now, due_at) <= window:
            marks[item_id] = DUE_SOON
    return marks
