"""Small BPMN documents for tests, built from the reference procedure or from a few lines."""
from __future__ import annotations

from pathlib import Path

from engine.config import PROJECT_ROOT

REFERENCE = PROJECT_ROOT / "workflows" / "bpmn" / "dang_ky_ket_hon.bpmn"
FORMS = PROJECT_ROOT / "workflows" / "forms"

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="Defs_{pid}" targetNamespace="http://motcua.vn/test">
"""


# What every procedure must declare (engine/procedures/metadata.py): its legal time limit (none
# here: samples have no due date unless a test gives one) and who may receive it (the demo commune).
PROCEDURE_PROPERTIES = """<bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="timeLimit" value="none" />
      <spiffworkflow:property name="receivedBy" value="commune_committee" />
    </spiffworkflow:properties></bpmn:extensionElements>"""


def reference_xml() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def write(tmp_path: Path, name: str, xml: str) -> Path:
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    return path


def one_step_then(pid: str, after: str, *, after_id: str = "after", lane_extra: str = "") -> str:
    """A process: start → user task 'check' (specialist) → ``after`` element(s) → end.

    ``after`` is XML placed between the task and the end event; it must contain an element with
    id ``after_id`` that takes ``flow_2`` in and sends ``flow_3`` out (or is itself an end).
    """
    return HEADER.format(pid=pid) + f"""
  <bpmn:process id="{pid}" name="Thủ tục thử {pid}" isExecutable="true">
    {PROCEDURE_PROPERTIES}
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_s" name="specialist">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>{after_id}</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>{lane_extra}
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="flow_1" sourceRef="start" targetRef="check" />
    <bpmn:userTask id="check" name="Kiểm tra">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="tra_ket_qua.json" />
        <spiffworkflow:property name="dossierStatus" value="4" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>flow_1</bpmn:incoming><bpmn:outgoing>flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_2" sourceRef="check" targetRef="{after_id}" />
    {after}
    <bpmn:sequenceFlow id="flow_3" sourceRef="{after_id}" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>flow_3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def script_after_check(pid: str, script: str) -> str:
    return one_step_then(pid, f"""
    <bpmn:scriptTask id="after" name="Tính toán">
      <bpmn:incoming>flow_2</bpmn:incoming><bpmn:outgoing>flow_3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>""")


RETURN_DATA = {"returned_to": "Nguyễn Văn An", "return_method": "counter"}
