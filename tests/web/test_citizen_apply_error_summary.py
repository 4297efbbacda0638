"""A refused online application lists what is wrong at the top, each linked to its field, and takes
the focus there: it said only "Hãy sửa các mục được đánh dấu bên dưới", the marked fields screens
below on a phone (found by a browser audit). The same summary as an officer's task page."""
from __future__ import annotations

import lxml.html

from tests.web.conftest import page_text
from tests.web.test_citizen_online_submission import app, citizen, post  # noqa: F401


def summary(response):
    root = lxml.html.document_fromstring(page_text(response))
    [box] = root.xpath("//div[@id='form-errors']")
    lines = [(" ".join(li.text_content().split()), (li.find("a").get("href") if li.find("a") is not None else None))
             for li in box.xpath(".//li")]
    for _words, href in lines:
        assert href is None or root.get_element_by_id(href.removeprefix("#")) is not None, href
    return box, lines


def test_a_refused_application_lists_each_field_with_a_link_and_takes_the_focus(citizen):
    b = citizen()
    response = post(b, {"bride_name": "Lê Thị Cúc", "bride_id_number": "12"}, action="submit")
    assert response.status_code == 400
    box, lines = summary(response)
    assert box.get("role") == "alert" and box.get("tabindex") == "-1" and box.get("autofocus") is not None
    assert box.text_content().strip().startswith("Hồ sơ chưa nộp được.")
    assert ("Nộp tại: Hãy chọn cơ quan tiếp nhận hồ sơ.", "#agency_code") in lines
    assert ("Giấy tờ kèm theo: Chưa tải lên: Tờ khai đăng ký kết hôn; Bản sao Căn cước của hai bên nam, nữ.",
            "#doc-0") in lines
    assert any(href == "#f-bride_id_number" for _words, href in lines)
    b.post("/language", {"locale": "en", "next": "/"})
    _box, lines = summary(post(b, {"bride_name": "Lê Thị Cúc"}, action="submit"))
    assert any(words.startswith("Submit to: ") and href == "#agency_code" for words, href in lines)
