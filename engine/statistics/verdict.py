"""One dossier's class, by the rules of docs/RULES.md ("Early, on time, late").

- **In time** when processing ended at or before the due *instant*; among those, **early** when it
  ended on a day before the due date's day (in the receiving agency's time zone), **on time** when
  on that day. After the due instant: **late**. The same rule judges a hand-over on the control
  slip (``timeliness``), so the slip, the dossier page and the statistics never disagree.
- The end of processing is ``finished_at``: the first moment the result was ready (9), else
  returned (10), else refused, withdrawn or stopped (engine/commands/_steps.py). Collecting the
  result later changes nothing.
- Judged against the **original** due date: an apology moves ``due_at`` (what the citizen is
  told), never ``original_due_at``. A wait for the citizen (supplement, payment) moves both.
- A dossier asked for a supplement more than once counts as late.
- Withdrawn (7), stopped (8) and refused (3) dossiers are counted apart, never as early.
- An open dossier is **within time** until its due instant, **overdue** after. While it waits
  for the citizen (5: supplement, 6: financial obligation) its clock does not run: it is counted
  apart as waiting. Its current status is all we know, so "waiting" is only used when judging
  as of now; for a past moment the due date decides.
- A dossier without a due date (the law sets no time limit) is counted apart.

A finished dossier's class does not change with time: ``outcome_of`` computes it when processing
ends (and on any later status change), and ``dossiers.outcome`` keeps it, so a period's figures
are counted by the database (``class_expression``) over millions of dossiers. The expression is
this module's rule in SQL; tests/test_statistics_figures.py checks that both agree on every case.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case

from engine.models import Dossier
from engine.statuses import DossierStatus

EARLY, ON_TIME, LATE = "early", "on_time", "late"
WITHIN_TIME, OVERDUE = "within_time", "overdue"
WITHDRAWN, STOPPED, REFUSED = "withdrawn", "stopped", "refused"
SUPPLEMENT_PENDING, WAITING_OBLIGATION = "supplement_pending", "waiting_obligation"
NO_TIME_LIMIT = "no_time_limit"

FINISHED = (EARLY, ON_TIME, LATE)
OPEN = (WITHIN_TIME, OVERDUE, SUPPLEMENT_PENDING, WAITING_OBLIGATION)
ENDED_APART = (WITHDRAWN, STOPPED, REFUSED)
# Every class, in the order a report shows them. Each judged dossier is in exactly one.
CLASSES = FINISHED + ENDED_APART + OPEN + (NO_TIME_LIMIT,)

_ENDED_APART = {int(DossierStatus.WITHDRAWN): WITHDRAWN, int(DossierStatus.STOPPED): STOPPED,
                int(DossierStatus.NOT_RECEIVED): REFUSED}
_WAITING = {int(DossierStatus.WAITING_FOR_SUPPLEMENT): SUPPLEMENT_PENDING,
            int(DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION): WAITING_OBLIGATION}


def timeliness(ended_at: datetime, due_at: datetime, zone: ZoneInfo | str) -> str:
    """Early, on time or late: something that ended at ``ended_at`` and was due at ``due_at``."""
    if ended_at > due_at:
        return LATE
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    return EARLY if ended_at.astimezone(zone).date() < due_at.astimezone(zone).date() else ON_TIME


def verdict(*, status: int, finished_at: datetime | None, original_due_at: datetime | None,
            supplement_count: int, timezone: str, at: datetime, current: bool = True) -> str | None:
    """The class of a dossier as of the instant ``at`` (None: not judged, i.e. newly registered
    and not received yet). ``current``: ``at`` is now, so the current status tells whether an
    open dossier waits for the citizen."""
    if status == DossierStatus.NEWLY_REGISTERED:
        return None
    if finished_at is not None and finished_at <= at:
        if status in _ENDED_APART:
            return _ENDED_APART[status]
        if original_due_at is None:
            return NO_TIME_LIMIT
        if supplement_count > 1:
            return LATE
        return timeliness(finished_at, original_due_at, timezone)
    if current and status in _WAITING:
        return _WAITING[status]
    if original_due_at is None:
        return NO_TIME_LIMIT
    return OVERDUE if at > original_due_at else WITHIN_TIME


def outcome_of(dossier, timezone: str) -> str | None:
    """The class of a dossier whose processing has ended (None while it has not)."""
    if dossier.finished_at is None:
        return None
    return verdict(status=dossier.status, finished_at=dossier.finished_at, original_due_at=dossier.original_due_at,
                   supplement_count=dossier.supplement_count or 0, timezone=timezone, at=dossier.finished_at)


def class_expression(at: datetime, current: bool):
    """``verdict`` as SQL over ``dossiers`` (newly registered dossiers must be filtered out):
    the kept outcome once processing has ended by ``at``, otherwise the open classes
    (``figures.figures_by_month`` spreads the same rule over months)."""
    whens = [(and_(Dossier.finished_at.is_not(None), Dossier.finished_at <= at), Dossier.outcome)]
    if current:
        whens += [(Dossier.status == status, klass) for status, klass in _WAITING.items()]
    whens += [(Dossier.original_due_at.is_(None), NO_TIME_LIMIT), (Dossier.original_due_at < at, OVERDUE)]
    return case(*whens, else_=WITHIN_TIME)
