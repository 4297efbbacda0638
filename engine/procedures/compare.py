"""What changed between two versions of a procedure: the diagram's elements (added, removed,
changed, by id), the forms (added, removed, and per form the fields added, removed or changed),
and whether the drawing's layout moved. Used by the compare page, for the note a publication
records (and to refuse publishing what is already a version), and by the move of open dossiers
between versions (a step must exist in the target).

A publication records what changed twice: in Vietnamese words (``summary``) and as its parts
(``SummaryPart``), which a page says in its own language."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

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


class SummaryPart(NamedTuple):
    """One part of a version's change note. ``kind``: ``elements`` (``action`` added · removed ·
    changed, ``count`` of them, the first four ``names``, ``more`` when there are others),
    ``forms`` (``names`` the forms' files, ``statuses`` each one's added · removed · changed),
    ``layout`` (only the drawing moved), ``unchanged``, ``first`` (the first version)."""
    kind: str
    action: str = ""
    count: int = 0
    names: tuple[str, ...] = ()
    more: bool = False
    statuses: tuple[str, ...] = ()


FIRST_VERSION = "phiên bản đầu tiên"
UNCHANGED = "không đổi sơ đồ và biểu mẫu"
LAYOUT_ONLY = "chỉ đổi cách trình bày bản vẽ"
_ELEMENT_ACTIONS = {"added": "thêm", "removed": "bỏ", "changed": "sửa"}
_FORM_STATUS = {"added": "mới", "removed": "bỏ", "changed": "sửa"}
_SHOWN_NAMES = 4


@dataclass
class Comparison:
    added: dict[str, str] = field(default_factory=dict)  # id → name
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, str] = field(default_factory=dict)
    forms: list[FormChange] = field(default_factory=list)
    layout_changed: bool = False  # shapes moved, resized or re-routed (BPMN DI)

    @property
    def empty(self) -> bool:
        """No element and no form changed (the drawing may have moved)."""
        return not (self.added or self.removed or self.changed or self.forms)

    @property
    def same(self) -> bool:
        """Nothing to publish: the same diagram, drawing and forms, whatever the file's bytes
        (an editor writes the same diagram with its own spacing and attribute order)."""
        return self.empty and not self.layout_changed

    def parts(self) -> list[SummaryPart]:
        parts = []
        for action, items in (("added", self.added), ("removed", self.removed), ("changed", self.changed)):
            if items:
                names = sorted(items.values())
                parts.append(SummaryPart("elements", action, len(items), tuple(names[:_SHOWN_NAMES]),
                                         len(names) > _SHOWN_NAMES))
        if self.forms:
            parts.append(SummaryPart("forms", names=tuple(f.form for f in self.forms),
                                     statuses=tuple(f.status for f in self.forms)))
        return parts or [SummaryPart("layout" if self.layout_changed else "unchanged")]

    def summary(self) -> str:
        """One line for the version list: what a reader checks first (stored, in Vietnamese)."""
        return summary(self.parts())


def summary(parts: list[SummaryPart]) -> str:
    """The parts in Vietnamese words, as the versions table keeps them (``change_note``)."""
    return "; ".join(_written(part) for part in parts)


def recorded_changes(change_note: str, previous: tuple[str, dict] | None, version: tuple[str, dict]) -> dict | None:
    """What publishing records as a version's ``changes`` (the note and the parts), for a version
    published before they were kept (migration 0038), which kept only ``change_note``: its parts
    are found again as publishing found them, by comparing the version's (BPMN, forms) with its
    predecessor's (``None`` for the first version), and the note is what ``change_note`` holds
    before their Vietnamese words. ``None`` when the stored words are not what publishing wrote for
    those parts (so where the note ends cannot be told)."""
    parts = compare(previous[0], previous[1] or {}, version[0], version[1] or {}).parts() \
        if previous is not None else [SummaryPart("first")]
    written = summary(parts)
    if change_note == written:
        note = ""
    elif change_note.endswith(" — " + written):
        note = change_note[:-len(written) - len(" — ")]
    else:
        return None
    return {"note": note, "parts": [part._asdict() for part in parts]}


def _written(part: SummaryPart) -> str:
    if part.kind == "elements":
        names = ", ".join(part.names) + ("…" if part.more else "")
        return f"{_ELEMENT_ACTIONS[part.action]} {part.count} phần tử ({names})"
    if part.kind == "forms":
        return "biểu mẫu: " + ", ".join(f"{form} ({_FORM_STATUS[status]})"
                                        for form, status in zip(part.names, part.statuses))
    return {"layout": LAYOUT_ONLY, "unchanged": UNCHANGED, "first": FIRST_VERSION}[part.kind]


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


# The drawing (BPMN diagram interchange): where each shape and edge is, not how the file spells it.
_BPMNDI, _DC, _DI = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
                     "http://www.omg.org/spec/DD/20100524/DI")


def _layout(xml: str) -> dict[tuple[str, str], tuple]:
    """(drawn element, "shape" or "label") → its geometry: a shape's bounds, an edge's waypoints,
    a label's bounds; numbers read as numbers ("100" and "100.0" are the same place). Only
    geometry: an editor adds flags of its own (``isHorizontal``) to the same drawing."""
    root = parse_untrusted(xml.encode("utf-8"), 4 * 1024 * 1024).getroot()
    drawn = {}
    for element in root.iter(f"{{{_BPMNDI}}}BPMNShape", f"{{{_BPMNDI}}}BPMNEdge"):
        key = element.get("bpmnElement") or element.get("id")
        own = [c for c in element if c.tag in (f"{{{_DC}}}Bounds", f"{{{_DI}}}waypoint")]
        drawn[(key, "shape")] = tuple(_point(c) for c in own)
        for label in element.iter(f"{{{_BPMNDI}}}BPMNLabel"):
            drawn[(key, "label")] = tuple(_point(c) for c in label.iter(f"{{{_DC}}}Bounds"))
    return drawn


def _point(element) -> tuple[float, ...]:
    return tuple(_number(element.get(k)) for k in ("x", "y", "width", "height") if element.get(k) is not None)


def _number(value: str):
    try:
        return round(float(value), 1)
    except ValueError:
        return value


def _layout_changed(old_xml: str, new_xml: str) -> bool:
    """Whether a shape or an edge moved. A label counts only where both files place it: an editor
    writes the place it computes for a label the file left to it."""
    old, new = _layout(old_xml), _layout(new_xml)
    shapes = {k for k in old.keys() | new.keys() if k[1] == "shape"}
    labels = {k for k in old.keys() & new.keys() if k[1] == "label"}
    return any(old.get(k) != new.get(k) for k in shapes | labels)


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
        changed={i: new[i][1] for i in new.keys() & old.keys() if new[i] != old[i]},
        layout_changed=_layout_changed(old_xml, new_xml))
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
