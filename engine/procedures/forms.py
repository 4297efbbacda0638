"""Step forms are JSON Schema documents (workflows/forms/). Validation happens on the server.

Beyond JSON Schema, a form may state comparisons between its fields, or between a date field and
the day it is filled in, with the keyword ``x-compare`` (docs/MODELLING.md, "Forms"):

    "x-compare": [
      {"field": "death_date", "op": "<=", "to": "$today"},
      {"field": "valid_to", "op": ">=", "to": "valid_from", "message": "…"}
    ]

Each rule is checked once both values are present and valid; a broken rule is reported on
``field``, next to which the officer sees it.

A field may also start filled from the step's data with ``x-default-from`` (the name of a variable,
such as an amount a script task estimated): the officer sees the value, checks it and may change it.
"""
from __future__ import annotations

import json
import operator
import re
from datetime import date
from functools import lru_cache

from zoneinfo import ZoneInfo

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from engine import clock, contact
from engine.errors import FormInvalid
from engine.procedures import form_language

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
# Stored as yyyy-mm-dd; people type and read dd/mm/yyyy (the web converts, webapp/days.py).
DATE_INVALID = "Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy, ví dụ 02/09/2026."
# The days a step records (a payment, a birth, a decision) lie within these years: 01/01/0001 is a
# date, but one typed by mistake, and it would pass any "not after today" rule.
FIRST_YEAR, LAST_YEAR = 1900, 2100
YEAR_OUT_OF_RANGE = f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}."
# What a whole-number field holding anything else is told. A form on the web reads what people type
# (100.000.000) before this, and says instead how to write a whole number (webapp/forms_render.py).
INTEGER_EXPECTED = "Giá trị phải là số nguyên."

_FORMAT_CHECKER = FormatChecker()

# Keys that break SpiffWorkflow's deserializer or our own task data (docs/SPIFFWORKFLOW.md §10), and
# the flag the engine writes for the supplement pattern (engine/supplements.py).
RESERVED_KEYS = frozenset({"typename", "supplement_requested"})


def check_schema(schema) -> tuple[str, str] | None:
    """What makes the schema unusable as a step form, as (English, Vietnamese), or None: the
    English for ``validate``, the Vietnamese for the editor's page."""
    if not isinstance(schema, dict):
        return ("The form schema must be a JSON object (in curly brackets {…}).",
                "Phải là một đối tượng JSON (đặt trong ngoặc nhọn {…}).")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return _schema_error(exc)
    if schema.get("type") != "object":
        return ('The form schema must have "type": "object" at its outermost level.',
                'Cấp ngoài cùng phải có "type": "object".')
    bad = sorted(RESERVED_KEYS.intersection(schema.get("properties", {})))
    if bad:
        return (f"The field name {', '.join(bad)} is reserved by the system: choose another name.",
                f"Tên trường {', '.join(bad)} do hệ thống dành riêng: hãy đặt tên khác.")
    return _compare_problem(schema) or _default_from_problem(schema) or form_language.problem(schema)


def _schema_error(exc: SchemaError) -> tuple[str, str]:
    """Where the schema breaks JSON Schema and the value found there, without jsonschema's
    English (Python reprs)."""
    path = [str(p) for p in exc.path]
    if len(path) >= 2 and path[0] == "properties":
        keyword = ".".join(path[2:])
        where_en = f"the field “{path[1]}”" + (f", keyword {keyword}" if keyword else "")
        where_vi = f"trường «{path[1]}»" + (f", khóa {keyword}" if keyword else "")
    elif path:
        where_en, where_vi = f"the keyword {'.'.join(path)}", f"khóa {'.'.join(path)}"
    else:
        where_en, where_vi = "the outermost level", "cấp ngoài cùng"
    value = json.dumps(exc.instance, ensure_ascii=False, default=str)
    value = value if len(value) <= 60 else value[:59] + "…"
    if exc.validator == "format" and exc.validator_value == "regex":
        return (f"Not a valid JSON Schema at {where_en}: {value} is not a valid regular expression.",
                f"Không phải JSON Schema hợp lệ ở {where_vi}: {value} không phải biểu thức chính quy hợp lệ.")
    if path and path[-1] == "type":
        return (f"Not a valid JSON Schema at {where_en}: {value} is not a type; use string, number, integer, boolean, "
                "object, array or null.",
                f"Không phải JSON Schema hợp lệ ở {where_vi}: {value} không phải kiểu dữ liệu; hãy dùng "
                "string, number, integer, boolean, object, array hoặc null.")
    return (f"Not a valid JSON Schema: {where_en} cannot be {value}; correct it as JSON Schema (draft 2020-12) says.",
            f"Không phải JSON Schema hợp lệ: {where_vi} không nhận giá trị {value}; hãy sửa theo "
            "JSON Schema (draft 2020-12).")


