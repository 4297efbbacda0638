"""The diagram as the rules read it: elements by id, processes, the collaboration, messages."""
from __future__ import annotations

from functools import cached_property

from engine.procedures.manifest import BPMN, SPIFF
from engine.procedures.problems import Problem


def local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def bpmn(name: str) -> str:
    return f"{{{BPMN}}}{name}"


def spiff(name: str) -> str:
    return f"{{{SPIFF}}}{name}"


class Model:
    def __init__(self, tree, filename: str):
        self.root = tree.getroot()
        self.filename = filename
        self.collaboration = self.root.find(bpmn("collaboration"))
        self.processes = self.root.findall(bpmn("process"))

    def error(self, element_id: str, en: str, vi: str = "") -> Problem:
        return Problem(self.filename, element_id or "", en, "error", vi)

    def warning(self, element_id: str, en: str, vi: str = "") -> Problem:
        return Problem(self.filename, element_id or "", en, "warning", vi)

    @cached_property
    def by_id(self) -> dict:
        return {e.get("id"): e for e in self.root.iter() if isinstance(e.tag, str) and e.get("id")}

    def flow_nodes(self, *names: str):
        for process in self.processes:
            for name in names:
                yield from process.iter(bpmn(name))

    @cached_property
    def message_names(self) -> dict[str, str]:
        return {m.get("id"): m.get("name") or m.get("id") for m in self.root.findall(bpmn("message"))}

    @cached_property
    def signal_names(self) -> dict[str, str]:
        return {s.get("id"): s.get("name") or s.get("id") for s in self.root.findall(bpmn("signal"))}

    def definition(self, element, kind: str):
        """The element's ``kind`` event definition (``message``, ``timer``, ``signal``…) or None."""
        return element.find(bpmn(f"{kind}EventDefinition"))

    def message_of(self, element) -> str | None:
        """The message name a send/receive task or message event names; '' if it names none,
        None if it is no message element."""
        if local(element.tag) in ("sendTask", "receiveTask"):
            ref = element.get("messageRef")
        else:
            definition = self.definition(element, "message")
            if definition is None:
                return None
            ref = definition.get("messageRef")
        return self.message_names.get(ref, ref or "") if ref else ""

    @cached_property
    def external_pools(self) -> dict:
        """Participants without a process: partners outside this deployment."""
        if self.collaboration is None:
            return {}
        return {p.get("id"): p for p in self.collaboration.findall(bpmn("participant")) if not p.get("processRef")}

    @cached_property
    def message_flows(self) -> list:
        return [] if self.collaboration is None else self.collaboration.findall(bpmn("messageFlow"))

    @cached_property
    def outgoing(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for flow in self.root.iter(bpmn("sequenceFlow")):
            result.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
        return result

    def label(self, element) -> str:
        """How the modeller knows an element: its name, else its id."""
        return element.get("name") or element.get("id") or local(element.tag)
