"""What the BPMN library, the XSD and the sandbox say, rewritten in the modeller's terms: no object
reprs, no internal exception names, the element's id rather than the library's wording. A library
message that none of our patterns knows gets a message of ours, in both languages, saying which
element is wrong and what to look at; the library's own words go to the server log only."""
from __future__ import annotations

import logging
import re

from engine.procedures.manifest import BPMN, SPIFF

_NAMESPACES = {BPMN: "bpmn", SPIFF: "spiffworkflow", "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
               "http://www.omg.org/spec/DD/20100524/DC": "dc", "http://www.omg.org/spec/DD/20100524/DI": "di"}
log = logging.getLogger("motcua.procedures")

# (pattern in the library's message, English, Vietnamese); {0} is the element's kind, {1}… the
# pattern's groups.
KNOWN = [
    (r"When looking for a task spec, we found two items, perhaps a form has the same ID\? \((.*)\)",
     "A sequence flow from this {0} points at “{1}”, which is not in the diagram (deleted?): connect the flow to an "
     "element of the diagram, or delete it.",
     "Một luồng đi ra từ phần tử {0} này trỏ tới «{1}», phần tử không có trong sơ đồ (có thể đã bị xoá): hãy nối "
     "luồng vào một phần tử có trong sơ đồ, hoặc xoá luồng."),
    (r"There is no support implemented for this task type",
     "The engine does not run {0} elements: use a user task, manual task, script task, gateway or event.",
     "Engine không chạy được phần tử {0}: hãy dùng user task, manual task, script task, cổng hoặc sự kiện."),
    (r"Multiple outgoing flows are not supported",
     "This {0} has more than one outgoing flow: put an exclusive gateway (a choice) or a parallel gateway "
     "(all at once) after it and draw the flows from the gateway.",
     "Phần tử {0} này có nhiều luồng ra: hãy đặt một cổng exclusive (chọn một) hoặc parallel (đồng thời) sau nó "
     "và vẽ các luồng từ cổng."),
    (r"is not executable",
     'The process is not marked executable: set isExecutable="true" on it.',
     'Quy trình chưa được đánh dấu thực thi được: đặt isExecutable="true".'),
    (r"No start event found",
     "The process has no start event.", "Quy trình không có sự kiện bắt đầu."),
    (r"Unknown Time Specification",
     "The timer has no time: give it a timeDate, timeDuration or timeCycle.",
     "Hẹn giờ chưa có thời gian: hãy cho nó timeDate, timeDuration hoặc timeCycle."),
    (r"Cannot resolve data(Input|Output)Association",
     "A data association on this {0} names a data object or store that is not in the process: remove the "
     "association or draw the data object.",
     "Một liên kết dữ liệu của phần tử {0} trỏ tới đối tượng dữ liệu không có trong quy trình: hãy bỏ liên kết "
     "hoặc vẽ đối tượng dữ liệu."),
    (r"A Service Task must have an operator",
     "The service task has no operator, and motcua provides none: send a message to the other system's pool, "
     "or use a script task.",
     "Service task không có operator, và motcua không cung cấp operator nào: hãy gửi thông điệp tới pool của hệ "
     "thống kia, hoặc dùng script task."),
    (r"Invalid Script Task",
     "The script task has no script.", "Script task không có kịch bản."),
    (r"Could not find messageRef",
     "The message event names no message: pick the message it sends or waits for.",
     "Sự kiện thông điệp không chỉ định thông điệp: hãy chọn thông điệp."),
    (r"Duplicate process ID",
     "Two processes have the same id: give each its own.", "Hai quy trình trùng id: hãy đặt id riêng."),
    (r"A SubWorkflow Must contain an End event",
     "The sub-process has no end event.", "Sub-process không có sự kiện kết thúc."),
    (r"A loopMaximum or loopCondition must be specified",
     "This {0} repeats but has neither a loopCondition nor a loopMaximum: give it one, or make it a plain {0}.",
     "Phần tử {0} này lặp nhưng chưa có điều kiện lặp (loopCondition) hay số lần tối đa (loopMaximum): hãy đặt "
     "một trong hai, hoặc bỏ lặp."),
    (r"A multiinstance task must specify",
     "This multi-instance {0} needs exactly one of a cardinality (how many times) or a loop input collection.",
     "Phần tử {0} nhiều lần (multi-instance) này cần đúng một trong hai: số lần (cardinality) hoặc danh sách "
     "đầu vào (loopDataInputRef)."),
    (r"Conditional event definition with missing condition",
     "The conditional event has no condition: write one.", "Sự kiện điều kiện chưa có điều kiện: hãy viết điều kiện."),
    (r"unexpected keyword argument",
     "The engine cannot read this {0} with its current settings: remove the settings motcua does not use "
     "(see the supported elements in docs/MODELLING.md).",
     "Engine không đọc được phần tử {0} với các thiết lập hiện tại: hãy bỏ các thiết lập motcua không dùng."),
]


