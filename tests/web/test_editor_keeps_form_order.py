"""The editor keeps what the modeller wrote as the officers will read it (usability audit):

- a form's fields in the order of its file, which is the order the task page shows them in. The
  editor's source came through Flask's ``jsonify``, which sorts keys: the form box and its preview
  listed the fields alphabetically, and saving wrote that order back.
- a step's time typed in Vietnamese ("1,5 ngày làm việc") is taken, and kept in the file in the
  English form every reader of the file knows ("1.5 working days")."""
from __future__ import annotations

import json
import re

from tests.bpmn_samples import FORMS, reference_xml

FORM = "ket_hon_tham_dinh.json"
SOURCE = "/procedures/dang_ky_ket_hon/edit/source.json"


def source(modeller) -> dict:
    """The editor's source as the browser reads it (JSON.parse keeps the order of keys)."""
    response = modeller.get(SOURCE)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def send(modeller, url, body):
    """A JSON request as the editor's script sends it: JSON.stringify keeps the order of keys (the
    test client's ``json=`` would sort them, as Flask's JSON does)."""
    return modeller.client.post(url, data=json.dumps(body, ensure_ascii=False), content_type="application/json",
                                headers={"X-CSRFToken": modeller.token()})


def file_order() -> list[str]:
    return list(json.loads((FORMS / FORM).read_text(encoding="utf-8"))["properties"])


def test_the_editor_receives_a_forms_fields_in_the_files_order(browser, demo):
    order = file_order()
    assert order != sorted(order)  # else this test could not tell the two apart
    opened = source(browser("thietke"))
    assert opened["origin"] == "version"
    assert list(opened["forms"][FORM]["properties"]) == order


def test_saving_from_the_editor_keeps_the_order_and_the_preview_shows_it(browser, demo):
    modeller = browser("thietke")
    form = source(modeller)["forms"][FORM]
    form["properties"]["appraisal_opinion"]["title"] = "Ý kiến thẩm định của chuyên viên"
    saved = send(modeller, "/procedures/drafts", {"xml": reference_xml(), "forms": {FORM: form}})
    assert saved.status_code == 200, saved.get_json()
    reopened = source(modeller)
    assert reopened["origin"] == "draft"
    assert list(reopened["forms"][FORM]["properties"]) == file_order()
    assert reopened["forms"][FORM]["properties"]["appraisal_opinion"]["title"] == "Ý kiến thẩm định của chuyên viên"
    # The preview ("như trang xử lý bước") lists the fields in that order too.
    preview = send(modeller, "/procedures/form-preview", {"schema": reopened["forms"][FORM]}).get_json()["html"]
    titles = [reopened["forms"][FORM]["properties"][name]["title"] for name in file_order()]
    where = [preview.find(title) for title in titles]
    assert -1 not in where and where == sorted(where), (titles, where)


def test_a_steps_time_typed_in_vietnamese_is_taken_and_kept_in_english(browser, demo):
    modeller = browser("thietke")
    xml = reference_xml().replace('<spiffworkflow:property name="allotment" value="2 working days" />',
                                  '<spiffworkflow:property name="allotment" value="1,5 ngày làm việc" />', 1)
    assert "1,5 ngày làm việc" in xml
    saved = send(modeller, "/procedures/drafts", {"xml": xml}).get_json()
    assert [p for p in saved["problems"] if p["element"] == "appraise"] == []
    reopened = source(modeller)["xml"]
    assert re.search(r'<spiffworkflow:property name="allotment" value="1.5 working days" />', reopened)
    assert "ngày làm việc" not in reopened
    # The other English times of the file are left as they were written.
    assert '<spiffworkflow:property name="allotment" value="1 working days" />' in reopened
