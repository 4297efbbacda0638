"""Hand-offs to partners that have not gone through, as the dossier page and the public tracking
page say it: to whom, since when, whether it is on its way, still being retried or waits for a
person, and who is dealing with it (the supervisors of the dossier's agency)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.models import Agency, Dossier, Partner, PartnerInbox, PartnerOutbox
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
    # The outbox row: what "Gửi lại" sends again (officers' pages only).
    outbox_id: int
    # Had an error before a supervisor sent it again (its count of attempts starts afresh).
    resent: bool = False

    @property
    def queued(self) -> bool:
        """Not tried yet: queued by the step that sends it (the scheduler sends within its next
        run), or sent again by a supervisor. Nothing has gone wrong with it (yet)."""
        return self.attempts == 0


def pending_hand_offs(session, dossier_id: int) -> list[StuckHandOff]:
    """Every hand-off of the dossier not yet accepted by its partner: the dossier page says each,
    so a dossier waiting for its first sending is not read as having no work left."""
    return _hand_offs(session, dossier_id, tried_only=False)


def stuck_hand_offs(session, dossier_id: int) -> list[StuckHandOff]:
    """The hand-offs that were tried and failed (the public tracking page's)."""
    return _hand_offs(session, dossier_id, tried_only=True)


def _hand_offs(session, dossier_id: int, *, tried_only: bool) -> list[StuckHandOff]:
    stmt = (select(PartnerOutbox, Partner.name, Dossier.agency_id, Agency.name)
            .join(Partner, Partner.id == PartnerOutbox.partner_id)
            .join(Dossier, Dossier.id == PartnerOutbox.dossier_id)
            .join(Agency, Agency.id == Dossier.agency_id)
            .where(PartnerOutbox.dossier_id == dossier_id, PartnerOutbox.delivered_at.is_(None))
            .order_by(PartnerOutbox.id))
    if tried_only:
        stmt = stmt.where(PartnerOutbox.attempts > 0, PartnerOutbox.last_error.is_not(None))
    rows = session.execute(stmt).all()
    result = []
    for row, partner_name, agency_id, agency_name in rows:
        names = tuple(u.full_name for u in supervisors(session, agency_id))
        result.append(StuckHandOff(partner_name=partner_name, since=row.created_at, attempts=row.attempts,
                                   dead=row.dead_at is not None, agency_name=agency_name, dealt_by=names,
                                   resent=row.attempts == 0 and row.last_error is not None, outbox_id=row.id))
    return result


@dataclass(frozen=True)
class SenderDossier:
    """A partner agency that opened this dossier with its request, and its own code for the
    dossier: what our officer quotes when calling them about it."""
    partner_name: str
    code: str


def sender_dossiers(session, dossier_id: int) -> list[SenderDossier]:
    """The partners' dossier codes this dossier answers to (an exchange a partner opened carries its
    dossier's code; one we opened carries ours, and is left out)."""
    rows = session.execute(
        select(Partner.name, PartnerInbox.correlation)
        .join(Partner, Partner.id == PartnerInbox.partner_id)
        .join(Dossier, Dossier.id == PartnerInbox.dossier_id)
        .where(PartnerInbox.dossier_id == dossier_id, PartnerInbox.correlation != Dossier.code)
        .order_by(PartnerInbox.id)).all()
    return [SenderDossier(name, code) for name, code in dict.fromkeys(rows)]
