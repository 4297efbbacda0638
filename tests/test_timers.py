"""BPMN timers on working time: the due moment comes from the agency's calendar in the database,
the scheduler wakes the dossier when the engine clock passes it, and the timer's path runs once."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine import commands
from engine.commands.calendar_admin import add_day_off
from engine.commands.reception import Applicant
from engine.commands.timers import wake
from engine.models import AuditEvent, Dossier, WorkItem
from engine.procedures.registry import check_and_deploy
from engine.runtime.sandbox import make_script_engine
from engine.scheduler.runner import run_tick
from engine.scheduler.timers import sweep_timers
from engine.statuses import DossierStatus
from tests.bpmn_samples import FORMS, HEADER, PROCEDURE_PROPERTIES, RETURN_DATA, write
from tests.conftest import VN

DEADLINE = 'working_deadline(None, "2 working days")'


def timer_procedure(pid: str, *, timer: str = DEADLINE, on_timeout: str = "escalated = True",
                    kind: str = "timeDate") -> str:
    """check (specialist) → approve (leader) → end. If approve is still open when the timer on it
    runs out, it is cancelled: a script notes it and the supervisor gets a step of their own."""
    task = """<bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="tra_ket_qua.json" />
        <spiffworkflow:property name="dossierStatus" value="4" />
      </spiffworkflow:properties></bpmn:extensionElements>"""
    return HEADER.format(pid=pid) + f"""
  <bpmn:process id="{pid}" name="Thủ tục có hẹn giờ {pid}" isExecutable="true">
    {PROCEDURE_PROPERTIES}
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_s" name="specialist"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>check</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_l" name="leader"><bpmn:flowNodeRef>approve</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>late</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_v" name="supervisor"><bpmn:flowNodeRef>mark</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>escalate</bpmn:flowNodeRef><bpmn:flowNodeRef>end_late</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:userTask id="check" name="Kiểm tra">{task}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="approve" />
    <bpmn:userTask id="approve" name="Phê duyệt">{task}
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="late" name="Quá hạn phê duyệt" attachedToRef="approve">
      <bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition id="late_timer"><bpmn:{kind}>{timer}</bpmn:{kind}></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="mark" />
    <bpmn:scriptTask id="mark" name="Ghi nhận quá hạn"><bpmn:incoming>f4</bpmn:incoming>
      <bpmn:outgoing>f5</bpmn:outgoing><bpmn:script>{on_timeout}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f5" sourceRef="mark" targetRef="escalate" />
    <bpmn:userTask id="escalate" name="Xử lý hồ sơ chậm phê duyệt">{task}
      <bpmn:incoming>f5</bpmn:incoming><bpmn:outgoing>f6</bpmn:outgoing></bpmn:userTask>
    <bpmn:sequenceFlow id="f6" sourceRef="escalate" targetRef="end_late" />
    <bpmn:endEvent id="end_late"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def timed(demo, tmp_path):
    paths = [write(tmp_path, "hen_gio.bpmn", timer_procedure("hen_gio")),
             write(tmp_path, "hen_gio_loi.bpmn", timer_procedure("hen_gio_loi", on_timeout="escalated = 1 / 0")),
             write(tmp_path, "hen_gio_iso.bpmn", timer_procedure("hen_gio_iso", timer='"PT2H"', kind="timeDuration"))]
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, paths, FORMS)
        uow.commit()
    return demo


def at(day, hh, mm=0):
    return datetime(2026, 11, day, hh, mm, tzinfo=VN)


def at_approval(demo, clock, procedure="hen_gio") -> int:
    """Received Monday 23/11/2026 09:00, checked at 10:00: now waiting for the leader."""
    m = demo.motcua
    dossier = commands.receive(m.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key=procedure, applicant=Applicant(name="Nguyễn Văn An"))
    clock.current = at(23, 10)
    check = open_items(demo, dossier.id)[0][0]
    commands.claim(m.uow(), actor_id=demo.users["chuyenvien"], work_item_id=check)
    commands.complete(m.uow(), actor_id=demo.users["chuyenvien"], work_item_id=check, data=RETURN_DATA)
    return dossier.id


