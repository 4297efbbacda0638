"""Elements the engine cannot run: each is refused with what to draw instead."""
from __future__ import annotations

from engine.procedures.manifest import BPMN
from engine.procedures.rules.model import Model, bpmn, local, spiff

# Element → (English, Vietnamese) advice. Everything here parses, then fails or waits at run time.
UNSUPPORTED = {
    "task": ("A plain task does nothing in motcua: make it a user task (an officer's step with a form), "
             "a manual task (a step without a form) or a script task.",
             "Tác vụ thường (task) không làm gì trong motcua: hãy đổi thành user task (bước của cán bộ, có biểu mẫu), "
             "manual task (bước không có biểu mẫu) hoặc script task."),
    "complexGateway": ("Complex gateways are not supported: use exclusive, inclusive or parallel gateways.",
                       "Không hỗ trợ complex gateway: hãy dùng cổng exclusive, inclusive hoặc parallel."),
    "transaction": ("Transactions are not supported: use an expanded sub-process.",
                    "Không hỗ trợ transaction: hãy dùng sub-process mở rộng."),
    "adHocSubProcess": ("Ad hoc sub-processes are not supported: draw the steps in order, or in parallel "
                        "after a parallel gateway.",
                        "Không hỗ trợ ad hoc sub-process: hãy vẽ các bước tuần tự, hoặc song song sau một cổng parallel."),
}


def check(model: Model):
    for process in model.processes:
        for element in process.iter():
            if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{BPMN}}}"):
                continue
            kind = local(element.tag)
            eid = element.get("id") or ""
            if kind in UNSUPPORTED:
                en, vi = UNSUPPORTED[kind]
                yield model.error(eid, en, vi)
            elif kind == "serviceTask":
                yield from _service_task(model, element)
            elif kind == "businessRuleTask":
                yield from _business_rule_task(model, element)
            elif kind == "callActivity":
                yield from _call_activity(model, element)
            elif kind == "multiInstanceLoopCharacteristics":
                parent = element.getparent()
                if local(parent.tag) in ("userTask", "manualTask"):
                    yield model.error(parent.get("id") or "",
                                      "A multi-instance officer's step is not supported: one dossier step is one work item; "
                                      "draw parallel steps after a parallel gateway instead.",
                                      "Không hỗ trợ bước của cán bộ nhiều phiên bản (multi-instance): mỗi bước là một "
                                      "việc; hãy vẽ các bước song song sau một cổng parallel.")


def _service_task(model, element):
    operator = element.find(f"{bpmn('extensionElements')}/{spiff('serviceTaskOperator')}")
    eid = element.get("id") or ""
    if operator is None or not (operator.get("id") or "").strip():
        yield model.error(eid, "The service task has no operator, and motcua provides none: to hand the dossier "
                               "to another system, send a message to its pool; to compute something, use a script task.",
                          "Service task không có operator, và motcua không cung cấp operator nào: để chuyển hồ sơ "
                          "cho hệ thống khác hãy gửi thông điệp tới pool của nó; để tính toán hãy dùng script task.")
    else:
        name = operator.get("id")
        yield model.error(eid, f"The service task calls operator “{name}”, which motcua does not provide: to hand the "
                               "dossier to another system, send a message to its pool; to compute something, use a script task.",
                          f"Service task gọi operator «{name}» mà motcua không cung cấp: để chuyển hồ sơ cho hệ thống "
                          "khác hãy gửi thông điệp tới pool của nó; để tính toán hãy dùng script task.")


def _business_rule_task(model, element):
    called = element.find(f"{bpmn('extensionElements')}/{spiff('calledDecisionId')}")
    eid = element.get("id") or ""
    if called is None or not (called.text or "").strip():
        yield model.error(eid, "The business rule task names no decision table (spiffworkflow:calledDecisionId): "
                               "route with an exclusive gateway and conditions, or compute in a script task.",
                          "Business rule task không chỉ định bảng quyết định (calledDecisionId): hãy rẽ nhánh bằng "
                          "cổng exclusive có điều kiện, hoặc tính trong script task.")
    else:
        yield model.error(eid, f"The business rule task needs decision table “{called.text.strip()}”, but motcua deploys "
                               "BPMN files only (no DMN): route with an exclusive gateway and conditions, or compute in a script task.",
                          f"Business rule task cần bảng quyết định «{called.text.strip()}», nhưng motcua chỉ triển khai "
                          "tệp BPMN (không có DMN): hãy dùng cổng exclusive có điều kiện, hoặc script task.")


def _call_activity(model, element):
    called = element.get("calledElement") or ""
    targets = {p.get("id") for p in model.processes}
    if called not in targets:
        yield model.error(element.get("id") or "",
                          f"The call activity calls “{called or '(none chosen)'}”, which is not a process in this file: "
                          "draw the called steps as an expanded sub-process.",
                          f"Call activity gọi «{called or '(chưa chọn)'}», không phải quy trình trong tệp này: "
                          "hãy vẽ các bước được gọi thành một sub-process mở rộng.")
