"""Each process keeps the working calendars it has built (engine/calendar/store.py), so a step's
due date costs no calendar read; an administrator's change made in another process is still
counted from that process's next command on."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import pytest
from sqlalchemy import event, text

from engine import commands
from engine.commands.reception import Applicant
from engine.models import WorkItem
from tests.conftest import VN

APPRAISAL = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Đủ điều kiện."}


def at(day, hh, mm=0):
    return datetime(2026, 11, day, hh, mm, tzinfo=VN)


def approval_due(demo) -> datetime:
    """Receive a marriage registration and appraise it now: the approval step opens, due one
    working day later on the commune's calendar."""
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"))
    appraise = open_item(demo, dossier.id)
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=appraise.id)
    commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=appraise.id,
                      data=dict(APPRAISAL))
    approve = open_item(demo, dossier.id)
    assert approve.step_id == "approve"
    return approve.due_at.astimezone(VN)


def open_item(demo, dossier_id) -> WorkItem:
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()


def in_another_process(settings, *args: str) -> None:
    env = dict(os.environ, DATABASE_URL=settings.database_url)
    run = subprocess.run([sys.executable, "-m", "tests._calendar_admin_child", *args], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "DONE" in run.stdout, run.stderr


@pytest.fixture
def calendar_reads(demo):
    """How many times this process reads calendar days from the database."""
    seen = []

    def note(_conn, _cursor, statement, *_args):
        if "FROM calendar_days" in statement:
            seen.append(statement)
    event.listen(demo.motcua.db, "before_cursor_execute", note)
    yield seen
    event.remove(demo.motcua.db, "before_cursor_execute", note)


def test_a_day_off_set_by_another_process_moves_the_next_due_date(demo, frozen_clock, settings, calendar_reads):
    # Monday 23/11 09:00, one working day (8 office hours): Monday gives 6, Tuesday 24/11 is a
    # public holiday, so Wednesday 09:00.
    assert approval_due(demo) == at(25, 9)
    assert approval_due(demo) == at(25, 9)
    # The calendar was read while nothing was known yet; the same steps again read nothing.
    reads = len(calendar_reads)
    assert approval_due(demo) == at(25, 9)
    assert len(calendar_reads) == reads

    # The administrator, working in another process, closes the commune on Wednesday 25/11.
    in_another_process(settings, "day-off", str(demo.users["admin"]), "VN", "2026-11-25", "Nghỉ đột xuất")
    assert approval_due(demo) == at(26, 9)
    # Once read again, the new calendar is kept too.
    reads = len(calendar_reads)
    assert approval_due(demo) == at(26, 9)
    assert len(calendar_reads) == reads


def test_a_day_removed_by_plain_sql_is_seen_too(demo, frozen_clock):
    assert approval_due(demo) == at(25, 9)
    # Not through the administration pages: a database tool deleting the holiday row.
    with demo.motcua.uow() as uow:
        uow.session.execute(text("DELETE FROM calendar_days WHERE calendar_code = 'VN' AND day = :day"),
                            {"day": at(24, 0).date()})
        uow.commit()
    # Tuesday 24/11 is now a working day: Monday gives 6 hours, Tuesday the other 2.
    assert approval_due(demo) == at(24, 9)


def test_office_hours_changed_by_another_process_count_from_the_next_step(demo, frozen_clock, settings):
    frozen_clock.current = at(23, 12, 30)  # the lunch break under the present hours
    # 13:30-17:00 gives 3.5 hours on Monday, Tuesday is a holiday, 07:00-11:30 the other 4.5.
    assert approval_due(demo) == at(25, 11, 30)
    in_another_process(settings, "office-hours", str(demo.users["admin"]), str(demo.commune),
                       "08:00-12:00,13:00-17:00", "Asia/Ho_Chi_Minh")
    # The new hours: 13:00-17:00 gives 4 on Monday, 08:00-12:00 on Wednesday the other 4.
    assert approval_due(demo) == at(25, 12)
