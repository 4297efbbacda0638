"""Filling ``dossiers.outcome`` for dossiers that finished before it was kept (migration 0021,
and bench/statistics_bench.py for its bulk-loaded history): the same ``verdict`` as the commands;
and ``work_items.outcome`` for steps that ended before it was kept (migration 0037, the bench):
the same ``step_outcome`` as the commands."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from engine.statistics.verdict import verdict

BATCH = 5000


def backfill_outcomes(conn) -> int:
    """Set ``outcome`` on every finished dossier that has none, in batches; returns how many."""
    return _backfill(conn, "dossiers", (
        "SELECT d.id, d.status, d.finished_at, d.original_due_at, d.supplement_count, a.timezone "
        "FROM dossiers d JOIN agencies a ON a.id = d.agency_id "
        "WHERE d.finished_at IS NOT NULL AND d.outcome IS NULL AND d.id > :last ORDER BY d.id LIMIT :n"),
        lambda r: verdict(status=r.status, finished_at=_instant(r.finished_at),
                          original_due_at=_instant(r.original_due_at), supplement_count=r.supplement_count or 0,
                          timezone=r.timezone, at=_instant(r.finished_at)))


def backfill_step_outcomes(conn) -> int:
    """Set ``outcome`` on every ended step that has none, in batches; returns how many."""
    from engine.statistics.steps import step_outcome
    return _backfill(conn, "work_items", (
        "SELECT w.id, w.state, w.finished_at, w.due_at, a.timezone "
        "FROM work_items w JOIN agencies a ON a.id = w.agency_id "
        "WHERE w.finished_at IS NOT NULL AND w.outcome IS NULL AND w.id > :last ORDER BY w.id LIMIT :n"),
        lambda r: step_outcome(state=r.state, finished_at=_instant(r.finished_at), due_at=_instant(r.due_at),
                               timezone=r.timezone))


def _backfill(conn, table: str, query: str, judge) -> int:
    """Set ``outcome`` of the rows ``query`` gives, a batch at a time, to ``judge(row)``: one
    UPDATE per class and batch (a few classes), for the millions of rows a province has."""
    rows_of = sa.table(table, sa.column("id"), sa.column("outcome"))
    done, last = 0, 0
    while True:
        rows = conn.execute(sa.text(query), {"last": last, "n": BATCH}).all()
        if not rows:
            return done
        by_class: dict[str, list[int]] = {}
        for r in rows:
            by_class.setdefault(judge(r), []).append(r.id)
        for klass, ids in by_class.items():
            conn.execute(rows_of.update().where(rows_of.c.id.in_(ids)).values(outcome=klass))
        done, last = done + len(rows), rows[-1].id


def _instant(value) -> datetime | None:
    """A stored instant as an aware UTC datetime (SQLite gives text or naive values back)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
