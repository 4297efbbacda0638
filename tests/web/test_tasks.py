"""The task page: claim, release, complete with the step's form, send back; and who may see it."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from engine.commands import complete
from engine.models import AuditEvent, WorkItem
from tests.page_text import table_rows
from tests.web.conftest import open_item, page_text

APPRAISAL = {"conditions_met": "on", "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}


def field_block(page: str, name: str) -> str:
    """The HTML of one form field: its label, input and the errors printed beside it."""
    match = re.search(rf'<div class="field[^"]*">\s*(?:(?!</div>).)*?name="{name}".*?</div>', page, re.S)
    assert match, name
    return match.group(0)


def flashes(page: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+" role="\w+">([^<]+)</p>', page)


def item_state(demo, item_id):
    with demo.motcua.read_session() as s:
        item = s.get(WorkItem, item_id)
        return item.state, item.assignee_id


def test_the_task_page_shows_the_dossier_its_status_and_history(browser, receive_dossier):
    code, item = receive_dossier("Nguyễn Văn An")
    b = browser("chuyenvien")
    page = b.text(f"/tasks/{item}")
    assert code in page and "Nguyễn Văn An" in page and "Đăng ký kết hôn" in page
    assert "Được tiếp nhận" in page  # status 2 with its Vietnamese label
    assert ["Nguyễn Thị Hoa", "Tiếp nhận hồ sơ"] in [row[1:3] for row in table_rows(page, "history-title")]  # who received it
    b.post(f"/tasks/{item}/claim")
    page = b.text(f"/tasks/{item}")
    assert ["Trần Văn Minh", "Nhận xử lý: Thẩm định hồ sơ"] in [row[1:3] for row in table_rows(page, "history-title")]


def test_the_step_form_is_rendered_from_its_schema(browser, receive_dossier, demo):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    assert 'name="appraisal_opinion"' not in minh.text(f"/tasks/{item}")  # no form before claiming
    minh.post(f"/tasks/{item}/claim")
    page = minh.text(f"/tasks/{item}")
    assert '<input type="checkbox" id="f-conditions_met" name="conditions_met" value="on">' in page
    assert "<textarea" in field_block(page, "appraisal_opinion")  # maxLength 2000 > 255
    assert "(bắt buộc)" in field_block(page, "appraisal_opinion")
    minh.post(f"/tasks/{item}/complete", APPRAISAL)
    leader = browser("lanhdao")
    approve = open_item(demo, _dossier_of(demo, item))
    leader.post(f"/tasks/{approve}/claim")
    page = leader.text(f"/tasks/{approve}")
    decision = field_block(page, "decision")
    assert "<select" in decision and '<option value="approve">Đồng ý đăng ký kết hôn</option>' in decision
    assert "Lý do trả lại" in page  # the step declares sendBackData: a send-back form


def _dossier_of(demo, item_id):
    with demo.motcua.read_session() as s:
        return s.get(WorkItem, item_id).dossier_id


def test_two_officers_claim_the_same_item_the_second_is_told_who_holds_it(browser, receive_dossier, demo):
    _, item = receive_dossier()
    minh, thu = browser("chuyenvien"), browser("chuyenvien2")
    thu.text("/inbox?tab=unclaimed")  # both have the item on screen
    assert minh.post(f"/tasks/{item}/claim").location == f"/tasks/{item}"
    refused = thu.post(f"/tasks/{item}/claim", {"next": "/inbox?tab=unclaimed"})
    assert refused.status_code == 302 and refused.location == "/inbox?tab=unclaimed"
    assert "Công việc đã được Trần Văn Minh nhận xử lý." in flashes(thu.text(refused.location))
    assert item_state(demo, item) == ("open", demo.users["chuyenvien"])


def test_simultaneous_claims_have_exactly_one_winner(browser, receive_dossier, demo):
    _, item = receive_dossier()
    officers = {name: browser(name) for name in ("chuyenvien", "chuyenvien2")}
    for b in officers.values():
        b.token()
    start, results = threading.Barrier(2), {}

    def claim(name):
        start.wait()
        results[name] = officers[name].post(f"/tasks/{item}/claim")

    threads = [threading.Thread(target=claim, args=(name,)) for name in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [n for n, r in results.items() if r.location == f"/tasks/{item}"]
    assert len(winners) == 1
    assert item_state(demo, item) == ("open", demo.users[winners[0]])
    loser = next(n for n in officers if n not in winners)
    holder = {"chuyenvien": "Trần Văn Minh", "chuyenvien2": "Lê Thị Thu"}[winners[0]]
    assert f"Công việc đã được {holder} nhận xử lý." in flashes(officers[loser].text("/inbox"))


def test_invalid_form_data_is_shown_next_to_its_field_with_the_values_kept(browser, receive_dossier, demo):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    response = minh.post(f"/tasks/{item}/complete", {"conditions_met": "on", "appraisal_opinion": "ok"})
    assert response.status_code == 422
    page = page_text(response)
    opinion = field_block(page, "appraisal_opinion")
    assert "Cần ít nhất 5 ký tự." in opinion and ">ok</textarea>" in opinion and 'aria-invalid="true"' in opinion
    assert " checked" in field_block(page, "conditions_met")  # the ticked box stays ticked
    assert "Cần ít nhất" not in field_block(page, "marital_status_verified")
    assert item_state(demo, item) == ("open", demo.users["chuyenvien"])


def test_typed_fields_are_parsed_and_checked(browser, receive_dossier, demo):
    """The register step: integer → number input; date → a text field read and shown dd/mm/yyyy
    whatever the browser's language; bad input named per field and kept as typed."""
    code, item = receive_dossier()
    dossier_id = _dossier_of(demo, item)
    minh, leader = browser("chuyenvien"), browser("lanhdao")
    minh.post(f"/tasks/{item}/claim")
    minh.post(f"/tasks/{item}/complete", APPRAISAL)
    approve = open_item(demo, dossier_id)
    leader.post(f"/tasks/{approve}/claim")
    leader.post(f"/tasks/{approve}/complete", {"decision": "approve"})
    record = open_item(demo, dossier_id)
    minh.post(f"/tasks/{record}/claim")
    page = minh.text(f"/tasks/{record}")
    assert 'type="text"' in field_block(page, "register_number") and 'inputmode="numeric"' in field_block(page, "register_number")
    assert 'type="text"' in field_block(page, "registered_on")
    assert 'placeholder="dd/mm/yyyy"' in field_block(page, "registered_on")
    refused = minh.post(f"/tasks/{record}/complete",
                        {"register_book": "01/2026", "register_number": "mười", "registered_on": "30/02/2026"})
    page = page_text(refused)
    assert refused.status_code == 422
    assert "Nhập số nguyên, ví dụ 100.000.000." in field_block(page, "register_number")
    assert 'value="mười"' in field_block(page, "register_number")
    assert "Ngày không hợp lệ. Ghi theo dạng dd/mm/yyyy" in field_block(page, "registered_on")
    assert 'value="30/02/2026"' in field_block(page, "registered_on")
    minh.post("/language", {"locale": "en"})
    english = minh.post(f"/tasks/{record}/complete",
                        {"register_book": "01/2026", "register_number": "17", "registered_on": "11/23/2026"})
    assert "Not a valid date. Write it as dd/mm/yyyy" in field_block(page_text(english), "registered_on")
    minh.post("/language", {"locale": "vi"})
    done = minh.post(f"/tasks/{record}/complete",
                     {"register_book": "01/2026", "register_number": "17", "registered_on": "3/11/2026"})
    assert done.status_code == 302
    assert item_state(demo, record)[0] == "done"
    with demo.motcua.read_session() as s:
        detail = s.execute(select(AuditEvent.detail).where(
            AuditEvent.dossier_id == dossier_id, AuditEvent.step_id == "record_marriage",
            AuditEvent.action == "completed")).scalar_one()
    assert detail["data"]["registered_on"] == "2026-11-03"  # 3 November, stored as the engine keeps days


