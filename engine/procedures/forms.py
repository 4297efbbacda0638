"""Step forms are JSON Schema documents (workflows/forms/). Validation happens on the server."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from engine.errors import FormInvalid

_FORMAT_CHECKER = FormatChecker()

# Keys that break SpiffWorkflow's deserializer or our own task data (docs/SPIFFWORKFLOW.md §10), and
# the flag the engine writes for the supplement pattern (engine/supplements.py).
RESERVED_KEYS = frozenset({"typename", "supplement_requested"})


def check_schema(schema) -> str | None:
    """Return a problem description, or None when the schema is usable as a step form."""
    if not isinstance(schema, dict):
        return "form schema must be a JSON object"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"not a valid JSON Schema: {exc.message}"
    if schema.get("type") != "object":
        return 'form schema must have "type": "object"'
    bad = RESERVED_KEYS.intersection(schema.get("properties", {}))
    if bad:
        return f"reserved field name(s): {', '.join(sorted(bad))}"
    return None


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=_FORMAT_CHECKER)


def validate_form(schema: dict, data) -> dict:
    """Validate ``data`` against ``schema``; raise FormInvalid with every error per field.

    Returns the data to store: only plain JSON values (no dates, sets or tuples), which is what
    SpiffWorkflow's serializer keeps faithfully.
    """
    if not isinstance(data, dict):
        raise FormInvalid({"": ["Dữ liệu phải là một đối tượng JSON."]})
    validator = _validator(json.dumps(schema, sort_keys=True))
    field_errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        path = _field_path(error)
        field_errors.setdefault(path, []).append(_message_vi(error))
    for key in RESERVED_KEYS.intersection(data):
        field_errors.setdefault(key, []).append("Tên trường này được hệ thống dành riêng.")
    if field_errors:
        raise FormInvalid(field_errors)
    return json.loads(json.dumps(data))


def _field_path(error) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return f"{path}.{missing}" if path else missing
    if error.validator == "additionalProperties" and "'" in error.message:
        extra = error.message.split("'")[1]
        return f"{path}.{extra}" if path else extra
    return path


def _message_vi(error) -> str:
    v = error.validator
    value = error.validator_value
    if v == "required":
        return "Trường này là bắt buộc."
    if v == "type":
        names = {"string": "chuỗi ký tự", "integer": "số nguyên", "number": "số", "boolean": "có/không",
                 "object": "đối tượng", "array": "danh sách"}
        wanted = value if isinstance(value, str) else value[0]
        return f"Giá trị phải là {names.get(wanted, wanted)}."
    if v in ("enum", "oneOf", "const"):
        return "Giá trị không nằm trong danh sách cho phép."
    if v == "minLength":
        return f"Cần ít nhất {value} ký tự."
    if v == "maxLength":
        return f"Tối đa {value} ký tự."
    if v == "minimum":
        return f"Giá trị phải từ {value} trở lên."
    if v == "maximum":
        return f"Giá trị không được vượt quá {value}."
    if v == "format":
        return {"date": "Ngày không hợp lệ (định dạng yyyy-mm-dd).",
                "email": "Địa chỉ email không hợp lệ."}.get(value, f"Sai định dạng {value}.")
    if v == "pattern":
        return "Giá trị không đúng định dạng."
    if v == "additionalProperties":
        return "Trường này không có trong biểu mẫu."
    return error.message


@_FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return len(value) == 10
