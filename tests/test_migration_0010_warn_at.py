"""Migration 0010 gives open work items their warning moment from what the scheduler knew."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, text

from engine import migrate
from engine.models import UtcDateTime
from tests.test_migration_0003_documents import _drop_scratch, _scratch_engine

AT = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
DUE = AT + timedelta(days=2)
WARN = DUE - timedelta(hours=2)


def _timed(sql: str, *names: str):
    return text(sql).bindparams(*(bindparam(name, type_=UtcDateTime()) for name in names))


def test_open_items_get_their_pending_or_sent_warning(tmp_path):
    engine = _scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0009")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO agencies (id, code, name, kind, area_code, timezone) VALUES "
                              "(1, '000.31.21.H56', 'UBND xã Tân Phong', 'commune_committee', 'H56.TP', 'Asia/Ho_Chi_Minh')"))
            conn.execute(text("INSERT INTO procedures (id, key, name, national_code) VALUES (1, 'p', 'Thủ tục', '')"))
            conn.execute(_timed(
                "INSERT INTO procedure_versions (id, procedure_id, number, content_sha256, filename, bpmn_xml, forms, "
                "manifest, spec_json, deployed_at, deployed_by) VALUES (1, 1, 1, 'x', 'p.bpmn', '<x/>', '{}', '{}', "
                "'{}', :at, 'test')", "at"), {"at": AT})
            conn.execute(_timed(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, "
                "workflow_state, serializer_version, revision) VALUES (1, '000.31.21.H56-261123-0001', 1, 1, 2, 1, "
                "'Nguyễn Văn An', '', '', '', '', :at, '{}', '1.5', 1)", "at"), {"at": AT})
            insert_item = _timed(
                "INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state, "
                "created_at, due_at, allotment, next_escalation_at) VALUES (:id, :task, 1, 1, 'specialist', 's', "
                "'Bước', :state, :at, :due, '1 working day', :next)", "at", "due", "next")
            # Warning not sent yet; warning sent (the sweep moved on to the due time); a finished item.
            for id_, state, next_at in ((1, "open", WARN), (2, "open", DUE), (3, "done", None)):
                conn.execute(insert_item, {"id": id_, "task": f"t{id_}", "state": state, "at": AT, "due": DUE,
                                           "next": next_at})
            conn.execute(_timed(
                "INSERT INTO escalations (dedupe_key, level, dossier_id, work_item_id, agency_id, due_at, created_at) "
                "VALUES ('work-item-2-warning', 'warning', 1, 2, 1, :due, :sent)", "due", "sent"),
                {"due": DUE, "sent": WARN + timedelta(minutes=1)})

        migrate.upgrade(engine, "0010")

        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, warn_at FROM work_items ORDER BY id")
                                .columns(warn_at=UtcDateTime())).all()
        assert rows == [(1, WARN), (2, WARN + timedelta(minutes=1)), (3, None)]
    finally:
        _drop_scratch(engine)