def test_completing_moves_the_dossier_to_the_next_step_and_into_its_history(browser, receive_dossier, demo):
    code, item = receive_dossier()
    minh, leader = browser("chuyenvien"), browser("lanhdao")
    minh.post(f"/tasks/{item}/claim")
    response = minh.post(f"/tasks/{item}/complete", APPRAISAL)
    assert response.status_code == 302 and response.location == "/inbox"
    assert "Đã hoàn thành bước “Thẩm định hồ sơ”." in flashes(minh.text("/inbox"))
    assert re.findall(r'<a class="dossier-code" href="/tasks/\d+">([^<]+)</a>', leader.text("/inbox?tab=unclaimed")) == [code]
    approve = open_item(demo, _dossier_of(demo, item))
    page = leader.text(f"/tasks/{approve}")
    assert "Phê duyệt" in page and "Đang xử lý" in page  # the approval step sets status 4
    assert "Hoàn thành bước: Thẩm định hồ sơ" in page
    # The finished step stays readable for the one who did it, without a form.
    done_page = minh.text(f"/tasks/{item}")
    assert "Bước này đã kết thúc lúc 23/11/2026 09:00." in done_page and 'name="appraisal_opinion"' not in done_page


def test_send_back_needs_a_reason_and_returns_the_dossier_to_appraisal(browser, receive_dossier, demo):
    code, item = receive_dossier()
    dossier_id = _dossier_of(demo, item)
    minh, leader = browser("chuyenvien"), browser("lanhdao")
    minh.post(f"/tasks/{item}/claim")
    minh.post(f"/tasks/{item}/complete", APPRAISAL)
    approve = open_item(demo, dossier_id)
    leader.post(f"/tasks/{approve}/claim")
    refused = leader.post(f"/tasks/{approve}/send-back", {"reason": "   "})
    assert refused.status_code == 422
    assert re.search(r'<p class="error" id="reason-error">Cần ghi rõ lý do trả lại.</p>', page_text(refused))
    response = leader.post(f"/tasks/{approve}/send-back", {"reason": "Thiếu giấy xác nhận tình trạng hôn nhân"})
    assert response.status_code == 302
    again = open_item(demo, dossier_id)
    page = minh.text(f"/tasks/{again}")
    assert "Thẩm định hồ sơ" in page and "Lý do: Thiếu giấy xác nhận tình trạng hôn nhân" in page
    assert code in minh.text("/inbox?tab=mine")  # back to him, who appraised it (issue 12)


