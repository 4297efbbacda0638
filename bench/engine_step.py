"""How long one step of a case takes, from the bare engine up to a committed command.

    .venv/bin/python bench/engine_step.py [--db sqlite|postgres|both] [--rounds N]

(a) The engine floor, for each human step of the reference procedure (dang_ky_ket_hon.bpmn):
    - in memory: get the READY task, add the form data, run it, do_engine_steps;
    - the project's serializer (engine/runtime/serializer.py, spec from the cache):
      deserialize → step → serialize;
    - SpiffWorkflow's plain serializer with the spec inside the JSON: the same, for comparison.
(b) The same step as a command with the database: ``engine.commands.claim`` and
    ``engine.commands.complete`` on SQLite (a file, WAL) and/or PostgreSQL, with the number of
    SQL statements each command sends.
(c) The ratio complete / floor (deserialize → step → serialize with the project's serializer).
    The aim is at most 3x.
"""
from __future__ import annotations

import argparse
import json

from _harness import (
    DEFAULT_POSTGRES, FORMS_DIR, HAPPY_PATH, PROCEDURE_KEY, REFERENCE_BPMN, START_DATA, Samples,
    StatementCounter, database_url, fresh_database, print_table, timed,
)

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.procedures.registry import check_file
from engine.runtime import serializer as project_serializer
from engine.runtime.sandbox import SCRIPT_ENGINE

WARMUP = 5


# ---------------------------------------------------------------------------------------------
# (a) the engine floor


def _step(workflow, step_id: str, data: dict) -> None:
    """What the engine must do for one human step, and nothing more."""
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                if t.task_spec.bpmn_id == step_id)
    task.task_spec.add_data_from_form(task, data)
    task.run()
    workflow.do_engine_steps()


def _states_before_each_step(spec, subprocess_specs):
    """The stored state (project format) just before each step of the happy path."""
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)
    workflow.data.update(START_DATA)
    workflow.task_tree.data.update(START_DATA)
    workflow.do_engine_steps()
    states = []
    for step_id, _user, data in HAPPY_PATH:
        states.append(project_serializer.dump_state(workflow))
        _step(workflow, step_id, json.loads(json.dumps(data)))
    assert workflow.is_completed(), "the happy path should end the workflow"
    return states


def engine_floor(rounds: int) -> dict[str, dict[str, Samples]]:
    checked = check_file(REFERENCE_BPMN, FORMS_DIR)
    spec_json = project_serializer.specs_to_json(checked.spec, checked.subprocess_specs)
    # The cached spec objects, as SPEC_CACHE holds them for a deployed version.
    spec, subprocess_specs = project_serializer.specs_from_json(spec_json)
    full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(
        SPIFF_CONFIG, project_serializer._registry()))
    version = project_serializer.VERSION

    states = _states_before_each_step(spec, subprocess_specs)
    full_states = []
    for state in states:
        wf = project_serializer.load_state(state, version, spec, subprocess_specs)
        full_states.append(full.serialize_json(wf))

    results = {}
    for (step_id, _user, data), state, full_state in zip(HAPPY_PATH, states, full_states):
        in_memory, cached, plain = Samples(), Samples(), Samples()
        for i in range(rounds + WARMUP):
            keep = i >= WARMUP
            form = json.loads(json.dumps(data))
            wf = project_serializer.load_state(state, version, spec, subprocess_specs)
            wf.script_engine = SCRIPT_ENGINE
            with timed(in_memory if keep else Samples()):
                _step(wf, step_id, form)

            form = json.loads(json.dumps(data))
            with timed(cached if keep else Samples()):
                wf = project_serializer.load_state(state, version, spec, subprocess_specs)
                wf.script_engine = SCRIPT_ENGINE
                _step(wf, step_id, form)
                project_serializer.dump_state(wf)

            form = json.loads(json.dumps(data))
            with timed(plain if keep else Samples()):
                wf = full.deserialize_json(full_state)
                wf.script_engine = SCRIPT_ENGINE
                _step(wf, step_id, form)
                full.serialize_json(wf)
        results[step_id] = {"in_memory": in_memory, "cached": cached, "plain": plain,
                            "state_bytes": len(state), "full_bytes": len(full_state)}
    return results


# ---------------------------------------------------------------------------------------------
# (b) commands through the database