DEFAULT_FROM = "x-default-from"
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


def _default_from_problem(schema) -> tuple[str, str] | None:
    for name, prop in (schema.get("properties") or {}).items():
        source = prop.get(DEFAULT_FROM) if isinstance(prop, dict) else None
        if source is not None and not (isinstance(source, str) and _VARIABLE.fullmatch(source)):
            return (f"The field “{name}”: {DEFAULT_FROM} must name a variable of the step's data (unaccented letters, "
                    "digits, _).",
                    f"Trường «{name}»: {DEFAULT_FROM} phải là tên một biến trong dữ liệu của bước "
                    "(chữ cái không dấu, chữ số, dấu _).")
    return None


def starting_values(schema: dict | None, data: dict) -> dict:
    """The fields a step's form starts with from the step's data (``x-default-from``): only plain
    values (text, numbers, yes/no); a variable the data lacks leaves the field to its ``default``."""
    values = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        source = prop.get(DEFAULT_FROM) if isinstance(prop, dict) else None
        value = data.get(source) if isinstance(source, str) else None
        if isinstance(value, (str, int, float, bool)):
            values[name] = value
    return values


COMPARE = "x-compare"
TODAY = "$today"  # the day the form is filled in, in the dossier's agency's time zone
RECEIVED = "$received"  # the day the dossier was received, in its agency's time zone
_DAYS = (TODAY, RECEIVED)
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
        "!=": operator.ne}
# How a broken rule reads, next to its field: against another field (its title), or against today.
_SAY = {"<": "Phải trước «{to}».", "<=": "Không được sau «{to}».", ">": "Phải sau «{to}».",
        ">=": "Không được trước «{to}».", "==": "Phải bằng «{to}».", "!=": "Phải khác «{to}»."}
_SAY_TODAY = {"<": "Phải trước ngày hôm nay.", "<=": "Không được sau ngày hôm nay.", ">": "Phải sau ngày hôm nay.",
              ">=": "Không được trước ngày hôm nay.", "==": "Phải là ngày hôm nay.", "!=": "Không được là ngày hôm nay."}
# Against the day of reception, which the officer may not have in mind: the day itself, dd/mm/yyyy.
_SAY_RECEIVED = {"<": "Phải trước ngày tiếp nhận hồ sơ ({day}).", "<=": "Không được sau ngày tiếp nhận hồ sơ ({day}).",
                 ">": "Phải sau ngày tiếp nhận hồ sơ ({day}).", ">=": "Không được trước ngày tiếp nhận hồ sơ ({day}).",
                 "==": "Phải là ngày tiếp nhận hồ sơ ({day}).", "!=": "Không được là ngày tiếp nhận hồ sơ ({day})."}


