"""What administrators see of the mail outbox: messages given up (never delivered), with why."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.citizen_notices import INVALID_ADDRESS
from engine.commands.calendar_admin import require_admin
from engine.models import OutgoingMail


@dataclass(frozen=True)
class UndeliveredMail:
    id: int
    to_address: str
    subject: str
    created_at: datetime
    failed_at: datetime
    attempts: int
    kind: str  # "invalid_address", "refused" (by the mail server, for good), "gave_up" (too many failures)
    detail: str  # the mail server's last answer, or the failure, as recorded


def _reason(last_error: str) -> tuple[str, str]:
    if last_error == INVALID_ADDRESS:
        return "invalid_address", ""
    kind, _, detail = last_error.partition(": ")
    return ("refused" if kind == "MailRefused" else "gave_up"), (detail if _ else last_error)


def undelivered(session, actor_id: int, limit: int = 200) -> list[UndeliveredMail]:
    """Mail the outbox gave up on, newest first (through the ``failed_at`` index)."""
    require_admin(session, actor_id)
    stmt = (select(OutgoingMail.id, OutgoingMail.to_address, OutgoingMail.subject, OutgoingMail.created_at,
                   OutgoingMail.failed_at, OutgoingMail.attempts, OutgoingMail.last_error)
            .where(OutgoingMail.failed_at.is_not(None))
            .order_by(OutgoingMail.failed_at.desc(), OutgoingMail.id.desc()).limit(limit))
    return [UndeliveredMail(*row[:6], *_reason(row[6] or "")) for row in session.execute(stmt)]


def waiting_count(session, actor_id: int) -> int:
    """Mail still to be sent (first try or a retry)."""
    require_admin(session, actor_id)
    return session.scalar(select(func.count()).select_from(OutgoingMail)
                          .where(OutgoingMail.next_attempt_at.is_not(None)))
