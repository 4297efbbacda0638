"""A step's JSON Schema as HTML fields, and submitted form values back as typed data.

Only what step forms use is rendered natively (a flat object of strings, numbers, booleans and
choices); a nested object or array gets a JSON textarea so the form is still usable. The engine
validates everything again; nothing here decides whether data is acceptable.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import gettext as _

from engine.procedures.form_language import english_errors, in_language
from engine.procedures.forms import INTEGER_EXPECTED
from webapp import days
from webapp.i18n import current_language, format_number

# A string longer than this is text to write, not a value to type: a textarea.
TEXTAREA_FROM = 255
CHECKED = frozenset({"on", "true", "1", "yes"})
# A whole number from this size on is shown grouped by threes (100.000.000), as an amount of money
# is read; a smaller one (a year, a parcel or register number, a count) stays plain digits.
GROUP_FROM = 10_000
# A whole number as people type it: plain digits, or grouped by threes with one separator
# throughout — a dot (Vietnamese), a comma (English) or a space: 100.000.000, 100,000,000,
# 100 000 000. A comma or dot not between groups of three (100.5, 12,5, 1.00.0) is not a thousands
# separator but a decimal or a typo: such a text is not read, and the form says how to write it.
_WHOLE = re.compile(r"(?P<sign>[+-]?)(?:(?P<plain>[0-9]+)"
                    r"|(?P<grouped>[0-9]{1,3}(?P<sep>[., ])[0-9]{3}(?:(?P=sep)[0-9]{3})*))")
# Every space a keyboard or a copied figure may bring (no-break, narrow no-break, figure, thin): one space.
_SPACES = re.compile("[\u00a0\u202f\u2007\u2009]")


class ErrorLink(NamedTuple):
    """One line of a refused form's summary (templates/_error_summary.html): the refused field's id
    on the page (None for an error of the whole form), its label as the page shows it, what is wrong."""
    target: str | None
    label: str
    message: str


@dataclass
class Field:
    name: str
    label: str
    widget: str  # text · textarea · integer · number · checkbox · select · date · email · json
    required: bool = False
    value: object = ""
    errors: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, object] = field(default_factory=dict)
    description: str = ""

    @property
    def checked(self) -> bool:
        return self.value is True or str(self.value).lower() in CHECKED


def _type(prop: Mapping) -> str:
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind:
        return kind
    consts = [o.get("const") for o in prop.get("oneOf", []) if "const" in o] or prop.get("enum", [])
    if consts and all(isinstance(c, bool) for c in consts):
        return "boolean"
    if consts and all(isinstance(c, int) and not isinstance(c, bool) for c in consts):
        return "integer"
    return "string"


def _options(prop: Mapping) -> list[tuple[str, str]]:
    choices = [o for o in prop.get("oneOf", []) + prop.get("anyOf", []) if "const" in o]
    if choices:
        return [(_text(o["const"]), o.get("title") or _text(o["const"])) for o in choices]
    return [(_text(v), _text(v)) for v in prop.get("enum", [])]


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _widget(prop: Mapping, kind: str, options) -> str:
    if options and kind != "boolean":
        return "select"
    if kind == "boolean":
        return "checkbox"
    if kind == "integer":
        # Typed as text: a browser's number field reads "100.000.000" as a decimal (100.000000)
        # and lets no one write the dots Vietnamese group thousands with.
        return "integer"
    if kind == "number":
        return "number"
    if kind in ("object", "array"):
        return "json"
    if prop.get("format") == "date":
        return "date"
    if prop.get("format") == "email":
        return "email"
    if prop.get("maxLength", 0) > TEXTAREA_FROM:
        return "textarea"
    return "text"


def _attrs(prop: Mapping, kind: str, widget: str) -> dict[str, object]:
    attrs: dict[str, object] = {}
    if widget in ("text", "textarea", "email"):
        for key, attr in (("maxLength", "maxlength"), ("minLength", "minlength")):
            if key in prop:
                attrs[attr] = prop[key]
    if widget == "number":
        attrs["step"] = "any"
        for key, attr in (("minimum", "min"), ("maximum", "max")):
            if key in prop:
                attrs[attr] = prop[key]
    return attrs


def fields(schema: Mapping | None, values: Mapping | None = None,
           errors: Mapping[str, list[str]] | None = None, starting: Mapping | None = None) -> list[Field]:
    """The fields of a form, in schema order, in the page's language (the form's English texts on
    an English page, engine/procedures/form_language.py).

    ``values`` are what the officer typed (a re-render after refused data keeps them exactly);
    without them, a field starts with its value from the step's data (``starting``, the schema's
    ``x-default-from``), else with the schema's default.
    """
    if not schema:
        return []
    language = current_language()
    errors = english_errors(schema, errors or {}) if language == "en" else (errors or {})
    schema = in_language(schema, language)
    required = set(schema.get("required", []))
    required_when = _required_when(schema)
    result = []
    for name, prop in schema.get("properties", {}).items():
        kind = _type(prop)
        options = _options(prop)
        widget = _widget(prop, kind, options)
        if values is not None:
            value = values.get(name, "")
        elif starting and name in starting:
            value = starting[name] if widget in ("checkbox", "integer") else _text(starting[name])
        elif "default" in prop:
            value = prop["default"] if widget in ("checkbox", "integer") else _text(prop["default"])
        else:
            value = ""
        field_errors = list(errors.get(name, []))
        if widget == "date":
            value = days.day_text(value)  # dd/mm/yyyy whatever the browser's language
        elif widget == "integer":
            value = integer_text(value)
            field_errors = _how_to_write_integers(field_errors, prop)
        result.append(Field(
            name=name, label=prop.get("title") or name, widget=widget,
            # A checkbox left unticked is a valid "no": never mark it required in the browser.
            required=name in required and widget != "checkbox",
            value=value, errors=field_errors, options=options,
            attrs=_attrs(prop, kind, widget),
            description=" ".join(filter(None, (prop.get("description", ""), required_when.get(name, ""))))))
    return result


def error_links(fields: list[Field]) -> list[ErrorLink]:
    """The refused fields of a form as its summary's lines, each linked to its field (``f-<name>``)."""
    return [ErrorLink(f"f-{f.name}", f.label, message) for f in fields for message in f.errors]