def _compare_problem(schema) -> tuple[str, str] | None:
    rules = schema.get(COMPARE)
    if rules is None:
        return None
    fields = schema.get("properties", {})
    if not isinstance(rules, list):
        return (f'The {COMPARE} keyword must be a list of rules, e.g. [{{"field": "death_date", "op": "<=", "to": "$today"}}].',
                f'{COMPARE} phải là một danh sách quy tắc, ví dụ [{{"field": "death_date", "op": "<=", "to": "$today"}}].')
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict) or set(rule) - {"field", "op", "to", "message", form_language.MESSAGE_EN}:
            return (f"The {COMPARE} rule {number} must be an object with field, op, to and optionally message and "
                    f"{form_language.MESSAGE_EN}.",
                    f"Quy tắc {COMPARE} thứ {number} phải là một đối tượng gồm field, op, to và có thể thêm message "
                    f"và {form_language.MESSAGE_EN}.")
        field = rule.get("field")
        if field not in fields:
            return (f"The {COMPARE} rule {number}: the field “{field}” (field) is not in the form.",
                    f"Quy tắc {COMPARE} thứ {number}: trường «{field}» (field) không có trong biểu mẫu.")
        if rule.get("op") not in _OPS:
            return (f"The {COMPARE} rule {number}: the comparison (op) must be one of {' '.join(_OPS)}.",
                    f"Quy tắc {COMPARE} thứ {number}: phép so sánh (op) phải là một trong {' '.join(_OPS)}.")
        to = rule.get("to")
        if to not in _DAYS and to not in fields:
            return (f"The {COMPARE} rule {number}: to must be a field of the form, “{TODAY}” (the day the form is filled "
                    f"in) or “{RECEIVED}” (the day the dossier was received).",
                    f"Quy tắc {COMPARE} thứ {number}: to phải là một trường của biểu mẫu, “{TODAY}” (ngày điền biểu "
                    f"mẫu) hoặc “{RECEIVED}” (ngày tiếp nhận hồ sơ).")
        if to in _DAYS and fields[field].get("format") != "date":
            return (f"The {COMPARE} rule {number}: only a date field (format date) compares with “{to}”; the field "
                    f"“{field}” is not a date field.",
                    f"Quy tắc {COMPARE} thứ {number}: chỉ trường ngày (format date) mới so sánh được với “{to}”; "
                    f"trường «{field}» không phải trường ngày.")
        if "message" in rule and not isinstance(rule["message"], str):
            return (f"The {COMPARE} rule {number}: message must be a text (a string).",
                    f"Quy tắc {COMPARE} thứ {number}: message phải là một câu văn bản (chuỗi).")
    return None


def _comparison_errors(schema: dict, data: dict, today: date, received: date | None, skip) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    fields = schema.get("properties", {})
    days = {TODAY: today, RECEIVED: received}
    for rule in schema.get(COMPARE, []):
        name, op, other = rule["field"], rule["op"], rule["to"]
        left = data.get(name)
        if other in days:  # a form filled in with no dossier (a partner's payload) has no reception day
            right = days[other].isoformat() if days[other] is not None else None
        else:
            right = data.get(other)
        if left is None or right is None or name in skip or other in skip:
            continue
        try:
            holds = _OPS[op](left, right)
        except TypeError:  # values of different kinds: the schema's own checks speak for them
            continue
        if not holds:
            if other == TODAY:
                said = _SAY_TODAY[op]
            elif other == RECEIVED:
                said = _SAY_RECEIVED[op].format(day=received.strftime("%d/%m/%Y"))
            else:
                said = _SAY[op].format(to=fields[other].get("title") or other)
            errors.setdefault(name, []).append(rule.get("message") or said)
    return errors


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_json), format_checker=_FORMAT_CHECKER)


# The validator of a schema object seen before, found without serialising the schema again (that
# cost as much as the validation). A deployed version's forms are the same objects from one command
# to the next (engine/runtime/host.py keeps them); the entry holds its schema, so the id cannot be
# reused by another object while the entry lives. A schema is never changed once deployed.
_BY_SCHEMA: dict[int, tuple[dict, Draft202012Validator]] = {}
_BY_SCHEMA_LIMIT = 512


def _validator_of(schema: dict) -> Draft202012Validator:
    entry = _BY_SCHEMA.get(id(schema))
    if entry is not None and entry[0] is schema:
        return entry[1]
    validator = _validator(json.dumps(schema, sort_keys=True))
    if len(_BY_SCHEMA) >= _BY_SCHEMA_LIMIT:
        _BY_SCHEMA.clear()  # schemas built per request (a check, a preview) must not pile up
    _BY_SCHEMA[id(schema)] = (schema, validator)
    return validator


