"""A long-lived dossier's hot state stays the same size: finished loop laps and finished
sub-processes move to workflow_archive, and the whole workflow can be put back from there."""
from __future__ import annotations

import json

from SpiffWorkflow.util.task import TaskState

from engine import commands
from engine.models import AuditEvent, Dossier, DossierState, WorkflowArchive, WorkItem
from engine.queries.tasks import task_view
from engine.runtime import host
from engine.runtime.sandbox import SCRIPT_ENGINE
from engine.runtime.serializer import VERSION, dump_compacted, dump_state, load_state
from engine.statuses import DossierStatus
from tests.bpmn_samples import RETURN_DATA, write
from tests.test_engine_guards import APPRAISAL, claim_and_complete, deploy, open_item, receive

# In memory, without the commands: what they add to a step that may ask for a supplement.
NO_SUPPLEMENT = {"supplement_requested": False}


def send_back_once(demo, dossier_id, lap):
    claim_and_complete(demo, dossier_id, "chuyenvien", dict(APPRAISAL, appraisal_opinion=f"Thẩm định lần {lap}"))
    item = open_item(demo, dossier_id)
    commands.claim(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=item.id)
    commands.send_back(demo.motcua.uow(), actor_id=demo.users["lanhdao"], work_item_id=item.id,
                       reason=f"Xác minh lại lần {lap}")


def stored(demo, dossier_id):
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier_id)
        pieces = s.query(WorkflowArchive).filter_by(dossier_id=dossier_id).count()
        return len(d.workflow_state), pieces


def test_send_back_laps_leave_the_hot_state_and_the_dossier_still_finishes(demo):
    dossier = receive(demo)
    sizes = []
    for lap in range(1, 13):
        send_back_once(demo, dossier.id, lap)
        sizes.append(stored(demo, dossier.id))
    # Lap 12 loads what lap 3 loaded, give or take a few bytes of data: not 10 laps more.
    assert sizes[-1][0] <= sizes[2][0] + 200, sizes
    # Each finished lap went to the archive (the last finished one stays until the next).
    assert sizes[-1][1] == 11
    claim_and_complete(demo, dossier.id, "chuyenvien", APPRAISAL)
    claim_and_complete(demo, dossier.id, "lanhdao", {"decision": "approve"})
    claim_and_complete(demo, dossier.id, "chuyenvien", {"register_book": "01", "register_number": 7,
                                                        "registered_on": "2026-11-23"})
    claim_and_complete(demo, dossier.id, "tiepnhan", RETURN_DATA)
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier.id).status == DossierStatus.RESULT_RETURNED
        # The history is untouched by what the state forgot.
        reasons = [e.detail["reason"] for e in s.query(AuditEvent).filter_by(dossier_id=dossier.id, action="sent_back")
                   .order_by(AuditEvent.id)]
        assert reasons == [f"Xác minh lại lần {lap}" for lap in range(1, 13)]
        workflow = host.load_whole_workflow(s, s.get(Dossier, dossier.id))
    # Put back together, the workflow has every lap: 13 appraisals, each with what its officer wrote.
    appraisals = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "appraise"]
    assert [t.state for t in appraisals] == [TaskState.COMPLETED] * 13
    assert sorted(t.data.get("appraisal_opinion") for t in appraisals) == sorted(
        [f"Thẩm định lần {lap}" for lap in range(1, 13)] + [APPRAISAL["appraisal_opinion"]])
    [end] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "end_returned"]
    assert end.state == TaskState.COMPLETED


def test_the_task_page_of_a_step_in_an_archived_lap_shows_what_that_lap_saw(demo):
    dossier = receive(demo)
    for lap in range(1, 5):
        send_back_once(demo, dossier.id, lap)
    with demo.motcua.read_session() as s:
        first_approval = (s.query(WorkItem).filter_by(dossier_id=dossier.id, step_id="approve")
                          .order_by(WorkItem.id).first())
        hot = host.load_workflow(s.get(Dossier, dossier.id))
        assert first_approval.task_id not in {str(t.id) for t in hot.get_tasks()}  # archived
        view = task_view(s, demo.users["lanhdao"], first_approval.id)
    shown = json.dumps(view.data, ensure_ascii=False, default=str)
    assert "Thẩm định lần 1" in shown and "Xác minh lại lần 1" in shown
    assert "Thẩm định lần 2" not in shown


def _twins(workflow):
    """Every task of a workflow as comparable facts (id, step, state, data, children)."""
    return {str(t.id): (t.task_spec.name, t.state, json.dumps(t.data, sort_keys=True, default=str),
                        sorted(str(c.id) for c in t.children), t.internal_data.get("merged"))
            for t in workflow.get_tasks()}