def integer_text(value) -> str:
    """A whole number in its field: grouped by threes as the page's language writes figures
    (100.000.000, 100,000,000 in English) from GROUP_FROM on, which ``parse`` reads back; what the
    person typed (a text) stays exactly as typed."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value) if abs(value) >= GROUP_FROM else str(value)
    return _text(value)


def _how_to_write_integers(messages: list[str], prop: Mapping) -> list[str]:
    """The engine's "must be a whole number" (in the page's language already) said as how to type
    one: a whole-number field receives only what ``parse`` could not read as one (100.5, 12a). The
    engine keeps its own words for a partner's data, which nobody types. The example is an amount
    written as the page groups thousands, or the field's own maximum when that is smaller (a
    number of copies: 20)."""
    engine_said = {INTEGER_EXPECTED, _(INTEGER_EXPECTED)}
    example, most = 100_000_000, prop.get("maximum")
    if isinstance(most, int) and not isinstance(most, bool) and 0 <= most < example:
        example = most
    return [_("Nhập số nguyên, ví dụ %(example)s.", example=format_number(example))
            if message in engine_said else message for message in messages]


def _required_when(schema: Mapping) -> dict[str, str]:
    """Fields a schema makes required only for some choice ("if decision is refuse, then
    leader_opinion"): the field says so in words, since no asterisk can (issue 12)."""
    condition, then = schema.get("if") or {}, schema.get("then") or {}
    if not then.get("required") or not isinstance(condition.get("properties"), Mapping):
        return {}
    properties = schema.get("properties", {})
    parts = []
    for name, rule in condition["properties"].items():
        values = rule.get("enum") or ([rule["const"]] if "const" in rule else [])
        labels = [label for value, label in _options(properties.get(name, {})) if value in {_text(v) for v in values}]
        if not labels:
            return {}  # every choice that needs it is offered elsewhere (the send-back control)
        field_label = properties.get(name, {}).get("title") or name
        parts.append(_("Bắt buộc khi “%(field)s” là: %(choices)s.", field=field_label, choices=" / ".join(labels)))
    note = " ".join(parts)
    return {name: note for name in then["required"] if name not in set(schema.get("required", []))}


def title(schema: Mapping | None) -> str:
    """The form's own title in the page's language ("" when it has none)."""
    return (in_language(schema, current_language()) or {}).get("title") or ""


def form_errors(schema: Mapping | None, errors: Mapping[str, list[str]] | None) -> list[str]:
    """Errors that belong to no field on the page (shown above the form)."""
    names = set((schema or {}).get("properties", {}))
    return [m for key, messages in (errors or {}).items() if key not in names for m in messages]


def parse(schema: Mapping | None, form: Mapping) -> dict:
    """Submitted strings → the schema's types. Keys outside the schema (CSRF token, buttons)
    are dropped; an empty field is left out so "required" reports it; a value that does not
    parse is passed on as typed, so the engine's validation names the field."""
    if not schema:
        return {}
    data: dict = {}
    for name, prop in schema.get("properties", {}).items():
        kind = _type(prop)
        if kind == "boolean" and not _options(prop):
            data[name] = str(form.get(name, "")).lower() in CHECKED
            continue
        raw = form.get(name)
        if raw is None:
            continue
        raw = str(raw).strip()
        if raw == "":
            continue
        data[name] = days.iso_day(raw) if prop.get("format") == "date" else _convert(raw, kind)
    return data


def whole_number(raw: str) -> int | None:
    """The whole number a person typed (``_WHOLE``: 100000000, 100.000.000, 100,000,000,
    100 000 000, -5), or None when the text is not one. Officers' step forms and citizens' online
    applications both read their whole-number fields here (``parse``)."""
    match = _WHOLE.fullmatch(_SPACES.sub(" ", raw.strip().replace("\u2212", "-")))  # U+2212: a typeset minus
    if match is None:
        return None
    digits = match["plain"] or match["grouped"].replace(match["sep"], "")
    try:
        return int(match["sign"] + digits)
    except ValueError:  # more digits than Python converts (over 4300): no form's figure
        return None


def _convert(raw: str, kind: str):
    try:
        if kind == "integer":
            number = whole_number(raw)
            return raw if number is None else number
        if kind == "number":
            number = float(raw.replace(",", "."))  # "1,5" is how Vietnamese write 1.5
            return int(number) if number.is_integer() and "." not in raw and "," not in raw else number
        if kind == "boolean":
            return raw.lower() in CHECKED
        if kind in ("object", "array"):
            return json.loads(raw)
    except ValueError:
        return raw
    return raw
