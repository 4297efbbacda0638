"""What a citizen may submit online follows what the counter may receive: a procedure that no longer
takes new dossiers is not offered, a rollback applies online too, a procedure without an intake
form says it is handed in at the counter; a value cut to the draft's size is reported by the form's
own rule; a second "send the supplement" with nothing new is refused; text that would turn the
page's own text around is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.commands import procedures as lifecycle
from engine.commands.online import submit
from engine.commands.reception import give_guidance
from engine.errors import InvalidState
from engine.models import AuditEvent, Dossier, Notification, OnlineApplication
from tests.bpmn_samples import FORMS
from tests.test_procedure_lifecycle import RENAMED
from tests.web.conftest import page_text
from tests.web.test_citizen_dossier_page import MISSING, dossier_of, upload
from tests.web.test_citizen_online_submission import FORM, PDF, app, citizen, post, submit_complete  # noqa: F401

BUSINESS = "/thu-tuc/dang_ky_ho_kinh_doanh"


def test_a_retired_procedure_is_neither_offered_nor_submitted_online(citizen, demo):
    b = citizen()
    post(b, FORM, {"doc-0": ("to-khai.pdf", PDF), "doc-1": ("can-cuoc.pdf", PDF)})  # a draft, ready to submit
    lifecycle.retire(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon",
                     reason="Thủ tục được thay bằng thủ tục liên thông")
    assert "Đăng ký kết hôn" not in b.text("/") and "Đăng ký kết hôn" not in b.text("/thu-tuc?q=ket+hon")
    assert b.get("/thu-tuc/dang_ky_ket_hon").status_code == 404
    assert post(b, FORM, action="submit").status_code == 404
    with demo.motcua.read_session() as s:
        assert s.scalars(select(Dossier)).all() == []
    # The engine refuses too, whoever calls it (a page loaded before the procedure was retired).
    with demo.motcua.read_session() as s:
        draft = s.scalars(select(OnlineApplication)).one()
    with pytest.raises(InvalidState) as refused:
        submit(demo.motcua.uow(), citizen_id=draft.citizen_id, application_id=draft.id, schema={})
    assert refused.value.message_en == "This procedure no longer takes new dossiers."
    lifecycle.reinstate(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon")
    assert "Đăng ký kết hôn" in b.text("/")


def test_after_a_rollback_an_online_dossier_starts_on_the_active_version(citizen, demo):
    lifecycle.publish(demo.motcua.uow(), actor_id=demo.users["thietke"], bpmn_xml=RENAMED, forms_dir=FORMS,
                      note="Đổi tên bước thẩm định")
    lifecycle.activate(demo.motcua.uow(), actor_id=demo.users["admin"], procedure_key="dang_ky_ket_hon", number=1,
                       reason="Mẫu mới sai tên bước")
    assert submit_complete(citizen()).status_code == 302
    with demo.motcua.read_session() as s:
        assert s.scalars(select(Dossier)).one().procedure_version.number == 1


def test_a_procedure_without_an_intake_form_says_it_is_handed_in_at_the_counter(browser):
    visitor = browser()
    listing = visitor.text("/")
    # The list marks each procedure by what a citizen can do here.
    assert listing.count("Nộp tại Bộ phận một cửa") == 3  # the three without an intake form
    page = page_text(visitor.get("/thu-tuc/lien_thong_khai_tu"))
    assert "Chưa nộp trực tuyến được: nộp hồ sơ tại Bộ phận một cửa" in page
    assert "Toàn trình" not in page and "Nộp hồ sơ trực tuyến" not in page
    assert "Toàn trình: nộp, theo dõi" in visitor.text(BUSINESS)
    visitor.post("/language", {"locale": "en"})
    assert "Not available online yet: hand in the dossier at the one-stop counter" in visitor.text(
        "/thu-tuc/lien_thong_khai_tu")
    assert "At the one-stop counter" in visitor.text("/")


def test_an_over_long_answer_is_reported_by_the_forms_own_rule_not_as_missing(citizen):
    b = citizen()
    response = post(b, dict(FORM, bride_name="C" * 10_000, groom_id_number="1" * 10_000), action="submit")
    page = page_text(response)
    assert response.status_code == 400
    assert "Tối đa 100 ký tự." in page  # the name's own limit
    assert "Trường này là bắt buộc." not in page
    assert "12 chữ số" in page  # the ID number's pattern


def test_sending_the_same_supplement_twice_is_refused_and_tells_the_counter_once(citizen, demo):
    b = citizen()
    submit_complete(b)
    dossier = dossier_of(demo)
    give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier.id, missing=[MISSING],
                  note="")
    assert upload(b, dossier.id, {"sup-0": ("xac-nhan.pdf", PDF + b"2")}, action="send").status_code == 302
    again = upload(b, dossier.id, {}, action="send")
    assert again.status_code == 400
    assert "Bạn đã gửi bổ sung này; Bộ phận một cửa đang kiểm tra. Muốn gửi thêm, hãy tải lên tệp mới." in page_text(again)
    # A new scan may be sent again.
    assert upload(b, dossier.id, {"sup-0": ("xac-nhan-2.pdf", PDF + b"3")}, action="send").status_code == 302
    with demo.motcua.read_session() as s:
        sent = s.scalars(select(AuditEvent).where(AuditEvent.action == "supplement_sent_online")).all()
        told = s.scalars(select(Notification).where(Notification.user_id == demo.users["tiepnhan"],
                                                    Notification.message_vi.like("%gửi bổ sung%"))).all()
    assert len(sent) == 2 and len(told) == 2


def test_a_bidirectional_override_in_a_citizens_text_is_refused(citizen, demo):
    b = citizen()
    response = post(b, dict(FORM, groom_name="Nguyễn Văn \u202eAn"), action="submit")
    assert response.status_code == 400
    assert "Không được chứa ký tự điều khiển" in page_text(response)
    with demo.motcua.read_session() as s:
        assert s.scalars(select(Dossier)).all() == []


def test_a_nul_character_is_refused_on_a_page_that_still_shows_who_is_signed_in(citizen, demo):
    """A NUL is refused before any view (the database cannot store it): the citizen's refusal page
    keeps their header, with their name and the sign-out button."""
    b = citizen()
    response = post(b, dict(FORM, groom_name="Nguyễn Văn\x00 An"), action="submit")
    page = page_text(response)
    assert response.status_code == 400 and "Dữ liệu gửi lên có ký tự không hợp lệ." in page
    assert "Nguyễn Văn An</a>" in page and "Đăng xuất" in page
    with demo.motcua.read_session() as s:
        assert s.scalars(select(OnlineApplication)).all() == []
