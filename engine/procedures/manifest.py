"""What our conventions read from a diagram, beyond what SpiffWorkflow keeps.

SpiffWorkflow gives a task inside an expanded sub-process the lane of the sub-process, so a
review loop that spans the specialist's and the leader's lanes would put both steps in one
queue. We read each task's lane from the lanes' ``flowNodeRef`` lists instead (falling back to the
nearest enclosing element that a lane lists), which is what the modeller drew.
"""
from __future__ import annotations

from lxml import etree

from engine.procedures import metadata

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
    routes, starts_on = _partner_routes(root, collaboration, processes)
    top = collaboration if collaboration is not None else (processes[0] if len(processes) == 1 else None)
    top_props = properties_of(top) if top is not None else {}
    if collaboration is not None and not top_props:
        # Procedure properties may sit on the collaboration or on its first pool's process.
        top_props = next((p["properties"] for p in process_info.values() if p["properties"]), {})
    return {
        "partners": _partner_messages(routes, starts_on),
        "partner_routes": routes,
        "key": top.get("id") if top is not None else "",
        "name": (top.get("name") if top is not None else "") or "",
        "is_collaboration": collaboration is not None,
        "national_code": top_props.get("nationalCode", ""),
        "properties": top_props,
        # What the counter reads: time limit, receiving agencies, required documents.
        "metadata": metadata.read(top_props),
        "pools": pools,
        "processes": process_info,
        "steps": steps,
        "message_variables": _message_variables(root, collaboration, processes),
    }


def _message_variables(root, collaboration, processes) -> dict[str, dict]:
    """Variables that received messages land in, for people reading a dossier's data: ``label``
    is what the message flow into the catching element says (else the element's name), and
    ``form`` the element's optional ``payloadForm`` property, a form schema whose field titles
    label the message's fields (a partner's message uses the sender's field names) and which a
    partner's payload must satisfy (engine/partners/payloads.py); ``message`` the message's name."""
    names = _message_names(root)
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
                "message": _message_of(element, names),
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


def _partner_routes(root, collaboration, processes) -> tuple[dict[str, dict], list[str]]:
    """Messages exchanged with partner pools (a participant with no process: another deployment),
    read once at deployment for every reader (routing, control slip, history): message name →
    direction, the pool's name and code (its ``partnerCode`` property, else its name), our
    element's process, lane and name, what the message flow says is carried, the partner's share
    (``allotment`` on the participant) and, for a message we send, the partner's message our
    process waits for next (``reply``). Also the incoming messages caught straight after a plain
    start event: such a message with no dossier here opens one (docs/PARTNERS.md)."""
    if collaboration is None:
        return {}, []
    external = {p.get("id"): p for p in collaboration.findall(f"{{{BPMN}}}participant") if not p.get("processRef")}
    if not external:
        return {}, []
    names = _message_names(root)
    lane_of = {(ref.text or "").strip(): lane.get("name", "")
               for lane in root.iter(f"{{{BPMN}}}lane") for ref in lane.findall(f"{{{BPMN}}}flowNodeRef")}
    elements, process_of = {}, {}
    for process in processes:
        for e in process.iter():
            if e.get("id"):
                elements[e.get("id")], process_of[e.get("id")] = e, process.get("id")
    following = {}
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        following.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    routes, ours_of, starts_on = {}, {}, []
    for flow in collaboration.findall(f"{{{BPMN}}}messageFlow"):
        outgoing = flow.get("targetRef") in external
        pool_id, ours = ((flow.get("targetRef"), flow.get("sourceRef")) if outgoing
                         else (flow.get("sourceRef"), flow.get("targetRef")))
        element = elements.get(ours)
        if pool_id not in external or element is None:
            continue
        # The element's own message is the event's name at run time; the flow's is a fallback.
        message = _message_of(element, names) or names.get(flow.get("messageRef"), "")
        if not message:
            continue
        pool = external[pool_id]
        props = properties_of(pool)
        routes[message] = {
            "outgoing": outgoing, "pool": pool.get("name") or pool_id,
            "code": (props.get("partnerCode") or pool.get("name") or "").strip(),
            "process_id": process_of[ours], "lane": lane_of.get(ours, ""), "what": flow.get("name") or message,
            "element": element.get("name") or ours, "allotment": props.get("allotment", ""), "reply": None}
        ours_of[message] = ours
        if not outgoing and any(elements.get(source) is not None and elements[source].tag == f"{{{BPMN}}}startEvent"
                                and elements[source].find(f"{{{BPMN}}}messageEventDefinition") is None
                                for source, targets in following.items() if ours in targets):
            starts_on.append(message)
    for message, route in routes.items():
        if route["outgoing"]:
            replies = {ours_of[m]: m for m, r in routes.items() if not r["outgoing"] and r["pool"] == route["pool"]}
            route["reply"] = _first_reached(ours_of[message], replies, following)
    return routes, starts_on


def _partner_messages(routes: dict[str, dict], starts_on: list[str]) -> dict:
    """What routing needs: ``outgoing`` and ``incoming`` map a message name to a partner code."""
    return {"outgoing": {m: r["code"] for m, r in routes.items() if r["outgoing"]},
            "incoming": {m: r["code"] for m, r in routes.items() if not r["outgoing"]},
            "starts_on": starts_on}


def _first_reached(source: str, wanted: dict[str, str], following: dict[str, list[str]]) -> str | None:
    """Walking the sequence flows on from ``source``, the first element of ``wanted`` reached."""
    seen, queue = {source}, list(following.get(source, []))
    while queue:
        node = queue.pop(0)
        if node in wanted:
            return wanted[node]
        if node not in seen:
            seen.add(node)
            queue.extend(following.get(node, []))
    return None
