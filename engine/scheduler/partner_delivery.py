"""Sending the partner outbox, and handing kept inbox messages to their dossiers.

The outbox follows the mail pattern (mail_delivery.py): lease a row in a short transaction, POST
with no transaction open, then record the outcome. A partner that does not answer 2xx is tried
again with growing pauses; after ``MAX_ATTEMPTS`` the message is a dead letter (``dead_at``),
listed for a supervisor, who can send it again. The partner records each idempotency key once,
so a resend after a crash (at least once) has one effect.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from engine import clock
from engine.commands.partners import deliver_partner_message
from engine.models import PartnerInbox, PartnerOutbox
from engine.partners.outbox import request_body
from engine.partners.trouble import tell_hand_off_trouble
from engine.partners.signing import signed_headers
from engine.scheduler.lease import lease_due_row, record_attempt

log = logging.getLogger("motcua.scheduler")
BATCH = 100
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


@dataclass
class PartnerReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    handed_in: int = 0  # kept inbox messages handed to their dossiers


def run_partner_jobs(motcua) -> PartnerReport:
    report = PartnerReport()
    send_outbox(motcua.uow, motcua.partner_client, report)
    hand_in_kept(motcua, report)
    return report


def send_outbox(uow_factory, client, report: PartnerReport | None = None) -> PartnerReport:
    report = report or PartnerReport()
    for _ in range(BATCH):
        leased = _lease_one(uow_factory())
        if leased is None:
            break
        row_id, url, headers, body = leased
        try:
            status, answer = client.post(url, body, headers)
            error = None if 200 <= status < 300 else f"HTTP {status}: {answer[:500].decode('utf-8', 'replace')}"
        except Exception as exc:  # the partner is down or unreachable: retry later, keep the reason
            error = f"{type(exc).__name__}: {exc}"
        if _record(uow_factory(), row_id, error):
            report.dead += 1
        if error is None:
            report.sent += 1
        else:
            report.failed += 1
    return report


def _lease_one(uow):
    with uow:
        row = lease_due_row(uow.session, PartnerOutbox, LEASE)
        if row is None:
            return None
        body = request_body(row)
        # Signed at each attempt: the timestamp is the sending moment, the key is the message's.
        headers = signed_headers(our_code=row.partner.our_code, key=row.partner.key,
                                 timestamp=str(int(clock.now().timestamp())), idempotency_key=row.idempotency_key,
                                 body=body)
        url = row.partner.endpoint
        uow.commit()
        return row.id, url, headers, body


def _record(uow, row_id: int, error: str | None) -> bool:
    """Record an attempt; True when the message just became a dead letter."""
    return record_attempt(uow, PartnerOutbox, row_id, error, MAX_ATTEMPTS, on_failure=_tell_on_trouble)


def _tell_on_trouble(session, row: PartnerOutbox, dead: bool) -> None:
    """Supervisors hear of the first failed attempt and of the dead letter, not of every retry."""
    if dead or row.attempts == 1:
        tell_hand_off_trouble(session, row, dead=dead)


def hand_in_kept(motcua, report: PartnerReport | None = None) -> PartnerReport:
    report = report or PartnerReport()
    with motcua.read_session() as s:
        due = s.execute(select(PartnerInbox.id).where(PartnerInbox.next_attempt_at <= clock.now())
                        .order_by(PartnerInbox.next_attempt_at).limit(BATCH)).scalars().all()
    for inbox_id in due:
        try:
            if deliver_partner_message(motcua.uow(), inbox_id):
                report.handed_in += 1
        except Exception:  # one broken dossier must not hold up the others
            log.exception("partner message %s could not be handed in", inbox_id)
            with motcua.uow() as uow:
                row = uow.session.get(PartnerInbox, inbox_id)
                row.next_attempt_at = clock.now() + timedelta(hours=1)
                uow.commit()
    return report
