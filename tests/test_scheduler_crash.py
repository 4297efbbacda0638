"""A scheduler process killed (SIGKILL) in the middle of a tick, then restarted: nothing is lost,
and nothing is done twice, except the one mail the SMTP server accepted just before the crash,
which is sent again with the same Message-ID (delivery is at least once, by design).

The child process (tests/_scheduler_child.py) stops at a chosen point and says so on stdout; this
test kills it there. Time moves by restarting the child with a later MOTCUA_FROZEN_NOW, never by
sleeping: the mail lease (5 minutes) runs out because the frozen clock says so.
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from engine.config import PROJECT_ROOT
from engine.models import Escalation, Notification, OutgoingMail
from engine.scheduler.mail_delivery import LEASE
from tests.conftest import TEST_DATABASE_URL, on_postgres
from tests.test_escalation import at, count, receive, smtp, timed  # noqa: F401  (fixtures)

DOSSIERS = 3
CRASH_AT = at(25, 9, 30)  # every step is overdue and every dossier needs its apology
AFTER_LEASE = CRASH_AT + LEASE + timedelta(minutes=1)
NO_MARKER_WITHIN = 120  # seconds: only so that a broken child cannot hang the test run forever


class Scheduler:
    """Starts real scheduler processes against the test database and the loopback SMTP server."""

    def __init__(self, settings, smtp, tmp_path):
        self.url = settings.database_url
        if TEST_DATABASE_URL:  # tagged, so that we can see when PostgreSQL has noticed a death
            self.tag = f"motcua-crash-{uuid.uuid4().hex[:8]}"
            self.url += ("&" if "?" in self.url else "?") + f"application_name={self.tag}"
        self.smtp_port, self.tmp_path = smtp.port, tmp_path

    def _start(self, args, now):
        env = dict(os.environ, DATABASE_URL=self.url, MOTCUA_SMTP_HOST="127.0.0.1",
                   MOTCUA_SMTP_PORT=str(self.smtp_port), MOTCUA_FROZEN_NOW=now.isoformat())
        stderr = open(self.tmp_path / f"child-{uuid.uuid4().hex[:6]}.err", "w+")
        child = subprocess.Popen([sys.executable, "-m", "tests._scheduler_child", *args], cwd=PROJECT_ROOT,
                                 env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        child.stderr_file = stderr
        return child

    def run_until_stopped(self, point: str, now) -> dict:
        """Run one tick that stops at ``point``, SIGKILL it there, and return what it reported."""
        child = self._start(["stop-at", point], now)
        line = _read_marker(child)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        self._wait_until_the_database_noticed()
        assert line.startswith(f"STOPPED {point} "), line
        return json.loads(line.split(" ", 2)[2])

    def tick(self, now) -> str:
        """`motcua scheduler --once`, the restarted scheduler."""
        env = dict(os.environ, DATABASE_URL=self.url, MOTCUA_SMTP_HOST="127.0.0.1",
                   MOTCUA_SMTP_PORT=str(self.smtp_port), MOTCUA_FROZEN_NOW=now.isoformat())
        done = subprocess.run([sys.executable, "-m", "webapp.cli", "scheduler", "--once"], cwd=PROJECT_ROOT,
                              env=env, capture_output=True, text=True, timeout=NO_MARKER_WITHIN)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def _wait_until_the_database_noticed(self):
        """PostgreSQL rolls the dead client's transaction back (and frees its row locks) when it
        reads the closed socket. Until then a restarted scheduler would SKIP LOCKED those rows."""
        if not TEST_DATABASE_URL:
            return  # SQLite: the dead process's file locks went with it
        engine = create_engine(TEST_DATABASE_URL)
        try:
            with engine.connect() as conn:
                while conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :tag"),
                                   {"tag": self.tag}).scalar():
                    conn.execute(text("SELECT pg_sleep(0.05)"))  # waiting for a fact, not moving time
                    conn.rollback()
        finally:
            engine.dispose()


def _read_marker(child) -> str:
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    if not selector.select(timeout=NO_MARKER_WITHIN):
        child.kill()
        child.wait()
        pytest.fail("the scheduler never reached the point: " + _stderr(child))
    line = child.stdout.readline().strip()
    if not line.startswith("STOPPED"):
        child.kill()
        child.wait()
        pytest.fail(f"the scheduler ended without stopping ({line!r}): " + _stderr(child))
    return line


def _stderr(child) -> str:
    child.stderr_file.seek(0)
    return child.stderr_file.read()[-3000:]


def message_ids(smtp) -> list[str]:
    return [next(line.split(":", 1)[1].strip() for line in content.splitlines()
                 if line.lower().startswith("message-id:")) for _, content in smtp.messages]


def outbox_ids(motcua) -> set[str]:
    with motcua.read_session() as s:
        return {f"<{key}@motcua>" for (key,) in s.query(OutgoingMail.dedupe_key)}


@pytest.fixture
def scheduler(timed, settings, smtp, tmp_path):
    for _ in range(DOSSIERS):
        receive(timed)
    return Scheduler(settings, smtp, tmp_path)


def assert_everything_once(motcua, smtp):
    """One overdue escalation per step and one will-be-late per dossier, each to the commune's one
    supervisor: a notification and a mail each, and each mail once at the SMTP server."""
    assert count(motcua, Escalation, level="overdue") == DOSSIERS
    assert count(motcua, Escalation, level="will_be_late") == DOSSIERS
    assert count(motcua, Notification) == 2 * DOSSIERS
    assert count(motcua, OutgoingMail) == 2 * DOSSIERS
    received = message_ids(smtp)
    assert sorted(received) == sorted(outbox_ids(motcua)), "each mail of the outbox exactly once"
    with motcua.read_session() as s:
        assert all(m.sent_at is not None and m.next_attempt_at is None for m in s.query(OutgoingMail))


@pytest.mark.parametrize("level", ["overdue", "will_be_late"])
def test_killed_before_the_escalation_commit_leaves_nothing_and_the_restart_does_it_all(
        scheduler, timed, smtp, level):
    stopped = scheduler.run_until_stopped(f"escalation-commit:{level}", CRASH_AT)
    # The rows were really in the database, inside the transaction the kill cut short.
    assert stopped["flushed"] == DOSSIERS
    assert stopped["visible_in_transaction"]["escalations"] >= DOSSIERS
    assert stopped["visible_in_transaction"]["notifications"] >= DOSSIERS

    assert count(timed.motcua, Escalation, level=level) == 0
    assert smtp.messages == []  # mail goes out only after both sweeps
    scheduler.tick(CRASH_AT)
    assert_everything_once(timed.motcua, smtp)
    scheduler.tick(AFTER_LEASE)  # later ticks find nothing left
    assert_everything_once(timed.motcua, smtp)


def test_killed_after_leasing_a_mail_sends_it_once_when_the_lease_runs_out(scheduler, timed, smtp):
    stopped = scheduler.run_until_stopped("mail-leased", CRASH_AT)
    leased = f"<{stopped['message_id']}@motcua>"
    assert count(timed.motcua, Escalation) == 2 * DOSSIERS  # the sweeps had committed
    assert smtp.messages == []

    scheduler.tick(CRASH_AT)  # restarted at once: the others go, the leased one waits for its lease
    assert leased not in message_ids(smtp)
    assert len(smtp.messages) == 2 * DOSSIERS - 1
    scheduler.tick(CRASH_AT + LEASE - timedelta(seconds=1))
    assert len(smtp.messages) == 2 * DOSSIERS - 1

    scheduler.tick(AFTER_LEASE)
    assert_everything_once(timed.motcua, smtp)
    scheduler.tick(AFTER_LEASE + LEASE * 2)
    assert_everything_once(timed.motcua, smtp)


def test_killed_after_the_server_accepted_a_mail_resends_only_it_with_the_same_message_id(
        scheduler, timed, smtp):
    stopped = scheduler.run_until_stopped("mail-accepted", CRASH_AT)
    accepted = f"<{stopped['message_id']}@motcua>"
    assert message_ids(smtp) == [accepted]  # the server has it; the outbox does not know

    scheduler.tick(CRASH_AT)
    scheduler.tick(AFTER_LEASE)  # the lease ran out: sent again (at least once)
    scheduler.tick(AFTER_LEASE + LEASE * 2)

    received = Counter(message_ids(smtp))
    assert received[accepted] == 2, "the resend carries the Message-ID of the first send"
    assert {mid for mid, n in received.items() if n > 1} == {accepted}, "nothing else twice"
    assert set(received) == outbox_ids(timed.motcua)
    first, again = [content for _, content in smtp.messages if accepted in content]
    assert _without_date(first) == _without_date(again)  # the same mail, recognisable as such
    # Escalations and notifications are not touched by the resend.
    assert count(timed.motcua, Escalation) == 2 * DOSSIERS
    assert count(timed.motcua, Notification) == 2 * DOSSIERS
    with timed.motcua.read_session() as s:
        mail = s.query(OutgoingMail).filter_by(dedupe_key=stopped["message_id"]).one()
        assert (mail.attempts, mail.sent_at is not None) == (2, True)


def _without_date(content: str) -> str:
    return "\n".join(line for line in content.splitlines() if not line.lower().startswith(("date:", "x-peer")))


# ------------------------------------------------------------------------------------------------


DUE_ITEMS = 200


@on_postgres
def test_two_schedulers_ticking_together_over_200_due_steps_do_each_thing_once(timed, settings, smtp, tmp_path):
    """Two processes tick side by side through a morning: warnings (the unit's two specialists),
    then overdue steps and will-be-late dossiers (the supervisor). Mail goes out 100 per tick, so
    each process ticks several times at each instant, both at once."""
    for _ in range(DUE_ITEMS):
        receive(timed)
    totals = []
    # Both processes finish one instant before either starts the next. Were one to jump two hours
    # ahead while the other is still sending, the other's 5-minute mail leases would look expired
    # and a mail could rightly go twice (at least once is the design when a send outlives its lease).
    for instant in (at(25, 7, 30), at(25, 9, 30)):
        env = dict(os.environ, DATABASE_URL=settings.database_url, MOTCUA_SMTP_HOST="127.0.0.1",
                   MOTCUA_SMTP_PORT=str(smtp.port), MOTCUA_FROZEN_NOW=instant.isoformat())
        command = [sys.executable, "-m", "tests._scheduler_child", "ticks", instant.isoformat()]
        runs = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [r.communicate(timeout=600) for r in runs]
        assert all(r.returncode == 0 for r in runs), outputs
        totals += [json.loads(out.split("TOTALS ", 1)[1]) for out, _ in outputs]
    print("what each process did:", totals)

    mails = DUE_ITEMS * 2 + DUE_ITEMS + DUE_ITEMS
    assert count(timed.motcua, Escalation, level="warning") == DUE_ITEMS
    assert count(timed.motcua, Escalation, level="overdue") == DUE_ITEMS
    assert count(timed.motcua, Escalation, level="will_be_late") == DUE_ITEMS
    assert count(timed.motcua, Notification) == mails
    # What the two processes say they did adds up to each thing once.
    assert sum(t["warnings"] for t in totals) == DUE_ITEMS
    assert sum(t["overdue"] for t in totals) == DUE_ITEMS
    assert sum(t["will_be_late"] for t in totals) == DUE_ITEMS
    assert sum(t["mails_sent"] for t in totals) == mails
    received = message_ids(smtp)
    assert len(received) == mails
    assert sorted(received) == sorted(outbox_ids(timed.motcua))
