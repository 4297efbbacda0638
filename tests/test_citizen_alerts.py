"""Point 5 of the online services: the citizen is told of every status change they care about, by
SMS through the operator's HTTP gateway (a stand-in operator on loopback) and by mail (real SMTP on
loopback); messages are queued with the change, sent once, and failures are shown to the
administrator."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_string
from email.policy import default

import pytest
from sqlalchemy import select, update

from engine import commands
from engine.commands.escalations import issue_apology
from engine.commands.reception import Applicant, WalkIn, refuse
from engine.commands.supervision import withdraw
from engine.models import OutgoingMail, OutgoingSms
from engine.scheduler.mail_delivery import deliver_mail
from engine.scheduler.sms_delivery import deliver_sms
from integrations.mail import SmtpMailer
from integrations.sms import HttpSmsGateway, NullSmsGateway
from integrations.standins.sms_operator import running_operator
from tests.test_end_of_processing import APPROVAL, RECORD, RETURN
from tests.test_escalation import Inbox, smtp  # noqa: F401  (the loopback SMTP server fixture)
from tests.test_reference_procedure import APPRAISAL, Officer
from tests.web.conftest import Browser

KEY = "operator-key"
AN = Applicant(name="Nguyễn Văn An", phone="0912 345 678", email="an@example.vn")


@pytest.fixture
def operator():
    with running_operator(api_key=KEY) as running:
        yield running


def texts_sent(demo, operator) -> list[str]:
    deliver_sms(demo.motcua.uow, HttpSmsGateway(operator.url, KEY))
    return [m["text"] for m in operator.messages]


def receive(demo, applicant=AN):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon", applicant=applicant)


def test_every_status_the_citizen_cares_about_is_texted_and_mailed(demo, frozen_clock, operator, smtp):
    dossier = receive(demo)
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    for officer, data, step in ((specialist, APPRAISAL, "appraise"), (leader, APPROVAL, "approve"),
                                (specialist, RECORD, "record_marriage")):
        frozen_clock.advance(timedelta(hours=1))
        officer.take_and_complete(dossier.id, data, expect_step=step)
    reception.take_and_complete(dossier.id, RETURN, expect_step="return_result")
    texts = texts_sent(demo, operator)
    assert [m["to"] for m in operator.messages] == ["84912345678"] * 3
    assert texts[0].startswith(f"Ho so {dossier.code} da duoc tiep nhan, hen tra ket qua ")
    assert texts[1] == f"Ho so {dossier.code} da co ket qua, moi Ong/Ba nhan ket qua."
    assert texts[2] == f"Ho so {dossier.code} da tra ket qua. Cam on Ong/Ba da su dung dich vu."
    assert all(m["from"] == "MOTCUA" for m in operator.messages)
    deliver_mail(demo.motcua.uow, SmtpMailer("127.0.0.1", smtp.port))
    subjects = [str(message_from_string(content, policy=default)["Subject"]) for _to, content in smtp.messages
                if "an@example.vn" in _to]  # the officers who worked on it hear of the return too
    assert subjects == [f"[Một cửa] Hồ sơ {dossier.code} đã được tiếp nhận",
                        f"[Một cửa] Hồ sơ {dossier.code} đã có kết quả",
                        f"[Một cửa] Hồ sơ {dossier.code} đã trả kết quả"]


def test_refusal_guidance_withdrawal_and_apology_are_texted(demo, frozen_clock, operator):
    refused = refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], reason="Không thuộc thẩm quyền.",
                     walk_in=WalkIn(demo.commune, "dang_ky_ket_hon", AN))
    withdrawn = receive(demo)
    withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=withdrawn.id,
             reason="Công dân đề nghị.", requested_by="Nguyễn Văn An")
    late = receive(demo)
    issue_apology(demo.motcua.uow(), actor_id=demo.users["giamsat"], dossier_id=late.id,
                  reason="Cần xác minh thêm.", new_due_at=late.due_at + timedelta(days=7))
    texts = texts_sent(demo, operator)
    assert f"Ho so {refused.code} khong duoc tiep nhan. Ly do trong thu/thong bao gui kem." in texts
    assert f"Ho so {withdrawn.code} da duoc rut theo de nghi." in texts
    assert any(t.startswith(f"Ho so {late.code} bi cham; co quan xin loi va hen lai ngay tra ket qua ") for t in texts)


def test_no_phone_no_text(demo, operator):
    receive(demo, Applicant(name="Trần Bình"))
    assert texts_sent(demo, operator) == []


def test_without_an_operator_texts_wait_untried_until_one_is_configured(demo, frozen_clock, operator):
    receive(demo)
    for _ in range(12):  # past every retry a failing operator would get
        assert deliver_sms(demo.motcua.uow, NullSmsGateway()) == 0
        frozen_clock.advance(timedelta(hours=2))
    with demo.motcua.read_session() as s:
        attempts, next_attempt_at = s.execute(select(OutgoingSms.attempts, OutgoingSms.next_attempt_at)).one()
    assert attempts == 0 and next_attempt_at is not None  # untried, and still due
    assert len(texts_sent(demo, operator)) == 1


def test_a_text_is_sent_once_even_when_the_answer_was_lost(demo, operator):
    receive(demo)
    assert len(texts_sent(demo, operator)) == 1
    assert len(texts_sent(demo, operator)) == 1  # nothing left to send
    # As if the scheduler died after the operator accepted and before it recorded it: sent again,
    # with the same id, and the operator keeps one message.
    with demo.motcua.uow() as uow:
        uow.session.execute(update(OutgoingSms).values(sent_at=None, next_attempt_at=OutgoingSms.created_at))
        uow.commit()
    assert len(texts_sent(demo, operator)) == 1
    with demo.motcua.read_session() as s:
        assert s.scalar(select(OutgoingSms.operator_id)) == "op-1"


def test_a_failing_operator_is_retried_and_shown_to_the_administrator(app, demo, frozen_clock, operator):
    receive(demo)
    operator.failing = True
    assert texts_sent(demo, operator) == []
    with demo.motcua.read_session() as s:
        failed = s.scalars(select(OutgoingSms)).one()
    assert failed.sent_at is None and "503" in failed.last_error and failed.next_attempt_at > frozen_clock()
    admin = Browser(app)
    admin.login("admin")
    page = admin.text("/admin/mail")
    assert "84912345678" not in page and "0912345678" in page and "503" in page
    officer = Browser(app)
    officer.login("tiepnhan")
    assert officer.get("/admin/mail").status_code == 404
    operator.failing = False
    assert texts_sent(demo, operator) == []  # not before its next attempt
    frozen_clock.advance(timedelta(hours=1))
    assert len(texts_sent(demo, operator)) == 1
    assert "0912345678" not in admin.text("/admin/mail")


def test_a_wrong_key_is_an_error_not_a_silent_loss(demo, operator):
    receive(demo)
    deliver_sms(demo.motcua.uow, HttpSmsGateway(operator.url, "wrong"))
    with demo.motcua.read_session() as s:
        assert "401" in s.scalar(select(OutgoingSms.last_error))
    assert operator.messages == []
    with demo.motcua.read_session() as s:
        assert s.scalar(select(OutgoingMail.to_address)) == "an@example.vn"  # the receipt mail waits too
