"""A procedure that deploys can run: every file in tests/bpmn_broken breaks one rule and is refused
with the element it concerns and what to do (the expected messages are in each file's
``<!-- expect: element :: words -->`` lines), in the modeller's words, never the engine's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.errors import ProcedureInvalid
from engine.procedures.checker import check_file
from engine.procedures.registry import check_and_deploy
from tests.bpmn_samples import FORMS, HEADER, PROCEDURE_PROPERTIES, write

BROKEN = Path(__file__).parent / "bpmn_broken"
SHIPPED = sorted((Path(__file__).parent.parent / "workflows").glob("*/*.bpmn"))
EXPECT = re.compile(r"<!-- expect: (\S*) :: (.*?) -->")
# What a modeller should never read: object reprs, addresses, the library's exception names.
INTERNAL = re.compile(r"0x[0-9a-f]{6,}|<Element|\b\w*(Error|Exception)\b|Traceback")
# English left in a Vietnamese message ("chờ a timer", "… or …") or a Python repr ('tra_loi').
ENGLISH_IN_VI = re.compile(r"\b(a|an|the|or|not|is|does)\b|'[^'\s]+'")


def expectations(path: Path):
    return EXPECT.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.bpmn")), ids=lambda p: p.stem)
def test_broken_file_is_refused_naming_the_element_and_what_to_do(path):
    with pytest.raises(ProcedureInvalid) as info:
        check_file(path, FORMS)
    problems = info.value.problems
    expected = expectations(path)
    assert expected, "each broken file states what it expects"
    for element, words in expected:
        assert any(p.element_id == element and words in p.message for p in problems), (element, words, problems)
    for p in problems:
        assert p.file == str(path)
        assert not INTERNAL.search(p.message), p.message
        assert p.message_vi and not INTERNAL.search(p.message_vi), p
        assert not ENGLISH_IN_VI.search(p.message_vi), p.message_vi


def test_every_shipped_procedure_passes_the_rules():
    for path in SHIPPED:
        assert check_file(path, FORMS).key


def test_timer_may_use_a_field_a_form_fills_in(tmp_path):
    xml = (BROKEN / "timer_unknown_name.bpmn").read_text(encoding="utf-8").replace("ngay_hen", "returned_to")
    # tra_ket_qua.json (the step's form) has returned_to: its value is known only at run time.
    assert "returned_to" in (FORMS / "tra_ket_qua.json").read_text(encoding="utf-8")
    assert check_file(write(tmp_path, "ok.bpmn", xml), FORMS).key == "timer_unknown_name"


def _warned_procedure() -> str:
    return HEADER.format(pid="canh_bao") + f"""
  <bpmn:collaboration id="canh_bao" name="Thủ tục có vai trò và đối tác chưa thiết lập">
    {PROCEDURE_PROPERTIES}
    <bpmn:participant id="pool_us" name="UBND xã" processRef="canh_bao_xa" />
    <bpmn:participant id="pool_partner" name="Kho bạc">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="partnerCode" value="KHO_BAC" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:participant>
    <bpmn:messageFlow id="mf" name="Đề nghị thu" sourceRef="send" targetRef="pool_partner" />
  </bpmn:collaboration>
  <bpmn:message id="m" name="de_nghi_thu" />
  <bpmn:process id="canh_bao_xa" name="UBND xã" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="agencyKind" value="commune_committee" />
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls"><bpmn:lane id="lane_k" name="accountant">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>count</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>send</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="count" />
    <bpmn:manualTask id="count" name="Tính phí"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:manualTask>
    <bpmn:sequenceFlow id="f2" sourceRef="count" targetRef="send" />
    <bpmn:intermediateThrowEvent id="send" name="Gửi kho bạc"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:messageEventDefinition id="send_m" messageRef="m" /></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="send" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def test_deploy_warns_about_a_role_nobody_holds_and_a_partner_not_configured(demo, tmp_path):
    path = write(tmp_path, "canh_bao.bpmn", _warned_procedure())
    warnings = []
    with demo.motcua.uow() as uow:
        [version] = check_and_deploy(uow, [path], FORMS, "test", warnings)
        uow.commit()
    assert version.number == 1  # warnings do not stop deployment
    found = {(w.element_id, w.severity) for w in warnings}
    assert ("count", "warning") in found and ("de_nghi_thu", "warning") in found
    text = " ".join(w.message for w in warnings)
    assert "“accountant”" in text and "“commune_committee”" in text and "“KHO_BAC”" in text
    # The demo's own roles and partners raise nothing.
    quiet = []
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [FORMS.parent / "bpmn" / "lien_thong_khai_sinh.bpmn"], FORMS, "test", quiet)
    assert quiet == []


def test_a_flow_left_pointing_at_a_deleted_element_names_it_in_both_languages():
    """SpiffWorkflow's "When looking for a task spec, we found two items, perhaps a form has the
    same ID? (tra_ket_qua_cu)" reached the modeller, in English on a Vietnamese page too."""
    with pytest.raises(ProcedureInvalid) as info:
        check_file(BROKEN / "flow_to_deleted_element.bpmn", FORMS)
    [problem] = [p for p in info.value.problems if p.element_id == "after"]
    assert problem.text("vi") == ("Một luồng đi ra từ phần tử manualTask này trỏ tới «tra_ket_qua_cu», phần tử không có "
                                  "trong sơ đồ (có thể đã bị xoá): hãy nối luồng vào một phần tử có trong sơ đồ, hoặc "
                                  "xoá luồng.")
    assert problem.text("en") == ("A sequence flow from this manualTask points at “tra_ket_qua_cu”, which is not in the "
                                  "diagram (deleted?): connect the flow to an element of the diagram, or delete it.")
