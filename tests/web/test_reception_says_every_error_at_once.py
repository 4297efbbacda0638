"""The counter's form sent with nothing chosen and nothing typed says everything that is wrong at
once: the procedure to choose and the applicant's name (a browser audit found it said only the
procedure, and the name's error came on the second try)."""
from __future__ import annotations

import lxml.html


def errors_beside(html: str) -> dict[str, str]:
    tree = lxml.html.fromstring(html)
    return {e.get("id"): e.text_content().strip() for e in tree.xpath("//p[@class='error'][@id]")}


def test_an_empty_reception_form_names_the_procedure_and_the_applicant_at_once(browser, demo):
    b = browser("tiepnhan")
    response = b.post("/reception/new", {"action": "receive", "procedure_key": "", "applicant_name": "",
                                         "applicant_phone": "123"})
    assert response.status_code == 422
    said = errors_beside(response.get_data(as_text=True))
    assert said["f-procedure_key-error"] == "Vui lòng chọn thủ tục."
    assert said["f-applicant_name-error"] == "Trường này là bắt buộc."
    assert said["f-applicant_phone-error"].startswith("Số điện thoại không hợp lệ")
    b.post("/language", {"locale": "en"})
    said = errors_beside(b.post("/reception/new", {"action": "receive", "applicant_name": ""}).get_data(as_text=True))
    assert said["f-applicant_name-error"] == "This field is required."
