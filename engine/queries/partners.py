"""What supervisors and administrators see of partner hand-offs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.commands.calendar_admin import require_admin
from engine.models import Agency, Dossier, Partner, PartnerOutbox, PartnerReject, ProcedureVersion


@dataclass(frozen=True)
class DeadLetter:
    id: int
    dossier_code: str
    partner_code: str
    message: str
    attempts: int
    dead_at: datetime
    last_error: str
    dossier_id: int = 0
    message_label: str = ""  # what the diagram's message flow says is carried (the message is its key)
    partner_name: str = ""  # what people call the partner; the code is the systems' key
    # When the step that sends it was done: how long the dossier has waited for the hand-off.
    queued_at: datetime | None = None


@dataclass(frozen=True)
class PartnerRow:
    """A partner as the administration page shows it: never the keys, only their last characters
    (enough to compare with what the partner says it holds)."""
    id: int
    code: str
    name: str
    endpoint: str
    our_code: str
    agency_id: int | None
    agency_name: str
    active: bool
    key_tail: str
    previous_key_tail: str


@dataclass(frozen=True)
class WaitingMessage:
    id: int
    dossier_id: int
    dossier_code: str
    partner_code: str
    message: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    message_label: str = ""
    partner_name: str = ""
    queued_at: datetime | None = None


@dataclass(frozen=True)
class Reject:
    at: datetime  # the start of the ten minutes the row counts
    partner_code: str
    reason: str
    remote_addr: str
    count: int = 1
    last_at: datetime | None = None


KEY_TAIL = 4


def _label(manifest: dict | None, message: str) -> str:
    """The message as the diagram's message flow names it ("Phiếu chuyển thông tin…"); the message
    name is a key for the machines at both ends."""
    route = ((manifest or {}).get("partner_routes") or {}).get(message) or {}
    what = route.get("what") or ""
    return what if what and what != message else ""


def _tail(key: str | None) -> str:
    return key[-KEY_TAIL:] if key else ""


def partners(session, actor_id: int) -> list[PartnerRow]:
    require_admin(session, actor_id)
    stmt = (select(Partner, Agency.name).outerjoin(Agency, Agency.id == Partner.agency_id).order_by(Partner.code))
    return [PartnerRow(p.id, p.code, p.name, p.endpoint, p.our_code, p.agency_id, agency_name or "", bool(p.active),
                       _tail(p.key), _tail(p.previous_key)) for p, agency_name in session.execute(stmt)]


def agency_choices(session, actor_id: int) -> list[tuple[int, str]]:
    """Agencies that may receive the dossiers a partner's request opens."""
    require_admin(session, actor_id)
    return [(a.id, a.name) for a in session.execute(select(Agency).order_by(Agency.name)).scalars()]


def dead_letters(session, agency_id: int | None = None, limit: int = 200,
                 agency_ids: list[int] | None = None) -> list[DeadLetter]:
    """Messages a partner never accepted, newest first (optionally one agency's, or some agencies', dossiers)."""
    stmt = (select(PartnerOutbox.id, Dossier.code, Partner.code, PartnerOutbox.message, PartnerOutbox.attempts,
                   PartnerOutbox.dead_at, PartnerOutbox.last_error, Dossier.id, ProcedureVersion.manifest, Partner.name,
                   PartnerOutbox.created_at)
            .join(Dossier, Dossier.id == PartnerOutbox.dossier_id).join(Partner, Partner.id == PartnerOutbox.partner_id)
            .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
            .where(PartnerOutbox.dead_at.is_not(None)).order_by(PartnerOutbox.dead_at.desc()).limit(limit))
    if agency_id is not None:
        stmt = stmt.where(Dossier.agency_id == agency_id)
    if agency_ids is not None:
        stmt = stmt.where(Dossier.agency_id.in_(agency_ids))
    return [DeadLetter(*row[:6], row[6] or "", row[7], _label(row[8], row[3]), row[9], row[10])
            for row in session.execute(stmt)]


def _waiting(session, stmt) -> list[WaitingMessage]:
    return [WaitingMessage(*row[:7], row[7] or "", _label(row[8], row[4]), row[9], row[10])
            for row in session.execute(stmt)]


def _waiting_select():
    """Messages still to be sent (again): ``next_attempt_at`` is set only while a row waits or is
    being sent (indexed), NULL once delivered or dead."""
    return (select(PartnerOutbox.id, Dossier.id, Dossier.code, Partner.code, PartnerOutbox.message,
                   PartnerOutbox.attempts, PartnerOutbox.next_attempt_at, PartnerOutbox.last_error,
                   ProcedureVersion.manifest, Partner.name, PartnerOutbox.created_at)
            .join(Dossier, Dossier.id == PartnerOutbox.dossier_id).join(Partner, Partner.id == PartnerOutbox.partner_id)
            .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
            .where(PartnerOutbox.next_attempt_at.is_not(None), PartnerOutbox.delivered_at.is_(None),
                   PartnerOutbox.dead_at.is_(None)))


def waiting_messages(session, actor_id: int, limit: int = 200) -> list[WaitingMessage]:
    """Messages a partner has not accepted yet and that will be sent (again), soonest first."""
    require_admin(session, actor_id)
    return _waiting(session, _waiting_select().order_by(PartnerOutbox.next_attempt_at).limit(limit))


def retrying_messages(session, agency_ids: list[int], limit: int = 200) -> list[WaitingMessage]:
    """The supervisor's view of ``waiting_messages``: those of some agencies' dossiers that failed
    at least once and that the scheduler still resends by itself, newest first. A row counts its
    attempt when it is leased, so a first sending in flight (no error yet) is not one of them; nor
    is a dead letter a supervisor sent again (its count starts afresh)."""
    if not agency_ids:
        return []
    stmt = (_waiting_select()
            .where(PartnerOutbox.attempts > 0, PartnerOutbox.last_error.is_not(None),
                   Dossier.agency_id.in_(agency_ids))
            .order_by(PartnerOutbox.id.desc()).limit(limit))
    return _waiting(session, stmt)


def recent_rejects(session, actor_id: int, limit: int = 100) -> list[Reject]:
    """The last requests refused at our partner endpoint, newest first."""
    require_admin(session, actor_id)
    stmt = select(PartnerReject).order_by(PartnerReject.at.desc(), PartnerReject.id.desc()).limit(limit)
    return [Reject(r.at, r.partner_code, r.reason, r.remote_addr, r.count, r.last_at or r.at)
            for r in session.execute(stmt).scalars()]
