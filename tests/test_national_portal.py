"""National-portal sync: every status change of a dossier becomes a record in the portal's model,
queued in the command's transaction and delivered in order per dossier to a live stand-in of the
portal's sync API; an outage loses and doubles nothing; a record the portal never takes is a dead
letter an administrator sees and sends again."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import commands
from engine.commands import portal as portal_commands
from engine.commands.reception import Applicant
from engine.errors import FormInvalid, NotFound
from engine.models import AuditEvent, PortalOutbox, User
from engine.portal_sync import NOT_PROCESSING
from engine.scheduler import portal_delivery
from engine.scheduler.portal_delivery import deliver_portal
from integrations.national_portal import HttpPortalClient
from integrations.national_portal_standin import NationalPortalStandIn
from tests.test_reference_procedure import APPRAISAL, Officer
from tests.web.conftest import Browser, page_text

TOKEN = "phien-cua-tinh"


@pytest.fixture
def portal():
    stand_in = NationalPortalStandIn(session_token=TOKEN).start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def client(portal):
    return HttpPortalClient(portal.url, TOKEN, timeout=5)


def receive(demo, name="Nguyễn Văn An"):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="dang_ky_ket_hon",
                            applicant=Applicant(name=name, id_number="001099000123", phone="0912345678"))


def to_result(demo, dossier_id):
    """Appraised, sent back once, appraised again, approved, recorded: result ready (9)."""
    specialist, leader = Officer(demo, "chuyenvien"), Officer(demo, "lanhdao")
    specialist.take_and_complete(dossier_id, APPRAISAL, expect_step="appraise")
    leader.send_back(dossier_id, "Đề nghị xác minh thêm.")
    specialist.take_and_complete(dossier_id, APPRAISAL, expect_step="appraise")
    leader.take_and_complete(dossier_id, {"decision": "approve", "leader_opinion": "Đồng ý."}, expect_step="approve")
    specialist.take_and_complete(dossier_id, {"register_book": "01/2026", "register_number": 7,
                                              "registered_on": "2026-11-23"}, expect_step="record_marriage")


def hand_over(demo, dossier_id):
    Officer(demo, "tiepnhan").take_and_complete(dossier_id, {"returned_to": "Nguyễn Văn An", "return_method": "counter"},
                                                expect_step="return_result")


def drain(demo, client, clock, rounds=30):
    """Scheduler ticks, the engine's clock moving past each backoff, until nothing is left to send."""
    for _ in range(rounds):
        deliver_portal(demo.motcua.uow, client)
        with demo.motcua.read_session() as s:
            if not s.execute(select(func.count()).where(PortalOutbox.next_attempt_at.is_not(None))).scalar():
                return
        clock.advance(timedelta(hours=1))
    raise AssertionError("the portal outbox did not drain")


def statuses_received(portal, code):
    return [r["TrangThaiHoSo"] for r in portal.received if r["MaHoSo"] == code]


def test_each_status_change_reaches_the_portal_in_order_with_every_processing_step_once(demo, client, portal):
    dossier = receive(demo)
    to_result(demo, dossier.id)
    hand_over(demo, dossier.id)
    assert deliver_portal(demo.motcua.uow, client).sent == 4

    # Received (2), in processing (4), result ready (9), returned (10): one record each, in order.
    assert statuses_received(portal, dossier.code) == [2, 4, 9, 10]
    assert portal.updating == [False, True, True, True]  # created by the first, updated by the others
    first, *_, last = portal.received
    assert first["MaTTHC"] == "1.000894" and first["KenhThucHien"] == 1
    assert first["ChuHoSo"] == "Nguyễn Văn An" and first["DonViXuLy"] == "000.31.21.H56"
    assert first["NgayTiepNhan"] == "20261123090000"  # Monday 23/11/2026 09:00, the agency's time
    assert first["NgayHenTra"] and first["NgayKetThucXuLy"] == "" and first["NgayTra"] == ""
    assert last["NgayKetThucXuLy"] != "" and last["NgayTra"] != ""

    # Every processing step the history holds reaches the portal once, in the order it happened.
    with demo.motcua.read_session() as s:
        history = [(e.action, e.step_name) for e in s.query(AuditEvent).filter_by(dossier_id=dossier.id)
                   .order_by(AuditEvent.id) if e.action not in NOT_PROCESSING]
    entries = [e for record in portal.received for e in record["QuaTrinhXuLy"]]
    assert len(entries) == len(history) >= 8
    assert [e["NoiDungXuLy"] for e in entries][:3] == ["Tiếp nhận hồ sơ", "Chuyển xử lý", "Hoàn thành: Thẩm định hồ sơ"]
    with demo.motcua.read_session() as s:
        receptionist = s.get(User, demo.users["tiepnhan"]).full_name
    assert entries[0]["NguoiXuLy"] == receptionist and entries[0]["ThoiDiemXuLy"] == "20261123090000"
    assert [e["TrangThai"] for e in entries][-1] == 10
    assert portal.dossiers[dossier.code]["QuaTrinhXuLy"] == entries



