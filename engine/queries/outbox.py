"""Messages to citizens that did not go out: for the administrator, who fixes the cause (the SMTP
server, the SMS operator's key) while the scheduler keeps retrying."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.models import OutgoingMail, OutgoingSms

LIMIT = 200


@dataclass(frozen=True)
class Undelivered:
    channel: str  # mail · sms
    to: str
    what: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None  # None: given up
    last_error: str


def undelivered(session) -> list[Undelivered]:
    """Unsent messages that failed at least once, newest first (through the outboxes' own rows)."""
    mails = session.execute(
        select(OutgoingMail.to_address, OutgoingMail.subject, OutgoingMail.created_at, OutgoingMail.attempts,
               OutgoingMail.next_attempt_at, OutgoingMail.last_error)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.last_error.is_not(None))
        .order_by(OutgoingMail.id.desc()).limit(LIMIT)).all()
    texts = session.execute(
        select(OutgoingSms.to_number, OutgoingSms.body, OutgoingSms.created_at, OutgoingSms.attempts,
               OutgoingSms.next_attempt_at, OutgoingSms.last_error)
        .where(OutgoingSms.sent_at.is_(None), OutgoingSms.last_error.is_not(None))
        .order_by(OutgoingSms.id.desc()).limit(LIMIT)).all()
    rows = [Undelivered("mail", *row) for row in mails] + [Undelivered("sms", *row) for row in texts]
    return sorted(rows, key=lambda r: r.created_at, reverse=True)
