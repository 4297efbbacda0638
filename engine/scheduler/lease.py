"""Taking one due row of an outbox (mail, partner messages) so that of several schedulers exactly
one works on it, without holding a database lock while it talks to the outside world; and the
loop that sends an outbox of ``Delivery`` rows (partner messages, national portal records) that way."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from sqlalchemy import select, update

from engine import clock
from engine.scheduler.notify import backoff


class GiveUp(str):
    """An attempt's failure that sending again cannot mend: the other side refused what the message
    says, not the moment it came (a partner's 422). The row is a dead letter at once, for a
    supervisor to read why; sending the same message again would be refused again."""


def lease_due_row(session, model, lease: timedelta, *conditions):
    """Push one due row's ``next_attempt_at`` past ``lease`` and count the attempt; return the row,
    or None when nothing is due. The caller commits, then does the slow part. ``conditions``
    narrow which due rows may go now (e.g. none while an earlier one of the same dossier waits)."""
    now = clock.now()
    candidates = session.execute(
        select(model.id, model.next_attempt_at).where(model.next_attempt_at <= now, *conditions)
        .order_by(model.next_attempt_at).limit(10)).all()
    for row_id, seen in candidates:
        # Conditional update: whoever changed the row first wins; the others see 0 rows.
        taken = session.execute(
            update(model).where(model.id == row_id, model.next_attempt_at == seen)
            .values(next_attempt_at=now + lease, attempts=model.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount == 1
        if taken:
            row = session.get(model, row_id)
            session.refresh(row)
            return row
    return None


def record_attempt(uow, model, row_id: int, error: str | None, max_attempts: int, on_failure=None,
                   on_delivered=None) -> bool:
    """Record how an attempt on a leased row (a ``Delivery``) went: delivered, or failed with its
    reason and due again after a growing pause, or, after ``max_attempts``, given up (a dead
    letter for an administrator). Returns True when the row just became a dead letter.
    ``on_failure(session, row, dead)`` runs in the same transaction after a failed attempt.
    ``on_delivered`` (a ``DeliveryHook``) locks what a delivery changes besides the row, before the
    row is read, and changes it in the same transaction, once per row."""
    with uow:
        if error is None and on_delivered is not None:
            on_delivered.lock(uow, row_id)
        row = uow.session.get(model, row_id)
        now = clock.now()
        if row.delivered_at is not None:
            # Already recorded by another scheduler whose lease on the row ran out while we sent it
            # too (the other side took it once: idempotency key). The first acknowledgement stands.
            return False
        if error is None:
            row.delivered_at, row.next_attempt_at, row.last_error = now, None, None
            if on_delivered is not None:
                on_delivered.delivered(uow.session, row)
            uow.commit()
            return False
        row.last_error = error[:2000]
        dead = isinstance(error, GiveUp) or row.attempts >= max_attempts
        row.next_attempt_at = None if dead else now + backoff(row.attempts)
        row.dead_at = now if dead else None
        if on_failure is not None:
            on_failure(uow.session, row, dead)
        uow.commit()
        if dead:
            logging.getLogger("motcua.scheduler").warning(
                "%s %s of dossier %s is a dead letter: %s", model.__tablename__, row.id, row.dossier_id, error)
        return dead


@dataclass(frozen=True)
class DeliveryHook:
    """What else a delivery changes, in its recording transaction: ``lock(uow, row_id)`` takes the
    locks first, in the order commands take them (a dossier before its outbox rows), so that two
    schedulers recording rows of one dossier see each other's outcome; then
    ``delivered(session, row)`` runs once the row is marked delivered, the first time only."""
    lock: Callable[[Any, int], None]
    delivered: Callable[[Any, Any], None]


@dataclass
class DeliveryReport:
    """What one pass over an outbox did: rows delivered, attempts that failed, and how many of
    those failures made a dead letter."""
    sent: int = 0
    failed: int = 0
    dead: int = 0


def describe(exc: Exception) -> str:
    """An attempt's failure as kept on the row: the exception's kind and message."""
    return f"{type(exc).__name__}: {exc}"


def send_due(uow_factory, model, report: DeliveryReport, *, prepare: Callable[[Any, Any], Any],
             send: Callable[[Any], str | None], lease: timedelta, max_attempts: int, batch: int,
             conditions=(), explain: Callable[[Exception], str] = describe, on_failure=None,
             on_delivered: DeliveryHook | None = None) -> DeliveryReport:
    """Send up to ``batch`` due rows of an outbox of ``Delivery`` rows, one at a time:

    1. in a short transaction, lease the next due row (``conditions`` narrow which rows may go,
       e.g. none of a dossier while an earlier one of it waits) and ``prepare(session, row)``
       everything sending needs (the row's relations are not loaded after the commit);
    2. with no transaction open, ``send(prepared)``: None when the other side took it, else the
       reason it refused; an exception (unreachable, refused) is kept as ``explain(exc)``;
    3. ``record_attempt``: delivered, or due again after a growing pause, or a dead letter after
       ``max_attempts`` or at once for a ``GiveUp`` (``on_failure`` runs in that transaction;
       ``on_delivered`` when the row is delivered).
    Counts go to ``report``, which is returned."""
    for _ in range(batch):
        with uow_factory() as uow:
            row = lease_due_row(uow.session, model, lease, *conditions)
            if row is None:
                break
            row_id, prepared = row.id, prepare(uow.session, row)
            uow.commit()
        try:
            error = send(prepared)
        except Exception as exc:  # the other side refused or is unreachable: retry later, keep the reason
            error = explain(exc)
        if record_attempt(uow_factory(), model, row_id, error, max_attempts, on_failure, on_delivered):
            report.dead += 1
        if error is None:
            report.sent += 1
        else:
            report.failed += 1
    return report
