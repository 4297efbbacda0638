"""Marking notifications read: one, or all of them. Only ever the actor's own."""
from __future__ import annotations

from sqlalchemy import update

from engine import clock
from engine.commands._steps import not_permitted
from engine.models import Notification


def mark_read(uow, *, actor_id: int, notification_id: int | None = None) -> int:
    """Mark one notification (or, with no id, every unread one) of the actor read; returns how
    many changed. Someone else's notification is "not found", whoever asks."""
    with uow:
        session = uow.session
        stmt = update(Notification).where(Notification.user_id == actor_id, Notification.read_at.is_(None))
        if notification_id is not None:
            owner = session.get(Notification, notification_id)
            if owner is None or owner.user_id != actor_id:
                raise not_permitted()
            stmt = stmt.where(Notification.id == notification_id)
        changed = session.execute(stmt.values(read_at=clock.now())).rowcount
        uow.commit()
        return changed
