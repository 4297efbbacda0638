"""The system's state at a glance: what waits to go out and what gave up, per outbox; open and
overdue work; open escalations; the scheduler's last tick. The administrator's start page
(/admin/) shows it, and Prometheus reads the same counts (engine/metrics.py), so both say the
same thing. Every count goes through an index on the waiting or given-up rows (the SMS outbox's
given-up rows excepted: it has no such index, and is small).

An outbox is one line in ``OUTBOXES``: its table, what "waiting to be sent" and "given up" mean
there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, text

from engine import clock
from engine.commands.calendar_admin import require_admin
from engine.models import SchedulerTick, WorkItem
from engine.queries import portal as portal_queries
from engine.queries.escalations import open_count

# A scheduler ticks every minute (engine/scheduler/runner.py): five missed ticks is a stopped one.
SCHEDULER_LATE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Outbox:
    name: str
    table: str
    pending: str  # SQL condition: waiting for (another) delivery attempt
    dead: str  # SQL condition: given up, waiting for an administrator
    created: str = "created_at"


OUTBOXES = (
    Outbox("partner", "partner_outbox", "next_attempt_at IS NOT NULL", "dead_at IS NOT NULL"),
    Outbox("partner_inbox", "partner_inbox", "next_attempt_at IS NOT NULL AND delivered_at IS NULL", "1 = 0",
           created="received_at"),
    Outbox("portal", "portal_outbox", "next_attempt_at IS NOT NULL", "dead_at IS NOT NULL"),
    # Given up: ``failed_at``, what the administrators' list of undelivered mail reads (queries/mail.py).
    Outbox("mail", "mail_outbox", "next_attempt_at IS NOT NULL", "failed_at IS NOT NULL"),
    Outbox("sms", "sms_outbox", "next_attempt_at IS NOT NULL", "next_attempt_at IS NULL AND sent_at IS NULL"),
)


@dataclass(frozen=True)
class Backlog:
    waiting: int
    dead: int
    oldest_waiting_at: datetime | None


@dataclass(frozen=True)
class SchedulerState:
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_failed_at: datetime | None
    last_error: str | None
    # No tick finished for SCHEDULER_LATE_AFTER (or ever), or the last one failed.
    in_trouble: bool


@dataclass(frozen=True)
class SystemState:
    partner: Backlog
    portal: portal_queries.PortalBacklog
    mail: Backlog
    sms: Backlog
    open_escalations: int
    open_work: int
    overdue_work: int
    scheduler: SchedulerState

    @property
    def problems(self) -> int:
        """How many of the lines call for someone (the start page's summary)."""
        return sum(1 for bad in (self.partner.dead, self.portal.dead, self.mail.dead, self.sms.dead,
                                 self.open_escalations, self.overdue_work, self.scheduler.in_trouble) if bad)


def outbox_backlogs(session) -> dict[str, Backlog]:
    """Every outbox's waiting and given-up messages (an outbox whose table is not there yet, in a
    database still being upgraded, is left out)."""
    bind = session.get_bind()
    found = {}
    for box in OUTBOXES:
        if not bind.dialect.has_table(session.connection(), box.table):
            continue
        waiting, dead, oldest = session.execute(text(
            f"SELECT (SELECT count(*) FROM {box.table} WHERE {box.pending}), "
            f"(SELECT count(*) FROM {box.table} WHERE {box.dead}), "
            f"(SELECT min({box.created}) FROM {box.table} WHERE {box.pending})")).one()
        found[box.name] = Backlog(waiting, dead, _aware(oldest))
    return found


def work_counts(session, now: datetime) -> tuple[int, int]:
    """Open human steps, and how many of them are past their due time."""
    overdue = func.coalesce(func.sum(case((WorkItem.due_at < now, 1), else_=0)), 0)
    return tuple(session.execute(select(func.count(), overdue).where(WorkItem.state == "open")).one())


def open_escalation_count(session) -> int:
    """Escalations, in every agency, whose cause is still there (what supervisors see on /supervise)."""
    return open_count(session)


def system_state(session, actor_id: int) -> SystemState:
    require_admin(session, actor_id)
    now = clock.now()
    boxes = outbox_backlogs(session)
    empty = Backlog(0, 0, None)
    open_work, overdue = work_counts(session, now)
    return SystemState(
        partner=boxes.get("partner", empty), portal=portal_queries.backlog(session, actor_id),
        mail=boxes.get("mail", empty), sms=boxes.get("sms", empty),
        open_escalations=open_escalation_count(session), open_work=open_work, overdue_work=overdue,
        scheduler=scheduler_state(session, now))


def scheduler_state(session, now: datetime) -> SchedulerState:
    tick = session.get(SchedulerTick, "scheduler")
    if tick is None:
        return SchedulerState(None, None, None, None, True)
    finished = tick.last_finished_at
    failed_last = tick.last_failed_at is not None and (finished is None or tick.last_failed_at > finished)
    late = finished is None or now - finished > SCHEDULER_LATE_AFTER
    return SchedulerState(tick.last_started_at, finished, tick.last_failed_at if failed_last else None,
                          tick.last_error if failed_last else None, late or failed_last)


def _aware(value):
    """SQLite hands timestamps of a text query back as text."""
    if value is None or isinstance(value, datetime):
        return value
    from datetime import timezone
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
