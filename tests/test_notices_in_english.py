"""What the engine writes to officers in two languages (notifications, and the mail that goes with
them) names a step in each language: the English text by the step's English name from the
procedure's catalogue entry (``steps_en``), the Vietnamese one as the diagram names it; with no
English name in the catalogue, both keep the diagram's name."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.bootstrap import Motcua
from engine.commands import claim, complete, receive, reassign, send_back
from engine.commands.reception import Applicant
from engine.models import Notification, OutgoingMail, User, WorkItem
from engine.scheduler.escalation import sweep_steps

APPRAISAL = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."}


def _appraisal(demo) -> int:
    dossier = receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                      procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    with demo.motcua.read_session() as s:
        return s.execute(select(WorkItem.id).where(WorkItem.dossier_id == dossier.id,
                                                   WorkItem.state == "open")).scalar_one()


def _notices(demo, username) -> list[Notification]:
    with demo.motcua.read_session() as s:
        return list(s.execute(select(Notification).where(Notification.user_id == demo.users[username])
                              .order_by(Notification.id)).scalars())


def _mail_bodies(demo, username) -> list[str]:
    with demo.motcua.read_session() as s:
        address = s.get(User, demo.users[username]).email
        return list(s.execute(select(OutgoingMail.body).where(OutgoingMail.to_address == address)).scalars())


def test_a_reassigned_step_is_named_in_english_in_the_english_text(demo):
    item = _appraisal(demo)
    reassign(demo.motcua.uow(), actor_id=demo.users["giamsat"], work_item_id=item,
             to_user_id=demo.users["chuyenvien2"])
    [notice] = _notices(demo, "chuyenvien2")
    assert notice.message_en.startswith("You were assigned step “Appraise the dossier” of dossier")
    assert notice.message_vi.startswith("Bạn được giao bước “Thẩm định hồ sơ” của hồ sơ")


def test_a_sent_back_step_is_named_in_english_in_the_notice_and_its_mail(demo):
    item = _appraisal(demo)
    uow = demo.motcua.uow
    claim(uow(), actor_id=demo.users["chuyenvien2"], work_item_id=item)
    complete(uow(), actor_id=demo.users["chuyenvien2"], work_item_id=item, data=dict(APPRAISAL))
    with demo.motcua.read_session() as s:
        approval = s.execute(select(WorkItem.id).where(WorkItem.state == "open")).scalar_one()
    claim(uow(), actor_id=demo.users["lanhdao"], work_item_id=approval)
    send_back(uow(), actor_id=demo.users["lanhdao"], work_item_id=approval, reason="Xác minh thêm.")
    [notice] = _notices(demo, "chuyenvien2")
    assert "was sent back to you at step “Appraise the dossier”. Reason: Xác minh thêm." in notice.message_en
    assert "được trả lại cho bạn ở bước “Thẩm định hồ sơ”" in notice.message_vi
    [body] = _mail_bodies(demo, "chuyenvien2")
    assert "“Thẩm định hồ sơ”" in body and "“Appraise the dossier”" in body


def test_a_due_soon_warning_names_the_step_in_english_in_the_english_text(demo, frozen_clock):
    item = _appraisal(demo)
    with demo.motcua.read_session() as s:
        frozen_clock.current = s.get(WorkItem, item).warn_at  # the step's warning moment
    sweep_steps(demo.motcua.uow())
    [notice] = _notices(demo, "chuyenvien")  # the unit's queue: nobody holds the step yet
    assert notice.message_en.startswith("Due soon: step 'Appraise the dossier' of dossier")
    assert notice.message_vi.startswith("Sắp đến hạn: bước «Thẩm định hồ sơ» của hồ sơ")


def test_an_overdue_step_names_the_step_in_english_in_the_english_text(demo, frozen_clock):
    _appraisal(demo)
    frozen_clock.current += timedelta(days=30)  # far past the step's due time: overdue
    sweep_steps(demo.motcua.uow())
    [notice] = _notices(demo, "giamsat")
    assert notice.message_en.startswith("Overdue: step 'Appraise the dossier' of dossier")
    assert notice.message_vi.startswith("Quá hạn: bước «Thẩm định hồ sơ» của hồ sơ")
    [body] = _mail_bodies(demo, "giamsat")
    assert "«Thẩm định hồ sơ»" in body and "'Appraise the dossier'" in body


@pytest.fixture
def without_catalogue(settings, tmp_path):
    """The same database read by an instance whose catalogue directory holds no entry."""
    instance = Motcua(replace(settings, catalogue_dir=tmp_path / "no-catalogue"))
    yield instance
    instance.dispose()


def test_without_an_english_name_the_english_text_keeps_the_diagrams_name(demo, without_catalogue):
    item = _appraisal(demo)
    reassign(without_catalogue.uow(), actor_id=demo.users["giamsat"], work_item_id=item,
             to_user_id=demo.users["chuyenvien2"])
    [notice] = _notices(demo, "chuyenvien2")
    assert notice.message_en.startswith("You were assigned step “Thẩm định hồ sơ” of dossier")
