"""What the reception form offers: the counters an officer staffs and the procedures on offer."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.commands._steps import RECEPTION
from engine.models import Agency, Membership, Procedure, ProcedureVersion


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


def counters(session, user_id: int) -> list[Counter]:
    """The agencies where this officer holds the reception role."""
    return [Counter(*row) for row in session.execute(
        select(Agency.id, Agency.name).join(Membership, Membership.agency_id == Agency.id)
        .where(Membership.user_id == user_id, Membership.role == RECEPTION)
        .order_by(Agency.name, Agency.id)).all()]


def procedures_on_offer(session) -> list[ProcedureChoice]:
    """Every deployed procedure with its latest version number: reception always starts the latest."""
    latest = (select(ProcedureVersion.procedure_id, func.max(ProcedureVersion.number).label("number"))
              .group_by(ProcedureVersion.procedure_id).subquery())
    return [ProcedureChoice(*row) for row in session.execute(
        select(Procedure.key, Procedure.name, Procedure.national_code, latest.c.number)
        .join(latest, latest.c.procedure_id == Procedure.id)
        .order_by(Procedure.name, Procedure.key)).all()]
