"""Migration 0037 keeps the statistics class of steps that ended before it existed, by the same
rule the commands use: done early, on the due day, after the due time, without a time limit,
cancelled; an open step keeps none."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from engine import migrate
from tests.migration_scratch import drop_scratch, scratch_engine, seed_procedure_version, timed


DUE = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)  # Friday 17:00 in Hà Nội


def test_ended_steps_get_their_outcome(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0036")
        with engine.begin() as conn:
            seed_procedure_version(conn, DUE)
            conn.execute(timed(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, "
                "supplement_count, revision) VALUES (1, 'D1', 1, 1, 4, 1, 'Nguyễn Văn An', '', '', '', '', :at, 0, 1)",
                "at"), {"at": DUE - timedelta(days=4)})
            insert = timed(
                "INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state, "
                "created_at, due_at, allotment, finished_at) VALUES (:id, :task, 1, 1, 'specialist', 's', 'Bước', "
                ":state, :at, :due, '', :finished)", "at", "due", "finished")
            for id_, state, due, finished in ((1, "done", DUE, DUE - timedelta(days=1)),  # early
                                              (2, "done", DUE, DUE - timedelta(hours=2)),  # on the due day
                                              (3, "done", DUE, DUE + timedelta(minutes=1)),  # late
                                              (4, "done", None, DUE),  # no time limit
                                              (5, "cancelled", DUE, DUE - timedelta(days=2)),  # cancelled
                                              (6, "open", DUE, None)):  # still open
                conn.execute(insert, {"id": id_, "task": f"t{id_}", "state": state, "at": DUE - timedelta(days=3),
                                      "due": due, "finished": finished})

        migrate.upgrade(engine, "0037")

        with engine.connect() as conn:
            outcomes = conn.execute(text("SELECT id, outcome FROM work_items ORDER BY id")).all()
        assert outcomes == [(1, "early"), (2, "on_time"), (3, "late"), (4, "no_time_limit"), (5, "cancelled"),
                            (6, None)]
    finally:
        drop_scratch(engine)
