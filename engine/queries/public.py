"""Public tracking: a citizen looks a dossier up by its code and a second factor printed on the
receipt (the applicant's ID number or phone number).

A wrong code and a wrong second factor give the same answer (None), so the page cannot be used
to find out which codes exist. Only what the citizen needs is returned: no officer names, no
applicant data.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.contact import text_problem
from engine.models import (
    Agency, Dossier, Partner, PartnerInbox, PartnerOutbox, Procedure, ProcedureVersion, WorkItem,
)
from engine.queries.control_slip import whereabouts
from engine.queries.hand_offs import stuck_hand_offs

MAX_INPUT = 80


@dataclass(frozen=True)
class PublicStep:
    step_name: str
    agency_name: str
    role: str
    started_at: datetime
    finished_at: datetime | None
    # "step": one of our steps; "partner": the dossier was with a partner agency (its own system),
    # from the hand-off until its answer came back.
    kind: str = "step"


@dataclass(frozen=True)
class PublicDossier:
    code: str
    procedure_name: str
    status: int
    agency_name: str
    received_at: datetime
    due_at: datetime | None
    original_due_at: datetime | None
    # When the return date was moved by an apology (form 04): the page says so.
    due_moved_at: datetime | None
    finished_at: datetime | None
    current_steps: list[PublicStep]
    steps: list[PublicStep]
    holders: list[str]  # agencies (and partner agencies) holding the dossier now
    path: list[str]  # the agencies it went through, in order
    # Hand-offs to partners that have not gone through (engine/queries/hand_offs.py).
    stuck: tuple = ()


def _digits(text: str) -> str:
    """ID and phone numbers as people type them: spaces, dots, dashes and +84 ignored."""
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits.upper()


def _same(given: str, stored: str) -> bool:
    stored = _digits(stored)
    return bool(stored) and hmac.compare_digest(given.encode(), stored.encode())


def _rows():
    return (select(Dossier.id, Dossier.code, Procedure.name, Dossier.status, Agency.name, Dossier.received_at,
                   Dossier.due_at, Dossier.original_due_at, Dossier.apology_issued_at, Dossier.finished_at,
                   Dossier.applicant_id_number, Dossier.applicant_phone)
            .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
            .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
            .join(Agency, Agency.id == Dossier.agency_id))


def track(session, code: str, second_factor: str) -> PublicDossier | None:
    code, given = (code or "").strip().upper()[:MAX_INPUT], _digits((second_factor or "")[:MAX_INPUT])
    if not code or not given or text_problem(code, MAX_INPUT):
        return None  # a control character is in no dossier code (and PostgreSQL refuses NUL in a query)
    row = session.execute(_rows().where(func.upper(Dossier.code) == code)).one_or_none()
    # Both comparisons always run: the answer takes the same path whichever factor was given.
    matches = [_same(given, row.applicant_id_number if row else ""), _same(given, row.applicant_phone if row else "")]
    if row is None or not any(matches):
        return None
    return _public(session, row)


def dossier_for_reader(session, dossier_id: int) -> PublicDossier:
    """The same view for a reader already known to be allowed (the citizen on their own page)."""
    return _public(session, session.execute(_rows().where(Dossier.id == dossier_id)).one())


def _public(session, row) -> PublicDossier:
    items = session.execute(
        select(WorkItem.step_name, Agency.name, WorkItem.role, WorkItem.created_at, WorkItem.finished_at,
               WorkItem.state)
        .join(Agency, Agency.id == WorkItem.agency_id)
        .where(WorkItem.dossier_id == row.id, WorkItem.state.in_(("open", "done")))
        .order_by(WorkItem.created_at, WorkItem.id)).all()
    steps = sorted([PublicStep(*item[:5]) for item in items] + _partner_steps(session, row.id),
                   key=lambda step: step.started_at)
    current = [PublicStep(*item[:5]) for item in items if item.state == "open"]
    holders, path = whereabouts(session, row.id)
    return PublicDossier(code=row.code, procedure_name=row[2], status=row.status, agency_name=row[4],
                         received_at=row.received_at, due_at=row.due_at, original_due_at=row.original_due_at,
                         due_moved_at=row.apology_issued_at, finished_at=row.finished_at,
                         current_steps=current, steps=steps, holders=holders, path=path,
                         stuck=tuple(stuck_hand_offs(session, row.id)))


def _partner_steps(session, dossier_id: int) -> list[PublicStep]:
    """The partner agency's part of the history: from each hand-off that reached it until its
    answer was handed in here (still in progress until then)."""
    sent = session.execute(
        select(PartnerOutbox.partner_id, Partner.name, PartnerOutbox.delivered_at)
        .join(Partner, Partner.id == PartnerOutbox.partner_id)
        .where(PartnerOutbox.dossier_id == dossier_id, PartnerOutbox.delivered_at.is_not(None))
        .order_by(PartnerOutbox.id)).all()
    answers = session.execute(
        select(PartnerInbox.partner_id, PartnerInbox.delivered_at)
        .where(PartnerInbox.dossier_id == dossier_id, PartnerInbox.delivered_at.is_not(None))
        .order_by(PartnerInbox.delivered_at)).all()
    steps = []
    for partner_id, name, delivered_at in sent:
        answer = next((a.delivered_at for a in answers if a.partner_id == partner_id and a.delivered_at >= delivered_at),
                      None)
        steps.append(PublicStep(step_name="", agency_name=name, role="", started_at=delivered_at,
                                finished_at=answer, kind="partner"))
    return steps
