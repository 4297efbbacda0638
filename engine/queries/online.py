"""Reading online applications: the citizen's own (drafts and dossiers), the files each side may
open, and the counter's queue of dossiers submitted online and waiting for reception."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select

from engine.commands._steps import RECEPTION
from engine.models import (
    Agency, ApplicationFile, Dossier, Membership, OnlineApplication, Procedure, ProcedureVersion,
)
from engine.statuses import DossierStatus


@dataclass(frozen=True)
class MyApplication:
    id: int
    procedure_key: str
    procedure_name: str
    updated_at: datetime
    submitted_at: datetime | None
    dossier_id: int | None
    code: str | None
    status: int | None
    agency_name: str | None
    due_at: datetime | None
    # What the dossier waits for from the citizen now: "supplement" (papers asked for and not yet
    # sent), "fee" (a fee to pay online), else None.
    needs: str | None = None


def my_applications(session, citizen_id: int, catalogue_dir) -> list[MyApplication]:
    """The citizen's drafts and dossiers, newest first, each saying what it waits for from them."""
    from engine.models import AuditEvent, SupplementRequest
    from engine.queries.payments import dossier_payments
    sent_since = exists().where(AuditEvent.dossier_id == SupplementRequest.dossier_id,
                                AuditEvent.action == "supplement_sent_online",
                                AuditEvent.at >= SupplementRequest.requested_at)
    awaits_supplement = exists().where(SupplementRequest.dossier_id == Dossier.id,
                                       SupplementRequest.fulfilled_at.is_(None), ~sent_since)
    rows = session.execute(
        select(OnlineApplication.id, Procedure.key, Procedure.name, OnlineApplication.updated_at,
               OnlineApplication.submitted_at, Dossier.id, Dossier.code, Dossier.status, Agency.name, Dossier.due_at,
               awaits_supplement)
        .join(Procedure, Procedure.id == OnlineApplication.procedure_id)
        .outerjoin(Dossier, Dossier.id == OnlineApplication.dossier_id)
        .outerjoin(Agency, Agency.id == Dossier.agency_id)
        .where(OnlineApplication.citizen_id == citizen_id)
        .order_by(OnlineApplication.updated_at.desc(), OnlineApplication.id.desc())).all()
    applications = []
    for *fields, supplement in rows:
        needs = "supplement" if supplement else None
        dossier_id, status = fields[5], fields[7]
        if needs is None and status == DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION:
            # Rare (one step of a few procedures): the fee rules live in the catalogue, read per dossier.
            due = dossier_payments(session, dossier_id, catalogue_dir).due
            needs = "fee" if due is not None and not due.pending else None
        applications.append(MyApplication(*fields, needs=needs))
    return applications


def draft_for(session, citizen_id: int, procedure_key: str) -> OnlineApplication | None:
    return session.scalars(
        select(OnlineApplication).join(Procedure, Procedure.id == OnlineApplication.procedure_id)
        .where(OnlineApplication.citizen_id == citizen_id, Procedure.key == procedure_key,
               OnlineApplication.submitted_at.is_(None))
        .order_by(OnlineApplication.id.desc()).limit(1)).first()


def files_of(session, application_id: int) -> list[ApplicationFile]:
    return list(session.scalars(select(ApplicationFile).where(ApplicationFile.application_id == application_id)
                                .order_by(ApplicationFile.id)))


def file_for_citizen(session, citizen_id: int, file_id: int) -> ApplicationFile | None:
    return session.scalars(
        select(ApplicationFile).join(OnlineApplication, OnlineApplication.id == ApplicationFile.application_id)
        .where(ApplicationFile.id == file_id, OnlineApplication.citizen_id == citizen_id)).first()


def _member(user_id: int, agency_column):
    return exists().where(Membership.user_id == user_id, Membership.agency_id == agency_column)


def file_for_officer(session, user_id: int, file_id: int) -> ApplicationFile | None:
    """A file of a submitted dossier, for an officer of the dossier's agency (any role there)."""
    return session.scalars(
        select(ApplicationFile).join(OnlineApplication, OnlineApplication.id == ApplicationFile.application_id)
        .join(Dossier, Dossier.id == OnlineApplication.dossier_id)
        .where(ApplicationFile.id == file_id, _member(user_id, Dossier.agency_id))).first()


@dataclass(frozen=True)
class Scan:
    id: int
    document_name: str
    filename: str
    created_at: datetime


def scans_for_officer(session, user_id: int, dossier_id: int) -> list[Scan]:
    """The scans a citizen sent online with the dossier and with its supplements, for an officer of
    the dossier's agency (the only officers ``file_for_officer`` opens them for): the specialist
    who appraises an online dossier reads what the counter checked."""
    rows = session.execute(
        select(ApplicationFile.id, ApplicationFile.document_name, ApplicationFile.filename, ApplicationFile.created_at)
        .join(OnlineApplication, OnlineApplication.id == ApplicationFile.application_id)
        .join(Dossier, Dossier.id == OnlineApplication.dossier_id)
        .where(OnlineApplication.dossier_id == dossier_id, _member(user_id, Dossier.agency_id))
        .order_by(ApplicationFile.id)).all()
    return [Scan(*row) for row in rows]