def command_path(url: str, rounds: int) -> dict[str, dict]:
    from engine import commands
    from engine.commands.reception import Applicant
    from engine.models import Agency, User, WorkItem
    from sqlalchemy import select

    motcua = fresh_database(url)
    counter = StatementCounter(motcua.db)
    with motcua.read_session() as s:
        users = {u.username: u.id for u in s.query(User)}
        commune = s.execute(select(Agency.id).where(Agency.kind == "commune_committee")).scalar_one()

    results = {step_id: {"claim": Samples(), "complete": Samples(), "claim_sql": [], "complete_sql": []}
               for step_id, _u, _d in HAPPY_PATH}
    receive = {"samples": Samples(), "sql": []}
    for i in range(rounds + WARMUP):
        keep = i >= WARMUP
        with counter.measuring() as seen, timed(receive["samples"] if keep else Samples()):
            dossier = commands.receive(
                motcua.uow(), actor_id=users["tiepnhan"], agency_id=commune, procedure_key=PROCEDURE_KEY,
                applicant=Applicant(name="Nguyễn Văn An", id_number="001088054321"), data=dict(START_DATA))
        if keep:
            receive["sql"].append(seen["statements"])
        for step_id, username, data in HAPPY_PATH:
            with motcua.read_session() as s:
                item_id = s.execute(select(WorkItem.id).where(
                    WorkItem.dossier_id == dossier.id, WorkItem.step_id == step_id,
                    WorkItem.state == "open")).scalar_one()
            row = results[step_id]
            with counter.measuring() as seen, timed(row["claim"] if keep else Samples()):
                commands.claim(motcua.uow(), actor_id=users[username], work_item_id=item_id)
            if keep:
                row["claim_sql"].append(seen["statements"])
            with counter.measuring() as seen, timed(row["complete"] if keep else Samples()):
                commands.complete(motcua.uow(), actor_id=users[username], work_item_id=item_id,
                                  data=json.loads(json.dumps(data)))
            if keep:
                row["complete_sql"].append(seen["statements"])
    motcua.dispose()
    results["_receive"] = receive
    return results


# ---------------------------------------------------------------------------------------------
# reporting


def report(floor, commands_by_db, rounds: int) -> None:
    print(f"\nrounds per figure: {rounds} (after {WARMUP} warm-up rounds); times in ms")
    rows = []
    for step_id, r in floor.items():
        rows.append([step_id, r["in_memory"].median_ms, r["in_memory"].p95_ms, r["cached"].median_ms,
                     r["cached"].p95_ms, r["plain"].median_ms, r["plain"].p95_ms,
                     r["state_bytes"], r["full_bytes"]])
    rows.append(_total_row(floor, ["in_memory", "cached", "plain"]))
    print_table("(a) engine floor: one human step of dang_ky_ket_hon",
                ["step", "in-memory med", "p95", "deser→step→ser (cached spec) med", "p95",
                 "deser→step→ser (full JSON) med", "p95", "state bytes", "full JSON bytes"], rows)

    for db, res in commands_by_db.items():
        rows = []
        for step_id, _u, _d in HAPPY_PATH:
            r = res[step_id]
            rows.append([step_id, r["claim"].median_ms, r["claim"].p95_ms, _sql(r["claim_sql"]),
                         r["complete"].median_ms, r["complete"].p95_ms, _sql(r["complete_sql"])])
        rec = res["_receive"]
        rows.append(["(receive)", "", "", "", rec["samples"].median_ms, rec["samples"].p95_ms, _sql(rec["sql"])])
        print_table(f"(b) commands with the database: {db}",
                    ["step", "claim med", "p95", "claim SQL", "complete med", "p95", "complete SQL"], rows)

    if commands_by_db:
        header = ["step", "floor (cached) med"]
        for db in commands_by_db:
            header += [f"complete {db}", f"ratio {db}", f"claim+complete {db}", f"ratio {db} (c+c)"]
        rows = []
        for step_id, _u, _d in HAPPY_PATH + [("all steps", None, None)]:
            if step_id == "all steps":
                base = sum(floor[s]["cached"].median_ms for s, _u, _d in HAPPY_PATH)
            else:
                base = floor[step_id]["cached"].median_ms
            row = [step_id, base]
            for db, res in commands_by_db.items():
                steps = [s for s, _u, _d in HAPPY_PATH] if step_id == "all steps" else [step_id]
                complete = sum(res[s]["complete"].median_ms for s in steps)
                both = complete + sum(res[s]["claim"].median_ms for s in steps)
                row += [complete, f"{complete / base:.2f}x", both, f"{both / base:.2f}x"]
            rows.append(row)
        print_table("(c) ratio of the command to the floor (deserialize → step → serialize, cached spec); "
                    "aim ≤ 3x", header, rows)


def _total_row(floor, keys):
    row = ["all steps (sum of medians)"]
    for key in keys:
        row += [sum(r[key].median_ms for r in floor.values()), ""]
    row += ["", ""]
    return row


def _sql(counts: list[int]) -> str:
    lo, hi = min(counts), max(counts)
    return str(lo) if lo == hi else f"{lo}–{hi}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both", "none"], default="both")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="PostgreSQL database to use; its public schema is dropped and rebuilt")
    args = parser.parse_args()

    floor = engine_floor(args.rounds)
    dbs = {"none": [], "both": ["sqlite", "postgres"]}.get(args.db, [args.db])
    commands_by_db = {db: command_path(database_url(db, args.postgres_url), args.rounds) for db in dbs}
    report(floor, commands_by_db, args.rounds)


if __name__ == "__main__":
    main()
