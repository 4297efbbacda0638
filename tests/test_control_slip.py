"""The control slip (form 05) and steps that wait for the citizen: while a step with
``dossierStatus`` 5 (supplement) or 6 (financial obligation) is open, the agency's clock stops
(docs/RULES.md), so the slip leaves that time out of the agency's share and does not judge the
hand-over that step gives."""
from __future__ import annotations

from datetime import datetime, timedelta

from engine import commands
from engine.commands.reception import Applicant
from engine.procedures.registry import check_and_deploy
from engine.queries.control_slip import EARLY, control_slip
from tests.bpmn_samples import FORMS, HEADER, RETURN_DATA, write
from tests.conftest import VN
from tests.test_lien_thong_khai_sinh import Officer, rows, shares, state

COMMITTEE = "UBND xã Tân Phong"


def _task(task_id: str, name: str, incoming: str, outgoing: str, status: str = "") -> str:
    status_property = f'<spiffworkflow:property name="dossierStatus" value="{status}" />' if status else ""
    return f"""
    <bpmn:userTask id="{task_id}" name="{name}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="tra_ket_qua.json" />{status_property}
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>"""


# Appraise, then wait for the citizen to pay the fee (status 6, at the one-stop counter), then issue.
PAYMENT = HEADER.format(pid="nop_le_phi_thu") + f"""
  <bpmn:process id="nop_le_phi_thu" name="Thủ tục thử có bước nộp lệ phí" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="timeLimit" value="5 working days" />
      <spiffworkflow:property name="receivedBy" value="commune_committee" />
      <spiffworkflow:property name="allotment" value="1 working days" />
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_s" name="specialist">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>appraise</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>issue</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="lane_r" name="reception"><bpmn:flowNodeRef>await_payment</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="appraise" />
    {_task("appraise", "Thẩm định hồ sơ", "f1", "f2")}
    <bpmn:sequenceFlow id="f2" sourceRef="appraise" targetRef="await_payment" />
    {_task("await_payment", "Chờ công dân nộp lệ phí", "f2", "f3", status="6")}
    <bpmn:sequenceFlow id="f3" sourceRef="await_payment" targetRef="issue" />
    {_task("issue", "Cấp giấy", "f3", "f4", status="4")}
    <bpmn:sequenceFlow id="f4" sourceRef="issue" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=VN)  # 23 = Monday, 24 a public holiday


def slip(demo, dossier_id):
    with demo.motcua.read_session() as s:
        return control_slip(s, demo.users["tiepnhan"], dossier_id)


def test_the_time_the_citizen_takes_to_pay_does_not_count_against_the_agency(demo, frozen_clock, tmp_path):
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [write(tmp_path, "nop_le_phi_thu.bpmn", PAYMENT)], FORMS, deployed_by="test")
        uow.commit()
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="nop_le_phi_thu", applicant=Applicant(name="Trần Thị Bé"))
    frozen_clock.current = at(23, 10)
    Officer(demo, "chuyenvien").take_and_complete(dossier.id, RETURN_DATA, expect_step="appraise")
    assert state(demo, dossier.id)[:2] == (6, [("await_payment", "reception", demo.commune)])

    # Thursday: three days waiting for the citizen, far past the committee's one working day, yet
    # only the hour of appraisal is its time, and it is not late.
    frozen_clock.current = at(26, 9)
    waiting = slip(demo, dossier.id)
    assert waiting.holders == [COMMITTEE]
    assert shares(waiting)[COMMITTEE] == (timedelta(hours=1), None, True)

    frozen_clock.current = at(26, 10)
    Officer(demo, "tiepnhan").take_and_complete(dossier.id, RETURN_DATA, expect_step="await_payment")
    frozen_clock.current = at(26, 11)
    Officer(demo, "chuyenvien").take_and_complete(dossier.id, RETURN_DATA, expect_step="issue")
    assert state(demo, dossier.id)[0] == 10

    final = slip(demo, dossier.id)
    assert rows(final) == [
        (COMMITTEE, "reception", COMMITTEE, "specialist", at(23, 9), EARLY),
        (COMMITTEE, "specialist", COMMITTEE, "reception", at(23, 10), EARLY),
        # Given by the step that waited for the citizen: on the slip, not judged.
        (COMMITTEE, "reception", COMMITTEE, "specialist", at(26, 10), None),
    ]
    # The appraisal hour and the hour to issue: 2 of its 8 working hours.
    assert shares(final)[COMMITTEE] == (timedelta(hours=2), EARLY, False)
