"""Punctuality statistics: early, on time and late for finished dossiers, within time and
overdue for open ones (docs/DOMAIN.md, "Early / on time / late").

Judged against the **original** due date: an apology moves ``due_at`` (what the citizen is
told), never ``original_due_at`` (what the agency is judged on). Judged by days in the receiving
agency's time zone, as the rule is written: a dossier that ended before its due date's day is
early, on that day on time, after it late; an open dossier is overdue once its due date's day
has passed. End of processing is ``finished_at`` (set when the dossier reached a terminal status).
Dossiers without a due date (not received, no time limit) are counted apart.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from engine import clock
from engine.models import Agency, Dossier
from engine.statuses import TERMINAL

EARLY, ON_TIME, LATE = "early", "on_time", "late"
WITHIN_TIME, OVERDUE = "within_time", "overdue"


@dataclass(frozen=True)
class Punctuality:
    early: int = 0
    on_time: int = 0
    late: int = 0
    within_time: int = 0
    overdue: int = 0
    without_due_date: int = 0

    @property
    def finished(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def open(self) -> int:
        return self.within_time + self.overdue

    @property
    def judged(self) -> int:
        return self.finished + self.open

    @property
    def on_time_share(self) -> float | None:
        """Index 2.1: (finished early or on time + open and not yet due) / dossiers judged."""
        if not self.judged:
            return None
        return (self.early + self.on_time + self.within_time) / self.judged


def _day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def judge(*, status: int, finished_at: datetime | None, original_due_at: datetime | None,
          timezone: str, now: datetime) -> str | None:
    """One dossier's verdict, or None when it has no due date to be judged against."""
    if original_due_at is None:
        return None
    zone = ZoneInfo(timezone)
    due_day = _day(original_due_at, zone)
    if status in TERMINAL and finished_at is not None:
        end_day = _day(finished_at, zone)
        return EARLY if end_day < due_day else ON_TIME if end_day == due_day else LATE
    return WITHIN_TIME if _day(now, zone) <= due_day else OVERDUE


def punctuality(session, *, agency_ids: Iterable[int] | None = None, received_from: datetime | None = None,
                received_before: datetime | None = None, now: datetime | None = None) -> Punctuality:
    """Counts over the dossiers received in ``[received_from, received_before)`` by the given
    agencies (all when None). Newly registered (online, not yet received) dossiers are not
    counted: their clock has not started."""
    now = now or clock.now()
    stmt = (select(Dossier.status, Dossier.finished_at, func.coalesce(Dossier.original_due_at, Dossier.due_at),
                   Agency.timezone)
            .join(Agency, Agency.id == Dossier.agency_id)
            .where(Dossier.status != 1))
    if agency_ids is not None:
        stmt = stmt.where(Dossier.agency_id.in_(list(agency_ids)))
    if received_from is not None:
        stmt = stmt.where(Dossier.received_at >= received_from)
    if received_before is not None:
        stmt = stmt.where(Dossier.received_at < received_before)
    counts = {EARLY: 0, ON_TIME: 0, LATE: 0, WITHIN_TIME: 0, OVERDUE: 0, None: 0}
    for status, finished_at, due_at, timezone in session.execute(stmt):
        counts[judge(status=status, finished_at=finished_at, original_due_at=due_at, timezone=timezone,
                     now=now)] += 1
    return Punctuality(early=counts[EARLY], on_time=counts[ON_TIME], late=counts[LATE],
                       within_time=counts[WITHIN_TIME], overdue=counts[OVERDUE], without_due_date=counts[None])