def test_records_sent_as_the_work_goes_on_carry_each_step_once_and_only_up_to_their_change(demo, client, portal):
    """The entries are read when a record is sent: a step recorded after the change (the next
    officer's claim, a later status) belongs to a later record, never to this one."""
    dossier = receive(demo)
    specialist = Officer(demo, "chuyenvien")
    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")  # 2 → 4
    assert deliver_portal(demo.motcua.uow, client).sent == 2
    leader = Officer(demo, "lanhdao")
    leader.send_back(dossier.id, "Đề nghị xác minh thêm.")  # still in processing: no record
    assert deliver_portal(demo.motcua.uow, client).sent == 0
    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    leader.take_and_complete(dossier.id, {"decision": "approve", "leader_opinion": "Đồng ý."}, expect_step="approve")
    specialist.take_and_complete(dossier.id, {"register_book": "01/2026", "register_number": 7,
                                              "registered_on": "2026-11-23"}, expect_step="record_marriage")
    item = commands.claim(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], work_item_id=_open_item(demo, dossier.id))
    assert deliver_portal(demo.motcua.uow, client).sent == 1  # result ready (9), sent after the next claim
    hand_over_id = item.id
    commands.complete(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], work_item_id=hand_over_id,
                      data={"returned_to": "Nguyễn Văn An", "return_method": "counter"})
    assert deliver_portal(demo.motcua.uow, client).sent == 1

    assert statuses_received(portal, dossier.code) == [2, 4, 9, 10]
    by_status = {r["TrangThaiHoSo"]: [e["NoiDungXuLy"] for e in r["QuaTrinhXuLy"]] for r in portal.received}
    assert by_status[2] == ["Tiếp nhận hồ sơ"]
    assert by_status[4] == ["Chuyển xử lý", "Hoàn thành: Thẩm định hồ sơ"]
    assert by_status[9][0] == "Trả lại để xử lý lại: Phê duyệt" and by_status[9][-1].startswith("Hoàn thành: ")
    assert [e["TrangThai"] for e in portal.received[2]["QuaTrinhXuLy"]][-1] == 9
    assert by_status[10] == ["Hoàn thành: Trả kết quả"]
    with demo.motcua.read_session() as s:
        history = s.execute(select(func.count()).where(AuditEvent.dossier_id == dossier.id,
                                                       AuditEvent.action.not_in(NOT_PROCESSING))).scalar()
    assert sum(len(v) for v in by_status.values()) == history


def test_a_record_queued_with_its_entries_by_the_previous_release_goes_as_it_was_queued(demo, client, portal):
    """Before this release a record was queued with its processing entries already in it."""
    dossier = receive(demo)
    with demo.motcua.uow() as uow:
        row = uow.session.execute(select(PortalOutbox).where(PortalOutbox.dossier_id == dossier.id)).scalar_one()
        queued = {**row.payload, "QuaTrinhXuLy": [{"NguoiXuLy": "Cán bộ cũ", "ThoiDiemXuLy": "20261120080000",
                                                   "NoiDungXuLy": "Tiếp nhận hồ sơ", "TrangThai": 2}]}
        row.payload = queued
        uow.commit()
    assert deliver_portal(demo.motcua.uow, client).sent == 1
    assert portal.received == [queued]

def test_the_record_is_written_with_the_change_and_only_with_a_change(demo, client, portal):
    dossier = receive(demo)
    specialist = Officer(demo, "chuyenvien")

    def rows():
        with demo.motcua.read_session() as s:
            return s.execute(select(func.count()).select_from(PortalOutbox).where(
                PortalOutbox.dossier_id == dossier.id)).scalar()

    assert rows() == 1  # received
    item = commands.claim(demo.motcua.uow(), actor_id=specialist.id,
                          work_item_id=_open_item(demo, dossier.id))
    assert rows() == 1  # a claim changes no status
    with pytest.raises(FormInvalid):  # a refused command leaves nothing behind, its record neither
        commands.complete(demo.motcua.uow(), actor_id=specialist.id, work_item_id=item.id, data={"conditions_met": "x"})
    assert rows() == 1
    commands.complete(demo.motcua.uow(), actor_id=specialist.id, work_item_id=item.id, data=APPRAISAL)
    assert rows() == 2  # 2 → 4


