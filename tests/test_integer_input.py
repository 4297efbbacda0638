"""Whole numbers typed as people write them. A citizen typed the business capital as
"100.000.000" (the dot groups thousands in Vietnamese): the browser's number field made it
100.000000 and the server answered "Giá trị phải là số nguyên."; "100,000,000" went through
unremarked. Every whole-number field of every form (the officers' steps, the citizens' online
applications, both read by webapp/forms_render.parse) now reads thousands grouped by dots, spaces
or commas, refuses anything else saying how to write it, and keeps the form's bounds."""
from __future__ import annotations

import json

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from engine.config import PROJECT_ROOT
from engine.errors import FormInvalid
from engine.procedures.forms import validate_form
from webapp.field_messages import translated
from webapp.forms_render import fields, parse

# The citizen's application for a household business (workflows/catalogue/intake/).
APPLICATION = json.loads((PROJECT_ROOT / "workflows" / "catalogue" / "intake" / "ho_kinh_doanh_de_nghi.json")
                         .read_text(encoding="utf-8"))
# A land officer's check of the parcel: its area is a decimal number, not a whole one.
PARCEL = json.loads((PROJECT_ROOT / "workflows" / "forms" / "bien_dong_kiem_tra.json").read_text(encoding="utf-8"))
FILLED = {"business_name": "Tạp hóa An", "business_address": "Số 1 đường Lê Lợi", "business_lines": "Bán lẻ"}


def submitted(capital: str, schema=APPLICATION) -> dict:
    """What the server keeps of the application with ``capital`` typed as it is."""
    return validate_form(schema, parse(schema, MultiDict(dict(FILLED, capital=capital))))


def refusal(capital: str) -> list[str]:
    with pytest.raises(FormInvalid) as refused:
        submitted(capital)
    return refused.value.field_errors["capital"]


@pytest.mark.parametrize("typed", ["100.000.000", "100 000 000", "100\u00a0000\u00a0000", "100\u202f000\u202f000",
                                   "100,000,000", "100000000", " 100.000.000 "])
def test_a_capital_typed_with_thousands_separators_is_one_hundred_million(typed):
    assert submitted(typed)["capital"] == 100_000_000


def test_small_figures_and_a_single_group_read_as_typed():
    assert submitted("1.000")["capital"] == 1000 and submitted("0")["capital"] == 0
    assert submitted("25.500.000")["capital"] == 25_500_000


@pytest.mark.parametrize("typed", ["100.5", "12,5", "1.00.0", "12a", "100.000 000", "1.000,5", "100.000.00",
                                   "1 0 0", "một trăm triệu"])
def test_what_is_not_a_whole_number_is_refused_and_the_field_says_how_to_write_one(app, typed):
    """A decimal, a mistyped grouping or letters: the form shows it again as typed, with how to
    write a whole number in the page's language (the example grouped as that language groups)."""
    errors = {"capital": refusal(typed)}
    with app.test_request_context():
        [capital] = [f for f in fields(APPLICATION, {"capital": typed}, translated(errors)) if f.name == "capital"]
        assert capital.value == typed and capital.errors == ["Nhập số nguyên, ví dụ 100.000.000."]
        with force_locale("en"):
            [capital] = [f for f in fields(APPLICATION, {"capital": typed}, translated(errors)) if f.name == "capital"]
            assert capital.errors == ["Enter a whole number, for example 100,000,000."]


def test_a_small_fields_example_is_its_maximum(app):
    """A count of workers (at most 1.000) is not told to write a hundred million."""
    with pytest.raises(FormInvalid) as refused:
        validate_form(APPLICATION, parse(APPLICATION, MultiDict(dict(FILLED, capital="5", workers="3 người"))))
    with app.test_request_context():
        shown = {f.name: f for f in fields(APPLICATION, {"workers": "3 người"}, translated(refused.value.field_errors))}
        assert shown["workers"].errors == ["Nhập số nguyên, ví dụ 1.000."]


def test_the_forms_bounds_apply_to_the_figure_read():
    assert refusal("-5") == ["Giá trị phải từ 0 trở lên."]
    assert refusal("-5.000") == ["Giá trị phải từ 0 trở lên."]
    assert refusal("1.000.000.000.000") == ["Giá trị không được vượt quá 100000000000."]  # 100.000.000.000 at most
    assert submitted("100.000.000.000")["capital"] == 100_000_000_000


def test_a_whole_number_field_is_typed_as_text_and_shows_a_large_figure_grouped(app):
    """Not the browser's number field (it reads 100.000.000 as a decimal); a figure the field starts
    with or that a draft kept reads grouped, and what parse reads back; a small one stays plain."""
    with app.test_request_context():
        shown = {f.name: f for f in fields(APPLICATION, {"capital": 150_000_000, "workers": 4})}
        assert shown["capital"].widget == shown["workers"].widget == "integer"
        assert shown["capital"].value == "150.000.000" and shown["workers"].value == "4"
        assert "min" not in shown["capital"].attrs and "step" not in shown["capital"].attrs
        assert parse(APPLICATION, MultiDict({"capital": shown["capital"].value}))["capital"] == 150_000_000
        with force_locale("en"):
            assert {f.name: f for f in fields(APPLICATION, {"capital": 150_000_000})}["capital"].value == "150,000,000"
        appraisal = json.loads((PROJECT_ROOT / "workflows" / "forms" / "ho_kinh_doanh_tham_dinh.json").read_text())
        starting = {f.name: f.value for f in fields(appraisal, starting={"capital": 2_500_000_000, "workers": 12})}
        assert starting["capital"] == "2.500.000.000" and starting["workers"] == "12"
        assert {f.name: f.value for f in fields(PARCEL, starting={"parcel_number": 1234})}["parcel_number"] == "1234"


def test_a_decimal_field_keeps_its_decimals():
    area = {f.name: f for f in fields(PARCEL)}["parcel_area"]
    assert area.widget == "number" and area.attrs["step"] == "any"
    assert parse(PARCEL, MultiDict({"parcel_area": "120,5"}))["parcel_area"] == 120.5
    assert parse(PARCEL, MultiDict({"parcel_area": "120.5"}))["parcel_area"] == 120.5
    assert parse(PARCEL, MultiDict({"parcel_area": "95"}))["parcel_area"] == 95


def test_a_partners_data_is_not_read_as_typed_text():
    """Only a form typed on the web is read for separators: a partner's message is JSON, where a
    text in a whole-number field is refused with the engine's words, as before."""
    with pytest.raises(FormInvalid) as refused:
        validate_form(APPLICATION, dict(FILLED, capital="100.000.000"))
    assert refused.value.field_errors["capital"] == ["Giá trị phải là số nguyên."]
