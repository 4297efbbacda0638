"""What administrators see of the messages that did not go out (/admin/mail): mail given up
(never delivered), with why, which they may send again; and mail and SMS that failed and are
still being retried, or SMS given up, with the mail server's or the operator's answer, so the
cause can be fixed while the scheduler keeps trying."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.citizen_notices import INVALID_ADDRESS
from engine.commands.calendar_admin import require_admin
from engine.models import OutgoingMail, OutgoingSms


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


@dataclass(frozen=True)
class FailingMessage:
    channel: str  # mail · sms
    to: str
    what: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None  # None: given up
    last_error: str


def failing_messages(session, actor_id: int, limit: int = 200) -> list[FailingMessage]:
    """SMS that failed at least once and were not sent (retrying or given up), and mail that failed
    and is still retried (mail given up is ``undelivered``), newest first."""
    require_admin(session, actor_id)
    mails = session.execute(
        select(OutgoingMail.to_address, OutgoingMail.subject, OutgoingMail.created_at, OutgoingMail.attempts,
               OutgoingMail.next_attempt_at, OutgoingMail.last_error)
        .where(OutgoingMail.next_attempt_at.is_not(None), OutgoingMail.last_error.is_not(None))
        .order_by(OutgoingMail.id.desc()).limit(limit)).all()
    texts = session.execute(
        select(OutgoingSms.to_number, OutgoingSms.body, OutgoingSms.created_at, OutgoingSms.attempts,
               OutgoingSms.next_attempt_at, OutgoingSms.last_error)
        .where(OutgoingSms.sent_at.is_(None), OutgoingSms.last_error.is_not(None))
        .order_by(OutgoingSms.id.desc()).limit(limit)).all()
    rows = [FailingMessage("mail", *row) for row in mails] + [FailingMessage("sms", *row) for row in texts]
    return sorted(rows, key=lambda r: r.created_at, reverse=True)[:limit]
