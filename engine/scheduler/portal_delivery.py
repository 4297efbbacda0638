"""Sending the national portal's outbox (engine/portal_sync.py), in order per dossier.

The mail and partner pattern (mail_delivery.py, partner_delivery.py): lease a row in a short
transaction, send with no transaction open, record the outcome. A dossier's record goes only when
every earlier record of that dossier has been delivered, so the portal sees its statuses in the
order they happened; a record the portal does not take is tried again with growing pauses and,
after ``MAX_ATTEMPTS``, becomes a dead letter that holds the dossier's later records back until an
administrator sends it again (engine/commands/portal.py). Delivery is at least once, like partner
messages: a scheduler that dies between the portal's answer and recording it sends that record
again when its lease runs out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from engine.models import Dossier, PortalOutbox
from engine.scheduler.lease import lease_due_row, record_attempt

BATCH = 100
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)

_earlier = aliased(PortalOutbox)
# An earlier record of the same dossier not delivered yet (waiting, leased or dead).
_WAITS_FOR_EARLIER = exists().where(_earlier.dossier_id == PortalOutbox.dossier_id, _earlier.id < PortalOutbox.id,
                                    _earlier.delivered_at.is_(None))


@dataclass
class PortalReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0


def deliver_portal(uow_factory, client) -> PortalReport:
    report = PortalReport()
    if client is None:  # no portal configured: the records wait, visible to the administrator
        return report
    for _ in range(BATCH):
        leased = _lease_one(uow_factory())
        if leased is None:
            break
        row_id, agency_code, record, updating = leased
        try:
            client.send(agency_code, record, updating=updating)
            error = None
        except Exception as exc:  # refused or unreachable: retry later, keep the reason
            error = str(exc) or type(exc).__name__
        if _record(uow_factory(), row_id, error):
            report.dead += 1
        if error is None:
            report.sent += 1
        else:
            report.failed += 1
    return report


def _lease_one(uow):
    with uow:
        row = lease_due_row(uow.session, PortalOutbox, LEASE, ~_WAITS_FOR_EARLIER)
        if row is None:
            return None
        agency_code = uow.session.get(Dossier, row.dossier_id).agency.code
        # The portal creates the dossier from its first record and updates it from the others.
        first = uow.session.execute(select(func.min(PortalOutbox.id))
                                    .where(PortalOutbox.dossier_id == row.dossier_id)).scalar()
        updating = row.id != first
        uow.commit()
        return row.id, agency_code, row.payload, updating


def _record(uow, row_id: int, error: str | None) -> bool:
    """Record an attempt; True when the message just became a dead letter."""
    return record_attempt(uow, PortalOutbox, row_id, error, MAX_ATTEMPTS)