def open_items(demo, dossier_id) -> list[tuple[int, str, str]]:
    with demo.motcua.read_session() as s:
        return [tuple(r) for r in s.execute(select(WorkItem.id, WorkItem.step_id, WorkItem.role).where(
            WorkItem.dossier_id == dossier_id, WorkItem.state == "open").order_by(WorkItem.id))]


def dossier_row(demo, dossier_id) -> Dossier:
    with demo.motcua.read_session() as s:
        return s.get(Dossier, dossier_id)


def history(demo, dossier_id) -> list[AuditEvent]:
    with demo.motcua.read_session() as s:
        return list(s.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)
                              .order_by(AuditEvent.id)).scalars())


def test_working_deadline_in_the_sandbox():
    """Outside a command: the national calendar (Tuesday 24/11/2026 is a public holiday)."""
    engine = make_script_engine()
    env = engine.environment
    assert env.evaluate('working_deadline("2026-11-23T09:00:00+07:00", "2 working days")', {}) == \
        "2026-11-26T09:00:00+07:00"
    assert env.evaluate('working_deadline(start, "4 working hours")', {"start": "2026-11-23T16:00:00+07:00"}) == \
        "2026-11-25T10:00:00+07:00"
    with pytest.raises(ValueError, match="UTC offset"):
        env.evaluate('working_deadline("2026-11-23T09:00:00", "2 working days")', {})
    with pytest.raises(ValueError, match="not a time limit"):
        env.evaluate('working_deadline(None, "2 weeks")', {})


def test_the_timer_counts_working_days_on_the_agency_calendar(timed, frozen_clock):
    first = at_approval(timed, frozen_clock)
    # 2 working days from Monday 10:00: Tuesday 24/11 is a public holiday (seeded), so Thursday 10:00.
    assert dossier_row(timed, first).next_timer_at == at(26, 10)

    # An administrator closes the commune on Wednesday 25/11: timers started after that skip it too.
    add_day_off(timed.motcua.uow(), actor_id=timed.users["admin"], calendar_code="VN",
                day=at(25, 0).date(), name="Nghỉ đột xuất")
    frozen_clock.current = at(23, 9)
    second = at_approval(timed, frozen_clock)
    assert dossier_row(timed, second).next_timer_at == at(27, 10)
    assert dossier_row(timed, first).next_timer_at == at(26, 10)  # a started timer keeps its moment


def test_a_plain_iso_duration_counts_from_the_engine_clock(timed, frozen_clock):
    """Calendar time, not working time: two hours after the step opened, lunch break or not."""
    dossier_id = at_approval(timed, frozen_clock, "hen_gio_iso")
    assert dossier_row(timed, dossier_id).next_timer_at == at(23, 12)
    frozen_clock.current = at(23, 11, 59)
    assert run_tick(timed.motcua).timers == 0
    frozen_clock.current = at(23, 12, 1)
    assert run_tick(timed.motcua).timers == 1
    assert [step for _i, step, _r in open_items(timed, dossier_id)] == ["escalate"]


def test_the_scheduler_fires_a_due_timer_once(timed, frozen_clock):
    dossier_id = at_approval(timed, frozen_clock)
    approve = open_items(timed, dossier_id)
    assert [(step, role) for _id, step, role in approve] == [("approve", "leader")]

    frozen_clock.current = at(26, 9, 59)  # just before the timer: nothing happens
    assert run_tick(timed.motcua).timers == 0
    assert open_items(timed, dossier_id) == approve

    frozen_clock.current = at(26, 10, 1)
    assert run_tick(timed.motcua).timers == 1
    assert [(step, role) for _id, step, role in open_items(timed, dossier_id)] == [("escalate", "supervisor")]
    with timed.motcua.read_session() as s:
        assert s.get(WorkItem, approve[0][0]).state == "cancelled"
    fired = [e for e in history(timed, dossier_id) if e.action == "timer_fired"]
    assert len(fired) == 1
    assert fired[0].actor_id is None  # the system, not an officer
    assert fired[0].detail["timers"] == ["Quá hạn phê duyệt"]
    assert fired[0].detail["opened"] == ["escalate"] and fired[0].detail["cancelled"] == ["approve"]
    assert dossier_row(timed, dossier_id).next_timer_at is None

    frozen_clock.advance(timedelta(days=3))  # a second tick finds nothing more to fire
    assert run_tick(timed.motcua).timers == 0
    assert len([e for e in history(timed, dossier_id) if e.action == "timer_fired"]) == 1

    # The timer's path goes on like any other: the supervisor finishes the dossier.
    escalate = open_items(timed, dossier_id)[0][0]
    commands.claim(timed.motcua.uow(), actor_id=timed.users["giamsat"], work_item_id=escalate)
    commands.complete(timed.motcua.uow(), actor_id=timed.users["giamsat"], work_item_id=escalate, data=RETURN_DATA)
    assert dossier_row(timed, dossier_id).finished_at is not None


