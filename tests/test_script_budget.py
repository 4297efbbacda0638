"""BPMN scripts and expressions run on a budget: a runaway script fails its command with a clear
message after a bounded time, leaves its dossier as it was and holds no lock, while other dossiers
and the scheduler go on; values too big to build are refused before they are built."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from engine import commands
from engine.commands.reception import Applicant
from engine.errors import ProcedureInvalid, ScriptError
from engine.models import Dossier, WorkItem
from engine.procedures.registry import check_and_deploy
from engine.runtime import script_limits
from engine.runtime.sandbox import SandboxEnvironment, SandboxViolation
from engine.runtime.script_limits import ScriptBudgetExceeded
from engine.scheduler.runner import run_tick
from tests.bpmn_samples import FORMS, RETURN_DATA, script_after_check, write
from tests.test_engine_guards import snapshot


@pytest.fixture
def short_budget():
    before = script_limits.budget_seconds()
    script_limits.configure(seconds=0.5)
    yield 0.5
    script_limits.configure(seconds=before)


def run(script: str, data: dict | None = None) -> dict:
    context = dict(data or {})
    SandboxEnvironment().execute(script, context)
    return context


def test_an_endless_loop_ends_at_the_budget(short_budget):
    started = time.monotonic()
    with pytest.raises(ScriptBudgetExceeded, match="budget of 0.5 s"):
        run("n = 0\nwhile True:\n    n += 1")
    assert time.monotonic() - started < 5  # the budget and a margin, not forever


def test_endless_recursion_and_comprehensions_end_too(short_budget):
    with pytest.raises(ScriptBudgetExceeded):
        run("def f(n):\n    return f(n - 1) + f(n - 2) if n > 1 else 1\nx = f(200)")
    with pytest.raises(ScriptBudgetExceeded):
        run("x = [[i * j for i in range(1000000)] for j in range(1000000)]")


@pytest.mark.parametrize("script", [
    "x = 10 ** (10 ** 8)",
    "x = pow(10, 10 ** 8)",
    "x = 2\nx **= 10 ** 9",
    "x = 'a' * 10 ** 10",
    "x = [0] * 10 ** 9",
    "x = 10 ** 9 * 'a'",
    "x = 1 << 10 ** 9",
    "x = sum(range(10 ** 12))",
    "x = bytes(10 ** 10)",
    "x = 'x'.ljust(10 ** 9)",
    "x = '0'.zfill(10 ** 9)",
    "x = ('a' * 1000).replace('a', 'a' * 100000)",
    "x = ''.join(['a' * 100000] * 100)",
    "x = '%*d' % (10 ** 9, 1)",
    "x = '%999999999d' % 1",
    "x = math.factorial(10 ** 7)",
    "x = math.prod(range(1, 100000))",
    "s = 'ab'\nwhile True:\n    s = s + s",
    "n = 3\nwhile True:\n    n = n * n",
])
def test_values_too_big_to_build_are_refused_before_they_are_built(script):
    started = time.monotonic()
    with pytest.raises(ScriptBudgetExceeded, match="too big"):
        run(script)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("script", [
    "try:\n    x = 1\nexcept Exception:\n    x = 2",
    "try:\n    x = 1\nfinally:\n    x = 2",
    "x = f'{1:>{10 ** 9}}'",
    "x = f'{1:>1000000000}'",
])
def test_what_could_escape_the_budget_does_not_compile(script):
    with pytest.raises(SandboxViolation):
        run(script)


def test_ordinary_scripts_run_as_before():
    result = run("total = sum(fees) * 2 ** 3 + len('phí ' * 3)\nlabel = f'{total:>8}' + '%d' % 5\n"
                 "items = [f * 10 for f in fees if f > 1]\nbig = 10 ** 300\nwidth = 'x'.ljust(20)",
                 {"fees": [1, 2, 3]})
    assert (result["total"], result["label"], result["items"]) == (60, "      605", [20, 30])
    assert result["big"] == 10 ** 300 and result["width"] == "x" + " " * 19


def test_the_budget_is_configured_from_the_environment(monkeypatch):
    from engine.config import Settings
    monkeypatch.setenv("MOTCUA_SCRIPT_SECONDS", "1.5")
    assert Settings().script_seconds == 1.5
    with pytest.raises(ValueError):
        script_limits.configure(seconds=0)


# --- in a command, with other dossiers going on -------------------------------------------------

RUNAWAY = "n = 0\nwhile True:\n    n += 1"


def _deploy(demo, tmp_path, pid, script):
    with demo.motcua.uow() as uow:
        check_and_deploy(uow, [write(tmp_path, f"{pid}.bpmn", script_after_check(pid, script))], FORMS)
        uow.commit()


def _receive(demo, key) -> int:
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                            procedure_key=key, applicant=Applicant(name="Nguyễn Văn An")).id


def _claimed_item(demo, dossier_id) -> int:
    with demo.motcua.read_session() as s:
        item = s.execute(select(WorkItem).where(WorkItem.dossier_id == dossier_id,
                                                WorkItem.state == "open")).scalar_one()
    commands.claim(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item.id)
    return item.id


def _complete(demo, item_id):
    return commands.complete(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item_id,
                             data=RETURN_DATA)


def test_a_runaway_script_fails_its_command_and_leaves_the_dossier_as_it_was(demo, tmp_path, short_budget):
    _deploy(demo, tmp_path, "vong_lap", RUNAWAY)
    dossier_id = _receive(demo, "vong_lap")
    item_id = _claimed_item(demo, dossier_id)
    before = snapshot(demo, dossier_id)
    with pytest.raises(ScriptError) as failed:
        _complete(demo, item_id)
    message = failed.value.message("vi")
    assert "Thủ tục thử vong_lap" in message and "«Tính toán»" in message and "0,5 giây" in message
    assert "[after]" not in message  # the element's id is for the modeller: in the detail and the log
    assert failed.value.details["technical"] == "[after] ran longer than its budget of 0.5 s"
    assert "vong_lap" in failed.value.message("en") and "budget" in failed.value.message("en")
    assert snapshot(demo, dossier_id) == before
    # No lock is left: the next command on the same dossier goes through at once.
    commands.release(demo.motcua.uow(), actor_id=demo.users["chuyenvien"], work_item_id=item_id)


def test_other_dossiers_and_the_scheduler_go_on_while_one_script_runs_away(demo, tmp_path, short_budget):
    script_limits.configure(seconds=2)
    _deploy(demo, tmp_path, "vong_lap", RUNAWAY)
    _deploy(demo, tmp_path, "tinh_phi", "fee = 50000 * 2")
    runaway_item = _claimed_item(demo, _receive(demo, "vong_lap"))
    failures = []

    def runaway():
        try:
            _complete(demo, runaway_item)
        except ScriptError as exc:
            failures.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    # Meanwhile: dossiers received, worked and finished; a scheduler tick.
    finished = []
    for _ in range(3):
        dossier_id = _receive(demo, "tinh_phi")
        _complete(demo, _claimed_item(demo, dossier_id))
        finished.append(dossier_id)
    run_tick(demo.motcua)  # raises if any of its jobs fails
    thread.join(timeout=60)
    assert not thread.is_alive() and len(failures) == 1
    with demo.motcua.read_session() as s:
        done = s.execute(select(Dossier.id, Dossier.status).where(Dossier.id.in_(finished))).all()
    assert sorted(done) == sorted((d, 10) for d in finished)


def test_a_deployed_procedure_may_not_catch_errors_in_its_scripts(demo, tmp_path):
    with pytest.raises(ProcedureInvalid, match="try/except"):
        _deploy(demo, tmp_path, "bat_loi", "try:\n    x = 1\nexcept Exception:\n    x = 2")
