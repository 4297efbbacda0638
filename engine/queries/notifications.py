"""A user's notifications: the unread count for the header, and the list, newest first.

Both read the ``(user_id, read_at, id)`` index: the count of unread rows, and one page of rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.models import Dossier, Notification

PER_PAGE = 25


@dataclass(frozen=True)
class NotificationRow:
    id: int
    created_at: datetime
    read_at: datetime | None
    message_vi: str
    message_en: str
    dossier_id: int | None
    dossier_code: str | None

    def message(self, locale: str = "vi") -> str:
        return self.message_en if locale.startswith("en") else self.message_vi


@dataclass(frozen=True)
class NotificationPage:
    rows: list[NotificationRow]
    page: int
    has_next: bool
    unread_only: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def unread_count(session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


def notifications(session, user_id: int, *, unread_only: bool = False, page: int = 1,
                  per_page: int = PER_PAGE) -> NotificationPage:
    page = max(1, int(page))
    stmt = (select(Notification.id, Notification.created_at, Notification.read_at, Notification.message_vi,
                   Notification.message_en, Notification.dossier_id, Dossier.code)
            .outerjoin(Dossier, Dossier.id == Notification.dossier_id)
            .where(Notification.user_id == user_id))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    rows = session.execute(stmt.order_by(Notification.id.desc())
                           .offset((page - 1) * per_page).limit(per_page + 1)).all()
    return NotificationPage(rows=[NotificationRow(*r) for r in rows[:per_page]], page=page,
                            has_next=len(rows) > per_page, unread_only=unread_only)
