"""What changed between two versions of a procedure: the diagram's elements (added, removed,
changed, by id) and the forms (added, removed, and per form the fields added, removed or
changed). Used by the compare page, for the note a publication records, and by the move of open
dossiers between versions (a step must exist in the target)."""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.procedures.manifest import BPMN
from engine.procedures.safe_xml import parse_untrusted

# Elements whose identity matters to a modeller (the diagram's flow nodes, flows, lanes, pools).
_SKIP = {"definitions", "extensionElements", "incoming", "outgoing", "flowNodeRef", "laneSet", "text",
         "documentation", "conditionExpression", "script", "timeDate", "timeDuration", "timeCycle",
         "loopCondition", "standardLoopCharacteristics", "multiInstanceLoopCharacteristics"}


@dataclass
class FormChange:
    form: str
    status: str  # added · removed · changed
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_changed: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    added: dict[str, str] = field(default_factory=dict)  # id → name
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)
    forms: list[FormChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.forms)

    def summary(self) -> str:
        """One line for the version list: what a reader checks first."""
        parts = []
        for what, items in (("thêm", self.added), ("bỏ", self.removed), ("sửa", self.changed)):
            if items:
                names = ", ".join(sorted(items.values())[:4]) + ("…" if len(items) > 4 else "")
                parts.append(f"{what} {len(items)} phần tử ({names})")
        if self.forms:
            parts.append("biểu mẫu: " + ", ".join(f"{f.form} ({_FORM_STATUS[f.status]})" for f in self.forms))
        return "; ".join(parts) or "không đổi sơ đồ và biểu mẫu"


_FORM_STATUS = {"added": "mới", "removed": "bỏ", "changed": "sửa"}


def _elements(xml: str) -> dict[str, tuple[str, str, bytes]]:
    root = parse_untrusted(xml.encode("utf-8"), 4 * 1024 * 1024).getroot()
    result = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{BPMN}}}"):
            continue
        kind = element.tag.split("}", 1)[1]
        eid = element.get("id")
        if kind in _SKIP or not eid:
            continue
        # Content without child flow nodes (a sub-process is changed only by its own settings).
        shallow = etree.Element(element.tag, {k: v for k, v in element.attrib.items()})
        for child in element:
            if isinstance(child.tag, str) and child.tag.split("}", 1)[-1] in _SKIP | {"timerEventDefinition",
                                                                                     "messageEventDefinition"}:
                shallow.append(_copy(child))
        result[eid] = (kind, element.get("name") or eid, etree.tostring(shallow, method="c14n", with_comments=False))
    return result


def _copy(element):
    """A copy without layout whitespace: an editor's pretty-printing is no change."""
    copy = etree.fromstring(etree.tostring(element))
    for node in copy.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        elif node.text is not None:
            node.text = node.text.strip()
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return copy


def _fields(schema: dict) -> dict[str, str]:
    import json
    return {name: json.dumps(spec, sort_keys=True, ensure_ascii=False)
            for name, spec in (schema.get("properties") or {}).items()}


def compare(old_xml: str, old_forms: dict, new_xml: str, new_forms: dict) -> Comparison:
    old, new = _elements(old_xml), _elements(new_xml)
    result = Comparison(
        added={i: new[i][1] for i in new.keys() - old.keys()},
        removed={i: old[i][1] for i in old.keys() - new.keys()},
        changed={i: new[i][1] for i in new.keys() & old.keys() if new[i] != old[i]})
    for name in sorted(set(old_forms) | set(new_forms)):
        if name not in old_forms:
            result.forms.append(FormChange(name, "added", sorted(_fields(new_forms[name]))))
        elif name not in new_forms:
            result.forms.append(FormChange(name, "removed", [], sorted(_fields(old_forms[name]))))
        elif old_forms[name] != new_forms[name]:
            a, b = _fields(old_forms[name]), _fields(new_forms[name])
            result.forms.append(FormChange(name, "changed", sorted(b.keys() - a.keys()), sorted(a.keys() - b.keys()),
                                           sorted(k for k in a.keys() & b.keys() if a[k] != b[k]) or
                                           (["(thiết lập chung của biểu mẫu)"] if a == b else [])))
    return result
