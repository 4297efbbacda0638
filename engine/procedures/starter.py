"""The diagram a new procedure starts from in the editor: one process with the required
properties, the reception lane and a first step with a form, laid out left to right."""
from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,119}$")


def starter_xml(key: str = "thu_tuc_moi", name: str = "Thủ tục mới") -> str:
    if not KEY.match(key):
        raise ValueError("a procedure key is a letter or _ followed by letters, digits or _ (at most 120)")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="Definitions_{key}" targetNamespace="http://motcua.vn/bpmn">
  <bpmn:process id="{key}" name={quoteattr(name)} isExecutable="true">
    <bpmn:extensionElements>
      <spiffworkflow:properties>
        <spiffworkflow:property name="timeLimit" value="5 working days" />
        <spiffworkflow:property name="receivedBy" value="commune_committee" />
      </spiffworkflow:properties>
    </bpmn:extensionElements>
    <bpmn:laneSet id="LaneSet_{key}">
      <bpmn:lane id="Lane_reception" name="reception">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>return_result</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="Lane_specialist" name="specialist">
        <bpmn:flowNodeRef>appraise</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="Tiếp nhận hồ sơ"><bpmn:outgoing>flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="flow_1" sourceRef="start" targetRef="appraise" />
    <bpmn:userTask id="appraise" name="Thẩm định hồ sơ">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="ket_hon_tham_dinh.json" />
        <spiffworkflow:property name="dossierStatus" value="4" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>flow_1</bpmn:incoming><bpmn:outgoing>flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_2" sourceRef="appraise" targetRef="return_result" />
    <bpmn:userTask id="return_result" name="Trả kết quả">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="tra_ket_qua.json" />
        <spiffworkflow:property name="dossierStatus" value="9" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>flow_2</bpmn:incoming><bpmn:outgoing>flow_3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_3" sourceRef="return_result" targetRef="end" />
    <bpmn:endEvent id="end" name="Đã trả kết quả"><bpmn:incoming>flow_3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_{key}">
    <bpmndi:BPMNPlane id="Plane_{key}" bpmnElement="{key}">
      <bpmndi:BPMNShape id="Lane_reception_di" bpmnElement="Lane_reception" isHorizontal="true">
        <dc:Bounds x="120" y="80" width="700" height="150" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_specialist_di" bpmnElement="Lane_specialist" isHorizontal="true">
        <dc:Bounds x="120" y="230" width="700" height="150" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="182" y="137" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="appraise_di" bpmnElement="appraise"><dc:Bounds x="300" y="265" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="return_result_di" bpmnElement="return_result"><dc:Bounds x="500" y="115" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="702" y="137" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_1_di" bpmnElement="flow_1"><di:waypoint x="218" y="155" /><di:waypoint x="260" y="155" /><di:waypoint x="260" y="305" /><di:waypoint x="300" y="305" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow_2_di" bpmnElement="flow_2"><di:waypoint x="400" y="305" /><di:waypoint x="450" y="305" /><di:waypoint x="450" y="155" /><di:waypoint x="500" y="155" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="flow_3_di" bpmnElement="flow_3"><di:waypoint x="600" y="155" /><di:waypoint x="702" y="155" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