def test_an_outage_loses_and_doubles_nothing_and_keeps_each_dossiers_order(demo, client, portal, frozen_clock):
    portal.outage = True
    first = receive(demo, "Trần Văn Một")
    second = receive(demo, "Lê Thị Hai")
    report = deliver_portal(demo.motcua.uow, client)
    assert (report.sent, report.failed) == (0, 2) and portal.received == []

    # Work goes on while the portal is away; the new records queue behind the failed ones.
    to_result(demo, first.id)
    portal.outage = False
    report = deliver_portal(demo.motcua.uow, client)  # the failed records are not due yet (backoff) …
    assert report.sent == 0 and portal.received == []  # … and the later ones wait for them
    with demo.motcua.read_session() as s:
        error = s.execute(select(PortalOutbox.last_error).where(PortalOutbox.dossier_id == first.id)
                          .order_by(PortalOutbox.id).limit(1)).scalar()
    assert error.startswith("HTTP 503")

    drain(demo, client, frozen_clock)
    hand_over(demo, first.id)
    drain(demo, client, frozen_clock)
    assert statuses_received(portal, first.code) == [2, 4, 9, 10]
    assert statuses_received(portal, second.code) == [2]
    with demo.motcua.read_session() as s:
        rows = s.execute(select(func.count()).select_from(PortalOutbox)).scalar()
        undelivered = s.execute(select(func.count()).where(PortalOutbox.delivered_at.is_(None))).scalar()
    assert len(portal.received) == rows == 5 and undelivered == 0


def test_a_record_the_portal_never_takes_is_a_dead_letter_that_an_administrator_sends_again(
        demo, portal, frozen_clock, app):
    wrong = HttpPortalClient(portal.url, "phien-sai", timeout=5)
    dossier = receive(demo)
    to_result(demo, dossier.id)  # a second record (4) and a third (9) queue behind the first
    for _ in range(portal_delivery.MAX_ATTEMPTS):
        deliver_portal(demo.motcua.uow, wrong)
        frozen_clock.advance(timedelta(days=1))
    with demo.motcua.read_session() as s:
        dead = s.execute(select(PortalOutbox).where(PortalOutbox.dead_at.is_not(None))).scalars().all()
        assert [(d.status, d.attempts) for d in dead] == [(2, portal_delivery.MAX_ATTEMPTS)]
        assert "Phiên làm việc không hợp lệ" in dead[0].last_error
    assert portal.received == []

    admin = Browser(app)
    admin.login("admin")
    page = page_text(admin.get("/admin/portal"))
    assert 'data-figure="dead">1<' in page and 'data-figure="waiting">2<' in page
    assert "Phiên làm việc không hợp lệ" in page and dossier.code in page
    assert "Chưa cấu hình địa chỉ Cổng" in page  # this app instance has no portal address
    admin.post("/language", {"locale": "en"})
    english = page_text(admin.get("/admin/portal"))
    assert "National Public Service Portal sync" in english and "Records that failed" in english
    admin.post("/language", {"locale": "vi"})

    # Officers do not see the page; nor can they send a record again.
    officer = Browser(app)
    officer.login("chuyenvien")
    assert officer.get("/admin/portal").status_code == 404
    with pytest.raises(NotFound):
        portal_commands.resend_dead_letter(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], outbox_id=dead[0].id)

    response = admin.post(f"/admin/portal/{dead[0].id}/resend")
    assert response.status_code == 302
    drain(demo, HttpPortalClient(portal.url, TOKEN, timeout=5), frozen_clock)
    assert statuses_received(portal, dossier.code) == [2, 4, 9]


def test_without_a_configured_portal_the_records_wait(demo):
    receive(demo)
    assert demo.motcua.portal_client is None
    assert deliver_portal(demo.motcua.uow, demo.motcua.portal_client).sent == 0
    with demo.motcua.read_session() as s:
        assert s.execute(select(func.count()).where(PortalOutbox.next_attempt_at.is_not(None))).scalar() == 1


def _open_item(demo, dossier_id):
    from tests.web.conftest import open_item
    return open_item(demo, dossier_id)
