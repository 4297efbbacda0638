"""Hand-offs to partners that have not gone through, as the dossier page and the public tracking
page say it: to whom, since when, whether it is still being retried or waits for a person, and who
is dealing with it (the supervisors of the dossier's agency)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.models import Agency, Dossier, Partner, PartnerOutbox
from engine.officer_notices import supervisors


@dataclass(frozen=True)
class StuckHandOff:
    partner_name: str
    since: datetime
    attempts: int
    # Retries are over: a supervisor must act (resend, or call the partner).
    dead: bool
    agency_name: str
    # The people dealing with it (officers' pages only; the public page names the agency).
    dealt_by: tuple[str, ...]


def stuck_hand_offs(session, dossier_id: int) -> list[StuckHandOff]:
    rows = session.execute(
        select(PartnerOutbox, Partner.name, Dossier.agency_id, Agency.name)
        .join(Partner, Partner.id == PartnerOutbox.partner_id)
        .join(Dossier, Dossier.id == PartnerOutbox.dossier_id)
        .join(Agency, Agency.id == Dossier.agency_id)
        .where(PartnerOutbox.dossier_id == dossier_id, PartnerOutbox.delivered_at.is_(None),
               PartnerOutbox.attempts > 0, PartnerOutbox.last_error.is_not(None))
        .order_by(PartnerOutbox.id)).all()
    result = []
    for row, partner_name, agency_id, agency_name in rows:
        names = tuple(u.full_name for u in supervisors(session, agency_id))
        result.append(StuckHandOff(partner_name=partner_name, since=row.created_at, attempts=row.attempts,
                                   dead=row.dead_at is not None, agency_name=agency_name, dealt_by=names))
    return result
