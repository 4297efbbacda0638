"""What docs/OPERATIONS.md tells an operator to do, done: a backup and a restore round trip
(`motcua backup` / `motcua restore`, SQLite or PostgreSQL), and an upgrade from the schema of the
previous release (migration 0010) with dossiers in flight."""
from __future__ import annotations

import json
import shutil
import uuid
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, select, text

from engine import commands, migrate
from engine.bootstrap import Motcua
from engine.config import Settings
from engine.models import AuditEvent, Dossier, WorkflowArchive, WorkItem
from engine.procedures.checker import check_file
from engine.procedures.registry import SPEC_CACHE
from engine.runtime import host
from engine.runtime.sandbox import SCRIPT_ENGINE
from engine.runtime.serializer import VERSION, dump_state, specs_from_json, specs_to_json
from engine.statuses import DossierStatus
from tests.bpmn_samples import FORMS, REFERENCE, RETURN_DATA
from tests.conftest import BPMN_DIR, FORMS_DIR, TEST_DATABASE_URL
from tests.test_engine_guards import APPRAISAL, claim_and_complete, open_item, receive
from webapp.cli import main


def snapshot(motcua, dossier_id):
    with motcua.read_session() as s:
        d = s.get(Dossier, dossier_id)
        items = sorted((w.step_id, w.state) for w in s.query(WorkItem).filter_by(dossier_id=dossier_id))
        audit = [e.action for e in s.query(AuditEvent).filter_by(dossier_id=dossier_id).order_by(AuditEvent.id)]
        return d.status, d.revision, d.workflow_state, items, audit


