"""Migration 0012 moves each dossier's workflow state to dossier_states, and a downgrade puts
archived laps back into the states the older code reads."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import inspect, text

from engine import migrate
from engine.procedures.checker import check_file
from engine.runtime import host
from engine.runtime.sandbox import SCRIPT_ENGINE
from engine.runtime.serializer import VERSION, dump_compacted, load_state, specs_from_json, specs_to_json
from tests.bpmn_samples import FORMS, REFERENCE
from tests.test_engine_guards import APPRAISAL
from tests.migration_scratch import drop_scratch, scratch_engine, seed_procedure_version


AT = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def _seed(conn, state: str) -> None:
    seed_procedure_version(conn, AT)


def test_upgrade_from_0010_through_0011_moves_every_state_unchanged(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0010")
        with engine.begin() as conn:
            _seed(conn, "")
            for n in (1, 2):
                conn.execute(text(
                    "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                    "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, "
                    "workflow_state, serializer_version, revision) VALUES (:n, :code, 1, 1, 2, 1, 'Nguyễn Văn An', "
                    "'', '', '', '', :at, :state, '1.5', 3)"),
                    {"n": n, "code": f"000.31.21.H56-261123-000{n}", "at": AT, "state": json.dumps({"tasks": {"n": n}})})

        migrate.upgrade(engine, "0012")

        assert "workflow_state" not in {c["name"] for c in inspect(engine).get_columns("dossiers")}
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT dossier_id, state, serializer_version FROM dossier_states "
                                     "ORDER BY dossier_id")).all()
            assert [(d, json.loads(s), v) for d, s, v in rows] == [
                (1, {"tasks": {"n": 1}}, "1.5"), (2, {"tasks": {"n": 2}}, "1.5")]
            assert conn.execute(text("SELECT revision FROM dossiers ORDER BY id")).scalars().all() == [3, 3]
    finally:
        drop_scratch(engine)


def test_downgrade_puts_archived_laps_back_into_the_state(tmp_path):
    """A dossier sent back 6 times, stored compacted at head: after a downgrade to 0011 its
    dossiers.workflow_state loads as the whole workflow, with all seven appraisals."""
    checked = check_file(REFERENCE, FORMS)
    spec, subs = specs_from_json(specs_to_json(checked.spec, checked.subprocess_specs))
    workflow = BpmnWorkflow(spec, subs, script_engine=SCRIPT_ENGINE)
    workflow.do_engine_steps()
    archive = []
    for lap in range(6):
        for step, data in (("appraise", {**APPRAISAL, "supplement_requested": False}), ("approve", {"decision": "send_back", "leader_opinion": str(lap)})):
            [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == step]
            host.complete_task(workflow, task, data)
            host.run_engine(workflow)
            state, pieces = dump_compacted(workflow)
            archive += pieces
            workflow = load_state(state, VERSION, spec, subs)
            workflow.script_engine = SCRIPT_ENGINE
    assert len(archive) == 5

    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0012")
        with engine.begin() as conn:
            _seed(conn, state)
            conn.execute(text(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, revision) "
                "VALUES (1, '000.31.21.H56-261123-0001', 1, 1, 4, 1, 'Nguyễn Văn An', '', '', '', '', :at, 12)"),
                {"at": AT})
            conn.execute(text("INSERT INTO dossier_states (dossier_id, state, serializer_version) VALUES (1, :s, :v)"),
                         {"s": state, "v": VERSION})
            for piece in archive:
                conn.execute(text("INSERT INTO workflow_archive (dossier_id, archived_at, revision, serializer_version, "
                                  "content) VALUES (1, :at, 1, :v, :c)"), {"at": AT, "v": VERSION, "c": piece})

        migrate.downgrade(engine, "0011")

        assert "dossier_states" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            whole, version = conn.execute(text("SELECT workflow_state, serializer_version FROM dossiers")).one()
        restored = load_state(whole, version, spec, subs)
        appraisals = [t for t in restored.get_tasks() if t.task_spec.bpmn_id == "appraise"]
        assert len(appraisals) == 7 and "compacted_loops" not in json.loads(whole)
        [loop] = [t for t in restored.get_tasks() if t.task_spec.name == "review_loop"]
        assert len(loop.internal_data["merged"]) == 6
    finally:
        drop_scratch(engine)
