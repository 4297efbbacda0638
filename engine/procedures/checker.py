"""Checking a procedure file before it is deployed.

``check_file`` is what ``motcua validate`` runs and what deploying runs first
(engine/procedures/registry.py): a file either passes every check or yields the full list of
problems, each naming the file, the element and what is wrong, in English (the command line) and
Vietnamese (the editor's page).
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine import supplements
from engine.calendar import parse_time_limit
from engine.errors import ProcedureInvalid
from engine.procedures import metadata
from engine.procedures.forms import check_schema
from engine.procedures.problems import Problem
from engine.procedures.rules import check_tree
from engine.procedures.rules.engine_errors import rewrite, sandbox_message, xsd_message
from engine.procedures.manifest import BPMN, build_manifest
from engine.procedures.safe_xml import UnsafeXml, parse_untrusted, syntax_message_en, syntax_message_vi
from engine.runtime.sandbox import SandboxViolation, compile_expression, compile_script

log = logging.getLogger("motcua.procedures")


@dataclass
class CheckedProcedure:
    filename: str
    bpmn_xml: str
    manifest: dict
    forms: dict
    spec: object
    subprocess_specs: dict
    # Problems that do not stop deployment (e.g. from ``rules.holders``), shown with the result.
    warnings: list = field(default_factory=list)
    sha256: str = field(init=False)

    def __post_init__(self):
        digest = hashlib.sha256(self.bpmn_xml.encode("utf-8"))
        digest.update(json.dumps(self.forms, sort_keys=True).encode("utf-8"))
        self.sha256 = digest.hexdigest()

    @property
    def key(self) -> str:
        return self.manifest["key"]


def check_file(path: Path | str, forms_dir: Path | str, max_bytes: int = 2 * 1024 * 1024) -> CheckedProcedure:
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ProcedureInvalid([Problem(str(path), "", f"The procedure file cannot be read: {exc.strerror}.", "error",
                                        "Không đọc được tệp thủ tục.")])
    return check_content(content, str(path), Path(forms_dir), max_bytes)


def check_content(content: bytes, filename: str, forms_dir: Path, max_bytes: int = 2 * 1024 * 1024,
                  extra_forms: dict | None = None) -> CheckedProcedure:
    """Every problem of the file at once: the XSD's, our rules', each process's engine errors,
    forms, structure and expressions; the file is refused if there is any. ``extra_forms``: form
    schemas by file name that take the place of the forms folder's (a draft's edited forms)."""
    try:
        tree = parse_untrusted(content, max_bytes)
    except (UnsafeXml, etree.XMLSyntaxError) as exc:
        raise ProcedureInvalid([unreadable(filename, exc)])
    problems = _xsd_problems(tree, filename)
    if problems:
        raise ProcedureInvalid(problems)
    manifest = build_manifest(tree)
    forms = _check_steps(manifest, forms_dir, filename, problems, extra_forms or {})
    problems.extend(check_tree(tree, filename, _filled_names(manifest, forms), forms))
    spec, subprocess_specs = _load_specs(tree, manifest, filename, problems)
    if spec is not None:
        _check_structure(tree, manifest, filename, problems)
        for task_spec in _all_task_specs(spec, subprocess_specs):
            _check_expressions(task_spec, filename, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ProcedureInvalid(_unique(errors))
    return CheckedProcedure(filename, content.decode("utf-8"), manifest, forms, spec, subprocess_specs,
                            warnings=[p for p in problems if p.severity != "error"])


def unreadable(filename: str, exc: Exception) -> Problem:
    """Why ``parse_untrusted`` refused the file, in English and in Vietnamese (never lxml's English
    on a Vietnamese page)."""
    if isinstance(exc, UnsafeXml):
        return Problem(filename, "", str(exc), message_vi=exc.message_vi)
    if isinstance(exc, etree.XMLSyntaxError):
        # libxml's own words stay in the log, for whoever debugs the parser.
        log.info("%s is not well-formed XML: %s", filename or "a diagram", (exc.msg or str(exc)).strip())
        return Problem(filename, "", syntax_message_en(exc), message_vi=syntax_message_vi(exc))
    log.info("%s cannot be read as XML: %r", filename or "a diagram", exc)
    return Problem(filename, "", "The file is not valid XML: check that the file is a BPMN diagram, saved whole, "
                   "not cut off.", message_vi="Tệp không phải XML hợp lệ: hãy kiểm tra tệp có đúng là sơ đồ BPMN, lưu đủ, "
                   "không bị cắt.")


def _unique(problems):
    seen, result = set(), []
    for p in problems:
        if (p.element_id, p.message) not in seen:
            seen.add((p.element_id, p.message))
            result.append(p)
    return result


def _filled_names(manifest, forms) -> set[str]:
    names = set(manifest.get("message_variables", {}))
    for schema in forms.values():
        names.update((schema.get("properties") or {}).keys())
    return names


def _xsd_problems(tree, filename) -> list[Problem]:
    """Every XSD error of the file (the library stops at one)."""
    VALIDATOR.preprocess(tree)
    schema = VALIDATOR.validator
    if schema.validate(tree):
        return []
    problems = []
    for error in schema.error_log:
        en, vi = xsd_message(error.message)
        problems.append(Problem(filename, "", _at_line(en, error.line), "error", f"{vi} (dòng {error.line})"))
    return problems


def _engine_problem(exc: ValidationException, filename: str) -> Problem:
    kind = (getattr(exc, "tag", "") or "element").replace("bpmn:", "")
    en, vi = rewrite(exc.args[0] if exc.args else "", kind)
    line = getattr(exc, "line_number", None)
    if line:
        en, vi = _at_line(en, line), f"{vi} (dòng {line})"
    return Problem(filename, exc.id or "", en, "error", vi)


def _at_line(sentence: str, line) -> str:
    """The sentence with where in the file it applies, before its full stop."""
    return f"{sentence.rstrip('.')} (line {line})."


def _load_specs(tree, manifest: dict, filename: str, problems: list):
    """The engine's specs, or (None, None) with its errors added: each process is asked for
    separately, so every process's first error is reported, not only the file's first (errors
    surface lazily: ask now so a broken process fails here, not at run time)."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    reported = {p.element_id for p in problems if p.severity == "error"}
    failed = False
    try:
        parser.add_bpmn_xml(tree, filename)
    except ValidationException as exc:
        problems.append(_engine_problem(exc, filename))
        return None, None
    process_ids = parser.get_process_ids()
    for pid in process_ids:
        try:
            parser.get_spec(pid)
            parser.get_subprocess_specs(pid)
        except ValidationException as exc:
            if (exc.id or "") not in reported:
                problems.append(_engine_problem(exc, filename))
            failed = True
    if failed:
        return None, None
    try:
        if manifest["is_collaboration"]:
            return parser.get_collaboration(manifest["key"])
    except ValidationException as exc:
        problems.append(_engine_problem(exc, filename))
        return None, None
    if len(process_ids) != 1 or not manifest["key"]:
        if reported:  # the rules said why already (not executable, several processes)
            return None, None
        problems.append(Problem(filename, "", "A procedure file holds one executable process, or one collaboration of pools.",
                                "error", "Một tệp thủ tục chứa một quy trình thực thi được, hoặc một cộng tác gồm các pool."))
        return None, None
    pid = process_ids[0]
    return parser.get_spec(pid), parser.get_subprocess_specs(pid)


