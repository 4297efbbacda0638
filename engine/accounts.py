"""Agencies, users and memberships: creating them and checking passwords."""
from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from engine.models import Agency, Membership, Unit, UnitRole, User


def ensure_agency(session, *, code, name, kind="", area_code="", timezone="Asia/Ho_Chi_Minh") -> Agency:
    agency = session.execute(select(Agency).where(Agency.code == code)).scalar_one_or_none()
    if agency is None:
        agency = Agency(code=code, name=name, kind=kind, area_code=area_code, timezone=timezone)
        session.add(agency)
        session.flush()
    return agency


def ensure_user(session, *, username, full_name, password=None, password_hash=None, email="",
                is_admin=False) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        user = User(username=username, full_name=full_name, email=email, is_admin=is_admin,
                    password_hash=password_hash or generate_password_hash(password), locale="vi",
                    is_active=True)
        session.add(user)
        session.flush()
    return user


def grant(session, user, agency, role, unit: Unit | None = None) -> None:
    exists = session.execute(select(Membership).where(
        Membership.user_id == user.id, Membership.agency_id == agency.id, Membership.role == role)).scalar_one_or_none()
    if exists is None:
        session.add(Membership(user_id=user.id, agency_id=agency.id, role=role, unit_id=unit.id if unit else None))
        session.flush()
    elif exists.unit_id is None and unit is not None:
        exists.unit_id = unit.id


def ensure_unit(session, agency, *, code, name, name_en="", roles=()) -> Unit:
    """A unit of the agency answering for ``roles`` (those no unit answers for yet)."""
    unit = session.execute(select(Unit).where(Unit.agency_id == agency.id, Unit.code == code)).scalar_one_or_none()
    if unit is None:
        unit = Unit(agency_id=agency.id, code=code, name=name, name_en=name_en)
        session.add(unit)
        session.flush()
    taken = set(session.execute(select(UnitRole.role).where(UnitRole.agency_id == agency.id)).scalars())
    session.add_all(UnitRole(agency_id=agency.id, role=role, unit_id=unit.id) for role in roles if role not in taken)
    session.flush()
    return unit


def verify_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


# What a login checks when there is no hash to check (no such user, an account without a
# password): made like every real hash (same method and cost), so that every failed login costs
# one full check and the answer's timing does not tell which accounts exist or are inactive.
_STAND_IN_HASH = generate_password_hash(secrets.token_urlsafe(24))


def authenticate(session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None. Exactly one password-hash check
    on every path: unknown user, inactive account, no password set, wrong or right password."""
    name = (username or "").strip().lower()
    user = session.execute(select(User).where(User.username == name)).scalar_one_or_none() if name else None
    stored = user.password_hash if user is not None and user.password_hash else _STAND_IN_HASH
    matches = check_password_hash(stored, password)
    if user is None or not user.password_hash or not user.is_active or not matches:
        return None
    return user
