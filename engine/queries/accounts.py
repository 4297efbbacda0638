"""Who is logging in, and what they hold: the few reads the login and every request need."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.models import Agency, Membership, User


@dataclass(frozen=True)
class Holding:
    """One (agency, role) pair a user holds: the unit of inbox visibility."""
    agency_id: int
    agency_name: str
    role: str


@dataclass(frozen=True)
class Officer:
    id: int
    username: str
    full_name: str
    locale: str
    is_active: bool
    is_admin: bool


def user_for_login(session, username: str) -> User | None:
    """The user row with its password hash, or None; usernames compare case-insensitively."""
    name = (username or "").strip().lower()
    if not name:
        return None
    return session.execute(select(User).where(User.username == name)).scalar_one_or_none()


def officer(session, user_id: int) -> Officer | None:
    row = session.execute(select(User.id, User.username, User.full_name, User.locale, User.is_active,
                                 User.is_admin).where(User.id == user_id)).one_or_none()
    return Officer(*row) if row else None


def holdings(session, user_id: int) -> list[Holding]:
    rows = session.execute(
        select(Membership.agency_id, Agency.name, Membership.role)
        .join(Agency, Agency.id == Membership.agency_id)
        .where(Membership.user_id == user_id)
        .order_by(Agency.name, Membership.role)).all()
    return [Holding(*row) for row in rows]
