"""What the counter reads: the counters an officer staffs, the procedures on offer there and their
checklists, guidance slips (form 02) and what a citizen left, found by their ID number."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from datetime import datetime

from sqlalchemy import exists, func, select

from engine.commands._steps import RECEPTION
from engine.errors import NotFound
from engine.models import Agency, Dossier, Membership, Procedure, ProcedureVersion, SupplementRequest, User
from engine.procedures.catalogue import opened_by_partner
from engine.procedures.metadata import may_receive, required_documents
from engine.queries.dossier import NOT_FOUND, DossierHeader, _header, may_view
from engine.statuses import DossierStatus


@dataclass(frozen=True)
class Counter:
    agency_id: int
    agency_name: str


@dataclass(frozen=True)
class ProcedureChoice:
    key: str
    name: str
    national_code: str
    version: int
    agency_ids: tuple[int, ...] = ()


def counters(session, user_id: int) -> list[Counter]:
    """The agencies where this officer holds the reception role."""
    return [Counter(*row) for row in session.execute(
        select(Agency.id, Agency.name).join(Membership, Membership.agency_id == Agency.id)
        .where(Membership.user_id == user_id, Membership.role == RECEPTION)
        .order_by(Agency.name, Agency.id)).all()]


def procedures_on_offer(session, agency_ids: Collection[int] | None = None) -> list[ProcedureChoice]:
    """The deployed procedures with their active version number (the one reception starts). With ``agency_ids``, only those that one of these agencies may receive (the
    procedure's ``receivedBy``); ``agency_ids`` holds the agencies each choice is open at."""
    latest = (select(ProcedureVersion.procedure_id, func.max(ProcedureVersion.number).label("number"))
              .group_by(ProcedureVersion.procedure_id).subquery())
    # The active version (a roll-back may point at an older one); retired procedures are not offered.
    number = func.coalesce(Procedure.active_number, latest.c.number)
    rows = session.execute(
        select(Procedure.key, Procedure.name, Procedure.national_code, number,
               ProcedureVersion.manifest["metadata"], ProcedureVersion.manifest["partners"])
        .join(latest, latest.c.procedure_id == Procedure.id)
        .join(ProcedureVersion, (ProcedureVersion.procedure_id == Procedure.id)
              & (ProcedureVersion.number == number))
        .where(Procedure.retired_at.is_(None))
        .order_by(Procedure.name, Procedure.key)).all()
    # A procedure only a partner's message opens is no counter's to receive (its dossier would
    # wait for a message no partner sends it).
    rows = [row[:5] for row in rows if not opened_by_partner({"partners": row[5]})]
    if agency_ids is None:
        return [ProcedureChoice(*row[:4]) for row in rows]
    agencies = session.execute(select(Agency.id, Agency.kind, Agency.code).where(Agency.id.in_(list(agency_ids)))).all()
    choices = []
    for key, name, code, number, meta in rows:
        manifest = {"metadata": meta or {}}
        open_at = tuple(a.id for a in agencies if may_receive(manifest, a.kind, a.code))
        if open_at:
            choices.append(ProcedureChoice(key, name, code, number, open_at))
    return choices


@dataclass(frozen=True)
class ChecklistEntry:
    name: str
    kind: str
    count: int
    optional: bool


@dataclass(frozen=True)
class Checklist:
    procedure_key: str
    procedure_name: str
    documents: tuple[ChecklistEntry, ...]


def procedure_checklist(session, procedure_key: str) -> Checklist | None:
    """The required documents of the procedure's active version (the version reception starts)."""
    row = session.execute(
        select(Procedure.key, Procedure.name, ProcedureVersion.manifest["metadata"])
        .join(ProcedureVersion, ProcedureVersion.procedure_id == Procedure.id)
        .where(Procedure.key == procedure_key)
        # The active version first, else the latest (active_number NULL: the latest is active).
        .order_by((ProcedureVersion.number == Procedure.active_number).desc(), ProcedureVersion.number.desc())
        .limit(1)).one_or_none()
    if row is None:
        return None
    documents = required_documents({"metadata": row[2] or {}})
    return Checklist(row[0], row[1], tuple(ChecklistEntry(d.name, d.kind, d.count, d.optional) for d in documents))


@dataclass(frozen=True)
class SupplementSlip:
    """Form 02 as printed: at reception (no dossier, or a newly registered one) or during processing."""
    id: int
    stage: str
    agency_id: int
    agency_name: str
    procedure_key: str
    procedure_name: str
    procedure_national_code: str
    dossier_id: int | None
    dossier_code: str | None
    applicant_name: str
    applicant_id_number: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    missing: list
    note: str
    requested_at: datetime
    requested_by_name: str
    step_name: str | None
    outside_window: bool
    fulfilled_at: datetime | None
    fulfilled_dossier_id: int | None


_SLIP_COLUMNS = (
    SupplementRequest.id, SupplementRequest.stage, Agency.id, Agency.name, Procedure.key, Procedure.name,
    Procedure.national_code, SupplementRequest.dossier_id, Dossier.code, SupplementRequest.applicant_name,
    SupplementRequest.applicant_id_number, SupplementRequest.applicant_address, SupplementRequest.applicant_phone,
    SupplementRequest.applicant_email, SupplementRequest.missing, SupplementRequest.note,
    SupplementRequest.requested_at, User.full_name, SupplementRequest.step_name, SupplementRequest.outside_window,
    SupplementRequest.fulfilled_at, SupplementRequest.fulfilled_dossier_id)


def _slips():
    return (select(*_SLIP_COLUMNS)
            .join(Agency, Agency.id == SupplementRequest.agency_id)
            .join(Procedure, Procedure.id == SupplementRequest.procedure_id)
            .join(User, User.id == SupplementRequest.requested_by_id)
            .outerjoin(Dossier, Dossier.id == SupplementRequest.dossier_id))


def guidance_slip(session, user_id: int, request_id: int) -> SupplementSlip:
    """A form 02 for an officer of its agency, or one who may see its dossier; NotFound otherwise."""
    row = session.execute(_slips().where(SupplementRequest.id == request_id)).one_or_none()
    if row is None:
        raise NotFound(*NOT_FOUND)
    slip = SupplementSlip(*row)
    in_agency = session.execute(select(exists().where(
        Membership.user_id == user_id, Membership.agency_id == slip.agency_id))).scalar()
    if not in_agency and not (slip.dossier_id and may_view(session, user_id, slip.dossier_id, slip.agency_id)):
        raise NotFound(*NOT_FOUND)
    return slip


def supplement_requests_of(session, dossier_id: int) -> list[SupplementSlip]:
    """Every form 02 of a dossier, oldest first (the caller checked the dossier may be seen)."""
    return [SupplementSlip(*row) for row in session.execute(
        _slips().where(SupplementRequest.dossier_id == dossier_id).order_by(SupplementRequest.id))]


@dataclass(frozen=True)
class FoundDossier:
    id: int
    code: str
    status: int
    procedure_name: str
    received_at: datetime


@dataclass(frozen=True)
class Lookup:
    slips: list[SupplementSlip]
    dossiers: list[FoundDossier]


LOOKUP_LIMIT = 50


def lookup(session, agency_ids: Collection[int], id_number: str) -> Lookup:
    """What the citizen with this ID number left at these counters: guidance slips and dossiers,
    newest first (both indexed by the ID number)."""
    slips = [SupplementSlip(*row) for row in session.execute(
        _slips().where(SupplementRequest.applicant_id_number == id_number,
                       SupplementRequest.agency_id.in_(list(agency_ids)))
        .order_by(SupplementRequest.requested_at.desc(), SupplementRequest.id.desc()).limit(LOOKUP_LIMIT))]
    dossiers = [FoundDossier(*row) for row in session.execute(
        select(Dossier.id, Dossier.code, Dossier.status, Procedure.name, Dossier.received_at)
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .where(Dossier.applicant_id_number == id_number, Dossier.agency_id.in_(list(agency_ids)))
        .order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(LOOKUP_LIMIT))]
    return Lookup(slips, dossiers)


def registered_dossier(session, user_id: int, dossier_id: int) -> DossierHeader:
    """A newly registered dossier (status 1) waiting for this reception officer's agency."""
    header = _header(session, user_id, dossier_id)
    if header.status != DossierStatus.NEWLY_REGISTERED or not session.execute(select(exists().where(
            Membership.user_id == user_id, Membership.agency_id == header.agency_id,
            Membership.role == RECEPTION))).scalar():
        raise NotFound(*NOT_FOUND)
    return header
