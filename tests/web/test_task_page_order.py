"""The task page puts the step's own work first (found by a usability audit): the holder saw, and
tabbed through, "Trả về đơn vị" and the whole request for a supplement (two required boxes) before
the step's form and its "Hoàn thành". Now the step's form and send-back come first, the request for
a supplement waits below it, folded under a summary that names it (open when it came back refused),
and giving the task back to the unit comes last. A refused form comes back with a list of what is
wrong at the top of the forms, each linked to its field, and the page's focus on it."""
from __future__ import annotations

import lxml.html

from tests.web.conftest import open_item, page_text
from tests.web.test_tasks import APPRAISAL, _dossier_of


def root(page: str):
    return lxml.html.document_fromstring(page)


def buttons(page: str) -> list[str]:
    """The submit buttons of the page's main part, in the order a reader (and Tab) meets them."""
    return [" ".join(b.text_content().split()) for b in root(page).xpath("//main//button")
            if "visually-hidden" not in (b.get("class") or "")]


def folded_request(page: str):
    """The folded request for a supplement: its <details> element."""
    found = root(page).xpath('//details[.//form[contains(@action, "/request-supplement")]]')
    assert len(found) == 1, "the request for a supplement is not inside a <details>"
    return found[0]


def summary_box(page: str):
    """The error summary: the page's only element with autofocus."""
    focused = root(page).xpath("//*[@autofocus]")
    assert len(focused) == 1, [e.get("id") for e in focused]
    return focused[0]


def summary_lines(page: str) -> list[tuple[str, str]]:
    """The summary's lines: (its words, where its link leads; a target that must be on the page)."""
    document = root(page)
    lines = []
    for link in summary_box(page).xpath(".//li/a"):
        target = link.get("href")
        assert target.startswith("#") and document.get_element_by_id(target[1:]) is not None, target
        lines.append((" ".join(link.text_content().split()), target))
    return lines


def test_the_steps_form_comes_first_and_the_supplement_request_waits_folded(browser, receive_dossier):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    page = minh.text(f"/tasks/{item}")
    assert buttons(page) == ["Hoàn thành", "Gửi yêu cầu bổ sung", "Trả về đơn vị"]
    request = folded_request(page)
    assert request.get("open") is None
    assert " ".join(request.find("summary").text_content().split()) == "Yêu cầu bổ sung hồ sơ"
    # Every field of the step's form comes before the request's two boxes.
    names = [e.get("name") for e in root(page).xpath("//main//textarea | //main//input[@type!='hidden']")]
    assert names.index("appraisal_opinion") < names.index("missing") < names.index("reason")
    assert root(page).xpath("//*[@autofocus]") == []  # an untouched page focuses nothing


def _at_approval(browser, receive_dossier, demo):
    """(specialist's browser, leader's browser, the approval step claimed by the leader)."""
    _, item = receive_dossier()
    minh, leader = browser("chuyenvien"), browser("lanhdao")
    minh.post(f"/tasks/{item}/claim")
    minh.post(f"/tasks/{item}/complete", APPRAISAL)
    approve = open_item(demo, _dossier_of(demo, item))
    leader.post(f"/tasks/{approve}/claim")
    return minh, leader, approve


def test_the_leaders_step_offers_completing_then_sending_back_then_release(browser, receive_dossier, demo):
    minh, leader, approve = _at_approval(browser, receive_dossier, demo)
    assert buttons(leader.text(f"/tasks/{approve}")) == ["Hoàn thành", "Trả lại", "Trả về đơn vị"]
    # Before claiming, the first control is "Nhận xử lý", as before.
    _, other = receive_dossier("Lê Thị Bình")
    assert buttons(minh.text(f"/tasks/{other}"))[0] == "Nhận xử lý"


def test_a_refused_decision_lists_the_field_at_the_top_and_takes_the_focus(browser, receive_dossier, demo):
    """The leader refuses without an opinion, a rule only the server checks: the page came back at
    its top, the focus on the page's body, and the message some 2,300 px below on a phone."""
    minh, leader, approve = _at_approval(browser, receive_dossier, demo)
    refused = leader.post(f"/tasks/{approve}/complete", {"decision": "refuse", "leader_opinion": ""})
    assert refused.status_code == 422
    page = page_text(refused)
    box = summary_box(page)
    assert box.get("role") == "alert" and box.get("tabindex") == "-1"
    assert "Vui lòng sửa các trường được đánh dấu bên dưới." in box.text_content()
    [(words, target)] = summary_lines(page)
    assert target == "#f-leader_opinion" and words.startswith("Ý kiến của lãnh đạo: ")
    # The summary sits before the step's form, which comes before anything else the holder can do.
    ids = [e.get("id") for e in root(page).iter() if e.get("id") in (box.get("id"), "form-title")]
    assert ids == [box.get("id"), "form-title"]
    leader.english()
    english = page_text(leader.post(f"/tasks/{approve}/complete", {"decision": "refuse"}))
    assert "Please correct the fields marked below." in summary_box(english).text_content()
    [(words, _target)] = summary_lines(english)
    assert words.startswith("Leader's opinion: ")


def test_a_refused_supplement_request_comes_back_open_and_listed(browser, receive_dossier):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    refused = minh.post(f"/tasks/{item}/request-supplement", {"missing": "Ảnh chân dung", "reason": " "})
    assert refused.status_code == 422
    page = page_text(refused)
    assert folded_request(page).get("open") is not None
    assert summary_lines(page) == [("Lý do: Cần ghi rõ lý do yêu cầu bổ sung.", "#supplement-reason")]
    assert ">Ảnh chân dung</textarea>" in page  # what was typed stays


def test_a_refused_send_back_is_listed_and_leaves_the_request_folded(browser, receive_dossier, demo):
    minh, leader, approve = _at_approval(browser, receive_dossier, demo)
    page = page_text(leader.post(f"/tasks/{approve}/send-back", {"reason": "  "}))
    assert summary_lines(page) == [("Lý do trả lại: Cần ghi rõ lý do trả lại.", "#reason")]


def test_where_the_dossier_waits_recording_the_supplement_comes_first(browser, receive_dossier, demo):
    _, item = receive_dossier()
    minh, hoa = browser("chuyenvien"), browser("tiepnhan")
    minh.post(f"/tasks/{item}/claim")
    minh.post(f"/tasks/{item}/request-supplement", {"missing": "Ảnh chân dung", "reason": "Thiếu ảnh."})
    waiting = open_item(demo, _dossier_of(demo, item))
    hoa.post(f"/tasks/{waiting}/claim")
    page = hoa.text(f"/tasks/{waiting}")
    assert buttons(page) == ["Ghi nhận hồ sơ bổ sung", "Trả về đơn vị"]
    assert "<details" not in page  # this step cannot ask: nothing folded, as before
    refused = page_text(hoa.post(f"/tasks/{waiting}/record-supplement", {}))
    [(words, target)] = summary_lines(refused)
    assert target == "#received-1"
    assert words == "Đánh dấu nội dung công dân đã bổ sung: Chưa đủ nội dung đã yêu cầu bổ sung: Ảnh chân dung. " \
                    "Chỉ ghi nhận khi công dân bổ sung đầy đủ."