def short_names(text: str) -> str:
    for uri, prefix in _NAMESPACES.items():
        text = text.replace("{" + uri + "}", prefix + ":")
    return text


def rewrite(message: str, kind: str = "element") -> tuple[str, str]:
    """(English, Vietnamese) for one library message about an element of ``kind``."""
    for pattern, en, vi in KNOWN:
        found = re.search(pattern, message or "")
        if found:
            return en.format(kind, *found.groups()), vi.format(kind, *found.groups())
    log.warning("BPMN library message with no rewrite, about a %s: %r", kind, message)
    return (f"The engine cannot run this {kind} as it is drawn: compare it with the supported elements and their "
            "settings (docs/MODELLING.md), or draw it again.",
            f"Engine không chạy được phần tử {kind} này như đang vẽ: hãy đối chiếu với các phần tử và thiết lập "
            "motcua hỗ trợ (docs/MODELLING.md), hoặc vẽ lại phần tử.")


# What the XSD says after "Element '…'(, attribute '…'): ": (pattern, English, Vietnamese), with
# {element}, {attribute} and the pattern's groups ({0}…) filled in.
_XSD = [
    (r"This element is not expected\.(?: Expected is(?: one of)? \((?P<expected>.*)\))?",
     "The element {element} is not allowed at this place in a BPMN file{expected_en}.",
     "{element} không được phép ở vị trí này trong tệp BPMN{expected_vi}."),
    (r"Missing child element\(s\)\.(?: Expected is(?: one of)? \((?P<expected>.*)\))?",
     "The element {element} lacks an element it must contain{expected_en}.",
     "{element} thiếu một phần tử con bắt buộc{expected_vi}."),
    (r"The attribute '[^']*' is not allowed\.",
     "The element {element} has no attribute {attribute} in BPMN: remove the attribute.",
     "{element} không có thuộc tính {attribute} trong BPMN: hãy xoá thuộc tính này."),
    (r"The attribute '([^']*)' is required but missing\.",
     "The element {element} lacks the required attribute {0}: give it a value.",
     "{element} thiếu thuộc tính bắt buộc {0}: hãy đặt giá trị cho nó."),
    (r"'(.*)' is not a valid value of the atomic type 'xs:ID'\.",
     "The id “{0}” of {element} is not a valid id, or another element has it already: an id starts with a letter "
     "or _, has no spaces, and each element has its own.",
     "Mã (id) «{0}» của {element} không hợp lệ hoặc đã trùng với phần tử khác: id bắt đầu bằng chữ cái hoặc dấu "
     "gạch dưới, không có dấu cách, và mỗi phần tử một id riêng."),
    (r"'(.*)' is not a valid value of the atomic type 'xs:IDREF'\.",
     "The attribute {attribute} of {element} must be the id of an element of the diagram, not “{0}”.",
     "Thuộc tính {attribute} của {element} phải là id của một phần tử trong sơ đồ, không phải «{0}»."),
    (r"'(.*)' is not a valid value of the atomic type 'xs:boolean'\.",
     "The attribute {attribute} of {element} must be true or false, not “{0}”.",
     "Thuộc tính {attribute} của {element} chỉ nhận true hoặc false, không nhận «{0}»."),
    (r"'(.*)' is not a valid value of ",
     "The attribute {attribute} of {element} cannot be “{0}”: write a value of the kind BPMN expects there.",
     "Thuộc tính {attribute} của {element} không nhận giá trị «{0}»: hãy ghi giá trị đúng dạng BPMN quy định."),
    (r"Character content other than whitespace is not allowed",
     "The element {element} holds text where only elements may stand: remove the text.",
     "{element} chứa chữ ở chỗ chỉ được đặt phần tử: hãy xoá đoạn chữ đó."),
    (r"No matching global declaration available for the validation root",
     "The file's outermost element is {element}, not bpmn:definitions: the file is not a BPMN diagram.",
     "Phần tử ngoài cùng của tệp là {element}, không phải bpmn:definitions: tệp không phải sơ đồ BPMN."),
]
_XSD_WHERE = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: (.*)$", re.S)


