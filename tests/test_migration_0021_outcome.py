"""Migration 0021 keeps the statistics class of dossiers that finished before it existed, by the
same rule the commands use: an early result, a late one, one asked for two supplements, a
withdrawal; an open dossier keeps none."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from engine import migrate
from tests.migration_scratch import drop_scratch, scratch_engine, seed_procedure_version, timed


DUE = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)  # Friday 17:00 in Hà Nội


def test_finished_dossiers_get_their_outcome(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0020")
        with engine.begin() as conn:
            seed_procedure_version(conn, DUE)
            insert = timed(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, "
                "original_due_at, due_at, finished_at, supplement_count, revision) VALUES (:id, :code, 1, 1, :status, "
                "1, 'Nguyễn Văn An', '', '', '', '', :received, :due, :due, :finished, :supplements, 1)",
                "received", "due", "finished")
            received = DUE - timedelta(days=4)
            for id_, status, finished, supplements in ((1, 10, DUE - timedelta(days=1), 0),  # early
                                                       (2, 9, DUE + timedelta(minutes=1), 0),  # late
                                                       (3, 10, DUE - timedelta(days=2), 2),  # two supplements
                                                       (4, 7, DUE - timedelta(days=3), 0),  # withdrawn
                                                       (5, 4, None, 0)):  # still open
                conn.execute(insert, {"id": id_, "code": f"D{id_}", "status": status, "received": received,
                                      "due": DUE, "finished": finished, "supplements": supplements})

        migrate.upgrade(engine, "0021")

        with engine.connect() as conn:
            outcomes = conn.execute(text("SELECT id, outcome FROM dossiers ORDER BY id")).all()
        assert outcomes == [(1, "early"), (2, "late"), (3, "late"), (4, "withdrawn"), (5, None)]
    finally:
        drop_scratch(engine)
