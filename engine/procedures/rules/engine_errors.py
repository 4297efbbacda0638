"""What the BPMN library and the XSD say, rewritten in the modeller's terms: no object reprs, no
internal exception names, the element's id rather than the library's wording."""
from __future__ import annotations

import re

from engine.procedures.manifest import BPMN, SPIFF

_NAMESPACES = {BPMN: "bpmn", SPIFF: "spiffworkflow", "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
               "http://www.omg.org/spec/DD/20100524/DC": "dc", "http://www.omg.org/spec/DD/20100524/DI": "di"}
_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")
_WRAPPED = re.compile(r"^(?:[A-Za-z_.]*(?:Error|Exception))\((['\"])(.*)\1\)$", re.S)
_CLASS = re.compile(r"\b[A-Za-z_.]*(?:Error|Exception|Warning)\b:?\s*")

# (pattern in the library's message, English, Vietnamese); {0} is the element's kind, {1}… the
# pattern's groups.
KNOWN = [
    (r"When looking for a task spec, we found two items, perhaps a form has the same ID\? \((.*)\)",
     "a sequence flow from this {0} points at '{1}', which is not in the diagram (deleted?): connect the flow to an "
     "element of the diagram, or delete it",
     "Một luồng đi ra từ phần tử {0} này trỏ tới «{1}», phần tử không có trong sơ đồ (có thể đã bị xoá): hãy nối "
     "luồng vào một phần tử có trong sơ đồ, hoặc xoá luồng."),
    (r"There is no support implemented for this task type",
     "the engine does not run {0} elements: use a user task, manual task, script task, gateway or event",
     "Engine không chạy được phần tử {0}: hãy dùng user task, manual task, script task, cổng hoặc sự kiện."),
    (r"Multiple outgoing flows are not supported",
     "this {0} has more than one outgoing flow: put an exclusive gateway (a choice) or a parallel gateway "
     "(all at once) after it and draw the flows from the gateway",
     "Phần tử {0} này có nhiều luồng ra: hãy đặt một cổng exclusive (chọn một) hoặc parallel (đồng thời) sau nó "
     "và vẽ các luồng từ cổng."),
    (r"is not executable",
     'the process is not marked executable: set isExecutable="true" on it',
     'Quy trình chưa được đánh dấu thực thi được: đặt isExecutable="true".'),
    (r"No start event found",
     "the process has no start event", "Quy trình không có sự kiện bắt đầu."),
    (r"Unknown Time Specification",
     "the timer has no time: give it a timeDate, timeDuration or timeCycle",
     "Hẹn giờ chưa có thời gian: hãy cho nó timeDate, timeDuration hoặc timeCycle."),
    (r"Cannot resolve data(Input|Output)Association",
     "a data association on this {0} names a data object or store that is not in the process: remove the "
     "association or draw the data object",
     "Một liên kết dữ liệu của phần tử {0} trỏ tới đối tượng dữ liệu không có trong quy trình: hãy bỏ liên kết "
     "hoặc vẽ đối tượng dữ liệu."),
    (r"A Service Task must have an operator",
     "the service task has no operator, and motcua provides none: send a message to the other system's pool, "
     "or use a script task",
     "Service task không có operator, và motcua không cung cấp operator nào: hãy gửi thông điệp tới pool của hệ "
     "thống kia, hoặc dùng script task."),
    (r"Invalid Script Task",
     "the script task has no script", "Script task không có kịch bản."),
    (r"Could not find messageRef",
     "a message event names no message: pick the message it sends or waits for",
     "Sự kiện thông điệp không chỉ định thông điệp: hãy chọn thông điệp."),
    (r"Duplicate process ID",
     "two processes have the same id: give each its own", "Hai quy trình trùng id: hãy đặt id riêng."),
    (r"A SubWorkflow Must contain an End event",
     "the sub-process has no end event", "Sub-process không có sự kiện kết thúc."),
    (r"unexpected keyword argument",
     "the engine cannot read this {0} with its current settings: remove the settings motcua does not use "
     "(see the supported elements in docs/MODELLING.md)",
     "Engine không đọc được phần tử {0} với các thiết lập hiện tại: hãy bỏ các thiết lập motcua không dùng."),
]


