"""Conditions, in the modeller's terms: a condition that does not compile is reported on the
sequence flow that carries it (not on the gateway), and a condition that reads a form field the
form may leave empty is refused (an empty optional field is absent from the dossier's data, so
the condition would fail for that dossier)."""
from __future__ import annotations

import ast

from engine.procedures.rules.engine_errors import sandbox_message
from engine.procedures.rules.model import Model, bpmn

RESERVED = {"supplement_requested"}  # set by the engine itself on every completion of an asking step


def _names(source: str) -> set[str]:
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _optional_fields(model: Model) -> dict[str, str]:
    """Field → a form that may leave it empty; only fields that no form requires unconditionally."""
    required, optional = set(), {}
    for form, schema in sorted(getattr(model, "forms", {}).items()):
        if not isinstance(schema, dict):
            continue
        needed = set(schema.get("required") or [])
        for field in (schema.get("properties") or {}):
            if field in needed:
                required.add(field)
            else:
                optional.setdefault(field, form)
    return {f: form for f, form in optional.items() if f not in required}


def check(model: Model):
    from engine.runtime.sandbox import SandboxViolation, compile_expression
    optional = _optional_fields(model)
    for process in model.processes:
        for flow in process.iter(bpmn("sequenceFlow")):
            condition = flow.find(bpmn("conditionExpression"))
            source = (condition.text or "").strip() if condition is not None else ""
            if not source:
                continue
            fid, gateway = flow.get("id") or "", flow.get("sourceRef") or ""
            try:
                compile_expression(source)
            except (SandboxViolation, SyntaxError) as exc:
                en, vi = sandbox_message(exc)
                yield model.error(fid, f"The condition on this flow (from {gateway}) does not compile in the sandbox: "
                                       f"{en}.",
                                  f"Điều kiện trên luồng này (từ {gateway}) không hợp lệ: {vi}.")
                continue
            for name in sorted(_names(source) - RESERVED):
                if name in optional:
                    yield model.error(fid, f"The condition on this flow (from {gateway}) reads “{name}”, a field the form "
                                           f"“{optional[name]}” may leave empty, and then the condition fails for "
                                           f"that dossier: make “{name}” required in the form.",
                                      f"Điều kiện trên luồng này (từ {gateway}) đọc «{name}», trường mà biểu mẫu "
                                      f"«{optional[name]}» cho phép để trống, khi đó điều kiện sẽ lỗi: hãy đặt "
                                      f"«{name}» là bắt buộc trong biểu mẫu.")
