"""The supervisor's view: open escalations of the agencies they supervise, most urgent first.

An escalation stays on the list while its cause does: the step is still open (a warning
disappears once the same step is overdue: the overdue row says more), or, for a dossier that
will be late, the dossier is still open and has no apology yet. Acknowledged rows stay, below
the unacknowledged ones, until the cause goes away.

Order: unacknowledged first; overdue and will-be-late before warnings; then the latest first,
"how late" measured in working time on the agency's calendar (negative: time still left).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from engine import clock
from engine.calendar.store import calendar_for
from engine.commands._steps import SUPERVISOR
from engine.models import Agency, Dossier, Escalation, Membership, Procedure, ProcedureVersion, User, WorkItem
from engine.queries.paging import PER_PAGE, Page, counted_page
from engine.statuses import TERMINAL

LIMIT = 200
SEVERE = ("overdue", "will_be_late")


@dataclass(frozen=True)
class EscalationRow:
    id: int
    level: str
    dossier_id: int
    dossier_code: str
    procedure_name: str
    applicant_name: str
    agency_id: int
    agency_name: str
    work_item_id: int | None
    step_name: str | None
    holder_name: str | None
    # The current due time: the step's, or for a will-be-late dossier the dossier's.
    due_at: datetime
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by_name: str | None
    # Working time past the due time on the agency's calendar; negative while time is left.
    late_by: timedelta

    @property
    def is_late(self) -> bool:
        return self.late_by > timedelta(0)


def supervised_agencies(session, user_id: int) -> list[int]:
    return list(session.execute(select(Membership.agency_id).where(
        Membership.user_id == user_id, Membership.role == SUPERVISOR).order_by(Membership.agency_id)).scalars())


def still_open():
    """SQL: the escalation's cause is still there."""
    later = aliased(Escalation)
    step_open = and_(Escalation.work_item_id.is_not(None), WorkItem.state == "open",
                     or_(Escalation.level != "warning",
                         ~exists().where(later.work_item_id == Escalation.work_item_id, later.level == "overdue")))
    dossier_open = and_(Escalation.work_item_id.is_(None), Dossier.apology_issued_at.is_(None))
    return and_(Dossier.status.not_in([int(s) for s in TERMINAL]), Dossier.failure.is_(None),
                or_(step_open, dossier_open))


def open_count(session, agency_ids: list[int] | None = None) -> int:
    """How many escalations of the agencies (all when None) are still open."""
    stmt = select(func.count()).select_from(Escalation).join(Escalation.dossier).outerjoin(Escalation.work_item) \
        .where(still_open())
    if agency_ids is not None:
        stmt = stmt.where(Escalation.agency_id.in_(agency_ids))
    return session.scalar(stmt)


def escalations_page(session, user_id: int, *, page: int = 1, per_page: int = PER_PAGE,
                     now: datetime | None = None) -> Page[EscalationRow]:
    """One page of ``open_escalations`` and how many there are. The database orders and cuts the
    pages: unacknowledged first, then severe, then earliest due (the longest late), so page 2
    continues page 1."""
    agencies = supervised_agencies(session, user_id)
    return counted_page(open_count(session, agencies) if agencies else 0,
                        lambda offset, limit: open_escalations(session, user_id, now=now, offset=offset, limit=limit),
                        page, per_page)


def open_escalations(session, user_id: int, *, now: datetime | None = None, offset: int = 0,
                     limit: int = LIMIT) -> list[EscalationRow]:
    now = now or clock.now()
    agencies = supervised_agencies(session, user_id)
    if not agencies:
        return []
    holder, acknowledger = aliased(User), aliased(User)
    severity = case((Escalation.level.in_(SEVERE), 0), else_=1)
    due = case((Escalation.work_item_id.is_(None), Dossier.due_at), else_=WorkItem.due_at)
    rows = session.execute(
        select(Escalation.id, Escalation.level, Dossier.id, Dossier.code, Procedure.name, Dossier.applicant_name,
               Agency.id, Agency.name, Escalation.work_item_id, WorkItem.step_name, holder.full_name,
               due, Escalation.created_at, Escalation.acknowledged_at, acknowledger.full_name)
        .join(Dossier, Dossier.id == Escalation.dossier_id)
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .join(Agency, Agency.id == Escalation.agency_id)
        .outerjoin(WorkItem, WorkItem.id == Escalation.work_item_id)
        .outerjoin(holder, holder.id == WorkItem.assignee_id)
        .outerjoin(acknowledger, acknowledger.id == Escalation.acknowledged_by_id)
        .where(Escalation.agency_id.in_(agencies), still_open())
        # The one order of the list, pages included. Earliest due is the longest late: how late,
        # in working time (below), follows the due date on an agency's calendar; re-sorting a page
        # by it reordered only ties and rows of agencies on different calendars, and made the
        # order of a page disagree with the order of the pages.
        .order_by(Escalation.acknowledged_at.is_not(None), severity, due.asc(), Escalation.created_at.desc(),
                  Escalation.id.desc())
        .offset(offset).limit(limit)).all()
    calendars = {}
    result = []
    for row in rows:
        agency_id, due_at = row[6], row[11] or now
        if agency_id not in calendars:
            calendars[agency_id] = calendar_for(session, session.get(Agency, agency_id))
        late_by = calendars[agency_id].working_time_between(due_at, now)
        result.append(EscalationRow(*row[:11], due_at, row[12], row[13], row[14], late_by))
    return result
