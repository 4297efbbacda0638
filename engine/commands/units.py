"""An administrator's units: the organisational units inside an agency (phòng, ban, bộ phận) and
the roles (BPMN lanes) each answers for. A role of an agency belongs to at most one unit, so every
step of a dossier belongs to one unit at most (docs/STATISTICS.md, "Units").

Each function is one transaction; only a system administrator may call it. Every change is kept
in ``unit_events`` (who did what to which unit) and written to the ``motcua.admin`` log, like the
agencies' office hours on the same page.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Collection

from sqlalchemy import delete, func, select, update

from engine import clock
from engine.commands.accounts import ROLES
from engine.commands.calendar_admin import require_admin
from engine.contact import text_problem
from engine.errors import FieldMessage, FormInvalid, NotFound
from engine.models import Agency, Membership, Unit, UnitEvent, UnitRole

log = logging.getLogger("motcua.admin")

# The roles a lane can name (the modeller draws procedures and has no lane).
LANE_ROLES = tuple(role for role in ROLES if role != "modeller")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _problems(session, agency_id: int, code: str, name: str, name_en: str, roles: Collection[str],
              unit_id: int | None) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not CODE.match(code):
        problems["code"] = ["Mã bộ phận gồm 1–40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới."]
    # "mc" is the one-stop desk "MC" typed in lower case, not a second unit beside it.
    elif session.execute(select(Unit.id).where(Unit.agency_id == agency_id, func.lower(Unit.code) == code.lower(),
                                               Unit.id != (unit_id or 0))).first():
        problems["code"] = ["Cơ quan đã có bộ phận mang mã này."]
    if not name:
        problems["name"] = ["Hãy nhập tên bộ phận."]
    elif text_problem(name, 255):
        problems["name"] = [text_problem(name, 255)]
    if name_en and text_problem(name_en, 255):
        problems["name_en"] = [text_problem(name_en, 255)]
    if any(role not in LANE_ROLES for role in roles):
        problems["roles"] = ["Vai trò không hợp lệ."]
    else:
        # Each clash named: the role (its lane's name; the page shows its label) and the unit holding it.
        # An English page names the unit by its English name when it has one.
        taken = session.execute(select(UnitRole.role, Unit.name, Unit.name_en).join(Unit, Unit.id == UnitRole.unit_id)
                                .where(UnitRole.agency_id == agency_id, UnitRole.role.in_(list(roles)),
                                       UnitRole.unit_id != (unit_id or 0)).order_by(UnitRole.role)).all()
        if taken:
            problems["roles"] = [FieldMessage(f"Vai trò «{role}» đã thuộc bộ phận «{unit}» của cơ quan; mỗi vai trò chỉ "
                                              f"thuộc một bộ phận.", **({"unit": unit_en} if unit_en else {}))
                                 for role, unit, unit_en in taken]
    return problems


def _cleaned(code: str, name: str, name_en: str) -> tuple[str, str, str]:
    return (code or "").strip(), (name or "").strip(), (name_en or "").strip()


def _record(session, agency_id: int, actor_id: int | None, action: str, **detail) -> None:
    session.add(UnitEvent(agency_id=agency_id, actor_id=actor_id, at=clock.now(), action=action, detail=detail))


def create_unit(uow, *, actor_id: int | None, agency_id: int, code: str, name: str, name_en: str = "",
                roles: Collection[str] = ()) -> Unit:
    """A new unit of the agency answering for ``roles``. ``actor_id`` None: the shell (the demo)."""
    code, name, name_en = _cleaned(code, name, name_en)
    roles = sorted(set(roles))
    with uow:
        session = uow.session
        if actor_id is not None:
            require_admin(session, actor_id)
        if session.get(Agency, agency_id) is None:
            raise NotFound("Không tìm thấy cơ quan.", "Agency not found.")
        problems = _problems(session, agency_id, code, name, name_en, roles, None)
        if problems:
            raise FormInvalid(problems)
        unit = Unit(agency_id=agency_id, code=code, name=name, name_en=name_en)
        session.add(unit)
        session.flush()
        session.add_all(UnitRole(agency_id=agency_id, role=role, unit_id=unit.id) for role in roles)
        _record(session, agency_id, actor_id, "unit_created", code=code, name=name, roles=roles)
        uow.commit()
    log.info("agency %s: unit %s created (%s), by %s", agency_id, code, ",".join(roles), actor_id)
    return unit


def _unit(session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy bộ phận.", "Unit not found.")
    return unit


def update_unit(uow, *, actor_id: int, unit_id: int, code: str, name: str, name_en: str,
                roles: Collection[str]) -> Unit:
    """Change a unit's code, names and roles: its steps are counted by the new roles from now on,
    in every period (the unit a step belongs to is read, not kept)."""
    code, name, name_en = _cleaned(code, name, name_en)
    roles = sorted(set(roles))
    with uow:
        session = uow.session
        require_admin(session, actor_id)
        unit = _unit(session, unit_id)
        problems = _problems(session, unit.agency_id, code, name, name_en, roles, unit.id)
        if problems:
            raise FormInvalid(problems)
        before = {"code": unit.code, "name": unit.name, "name_en": unit.name_en,
                  "roles": sorted(session.execute(select(UnitRole.role).where(UnitRole.unit_id == unit.id)).scalars())}
        unit.code, unit.name, unit.name_en = code, name, name_en
        session.execute(delete(UnitRole).where(UnitRole.unit_id == unit.id))
        session.add_all(UnitRole(agency_id=unit.agency_id, role=role, unit_id=unit.id) for role in roles)
        _record(session, unit.agency_id, actor_id, "unit_changed", before=before,
                after={"code": code, "name": name, "name_en": name_en, "roles": roles})
        uow.commit()
    log.info("unit %s: %s → %s %s, by %s", unit_id, before, code, ",".join(roles), actor_id)
    return unit


def delete_unit(uow, *, actor_id: int, unit_id: int) -> Unit:
    """Remove a unit: its roles answer to no unit, and its officers sit in none, until set again."""
    with uow:
        session = uow.session
        require_admin(session, actor_id)
        unit = _unit(session, unit_id)
        session.execute(update(Membership).where(Membership.unit_id == unit.id).values(unit_id=None))
        session.execute(delete(UnitRole).where(UnitRole.unit_id == unit.id))
        _record(session, unit.agency_id, actor_id, "unit_removed", code=unit.code, name=unit.name)
        session.delete(unit)
        uow.commit()
    log.info("unit %s (%s) removed, by %s", unit_id, unit.code, actor_id)
    return unit
