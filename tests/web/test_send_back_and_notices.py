"""Send-back as one control that returns the step to the officer who did it; notices of ordinary
work events in the app and by mail; a stuck hand-off said plainly on the dossier page (issue 12,
points 2 and 3)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.commands import claim, complete, reassign
from engine.models import AuditEvent, Notification, OutgoingMail, User, WorkItem
from engine.queries.hand_offs import stuck_hand_offs
from engine.scheduler import partner_delivery
from tests.partner_instances import _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.test_partners import pair, receive_at_a  # noqa: F401  (pair is a fixture)
from tests.page_text import shown_notices, table_rows
from tests.web.conftest import Browser, open_item, page_text

APPRAISAL = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."}


def _notices(demo, username) -> list[str]:
    with demo.motcua.read_session() as s:
        return list(s.execute(select(Notification.message_vi).where(Notification.user_id == demo.users[username])
                              .order_by(Notification.id)).scalars())


def _mails(demo, username) -> list[str]:
    with demo.motcua.read_session() as s:
        address = s.get(User, demo.users[username]).email
        return list(s.execute(select(OutgoingMail.subject).where(OutgoingMail.to_address == address)
                              .order_by(OutgoingMail.id)).scalars())


def _at_approval(demo, receive_dossier, appraiser="chuyenvien2"):
    code, item = receive_dossier()
    uow = demo.motcua.uow
    claim(uow(), actor_id=demo.users[appraiser], work_item_id=item)
    complete(uow(), actor_id=demo.users[appraiser], work_item_id=item, data=APPRAISAL)
    with demo.motcua.read_session() as s:
        dossier_id = s.get(WorkItem, item).dossier_id
    approve = open_item(demo, dossier_id)
    claim(uow(), actor_id=demo.users["lanhdao"], work_item_id=approve)
    return code, dossier_id, approve


def test_the_leader_has_one_send_back_control_with_one_reason_field(browser, demo, receive_dossier):
    _code, _dossier_id, approve = _at_approval(demo, receive_dossier)
    page = browser("lanhdao").text(f"/tasks/{approve}")
    assert page.count('name="reason"') == 1 and page.count("Lý do trả lại") == 1
    assert 'value="send_back"' not in page  # not a choice of the decision any more
    assert 'value="refuse"' in page and 'value="approve"' in page
    # The opinion is required for a refusal only: the field says so, in words.
    assert "Bắt buộc khi “Quyết định” là: Từ chối (nêu rõ lý do)." in page


def test_sent_back_the_step_returns_to_the_officer_who_did_it_and_she_is_told(browser, demo, receive_dossier):
    code, dossier_id, approve = _at_approval(demo, receive_dossier, appraiser="chuyenvien2")
    leader = browser("lanhdao")
    response = leader.post(f"/tasks/{approve}/send-back", {"reason": "Xác minh thêm tình trạng hôn nhân."})
    assert response.status_code == 302
    again = open_item(demo, dossier_id)
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, again).assignee_id == demo.users["chuyenvien2"]  # not the unit's queue
    thu = browser("chuyenvien2")
    assert code in thu.text("/inbox?tab=mine")
    assert code not in browser("chuyenvien").text("/inbox?tab=unclaimed")
    expected = (f"Hồ sơ {code} được trả lại cho bạn ở bước “Thẩm định hồ sơ”. "
                "Lý do: Xác minh thêm tình trạng hôn nhân.")
    assert _notices(demo, "chuyenvien2") == [expected]
    assert expected in shown_notices(thu.text("/notifications"))
    assert _mails(demo, "chuyenvien2") == [f"[Một cửa] {expected}"]
    assert _notices(demo, "chuyenvien") == []  # not his dossier
    history = " | ".join(" ".join(row) for row in table_rows(browser("lanhdao").text(f"/dossiers/{dossier_id}"),
                                                              "history-title"))
    # The step went back to the officer who did it, not to another one.
    assert "Giao lại cho cán bộ đã xử lý: Thẩm định hồ sơ cho Lê Thị Thu" in history, history
    assert "Giao lại cho cán bộ khác" not in history


def test_when_that_officer_is_gone_the_step_goes_to_the_units_queue_and_the_unit_is_told(browser, demo,
                                                                                       receive_dossier):
    code, dossier_id, approve = _at_approval(demo, receive_dossier, appraiser="chuyenvien2")
    with demo.motcua.uow() as uow:
        uow.session.get(User, demo.users["chuyenvien2"]).is_active = False
        uow.commit()
    browser("lanhdao").post(f"/tasks/{approve}/send-back", {"reason": "Bổ sung ý kiến."})
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, open_item(demo, dossier_id)).assignee_id is None
    assert code in browser("chuyenvien").text("/inbox?tab=unclaimed")
    [notice] = _notices(demo, "chuyenvien")
    assert notice.startswith(f"Hồ sơ {code} được trả lại bước “Thẩm định hồ sơ” về hàng chờ của đơn vị")
    assert _notices(demo, "chuyenvien2") == []  # deactivated: nobody to tell


def test_officers_who_wants_no_mail_get_the_notice_in_the_app_only(browser, demo, receive_dossier):
    with demo.motcua.uow() as uow:
        uow.session.get(User, demo.users["chuyenvien2"]).notify_by_mail = False
        uow.commit()
    _code, _dossier_id, approve = _at_approval(demo, receive_dossier, appraiser="chuyenvien2")
    browser("lanhdao").post(f"/tasks/{approve}/send-back", {"reason": "Xác minh lại."})
    assert len(_notices(demo, "chuyenvien2")) == 1 and _mails(demo, "chuyenvien2") == []


def test_a_reassigned_step_is_announced_to_the_new_and_the_previous_holder(demo, receive_dossier):
    code, item = receive_dossier()
    claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item)
    reassign(demo.motcua.uow(), actor_id=demo.users["giamsat"], work_item_id=item, to_user_id=demo.users["chuyenvien2"])
    assert _notices(demo, "chuyenvien2") == [f"Bạn được giao bước “Thẩm định hồ sơ” của hồ sơ {code}."]
    assert _notices(demo, "chuyenvien") == [f"Bước “Thẩm định hồ sơ” của hồ sơ {code} đã được giao cho Lê Thị Thu."]


def test_a_failed_then_dead_hand_off_is_told_to_the_supervisors_and_shown_plainly(pair, frozen_clock):  # noqa: F811
    a, b = pair
    b.stop()
    dossier = receive_at_a(a)
    a.tick()

    def notices(username):
        return a.read(lambda s: list(s.execute(select(Notification.message_vi).where(
            Notification.user_id == a.users[username]).order_by(Notification.id)).scalars()))

    [failed] = notices("giamsat")
    assert failed == (f"Chưa gửi được hồ sơ {dossier.code} sang Công an xã Tân Phong: hệ thống của cơ quan này "
                      "chưa trả lời. Hệ thống sẽ tự gửi lại.")
    assert notices("chuyenvien") == [] and "Error" not in failed
    [stuck] = a.read(lambda s: stuck_hand_offs(s, dossier.id))
    assert (stuck.partner_name, stuck.dead, stuck.dealt_by) == ("Công an xã Tân Phong", False, ("giamsat",))
    watcher = Browser(a.app)
    watcher.login("giamsat", "x" * 12)
    assert re.search(r"hệ thống tự động gửi lại\.\s+Người xử lý: giám sát", watcher.text(f"/dossiers/{dossier.id}"))
    for _ in range(partner_delivery.MAX_ATTEMPTS):
        frozen_clock.advance(timedelta(hours=1, seconds=1))
        a.tick()
    assert len(notices("giamsat")) == 2  # the first failure and the dead letter, not every retry
    assert notices("giamsat")[1] == (f"Không gửi được hồ sơ {dossier.code} sang Công an xã Tân Phong sau 8 lần thử. "
                                     "Cần giám sát kiểm tra và gửi lại (Giám sát › Thư gửi thất bại).")
    [stuck] = a.read(lambda s: stuck_hand_offs(s, dossier.id))
    assert stuck.dead and stuck.attempts == partner_delivery.MAX_ATTEMPTS
    officer = Browser(a.app)
    officer.login("giamsat", "x" * 12)
    # Where the notice sends them: their supervision page lists it, with its button to resend.
    assert "Thư gửi thất bại" in officer.text("/supervise")
    page = officer.text(f"/dossiers/{dossier.id}")
    assert "Chưa chuyển được hồ sơ sang Công an xã Tân Phong: đã thử 8 lần" in page
    assert re.search(r"hệ thống đã ngừng tự gửi lại\.\s+Người xử lý: giám sát của UBND xã Tân Phong — giamsat\.", page)
    assert "Không có bước nào đang chờ xử lý." not in page and "Error" not in page


def test_claiming_a_step_you_already_hold_is_harmless(browser, receive_dossier):
    _code, item = receive_dossier()
    minh = browser("chuyenvien")
    assert minh.post(f"/tasks/{item}/claim").status_code == 302
    again = minh.post(f"/tasks/{item}/claim")  # a second click, or a step sent back to him
    assert again.status_code == 302
    assert "Bạn đã nhận xử lý bước “Thẩm định hồ sơ”." in minh.text(again.location)


@pytest.mark.parametrize("locale, says", [
    ("vi", "Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."),
    ("en", "Must not contain control characters (invisible characters, often pasted in from elsewhere).")])
def test_a_send_back_reason_with_a_control_character_is_refused_beside_it(browser, demo, receive_dossier, locale,
                                                                          says):
    """A terminal's colour code pasted into the reason was recorded and shown to the officer sent back
    to, as it came. A reason of several lines, with a tab, is still text."""
    _code, dossier_id, approve = _at_approval(demo, receive_dossier)
    leader = browser("lanhdao")
    leader.post("/language", {"locale": locale})
    response = leader.post(f"/tasks/{approve}/send-back", {"reason": "\x1b[31mXác minh thêm tình trạng hôn nhân."})
    assert response.status_code == 422
    assert f'<p class="error" id="reason-error">{says}</p>' in page_text(response)
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, approve).state == "open"
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "sent_back")).first() is None
    response = leader.post(f"/tasks/{approve}/send-back",
                           {"reason": "Xác minh thêm:\r\n\t- tình trạng hôn nhân của bên nam."})
    assert response.status_code == 302
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, approve).state != "open"


@pytest.mark.parametrize("locale, says", [("vi", "Tối đa 2000 ký tự."), ("en", "At most 2000 characters.")])
def test_a_send_back_reason_past_its_limit_is_refused_beside_it(browser, demo, receive_dossier, locale, says):
    """A reason of any length was recorded in the audit and mailed as it came: it is a note like the
    others (a refusal, a supplement request), 2,000 characters at most."""
    _code, _dossier_id, approve = _at_approval(demo, receive_dossier)
    leader = browser("lanhdao")
    leader.post("/language", {"locale": locale})
    response = leader.post(f"/tasks/{approve}/send-back", {"reason": "Xác minh thêm. " * 134})  # 2,010 characters
    assert response.status_code == 422
    assert f'<p class="error" id="reason-error">{says}</p>' in page_text(response)
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, approve).state == "open"
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "sent_back")).first() is None
    assert leader.post(f"/tasks/{approve}/send-back", {"reason": "Xác minh thêm. " * 133}).status_code == 302
