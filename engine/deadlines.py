"""Due dates: a dossier's from the procedure's legal time limit, a step's from its allotment.

Declared in the BPMN (docs/MODELLING.md): ``timeLimit`` on the process (or collaboration),
``allotment`` and optionally ``warnBefore`` on each human task. Times are computed on the
calendar of the agency that does the work.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from engine.calendar import WorkingCalendar, parse_time_limit
from engine.calendar.store import calendar_for
from engine.models import Agency
from engine.procedures.metadata import NO_TIME_LIMIT

DEFAULT_WARN_SHARE = 0.25  # warn when a quarter of the step's allotment is left


def set_dossier_due(session, dossier, manifest: dict, received_at: datetime) -> None:
    text = (manifest["properties"].get("timeLimit") or "").strip()
    if not text or text == NO_TIME_LIMIT:  # the law sets no limit: no due date, nothing escalates
        return
    calendar = calendar_for(session, dossier.agency)
    dossier.due_at = dossier.original_due_at = calendar.deadline(received_at, parse_time_limit(text))
    dossier.apology_check_at = apology_check(calendar, dossier.due_at)


def apology_check(calendar: WorkingCalendar, due_at: datetime) -> datetime:
    """One working day before the due date: the last moment to issue an apology (docs/RULES.md)."""
    return calendar.subtract(due_at, timedelta(seconds=calendar.day_length))


def set_step_due(session, item, step: dict, created_at: datetime) -> None:
    props = step["properties"]
    text = props.get("allotment")
    if not text:
        return
    calendar = calendar_for(session, session.get(Agency, item.agency_id))
    limit = parse_time_limit(text)
    item.allotment = str(limit)
    item.due_at = calendar.deadline(created_at, limit)
    item.warn_at = item.next_escalation_at = warning_time(calendar, created_at, item.due_at, props.get("warnBefore"))


def warning_time(calendar: WorkingCalendar, start: datetime, due_at: datetime, warn_before: str | None) -> datetime:
    """When to warn the holder: ``warnBefore`` ("25%" or a time limit), default a quarter left."""
    if warn_before and warn_before.strip().endswith("%"):
        share = float(warn_before.strip()[:-1]) / 100
    elif warn_before:
        limit = parse_time_limit(warn_before)
        seconds = float(limit.amount) * (calendar.day_length if limit.unit == "working_days" else 3600)
        return calendar.subtract(due_at, timedelta(seconds=seconds))
    else:
        share = DEFAULT_WARN_SHARE
    allotted = calendar.working_time_between(start, due_at)
    return calendar.subtract(due_at, allotted * share)


# Statuses during which the dossier's clock does not run (docs/RULES.md §5, §6).
WAITING_FOR_SUPPLEMENT = 5
WAITING_FOR_PAYMENT = 6
PAUSED = {WAITING_FOR_SUPPLEMENT, WAITING_FOR_PAYMENT}


def track_clock(session, dossier, manifest: dict, status_before: int, now: datetime) -> None:
    """Stop the dossier's clock while it waits for the citizen, and set the new due date after.

    A supplement restarts the time limit from zero when the complete supplement arrives (the
    legal rule, the default), or only pauses it where the procedure says ``supplementClock`` =
    ``pause``. Waiting for a financial obligation is never counted: a pause. Either way the new
    date is the legal one, so ``original_due_at`` follows it (unless an apology already fixed it).
    """
    before, after = status_before, dossier.status
    if before not in PAUSED and after in PAUSED:
        dossier.clock_paused_at = now
        dossier.apology_check_at = None
        if after == WAITING_FOR_SUPPLEMENT:
            dossier.supplement_count = (dossier.supplement_count or 0) + 1
        return
    if before not in PAUSED or after in PAUSED or dossier.clock_paused_at is None or dossier.due_at is None:
        return
    calendar = calendar_for(session, dossier.agency)
    restart = before == WAITING_FOR_SUPPLEMENT and manifest["properties"].get("supplementClock", "restart") != "pause"
    if restart:
        new_due = calendar.deadline(now, parse_time_limit(manifest["properties"]["timeLimit"]))
    else:
        left = calendar.working_time_between(dossier.clock_paused_at, dossier.due_at)
        new_due = calendar.add(now, max(left, timedelta(0)))
    dossier.due_at = new_due
    if not dossier.apology_issued_at:
        dossier.original_due_at = new_due
    dossier.apology_check_at = None if dossier.apology_issued_at else apology_check(calendar, dossier.due_at)
    dossier.clock_paused_at = None
