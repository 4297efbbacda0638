"""How a procedure's messages go to and come from partner pools (participants without a process:
another agency's own system), read from the deployed BPMN for the control slip and the history."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from engine.procedures.manifest import BPMN, NS, properties_of
from engine.procedures.safe_xml import parse_untrusted


@dataclass(frozen=True)
class PartnerRoute:
    """A message exchanged with a partner pool (a participant without a process), as drawn."""
    outgoing: bool  # True: we send it to the partner; False: the partner sends it to us
    pool: str  # the partner pool's name
    code: str  # its partnerCode (else its name); ANY_PARTNER stands for whoever asked
    process_id: str  # the process of our throwing or catching element
    lane: str  # that element's lane: the unit that hands over or receives
    what: str  # what the message flow says is carried
    element: str  # our element's name
    allotment: str = ""  # the partner's share (``allotment`` on the participant)
    reply: str | None = None  # outgoing: the partner's message our process waits for next, if any


@lru_cache(maxsize=64)
def partner_routes(bpmn_xml: str) -> dict[str, PartnerRoute]:
    """Message name → how it goes to, or comes from, a partner pool."""
    # A deployed version passed the safe-XML checks already; the size limit is only a second wall.
    data = bpmn_xml.encode()
    root = parse_untrusted(data, len(data)).getroot()
    external = {p.get("id"): p for p in root.iter(f"{{{BPMN}}}participant") if not p.get("processRef")}
    names = {m.get("id"): m.get("name") or m.get("id") for m in root.iter(f"{{{BPMN}}}message")}
    lane_of = {(ref.text or "").strip(): lane.get("name", "")
               for lane in root.iter(f"{{{BPMN}}}lane") for ref in lane.findall(f"{{{BPMN}}}flowNodeRef")}
    elements = {e.get("id"): e for process in root.iter(f"{{{BPMN}}}process") for e in process.iter() if e.get("id")}
    routes, ours_of = {}, {}
    for flow in root.iter(f"{{{BPMN}}}messageFlow"):
        outgoing = flow.get("targetRef") in external
        pool_id, ours = ((flow.get("targetRef"), flow.get("sourceRef")) if outgoing
                         else (flow.get("sourceRef"), flow.get("targetRef")))
        element = elements.get(ours)
        if pool_id not in external or element is None:
            continue
        message_ref = flow.get("messageRef")
        if not message_ref:
            definition = element.find("bpmn:messageEventDefinition", NS)
            message_ref = definition.get("messageRef") if definition is not None else None
        if message_ref not in names:
            continue
        pool, process = external[pool_id], next(element.iterancestors(f"{{{BPMN}}}process"), None)
        props = properties_of(pool)
        routes[names[message_ref]] = PartnerRoute(
            outgoing, pool.get("name") or pool_id, (props.get("partnerCode") or pool.get("name") or "").strip(),
            process.get("id") if process is not None else "", lane_of.get(ours, ""),
            flow.get("name") or names[message_ref], element.get("name") or ours, props.get("allotment", ""))
        ours_of[names[message_ref]] = ours
    following = {}
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        following.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    for name, route in list(routes.items()):
        if route.outgoing:
            replies = {ours_of[n]: n for n, r in routes.items() if not r.outgoing and r.pool == route.pool}
            routes[name] = replace(route, reply=_first_reached(ours_of[name], replies, following))
    return routes


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
