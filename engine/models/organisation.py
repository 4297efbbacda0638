"""Who works here: agencies and their calendars, officers, their roles and units, their sign-ins
and sessions."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON, BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UtcDateTime


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # National identifier code of the agency, e.g. 000.00.06.H56: the prefix of dossier codes.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # What sort of agency this is (e.g. "commune_committee", "commune_police"): a pool in a
    # collaboration diagram names a kind, and the dossier's area picks the agency of that kind.
    kind: Mapped[str] = mapped_column(String(60), default="")
    area_code: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(60), default="Asia/Ho_Chi_Minh")
    # Which holiday calendar the agency follows, and its office hours ("07:00-11:30,13:30-17:00").
    calendar_code: Mapped[str] = mapped_column(String(40), default="VN")
    office_hours: Mapped[str] = mapped_column(String(80), default="07:00-11:30,13:30-17:00")
    # Names the agency's working calendar as it stands: database triggers set a new random value
    # whenever its calendar days change (migration 0031), so a process that cached the calendar
    # (engine/calendar/store.py calendar_for) sees another process's change on its next read of the
    # agency. Random rather than counted: another database under the same URL (a test database
    # reset, a restored backup) never repeats a value that names other days.
    calendar_revision: Mapped[int] = mapped_column(BigInteger, default=lambda: secrets.randbits(62),
                                                   server_default=text("0"))


class CalendarDay(Base):
    """An exception to "Monday to Friday": a day off on a weekday, or a worked weekend day."""
    __tablename__ = "calendar_days"
    calendar_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(255), default="")
    # "holidays" when seeded from the package, "admin" when an administrator set it: seeding never
    # overwrites an administrator's correction.
    source: Mapped[str] = mapped_column(String(20), default="holidays")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    locale: Mapped[str] = mapped_column(String(10), default="vi")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Notices of ordinary work events (engine/officer_notices.py) also by mail, when there is an address.
    notify_by_mail: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")


class Membership(Base):
    """A user holds a role in an agency. Lanes in the BPMN name roles."""
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "agency_id", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    # Where the user sits in the agency (a unit of that agency), when the administrator said so.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    user: Mapped[User] = relationship(back_populates="memberships")
    agency: Mapped[Agency] = relationship()


class Unit(Base):
    """An organisational unit inside an agency (phòng, ban, bộ phận: "Bộ phận Một cửa",
    "Công chức Tư pháp – Hộ tịch"). It answers for one or more roles (BPMN lanes) of its agency
    (``UnitRole``), so every step of a dossier belongs to the unit of its lane
    (docs/STATISTICS.md, "Units")."""
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")


class UnitRole(Base):
    """A role (lane) of an agency and the one unit that answers for it."""
    __tablename__ = "unit_roles"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(60), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)


class UnitEvent(Base):
    """Append-only history of units: who created, changed or removed which unit of which agency
    (engine/commands/units.py)."""
    __tablename__ = "unit_events"
    __table_args__ = (Index("ix_unit_events_agency", "agency_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)  # None: the shell
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class AccountEvent(Base):
    """Append-only history of accounts: who created, changed the roles of, reset the password of,
    deactivated or reactivated whom (engine/commands/accounts.py). Passwords never appear."""
    __tablename__ = "account_events"
    __table_args__ = (Index("ix_account_events_user", "user_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)  # None: the shell
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class UserSession(Base):
    """One sign-in, kept on the server (engine/commands/sessions.py): an officer's login or a
    citizen's, never both. The browser's cookie only names it, so ending it here ends it
    everywhere, whatever copies of the cookie exist."""
    __tablename__ = "user_sessions"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (citizen_id IS NULL)",
                                      name="ck_user_sessions_one_holder"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the random token in the cookie: a stolen copy of this table opens nothing.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Whose it is: an officer (users) or a citizen (citizens), exactly one of the two.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # logout · password_changed · deactivated · idle · expired · ended_by_admin · replaced
    end_reason: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")


class LoginAttempt(Base):
    """Login attempts per (username, client address) in the current window: the shared brake on
    password guessing (engine/commands/login_throttle.py)."""
    __tablename__ = "login_attempts"
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