def xsd_message(text: str) -> tuple[str, str]:
    """(English, Vietnamese) for one XSD error (lxml's wording): the element, the attribute and
    what is wrong with them, in our words."""
    text = short_names(text or "").strip()
    where = _XSD_WHERE.match(text)
    element, attribute, rest = where.groups() if where else ("", "", text)
    for pattern, en, vi in _XSD if element else []:
        found = re.match(pattern, rest)
        if found:
            expected = found.groupdict().get("expected")
            values = {"element": element, "attribute": attribute or "",
                      "expected_en": f" (allowed here: {expected.strip()})" if expected else "",
                      "expected_vi": f" (ở đây được phép: {expected.strip()})" if expected else ""}
            return en.format(*found.groups(), **values), vi.format(*found.groups(), **values)
    log.warning("XSD message with no rewrite: %r", text)
    if element:
        what_en, what_vi = (f"The attribute {attribute} of {element}", f"Thuộc tính {attribute} của {element}") \
            if attribute else (f"The element {element}", f"Phần tử {element}")
        return (f"{what_en} does not follow the BPMN standard here: compare it with the same element in a diagram "
                "that deploys, or draw it again in the editor.",
                f"{what_vi} không đúng chuẩn BPMN ở đây: hãy so với phần tử cùng loại trong một sơ đồ đã triển khai "
                "được, hoặc vẽ lại trong trình soạn sơ đồ.")
    return ("The file does not follow the BPMN standard: open it in the editor and save it again.",
            "Tệp không đúng chuẩn BPMN: hãy mở tệp trong trình soạn sơ đồ và lưu lại.")


# What RestrictedPython (and engine/runtime/script_limits.py) says about a script or an
# expression it refuses: (pattern, English, Vietnamese), the groups filled in.
_SANDBOX = [
    (r"^\w*Error: .*? at statement: (['\"])(.*)\1$", "invalid Python syntax in “{1}”", "sai cú pháp Python ở «{1}»"),
    (r"^\w*Error: ", "invalid Python syntax", "sai cú pháp Python"),
    (r'^"(.+)" is an invalid (?:variable|attribute) name because it starts with "_"',
     "names starting with _ are not allowed (“{0}”)", "không được dùng tên bắt đầu bằng dấu gạch dưới («{0}»)"),
    (r'^"(.+)" is a (?:reserved|restricted) name', "“{0}” is a reserved name", "«{0}» là tên dành riêng của hệ thống"),
    (r"^(\w+) calls are not allowed", "{0} calls are not allowed", "không được gọi {0}"),
    (r"^(\w+) statements are not allowed", "{0} statements are not allowed", "không được dùng câu lệnh {0}"),
    (r"^try/except is not allowed", "try/except is not allowed: a failing script fails its step",
     "không được dùng try/except: kịch bản lỗi thì bước đó lỗi"),
    (r"^f-string widths must be small constants", "f-string widths must be small constants",
     "độ rộng trong f-string phải là hằng số nhỏ"),
]
# The Python words for the syntax tree's names in "… statements are not allowed".
_STATEMENTS = {"asyncfunctiondef": "async def", "asyncfor": "async for", "asyncwith": "async with",
               "trystar": "try/except*", "ellipsis": "..."}
_REFUSED = ("a statement that motcua's scripts do not allow", "có câu lệnh không được phép trong kịch bản của motcua")


def _sandbox_error(text: str) -> tuple[str, str]:
    for pattern, pattern_en, pattern_vi in _SANDBOX:
        found = re.match(pattern, text)
        if found:
            groups = found.groups()
            if pattern.startswith(r"^(\w+)"):
                groups = [_STATEMENTS.get(g.lower(), g.lower()) for g in groups]
            return pattern_en.format(*groups), pattern_vi.format(*groups)
    log.warning("sandbox message with no rewrite: %r", text)
    return _REFUSED


def sandbox_message(exc: Exception) -> tuple[str, str]:
    """(English, Vietnamese) for why the sandbox refuses a script or an expression: each error
    with its line, without RestrictedPython's or Python's wording."""
    if isinstance(exc, SyntaxError):  # Python's compiler, after RestrictedPython's checks passed
        log.info("script does not compile: %s", exc)
        statement = (exc.text or "").strip()
        en, vi = (f"invalid Python syntax in “{statement}”", f"sai cú pháp Python ở «{statement}»") if statement \
            else ("invalid Python syntax", "sai cú pháp Python")
        return (f"line {exc.lineno}: {en}", f"dòng {exc.lineno}: {vi}") if exc.lineno else (en, vi)
    parts_en, parts_vi = [], []
    # RestrictedPython joins its errors with "; " (engine/runtime/sandbox.py), each "Line N: …".
    errors = [e.strip() for e in re.split(r"; (?=Line (?:\d+|None): )", str(exc)) if e.strip()]
    for error in errors[:3] or [""]:
        line = re.match(r"^Line (\d+|None): (.*)$", error, re.S)
        number, text = (line.group(1), line.group(2).strip()) if line else (None, error)
        number = None if number == "None" else number
        en, vi = _sandbox_error(text)
        parts_en.append(f"line {number}: {en}" if number else en)
        parts_vi.append(f"dòng {number}: {vi}" if number else vi)
    return "; ".join(parts_en), "; ".join(parts_vi)
