"""Issue 12, point 3: the officers who worked on a dossier are told when its result is returned to
the citizen (in the app, and by mail unless they chose otherwise); every user turns notices by mail
on or off on their account page, and the change is in the account's history."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine import commands
from engine.commands.reception import Applicant
from engine.models import AccountEvent, Notification, OutgoingMail, User
from tests.page_text import shown_notices
from tests.test_end_of_processing import APPROVAL, RECORD, RETURN
from tests.test_reference_procedure import APPRAISAL, Officer

RETURNED = "Hồ sơ {code} bạn đã xử lý đã được trả kết quả cho công dân."


def notices(demo, username) -> list[str]:
    with demo.motcua.read_session() as s:
        return list(s.execute(select(Notification.message_vi).where(Notification.user_id == demo.users[username])
                              .order_by(Notification.id)).scalars())


def mails(demo, username) -> list[str]:
    with demo.motcua.read_session() as s:
        address = s.get(User, demo.users[username]).email
        return list(s.execute(select(OutgoingMail.subject).where(OutgoingMail.to_address == address)
                              .order_by(OutgoingMail.id)).scalars())


def to_result_ready(demo, frozen_clock):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    specialist, leader = Officer(demo, "chuyenvien"), Officer(demo, "lanhdao")
    for officer, data, step in ((specialist, APPRAISAL, "appraise"), (leader, APPROVAL, "approve"),
                                (specialist, RECORD, "record_marriage")):
        frozen_clock.advance(timedelta(hours=1))
        officer.take_and_complete(dossier.id, data, expect_step=step)
    return dossier


def test_the_officers_who_worked_on_a_dossier_hear_when_its_result_is_returned(browser, demo, frozen_clock):
    dossier = to_result_ready(demo, frozen_clock)
    expected = RETURNED.format(code=dossier.code)
    assert expected not in notices(demo, "chuyenvien")  # result ready is not returned yet
    Officer(demo, "tiepnhan").take_and_complete(dossier.id, RETURN, expect_step="return_result")
    assert notices(demo, "chuyenvien") == [expected]  # once, though he did two steps
    assert notices(demo, "lanhdao") == [expected]
    assert mails(demo, "chuyenvien") == [f"[Một cửa] {expected}"]
    assert notices(demo, "tiepnhan") == [] and mails(demo, "tiepnhan") == []  # she handed it over herself
    assert notices(demo, "chuyenvien2") == []  # never touched it
    page = browser("lanhdao").text("/notifications")
    assert expected in shown_notices(page) and f"/dossiers/{dossier.id}" in page
    english = browser("chuyenvien")
    english.post("/language", {"locale": "en"})
    assert (f"Dossier {dossier.code}, which you worked on, has been returned to the citizen (result handed over)."
            in shown_notices(english.text("/notifications")))


def test_each_user_turns_notices_by_mail_off_and_on_and_it_is_in_the_history(browser, demo, frozen_clock):
    officer = browser("lanhdao")
    page = officer.text("/account/")
    assert "lanhdao@tanphong.example" in page
    assert 'id="by-mail-1" name="by_mail" value="1" checked' in page  # by mail unless one says no
    assert 'href="/account/password"' in page and 'href="/account/"' in officer.text("/notifications")
    response = officer.post("/account/notices", {"by_mail": "0"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/")
    page = officer.text("/account/")
    assert "Từ nay bạn chỉ nhận thông báo trong ứng dụng." in page
    assert 'id="by-mail-0" name="by_mail" value="0" checked' in page
    # Told in the app, not by mail; the others who want mail still get it.
    dossier = to_result_ready(demo, frozen_clock)
    Officer(demo, "tiepnhan").take_and_complete(dossier.id, RETURN, expect_step="return_result")
    expected = RETURNED.format(code=dossier.code)
    assert notices(demo, "lanhdao") == [expected] and mails(demo, "lanhdao") == []
    assert mails(demo, "chuyenvien") == [f"[Một cửa] {expected}"]
    officer.post("/account/notices", {"by_mail": "1"})
    officer.post("/account/notices", {"by_mail": "1"})  # no change: nothing more in the history
    with demo.motcua.read_session() as s:
        history = list(s.execute(select(AccountEvent.action, AccountEvent.actor_id)
                                 .where(AccountEvent.user_id == demo.users["lanhdao"]).order_by(AccountEvent.id)))
    assert history == [("mail_notices_off", demo.users["lanhdao"]), ("mail_notices_on", demo.users["lanhdao"])]
    admin_view = browser("admin").text(f"/admin/users/{demo.users['lanhdao']}")
    assert "Tự tắt nhận thông báo qua thư điện tử" in admin_view
    assert "Tự bật nhận thông báo qua thư điện tử" in admin_view


def test_a_forged_choice_changes_nothing_and_says_so(browser, demo):
    officer = browser("chuyenvien")
    for bad in ({"by_mail": "maybe"}, {}):
        response = officer.post("/account/notices", bad, follow_redirects=True)
        assert response.status_code == 200
        assert "Lựa chọn không hợp lệ; chưa có gì thay đổi." in response.get_data(as_text=True)
    with demo.motcua.read_session() as s:
        assert s.get(User, demo.users["chuyenvien"]).notify_by_mail is True
        assert s.scalar(select(AccountEvent.id).where(AccountEvent.user_id == demo.users["chuyenvien"])) is None
    assert browser().get("/account/").status_code == 302  # a login first
