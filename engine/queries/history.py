"""A dossier's history as people read it: who did what, when, and what the status became, and
what went to or came from a partner agency's own system on the way."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from engine.models import AuditEvent, Dossier, Partner, PartnerInbox, User
from engine.partners import ANY_PARTNER
from engine.procedures.partner_routes import PartnerRoute, partner_routes
from engine.runtime.host import procedure_of


@dataclass(frozen=True)
class Handoff:
    """A message to (``outgoing``) or from a partner agency, as the diagram names it."""
    outgoing: bool
    partner: str
    what: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_name: str | None
    action: str
    step_name: str | None
    status_before: int | None
    status_after: int | None
    detail: dict
    handoffs: tuple[Handoff, ...] = ()

    @property
    def reason(self) -> str | None:
        return self.detail.get("reason")

    @property
    def event(self) -> str:
        """What happened, for its label: a step a send-back hands straight to the officer who did
        it before is recorded as a reassignment, but it went to no other officer."""
        if self.action == "reassigned" and self.detail.get("returned"):
            return "returned_to_finisher"
        return self.action


def received_messages(action: str, detail: dict | None) -> list[str]:
    """The partner messages an audit event handed into the dossier."""
    detail = detail or {}
    names = list(detail.get("partner_messages", []))
    if action == "partner_message" and detail.get("message") and detail["message"] not in names:
        names.append(detail["message"])
    return names


def partner_name(session, dossier_id: int, route: PartnerRoute) -> str:
    """The partner agency as registered (people read "Bảo hiểm xã hội cơ sở Tân Phong", not the
    diagram's short pool name "BHXH"): the partner with the pool's code, or for a pool standing
    for any partner, the partner that asked; the pool's name when no such partner is registered."""
    if route.code != ANY_PARTNER:
        found = select(Partner.name).where(Partner.code == route.code)
    else:
        found = (select(Partner.name).join(PartnerInbox, PartnerInbox.partner_id == Partner.id)
                 .where(PartnerInbox.dossier_id == dossier_id).order_by(PartnerInbox.id).limit(1))
    return session.execute(found).scalar() or route.pool


def dossier_history(session, dossier_id: int) -> list[HistoryEntry]:
    """Oldest first, in the order the events were appended (the audit index serves it)."""
    rows = session.execute(
        select(AuditEvent.at, User.full_name, AuditEvent.action, AuditEvent.step_name,
               AuditEvent.status_before, AuditEvent.status_after, AuditEvent.detail)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.dossier_id == dossier_id)
        .order_by(AuditEvent.id)).all()
    entries = [HistoryEntry(*row) for row in rows]
    if not any((e.detail or {}).get("events") or received_messages(e.action, e.detail) for e in entries):
        return entries  # no message left or entered the workflow: no need to read the diagram
    return _with_handoffs(session, dossier_id, entries)


def _with_handoffs(session, dossier_id: int, entries: list[HistoryEntry]) -> list[HistoryEntry]:
    dossier = session.get(Dossier, dossier_id)
    routes = partner_routes(procedure_of(dossier).manifest, lambda: dossier.procedure_version.bpmn_xml)
    if not routes:
        return entries
    names: dict[str, str] = {}

    def handoff(message: str, outgoing: bool) -> Handoff | None:
        route = routes.get(message)
        if route is None or route.outgoing != outgoing:
            return None
        if route.pool not in names:
            names[route.pool] = partner_name(session, dossier_id, route)
        return Handoff(outgoing, names[route.pool], route.what)

    result = []
    for entry in entries:
        found = [handoff(m, False) for m in received_messages(entry.action, entry.detail)]
        found += [handoff(m, True) for m in (entry.detail or {}).get("events", [])]
        found = tuple(h for h in found if h is not None)
        result.append(replace(entry, handoffs=found) if found else entry)
    return result
