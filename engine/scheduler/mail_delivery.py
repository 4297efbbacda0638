"""Sending the mail outbox. A row leaves the queue only when the SMTP server accepted it.

Each message is first leased (its next attempt pushed past the lease) in a short transaction of
its own, then sent with no transaction open, then marked sent. Two schedulers never send the same
message at once, and SMTP's slowness never holds a database lock. A crash after the server
accepted a message and before it was marked sends it again when the lease runs out (at least
once), with the same Message-ID so it can be recognised.

Retries are bounded: a message the server refuses for good (``MailRefused``: a 5xx answer, an
address it cannot take) is given up at once, any other failure after ``MAX_ATTEMPTS`` tries
(about four hours with the back-off). A given-up message keeps its reason and the time it was
given up (``failed_at``); administrators see it on /admin/mail and may send it again.
"""
from __future__ import annotations

from datetime import timedelta

from engine import clock
from engine.models import OutgoingMail
from engine.ports import MailRefused
from engine.scheduler.lease import lease_due_row
from engine.scheduler.notify import backoff

BATCH = 100
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


def deliver_mail(uow_factory, mailer) -> int:
    if not getattr(mailer, "configured", True):
        return 0  # no server yet: trying would only use up the retries and give the mail up
    sent = 0
    for _ in range(BATCH):
        mail = _lease_one(uow_factory())
        if mail is None:
            break
        try:
            mailer.send(to=mail.to_address, subject=mail.subject, body=mail.body, message_id=mail.dedupe_key)
        except MailRefused as exc:
            _record_failure(uow_factory(), mail, f"{type(exc).__name__}: {exc}", final=True)
        except Exception as exc:  # any failure of the outside world: retry later, keep the reason
            _record_failure(uow_factory(), mail, f"{type(exc).__name__}: {exc}")
        else:
            _record_sent(uow_factory(), mail)
            sent += 1
    return sent


def _lease_one(uow):
    with uow:
        mail = lease_due_row(uow.session, OutgoingMail, LEASE)
        if mail is not None:
            uow.commit()
        return mail


def _record_sent(uow, mail) -> None:
    with uow:
        row = uow.session.get(OutgoingMail, mail.id)
        row.sent_at, row.next_attempt_at, row.last_error = clock.now(), None, None
        uow.commit()


def _record_failure(uow, mail, error: str, *, final: bool = False) -> None:
    with uow:
        row = uow.session.get(OutgoingMail, mail.id)
        row.last_error = error[:2000]
        if final or row.attempts >= MAX_ATTEMPTS:
            row.next_attempt_at, row.failed_at = None, clock.now()
        else:
            row.next_attempt_at = clock.now() + backoff(row.attempts)
        uow.commit()
