"""The dossier page and the receipt: one dossier as an officer reads it, for officers allowed to.

Visibility: an officer sees a dossier while they hold any role in the receiving agency, or in an
agency that has (or had) a step of it. Anyone else gets NotFound with the same words as a
dossier that does not exist, so a guessed URL reveals nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import exists, or_, select

from engine import clock
from engine.calendar import TimeLimit, parse_time_limit
from engine.commands._steps import SUPERVISOR
from engine.errors import NotFound
from engine.models import (
    Agency, AuditEvent, Dossier, DossierDocument, Membership, Procedure, ProcedureVersion, User, WorkItem,
)
from engine.procedures.catalogue import intake_schema
from engine.procedures.metadata import has_no_time_limit
from engine.queries.hand_offs import sender_dossiers
from engine.queries.history import HistoryEntry, dossier_history
from engine.queries.online import scans_for_officer
from engine.statistics.verdict import verdict

NOT_FOUND = ("Không tìm thấy hoặc bạn không có quyền.", "Not found or not permitted.")


@dataclass(frozen=True)
class Document:
    name: str
    kind: str
    count: int


@dataclass(frozen=True)
class DossierHeader:
    id: int
    code: str
    status: int
    channel: int
    procedure_key: str
    procedure_name: str
    procedure_national_code: str
    version_number: int
    agency_id: int
    agency_code: str
    agency_name: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    failure: str | None
    # The due date set at reception; differs from due_at once an apology moved the return date.
    original_due_at: datetime | None = None
    apology_issued_at: datetime | None = None
    # When the result was handed over (status 10); finished_at is when processing ended.
    returned_at: datetime | None = None
    supplement_count: int = 0
    agency_timezone: str = "Asia/Ho_Chi_Minh"
    # How statistics count the dossier now (engine/statistics): early, on time, late, overdue…
    verdict: str | None = None

    @property
    def due_moved(self) -> bool:
        return self.apology_issued_at is not None


@dataclass(frozen=True)
class Candidate:
    id: int
    full_name: str


@dataclass(frozen=True)
class OpenStep:
    work_item_id: int
    step_id: str
    step_name: str
    role: str
    agency_id: int
    agency_name: str
    assignee_id: int | None
    assignee_name: str | None
    created_at: datetime
    claimed_at: datetime | None
    due_at: datetime | None
    # Filled only for a supervisor of the step's agency: whom the step may be handed to.
    reassign_to: tuple[Candidate, ...] = ()

    @property
    def can_reassign(self) -> bool:
        return bool(self.reassign_to)


@dataclass(frozen=True)
class DossierPage:
    dossier: DossierHeader
    documents: list[Document]
    scans: list  # engine.queries.online.Scan: what the citizen sent online
    open_steps: list[OpenStep]
    history: list[HistoryEntry]
    # Names of the people a history entry's detail refers to by id (reassignments).
    people: dict[int, str]
    bpmn_xml: str
    done_steps: frozenset[str]
    current_steps: frozenset[str]
    # Opened by a partner agency's request: its name and its own code for the dossier.
    senders: list = ()  # engine.queries.hand_offs.SenderDossier


@dataclass(frozen=True)
class Receipt:
    dossier: DossierHeader
    documents: list[Document]
    receiver_name: str
    # The procedure's legal time limit as the version declares it (None when it declares none).
    time_limit: TimeLimit | None
    # The procedure says the law sets no time limit (timeLimit "none"): no appointment is given.
    no_time_limit: bool = False


def _visible(user_id: int, dossier_id, agency_id):
    """SQL: any membership in the receiving agency, or in an agency with a work item on the
    dossier (``dossier_id`` and ``agency_id``: values, or the columns of a query's rows)."""
    in_agency = exists().where(Membership.user_id == user_id, Membership.agency_id == agency_id)
    in_step_agency = exists().where(
        WorkItem.dossier_id == dossier_id,
        Membership.user_id == user_id, Membership.agency_id == WorkItem.agency_id)
    return or_(in_agency, in_step_agency)


def may_view(session, user_id: int, dossier_id: int, agency_id: int) -> bool:
    """Whether the officer may open the dossier's page (``_visible``)."""
    return bool(session.execute(select(_visible(user_id, dossier_id, agency_id))).scalar())


def openable_dossiers(session, user_id: int, dossier_ids: Iterable[int]) -> frozenset[int]:
    """Of these dossiers (a page of a list), those whose page the officer may open. A list may
    show more than that: an administrator reads every agency's statistics, not its dossiers."""
    ids = sorted(set(dossier_ids))
    if not ids:
        return frozenset()
    return frozenset(session.execute(select(Dossier.id).where(
        Dossier.id.in_(ids), _visible(user_id, Dossier.id, Dossier.agency_id))).scalars())


def _header(session, user_id: int, dossier_id: int) -> DossierHeader:
    row = session.execute(
        select(Dossier.id, Dossier.code, Dossier.status, Dossier.channel, Procedure.key, Procedure.name,
               Procedure.national_code, ProcedureVersion.number, Agency.id, Agency.code, Agency.name,
               Dossier.applicant_name, Dossier.applicant_id_number, Dossier.applicant_address,
               Dossier.applicant_phone, Dossier.applicant_email, Dossier.received_at, Dossier.due_at,
               Dossier.finished_at, Dossier.failure, Dossier.original_due_at, Dossier.apology_issued_at,
               Dossier.returned_at, Dossier.supplement_count, Agency.timezone)
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .join(Agency, Agency.id == Dossier.agency_id)
        .where(Dossier.id == dossier_id)).one_or_none()
    if row is None or not may_view(session, user_id, dossier_id, row[8]):
        raise NotFound(*NOT_FOUND)
    header = DossierHeader(*row)
    return replace(header, verdict=verdict(
        status=header.status, finished_at=header.finished_at, original_due_at=header.original_due_at,
        supplement_count=header.supplement_count, timezone=header.agency_timezone, at=clock.now()))


def dossier_header(session, user_id: int, dossier_id: int) -> DossierHeader:
    """The dossier's facts for an officer who may see it (NotFound otherwise)."""
    return _header(session, user_id, dossier_id)


def documents_of(session, dossier_id: int) -> list[Document]:
    return [Document(*row) for row in session.execute(
        select(DossierDocument.name, DossierDocument.kind, DossierDocument.count)
        .where(DossierDocument.dossier_id == dossier_id).order_by(DossierDocument.id)).all()]


def dossier_page(session, user_id: int, dossier_id: int) -> DossierPage:
    header = _header(session, user_id, dossier_id)
    items = session.execute(
        select(WorkItem.id, WorkItem.step_id, WorkItem.step_name, WorkItem.role, WorkItem.agency_id, Agency.name,
               WorkItem.assignee_id, User.full_name, WorkItem.created_at, WorkItem.claimed_at, WorkItem.due_at,
               WorkItem.state)
        .join(Agency, Agency.id == WorkItem.agency_id)
        .outerjoin(User, User.id == WorkItem.assignee_id)
        .where(WorkItem.dossier_id == dossier_id)
        .order_by(WorkItem.id)).all()
    supervised = set(session.execute(select(Membership.agency_id).where(
        Membership.user_id == user_id, Membership.role == SUPERVISOR)).scalars())
    open_steps = []
    for row in items:
        if row.state != "open":
            continue
        candidates = _candidates(session, row.agency_id, row.role, row.assignee_id) \
            if row.agency_id in supervised else ()
        open_steps.append(OpenStep(*row[:11], reassign_to=candidates))
    history = dossier_history(session, dossier_id)
    xml = session.execute(select(ProcedureVersion.bpmn_xml).join(Dossier, Dossier.procedure_version_id
                                                                  == ProcedureVersion.id)
                          .where(Dossier.id == dossier_id)).scalar_one()
    return DossierPage(
        dossier=header, documents=documents_of(session, dossier_id), scans=scans_for_officer(session, user_id, dossier_id),
        open_steps=open_steps, history=history, people=people_in(session, history), bpmn_xml=xml,
        done_steps=frozenset(r.step_id for r in items if r.state == "done"),
        current_steps=frozenset(r.step_id for r in items if r.state == "open"),
        senders=sender_dossiers(session, dossier_id))


def _candidates(session, agency_id: int, role: str, holder_id: int | None) -> tuple[Candidate, ...]:
    """Active members of the step's agency who hold its role, except whoever holds it now."""
    rows = session.execute(
        select(User.id, User.full_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.agency_id == agency_id, Membership.role == role, User.is_active.is_(True))
        .order_by(User.full_name, User.id)).all()
    return tuple(Candidate(*row) for row in rows if row[0] != holder_id)


def people_in(session, history: list[HistoryEntry]) -> dict[int, str]:
    ids = {entry.detail.get(key) for entry in history for key in ("previous_assignee", "new_assignee")}
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def receipt(session, user_id: int, dossier_id: int) -> Receipt:
    """What form 01 prints: the dossier, the papers received, and who received them."""
    header = _header(session, user_id, dossier_id)
    receiver = session.execute(
        select(User.full_name).join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.dossier_id == dossier_id, AuditEvent.action == "received")
        .order_by(AuditEvent.id).limit(1)).scalar_one_or_none()
    manifest = session.execute(select(ProcedureVersion.manifest).join(
        Dossier, Dossier.procedure_version_id == ProcedureVersion.id).where(Dossier.id == dossier_id)).scalar_one()
    try:
        limit = parse_time_limit(manifest.get("properties", {}).get("timeLimit") or "")
    except ValueError:
        limit = None
    return Receipt(dossier=header, documents=documents_of(session, dossier_id), receiver_name=receiver or "",
                   time_limit=limit, no_time_limit=has_no_time_limit(manifest))


def recorded_results(session, dossier_id: int, catalogue_dir: Path | None = None, language: str = "vi") -> list:
    """What reception, the steps and partner agencies recorded on the dossier (the register
    number, the insurance card…), labelled as the task pages label it (in ``language``): the data
    of its latest step, which carries everything recorded before it. Empty for a dossier without
    a workflow."""
    from engine.queries.case_data import case_data
    from engine.runtime.host import step_data
    task_id = session.execute(select(WorkItem.task_id).where(
        WorkItem.dossier_id == dossier_id, WorkItem.state != "cancelled").order_by(WorkItem.id.desc()).limit(1)).scalar()
    if task_id is None:
        return []
    dossier = session.get(Dossier, dossier_id)
    version = dossier.procedure_version
    return case_data(version.manifest, version.forms, step_data(session, dossier, task_id),
                     intake_schema(catalogue_dir, version.procedure.key), language)