def _all_task_specs(spec, subprocess_specs):
    for s in [spec, *subprocess_specs.values()]:
        yield from s.task_specs.values()


def _check_allotment(text, filename, element, problems):
    try:
        parse_time_limit(text)
    except ValueError:
        # The Vietnamese is read on the editor's page, beside the step's name: the property by the
        # panel's label ("Thời gian được phân bổ"), not its name in the file, and the example in
        # the Vietnamese form the parser takes (engine/calendar/working_time.py).
        problems.append(Problem(filename, element, f"The time allotted to the step (allotment) “{text}” is not a time limit: write e.g. "
                                "“1.5 working days” or “4 working hours”.", "error",
                                f"Thời gian được phân bổ «{text}» không đúng dạng: hãy viết theo mẫu "
                                "“1,5 ngày làm việc” hoặc “4 giờ làm việc”."))


def _check_structure(tree, manifest, filename, problems):
    problems.extend(Problem(filename, manifest["key"], en, "error", vi)
                    for en, vi in metadata.problems(manifest["properties"]))
    for process in tree.getroot().findall(f"{{{BPMN}}}process"):
        if process.find(f"{{{BPMN}}}startEvent") is None:
            problems.append(Problem(filename, process.get("id"), "The process has no start event.", "error",
                                    "Quy trình không có sự kiện bắt đầu."))
        if process.find(f"{{{BPMN}}}endEvent") is None:
            problems.append(Problem(filename, process.get("id"), "The process has no end event: draw an end event after the last step.", "error",
                                    "Quy trình không có sự kiện kết thúc: hãy vẽ một sự kiện kết thúc sau bước cuối."))


