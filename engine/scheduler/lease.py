"""Taking one due row of an outbox (mail, partner messages) so that of several schedulers exactly
one works on it, without holding a database lock while it talks to the outside world."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update

from engine import clock
from engine.scheduler.notify import backoff


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


def record_attempt(uow, model, row_id: int, error: str | None, max_attempts: int, on_failure=None) -> bool:
    """Record how an attempt on a leased row (a ``Delivery``) went: delivered, or failed with its
    reason and due again after a growing pause, or, after ``max_attempts``, given up (a dead
    letter for an administrator). Returns True when the row just became a dead letter.
    ``on_failure(session, row, dead)`` runs in the same transaction after a failed attempt."""
    with uow:
        row = uow.session.get(model, row_id)
        now = clock.now()
        if error is None:
            row.delivered_at, row.next_attempt_at, row.last_error = now, None, None
            uow.commit()
            return False
        row.last_error = error[:2000]
        dead = row.attempts >= max_attempts
        row.next_attempt_at = None if dead else now + backoff(row.attempts)
        row.dead_at = now if dead else None
        if on_failure is not None:
            on_failure(uow.session, row, dead)
        uow.commit()
        if dead:
            logging.getLogger("motcua.scheduler").warning(
                "%s %s of dossier %s is a dead letter: %s", model.__tablename__, row.id, row.dossier_id, error)
        return dead
