"""A dossier's history as people read it: who did what, when, and what the status became."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.models import AuditEvent, User


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_name: str | None
    action: str
    step_name: str | None
    status_before: int | None
    status_after: int | None
    detail: dict

    @property
    def reason(self) -> str | None:
        return self.detail.get("reason")


def dossier_history(session, dossier_id: int) -> list[HistoryEntry]:
    """Oldest first, in the order the events were appended (the audit index serves it)."""
    rows = session.execute(
        select(AuditEvent.at, User.full_name, AuditEvent.action, AuditEvent.step_name,
               AuditEvent.status_before, AuditEvent.status_after, AuditEvent.detail)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.dossier_id == dossier_id)
        .order_by(AuditEvent.id)).all()
    return [HistoryEntry(*row) for row in rows]
