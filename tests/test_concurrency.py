"""Concurrency and crash safety of the case engine, against real parallel connections.

Officers click at the same moment far more often than one would think (a whole unit opening the
inbox at 7:30); these tests make them really collide, with threads released by one barrier, and
kill a process in the middle of a command. They run on SQLite and on PostgreSQL alike.
"""
from __future__ import annotations

import selectors
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from _concurrency_helpers import (
    APPRAISAL, CHILD_TIMEOUT, FLUSHED, add_specialists, fire_together, receive_marriage_dossiers, snapshot,
)
from engine import commands
from engine.errors import AlreadyClaimed, InvalidState
from engine.models import AuditEvent, Dossier, WorkItem

HELPERS = Path(__file__).with_name("_concurrency_helpers.py")


def _claimed_events(motcua, dossier_ids) -> dict[int, list[int]]:
    """dossier id → actors of its "claimed" audit events."""
    with motcua.read_session() as s:
        rows = s.execute(select(AuditEvent.dossier_id, AuditEvent.actor_id)
                         .where(AuditEvent.dossier_id.in_(dossier_ids), AuditEvent.action == "claimed")).all()
    found = {d: [] for d in dossier_ids}
    for dossier_id, actor_id in rows:
        found[dossier_id].append(actor_id)
    return found


def test_each_of_100_work_items_claimed_by_20_officers_at_once_has_exactly_one_winner(demo):
    motcua = demo.motcua
    officers = add_specialists(motcua, demo.commune, 20)
    items = receive_marriage_dossiers(demo, 100)

    def claim_as(officer):
        return lambda r: commands.claim(motcua.uow(), actor_id=officer.id, work_item_id=items[r]).assignee_id

    rounds = fire_together([claim_as(o) for o in officers], rounds=len(items))

    winners = {}
    for item_id, outcome in zip(items, rounds):
        assert len(outcome.results) == 1, f"work item {item_id}: {len(outcome.results)} winners"
        (index, assignee_id), = outcome.results.items()
        winner = officers[index]
        assert assignee_id == winner.id
        winners[item_id] = winner
        assert set(outcome.errors) == set(range(len(officers))) - {index}
        for error in outcome.errors.values():
            assert type(error) is AlreadyClaimed, repr(error)
            # The loser is told who has it, in Vietnamese first.
            assert error.message_vi == f"Công việc đã được {winner.full_name} nhận xử lý."
            assert error.details["holder"] == winner.full_name
    assert len(winners) == 100

    with motcua.read_session() as s:
        rows = s.execute(select(WorkItem).where(WorkItem.id.in_(items))).scalars().all()
        held = {i.id: (i.state, i.assignee_id) for i in rows}
        dossier_of = {i.id: i.dossier_id for i in rows}
    assert held == {item_id: ("open", w.id) for item_id, w in winners.items()}
    claimed = _claimed_events(motcua, list(dossier_of.values()))
    assert claimed == {dossier_of[item_id]: [w.id] for item_id, w in winners.items()}


def test_two_simultaneous_completions_of_one_step_advance_the_dossier_once(demo):
    motcua = demo.motcua
    officer = demo.users["chuyenvien"]
    # Several dossiers, one collision each: the race is won by either thread on different rounds.
    items = receive_marriage_dossiers(demo, 10)
    for item_id in items:
        commands.claim(motcua.uow(), actor_id=officer, work_item_id=item_id)
    with motcua.read_session() as s:
        dossier_of = dict(s.execute(select(WorkItem.id, WorkItem.dossier_id).where(WorkItem.id.in_(items))).all())
        revision_before = dict(s.execute(select(Dossier.id, Dossier.revision)).all())

    def complete(r):
        return commands.complete(motcua.uow(), actor_id=officer, work_item_id=items[r], data=APPRAISAL).id

    rounds = fire_together([complete, complete], rounds=len(items))

    for item_id, outcome in zip(items, rounds):
        dossier_id = dossier_of[item_id]
        assert list(outcome.results.values()) == [item_id]
        (error,) = outcome.errors.values()
        assert type(error) is InvalidState, repr(error)
        with motcua.read_session() as s:
            completed = s.execute(select(AuditEvent.step_id).where(
                AuditEvent.dossier_id == dossier_id, AuditEvent.action == "completed")).scalars().all()
            open_items = s.execute(select(WorkItem.step_id, WorkItem.role).where(
                WorkItem.dossier_id == dossier_id, WorkItem.state == "open")).all()
            appraise = s.get(WorkItem, item_id)
            dossier = s.get(Dossier, dossier_id)
        assert completed == ["appraise"]
        assert [tuple(r) for r in open_items] == [("approve", "leader")]
        assert (appraise.state, appraise.finished_by_id) == ("done", officer)
        assert dossier.revision == revision_before[dossier_id] + 1


