"""Sending the partner outbox, and handing kept inbox messages to their dossiers.

The outbox is sent by the loop it shares with the national portal's (``send_due`` in lease.py):
lease a row in a short transaction, POST with no transaction open, then record the outcome. A
partner that does not answer 2xx is tried again with growing pauses; after ``MAX_ATTEMPTS`` the
message is a dead letter (``dead_at``), listed for a supervisor, who can send it again. A partner
that refuses the payload itself (422: a field missing or wrong for the form its diagram declares)
makes a dead letter at once, with what is wrong in words. The
partner records each idempotency key once, so a resend after a crash (at least once) has one
effect.

A message is handed off when the partner's system acknowledges it: the transaction that records
the acknowledgement locks the dossier first and, when its workflow has ended and no other message
of it waits, returns its result (status 10; engine/commands/partners.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from engine import clock
from engine.commands.partners import deliver_partner_message, lock_dossier_of_message, return_on_acknowledgement
from engine.models import PartnerInbox, PartnerOutbox
from engine.partners.outbox import payload_refusal_text, request_body
from engine.partners.trouble import tell_hand_off_trouble
from engine.partners.signing import signed_headers
from engine.scheduler.lease import DeliveryHook, DeliveryReport, GiveUp, send_due

log = logging.getLogger("motcua.scheduler")
BATCH = 100
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
# What recording a partner's acknowledgement does besides marking the row.
ACKNOWLEDGED = DeliveryHook(lock=lock_dossier_of_message, delivered=return_on_acknowledgement)


@dataclass
class PartnerReport(DeliveryReport):
    handed_in: int = 0  # kept inbox messages handed to their dossiers


def run_partner_jobs(motcua) -> PartnerReport:
    report = PartnerReport()
    send_outbox(motcua.uow, motcua.partner_client, report)
    hand_in_kept(motcua, report)
    return report


def send_outbox(uow_factory, client, report: PartnerReport | None = None) -> PartnerReport:
    def post(request) -> str | None:
        url, headers, body = request
        status, answer = client.post(url, body, headers)
        if 200 <= status < 300:
            return None
        if status == 422:  # the partner refused the payload itself: no use sending it again
            return GiveUp(payload_refusal_text(answer))
        return f"HTTP {status}: {answer[:500].decode('utf-8', 'replace')}"

    return send_due(uow_factory, PartnerOutbox, report or PartnerReport(), prepare=_signed_request, send=post,
                    lease=LEASE, max_attempts=MAX_ATTEMPTS, batch=BATCH, on_failure=_tell_on_trouble,
                    on_delivered=ACKNOWLEDGED)


def _signed_request(session, row: PartnerOutbox):
    body = request_body(row)
    # Signed at each attempt: the timestamp is the sending moment, the key is the message's.
    headers = signed_headers(our_code=row.partner.our_code, key=row.partner.key,
                             timestamp=str(int(clock.now().timestamp())), idempotency_key=row.idempotency_key,
                             body=body)
    return row.partner.endpoint, headers, body


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
