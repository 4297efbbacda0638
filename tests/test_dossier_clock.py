"""The dossier's clock stops while the citizen supplements papers or pays (docs/RULES.md §5–6)."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier, WorkItem
from engine.procedures.registry import check_and_deploy
from tests.bpmn_samples import FORMS, HEADER, RETURN_DATA, write
from tests.conftest import VN


def step(step_id, name, status):
    return f"""
    <bpmn:userTask id="{step_id}" name="{name}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="tra_ket_qua.json" />
        <spiffworkflow:property name="dossierStatus" value="{status}" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>"""


def waiting_procedure(pid, waiting_status, supplement_clock=None):
    extra = f'<spiffworkflow:property name="supplementClock" value="{supplement_clock}" />' if supplement_clock else ""
    return HEADER.format(pid=pid) + f"""
  <bpmn:process id="{pid}" name="Thủ tục có chờ công dân" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="timeLimit" value="2 working days" />{extra}
      <spiffworkflow:property name="receivedBy" value="commune_committee" />
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls">
      <bpmn:lane id="l1" name="specialist"><bpmn:flowNodeRef>check</bpmn:flowNodeRef><bpmn:flowNodeRef>finish</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="l2" name="reception"><bpmn:flowNodeRef>wait</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    {step("check", "Thẩm định", 4)}
    {step("wait", "Chờ công dân", waiting_status)}
    {step("finish", "Hoàn thành", 4)}
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="wait" />
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="finish" />
    <bpmn:sequenceFlow id="f4" sourceRef="finish" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def at(month, day, hh, mm=0):
    return datetime(2026, month, day, hh, mm, tzinfo=VN)


@pytest.fixture
def run(demo, tmp_path, frozen_clock):
    def run(waiting_status, supplement_clock=None):
        pid = f"cho_{waiting_status}_{supplement_clock or 'mac_dinh'}"
        with demo.motcua.uow() as uow:
            check_and_deploy(uow, [write(tmp_path, f"{pid}.bpmn", waiting_procedure(pid, waiting_status, supplement_clock))], FORMS)
            uow.commit()
        dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                                   procedure_key=pid, applicant=Applicant(name="Nguyễn Văn An"))
        assert read(demo, dossier.id).due_at == at(11, 26, 9)  # Mon 23/11 09:00 + 2 days, 24/11 a holiday

        frozen_clock.current = at(11, 23, 10)  # appraisal finds the dossier waiting on the citizen
        finish_step(demo, dossier.id, "chuyenvien")
        paused = read(demo, dossier.id)
        assert paused.status == waiting_status and paused.clock_paused_at == at(11, 23, 10)
        assert paused.apology_check_at is None  # no apology warnings while the citizen holds the clock

        frozen_clock.current = at(11, 27, 9)  # the citizen comes back on Friday
        finish_step(demo, dossier.id, "tiepnhan")
        return read(demo, dossier.id)
    return run


def finish_step(demo, dossier_id, username):
    with demo.motcua.read_session() as s:
        item = s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()
    commands.claim(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id)
    commands.complete(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id, data=RETURN_DATA)


def read(demo, dossier_id) -> Dossier:
    with demo.motcua.read_session() as s:
        return s.get(Dossier, dossier_id)


def test_a_supplement_restarts_the_time_limit_by_default(run):
    dossier = run(5)
    # Two full working days from Friday 27/11 09:00: Tuesday 01/12 09:00.
    assert dossier.due_at == dossier.original_due_at == at(12, 1, 9)
    assert dossier.clock_paused_at is None and dossier.supplement_count == 1
    assert dossier.apology_check_at == at(11, 30, 9)


def test_a_procedure_may_pause_instead_of_restart(run):
    dossier = run(5, "pause")
    # 15 working hours were left at the pause (Mon 10:00 → Thu 09:00): Fri 09:00 + 15 h = Tue 01/12 08:00.
    assert dossier.due_at == dossier.original_due_at == at(12, 1, 8)


def test_waiting_for_a_financial_obligation_is_not_counted(run):
    dossier = run(6)
    assert dossier.due_at == at(12, 1, 8)
    assert dossier.supplement_count == 0
