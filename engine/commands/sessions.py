"""Sessions kept on the server: the one place where a sign-in starts, stays alive and ends.

A session is a row in ``user_sessions``; the browser's cookie holds only a random token naming
it (the table keeps the token's SHA-256). Ending the row ends the sign-in wherever the cookie was
copied to. Both audiences that sign people in use this module: officers (webapp/auth.py) and
citizens (webapp/citizen/session.py), through webapp/browser_session.py. A row belongs to an
officer (``user_id``) or to a citizen (``citizen_id``), never both, and ``resume`` answers only
for the audience asked: an officer's session is never a citizen's, nor the other way round.

    token = start(uow, user_id=..., address=..., user_agent=...)    # at login: always a new token
    token = start(uow, citizen_id=..., address=..., user_agent=...)  # a citizen's sign-in
    user_id = resume(motcua, token, policy)      # every request: the user, or None (then log out)
    row = live_session(motcua, token, policy)    # the same, with the officer's columns (row.holder)
    citizen_id = resume(motcua, token, policy, audience=CITIZEN)     # the same for a citizen
    end(uow, token, reason="logout")                                 # this session only
    end_all_for_user(uow, user_id, reason="password_changed")        # every session of the user
    end_all_in(session, user_id, reason=...)     # the same inside another command's transaction

Limits (``SessionPolicy.from_settings``), the same for both audiences: an idle timeout (no request
for that long) and an absolute lifetime (since sign-in), both configurable; an inactive officer's
sessions are dead.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from engine import clock
from engine.models import User, UserSession

LOGOUT = "logout"
PASSWORD_CHANGED = "password_changed"
DEACTIVATED = "deactivated"
IDLE = "idle"
EXPIRED = "expired"
REPLACED = "replaced"  # the same browser signed in again (either side): its old session ends

OFFICER = "officer"
CITIZEN = "citizen"


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=10)
    # last_seen_at is written at most this often: a page view is a read, not a write, most of the time.
    touch_every: timedelta = timedelta(minutes=1)

    @classmethod
    def from_settings(cls, settings) -> "SessionPolicy":
        return cls(idle=timedelta(minutes=settings.session_idle_minutes),
                   lifetime=timedelta(minutes=settings.session_lifetime_minutes))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(uow, *, user_id: int | None = None, citizen_id: int | None = None, address: str = "",
          user_agent: str = "") -> str:
    """Open a session of an officer (``user_id``) or of a citizen (``citizen_id``) and return its
    token (for the cookie). Always a new token: an identifier planted before the sign-in never
    becomes a signed-in one."""
    if (user_id is None) == (citizen_id is None):
        raise ValueError("a session belongs to exactly one officer or one citizen")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with uow:
        uow.session.add(UserSession(token_hash=token_hash(token), user_id=user_id, citizen_id=citizen_id,
                                    started_at=now, last_seen_at=now, end_reason="", address=(address or "")[:45],
                                    user_agent=(user_agent or "")[:255]))
        uow.commit()
    return token


def resume(motcua, token: str | None, policy: SessionPolicy, *, audience: str = OFFICER) -> int | None:
    """The officer's user id (or, for ``audience=CITIZEN``, the citizen's id) of the live session
    this token names, or None; a session of the other audience is None and left alone. Reads
    only, unless the session must be touched (at most once per ``touch_every``) or has just died
    (then it is ended)."""
    live = live_session(motcua, token, policy, audience=audience)
    return live.holder if live else None


def live_session(motcua, token: str | None, policy: SessionPolicy, *, audience: str = OFFICER):
    """``resume``, answering with the session's row: ``holder`` and, for an officer, the
    officer's own columns (``username``, ``full_name``, ``locale``, ``is_admin``): the page needs
    them on every request, and they come with the session's row in the same statement."""
    if not token:
        return None
    digest, now = token_hash(token), clock.now()
    with motcua.read_connection() as connection:
        row = connection.execute(_LIVE_SESSION[audience], {"digest": digest}).one_or_none()
    if row is None or row.ended_at is not None:
        return None
    reason = _dead(row, policy, now)
    if reason:
        _end_where(motcua.uow(), UserSession.id == row.session_id, reason)
        return None
    if now - row.last_seen_at >= policy.touch_every:
        touch(motcua.uow(), token)
    return row


def _live_session_statement(holder):
    # Built once per audience, of the tables' columns: it runs on every request.
    sessions, users = UserSession.__table__.c, User.__table__.c
    holder = sessions[holder.key]
    # A citizen has no account switch: only an officer's session dies with the account.
    return (select(sessions.id.label("session_id"), holder.label("holder"), sessions.started_at,
                   sessions.last_seen_at, sessions.ended_at, users.is_active, users.username, users.full_name,
                   users.locale, users.is_admin)
            .select_from(UserSession.__table__.outerjoin(User.__table__, users.id == sessions.user_id))
            .where(sessions.token_hash == bindparam("digest"), holder.is_not(None)))


_LIVE_SESSION = {OFFICER: _live_session_statement(UserSession.user_id),
                 CITIZEN: _live_session_statement(UserSession.citizen_id)}


def _dead(row, policy: SessionPolicy, now: datetime) -> str:
    if row.is_active is False:
        return DEACTIVATED
    if now >= row.started_at + policy.lifetime:
        return EXPIRED
    if now >= row.last_seen_at + policy.idle:
        return IDLE
    return ""


def touch(uow, token: str) -> None:
    """Record activity on a live session (what the idle timeout counts from)."""
    with uow:
        uow.session.execute(update(UserSession).where(UserSession.token_hash == token_hash(token),
                                                      UserSession.ended_at.is_(None))
                            .values(last_seen_at=clock.now()))
        uow.commit()


def end(uow, token: str | None, *, reason: str = LOGOUT) -> int:
    """End the session this token names; returns 1 if it was live, else 0."""
    if not token:
        return 0
    return _end_where(uow, UserSession.token_hash == token_hash(token), reason)


def end_all_for_user(uow, user_id: int, *, reason: str) -> int:
    """End every live session of the user; returns how many were ended."""
    with uow:
        count = end_all_in(uow.session, user_id, reason=reason)
        uow.commit()
        return count


def end_all_in(session, user_id: int, *, reason: str) -> int:
    """``end_all_for_user`` inside a transaction the caller owns (a password change, a
    deactivation): the sessions end in the same commit as the change, or not at all."""
    result = session.execute(update(UserSession).where(UserSession.user_id == user_id,
                                                       UserSession.ended_at.is_(None))
                             .values(ended_at=clock.now(), end_reason=reason))
    return result.rowcount


def _end_where(uow, condition, reason: str) -> int:
    with uow:
        result = uow.session.execute(update(UserSession).where(condition, UserSession.ended_at.is_(None))
                                     .values(ended_at=clock.now(), end_reason=reason))
        uow.commit()
        return result.rowcount