def _check_steps(manifest, forms_dir: Path, filename, problems, extra_forms=None) -> dict:
    forms = {}
    for step_id, step in manifest["steps"].items():
        if not step["role"]:
            problems.append(Problem(filename, step_id, "The officer's step is not in a named lane: put the step in the lane of the role that does it "
                                    "(the lane's name is the role code, e.g. specialist).",
                                    "error", "Bước của cán bộ chưa nằm trong lane có tên: hãy đặt bước vào lane của vai "
                                    "trò làm bước đó (tên lane là mã vai trò, ví dụ specialist)."))
        props = step["properties"]
        status = props.get("dossierStatus")
        if status is not None and (not status.isdigit() or not 1 <= int(status) <= 10):
            problems.append(Problem(filename, step_id, f"The dossier status (dossierStatus) must be a code from 1 to 10, not “{status}”.",
                                    "error", f"Trạng thái hồ sơ khi bước mở phải là một mã từ 1 đến 10, không phải «{status}»."))
        if "allotment" in props:
            _check_allotment(props["allotment"], filename, step_id, problems)
        if "payment" in props and (props["payment"] not in _payment_kinds() or status != "6"):
            kinds = ", ".join(_payment_kinds())
            problems.append(Problem(filename, step_id, f"The payment property takes only “{kinds}” (the procedure's fees), and only on the step with "
                                    "dossier status (dossierStatus) 6, where the dossier waits for the payment: correct the "
                                    "value, or put the property on the step that waits for the payment.", "error",
                                    f"Thanh toán (payment) chỉ nhận giá trị “{kinds}” (phí, lệ phí của thủ tục) và chỉ "
                                    "đặt trên bước có Trạng thái hồ sơ khi bước mở là 6 (Chờ thực hiện nghĩa vụ tài chính), nơi hồ sơ chờ nộp tiền: hãy "
                                    "sửa giá trị, hoặc đặt thuộc tính này trên bước chờ nộp tiền."))
        if "sendBackData" in props:
            try:
                if not isinstance(json.loads(props["sendBackData"]), dict):
                    raise ValueError
            except ValueError:
                problems.append(Problem(filename, step_id, "The sendBackData property must be a JSON object, e.g. {\"decision\": \"send_back\"}.", "error",
                                        "Dữ liệu khi trả lại phải là một đối tượng JSON, ví dụ {\"decision\": \"send_back\"}."))
        if step["kind"] != "userTask":
            continue
        form = step["form"]
        if not form:
            problems.append(Problem(filename, step_id, "The officer's step (user task) has no form (property formJsonSchemaFilename): choose the step's form.", "error",
                                    "Bước của cán bộ chưa có biểu mẫu: hãy chọn biểu mẫu của bước."))
            continue
        if form not in forms:
            schema = _read_form(forms_dir, form, filename, step_id, problems, extra_forms)
            if schema is not None:
                forms[form] = schema
    _check_supplement_pattern(manifest, filename, problems)
    for variable, received in manifest.get("message_variables", {}).items():
        form = received["form"]
        if form and form not in forms:
            schema = _read_form(forms_dir, form, filename, variable, problems, extra_forms)
            if schema is not None:
                forms[form] = schema
    return forms


def _payment_kinds() -> tuple[str, ...]:
    from engine.payments import KINDS  # engine.payments reads the runtime, which reads this module
    return KINDS


