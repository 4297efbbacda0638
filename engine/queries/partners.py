"""What supervisors and administrators see of partner hand-offs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.models import Dossier, Partner, PartnerOutbox


@dataclass(frozen=True)
class DeadLetter:
    id: int
    dossier_code: str
    partner_code: str
    message: str
    attempts: int
    dead_at: datetime
    last_error: str


def dead_letters(session, agency_id: int | None = None, limit: int = 200) -> list[DeadLetter]:
    """Messages a partner never accepted, newest first (optionally one agency's dossiers)."""
    stmt = (select(PartnerOutbox.id, Dossier.code, Partner.code, PartnerOutbox.message, PartnerOutbox.attempts,
                   PartnerOutbox.dead_at, PartnerOutbox.last_error)
            .join(Dossier, Dossier.id == PartnerOutbox.dossier_id).join(Partner, Partner.id == PartnerOutbox.partner_id)
            .where(PartnerOutbox.dead_at.is_not(None)).order_by(PartnerOutbox.dead_at.desc()).limit(limit))
    if agency_id is not None:
        stmt = stmt.where(Dossier.agency_id == agency_id)
    return [DeadLetter(*row[:6], row[6] or "") for row in session.execute(stmt)]
