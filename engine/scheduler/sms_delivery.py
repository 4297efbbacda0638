"""Sending the SMS outbox, the way the mail outbox is sent (engine/scheduler/mail_delivery.py): a
row is leased in a short transaction, sent with no transaction open, then marked. The row's
dedupe key goes to the operator as our message id, so a resend after a crash is recognised
there and the citizen is texted once."""
from __future__ import annotations

from datetime import timedelta

from engine import clock
from engine.models import OutgoingSms
from engine.scheduler.lease import lease_due_row
from engine.scheduler.notify import backoff

BATCH = 100
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


def deliver_sms(uow_factory, gateway) -> int:
    if not getattr(gateway, "configured", True):
        return 0  # no operator yet: as for mail (engine/scheduler/mail_delivery.py)
    sent = 0
    for _ in range(BATCH):
        with uow_factory() as uow:
            sms = lease_due_row(uow.session, OutgoingSms, LEASE)
            if sms is None:
                break
            uow.commit()
        try:
            operator_id = gateway.send(to=sms.to_number, text=sms.body, message_id=sms.dedupe_key)
        except Exception as exc:  # the operator or the network failed: retry later, keep the reason
            with uow_factory() as uow:
                row = uow.session.get(OutgoingSms, sms.id)
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = None if row.attempts >= MAX_ATTEMPTS else clock.now() + backoff(row.attempts)
                uow.commit()
        else:
            with uow_factory() as uow:
                row = uow.session.get(OutgoingSms, sms.id)
                row.sent_at, row.next_attempt_at, row.last_error = clock.now(), None, None
                row.operator_id = (operator_id or "")[:80]
                uow.commit()
            sent += 1
    return sent