def test_restore_gives_back_exactly_the_workflow_that_was_cut(demo):
    """One live workflow, sent back 20 times in memory: its full dump and its compacted dump plus
    pieces load as the same tasks, states, data and children."""
    dossier = receive(demo)
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        workflow = host.load_workflow(d)
        spec, subs = workflow.spec, workflow.subprocess_specs

    def complete(step, data):
        data = {**data, **NO_SUPPLEMENT} if step == "appraise" else data
        [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == step]
        host.complete_task(workflow, task, data)
        host.run_engine(workflow)

    for lap in range(20):
        complete("appraise", dict(APPRAISAL, appraisal_opinion=f"lần {lap}"))
        complete("approve", {"decision": "send_back", "leader_opinion": f"Lần {lap}"})
    whole = load_state(dump_state(workflow), VERSION, spec, subs)
    state, pieces = dump_compacted(workflow)
    assert len(pieces) == 19 and len(state) < len(dump_state(workflow)) / 5
    hot = load_state(state, VERSION, spec, subs)
    restored = load_state(state, VERSION, spec, subs, pieces=pieces)
    assert _twins(restored) == _twins(whole)
    # The hot state alone still runs on: the loop knows how many laps it made.
    [loop] = [t for t in hot.get_tasks() if t.task_spec.name == "review_loop"]
    assert len(loop.internal_data["merged"]) == 20
    hot.script_engine = SCRIPT_ENGINE
    workflow = hot
    complete("appraise", APPRAISAL)
    complete("approve", {"decision": "approve"})
    assert [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True)] == ["record_marriage"]


def test_400_laps_saved_and_loaded_every_lap_keep_the_state_bounded(demo):
    """The 400-send-back scenario as the commands store it: compacted and reloaded after every
    step. The hot state stays the size of a few laps; the end event is really reached."""
    dossier = receive(demo)
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        state, version = d.workflow_state, d.serializer_version
        spec, subs = host.load_workflow(d).spec, host.load_workflow(d).subprocess_specs
    archive, sizes = [], []

    def step(step_id, data):
        nonlocal state
        workflow = load_state(state, version, spec, subs)
        workflow.script_engine = SCRIPT_ENGINE
        [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == step_id]
        host.complete_task(workflow, task, {**data, **NO_SUPPLEMENT} if step_id == "appraise" else data)
        host.run_engine(workflow)
        state, pieces = dump_compacted(workflow)
        archive.extend(pieces)
        return workflow

    for lap in range(400):
        step("appraise", APPRAISAL)
        step("approve", {"decision": "send_back", "leader_opinion": f"Lần {lap}"})
        sizes.append(len(state))
    assert max(sizes) <= sizes[2] + 100, (sizes[2], max(sizes))
    step("appraise", APPRAISAL)
    step("approve", {"decision": "approve"})
    step("record_marriage", {"register_book": "01", "register_number": 1, "registered_on": "2026-11-23"})
    workflow = step("return_result", RETURN_DATA)
    assert workflow.is_completed()
    [end] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "end_returned"]
    assert end.state == TaskState.COMPLETED
    whole = load_state(state, version, spec, subs, pieces=archive)
    assert len([t for t in whole.get_tasks() if t.task_spec.bpmn_id == "appraise"]) == 401


LOOPED_TASK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://motcua.vn/bpmn">
  <bpmn:process id="p_looped_task" name="Kiểm tra lặp" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="timeLimit" value="5 working days" />
      <spiffworkflow:property name="receivedBy" value="commune_committee" />
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="specialist">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>check</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="check" name="Kiểm tra">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="ket_hon_phe_duyet.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:standardLoopCharacteristics>
        <bpmn:loopCondition xsi:type="bpmn:tFormalExpression">decision == "send_back"</bpmn:loopCondition>
      </bpmn:standardLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_loop_on_a_single_task_keeps_each_lap_readable(demo, tmp_path):
    """A loop marker on a user task (no sub-process): each lap is one task, cut with its full data."""
    deploy(demo, write(tmp_path, "p_looped_task.bpmn", LOOPED_TASK))
    dossier = receive(demo, "p_looped_task")
    for lap in range(6):
        claim_and_complete(demo, dossier.id, "chuyenvien", {"decision": "send_back", "leader_opinion": f"vòng {lap}"})
    assert stored(demo, dossier.id)[1] == 5
    claim_and_complete(demo, dossier.id, "chuyenvien", {"decision": "approve", "leader_opinion": "xong"})
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.finished_at is not None
        items = s.query(WorkItem).filter_by(dossier_id=dossier.id).order_by(WorkItem.id).all()
        seen = [host.step_data(s, d, item.task_id).get("leader_opinion") for item in items]
        whole = host.load_whole_workflow(s, d)
    assert seen == [f"vòng {lap}" for lap in range(6)] + ["xong"]
    assert len([t for t in whole.get_tasks() if t.task_spec.name == "check [child]"]) == 7


def test_the_state_is_its_own_row(demo):
    """Commands rewrite dossier_states, one row per dossier, and never a second copy of the state."""
    dossier = receive(demo)
    send_back_once(demo, dossier.id, 1)
    with demo.motcua.read_session() as s:
        rows = s.query(DossierState).filter_by(dossier_id=dossier.id).all()
        assert len(rows) == 1 and rows[0].serializer_version == VERSION
        assert json.loads(rows[0].state)["tasks"]