def test_a_step_without_send_back_refuses_it_plainly(browser, receive_dossier, demo):
    _, item = receive_dossier()
    minh = browser("chuyenvien")
    minh.post(f"/tasks/{item}/claim")
    response = minh.post(f"/tasks/{item}/send-back", {"reason": "thử", "next": f"/tasks/{item}"})
    assert response.location == f"/tasks/{item}"
    assert "Bước này không cho phép trả lại." in flashes(minh.text(f"/tasks/{item}"))


def test_only_the_claimant_can_complete_or_release(browser, receive_dossier, demo):
    _, item = receive_dossier()
    minh, thu = browser("chuyenvien"), browser("chuyenvien2")
    minh.post(f"/tasks/{item}/claim")
    page = thu.text(f"/tasks/{item}")
    assert "Công việc đang do Trần Văn Minh xử lý." in page and 'name="appraisal_opinion"' not in page
    refused = thu.post(f"/tasks/{item}/complete", dict(APPRAISAL, next=f"/tasks/{item}"))
    assert refused.status_code == 302
    assert "Bạn cần nhận xử lý công việc trước khi hoàn thành." in flashes(thu.text(f"/tasks/{item}"))
    thu.post(f"/tasks/{item}/release", {"next": f"/tasks/{item}"})
    assert "Chỉ người đang giữ công việc mới trả lại được." in flashes(thu.text(f"/tasks/{item}"))
    assert item_state(demo, item) == ("open", demo.users["chuyenvien"])
    minh.post(f"/tasks/{item}/release")
    assert item_state(demo, item) == ("open", None)


@pytest.mark.parametrize("username, sees", [
    ("chuyenvien", True),    # specialist of the commune: the step's own role
    ("giamsat", True),       # the commune's supervisor
    ("tiepnhan", False),     # same agency, another role
    ("lanhdao", False),      # same agency, another role
    ("congan", False),       # the police: another agency, same role name
])
def test_a_task_url_shows_nothing_to_those_outside_its_agency_and_role(browser, receive_dossier, demo, username, sees):
    code, item = receive_dossier("Nguyễn Văn An")
    b = browser(username)
    response = b.get(f"/tasks/{item}")
    if sees:
        assert response.status_code == 200 and code in page_text(response)
        return
    body = page_text(response)
    assert response.status_code == 404
    assert code not in body and "Nguyễn Văn An" not in body and "Thẩm định" not in body
    # The same page as for a task that does not exist (but for the URL in the language switch).
    assert body.replace(f"/tasks/{item}", "/tasks/N") == page_text(b.get("/tasks/999999")).replace("/tasks/999999", "/tasks/N")
    for action in ("claim", "release", "complete", "send-back"):
        assert b.post(f"/tasks/{item}/{action}", {"reason": "x"}).status_code == 404, action
    assert item_state(demo, item) == ("open", None)


@contextmanager
def statements_sent(db_engine):
    """The statements this engine sends inside the block (transaction control left out)."""
    seen = []

    def note(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)
    event.listen(db_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db_engine, "before_cursor_execute", note)


def test_a_step_submitted_on_the_web_costs_its_command_and_one_read_of_the_session(browser, receive_dossier, demo,
                                                                                   app):
    """The web adds one statement to the command that completes a step: the check that the
    browser's session is live (with the officer's own columns). The step's form, needed to read
    the submitted strings, is read in the command's own transaction."""
    (_, by_command), (_, by_web) = receive_dossier(), receive_dossier()
    minh = browser("chuyenvien")
    for item in (by_command, by_web):
        minh.post(f"/tasks/{item}/claim")
    minh.text(f"/tasks/{by_web}")
    with statements_sent(demo.motcua.db) as by_the_command:
        complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=by_command,
                 data={"conditions_met": True, "marital_status_verified": False,
                       "appraisal_opinion": APPRAISAL["appraisal_opinion"]})
    with statements_sent(app.extensions["motcua"].db) as by_the_web:
        response = minh.post(f"/tasks/{by_web}/complete", APPRAISAL)
    assert response.status_code == 302
    assert item_state(demo, by_web) == item_state(demo, by_command) == ("done", demo.users["chuyenvien"])
    assert len(by_the_web) == len(by_the_command) + 1
    assert "user_sessions" in by_the_web[0] and "users" in by_the_web[0]
