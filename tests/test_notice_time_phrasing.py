"""Mails, SMS and notifications say a moment in the order people say it: "09:00 ngày 23/11/2026"
in Vietnamese, "09:00 on 23/11/2026" in English; never "Ngày 09:00 23/11/2026", a day named
before an hour."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from engine import commands
from engine.citizen_notices import supplement_mail
from engine.commands.escalations import issue_apology
from engine.commands.reception import Applicant
from engine.models import Dossier, Notification, OutgoingMail, OutgoingSms
from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
from tests.test_escalation import at, receive as receive_timed, smtp, timed  # noqa: F401 (fixtures)

# An hour then a day with no word between: the order these texts used to have.
HOUR_BEFORE_BARE_DAY = re.compile(r"\d\d:\d\d \d\d/\d\d/\d{4}")
AN = Applicant(name="Nguyễn Văn An", phone="0912 345 678", email="an@example.vn")


def outbox(demo, dossier_id):
    with demo.motcua.read_session() as s:
        sms = s.execute(select(OutgoingSms.body).where(OutgoingSms.dossier_id == dossier_id)
                        .order_by(OutgoingSms.id)).scalars().all()
        mails = s.execute(select(OutgoingMail.body).where(OutgoingMail.to_address == AN.email)
                          .order_by(OutgoingMail.id)).scalars().all()
    return sms, mails


def test_the_sms_at_reception_says_the_hour_then_the_day(demo, frozen_clock):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=AN)
    [sms], _mails = outbox(demo, dossier.id)
    assert re.search(r"hen tra ket qua \d\d:\d\d ngay \d\d/\d\d/2026\.$", sms), sms
    assert not HOUR_BEFORE_BARE_DAY.search(sms)


def test_the_apology_mail_and_sms_say_the_hour_then_the_day(demo, frozen_clock):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=AN)
    with demo.motcua.read_session() as s:
        due = s.get(Dossier, dossier.id).due_at
    issue_apology(demo.motcua.uow(), actor_id=demo.users["giamsat"], dossier_id=dossier.id,
                  reason="Cần xác minh thêm.", new_due_at=due + timedelta(days=7))
    sms, mails = outbox(demo, dossier.id)
    [apology] = [body for body in mails if "xin lỗi" in body]
    assert "Lúc 09:00 ngày 23/11/2026, UBND xã Tân Phong tiếp nhận giải quyết hồ sơ" in apology
    assert re.search(r"Thời hẹn trả kết quả giải quyết hồ sơ: \d\d:\d\d ngày \d\d/\d\d/2026\n", apology), apology
    assert re.search(r"cho Ông/Bà vào lúc \d\d:\d\d ngày \d\d/\d\d/2026\.", apology)
    assert "Ngày 09:00" not in apology and not HOUR_BEFORE_BARE_DAY.search(apology)
    assert re.search(r"hen lai ngay tra ket qua \d\d:\d\d ngay \d\d/\d\d/2026\.$", sms[-1]), sms[-1]


def test_the_supplement_request_mail_says_the_hour_then_the_day(demo, frozen_clock):
    request = SimpleNamespace(applicant_name="Nguyễn Văn An", requested_at=at(23, 9), note="",
                              missing=[{"name": "Bản sao giấy khai sinh"}])
    _subject, body = supplement_mail(request, "UBND xã Tân Phong", "Đăng ký kết hôn", "H56.TP-261123-0001",
                                     "Asia/Ho_Chi_Minh")
    assert "Lúc 09:00 ngày 23/11/2026, UBND xã Tân Phong đã xem xét hồ sơ «Đăng ký kết hôn»" in body
    assert "Ngày 09:00" not in body


def test_officers_are_told_the_due_time_hour_then_day_in_both_languages(timed, frozen_clock):  # noqa: F811
    dossier = receive_timed(timed)  # the step is due on Wednesday 25/11 09:00, the dossier on Thursday
    frozen_clock.current = at(25, 9, 30)
    sweep_steps(timed.motcua.uow())
    sweep_late_dossiers(timed.motcua.uow())
    with timed.motcua.read_session() as s:
        notes = s.query(Notification).filter_by(user_id=timed.users["giamsat"]).order_by(Notification.id).all()
        mails = s.execute(select(OutgoingMail.body).where(OutgoingMail.to_address.like("giamsat@%"))).scalars().all()
    late, overdue = sorted((n.message_vi, n.message_en) for n in notes)
    assert late == (
        f"Hồ sơ {dossier.code} có nguy cơ trễ hạn (hạn 09:00 ngày 26/11/2026): cần phiếu xin lỗi và hẹn lại ngày trả",
        f"Dossier {dossier.code} will be late (due 09:00 on 26/11/2026): issue the apology and a new return date")
    assert overdue[0].startswith("Quá hạn: bước «") and overdue[0].endswith(f"của hồ sơ {dossier.code} "
                                                                            "(hạn 09:00 ngày 25/11/2026)")
    assert overdue[1].startswith("Overdue: step") and overdue[1].endswith("(due 09:00 on 25/11/2026)")
    assert len(mails) == 2 and all("09:00 ngày" in body and "09:00 on" in body for body in mails)
