"""JSON Schema → HTML fields, and submitted strings → typed data."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from webapp.forms_render import fields, form_errors, parse

SCHEMA = {
    "type": "object",
    "required": ["name", "count", "ok", "kind"],
    "properties": {
        "name": {"title": "Họ tên", "type": "string", "maxLength": 100},
        "note": {"title": "Ghi chú", "type": "string", "maxLength": 2000},
        "count": {"title": "Số lượng", "type": "integer", "minimum": 1},
        "fee": {"title": "Lệ phí", "type": "number"},
        "ok": {"title": "Đồng ý", "type": "boolean", "default": True},
        "kind": {"title": "Loại", "type": "string",
                 "oneOf": [{"const": "a", "title": "Loại A"}, {"const": "b", "title": "Loại B"}]},
        "level": {"title": "Cấp", "type": "integer", "enum": [1, 2, 3]},
        "on": {"title": "Ngày", "type": "string", "format": "date"},
    },
}


def test_widgets_follow_the_types():
    by_name = {f.name: f for f in fields(SCHEMA)}
    assert {n: f.widget for n, f in by_name.items()} == {
        "name": "text", "note": "textarea", "count": "integer", "fee": "number", "ok": "checkbox",
        "kind": "select", "level": "select", "on": "date"}
    assert by_name["kind"].options == [("a", "Loại A"), ("b", "Loại B")]
    assert by_name["level"].options == [("1", "1"), ("2", "2"), ("3", "3")]
    assert by_name["count"].attrs == {} and by_name["fee"].attrs == {"step": "any"}
    assert by_name["name"].required and not by_name["note"].required
    assert not by_name["ok"].required and by_name["ok"].checked  # default true, and "no" is an answer


def test_values_and_errors_are_placed_on_their_fields():
    shown = {f.name: f for f in fields(SCHEMA, MultiDict({"name": "An", "count": "x"}),
                                       {"count": ["Giá trị phải từ 1 trở lên."], "": ["Sai."]})}
    assert shown["name"].value == "An" and shown["count"].value == "x"
    assert shown["count"].errors == ["Giá trị phải từ 1 trở lên."] and shown["name"].errors == []
    assert not shown["ok"].checked  # a re-rendered unticked box stays unticked
    assert form_errors(SCHEMA, {"": ["Sai."], "count": ["x"]}) == ["Sai."]


def test_parse_gives_the_schema_types_and_leaves_out_empty_fields():
    form = MultiDict({"name": "  Lan  ", "note": "", "count": "3", "fee": "1,5", "kind": "b", "level": "2",
                      "on": "2026-11-23", "csrf_token": "t", "extra": "x"})
    assert parse(SCHEMA, form) == {"name": "Lan", "count": 3, "fee": 1.5, "ok": False, "kind": "b",
                                   "level": 2, "on": "2026-11-23"}
    assert parse(SCHEMA, MultiDict({"ok": "on", "fee": "20000"})) == {"ok": True, "fee": 20000}
    # A day is typed dd/mm/yyyy and kept as the engine stores days; what names no day goes on as typed.
    assert parse(SCHEMA, MultiDict({"on": "23/11/2026"}))["on"] == "2026-11-23"
    assert parse(SCHEMA, MultiDict({"on": "11/23/2026"}))["on"] == "11/23/2026"


def test_a_day_field_shows_dd_mm_yyyy():
    schema = {"type": "object", "properties": {"on": {"type": "string", "format": "date", "default": "2026-11-23"}}}
    assert fields(schema)[0].value == "23/11/2026"
    assert fields(schema, {"on": "2026-11-24"})[0].value == "24/11/2026"
    assert fields(schema, {"on": "31/11/2026"})[0].value == "31/11/2026"
    # What does not parse is passed on as typed, so validation can name the field.
    assert parse(SCHEMA, MultiDict({"count": "ba"}))["count"] == "ba"
    assert parse(None, MultiDict({"a": "b"})) == {}
