"""Taking one due row of an outbox (mail, partner messages) so that of several schedulers exactly
one works on it, without holding a database lock while it talks to the outside world."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from engine import clock


def lease_due_row(session, model, lease: timedelta):
    """Push one due row's ``next_attempt_at`` past ``lease`` and count the attempt; return the row,
    or None when nothing is due. The caller commits, then does the slow part."""
    now = clock.now()
    candidates = session.execute(
        select(model.id, model.next_attempt_at).where(model.next_attempt_at <= now)
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
