"""Who hears about an escalation, and the notification and mail each of them gets."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import clock
from engine.models import Membership, Notification, OutgoingMail, User


def members(session, agency_id: int, role: str) -> list[User]:
    return list(session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.agency_id == agency_id, Membership.role == role, User.is_active.is_(True))
        .order_by(User.id)).scalars())


def local_time(instant, timezone="Asia/Ho_Chi_Minh") -> str:
    return instant.astimezone(ZoneInfo(timezone)).strftime("%H:%M %d/%m/%Y")


def notify(session, escalation, users, message_vi: str, message_en: str) -> None:
    now = clock.now()
    for user in users:
        session.add(Notification(user_id=user.id, dossier_id=escalation.dossier_id, escalation_id=escalation.id,
                                 created_at=now, message_vi=message_vi, message_en=message_en))
        if user.email:
            session.add(OutgoingMail(
                dedupe_key=f"escalation-{escalation.id}-user-{user.id}", to_address=user.email,
                subject=f"[Một cửa] {message_vi}"[:255], body=f"{message_vi}\n\n{message_en}\n",
                created_at=now, next_attempt_at=now, attempts=0))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour between tries."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))
