"""A form in its reader's language: the English texts beside the Vietnamese ones (x-title-en,
x-description-en, message_en), how they are checked, and that they change nothing stored."""
from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import FormInvalid
from engine.procedures.form_language import english_errors, in_language
from engine.procedures.forms import check_schema, validate_form

ROOT = Path(__file__).resolve().parent.parent

FORM = {
    "type": "object",
    "title": "Thẩm định hồ sơ", "x-title-en": "Appraisal of the dossier",
    "required": ["decision"],
    "properties": {
        "decision": {"title": "Kết quả thẩm định", "x-title-en": "Appraisal result", "type": "string",
                     "description": "Chọn một kết quả.", "x-description-en": "Choose one result.",
                     "oneOf": [{"const": "approve", "title": "Đủ điều kiện", "x-title-en": "Eligible"},
                               {"const": "refuse", "title": "Không đủ điều kiện"}]},
        "issued_on": {"title": "Ngày cấp", "x-title-en": "Date of issue", "type": "string", "format": "date"},
        "valid_to": {"title": "Có giá trị đến", "type": "string", "format": "date"},
    },
    "x-compare": [
        {"field": "valid_to", "op": ">=", "to": "issued_on"},
        {"field": "issued_on", "op": "<=", "to": "$today", "message": "Ngày cấp không được sau hôm nay.",
         "message_en": "The date of issue cannot be after today."},
    ],
}


def test_an_english_reader_gets_each_english_text_and_the_vietnamese_where_there_is_none():
    before = copy.deepcopy(FORM)
    shown = in_language(FORM, "en")
    assert shown["title"] == "Appraisal of the dossier"
    decision = shown["properties"]["decision"]
    assert decision["title"] == "Appraisal result" and decision["description"] == "Choose one result."
    assert [c["title"] for c in decision["oneOf"]] == ["Eligible", "Không đủ điều kiện"]
    assert shown["properties"]["valid_to"]["title"] == "Có giá trị đến"  # no English given
    assert shown["x-compare"][1]["message"] == "The date of issue cannot be after today."
    assert FORM == before  # a deployed version's form is shared: never changed in place


def test_a_vietnamese_reader_gets_the_form_as_written():
    assert in_language(FORM, "vi") is FORM
    assert in_language(None, "en") is None


def _without_english(node):
    if isinstance(node, dict):
        return {k: _without_english(v) for k, v in node.items() if k not in ("x-title-en", "x-description-en",
                                                                             "message_en")}
    return [_without_english(v) for v in node] if isinstance(node, list) else node


def _outcome(form, data):
    try:
        return validate_form(form, data, today=date(2026, 12, 3))
    except FormInvalid as refused:
        return refused.field_errors


@pytest.mark.parametrize("data", [
    {"decision": "approve", "issued_on": "2026-11-02", "valid_to": "2027-11-02"},
    {"decision": "maybe"},
    {"decision": "refuse", "issued_on": "2026-12-04", "valid_to": "2026-01-01"},
])
def test_the_english_texts_change_nothing_that_is_validated_or_stored(data):
    plain = _without_english(FORM)
    assert plain != FORM and check_schema(plain) is None
    assert _outcome(FORM, dict(data)) == _outcome(plain, dict(data))


def test_a_broken_rule_reads_in_english_with_the_english_title_and_message():
    with pytest.raises(FormInvalid) as refused:
        validate_form(FORM, {"decision": "approve", "issued_on": "2026-12-04", "valid_to": "2026-01-01"},
                      today=date(2026, 12, 3))
    errors = refused.value.field_errors
    assert errors == {"valid_to": ["Không được trước «Ngày cấp»."], "issued_on": ["Ngày cấp không được sau hôm nay."]}
    # What the web layer shows once the catalogue has put its own sentences in English.
    assert english_errors(FORM, {"valid_to": ["Must not be before «Ngày cấp»."], **{
        "issued_on": errors["issued_on"]}}) == {
        "valid_to": ["Must not be before «Date of issue»."],
        "issued_on": ["The date of issue cannot be after today."]}


@pytest.mark.parametrize("where, value, en, vi", [
    ("form", "", "The key x-title-en of the form must be a text that is not empty.",
     "Khóa x-title-en của biểu mẫu phải là một câu văn bản (chuỗi) không rỗng."),
    ("field", 5, "The key x-title-en of the field “decision” must be a text",
     "Khóa x-title-en của trường «decision» phải là một câu văn bản"),
    ("choice", "Eligible\nor not", "The key x-title-en of the field “decision” must be one line of at most 500 characters",
     "Khóa x-title-en của trường «decision» phải là một dòng văn bản, tối đa 500 ký tự"),
    ("description", "x" * 501, "The key x-description-en of the field “decision” must be one line",
     "Khóa x-description-en của trường «decision» phải là một dòng văn bản"),
    ("rule", ["Sai"], "The x-compare rule 2: the key message_en must be a text",
     "Quy tắc x-compare thứ 2: khóa message_en phải là một câu văn bản"),
])
def test_an_english_text_that_is_not_one_line_of_text_is_refused_in_both_languages(where, value, en, vi):
    form = copy.deepcopy(FORM)
    target = {"form": (form, "x-title-en"), "field": (form["properties"]["decision"], "x-title-en"),
              "choice": (form["properties"]["decision"]["oneOf"][0], "x-title-en"),
              "description": (form["properties"]["decision"], "x-description-en"),
              "rule": (form["x-compare"][1], "message_en")}[where]
    target[0][target[1]] = value
    said_en, said_vi = check_schema(form)
    assert en in said_en
    assert said_vi.startswith(vi)


def test_an_english_message_beside_no_message_is_refused():
    form = copy.deepcopy(FORM)
    del form["x-compare"][1]["message"]
    assert check_schema(form) == (
        "The x-compare rule 2: the key message_en is the English of a message, and the rule has no message.",
        "Quy tắc x-compare thứ 2: khóa message_en là bản tiếng Anh của message, nhưng quy tắc chưa có message.")


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=600),
                       st.lists(st.text(max_size=5), max_size=3),
                       st.dictionaries(st.text(max_size=3), st.text(max_size=3))))
def test_any_value_of_an_english_text_is_either_shown_or_refused_with_a_reason(value):
    form = copy.deepcopy(FORM)
    form["properties"]["decision"]["x-title-en"] = value
    problem = check_schema(form)
    if problem is None:
        assert in_language(form, "en")["properties"]["decision"]["title"] == value
    else:
        assert "x-title-en" in problem[0] and "x-title-en" in problem[1]


def _titled(node, where=""):
    """Every object of a form that carries a title, a description or a rule message, and where."""
    if isinstance(node, dict):
        if "title" in node or "description" in node or "message" in node:
            yield where, node
        for key, value in node.items():
            yield from _titled(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _titled(value, f"{where}/{i}")


SHIPPED_FORMS = sorted([*ROOT.glob("workflows/forms/*.json"), *ROOT.glob("workflows/catalogue/intake/*.json")])


@pytest.mark.parametrize("path", SHIPPED_FORMS, ids=lambda p: p.name)
def test_every_shipped_form_reads_english_on_an_english_page(path):
    """The forms the procedures ship with: each text has its English, so an English page shows no
    Vietnamese label."""
    form = json.loads(path.read_text(encoding="utf-8"))
    assert check_schema(form) is None
    missing = [where + "/" + key for where, node in _titled(form)
               for key, english in (("title", "x-title-en"), ("description", "x-description-en"),
                                    ("message", "message_en"))
               if key in node and isinstance(node[key], str) and not node.get(english)]
    assert missing == []
