"""What an administrator sees of the national portal's sync: the backlog, the last error, and
the records that gave up."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.commands.calendar_admin import require_admin
from engine.models import Dossier, PortalOutbox


@dataclass(frozen=True)
class PortalBacklog:
    waiting: int  # to be sent (or sent again)
    dead: int  # given up, waiting for an administrator
    oldest_waiting_at: datetime | None
    last_delivered_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None


@dataclass(frozen=True)
class PortalRecord:
    id: int
    dossier_id: int
    dossier_code: str
    status: int
    attempts: int
    when: datetime | None  # next attempt (waiting) or when it gave up (dead)
    last_error: str


def backlog(session, actor_id: int) -> PortalBacklog:
    require_admin(session, actor_id)
    waiting, oldest = session.execute(
        select(func.count(), func.min(PortalOutbox.created_at)).where(PortalOutbox.next_attempt_at.is_not(None))).one()
    dead = session.execute(select(func.count()).where(PortalOutbox.dead_at.is_not(None))).scalar()
    # Read through the indexes: the newest failure is among the waiting or the dead rows.
    failing = session.execute(
        select(PortalOutbox.last_error, PortalOutbox.created_at)
        .where((PortalOutbox.next_attempt_at.is_not(None)) | (PortalOutbox.dead_at.is_not(None)),
               PortalOutbox.last_error.is_not(None))
        .order_by(PortalOutbox.id.desc()).limit(1)).first()
    # Newest rows are delivered first in practice: a backward walk of the primary key stops early.
    delivered = session.execute(select(PortalOutbox.delivered_at).where(PortalOutbox.delivered_at.is_not(None))
                                .order_by(PortalOutbox.id.desc()).limit(1)).scalar()
    return PortalBacklog(waiting, dead, oldest, delivered, failing[0] if failing else None,
                         failing[1] if failing else None)


def records(session, actor_id: int, *, dead: bool, limit: int = 100) -> list[PortalRecord]:
    """Dead letters newest first, or waiting records soonest first."""
    require_admin(session, actor_id)
    column = PortalOutbox.dead_at if dead else PortalOutbox.next_attempt_at
    stmt = (select(PortalOutbox.id, Dossier.id, Dossier.code, PortalOutbox.status, PortalOutbox.attempts, column,
                   PortalOutbox.last_error)
            .join(Dossier, Dossier.id == PortalOutbox.dossier_id).where(column.is_not(None))
            .order_by(column.desc() if dead else column).limit(limit))
    return [PortalRecord(*row[:6], row[6] or "") for row in session.execute(stmt)]