@pytest.mark.skipif(bool(TEST_DATABASE_URL) and shutil.which("pg_dump") is None, reason="needs pg_dump")
def test_backup_then_restore_brings_back_exactly_the_saved_moment(demo, settings, tmp_path, monkeypatch):
    dossier = receive(demo)
    claim_and_complete(demo, dossier.id, "chuyenvien", APPRAISAL)
    saved = snapshot(demo.motcua, dossier.id)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    backup = tmp_path / "backups" / "motcua.backup"
    result = CliRunner().invoke(main, ["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_size > 0

    # Work goes on after the backup …
    claim_and_complete(demo, dossier.id, "lanhdao", {"decision": "approve"})
    assert snapshot(demo.motcua, dossier.id) != saved
    # … then the database is lost or damaged, and the backup comes back (processes stopped).
    demo.motcua.dispose()
    result = CliRunner().invoke(main, ["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    SPEC_CACHE.clear()
    after = Motcua(settings)
    try:
        assert snapshot(after, dossier.id) == saved
        # And it is a working database: the step open at backup time can be done again.
        demo.motcua = after
        claim_and_complete(demo, dossier.id, "lanhdao", {"decision": "approve"})
        assert open_item(demo, dossier.id).step_id == "record_marriage"
    finally:
        after.dispose()


def test_restore_refuses_a_missing_backup(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "nothing.backup"), "--yes"])
    assert result.exit_code != 0 and "no backup at" in result.output


# --- upgrade from the previous release ---------------------------------------------------------

def _scratch(tmp_path):
    """A database of its own (a schema on PostgreSQL), as a URL the CLI and Motcua can use."""
    if TEST_DATABASE_URL:
        schema = f"upgrade_{uuid.uuid4().hex[:8]}"
        admin = create_engine(TEST_DATABASE_URL)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        url = TEST_DATABASE_URL + ("&" if "?" in TEST_DATABASE_URL else "?") + f"options=-csearch_path%3D{schema}"
        return url, schema
    return f"sqlite:///{tmp_path / 'release.sqlite'}", None


def _drop(schema):
    if schema:
        admin = create_engine(TEST_DATABASE_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _release_state_sent_back(laps: int):
    """A dossier's state as the previous release stored it: the whole workflow, every lap kept,
    waiting at the appraisal after ``laps`` send-backs. Returns (state, READY task id, spec json)."""
    checked = check_file(REFERENCE, FORMS)
    spec_json = specs_to_json(checked.spec, checked.subprocess_specs)
    spec, subs = specs_from_json(spec_json)
    workflow = BpmnWorkflow(spec, subs, script_engine=SCRIPT_ENGINE)
    workflow.do_engine_steps()
    for lap in range(laps):
        for step, data in (("appraise", {**APPRAISAL, "supplement_requested": False}), ("approve", {"decision": "send_back", "leader_opinion": f"{lap}"})):
            [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == step]
            host.complete_task(workflow, task, data)
            host.run_engine(workflow)
    [ready] = workflow.get_tasks(state=TaskState.READY, manual=True)
    return dump_state(workflow), str(ready.id), checked, spec_json


def test_upgrade_from_the_previous_release_with_dossiers_in_flight(tmp_path, monkeypatch, frozen_clock):
    """A database at migration 0010 (the release before this work), with a dossier sent back five
    times, is upgraded with `motcua init-db`; the dossier then goes on to its end."""
    url, schema = _scratch(tmp_path)
    engine = create_engine(url)
    try:
        migrate.upgrade(engine, "0010")
        state, task_id, checked, spec_json = _release_state_sent_back(5)
        at = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO agencies (id, code, name, kind, area_code, timezone, calendar_code, "
                              "office_hours) VALUES (1, '000.31.21.H56', 'UBND xã Tân Phong', 'commune_committee', "
                              "'H56.TP', 'Asia/Ho_Chi_Minh', 'VN', '07:00-11:30,13:30-17:00')"))
            for uid, name in ((1, "chuyenvien"), (2, "lanhdao"), (3, "tiepnhan")):
                conn.execute(text("INSERT INTO users (id, username, full_name, email, password_hash, locale, "
                                  "is_active, is_admin) VALUES (:i, :u, :u, '', '', 'vi', true, false)"),
                             {"i": uid, "u": name})
            for uid, role in ((1, "specialist"), (2, "leader"), (3, "reception")):
                conn.execute(text("INSERT INTO memberships (user_id, agency_id, role) VALUES (:i, 1, :r)"),
                             {"i": uid, "r": role})
            conn.execute(text("INSERT INTO procedures (id, key, name, national_code) "
                              "VALUES (1, 'dang_ky_ket_hon', 'Đăng ký kết hôn', '1.000894')"))
            conn.execute(text(
                "INSERT INTO procedure_versions (id, procedure_id, number, content_sha256, filename, bpmn_xml, forms, "
                "manifest, spec_json, deployed_at, deployed_by) VALUES (1, 1, 1, :sha, 'dang_ky_ket_hon.bpmn', :xml, "
                ":forms, :manifest, :spec, :at, 'release')"),
                {"sha": checked.sha256, "xml": checked.bpmn_xml,
                 "forms": json.dumps(checked.forms), "manifest": json.dumps(checked.manifest), "spec": spec_json,
                 "at": at})
            conn.execute(text(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, "
                "supplement_count, workflow_state, serializer_version, revision) VALUES (1, '000.31.21.H56-261123-0001', "
                "1, 1, 2, 1, 'Nguyễn Văn An', '', '', '', '', :at, 0, :state, :version, 11)"),
                {"at": at, "state": state, "version": VERSION})
            conn.execute(text(
                "INSERT INTO work_items (task_id, dossier_id, agency_id, role, step_id, step_name, state, "
                "created_at, allotment) VALUES (:task, 1, 1, 'specialist', 'appraise', 'Thẩm định hồ sơ', 'open', "
                ":at, '')"), {"task": task_id, "at": at})
            conn.execute(text("INSERT INTO audit_events (dossier_id, at, action, status_after, detail) "
                              "VALUES (1, :at, 'received', 2, '{}')"), {"at": at})
        engine.dispose()

        monkeypatch.setenv("DATABASE_URL", url)
        result = CliRunner().invoke(main, ["init-db"])
        assert result.exit_code == 0, result.output
        assert f"database at revision {migrate.head()}" in result.output

        SPEC_CACHE.clear()
        motcua = Motcua(Settings(database_url=url, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR))
        try:
            with motcua.read_session() as s:
                assert s.get(Dossier, 1).workflow_state == state  # moved as it was
            users = {"chuyenvien": 1, "lanhdao": 2, "tiepnhan": 3}
            for username, data in (("chuyenvien", APPRAISAL), ("lanhdao", {"decision": "approve"}),
                                   ("chuyenvien", {"register_book": "01", "register_number": 3,
                                                   "registered_on": "2026-11-23"}),
                                   ("tiepnhan", RETURN_DATA)):
                with motcua.read_session() as s:
                    item = s.execute(select(WorkItem.id).where(WorkItem.state == "open")).scalar_one()
                commands.claim(motcua.uow(), actor_id=users[username], work_item_id=item)
                commands.complete(motcua.uow(), actor_id=users[username], work_item_id=item, data=data)
            with motcua.read_session() as s:
                dossier = s.get(Dossier, 1)
                assert dossier.status == DossierStatus.RESULT_RETURNED
                # The first save after the upgrade moved the five old laps out of the state.
                assert s.query(WorkflowArchive).filter_by(dossier_id=1).count() >= 5
                assert len(dossier.workflow_state) < len(state) / 2
                whole = host.load_whole_workflow(s, dossier)
            assert len([t for t in whole.get_tasks() if t.task_spec.bpmn_id == "appraise"]) == 6
        finally:
            motcua.dispose()
    finally:
        engine.dispose()
        _drop(schema)
