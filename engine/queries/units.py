"""The units of an agency as the administrator manages them: each with the lanes it answers for
and how many officers sit in it, the lanes no unit answers for, and the history of changes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from engine.commands.calendar_admin import require_admin
from engine.commands.units import LANE_ROLES
from engine.errors import NotFound
from engine.models import Agency, Membership, UnitEvent, UnitRole, User
from engine.statistics.steps import UnitInfo, units_of


@dataclass(frozen=True)
class UnitChange:
    at: object
    actor_name: str | None
    action: str
    detail: dict


@dataclass(frozen=True)
class AgencyUnits:
    agency_id: int
    agency_code: str
    agency_name: str
    units: list[UnitInfo]
    officers: dict[int, int]  # unit id → officers who sit in it
    lanes_without_unit: list[str]
    history: list[UnitChange]


def agency_units(session, actor_id: int, agency_id: int) -> AgencyUnits:
    require_admin(session, actor_id)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("Không tìm thấy cơ quan.", "Agency not found.")
    units = units_of(session, [agency_id])
    officers = dict(session.execute(
        select(Membership.unit_id, func.count(func.distinct(Membership.user_id)))
        .where(Membership.agency_id == agency_id, Membership.unit_id.is_not(None))
        .group_by(Membership.unit_id)).all())
    answered = set(session.execute(select(UnitRole.role).where(UnitRole.agency_id == agency_id)).scalars())
    actor = aliased(User)
    history = [UnitChange(*row) for row in session.execute(
        select(UnitEvent.at, actor.full_name, UnitEvent.action, UnitEvent.detail)
        .outerjoin(actor, actor.id == UnitEvent.actor_id)
        .where(UnitEvent.agency_id == agency_id).order_by(UnitEvent.id.desc()).limit(50))]
    return AgencyUnits(agency.id, agency.code, agency.name, units, officers,
                       [role for role in LANE_ROLES if role not in answered], history)


def unit_choices(session, english: bool = False) -> dict[int, list[tuple[int, str]]]:
    """Every agency's units (id, name), for the user administration pages; ``english``: the
    English name where the unit has one."""
    out: dict[int, list[tuple[int, str]]] = {}
    for unit in units_of(session, session.execute(select(Agency.id)).scalars().all()):
        out.setdefault(unit.agency_id, []).append((unit.id, unit.name_en if english and unit.name_en else unit.name))
    return out