def _check_supplement_pattern(manifest, filename, problems):
    """A step that may ask for a supplement needs, in its pool, the step where the dossier waits
    for it (docs/MODELLING.md, "Supplement during processing")."""
    waiting = {step["process_id"] for step in manifest["steps"].values() if supplements.waits_for_supplement(step)}
    for step_id, step in manifest["steps"].items():
        value = step["properties"].get("supplementRequest")
        if value is None:
            continue
        if value not in ("true", "false"):
            problems.append(Problem(filename, step_id, f"The supplementRequest property must be true or false, not “{value}”.", "error",
                                    f"Thuộc tính yêu cầu bổ sung hồ sơ của bước phải là true hoặc false, không phải «{value}»."))
        elif value == "true" and step["process_id"] not in waiting:
            problems.append(Problem(filename, step_id, "This step may ask for a supplement (supplementRequest), but its pool has "
                                                       "no step where the dossier waits for the supplement "
                                                       "(dossierStatus 5): draw that step.",
                                    "error", "Bước này có thể yêu cầu bổ sung hồ sơ nhưng pool của nó không có bước chờ bổ sung "
                                    "(Trạng thái hồ sơ khi bước mở là 5, Yêu cầu bổ sung): hãy vẽ bước đó."))


def _read_form(forms_dir: Path, name: str, filename, step_id, problems, extra_forms=None):
    if extra_forms and name in extra_forms:
        schema = extra_forms[name]
        problem = check_schema(schema)
        if problem:
            problems.append(_form_problem(filename, step_id, name, problem))
            return None
        return schema
    path = (forms_dir / name).resolve()
    if Path(name).name != name or not path.is_file():
        problems.append(Problem(filename, step_id, f"The form “{name}” does not exist: choose an existing form, or create it under Forms.",
                                "error",
                                f"Không có biểu mẫu «{name}»: hãy chọn một biểu mẫu có sẵn, hoặc tạo biểu mẫu này "
                                "trong phần Biểu mẫu."))
        return None
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        where_en = where_vi = ""
        if isinstance(exc, json.JSONDecodeError):
            where_en, where_vi = f" (line {exc.lineno}, column {exc.colno})", f" (lỗi ở dòng {exc.lineno}, cột {exc.colno})"
        problems.append(Problem(filename, step_id, f"The form “{name}” is not valid JSON{where_en}.", "error",
                                f"Biểu mẫu «{name}» không phải JSON hợp lệ{where_vi}."))
        return None
    problem = check_schema(schema)
    if problem:
        problems.append(_form_problem(filename, step_id, name, problem))
        return None
    return schema


def _form_problem(filename, step_id, name, problem) -> Problem:
    en, vi = problem
    return Problem(filename, step_id, f"The form “{name}”: {_continued(en)}", "error", f"Biểu mẫu «{name}»: {vi[0].lower()}{vi[1:]}")


def _continued(sentence: str) -> str:
    """A sentence that goes on after a colon: its first word in lower case, unless it is a name
    or a code written in capitals (JSON, ISO)."""
    first = sentence.split(" ", 1)[0]
    return sentence[0].lower() + sentence[1:] if first[1:].islower() else sentence


def _check_expressions(task_spec, filename, problems):
    element = getattr(task_spec, "bpmn_id", None) or task_spec.name
    checks = []
    if task_spec.__class__.__name__ == "ScriptTask":
        if not (task_spec.script or "").strip():
            problems.append(Problem(filename, element, "The script task has no script.", "error",
                                    "Script task không có kịch bản."))
        else:
            checks.append(("script", task_spec.script, compile_script))
    for attr in ("prescript", "postscript"):
        if getattr(task_spec, attr, None):
            checks.append((attr, getattr(task_spec, attr), compile_script))
    # Gateway conditions: rules/expressions.py, on the flow that carries each.
    if isinstance(task_spec, StandardLoopTask) and task_spec.condition:
        checks.append(("loop condition", task_spec.condition, compile_expression))
    event_definition = getattr(task_spec, "event_definition", None)
    expression = getattr(event_definition, "expression", None)
    if expression:
        checks.append(("timer expression", expression, compile_expression))
    for what, source, compiler in checks:
        try:
            compiler(source)
        except (SandboxViolation, SyntaxError) as exc:
            en, vi = sandbox_message(exc)
            problems.append(Problem(filename, element, f"The {what} does not compile in the sandbox: {en}.", "error",
                                    f"{_SCRIPT_KINDS_VI[what]} không hợp lệ: {vi}."))


# What each checked text is called on the editor's Vietnamese page.
_SCRIPT_KINDS_VI = {"script": "Kịch bản (script) của bước", "prescript": "Kịch bản chạy trước bước (prescript)",
                    "postscript": "Kịch bản chạy sau bước (postscript)", "loop condition": "Điều kiện lặp (loop condition)",
                    "timer expression": "Biểu thức hẹn giờ"}