@dataclass(frozen=True)
class QueuedDossier:
    procedure_key: str
    dossier_id: int
    code: str
    procedure_name: str
    agency_name: str
    applicant_name: str
    applicant_id_number: str
    submitted_at: datetime
    data: dict
    files: list[ApplicationFile]


def online_queue(session, user_id: int) -> list[QueuedDossier]:
    """Dossiers submitted online (status 1) at the agencies where this officer receives, oldest first."""
    rows = session.execute(
        select(Procedure.key, Dossier.id, Dossier.code, Procedure.name, Agency.name, Dossier.applicant_name,
               Dossier.applicant_id_number, OnlineApplication.submitted_at, OnlineApplication.data,
               OnlineApplication.id)
        .join(OnlineApplication, OnlineApplication.dossier_id == Dossier.id)
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .join(Agency, Agency.id == Dossier.agency_id)
        .where(Dossier.status == int(DossierStatus.NEWLY_REGISTERED),
               exists().where(Membership.user_id == user_id, Membership.agency_id == Dossier.agency_id,
                              Membership.role == RECEPTION))
        .order_by(OnlineApplication.submitted_at, Dossier.id)).all()
    return [QueuedDossier(*row[:9], files=files_of(session, row[9])) for row in rows]


@dataclass(frozen=True)
class CitizenEvent:
    at: datetime
    action: str
    status_after: int | None


@dataclass(frozen=True)
class OpenSupplement:
    requested_at: datetime
    missing: list[str]  # the papers that take a file (the page numbers its upload fields by them)
    note: str
    uploaded: dict  # item name -> files uploaded for it since the request
    sent_at: datetime | None  # when the citizen said it was complete
    notes: list[str]  # the officer's lines beside the papers (engine.supplements.documents_and_notes)


@dataclass(frozen=True)
class MyDossier:
    id: int
    view: object  # engine.queries.public.PublicDossier
    files: list[ApplicationFile]
    supplement: OpenSupplement | None
    withdrawal_requested_at: datetime | None
    events: list[CitizenEvent]
    rating: tuple[int, str] | None = None  # (score, comment) once rated
    result: object | None = None  # engine.queries.results.IssuedResult once issued


# What the citizen's history shows: their own actions and the decisions that concern them.
CITIZEN_ACTIONS = ("registered_online", "received", "refused", "guidance_issued", "supplement_requested",
                   "supplement_sent_online", "supplement_recorded", "withdrawal_requested", "withdrawn", "stopped",
                   "apology_issued", "completed", "fee_paid_online")


def my_dossier(session, citizen_id: int, dossier_id: int) -> MyDossier | None:
    from engine.models import AuditEvent
    from engine.queries.public import dossier_for_reader
    from engine.supplements import awaited_online, documents_and_notes
    application = session.scalars(select(OnlineApplication).where(
        OnlineApplication.dossier_id == dossier_id, OnlineApplication.citizen_id == citizen_id)).first()
    if application is None:
        return None
    files = files_of(session, application.id)
    events = [CitizenEvent(*row) for row in session.execute(
        select(AuditEvent.at, AuditEvent.action, AuditEvent.status_after)
        .where(AuditEvent.dossier_id == dossier_id, AuditEvent.action.in_(CITIZEN_ACTIONS))
        .order_by(AuditEvent.id))]
    # A completed step is history only when it moved the status (the citizen follows statuses).
    shown, last = [], None
    for event in events:
        if event.action != "completed" or event.status_after != last:
            shown.append(event)
        last = event.status_after
    request = awaited_online(session, dossier_id)
    supplement = None
    if request is not None:
        names, notes = documents_and_notes(request)
        uploaded = {name: [f for f in files if f.document_name == name and f.created_at >= request.requested_at]
                    for name in names}
        sent = [e.at for e in events if e.action == "supplement_sent_online" and e.at >= request.requested_at]
        supplement = OpenSupplement(request.requested_at, names, request.note, uploaded, sent[-1] if sent else None,
                                    notes)
    asked = [e.at for e in events if e.action == "withdrawal_requested"]
    from engine.queries.ratings import rating_of
    from engine.queries.results import result_of
    rated = rating_of(session, dossier_id)
    return MyDossier(id=dossier_id, view=dossier_for_reader(session, dossier_id), files=files, supplement=supplement,
                     withdrawal_requested_at=asked[-1] if asked else None, events=shown,
                     rating=(rated.score, rated.comment) if rated else None,
                     result=result_of(session, dossier_id))


def my_result(session, citizen_id: int, dossier_id: int):
    """(the issued electronic result, its signed PDF) of the citizen's own dossier, or None."""
    from engine.models import ResultDocument
    from engine.queries.results import result_of
    owned = session.scalars(select(OnlineApplication.id).where(
        OnlineApplication.dossier_id == dossier_id, OnlineApplication.citizen_id == citizen_id)).first()
    if owned is None:
        return None
    issued = result_of(session, dossier_id)
    if issued is None:
        return None
    return issued, session.scalar(select(ResultDocument.pdf).where(ResultDocument.id == issued.id))
