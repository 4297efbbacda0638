"""Who hears about an escalation, and the notification and mail each of them gets."""
from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from engine import clock
from engine.models import Membership, Notification, OutgoingMail, User


def members(session, agency_id: int, role: str) -> list[User]:
    return list(session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.agency_id == agency_id, Membership.role == role, User.is_active.is_(True))
        .order_by(User.id)).scalars())


def local_time(instant, timezone="Asia/Ho_Chi_Minh") -> str:
    return instant.astimezone(ZoneInfo(timezone)).strftime("%H:%M %d/%m/%Y")


def notice_time(instant, timezone="Asia/Ho_Chi_Minh", locale="vi") -> str:
    """A moment as a mail, an SMS or a notification says it: "09:00 ngày 23/11/2026" (the
    Vietnamese order: the hour, then the day), "09:00 on 23/11/2026" in English."""
    local = instant.astimezone(ZoneInfo(timezone))
    word = "ngày" if locale == "vi" else "on"
    return f"{local:%H:%M} {word} {local:%d/%m/%Y}"


class Notice(NamedTuple):
    """What one escalation tells its recipients (rows or users with ``id`` and ``email``)."""
    escalation_id: int
    dossier_id: int
    users: list
    message_vi: str
    message_en: str


def notify(session, escalation, users, message_vi: str, message_en: str) -> None:
    notify_all(session, [Notice(escalation.id, escalation.dossier_id, users, message_vi, message_en)])


def notify_all(session, notices: list[Notice]) -> None:
    """A notification per recipient, and a mail to those with an address, in two bulk inserts."""
    now = clock.now()
    notifications, mails = [], []
    for n in notices:
        for user in n.users:
            notifications.append(dict(user_id=user.id, dossier_id=n.dossier_id, escalation_id=n.escalation_id,
                                      created_at=now, message_vi=n.message_vi, message_en=n.message_en))
            if user.email:
                mails.append(dict(
                    dedupe_key=f"escalation-{n.escalation_id}-user-{user.id}", to_address=user.email,
                    subject=f"[Một cửa] {n.message_vi}"[:255], body=f"{n.message_vi}\n\n{n.message_en}\n",
                    created_at=now, next_attempt_at=now, attempts=0))
    if notifications:
        session.execute(insert(Notification), notifications)
    if mails:
        session.execute(insert(OutgoingMail), mails)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes, at most an hour between tries."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))