def test_a_step_finished_in_time_leaves_no_timer(timed, frozen_clock):
    dossier_id = at_approval(timed, frozen_clock)
    approve = open_items(timed, dossier_id)[0][0]
    commands.claim(timed.motcua.uow(), actor_id=timed.users["lanhdao"], work_item_id=approve)
    commands.complete(timed.motcua.uow(), actor_id=timed.users["lanhdao"], work_item_id=approve, data=RETURN_DATA)
    assert dossier_row(timed, dossier_id).next_timer_at is None
    frozen_clock.current = at(30, 12)
    assert run_tick(timed.motcua).timers == 0
    assert "timer_fired" not in [e.action for e in history(timed, dossier_id)]


def test_wake_does_nothing_before_the_due_time(timed, frozen_clock):
    dossier_id = at_approval(timed, frozen_clock)
    revision = dossier_row(timed, dossier_id).revision
    frozen_clock.current = at(26, 10)  # the due instant itself: the engine fires strictly after it
    assert wake(timed.motcua.uow(), dossier_id) == []
    assert dossier_row(timed, dossier_id).revision == revision
    frozen_clock.current = at(26, 10, 0) + timedelta(seconds=1)
    assert wake(timed.motcua.uow(), dossier_id) == ["Quá hạn phê duyệt"]
    assert wake(timed.motcua.uow(), dossier_id) == []


def test_a_stopped_dossier_is_not_woken(timed, frozen_clock):
    dossier_id = at_approval(timed, frozen_clock)
    commands.stop(timed.motcua.uow(), actor_id=timed.users["giamsat"], dossier_id=dossier_id, reason="Công dân đề nghị")
    frozen_clock.current = at(27, 9)
    assert run_tick(timed.motcua).timers == 0
    d = dossier_row(timed, dossier_id)
    assert d.status == DossierStatus.STOPPED and d.next_timer_at is None
    assert "timer_fired" not in [e.action for e in history(timed, dossier_id)]


def test_a_failing_timer_path_is_recorded_and_retried_later(timed, frozen_clock):
    broken = at_approval(timed, frozen_clock, "hen_gio_loi")
    frozen_clock.current = at(23, 9)
    healthy = at_approval(timed, frozen_clock)
    frozen_clock.current = at(26, 11)
    report = sweep_timers(timed.motcua)
    assert (report.fired, report.failed) == (1, [broken])  # the other dossier is not held up
    assert [step for _i, step, _r in open_items(timed, broken)] == ["approve"]  # rolled back
    assert [step for _i, step, _r in open_items(timed, healthy)] == ["escalate"]
    failed = [e for e in history(timed, broken) if e.action == "timer_failed"]
    assert len(failed) == 1 and "[mark]" in failed[0].detail["technical"]
    assert dossier_row(timed, broken).next_timer_at == at(26, 12)  # an hour later, not every tick
    assert sweep_timers(timed.motcua).failed == []


def test_two_schedulers_at_once_fire_each_timer_once(timed, frozen_clock):
    dossiers = []
    for _ in range(6):
        frozen_clock.current = at(23, 9)
        dossiers.append(at_approval(timed, frozen_clock))
    frozen_clock.current = at(26, 11)
    barrier, reports, errors = threading.Barrier(2), [], []

    def scheduler():
        try:
            barrier.wait()
            reports.append(sweep_timers(timed.motcua))
        except Exception as exc:  # reported below, with the thread's own traceback
            errors.append(exc)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.fired for r in reports) == 6
    for dossier_id in dossiers:
        assert [e.action for e in history(timed, dossier_id)].count("timer_fired") == 1
        assert [step for _i, step, _r in open_items(timed, dossier_id)] == ["escalate"]
