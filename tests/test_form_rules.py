"""Form schemas state what an officer would catch: dates not in the future where the law says so,
one date not before another (``x-compare``, engine/procedures/forms.py); the message lands on the
field, next to which the officer sees it."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from conftest import FORMS_DIR
from engine.errors import FormInvalid
from engine.procedures.forms import check_schema, starting_values, validate_form
from tests.web.conftest import browser, open_item, page_text  # noqa: F401 (fixture)

TODAY = date(2026, 11, 23)


def form(name):
    return json.loads((FORMS_DIR / name).read_text(encoding="utf-8"))


DEATH = {"deceased_name": "Trần Văn Bảy", "deceased_id_number": "001050000777", "death_date": "2026-11-20",
         "deceased_birth_date": "1950-03-02", "death_place": "Nhà riêng", "permanent_residence": "Thôn Đông",
         "conditions_met": True, "appraisal_opinion": "Đủ điều kiện đăng ký khai tử."}


def errors_of(name, data):
    with pytest.raises(FormInvalid) as refused:
        validate_form(form(name), data, today=TODAY)
    return refused.value.field_errors


def test_a_death_after_today_and_a_birth_after_the_death_are_refused_on_their_fields():
    assert validate_form(form("khai_tu_tham_dinh.json"), DEATH, today=TODAY)["death_date"] == "2026-11-20"
    assert errors_of("khai_tu_tham_dinh.json", dict(DEATH, death_date="2026-11-24")) == {
        "death_date": ["Ngày chết không được sau ngày đăng ký khai tử."]}
    assert errors_of("khai_tu_tham_dinh.json", dict(DEATH, deceased_birth_date="2026-11-21")) == {
        "deceased_birth_date": ["Không được sau «Ngày chết»."]}
    # A date that is not a date is reported by its format, not compared.
    assert errors_of("khai_tu_tham_dinh.json", dict(DEATH, death_date="20/11/2026")) == {
        "death_date": ["Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy, ví dụ 02/09/2026."]}


def test_a_number_of_the_wrong_length_is_told_how_many_digits_it_needs():
    """A personal ID number (^[0-9]{12}$ in the forms) says it needs 12 digits, not only that it
    is wrong; a pattern that is not a run of digits keeps the general words (its field's title
    says what to write)."""
    transfer = form("bien_dong_kiem_tra.json")
    assert errors_of("bien_dong_kiem_tra.json", {"transferor_id_number": "00108805432"})[
        "transferor_id_number"] == ["Cần đúng 12 chữ số."]
    digits = {"type": "object", "properties": {"serial": {"type": "string", "pattern": "^[0-9]{6,8}$"},
                                               "code": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{13}$"}}}
    with pytest.raises(FormInvalid) as refused:
        validate_form(digits, {"serial": "12345", "code": "TE12"}, today=TODAY)
    assert refused.value.field_errors == {"serial": ["Cần từ 6 đến 8 chữ số."],
                                          "code": ["Giá trị không đúng định dạng."]}
    assert transfer["properties"]["transferor_id_number"]["pattern"] == "^[0-9]{12}$"


def test_a_card_valid_to_before_it_is_valid_from_is_refused():
    card = {"card_number": "TE1010012345678", "valid_from": "2026-12-01", "valid_to": "2026-11-30"}
    found = errors_of("bhxh_cap_the_bhyt.json", {**{k: v for k, v in _card().items()}, **card})
    assert found == {"valid_to": ["Ngày hết giá trị không được trước ngày bắt đầu có giá trị của thẻ."]}


def _card():
    """A valid card form as BHXH fills it (from its schema's required fields)."""
    schema = form("bhxh_cap_the_bhyt.json")
    sample = {"string": "TE1010012345678", "integer": 1, "boolean": True}
    data = {}
    for name in schema.get("required", []):
        prop = schema["properties"][name]
        data[name] = "2026-11-23" if prop.get("format") == "date" else sample.get(prop.get("type"), "x")
        if prop.get("oneOf"):
            data[name] = prop["oneOf"][0]["const"]
    return data


@pytest.mark.parametrize("rules, words, vi", [
    ("nope", "must be a list", "x-compare phải là một danh sách quy tắc"),
    ([{"field": "x", "op": "<=", "to": "$today"}], "not in the form",
     "Quy tắc x-compare thứ 1: trường «x» (field) không có trong biểu mẫu."),
    ([{"field": "a", "op": "~", "to": "b"}], "the comparison (op) must be one of",
     "Quy tắc x-compare thứ 1: phép so sánh (op) phải là một trong < <= > >= == !=."),
    ([{"field": "a", "op": "<=", "to": "c"}], "to must be a field",
     "Quy tắc x-compare thứ 1: to phải là một trường của biểu mẫu, “$today” (ngày điền biểu mẫu) hoặc “$received” "
     "(ngày tiếp nhận hồ sơ)."),
    ([{"field": "b", "op": ">=", "to": "$received"}], "only a date field",
     "chỉ trường ngày (format date) mới so sánh được với “$received”; trường «b» không phải trường ngày."),
    ([{"field": "b", "op": "<=", "to": "$today"}], "only a date field",
     "chỉ trường ngày (format date) mới so sánh được với “$today”; trường «b» không phải trường ngày."),
    ([{"field": "a", "op": "<=", "to": "b", "why": "x"}], "an object with field",
     "Quy tắc x-compare thứ 1 phải là một đối tượng gồm field, op, to và có thể thêm message và message_en."),
])
def test_a_malformed_comparison_is_reported_by_validate(rules, words, vi):
    """In English for ``validate``, in Vietnamese for the editor's page (which showed the English)."""
    schema = {"type": "object", "properties": {"a": {"type": "string", "format": "date"}, "b": {"type": "integer"}},
              "x-compare": rules}
    en, said_vi = check_schema(schema)
    assert words in en and vi in said_vi


def test_a_day_is_compared_with_the_day_the_dossier_was_received():
    """x-compare "$received": the fee step's day of payment is neither before the reception nor
    after today; the officer is told the reception day. Without a reception day (a partner's
    payload) the rule is not checked."""
    fee = form("nop_phi_le_phi.json")
    assert check_schema(fee) is None
    paid = {"receipt_numbers": "BL-1", "paid_amount": 100000, "payment_method": "counter"}
    received = date(2026, 11, 20)
    for day, said in (("2026-11-19", "Không được trước ngày tiếp nhận hồ sơ (20/11/2026)."),
                      ("2026-11-24", "Không được sau ngày hôm nay.")):
        with pytest.raises(FormInvalid) as refused:
            validate_form(fee, dict(paid, paid_on=day), today=TODAY, received=received)
        assert refused.value.field_errors == {"paid_on": [said]}
    for day in ("2026-11-20", "2026-11-23"):
        assert validate_form(fee, dict(paid, paid_on=day), today=TODAY, received=received)["paid_on"] == day
    assert validate_form(fee, dict(paid, paid_on="2026-11-19"), today=TODAY)["paid_on"] == "2026-11-19"


@pytest.mark.parametrize("schema, words, vi", [
    ([], "must be a JSON object", "Phải là một đối tượng JSON"),
    ({"type": "array"}, 'must have "type": "object"', 'Cấp ngoài cùng phải có "type": "object".'),
    ({"type": "object", "properties": {"typename": {"type": "string"}}}, "The field name typename is reserved by the system: choose another name.",
     "Tên trường typename do hệ thống dành riêng: hãy đặt tên khác."),
    ({"type": "object", "properties": {"so_cccd": {"type": "strin"}}},
     "Not a valid JSON Schema at the field “so_cccd”, keyword type: \"strin\" is not a type",
     'Không phải JSON Schema hợp lệ ở trường «so_cccd», khóa type: "strin" không phải kiểu dữ liệu; hãy dùng string, '),
    ({"type": "object", "properties": {"so_cccd": {"type": "string", "pattern": "[0-9"}}},
     "the field “so_cccd”, keyword pattern: \"[0-9\" is not a valid regular expression",
     'ở trường «so_cccd», khóa pattern: "[0-9" không phải biểu thức chính quy hợp lệ.'),
    ({"type": "object", "required": "ho_ten"}, "Not a valid JSON Schema: the keyword required cannot be \"ho_ten\"",
     'Không phải JSON Schema hợp lệ: khóa required không nhận giá trị "ho_ten"'),
    ({"type": "object", "properties": {"le_phi": {"type": "integer", "x-default-from": "lệ phí dự kiến"}}},
     "The field “le_phi”: x-default-from must name a variable of the step's data",
     "Trường «le_phi»: x-default-from phải là tên một biến trong dữ liệu của bước"),
])
def test_a_form_that_is_not_a_usable_schema_is_said_in_both_languages(schema, words, vi):
    """jsonschema's English ("'strin' is not valid under any of the given schemas") reached the
    editor's Vietnamese page; now where the schema breaks and the value found there."""
    en, said_vi = check_schema(schema)
    assert words in en and vi in said_vi, (en, said_vi)
    assert "valid under" not in en and "is not of type" not in en


def test_a_field_starts_with_the_step_data_it_names_and_only_a_plain_value():
    schema = {"type": "object", "properties": {
        "tax": {"type": "integer", "x-default-from": "suggested_tax"},
        "fee": {"type": "integer", "x-default-from": "suggested_fee"},
        "note": {"type": "string", "x-default-from": "parcel"},
        "plain": {"type": "string"}}}
    data = {"suggested_tax": 40_000_000, "parcel": {"sheet": 12}, "plain": "not named by the form"}
    assert check_schema(schema) is None
    assert starting_values(schema, data) == {"tax": 40_000_000}


def test_the_officer_sees_the_message_next_to_the_field(browser, demo, frozen_clock):
    from engine import commands
    from engine.commands.reception import Applicant
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="lien_thong_khai_tu", applicant=Applicant(name="Trần Văn Tám"))
    item = open_item(demo, dossier.id)
    b = browser("chuyenvien")
    b.post(f"/tasks/{item}/claim")
    response = b.post(f"/tasks/{item}/complete", dict(DEATH, death_date="2026-12-01", conditions_met="on"))
    assert response.status_code == 422
    html = page_text(response)
    assert re.search(r'id="f-death_date-error">Ngày chết không được sau ngày đăng ký khai tử\.', html)


def test_each_schema_is_read_by_its_own_rules_however_many_are_validated():
    """Validators are found by the schema object (engine/procedures/forms.py keeps them): a new
    schema, even one built where an old one was freed, is checked by its own rules."""
    for maximum in range(1, 700):  # past the cache's bound, and with addresses freed and reused
        schema = {"type": "object", "required": ["count"],
                  "properties": {"count": {"type": "integer", "maximum": maximum}}}
        assert validate_form(schema, {"count": maximum}, today=TODAY) == {"count": maximum}
        with pytest.raises(FormInvalid) as refused:
            validate_form(schema, {"count": maximum + 1}, today=TODAY)
        assert list(refused.value.field_errors) == ["count"]
