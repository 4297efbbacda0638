"""The invariant checker finds nothing on dossiers the commands moved, and names each kind of
damage when a row is changed behind the engine's back."""
from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import text, update

from engine import clock, commands
from engine.invariants import check
from engine.models import AuditEvent, Dossier, WorkItem
from tests.test_engine_guards import APPRAISAL, claim_and_complete, open_item, receive
from tests.test_state_compaction import send_back_once
from webapp.cli import main


def a_busy_day(demo):
    """Dossiers in every shape: just received, sent back twice, finished, withdrawn."""
    fresh = receive(demo)
    looped = receive(demo)
    for lap in (1, 2):
        send_back_once(demo, looped.id, lap)
    finished = receive(demo)
    claim_and_complete(demo, finished.id, "chuyenvien", APPRAISAL)
    claim_and_complete(demo, finished.id, "lanhdao", {"decision": "approve"})
    claim_and_complete(demo, finished.id, "chuyenvien", {"register_book": "01", "register_number": 2,
                                                         "registered_on": "2026-11-23"})
    claim_and_complete(demo, finished.id, "tiepnhan", {"returned_to": "Nguyễn Văn An", "return_method": "counter"})
    withdrawn = receive(demo)
    commands.withdraw(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=withdrawn.id,
                      reason="Công dân xin rút hồ sơ")
    return fresh, looped, finished, withdrawn


def test_dossiers_moved_by_the_commands_hold_every_invariant(demo):
    a_busy_day(demo)
    report = check(demo.motcua, batch=2)
    assert report.ok, [str(v) for v in report.violations]
    assert (report.dossiers, report.work_items) == (4, 11)


def test_a_supplement_asked_and_recorded_holds_every_invariant(demo):
    """Asking finishes the step that asks, recording finishes the waiting one: both are in the
    audit, so the checker does not report them as finished behind its back."""
    from tests.test_supplements import ask, give, receive as receive_any
    dossier = receive_any(demo)
    ask(demo, dossier.id)
    give(demo, dossier.id)
    report = check(demo.motcua)
    assert report.ok, [str(v) for v in report.violations]


def test_each_kind_of_damage_is_named(demo, frozen_clock):
    fresh, looped, finished, _withdrawn = a_busy_day(demo)
    with demo.motcua.uow() as uow:
        s = uow.session
        # An open step's item lost (cancelled by hand): the workflow still waits there.
        s.execute(update(WorkItem).where(WorkItem.id == open_item(demo, fresh.id).id).values(state="cancelled"))
        # A revision without its history.
        s.execute(update(Dossier).where(Dossier.id == looped.id).values(revision=Dossier.revision + 1))
        uow.commit()
    with demo.motcua.uow() as uow:  # a step recorded twice (the audit is append-only: add a row)
        uow.session.add(AuditEvent(dossier_id=finished.id, at=clock.now(), action="completed", step_id="approve",
                                   status_before=4, status_after=4, detail={}))
        uow.commit()
    report = check(demo.motcua)
    found = {(v.dossier_id, v.invariant) for v in report.violations}
    assert found == {(fresh.id, "work_items"), (looped.id, "revision"), (finished.id, "steps")}, \
        [str(v) for v in report.violations]

    # Time passes and no scheduler runs: the steps due for a warning are flagged as not swept.
    later = check(demo.motcua, now=clock.now() + timedelta(days=30))
    assert any(v.invariant == "escalation" and v.dossier_id == looped.id for v in later.violations)


def test_motcua_check_exits_1_and_lists_what_it_found(demo, settings, monkeypatch):
    fresh, *_rest = a_busy_day(demo)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "checked 4 dossiers" in result.output and "violations: none" in result.output
    with demo.motcua.uow() as uow:
        uow.session.execute(text("UPDATE work_items SET state = 'cancelled' WHERE dossier_id = :d AND state = 'open'"),
                            {"d": fresh.id})
        uow.commit()
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "work_items: READY steps without an open item" in result.output and "work_items: 1" in result.output
