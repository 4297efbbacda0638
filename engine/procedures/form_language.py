"""A form in its reader's language.

A form's texts are Vietnamese (``title``, ``description``, a choice's ``title``, an ``x-compare``
rule's ``message``). Beside each, the modeller may give its English text, which an English page
shows instead (docs/MODELLING.md, "Forms"):

- ``x-title-en`` beside a ``title`` (the form's, a field's, a choice's in ``oneOf``/``anyOf``);
- ``x-description-en`` beside a ``description`` (the form's or a field's);
- ``message_en`` beside an ``x-compare`` rule's ``message``.

JSON Schema ignores keywords it does not know, so these change nothing in validation, and a text
without its English keeps its Vietnamese on an English page. What is stored, the values and the
field names, is the same in both languages.
"""
from __future__ import annotations

from engine import contact

TITLE_EN, DESCRIPTION_EN, MESSAGE_EN = "x-title-en", "x-description-en", "message_en"
_ENGLISH_OF = {"title": TITLE_EN, "description": DESCRIPTION_EN}
MAX_TEXT = 500


def _texts(schema: dict):
    """(where, object) of each object a text may stand on: the form, its fields, their choices."""
    yield "", schema
    properties = schema.get("properties")
    for name, prop in (properties.items() if isinstance(properties, dict) else ()):
        if not isinstance(prop, dict):
            continue
        yield name, prop
        for keyword in ("oneOf", "anyOf"):
            choices = prop.get(keyword)
            for choice in (choices if isinstance(choices, list) else ()):
                if isinstance(choice, dict):
                    yield name, choice


def problem(schema: dict) -> tuple[str, str] | None:
    """An English text that is not one line of text, as (English, Vietnamese), or None."""
    for where, node in _texts(schema):
        for key in _ENGLISH_OF.values():
            if key in node and (said := _text_problem(node[key])):
                where_en = f"the field “{where}”" if where else "the form"
                where_vi = f"trường «{where}»" if where else "biểu mẫu"
                return f"The key {key} of {where_en} must be {said[0]}", f"Khóa {key} của {where_vi} phải là {said[1]}"
    rules = schema.get("x-compare")
    for number, rule in enumerate(rules if isinstance(rules, list) else (), start=1):
        if not isinstance(rule, dict) or MESSAGE_EN not in rule:
            continue
        if "message" not in rule:  # the officer is told the rule's own sentence: nothing to translate
            return (f"The x-compare rule {number}: the key {MESSAGE_EN} is the English of a message, and the rule "
                    "has no message.",
                    f"Quy tắc x-compare thứ {number}: khóa {MESSAGE_EN} là bản tiếng Anh của message, nhưng quy "
                    "tắc chưa có message.")
        if said := _text_problem(rule[MESSAGE_EN]):
            return (f"The x-compare rule {number}: the key {MESSAGE_EN} must be {said[0]}",
                    f"Quy tắc x-compare thứ {number}: khóa {MESSAGE_EN} phải là {said[1]}")
    return None


def _text_problem(value) -> tuple[str, str] | None:
    """How an English text falls short, as the end of a sentence in English and in Vietnamese."""
    if not isinstance(value, str) or not value.strip():
        return "a text that is not empty.", "một câu văn bản (chuỗi) không rỗng."
    if contact.text_problem(value, MAX_TEXT):
        return (f"one line of at most {MAX_TEXT} characters, without control characters.",
                f"một dòng văn bản, tối đa {MAX_TEXT} ký tự, không có ký tự điều khiển.")
    return None


def in_language(schema: dict | None, language: str) -> dict | None:
    """The form as a reader of ``language`` reads it: in English, each text that has its English
    replaced by it. The schema given is left as it is (a deployed version's forms are shared)."""
    if language != "en" or not isinstance(schema, dict):
        return schema
    shown = _english(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        shown["properties"] = {name: _field(prop) for name, prop in properties.items()}
    rules = schema.get("x-compare")
    if isinstance(rules, list):
        shown["x-compare"] = [{**rule, "message": rule[MESSAGE_EN]}
                              if isinstance(rule, dict) and isinstance(rule.get(MESSAGE_EN), str) else rule
                              for rule in rules]
    return shown


def _field(prop):
    if not isinstance(prop, dict):
        return prop
    shown = _english(prop)
    for keyword in ("oneOf", "anyOf"):
        if isinstance(prop.get(keyword), list):
            shown[keyword] = [_english(c) if isinstance(c, dict) else c for c in prop[keyword]]
    return shown


def _english(node: dict) -> dict:
    return {**node, **{key: node[english] for key, english in _ENGLISH_OF.items()
                       if isinstance(node.get(english), str) and node[english].strip()}}


def english_errors(schema: dict | None, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """A form's field errors (already in English where the catalogue has them) with the form's
    own texts in English: an ``x-compare`` rule's message, and a field's title quoted in «…»."""
    if not isinstance(schema, dict) or not errors:
        return errors
    shown = in_language(schema, "en")
    # The same walk over the form and its English copy meets the same objects in the same order.
    titles = {f"«{before['title']}»": f"«{after['title']}»"
              for (_w, before), (_v, after) in zip(_texts(schema), _texts(shown))
              if isinstance(before.get("title"), str) and after["title"] != before["title"]}
    rule_messages = {before["message"]: after["message"]
                     for before, after in zip(schema.get("x-compare") or (), shown.get("x-compare") or ())
                     if isinstance(before, dict) and isinstance(before.get("message"), str)}

    def english(message: str) -> str:
        message = rule_messages.get(message, message)
        for quoted, quoted_en in titles.items():
            message = message.replace(quoted, quoted_en)
        return message
    return {field: [english(m) for m in found] for field, found in errors.items()}
