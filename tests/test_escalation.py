"""The scheduler warns, escalates and flags late dossiers once each, with mail through real SMTP."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from engine import commands
from engine.bootstrap import Motcua
from engine.commands.reception import Applicant
from engine.models import Dossier, Escalation, Notification, OutgoingMail, WorkItem
from engine.procedures.registry import check_and_deploy
from engine.scheduler.runner import run_tick
from integrations.mail import NullMailer, SmtpMailer
from tests.bpmn_samples import FORMS, one_step_then, write
from tests.conftest import VN


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port (aiosmtpd checks the port it is given)
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


def timed_procedure(tmp_path):
    xml = one_step_then("co_thoi_han", """
    <bpmn:userTask id="after" name="Trả kết quả">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="tra_ket_qua.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>flow_2</bpmn:incoming><bpmn:outgoing>flow_3</bpmn:outgoing>
    </bpmn:userTask>""")
    xml = xml.replace('name="timeLimit" value="none"', 'name="timeLimit" value="2 working days"', 1)
    xml = xml.replace('<spiffworkflow:property name="dossierStatus" value="4" />',
                      '<spiffworkflow:property name="dossierStatus" value="4" />'
                      '<spiffworkflow:property name="allotment" value="1 working days" />')
    return write(tmp_path, "co_thoi_han.bpmn", xml)


@pytest.fixture
def timed(demo, tmp_path, smtp):
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [timed_procedure(tmp_path)], FORMS)
        uow.commit()
    demo.motcua.mailer = SmtpMailer("127.0.0.1", smtp.port)
    return demo


def at(day, hh, mm=0):
    return datetime(2026, 11, day, hh, mm, tzinfo=VN)


def receive(demo):
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key="co_thoi_han", applicant=Applicant(name="Nguyễn Văn An"))


def count(motcua, model, **where):
    with motcua.read_session() as s:
        return s.execute(select(func.count()).select_from(model).filter_by(**where)).scalar_one()


def test_due_dates_come_from_the_calendar(timed):
    dossier = receive(timed)  # Monday 23/11/2026 09:00; Tuesday 24/11 is a holiday
    with timed.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        item = s.query(WorkItem).filter_by(dossier_id=d.id).one()
        assert d.due_at == d.original_due_at == at(26, 9)  # 2 working days: Mon 09:00 → Thu 09:00
        assert d.apology_check_at == at(25, 9)
        assert item.allotment == "1 working days"
        assert item.due_at == at(25, 9)  # one working day, skipping the 24/11 holiday
        assert item.next_escalation_at == at(25, 7)  # a quarter of 8 h left: 2 working hours before


def test_warning_then_overdue_then_will_be_late_each_once(timed, frozen_clock, smtp):
    dossier = receive(timed)
    motcua = timed.motcua
    frozen_clock.current = at(25, 6, 59)
    assert vars(run_tick(motcua)) == {"warnings": 0, "overdue": 0, "will_be_late": 0, "mails_sent": 0, "timers": 0}

    frozen_clock.current = at(25, 7, 30)  # unclaimed: the unit's two specialists are warned
    report = run_tick(motcua)
    assert (report.warnings, report.overdue, report.mails_sent) == (1, 0, 2)
    assert sorted(r[0][0] for r in smtp.messages) == ["chuyenvien2@tanphong.example", "chuyenvien@tanphong.example"]
    assert "Sắp đến hạn" in smtp.messages[0][1] or "=?utf-8?" in smtp.messages[0][1]
    assert vars(run_tick(motcua)) == {"warnings": 0, "overdue": 0, "will_be_late": 0, "mails_sent": 0, "timers": 0}

    frozen_clock.current = at(25, 9, 30)  # past the step's due time, and the dossier's apology point
    report = run_tick(motcua)
    assert (report.overdue, report.will_be_late) == (1, 1)
    assert report.mails_sent == 2  # the supervisor: once for the step, once for the dossier
    run_tick(motcua)
    assert len(smtp.messages) == 4
    assert count(motcua, Escalation) == 3
    with motcua.read_session() as s:
        supervisor_notes = s.query(Notification).filter_by(user_id=timed.users["giamsat"]).all()
        assert {n.message_vi.split(":")[0] for n in supervisor_notes} == {"Quá hạn", f"Hồ sơ {dossier.code} có nguy cơ trễ hạn (hạn 09"}


def test_a_claimed_step_warns_only_its_holder(timed, frozen_clock, smtp):
    dossier = receive(timed)
    with timed.motcua.read_session() as s:
        item = s.query(WorkItem).filter_by(dossier_id=dossier.id).one()
    commands.claim(timed.motcua.uow(), actor_id=timed.users["chuyenvien2"], work_item_id=item.id)
    frozen_clock.current = at(25, 8)
    run_tick(timed.motcua)
    assert [m[0] for m in smtp.messages] == [["chuyenvien2@tanphong.example"]]


def test_mail_waits_in_the_outbox_while_the_server_is_down(timed, frozen_clock, smtp):
    receive(timed)
    timed.motcua.mailer = SmtpMailer("127.0.0.1", 1)  # nothing listens there
    frozen_clock.current = at(25, 8)
    assert run_tick(timed.motcua).mails_sent == 0
    with timed.motcua.read_session() as s:
        pending = s.query(OutgoingMail).all()
        assert len(pending) == 2 and all(m.attempts == 1 and m.last_error for m in pending)
    timed.motcua.mailer = SmtpMailer("127.0.0.1", smtp.port)
    assert run_tick(timed.motcua).mails_sent == 0  # backing off: not yet
    frozen_clock.advance(timedelta(minutes=2))
    assert run_tick(timed.motcua).mails_sent == 2
    assert len(smtp.messages) == 2


def test_without_a_mail_server_mail_waits_untried_until_one_is_configured(timed, frozen_clock, smtp):
    receive(timed)
    timed.motcua.mailer = NullMailer()  # no MOTCUA_SMTP_HOST
    frozen_clock.current = at(25, 8)
    for _ in range(12):  # a day and more: past every retry a failing server would get
        frozen_clock.advance(timedelta(hours=2))
        assert run_tick(timed.motcua).mails_sent == 0
    with timed.motcua.read_session() as s:
        waiting = s.query(OutgoingMail).all()
        assert waiting and all(m.attempts == 0 and m.failed_at is None and m.sent_at is None for m in waiting)
    timed.motcua.mailer = SmtpMailer("127.0.0.1", smtp.port)
    assert run_tick(timed.motcua).mails_sent == len(waiting)
    assert len(smtp.messages) == len(waiting)


def test_two_scheduler_processes_at_once_send_each_mail_once(timed, frozen_clock, smtp, settings):
    for _ in range(30):
        receive(timed)
    env = dict(os.environ, DATABASE_URL=settings.database_url, MOTCUA_SMTP_HOST="127.0.0.1",
               MOTCUA_SMTP_PORT=str(smtp.port), MOTCUA_FROZEN_NOW=at(25, 9, 30).isoformat())
    command = [sys.executable, "-m", "webapp.cli", "scheduler", "--once"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [r.communicate(timeout=120) for r in runs]
    assert all(r.returncode == 0 for r in runs), outputs
    # 30 overdue steps and 30 will-be-late dossiers, each escalated once, each to the one supervisor.
    assert count(timed.motcua, Escalation) == 60
    assert len(smtp.messages) == 60
    ids = [next(line for line in m[1].splitlines() if line.lower().startswith("message-id")) for m in smtp.messages]
    assert len(set(ids)) == 60
