"""How pressing an open step is, for marking inbox rows: overdue, due soon, or neither.

The scheduler's rule, as the inbox's tabs (engine/queries/inbox.py): due soon from the step's
warning moment (``warn_at``, set with its due time by engine/deadlines.py: ``warnBefore``, or a
quarter of the allotment left, in working time on the agency's calendar), overdue from its due
time on. A step without a due time is neither.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from engine import clock
from engine.models import WorkItem

OVERDUE, DUE_SOON = "overdue", "due_soon"


def step_mark(due_at: datetime | None, warn_at: datetime | None, now: datetime) -> str | None:
    if due_at is None:
        return None
    if due_at <= now:
        return OVERDUE
    if warn_at is not None and warn_at <= now:
        return DUE_SOON
    return None


def urgency(session, work_item_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, str]:
    """``{work_item_id: "overdue" | "due_soon"}`` for the open items among ``work_item_ids`` that are."""
    now = now or clock.now()
    ids = list(work_item_ids)
    if not ids:
        return {}
    rows = session.execute(select(WorkItem.id, WorkItem.due_at, WorkItem.warn_at)
                           .where(WorkItem.id.in_(ids), WorkItem.state == "open")).all()
    marks = {item_id: step_mark(due_at, warn_at, now) for item_id, due_at, warn_at in rows}
    return {item_id: mark for item_id, mark in marks.items() if mark}
