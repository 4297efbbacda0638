"""The BPMN timers a workflow waits for, read from ``workflow.waiting_events()``.

The library computes each timer's due moment when the timer starts waiting and keeps it as the
event's ``value`` (docs/SPIFFWORKFLOW.md §6): an ISO string for date and duration timers, the next
occurrence for a cycle. The host stores the earliest in ``Dossier.next_timer_at``, so the
scheduler finds due dossiers through an index instead of loading every workflow.
"""
from __future__ import annotations

from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

TIMER_EVENTS = {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}


def timer_due(event) -> datetime | None:
    """The due moment of a waiting event, in UTC, or None if it is not a timer with a due time."""
    if event.event_type not in TIMER_EVENTS or not isinstance(event.value, str):
        return None
    try:
        due = TimerEventDefinition.parse_time_or_duration(event.value)  # naive: server offset, as the library
    except (ValueError, TypeError, AttributeError):
        return None
    if not isinstance(due, datetime):  # an ISO duration: the library resolves it itself
        return None
    # A plain datetime, not the library module's clock-aware subclass (it goes into the database).
    due = due.astimezone(timezone.utc)
    return datetime.combine(due.date(), due.time(), timezone.utc)


def waiting_timers(workflow) -> list[tuple[str, datetime]]:
    """(name, due) of every timer the workflow waits for."""
    timers = []
    for event in workflow.waiting_events():
        due = timer_due(event)
        if due is not None:
            timers.append((event.name or "", due))
    return timers


def next_timer_at(workflow) -> datetime | None:
    """The earliest due moment of the workflow's timers; None when it waits for none."""
    return min((due for _name, due in waiting_timers(workflow)), default=None)