def short_names(text: str) -> str:
    for uri, prefix in _NAMESPACES.items():
        text = text.replace("{" + uri + "}", prefix + ":")
    return text


def clean(text: str) -> str:
    """The library's text without reprs, wrappers or exception class names."""
    text = (text or "").splitlines()[0] if text else ""
    text = _REPR.sub(lambda m: m.group(1), text)
    wrapped = _WRAPPED.match(text.strip())
    if wrapped:
        text = wrapped.group(2)
    text = _CLASS.sub("", text)
    return short_names(text).strip() or "the engine could not read this element"


def rewrite(message: str, kind: str = "element") -> tuple[str, str]:
    """(English, Vietnamese) for one library message about an element of ``kind``."""
    for pattern, en, vi in KNOWN:
        found = re.search(pattern, message or "")
        if found:
            return en.format(kind, *found.groups()), vi.format(kind, *found.groups())
    text = clean(message)
    return f"the engine refuses this {kind}: {text}", f"Engine không chấp nhận phần tử {kind}: {text}"


def xsd_message(text: str) -> tuple[str, str]:
    """An XSD error (lxml's wording) with the namespaces written as prefixes."""
    text = short_names(text or "").strip()
    match = re.match(r"Element '([^']+)': This element is not expected\.(?: Expected is(?: one of)? \((.*)\))?", text)
    if match:
        expected = f" (expected here: {match.group(2).strip()})" if match.group(2) else ""
        return (f"{match.group(1)} is not allowed at this place in a BPMN file{expected}",
                f"{match.group(1)} không được phép ở vị trí này trong tệp BPMN{expected}.")
    return f"not valid BPMN: {text}", f"Không phải BPMN hợp lệ: {text}"


# What RestrictedPython (and engine/runtime/script_limits.py) says about a script or an
# expression it refuses: (pattern, English, Vietnamese), the groups filled in.
_SANDBOX = [
    (r"^SyntaxError: .*? at statement: (['\"])(.*)\1$", "invalid Python syntax in '{1}'", "sai cú pháp Python ở «{1}»"),
    (r'^"(.+)" is an invalid (?:variable|attribute) name because it starts with "_"',
     "names starting with _ are not allowed ('{0}')", "không được dùng tên bắt đầu bằng dấu gạch dưới («{0}»)"),
    (r'^"(.+)" is a reserved name', "'{0}' is a reserved name", "«{0}» là tên dành riêng của hệ thống"),
    (r"^(\w+) calls are not allowed", "{0} calls are not allowed", "không được gọi {0}"),
    (r"^(\w+) statements are not allowed", "{0} statements are not allowed", "không được dùng câu lệnh {0}"),
    (r"^try/except is not allowed", "try/except is not allowed: a failing script fails its step",
     "không được dùng try/except: kịch bản lỗi thì bước đó lỗi"),
    (r"^f-string widths must be small constants", "f-string widths must be small constants",
     "độ rộng trong f-string phải là hằng số nhỏ"),
]


def sandbox_message(exc: Exception) -> tuple[str, str]:
    """(English, Vietnamese) for why the sandbox refuses a script or an expression: each error
    with its line, without RestrictedPython's wording in the Vietnamese."""
    parts_en, parts_vi = [], []
    for error in [e.strip() for e in str(exc).split("; ") if e.strip()][:3] or [""]:
        line = re.match(r"^Line (\d+): (.*)$", error, re.S)
        number, text = (line.group(1), line.group(2).strip()) if line else (None, error)
        en, vi = clean(text), "có câu lệnh không được phép trong kịch bản của motcua"
        for pattern, pattern_en, pattern_vi in _SANDBOX:
            found = re.match(pattern, text)
            if found:
                groups = [g.lower() if pattern.startswith(r"^(\w+)") else g for g in found.groups()]
                en, vi = pattern_en.format(*groups), pattern_vi.format(*groups)
                break
        parts_en.append(f"line {number}: {en}" if number else en)
        parts_vi.append(f"dòng {number}: {vi}" if number else vi)
    return "; ".join(parts_en), "; ".join(parts_vi)
