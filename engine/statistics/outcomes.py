"""Filling ``dossiers.outcome`` for dossiers that finished before it was kept (migration 0021,
and bench/statistics_bench.py for its bulk-loaded history): the same ``verdict`` as the commands."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from engine.statistics.verdict import verdict

BATCH = 5000


def backfill_outcomes(conn) -> int:
    """Set ``outcome`` on every finished dossier that has none, in batches; returns how many."""
    dossiers = sa.table("dossiers", sa.column("id"), sa.column("outcome"))
    done, last = 0, 0
    while True:
        rows = conn.execute(sa.text(
            "SELECT d.id, d.status, d.finished_at, d.original_due_at, d.supplement_count, a.timezone "
            "FROM dossiers d JOIN agencies a ON a.id = d.agency_id "
            "WHERE d.finished_at IS NOT NULL AND d.outcome IS NULL AND d.id > :last ORDER BY d.id LIMIT :n"),
            {"last": last, "n": BATCH}).all()
        if not rows:
            return done
        values = [{"key": r.id, "value": verdict(status=r.status, finished_at=_instant(r.finished_at),
                                                   original_due_at=_instant(r.original_due_at),
                                                   supplement_count=r.supplement_count or 0, timezone=r.timezone,
                                                   at=_instant(r.finished_at))} for r in rows]
        conn.execute(dossiers.update().where(dossiers.c.id == sa.bindparam("key"))
                     .values(outcome=sa.bindparam("value")), values)
        done, last = done + len(rows), rows[-1].id


def _instant(value) -> datetime | None:
    """A stored instant as an aware UTC datetime (SQLite gives text or naive values back)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
