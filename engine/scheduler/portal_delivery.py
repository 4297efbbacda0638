"""Sending the national portal's outbox (engine/portal_sync.py), in order per dossier.

The loop it shares with the partner outbox (``send_due`` in lease.py): lease a row in a short
transaction, send with no transaction open, record the outcome. A dossier's record goes only when
every earlier record of that dossier has been delivered, so the portal sees its statuses in the
order they happened; a record the portal does not take is tried again with growing pauses and,
after ``MAX_ATTEMPTS``, becomes a dead letter that holds the dossier's later records back until an
administrator sends it again (engine/commands/portal.py). Delivery is at least once, like partner
messages: a scheduler that dies between the portal's answer and recording it sends that record
again when its lease runs out.
"""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from engine.models import Dossier, PortalOutbox
from engine.portal_sync import record_to_send
from engine.scheduler.lease import DeliveryReport, send_due

BATCH = 100
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)

_earlier = aliased(PortalOutbox)
# An earlier record of the same dossier not delivered yet (waiting, leased or dead).
_WAITS_FOR_EARLIER = exists().where(_earlier.dossier_id == PortalOutbox.dossier_id, _earlier.id < PortalOutbox.id,
                                    _earlier.delivered_at.is_(None))


def deliver_portal(uow_factory, client) -> DeliveryReport:
    report = DeliveryReport()
    if client is None:  # no portal configured: the records wait, visible to the administrator
        return report

    def send(record) -> None:
        agency_code, payload, updating = record
        client.send(agency_code, payload, updating=updating)

    return send_due(uow_factory, PortalOutbox, report, prepare=_record_to_send, send=send, lease=LEASE,
                    max_attempts=MAX_ATTEMPTS, batch=BATCH, conditions=(~_WAITS_FOR_EARLIER,),
                    explain=lambda exc: str(exc) or type(exc).__name__)


def _record_to_send(session, row: PortalOutbox):
    agency = session.get(Dossier, row.dossier_id).agency
    # The portal creates the dossier from its first record and updates it from the others.
    first = session.execute(select(func.min(PortalOutbox.id)).where(PortalOutbox.dossier_id == row.dossier_id)).scalar()
    return agency.code, record_to_send(session, row, ZoneInfo(agency.timezone)), row.id != first
