"""The supervisor's escalation list, acknowledging, the apology (form 04) once and only once,
notifications, and punctuality judged against the original due date."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine import commands
from engine.commands.escalations import acknowledge, issue_apology
from engine.commands.notifications import mark_read
from engine.commands.reception import Applicant
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.models import Apology, AuditEvent, Dossier, Escalation, Notification, OutgoingMail, WorkItem
from engine.procedures.registry import check_and_deploy
from engine.queries.escalations import open_escalations
from engine.queries.notifications import notifications, unread_count
from engine.queries.public import track
from engine.statistics import Period, figures
from engine.queries.step_urgency import urgency
from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
from tests.bpmn_samples import FORMS
from tests.conftest import VN
from tests.test_escalation import timed_procedure

RETURN = {"returned_to": "Nguyễn Văn An", "return_method": "counter"}


def at(day, hh, mm=0, month=11):
    return datetime(2026, month, day, hh, mm, tzinfo=VN)


@pytest.fixture
def timed(demo, tmp_path):
    """A procedure of 2 working days whose first step has 1 working day (tests/test_escalation.py).
    Received Monday 23/11/2026 09:00 (24/11 is a holiday): the step is due Wed 25/11 09:00, the
    dossier Thu 26/11 09:00, the apology point Wed 25/11 09:00."""
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [timed_procedure(tmp_path)], FORMS)
        uow.commit()
    return demo


def receive(demo, name="Nguyễn Văn An", **applicant):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="co_thoi_han", applicant=Applicant(name=name, **applicant))


def sweep(demo):
    sweep_steps(demo.motcua.uow())
    sweep_late_dossiers(demo.motcua.uow())


def read(demo, model, id_):
    with demo.motcua.read_session() as s:
        return s.get(model, id_)


def open_item(demo, dossier_id):
    with demo.motcua.read_session() as s:
        return s.execute(select(WorkItem).where(WorkItem.dossier_id == dossier_id,
                                                WorkItem.state == "open")).scalar_one()


def finish(demo, dossier_id, username="chuyenvien"):
    """Complete every open step of the dossier (claim, then complete) until it ends."""
    for _ in range(2):
        item = open_item(demo, dossier_id)
        commands.claim(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id)
        commands.complete(demo.motcua.uow(), actor_id=demo.users[username], work_item_id=item.id, data=RETURN)
    assert read(demo, Dossier, dossier_id).finished_at is not None


def listing(demo, username="giamsat", now=None):
    with demo.motcua.read_session() as s:
        return open_escalations(s, demo.users[username], now=now)


def apologise(demo, dossier_id, new_due_at, username="giamsat", reason="Cần xác minh thêm với cơ quan khác."):
    return issue_apology(demo.motcua.uow(), actor_id=demo.users[username], dossier_id=dossier_id,
                         reason=reason, new_due_at=new_due_at)



@pytest.mark.parametrize("pasted", ["Chờ xác minh\x00.", "Chờ\x07 xác minh.", "\x1b[31mChờ xác minh."])
def test_an_apology_reason_with_a_control_character_is_refused_and_nothing_changes(timed, frozen_clock, pasted):
    """The reason is printed on form 04 and mailed to the citizen: it was stored as it came."""
    dossier = receive(timed, email="an@example.vn")
    frozen_clock.current = at(25, 10)
    with pytest.raises(FormInvalid) as refused:
        apologise(timed, dossier.id, at(30, 16), username="giamsat", reason=pasted)
    assert refused.value.field_errors == {"reason": ["Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."]}
    after = read(timed, Dossier, dossier.id)
    assert after.apology_issued_at is None and after.due_at == dossier.due_at and after.revision == dossier.revision
    with timed.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Apology)) == 0
        assert s.scalar(select(func.count()).select_from(OutgoingMail)
                        .where(OutgoingMail.dedupe_key.like("apology-%"))) == 0
    apology = apologise(timed, dossier.id, at(30, 16), reason="Chờ xác minh:\r\n\t- cơ quan công an.")
    assert apology.reason == "Chờ xác minh:\r\n\t- cơ quan công an."

# The supervisor's list ---------------------------------------------------------------------------

def test_supervisor_sees_escalations_most_urgent_first_and_acknowledged_last(timed, frozen_clock):
    first = receive(timed, "Người A")
    frozen_clock.current = at(23, 10)
    second = receive(timed, "Người B")  # an hour later: due an hour later
    frozen_clock.current = at(25, 8)  # both steps in their last quarter: warnings
    sweep(timed)
    rows = listing(timed)
    assert [(r.level, r.dossier_code) for r in rows] == [("warning", first.code), ("warning", second.code)]
    assert rows[0].step_name == "Kiểm tra" and rows[0].holder_name is None
    assert rows[0].late_by == -timedelta(hours=1)  # an hour of office time left, negative

    frozen_clock.current = at(25, 9, 30)  # first step overdue by 30 min, first dossier flagged
    sweep(timed)
    rows = listing(timed)
    assert [(r.level, r.dossier_code) for r in rows] == [
        ("overdue", first.code), ("will_be_late", first.code), ("warning", second.code)]
    assert rows[0].late_by == timedelta(minutes=30)
    assert rows[1].late_by == -timedelta(hours=7, minutes=30)  # the dossier is due Thu 09:00

    overdue = rows[0]
    acknowledge(timed.motcua.uow(), actor_id=timed.users["giamsat"], escalation_id=overdue.id)
    rows = listing(timed)
    assert [(r.level, r.dossier_code) for r in rows][-1] == ("overdue", first.code)
    assert rows[-1].acknowledged_by_name == "Đỗ Thanh Bình"
    # Nobody else supervises the commune: the leader and the specialists see nothing.
    assert listing(timed, "lanhdao") == [] and listing(timed, "chuyenvien") == []


def test_how_late_counts_working_time_only(timed, frozen_clock):
    dossier = receive(timed)
    frozen_clock.current = at(27, 17)  # Friday close: the step was due Wednesday 09:00
    sweep(timed)
    step_row = next(r for r in listing(timed) if r.level == "overdue")
    assert step_row.dossier_id == dossier.id
    assert step_row.late_by == timedelta(hours=8 + 8 + 6)  # Wed from 09:00 (6 h), Thu, Fri
    frozen_clock.current = at(30, 7)  # Monday opening: the weekend added nothing
    assert next(r for r in listing(timed) if r.level == "overdue").late_by == timedelta(hours=22)


def test_an_escalation_leaves_the_list_when_its_cause_does(timed, frozen_clock):
    dossier = receive(timed)
    frozen_clock.current = at(25, 9, 30)
    sweep(timed)
    assert {r.level for r in listing(timed)} == {"overdue", "will_be_late"}  # the warning is superseded
    apologise(timed, dossier.id, at(27, 17))
    assert {r.level for r in listing(timed)} == {"overdue"}
    finish(timed, dossier.id)
    assert listing(timed) == []


def test_acknowledge_records_history_marks_notifications_and_happens_once(timed, frozen_clock):
    dossier = receive(timed)
    frozen_clock.current = at(25, 9, 30)
    sweep(timed)
    escalation = next(r for r in listing(timed) if r.level == "overdue")
    with pytest.raises(NotFound):
        acknowledge(timed.motcua.uow(), actor_id=timed.users["lanhdao"], escalation_id=escalation.id)
    with timed.motcua.read_session() as s:
        assert unread_count(s, timed.users["giamsat"]) == 2
    acknowledge(timed.motcua.uow(), actor_id=timed.users["giamsat"], escalation_id=escalation.id)
    with pytest.raises(InvalidState, match="đã được xác nhận"):
        acknowledge(timed.motcua.uow(), actor_id=timed.users["giamsat"], escalation_id=escalation.id)
    stored = read(timed, Escalation, escalation.id)
    assert stored.acknowledged_at == at(25, 9, 30) and stored.acknowledged_by_id == timed.users["giamsat"]
    with timed.motcua.read_session() as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,
                                                    AuditEvent.action == "escalation_acknowledged")).scalars().all()
        assert [(e.actor_id, e.step_name, e.detail["level"]) for e in events] == [
            (timed.users["giamsat"], "Kiểm tra", "overdue")]
        assert unread_count(s, timed.users["giamsat"]) == 1  # the will-be-late one is still unread


# The apology (form 04) ---------------------------------------------------------------------------

def test_apology_moves_the_due_date_keeps_the_original_and_mails_the_applicant(timed, frozen_clock):
    dossier = receive(timed, email="an@example.vn")
    frozen_clock.current = at(25, 10)
    apology = apologise(timed, dossier.id, at(30, 17))
    d = read(timed, Dossier, dossier.id)
    assert (d.due_at, d.original_due_at, d.apology_issued_at) == (at(30, 17), at(26, 9), at(25, 10))
    assert (apology.original_due_at, apology.new_due_at, apology.issued_by_id) == (
        at(26, 9), at(30, 17), timed.users["giamsat"])
    with timed.motcua.read_session() as s:
        [event] = s.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,
                                                     AuditEvent.action == "apology_issued")).scalars()
        assert event.detail["reason"] == "Cần xác minh thêm với cơ quan khác."
        [mail] = s.execute(select(OutgoingMail).where(~OutgoingMail.dedupe_key.like("status-%"))).scalars()  # not the receipt's
    assert mail.to_address == "an@example.vn" and mail.dedupe_key == f"apology-dossier-{dossier.id}"
    assert dossier.code in mail.subject and "xin lỗi" in mail.subject.lower()
    assert "Lý do: Cần xác minh thêm với cơ quan khác." in mail.body
    assert "09:00 ngày 26/11/2026" in mail.body and "17:00 ngày 30/11/2026" in mail.body
    # The scheduler no longer asks for an apology for this dossier.
    frozen_clock.current = at(26, 8)
    assert sweep_late_dossiers(timed.motcua.uow()).will_be_late == 0


def test_the_return_date_moves_only_once(timed, frozen_clock):
    dossier = receive(timed, email="an@example.vn")
    apologise(timed, dossier.id, at(30, 17))
    with pytest.raises(InvalidState, match="chỉ được hẹn lại một lần"):
        apologise(timed, dossier.id, at(2, 17, month=12), username="lanhdao")
    assert read(timed, Dossier, dossier.id).due_at == at(30, 17)
    with timed.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Apology)) == 1
        assert s.scalar(select(func.count()).select_from(OutgoingMail).where(~OutgoingMail.dedupe_key.like("status-%"))) == 1


def test_the_database_itself_refuses_a_second_apology(timed, frozen_clock):
    dossier = receive(timed)
    apologise(timed, dossier.id, at(30, 17))
    with timed.motcua.uow() as uow:
        uow.session.add(Apology(dossier_id=dossier.id, reason="lần hai", original_due_at=at(30, 17),
                                new_due_at=at(2, 17, month=12), issued_by_id=timed.users["lanhdao"],
                                issued_at=at(23, 9)))
        with pytest.raises(IntegrityError):
            uow.session.flush()


@pytest.mark.parametrize("new_due, message", [
    (at(26, 8), "phải sau hạn hiện tại"),            # before the current due date
    (at(28, 10), "ngày làm việc"),                   # a Saturday
    (at(27, 12), "ngày làm việc"),                   # Friday's lunch break
    (at(27, 18), "ngày làm việc"),                   # after closing
])
def test_the_new_date_must_be_a_working_time_after_the_due_date(timed, frozen_clock, new_due, message):
    dossier = receive(timed)
    with pytest.raises(FormInvalid) as refused:
        apologise(timed, dossier.id, new_due)
    assert message in refused.value.field_errors["new_due_at"][0]
    d = read(timed, Dossier, dossier.id)
    assert d.due_at == at(26, 9) and d.apology_issued_at is None


def test_only_supervisors_and_leaders_of_the_agency_apologise_with_a_reason(timed, frozen_clock):
    dossier = receive(timed)
    for username in ("chuyenvien", "tiepnhan", "congan"):
        with pytest.raises(NotFound):
            apologise(timed, dossier.id, at(30, 17), username=username)
    with pytest.raises(FormInvalid) as refused:
        apologise(timed, dossier.id, at(30, 17), reason="  ")
    assert "reason" in refused.value.field_errors
    assert apologise(timed, dossier.id, at(30, 17), username="lanhdao").issued_by_id == timed.users["lanhdao"]


def test_no_apology_for_a_finished_dossier(timed, frozen_clock):
    dossier = receive(timed)
    finish(timed, dossier.id)
    with pytest.raises(InvalidState, match="đã kết thúc"):
        apologise(timed, dossier.id, at(30, 17))


# Notifications ---------------------------------------------------------------------------------

def test_notifications_list_newest_first_and_mark_read(timed, frozen_clock):
    first = receive(timed, "Người A")
    frozen_clock.current = at(25, 9, 30)
    sweep(timed)
    me = timed.users["giamsat"]
    with timed.motcua.read_session() as s:
        page = notifications(s, me)
        assert unread_count(s, me) == 2
    assert [r.message_vi.split(":")[0] for r in page.rows] == [
        f"Hồ sơ {first.code} có nguy cơ trễ hạn (hạn 09", "Quá hạn"]
    assert all(r.dossier_code == first.code and r.read_at is None for r in page.rows)
    # Someone else's notification: not found, and nothing changes.
    with pytest.raises(NotFound):
        mark_read(timed.motcua.uow(), actor_id=timed.users["chuyenvien"], notification_id=page.rows[0].id)
    assert mark_read(timed.motcua.uow(), actor_id=me, notification_id=page.rows[0].id) == 1
    with timed.motcua.read_session() as s:
        assert unread_count(s, me) == 1
        assert [r.id for r in notifications(s, me, unread_only=True).rows] == [page.rows[1].id]
    assert mark_read(timed.motcua.uow(), actor_id=me) == 1
    with timed.motcua.read_session() as s:
        assert unread_count(s, me) == 0 and len(notifications(s, me).rows) == 2
        # The specialists' warnings are theirs alone.
        assert s.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))) == 0


# Statistics: judged against the original date ------------------------------------------------------

NOVEMBER = Period.month(2026, 11)

def test_punctuality_is_judged_against_the_original_due_date(timed, frozen_clock):
    early, on_time, late, apologised, open_ok, open_late = (receive(timed, f"Người {n}") for n in range(6))
    # Every dossier is due Thu 26/11 09:00 (original).
    frozen_clock.current = at(25, 15)
    finish(timed, early.id)
    apologise(timed, apologised.id, at(2, 17, month=12))
    frozen_clock.current = at(26, 9)  # the due instant itself: on time
    finish(timed, on_time.id)
    frozen_clock.current = at(27, 10)
    finish(timed, late.id)
    finish(timed, apologised.id)  # before its new date, after the original one: late
    assert read(timed, Dossier, apologised.id).due_at == at(2, 17, month=12)
    with timed.motcua.read_session() as s:
        stats = figures(s, NOVEMBER, agency_ids=[timed.commune], now=at(27, 10))
    assert (stats["early"], stats["on_time"], stats["late"]) == (1, 1, 2)
    assert (stats["within_time"], stats["overdue"]) == (0, 2)
    assert stats.on_time_share == pytest.approx(2 / 6)
    with timed.motcua.read_session() as s:
        before = figures(s, NOVEMBER, agency_ids=[timed.commune], now=at(26, 9))  # the due instant: not overdue yet
        assert (before["within_time"], before["overdue"]) == (4, 0)
        assert figures(s, NOVEMBER, agency_ids=[timed.police], now=at(27, 10)).judged == 0


# Public tracking --------------------------------------------------------------------------------

def test_tracking_needs_the_code_and_the_id_or_phone(timed, frozen_clock):
    dossier = receive(timed, id_number="001090012345", phone="0912 345 678")
    with timed.motcua.read_session() as s:
        by_id = track(s, dossier.code, "001090012345")
        by_phone = track(s, dossier.code.lower(), "+84 912.345.678")
        assert by_id == by_phone and by_id.code == dossier.code
        assert by_id.procedure_name == "Thủ tục thử co_thoi_han" and by_id.due_at == at(26, 9)
        assert [(st.step_name, st.agency_name) for st in by_id.current_steps] == [("Kiểm tra", "UBND xã Tân Phong")]
        assert track(s, dossier.code, "001090012346") is None
        assert track(s, dossier.code, "") is None
        assert track(s, "000.31.21.H56-261123-9999", "001090012345") is None
    no_phone = receive(timed, "Người không có số")
    with timed.motcua.read_session() as s:
        assert track(s, no_phone.code, "") is None  # an empty stored factor never matches


# Inbox marks -------------------------------------------------------------------------------------

def test_steps_are_due_soon_in_their_last_quarter_and_overdue_after(timed, frozen_clock):
    dossier = receive(timed)
    item = open_item(timed, dossier.id).id
    with timed.motcua.read_session() as s:
        # 1 working day allotted: due soon at the scheduler's warning, 2 working hours before: Wed
        # 07:00, since Tuesday is a holiday (not on Monday evening, nor on the holiday).
        assert urgency(s, [item], now=at(23, 16)) == {}
        assert urgency(s, [item], now=at(24, 16)) == {}
        assert urgency(s, [item], now=at(25, 7)) == {item: "due_soon"}
        assert urgency(s, [item], now=at(25, 8)) == {item: "due_soon"}
        assert urgency(s, [item], now=at(25, 9)) == {item: "overdue"}
