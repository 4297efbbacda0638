"""The supplement mail tells each applicant where to answer: one who submitted online sends the
supplement from their dossier page (no counter, no paper receipt to look the dossier up with);
one who came to the counter brings it there, as before."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine.commands.reception import accept, give_guidance
from engine.models import Dossier, OutgoingMail
from tests.test_supplements import ask, receive
from tests.web.test_citizen_online_submission import app, citizen, submit_complete  # noqa: F401

ONLINE = "Ông/Bà gửi bổ sung trực tuyến tại trang hồ sơ của Ông/Bà trên Cổng dịch vụ công"
COUNTER = "Ông/Bà nộp bổ sung tại Bộ phận tiếp nhận và trả kết quả, UBND xã"
RECEIPT = "trên giấy tiếp nhận"


def supplement_mails(demo) -> list[str]:
    with demo.motcua.read_session() as s:
        return s.scalars(select(OutgoingMail.body).where(OutgoingMail.subject.like("%Yêu cầu bổ sung%"))
                         .order_by(OutgoingMail.id)).all()


def online_dossier(citizen, demo) -> Dossier:
    submit_complete(citizen())
    with demo.motcua.read_session() as s:
        return s.scalars(select(Dossier)).one()


def test_an_online_applicant_is_sent_to_the_dossier_page_at_reception(citizen, demo, frozen_clock):
    dossier = online_dossier(citizen, demo)
    frozen_clock.current += timedelta(hours=1)
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
                  missing=["Giấy xác nhận tình trạng hôn nhân"])
    [body] = supplement_mails(demo)
    assert ONLINE in body and f"chọn hồ sơ {dossier.code}" in body and "«Gửi bổ sung»" in body
    assert COUNTER not in body and RECEIPT not in body


def test_an_online_applicant_is_sent_to_the_dossier_page_during_processing(citizen, demo, frozen_clock):
    dossier = online_dossier(citizen, demo)
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id)
    frozen_clock.current += timedelta(hours=1)
    ask(demo, dossier.id)
    [body] = supplement_mails(demo)
    assert ONLINE in body and COUNTER not in body and RECEIPT not in body


def test_a_counter_applicant_still_brings_the_supplement_to_the_counter(demo, frozen_clock):
    dossier = receive(demo)
    frozen_clock.current += timedelta(hours=1)
    ask(demo, dossier.id)
    [body] = supplement_mails(demo)
    assert COUNTER in body and RECEIPT in body and ONLINE not in body


def test_the_online_mail_lists_the_documents_to_upload_and_the_counters_note_apart(citizen, demo, frozen_clock):
    dossier = online_dossier(citizen, demo)
    frozen_clock.current += timedelta(hours=1)
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id,
                  checklist=["Tờ khai đăng ký kết hôn"],
                  missing=["Bản sao giấy tờ pháp lý bị mờ, đề nghị chụp lại rõ nét."])
    [body] = supplement_mails(demo)
    assert ("  1. Bản sao Căn cước của hai bên nam, nữ\n"
            "Lưu ý: Bản sao giấy tờ pháp lý bị mờ, đề nghị chụp lại rõ nét.\n") in body
    assert "  2." not in body


def test_a_list_of_asked_items_ends_with_one_period_whatever_the_items_end_with():
    from engine.supplements import listed
    assert listed(["Ảnh chân dung", "Bản sao bị mờ, đề nghị chụp lại."]) == "Ảnh chân dung; Bản sao bị mờ, đề nghị chụp lại."
    assert listed(["Ảnh chân dung"]) == "Ảnh chân dung."
