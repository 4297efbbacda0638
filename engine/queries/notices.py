"""The printed notices that end a dossier without a result: the refusal at reception (form 03), the
withdrawal at the citizen's request and the stop of processing, read from the dossier's history
(the audit event that ended it carries the reason and who asked)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.commands._steps import LEADER, RECEPTION, SUPERVISOR, has_role
from engine.errors import NotFound
from engine.models import AuditEvent, User
from engine.queries.dossier import DossierHeader, _header
from engine.statuses import CLOSED, DossierStatus

# The status that ends a dossier this way, and the history action that recorded it.
ENDINGS = {DossierStatus.NOT_RECEIVED: "refused", DossierStatus.WITHDRAWN: "withdrawn",
           DossierStatus.STOPPED: "stopped"}


@dataclass(frozen=True)
class EndingNotice:
    dossier: DossierHeader
    action: str  # refused · withdrawn · stopped
    reason: str
    requested_by: str  # who asked (withdrawal, stop): the words the officer recorded
    at: datetime
    officer_name: str


def ending_notice(session, user_id: int, dossier_id: int, action: str) -> EndingNotice:
    """The notice of how the dossier ended, for an officer who may see it. NotFound when it did
    not end that way."""
    header = _header(session, user_id, dossier_id)
    if ENDINGS.get(DossierStatus(header.status)) != action:
        raise NotFound("Hồ sơ này không có thông báo đó.", "This dossier has no such notice.")
    row = session.execute(
        select(AuditEvent.detail, AuditEvent.at, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.dossier_id == dossier_id, AuditEvent.action == action)
        .order_by(AuditEvent.id.desc()).limit(1)).one()
    detail = row.detail or {}
    return EndingNotice(header, action, detail.get("reason", ""), detail.get("requested_by", ""), row.at,
                        row.full_name or "")


@dataclass(frozen=True)
class EndingRights:
    """Which of the ways to end a dossier this officer may use on it now."""
    withdraw: bool  # record the citizen's withdrawal: reception or supervisor of the receiving agency
    stop: bool  # stop processing: leader or supervisor of the receiving agency


def ending_rights(session, user_id: int, header: DossierHeader) -> EndingRights:
    if DossierStatus(header.status) in CLOSED or header.failure:
        return EndingRights(False, False)
    return EndingRights(withdraw=has_role(session, user_id, header.agency_id, RECEPTION, SUPERVISOR),
                        stop=has_role(session, user_id, header.agency_id, LEADER, SUPERVISOR))
