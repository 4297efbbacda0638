"""What our conventions read from a diagram, beyond what SpiffWorkflow keeps.

SpiffWorkflow gives a task inside an expanded sub-process the lane of the sub-process, so a
review loop that spans the specialist's and the leader's lanes would put both steps in one
queue. We read each task's lane from the lanes' ``flowNodeRef`` lists instead (falling back to the
nearest enclosing element that a lane lists), which is what the modeller drew.
"""
from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
HUMAN_TASKS = ("userTask", "manualTask")


def properties_of(element) -> dict[str, str]:
    return {p.get("name"): p.get("value", "")
            for p in element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)}


def _lanes(process) -> dict[str, str]:
    lane_of = {}
    for lane in process.iter(f"{{{BPMN}}}lane"):
        for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
            # Child lane sets are visited after their parents: the innermost named lane wins.
            if lane.get("name"):
                lane_of[(ref.text or "").strip()] = lane.get("name").strip()
    return lane_of


def _role_for(element, lane_of) -> str:
    node = element
    while node is not None and node.tag != f"{{{BPMN}}}process":
        if node.get("id") in lane_of:
            return lane_of[node.get("id")]
        node = node.getparent()
    return ""


def build_manifest(tree: etree._ElementTree) -> dict:
    root = tree.getroot()
    collaboration = root.find(f"{{{BPMN}}}collaboration")
    processes = root.findall(f"{{{BPMN}}}process")
    pools = {}
    if collaboration is not None:
        for participant in collaboration.findall(f"{{{BPMN}}}participant"):
            ref = participant.get("processRef")
            pools[participant.get("id")] = {"name": participant.get("name", ""), "process_id": ref}
    steps, process_info = {}, {}
    for process in processes:
        pid = process.get("id")
        props = properties_of(process)
        process_info[pid] = {"name": process.get("name", pid), "agency_kind": props.get("agencyKind", ""),
                             "properties": props}
        lane_of = _lanes(process)
        for kind in HUMAN_TASKS:
            for task in process.iter(f"{{{BPMN}}}{kind}"):
                tprops = properties_of(task)
                steps[task.get("id")] = {
                    "name": task.get("name") or task.get("id"),
                    "process_id": pid,
                    "role": _role_for(task, lane_of),
                    "form": tprops.get("formJsonSchemaFilename", ""),
                    "properties": tprops,
                    "kind": kind,
                }
    top = collaboration if collaboration is not None else (processes[0] if len(processes) == 1 else None)
    top_props = properties_of(top) if top is not None else {}
    if collaboration is not None and not top_props:
        # Procedure properties may sit on the collaboration or on its first pool's process.
        top_props = next((p["properties"] for p in process_info.values() if p["properties"]), {})
    return {
        "partners": _partner_messages(root, collaboration, processes),
        "key": top.get("id") if top is not None else "",
        "name": (top.get("name") if top is not None else "") or "",
        "is_collaboration": collaboration is not None,
        "national_code": top_props.get("nationalCode", ""),
        "properties": top_props,
        "pools": pools,
        "processes": process_info,
        "steps": steps,
        "message_variables": _message_variables(root, collaboration, processes),
    }


def _message_variables(root, collaboration, processes) -> dict[str, dict]:
    """Variables that received messages land in, for people reading a dossier's data: ``label``
    is what the message flow into the catching element says (else the element's name), and
    ``form`` the element's optional ``payloadForm`` property, a form schema whose field titles
    label the message's fields (a partner's message uses the sender's field names)."""
    into = {}
    if collaboration is not None:
        for flow in collaboration.findall(f"{{{BPMN}}}messageFlow"):
            if flow.get("name"):
                into[flow.get("targetRef")] = flow.get("name")
    result = {}
    for process in processes:
        for element in process.iter():
            definition = element.find(f"{{{BPMN}}}messageEventDefinition")
            variable = definition.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}messageVariable") \
                if definition is not None else None
            if variable is None or not (variable.text or "").strip():
                continue
            result[variable.text.strip()] = {
                "label": into.get(element.get("id")) or element.get("name") or variable.text.strip(),
                "form": properties_of(element).get("payloadForm", ""),
            }
    return result


def _message_names(root) -> dict[str, str]:
    return {m.get("id"): m.get("name") or m.get("id") for m in root.findall(f"{{{BPMN}}}message")}


def _message_of(element, names) -> str:
    """The message an event (or a send/receive task) throws or catches, by name."""
    ref = element.get("messageRef")
    if ref is None:
        definition = element.find(f"{{{BPMN}}}messageEventDefinition")
        ref = definition.get("messageRef") if definition is not None else None
    return names.get(ref, "") if ref else ""


def _partner_messages(root, collaboration, processes) -> dict:
    """Messages exchanged with partner pools (a participant with no process: another deployment).

    The partner's code is the pool's ``partnerCode`` property, or else its name. ``outgoing`` and
    ``incoming`` map a message name to a partner code; ``starts_on`` lists the incoming messages
    caught straight after a plain start event: such a message with no dossier here opens one
    (docs/PARTNERS.md)."""
    result = {"outgoing": {}, "incoming": {}, "starts_on": []}
    if collaboration is None:
        return result
    external = {}
    for participant in collaboration.findall(f"{{{BPMN}}}participant"):
        if not participant.get("processRef"):
            code = properties_of(participant).get("partnerCode") or participant.get("name", "")
            external[participant.get("id")] = code.strip()
    if not external:
        return result
    names = _message_names(root)
    elements = {e.get("id"): e for process in processes for e in process.iter() if e.get("id")}
    for flow in collaboration.findall(f"{{{BPMN}}}messageFlow"):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if target in external and source in elements:
            result["outgoing"][_message_of(elements[source], names)] = external[target]
        elif source in external and target in elements:
            catch = elements[target]
            message = _message_of(catch, names)
            result["incoming"][message] = external[source]
            starts = [f for f in root.iter(f"{{{BPMN}}}sequenceFlow") if f.get("targetRef") == target
                      and elements.get(f.get("sourceRef")) is not None
                      and elements[f.get("sourceRef")].tag == f"{{{BPMN}}}startEvent"
                      and elements[f.get("sourceRef")].find(f"{{{BPMN}}}messageEventDefinition") is None]
            if starts:
                result["starts_on"].append(message)
    result["outgoing"].pop("", None)
    result["incoming"].pop("", None)
    return result
