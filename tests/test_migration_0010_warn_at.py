"""Migration 0010 gives open work items their warning moment from what the scheduler knew."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from engine import migrate
from engine.models import UtcDateTime
from tests.migration_scratch import drop_scratch, scratch_engine, seed_procedure_version, timed


AT = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
DUE = AT + timedelta(days=2)
WARN = DUE - timedelta(hours=2)


def test_open_items_get_their_pending_or_sent_warning(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0009")
        with engine.begin() as conn:
            seed_procedure_version(conn, AT)
            conn.execute(timed(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, "
                "workflow_state, serializer_version, revision) VALUES (1, '000.31.21.H56-261123-0001', 1, 1, 2, 1, "
                "'Nguyễn Văn An', '', '', '', '', :at, '{}', '1.5', 1)", "at"), {"at": AT})
            insert_item = timed(
                "INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state, "
                "created_at, due_at, allotment, next_escalation_at) VALUES (:id, :task, 1, 1, 'specialist', 's', "
                "'Bước', :state, :at, :due, '1 working day', :next)", "at", "due", "next")
            # Warning not sent yet; warning sent (the sweep moved on to the due time); a finished item.
            for id_, state, next_at in ((1, "open", WARN), (2, "open", DUE), (3, "done", None)):
                conn.execute(insert_item, {"id": id_, "task": f"t{id_}", "state": state, "at": AT, "due": DUE,
                                           "next": next_at})
            conn.execute(timed(
                "INSERT INTO escalations (dedupe_key, level, dossier_id, work_item_id, agency_id, due_at, created_at) "
                "VALUES ('work-item-2-warning', 'warning', 1, 2, 1, :due, :sent)", "due", "sent"),
                {"due": DUE, "sent": WARN + timedelta(minutes=1)})

        migrate.upgrade(engine, "0010")

        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, warn_at FROM work_items ORDER BY id")
                                .columns(warn_at=UtcDateTime())).all()
        assert rows == [(1, WARN), (2, WARN + timedelta(minutes=1)), (3, None)]
    finally:
        drop_scratch(engine)
