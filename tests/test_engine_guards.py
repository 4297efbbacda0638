"""The SpiffWorkflow traps of docs/SPIFFWORKFLOW.md, each pinned by a test that fails if the guard goes."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine import commands
from engine.commands.reception import Applicant
from engine.errors import FormInvalid, InvalidState, MotcuaError, ScriptError
from engine.models import AuditEvent, Dossier, WorkItem
from engine.procedures.registry import check_and_deploy
from engine.runtime import host
from engine.runtime.sandbox import SCRIPT_ENGINE
from engine.runtime.serializer import dump_state, load_state
from engine.statuses import DossierStatus
from tests.bpmn_samples import FORMS, REFERENCE, RETURN_DATA, one_step_then, script_after_check, write

APPRAISAL = {"conditions_met": True, "appraisal_opinion": "Đủ điều kiện kết hôn"}


def deploy(demo, path):
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [path], FORMS)
        uow.commit()


def receive(demo, key="dang_ky_ket_hon"):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key=key, applicant=Applicant(name="Nguyễn Văn An"))


def open_item(demo, dossier_id) -> WorkItem:
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()


def claim_and_complete(demo, dossier_id, username, data):
    item = open_item(demo, dossier_id)
    commands.claim(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id)
    return commands.complete(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id, data=data)


def snapshot(demo, dossier_id):
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier_id)
        items = sorted((w.task_id, w.state, w.assignee_id) for w in s.query(WorkItem).filter_by(dossier_id=dossier_id))
        audit = s.query(AuditEvent).filter_by(dossier_id=dossier_id).count()
        return d.status, d.revision, d.workflow_state, d.failure, items, audit


# 1. task.run() does not check state --------------------------------------------------------

def test_only_a_ready_human_task_can_be_completed(demo):
    dossier = receive(demo)
    item = open_item(demo, dossier.id)
    claim_and_complete(demo, dossier.id, "chuyenvien", APPRAISAL)
    with demo.motcua.read_session() as s:
        workflow = host.load_workflow(s.get(Dossier, dossier.id))
    with pytest.raises(InvalidState):
        host.ready_task(workflow, item.task_id)  # completed already: run() would happily run it again
    # A CANCELLED task (as an interrupting timer leaves it) would also run: refused.
    [approve] = workflow.get_tasks(state=TaskState.READY, manual=True)
    approve._set_state(TaskState.CANCELLED)
    with pytest.raises(InvalidState):
        host.ready_task(workflow, str(approve.id))
    # After a withdrawal the engine drops the cancelled branch: the old step is simply gone.
    approve_item = open_item(demo, dossier.id)
    commands.withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id, reason="Công dân rút")
    with demo.motcua.read_session() as s:
        workflow = host.load_workflow(s.get(Dossier, dossier.id))
    with pytest.raises(MotcuaError):
        host.ready_task(workflow, approve_item.task_id)


def test_completing_a_finished_work_item_changes_nothing(demo):
    dossier = receive(demo)
    item = open_item(demo, dossier.id)
    claim_and_complete(demo, dossier.id, "chuyenvien", APPRAISAL)
    before = snapshot(demo, dossier.id)
    with pytest.raises(InvalidState):
        commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=APPRAISAL)
    assert snapshot(demo, dossier.id) == before


# 3. the script engine is plain Python unless we replace it, after every load ---------------

def test_import_in_a_script_fails_clearly_and_changes_nothing(demo, tmp_path):
    deploy(demo, write(tmp_path, "p_import.bpmn", script_after_check("p_import", "import os\nx = os.getcwd()")))
    dossier = receive(demo, "p_import")
    item = open_item(demo, dossier.id)
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    before = snapshot(demo, dossier.id)
    with pytest.raises(ScriptError) as info:
        commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id, data=RETURN_DATA)
    # The officer reads plain words; the modeller's detail (element id, the refusal) stays out of them.
    assert info.value.message_vi.startswith("Quy trình «") and "Hồ sơ không thay đổi" in info.value.message_vi
    assert "cannot go on" in info.value.message_en
    for message in (info.value.message_vi, info.value.message_en):
        assert "not allowed" not in message and "[after]" not in message
    assert "import is not allowed" in info.value.details["technical"]
    assert info.value.details["technical"].startswith("[after] ")
    assert snapshot(demo, dossier.id) == before  # the workflow was loaded from the database: sandbox re-attached


def test_the_loaded_workflow_gets_the_sandbox_not_the_default_engine(demo, tmp_path):
    deploy(demo, write(tmp_path, "p_import.bpmn", script_after_check("p_import", "import os\nx = os.getcwd()")))
    dossier = receive(demo, "p_import")
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        workflow = host.load_workflow(d)
        assert workflow.script_engine is SCRIPT_ENGINE
        # What the guard prevents: the library's own engine, after a plain load, runs the import.
        raw = load_state(d.workflow_state, d.serializer_version, workflow.spec, workflow.subprocess_specs)
    assert type(raw.script_engine) is PythonScriptEngine and raw.script_engine is not SCRIPT_ENGINE
    task = raw.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data.update(RETURN_DATA)
    task.run()
    raw.do_engine_steps()
    assert raw.is_completed() and raw.data.get("x")  # unrestricted Python ran: hence the guard


def test_subclasses_escape_is_refused_at_validation_and_at_run_time(tmp_path):
    escape = "x = ().__class__.__bases__[0].__subclasses__()"
    path = write(tmp_path, "p_escape.bpmn", script_after_check("p_escape", escape))
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(path))
    workflow = BpmnWorkflow(parser.get_spec("p_escape"), script_engine=SCRIPT_ENGINE)
    workflow.do_engine_steps()
    task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data.update(RETURN_DATA)
    with pytest.raises(ScriptError) as info:
        host.complete_task(workflow, task, {})
        host.run_engine(workflow)
    assert "invalid attribute name" in info.value.details["technical"]
    assert "invalid attribute name" not in info.value.message_en
    from engine.errors import ProcedureInvalid
    from engine.procedures.checker import check_file
    with pytest.raises(ProcedureInvalid) as refused:
        check_file(path, FORMS)
    assert "__subclasses__" in str(refused.value.problems[0])


# 9. an uncaught BPMN error end event is not success ---------------------------------------

def test_uncaught_error_end_event_marks_the_dossier_failed(demo, tmp_path):
    xml = one_step_then("p_error", """
    <bpmn:endEvent id="after" name="Lỗi"><bpmn:incoming>flow_2</bpmn:incoming>
      <bpmn:errorEventDefinition errorRef="err_missing" /></bpmn:endEvent>""").replace(
        '<bpmn:sequenceFlow id="flow_3" sourceRef="after" targetRef="end" />', "").replace(
        "</bpmn:process>", "</bpmn:process>\n<bpmn:error id=\"err_missing\" name=\"Thiếu giấy tờ\" errorCode=\"MISSING_DOC\" />")
    deploy(demo, write(tmp_path, "p_error.bpmn", xml))
    dossier = receive(demo, "p_error")
    claim_and_complete(demo, dossier.id, "chuyenvien", RETURN_DATA)
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.failure and "MISSING_DOC" in d.failure
        assert d.status != DossierStatus.RESULT_RETURNED and d.finished_at is None
        actions = [e.action for e in s.query(AuditEvent).filter_by(dossier_id=d.id).order_by(AuditEvent.id)]
    assert actions[-1] == "failed"


# 2. loops drawn as back-edges deepen the tree; ours is a loop activity ---------------------

def test_a_dossier_sent_back_400_times_still_reaches_its_end_event(demo):
    """400 laps of appraise → send back, with the state saved and reloaded every 25 laps."""
    dossier = receive(demo)
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        workflow = host.load_workflow(d)
        spec, subs, version = workflow.spec, workflow.subprocess_specs, d.serializer_version

    def complete(step, data):
        if step == "appraise":  # what the commands add for a step that may ask for a supplement
            data = {**data, "supplement_requested": False}
        [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == step]
        host.complete_task(workflow, task, data)
        host.run_engine(workflow)

    for lap in range(400):
        complete("appraise", APPRAISAL)
        complete("approve", {"decision": "send_back", "leader_opinion": f"Lần {lap}"})
        if lap % 25 == 24:
            workflow = load_state(dump_state(workflow), version, spec, subs)
            workflow.script_engine = SCRIPT_ENGINE
    assert max(t.depth for t in workflow.get_tasks()) < 20
    complete("appraise", APPRAISAL)
    complete("approve", {"decision": "approve"})
    complete("record_marriage", {"register_book": "01", "register_number": 1, "registered_on": "2026-11-23"})
    complete("return_result", RETURN_DATA)
    assert workflow.is_completed()
    [end] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "end_returned"]
    assert end.state == TaskState.COMPLETED  # the end event was really reached, not a silent stop


def test_send_back_through_the_commands_returns_to_appraisal_each_time(demo):
    dossier = receive(demo)
    for lap in range(15):
        claim_and_complete(demo, dossier.id, "chuyenvien", APPRAISAL)
        item = open_item(demo, dossier.id)
        assert item.step_id == "approve"
        commands.claim(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=item.id)
        commands.send_back(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=item.id,
                           reason=f"Xác minh lại lần {lap + 1}")
        assert open_item(demo, dossier.id).step_id == "appraise"
    claim_and_complete(demo, dossier.id, "chuyenvien", APPRAISAL)
    claim_and_complete(demo, dossier.id, "lanhdao", {"decision": "approve"})
    claim_and_complete(demo, dossier.id, "chuyenvien", {"register_book": "01", "register_number": 7, "registered_on": "2026-11-23"})
    claim_and_complete(demo, dossier.id, "tiepnhan", RETURN_DATA)
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier.id).status == DossierStatus.RESULT_RETURNED
        reasons = [e.detail["reason"] for e in s.query(AuditEvent).filter_by(dossier_id=dossier.id, action="sent_back")]
    assert reasons[0] == "Xác minh lại lần 1" and len(reasons) == 15


# 10. serializer data traps ------------------------------------------------------------------

def test_dates_and_decimals_set_by_scripts_survive_save_and_load(demo, tmp_path):
    script = "fee = Decimal(&quot;12500.50&quot;)\nappointment = date(2026, 11, 30)"
    deploy(demo, write(tmp_path, "p_types.bpmn", one_step_then("p_types", f"""
    <bpmn:scriptTask id="after"><bpmn:incoming>flow_2</bpmn:incoming><bpmn:outgoing>flow_3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>""").replace(
        '<bpmn:endEvent id="end">', '<bpmn:userTask id="end_wait" name="Chờ"><bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" value="tra_ket_qua.json" /></spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>flow_3</bpmn:incoming><bpmn:outgoing>flow_4</bpmn:outgoing></bpmn:userTask><bpmn:sequenceFlow id="flow_4" sourceRef="end_wait" targetRef="end" /><bpmn:endEvent id="end">').replace(
        '<bpmn:sequenceFlow id="flow_3" sourceRef="after" targetRef="end" />', '<bpmn:sequenceFlow id="flow_3" sourceRef="after" targetRef="end_wait" />').replace(
        '<bpmn:endEvent id="end"><bpmn:incoming>flow_3</bpmn:incoming>', '<bpmn:endEvent id="end"><bpmn:incoming>flow_4</bpmn:incoming>').replace(
        "<bpmn:flowNodeRef>end</bpmn:flowNodeRef>", "<bpmn:flowNodeRef>end</bpmn:flowNodeRef><bpmn:flowNodeRef>end_wait</bpmn:flowNodeRef>")))
    dossier = receive(demo, "p_types")
    claim_and_complete(demo, dossier.id, "chuyenvien", RETURN_DATA)
    with demo.motcua.read_session() as s:
        workflow = host.load_workflow(s.get(Dossier, dossier.id))
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert task.data["fee"] == Decimal("12500.50") and type(task.data["fee"]) is Decimal
    assert task.data["appointment"] == date(2026, 11, 30) and type(task.data["appointment"]) is date


def test_form_data_with_a_reserved_key_is_refused_before_it_reaches_the_workflow(demo):
    dossier = receive(demo)
    item = open_item(demo, dossier.id)
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    before = snapshot(demo, dossier.id)
    with pytest.raises(FormInvalid) as info:
        commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id,
                          data={**APPRAISAL, "typename": "BpmnWorkflow"})
    assert "typename" in info.value.field_errors
    assert snapshot(demo, dossier.id) == before
