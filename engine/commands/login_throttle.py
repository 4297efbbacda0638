"""A brake on password guessing, shared by every process of a deployment: one row per
(username, client address) in the database, counted atomically.

Each login attempt first *reserves* its try with a single UPSERT that increments the counter
and returns it; only the first ``max_attempts`` of a window go on to check the password. So 30
simultaneous guesses, from any number of web processes or hosts, check at most ``max_attempts``
passwords: there is no read-then-write gap to race through. A successful login clears the row;
a window starts at the first try and lasts ``window`` (then the count starts again).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, literal

from engine import clock
from engine.db import insert_for
from engine.models import LoginAttempt, UtcDateTime

USERNAME_LENGTH = 80  # longer names cannot exist (users.username); the key keeps what can


@dataclass(frozen=True)
class ThrottlePolicy:
    max_attempts: int = 5
    window: timedelta = timedelta(minutes=15)


def _key(username: str, address: str) -> tuple[str, str]:
    return (username or "").strip().lower()[:USERNAME_LENGTH], (address or "")[:45]


def reserve(uow, username: str, address: str, policy: ThrottlePolicy) -> timedelta | None:
    """Count one login attempt. None: go on and check the password. Otherwise the attempt is
    refused without checking anything, and the answer is how long until the window ends."""
    username, address = _key(username, address)
    now = clock.now()
    at_now = literal(now, UtcDateTime())
    stale = LoginAttempt.window_started_at <= literal(now - policy.window, UtcDateTime())
    with uow:
        statement = insert_for(uow.session, LoginAttempt).values(username=username, address=address, window_started_at=now,
                                                attempts=1)
        statement = statement.on_conflict_do_update(
            index_elements=[LoginAttempt.username, LoginAttempt.address],
            set_={"attempts": case((stale, 1), else_=LoginAttempt.attempts + 1),
                  "window_started_at": case((stale, at_now), else_=LoginAttempt.window_started_at)},
        ).returning(LoginAttempt.attempts, LoginAttempt.window_started_at)
        attempts, started = uow.session.execute(statement).one()
        # Rows of windows long over (invented usernames, old addresses) go as new ones come.
        uow.session.execute(delete(LoginAttempt).where(
            LoginAttempt.window_started_at < literal(now - policy.window, UtcDateTime())))
        uow.commit()
    if attempts <= policy.max_attempts:
        return None
    return started + policy.window - now


def succeeded(uow, username: str, address: str) -> None:
    """The password was right: forget this pair's attempts."""
    username, address = _key(username, address)
    with uow:
        uow.session.execute(delete(LoginAttempt).where(LoginAttempt.username == username,
                                                       LoginAttempt.address == address))
        uow.commit()
