"""The whole-number fields on the pages (webapp/templates/_fields.html): a citizen types the
business capital as "100.000.000" on /thu-tuc/dang_ky_ho_kinh_doanh/nop and the dossier holds one
hundred million đồng; the specialist's appraisal shows it grouped and takes "120 000 000"; a
decimal or a typo is refused beside the field, saying how to write a whole number. Before, the
field was the browser's number field and the server answered "Giá trị phải là số nguyên."."""
from __future__ import annotations

import io
import json
import re

import pytest
from flask import render_template_string
from sqlalchemy import select

from engine.config import PROJECT_ROOT
from engine.commands.reception import accept
from engine.models import Dossier, WorkItem
from engine.runtime.host import load_workflow
from tests.web.conftest import page_text
from tests.web.test_citizen_online_submission import PDF, app, citizen  # noqa: F401
from tests.web.test_tasks import field_block
from webapp.forms_render import fields

URL = "/thu-tuc/dang_ky_ho_kinh_doanh/nop"
TYPED = {"agency_code": "000.31.21.H56", "business_name": "Tạp hóa Minh Anh",
         "business_address": "Số 12, thôn Đông, xã Tân Phong", "business_lines": "Bán lẻ lương thực, thực phẩm",
         "capital": "100.000.000", "workers": "4"}


def send(b, data, action="save", files=()):
    form = dict(data, action=action, csrf_token=b.token())
    for key in files:
        form[key] = (io.BytesIO(PDF), "scan.pdf")
    return b.client.post(URL, data=form, content_type="multipart/form-data")


def scan_fields(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="(doc-\d+)"', html)))


def test_the_capital_is_typed_as_text_with_digits_on_the_phones_keypad(citizen):
    html = citizen().text(URL)
    for name in ("capital", "workers"):
        block = field_block(html, name)
        assert 'type="text"' in block and 'inputmode="numeric"' in block
        assert 'type="number"' not in block


def test_one_hundred_million_typed_with_dots_reaches_the_dossier_and_the_appraisal(browser, citizen, demo):
    b = citizen()
    assert send(b, TYPED, files=scan_fields(b.text(URL))).status_code == 302
    # The draft kept the figure and shows it grouped, as it was typed.
    assert 'value="100.000.000"' in field_block(b.text(URL), "capital")
    assert send(b, TYPED, action="submit").status_code == 302
    with demo.motcua.read_session() as s:
        dossier_id = s.scalar(select(Dossier.id))
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)
    with demo.motcua.read_session() as s:
        assert load_workflow(s.get(Dossier, dossier_id)).data["capital"] == 100_000_000
        step = s.scalar(select(WorkItem.id).where(WorkItem.dossier_id == dossier_id, WorkItem.state == "open"))
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{step}/claim")
    capital = field_block(minh.text(f"/tasks/{step}"), "capital")
    assert 'type="text"' in capital and 'inputmode="numeric"' in capital and 'value="100.000.000"' in capital
    appraisal = {"business_name": TYPED["business_name"], "business_address": TYPED["business_address"],
                 "business_lines": TYPED["business_lines"], "workers": "4", "name_available": "on",
                 "appraisal_opinion": "Hồ sơ hợp lệ, tên không trùng trên địa bàn."}
    refused = minh.post(f"/tasks/{step}/complete", dict(appraisal, capital="120.000.00"))
    assert refused.status_code == 422
    block = field_block(page_text(refused), "capital")
    assert "Nhập số nguyên, ví dụ 100.000.000." in block and 'value="120.000.00"' in block
    assert minh.post(f"/tasks/{step}/complete", dict(appraisal, capital="120 000 000")).status_code == 302
    entries = browser("tiepnhan").text(f"/dossiers/{dossier_id}")
    assert re.search(r"<dt>\s*Vốn kinh doanh \(đồng\)\s*</dt>\s*<dd>\s*120\.000\.000\s*</dd>", entries)


@pytest.mark.parametrize("language, said", [
    ("vi", "Nhập số nguyên, ví dụ 100.000.000."), ("en", "Enter a whole number, for example 100,000,000.")])
@pytest.mark.parametrize("typed", ["100.5", "1.00.0", "12a"])
def test_a_capital_that_is_not_a_whole_number_is_refused_saying_how_to_write_it(citizen, language, said, typed):
    b = citizen()
    b.client.post("/language", data={"locale": language, "csrf_token": b.token()})
    response = send(b, dict(TYPED, capital=typed), action="submit")
    assert response.status_code == 400
    block = field_block(page_text(response), "capital")
    assert said in block and f'value="{typed}"' in block
    assert "Giá trị phải là số nguyên." not in block and "Must be a whole number." not in block


def test_a_negative_capital_is_refused_as_before(citizen):
    response = send(citizen(), dict(TYPED, capital="-5"), action="submit")
    assert "Giá trị phải từ 0 trở lên." in field_block(page_text(response), "capital")
    response = send(citizen(), dict(TYPED, capital="-5.000.000"), action="submit")
    assert "Giá trị phải từ 0 trở lên." in field_block(page_text(response), "capital")


def _forms():
    yield from sorted((PROJECT_ROOT / "workflows" / "forms").glob("*.json"))
    yield from sorted((PROJECT_ROOT / "workflows" / "catalogue" / "intake").glob("*.json"))


def test_every_whole_number_field_of_every_form_is_a_text_field_with_a_numeric_keypad(app):
    """The officers' step forms and the citizens' applications: no browser number field is left
    for a whole number (an amount, a count, a register number)."""
    seen = 0
    with app.test_request_context():
        for path in _forms():
            schema = json.loads(path.read_text(encoding="utf-8"))
            html = render_template_string('{% from "_fields.html" import field %}'
                                          "{% for f in fields %}{{ field(f) }}{% endfor %}", fields=fields(schema))
            for name, prop in schema.get("properties", {}).items():
                if prop.get("type") == "integer" and "enum" not in prop and "oneOf" not in prop:
                    block = field_block(html, name)
                    assert 'type="text"' in block and 'inputmode="numeric"' in block, (path.name, name)
                    seen += 1
    assert seen >= 20