def validate_form(schema: dict, data, *, today: date | None = None, received: date | None = None) -> dict:
    """Validate ``data`` against ``schema`` and its ``x-compare`` rules (``today``: the day the form
    is filled in, default today in Hà Nội; ``received``: the day the dossier was received, in its
    agency's time zone, without which a rule against it is not checked); raise FormInvalid with
    every error per field.

    Returns the data to store: only plain JSON values (no dates, sets or tuples), which is what
    SpiffWorkflow's serializer keeps faithfully.
    """
    if not isinstance(data, dict):
        raise FormInvalid({"": ["Dữ liệu phải là một đối tượng JSON."]})
    validator = _validator_of(schema)
    field_errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        path = _field_path(error)
        field_errors.setdefault(path, []).append(_message_vi(error))
    for key in RESERVED_KEYS.intersection(data):
        field_errors.setdefault(key, []).append("Tên trường này được hệ thống dành riêng.")
    for key in _days_out_of_range(schema, data, set(field_errors)):
        field_errors[key] = [YEAR_OUT_OF_RANGE]
    for key, value in data.items():
        if key not in field_errors and isinstance(value, str) and (problem := contact.lines_problem(value)):
            field_errors[key] = [problem]
    if schema.get(COMPARE):
        today = today or clock.now().astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date()
        for key, messages in _comparison_errors(schema, data, today, received, set(field_errors)).items():
            field_errors.setdefault(key, []).extend(messages)
    if field_errors:
        raise FormInvalid(field_errors)
    return json.loads(json.dumps(data))


def _days_out_of_range(schema: dict, data: dict, skip) -> list[str]:
    """The form's date fields holding a valid day in a year outside FIRST_YEAR..LAST_YEAR."""
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        value = data.get(name)
        if name in skip or not isinstance(prop, dict) or prop.get("format") != "date" or not isinstance(value, str):
            continue
        try:
            year = date.fromisoformat(value).year
        except ValueError:
            continue
        if not FIRST_YEAR <= year <= LAST_YEAR:
            found.append(name)
    return found


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
        if wanted == "integer":
            return INTEGER_EXPECTED
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
        return {"date": DATE_INVALID,
                "email": contact.EMAIL_INVALID, "vn-id-number": contact.ID_NUMBER_INVALID,
                "vn-phone": contact.PHONE_INVALID}.get(value, f"Sai định dạng {value}.")
    if v == "pattern":
        return _pattern_message(value)
    if v == "additionalProperties":
        return "Trường này không có trong biểu mẫu."
    return error.message


# A field of digits only (a personal ID number: ^[0-9]{12}$) says how many it needs; another
# pattern's field says what to write in its title (e.g. "2 chữ cái và 13 chữ số").
_DIGITS = re.compile(r"\^\[0-9\]\{(\d+)(?:,(\d+))?\}\$")


def _pattern_message(pattern) -> str:
    digits = _DIGITS.fullmatch(pattern) if isinstance(pattern, str) else None
    if digits is None:
        return "Giá trị không đúng định dạng."
    fewest, most = digits.groups()
    if most is None or most == fewest:
        return f"Cần đúng {fewest} chữ số."
    return f"Cần từ {fewest} đến {most} chữ số."


@_FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value) -> bool:
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return len(value) == 10


# The applicant's contact data in their Vietnamese forms (engine/contact.py), for form fields:
# "format": "email", "vn-id-number" (personal ID, old identity card, passport), "vn-phone".
@_FORMAT_CHECKER.checks("email")
def _is_email(value) -> bool:
    return not isinstance(value, str) or contact.email_problem(value) is None


@_FORMAT_CHECKER.checks("vn-id-number")
def _is_id_number(value) -> bool:
    return not isinstance(value, str) or contact.id_number_problem(value) is None


@_FORMAT_CHECKER.checks("vn-phone")
def _is_phone(value) -> bool:
    return not isinstance(value, str) or contact.phone_problem(value) is None
