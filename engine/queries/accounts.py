"""Who is logging in, and what they hold: the few reads the login and every request need."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from engine.folding import vietnamese_order
from engine.models import Agency, Membership, Unit, User


class UnitName(NamedTuple):
    """A unit's names, as the pages' ``unit_name`` filter reads them."""
    name: str
    name_en: str


@dataclass(frozen=True)
class Holding:
    """One (agency, role) pair a user holds: the unit of inbox visibility."""
    agency_id: int
    agency_name: str
    role: str
    unit_id: int | None = None  # the unit of the agency the user sits in, if set
    unit: UnitName | None = None


@dataclass(frozen=True)
class OwnSettings:
    """What a user sees and sets on their own account page."""
    username: str
    full_name: str
    email: str
    notify_by_mail: bool


def own_settings(session, user_id: int) -> OwnSettings:
    user = session.get(User, user_id)
    if user is None:
        from engine.errors import NotFound
        raise NotFound("Không tìm thấy người dùng.", "User not found.")
    return OwnSettings(user.username, user.full_name, user.email or "", bool(user.notify_by_mail))


def user_for_login(session, username: str) -> User | None:
    """The user row with its password hash, or None; usernames compare case-insensitively."""
    name = (username or "").strip().lower()
    if not name:
        return None
    return session.execute(select(User).where(User.username == name)).scalar_one_or_none()


def holdings(session, user_id: int) -> list[Holding]:
    rows = session.execute(
        select(Membership.agency_id, Agency.name, Membership.role)
        .join(Agency, Agency.id == Membership.agency_id)
        .where(Membership.user_id == user_id)
        .order_by(Agency.name, Membership.role)).all()
    return [Holding(*row) for row in rows]


@dataclass(frozen=True)
class Account:
    """A user as the administration page lists them."""
    id: int
    username: str
    full_name: str
    email: str
    is_active: bool
    is_admin: bool
    holdings: tuple[Holding, ...]


@dataclass(frozen=True)
class AccountChange:
    at: object
    actor_name: str | None
    action: str
    detail: dict


def accounts(session, actor_id: int, only: int | None = None) -> list[Account]:
    """Every account (or only the one with id ``only``) with what it holds, by name as a Vietnamese
    reader orders names (Đỗ after Dương, not after Vũ: engine/folding.py); for administrators only.
    Sorted here, not by the database, whose collation differs between SQLite and PostgreSQL: the
    list is every account, read in full anyway."""
    from engine.commands.calendar_admin import require_admin
    require_admin(session, actor_id)
    users_stmt = select(User)
    holdings_stmt = (select(Membership.user_id, Membership.agency_id, Agency.name, Membership.role, Membership.unit_id,
                            Unit.name, Unit.name_en)
                     .join(Agency, Agency.id == Membership.agency_id).outerjoin(Unit, Unit.id == Membership.unit_id)
                     .order_by(Agency.name, Membership.role))
    if only is not None:
        users_stmt = users_stmt.where(User.id == only)
        holdings_stmt = holdings_stmt.where(Membership.user_id == only)
    users = sorted(session.execute(users_stmt).scalars(), key=lambda u: (vietnamese_order(u.full_name), u.username))
    held: dict[int, list[Holding]] = {}
    for user_id, agency_id, name, role, unit_id, unit_name, unit_name_en in session.execute(holdings_stmt):
        unit = UnitName(unit_name, unit_name_en or "") if unit_id is not None else None
        held.setdefault(user_id, []).append(Holding(agency_id, name, role, unit_id, unit))
    return [Account(u.id, u.username, u.full_name, u.email, u.is_active, u.is_admin, tuple(held.get(u.id, ())))
            for u in users]


def account(session, actor_id: int, user_id: int) -> Account:
    from engine.errors import NotFound
    found = next(iter(accounts(session, actor_id, only=user_id)), None)
    if found is None:
        raise NotFound("Không tìm thấy người dùng.", "User not found.")
    return found


def account_history(session, actor_id: int, user_id: int) -> list[AccountChange]:
    """Newest first: who created, changed, reset or (de)activated this account."""
    from sqlalchemy.orm import aliased
    from engine.commands.calendar_admin import require_admin
    from engine.models import AccountEvent
    require_admin(session, actor_id)
    actor = aliased(User)
    rows = session.execute(select(AccountEvent.at, actor.full_name, AccountEvent.action, AccountEvent.detail)
                           .outerjoin(actor, actor.id == AccountEvent.actor_id)
                           .where(AccountEvent.user_id == user_id).order_by(AccountEvent.id.desc()).limit(200))
    return [AccountChange(*row) for row in rows]


def agency_choices(session) -> list[tuple[int, str]]:
    return [(a.id, a.name) for a in session.execute(select(Agency).order_by(Agency.name)).scalars()]
