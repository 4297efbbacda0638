"""The apology (form 04) as the pages read it: whether one exists, whether this officer may issue
one now, and what the printed form shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from engine import clock
from engine.calendar.store import calendar_for
from engine.commands._steps import LEADER, SUPERVISOR, has_role
from engine.deadlines import apology_check
from engine.errors import NotFound
from engine.models import Agency, Apology, Escalation, User
from engine.queries.dossier import DossierHeader, _header
from engine.statuses import TERMINAL


@dataclass(frozen=True)
class IssuedApology:
    reason: str
    original_due_at: datetime
    new_due_at: datetime
    issued_at: datetime
    issued_by_name: str
    # Issued later than one working day before the due date: allowed, flagged.
    issued_late: bool = False


@dataclass(frozen=True)
class ApologyState:
    """What the dossier page and the apology form need to know."""
    dossier: DossierHeader
    apology: IssuedApology | None
    # A leader of the receiving agency (the form is signed by its head), the dossier open, no apology yet.
    may_issue: bool
    # The scheduler flagged the dossier, or less than one working day is left (or none).
    needs_apology: bool
    # The earliest new date the form suggests: one working day after the current due date.
    suggested_due_at: datetime | None
    # A supervisor who is not a leader: sees that an apology is needed and that a leader signs it.
    leader_signs: bool = False
    # When the apology is due at the latest (one working day before the due date); past it, an
    # apology is still possible but flagged.
    deadline: datetime | None = None


def _issued(session, dossier_id: int) -> IssuedApology | None:
    row = session.execute(
        select(Apology.reason, Apology.original_due_at, Apology.new_due_at, Apology.issued_at, User.full_name,
               Apology.issued_late)
        .join(User, User.id == Apology.issued_by_id).where(Apology.dossier_id == dossier_id)).one_or_none()
    return IssuedApology(*row) if row else None


def apology_state(session, user_id: int, dossier_id: int, *, now: datetime | None = None) -> ApologyState:
    now = now or clock.now()
    header = _header(session, user_id, dossier_id)  # NotFound unless the officer may see the dossier
    apology = _issued(session, dossier_id)
    open_with_due = (apology is None and header.due_at is not None
                     and header.status not in {int(s) for s in TERMINAL} and not header.failure)
    may_issue = open_with_due and has_role(session, user_id, header.agency_id, LEADER)
    leader_signs = open_with_due and not may_issue and has_role(session, user_id, header.agency_id, SUPERVISOR)
    needs, suggested, deadline = False, None, None
    if may_issue or leader_signs:
        calendar = calendar_for(session, session.get(Agency, header.agency_id))
        flagged = session.execute(select(exists().where(
            Escalation.dossier_id == dossier_id, Escalation.level == "will_be_late"))).scalar()
        left = calendar.working_time_between(now, header.due_at)
        needs = bool(flagged) or left <= timedelta(seconds=calendar.day_length)
        suggested = calendar.add(max(header.due_at, now), timedelta(seconds=calendar.day_length))
        deadline = apology_check(calendar, header.due_at)
    return ApologyState(dossier=header, apology=apology, may_issue=may_issue, needs_apology=needs,
                        suggested_due_at=suggested, leader_signs=leader_signs, deadline=deadline)


@dataclass(frozen=True)
class ApologySlip:
    dossier: DossierHeader
    apology: IssuedApology


def apology_slip(session, user_id: int, dossier_id: int) -> ApologySlip:
    """Form 04 for printing: only once issued, for officers who may see the dossier."""
    header = _header(session, user_id, dossier_id)
    apology = _issued(session, dossier_id)
    if apology is None:
        raise NotFound("Hồ sơ này chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả.",
                       "This dossier has no apology and new return date.")
    return ApologySlip(dossier=header, apology=apology)