def test_release_and_complete_of_one_step_at_once_serialise_without_deadlock(demo):
    """The holder releases a step in one tab while completing it in another (or a supervisor
    releases it while the officer completes): one of the two happens, the other is refused.

    On PostgreSQL this once deadlocked in most rounds (the dossier's FOR UPDATE against the KEY
    SHARE that the release's audit row takes), and without the item lock both "succeeded".
    """
    motcua = demo.motcua
    officer = demo.users["chuyenvien"]
    items = receive_marriage_dossiers(demo, 20)
    for item_id in items:
        commands.claim(motcua.uow(), actor_id=officer, work_item_id=item_id)
    with motcua.read_session() as s:
        dossier_of = dict(s.execute(select(WorkItem.id, WorkItem.dossier_id).where(WorkItem.id.in_(items))).all())

    def complete(r):
        return commands.complete(motcua.uow(), actor_id=officer, work_item_id=items[r], data=APPRAISAL).id

    def release(r):
        return commands.release(motcua.uow(), actor_id=officer, work_item_id=items[r]).id

    rounds = fire_together([complete, release], rounds=len(items))

    for item_id, outcome in zip(items, rounds):
        assert len(outcome.results) == 1, outcome
        (error,) = outcome.errors.values()
        assert type(error) is InvalidState, repr(error)
        completed = 0 in outcome.results
        with motcua.read_session() as s:
            actions = s.execute(select(AuditEvent.action).where(
                AuditEvent.dossier_id == dossier_of[item_id], AuditEvent.action.in_(["completed", "released"]))
            ).scalars().all()
            item = s.get(WorkItem, item_id)
            open_steps = s.execute(select(WorkItem.step_id).where(
                WorkItem.dossier_id == dossier_of[item_id], WorkItem.state == "open")).scalars().all()
        if completed:
            assert (actions, item.state, item.assignee_id, open_steps) == (["completed"], "done", officer, ["approve"])
        else:
            assert (actions, item.state, item.assignee_id, open_steps) == (["released"], "open", None, ["appraise"])


def _wait_for_line(proc, timeout: float) -> str:
    """The child's first line of output ("" if it ended or stayed silent past the safety net)."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            return ""
    return proc.stdout.readline().strip()


def test_a_process_killed_in_the_middle_of_a_command_leaves_the_dossier_untouched(demo, database_url):
    motcua = demo.motcua
    officer = demo.users["chuyenvien"]
    (item_id,) = receive_marriage_dossiers(demo, 1)
    commands.claim(motcua.uow(), actor_id=officer, work_item_id=item_id)
    with motcua.read_session() as s:
        dossier_id = s.get(WorkItem, item_id).dossier_id
    before = snapshot(motcua, dossier_id)

    child = subprocess.Popen(
        [sys.executable, str(HELPERS), database_url, str(officer), str(item_id)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = _wait_for_line(child, CHILD_TIMEOUT)
        assert line.startswith(FLUSHED), f"child said {line!r}; stderr:\n{child.stderr.read() if child.poll() is not None else ''}"
        # The child's writes are in the database (the revision it holds went up), not committed:
        # nobody else sees them yet.
        assert line == f"{FLUSHED} revision={before['dossier'][1] + 1}"
        assert snapshot(motcua, dossier_id) == before
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    assert snapshot(motcua, dossier_id) == before
    # No lock left behind: the same officer finishes the step now, and the dossier moves on once.
    commands.complete(motcua.uow(), actor_id=officer, work_item_id=item_id, data=APPRAISAL)
    after = snapshot(motcua, dossier_id)
    assert after["dossier"][1] == before["dossier"][1] + 1
    assert [e[1] for e in after["audit"][len(before["audit"]):]] == ["completed"]
    with motcua.read_session() as s:
        open_steps = s.execute(select(WorkItem.step_id).where(
            WorkItem.dossier_id == dossier_id, WorkItem.state == "open")).scalars().all()
        assert s.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.dossier_id == dossier_id, AuditEvent.action == "completed")).scalar() == 1
    assert open_steps == ["approve"]
