"""The dossier tracking register (sổ theo dõi hồ sơ, form 06 of Circular 01/2018): one line per
dossier an agency received in a period, with when it was received, appointed, transferred to the
unit that processes it, when the result came back, when it was returned, and notes.

Read by officers of the agency who keep or supervise the register: its reception (one-stop),
supervisors and leaders.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.commands._steps import LEADER, RECEPTION, SUPERVISOR
from engine.errors import NotFound
from engine.models import Agency, Apology, Dossier, Membership, Procedure, ProcedureVersion, WorkItem
from engine.statuses import DossierStatus

KEEPERS = (RECEPTION, SUPERVISOR, LEADER)
MAX_DAYS = 366  # one register page covers at most a year
RESULT = (int(DossierStatus.RESULT_READY), int(DossierStatus.RESULT_RETURNED))


@dataclass(frozen=True)
class RegisterLine:
    number: int
    dossier_id: int
    code: str
    procedure_name: str
    applicant_name: str
    applicant_address: str
    lead_agency: str  # the agency that processes it: the first one a processing step went to
    received_at: datetime
    appointed_at: datetime | None  # the appointment on the receipt (the original due date)
    transferred_at: datetime | None  # handed from the one-stop section to the processing unit
    result_at: datetime | None  # the result came back (ready: end of processing)
    returned_at: datetime | None
    status: int
    supplements: int
    new_due_at: datetime | None  # an apology moved the return date to this


@dataclass(frozen=True)
class Register:
    agency_id: int
    agency_name: str
    start: date
    end: date  # inclusive
    lines: list[RegisterLine] = field(default_factory=list)


def register_agencies(session, user_id: int) -> list[tuple[int, str]]:
    """The agencies whose register this officer may read."""
    return [tuple(row) for row in session.execute(
        select(Agency.id, Agency.name).join(Membership, Membership.agency_id == Agency.id)
        .where(Membership.user_id == user_id, Membership.role.in_(KEEPERS))
        .distinct().order_by(Agency.name, Agency.id)).all()]


def tracking_register(session, user_id: int, agency_id: int, start: date, end: date) -> Register:
    """Dossiers received by the agency from ``start`` to ``end`` (days in its time zone, both
    included), in reception order. NotFound unless the officer keeps or supervises its register."""
    if agency_id not in {a for a, _name in register_agencies(session, user_id)}:
        raise NotFound("Không tìm thấy hoặc bạn không có quyền.", "Not found or not permitted.")
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValueError("a register covers 1 to 366 days")
    agency = session.get(Agency, agency_id)
    zone = ZoneInfo(agency.timezone)
    since = datetime.combine(start, time(), zone)
    until = datetime.combine(end + timedelta(days=1), time(), zone)
    rows = session.execute(
        select(Dossier.id, Dossier.code, Procedure.name, Dossier.applicant_name, Dossier.applicant_address,
               Dossier.received_at, Dossier.original_due_at, Dossier.due_at, Dossier.finished_at,
               Dossier.returned_at, Dossier.status, Dossier.supplement_count, Apology.new_due_at)
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .outerjoin(Apology, Apology.dossier_id == Dossier.id)
        .where(Dossier.agency_id == agency_id, Dossier.received_at >= since, Dossier.received_at < until,
               Dossier.status != int(DossierStatus.NEWLY_REGISTERED))
        .order_by(Dossier.received_at, Dossier.id)).all()
    first_step = _first_processing_steps(session, [row.id for row in rows])
    names = dict(session.execute(select(Agency.id, Agency.name).where(
        Agency.id.in_({a for a, _at in first_step.values()}))).all()) if first_step else {}
    lines = []
    for number, row in enumerate(rows, start=1):
        lead, transferred = first_step.get(row.id, (None, None))
        lines.append(RegisterLine(
            number=number, dossier_id=row.id, code=row.code, procedure_name=row[2], applicant_name=row.applicant_name,
            applicant_address=row.applicant_address, lead_agency=names.get(lead, agency.name if lead is None else ""),
            received_at=row.received_at, appointed_at=row.original_due_at or row.due_at, transferred_at=transferred,
            result_at=row.finished_at if row.status in RESULT else None, returned_at=row.returned_at,
            status=row.status, supplements=row.supplement_count or 0, new_due_at=row.new_due_at))
    return Register(agency.id, agency.name, start, end, lines)


def _first_processing_steps(session, dossier_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """For each dossier, the agency and moment of its first step outside the one-stop section."""
    found: dict[int, tuple[int, datetime]] = {}
    for chunk in (dossier_ids[i:i + 500] for i in range(0, len(dossier_ids), 500)):
        for dossier_id, agency_id, created_at in session.execute(
                select(WorkItem.dossier_id, WorkItem.agency_id, WorkItem.created_at)
                .where(WorkItem.dossier_id.in_(chunk), WorkItem.role != RECEPTION)
                .order_by(WorkItem.dossier_id, WorkItem.created_at, WorkItem.id)):
            found.setdefault(dossier_id, (agency_id, created_at))
    return found
