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
    COMMAND_ADDS, DEFAULT_POSTGRES, FORMS_DIR, HAPPY_PATH, PROCEDURE_KEY, REFERENCE_BPMN, START_DATA,
    Samples, StatementCounter, database_url, demo_people, fresh_database, machine_line, open_step,
    print_table, timed,
)

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine.procedures.checker import check_file
from engine.runtime import serializer as project_serializer
from engine.runtime.sandbox import SCRIPT_ENGINE

WARMUP = 5


# ---------------------------------------------------------------------------------------------
# (a) the engine floor


def _step(workflow, step_id: str, data: dict) -> None:
    """What the engine must do for one human step, and nothing more."""
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                if t.task_spec.bpmn_id == step_id)
    task.task_spec.add_data_from_form(task, {**data, **COMMAND_ADDS.get(step_id, {})})
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


class FloorKit:
    """The reference procedure parsed once, and its stored state before each happy-path step."""

    def __init__(self):
        checked = check_file(REFERENCE_BPMN, FORMS_DIR)
        spec_json = project_serializer.specs_to_json(checked.spec, checked.subprocess_specs)
        # The cached spec objects, as SPEC_CACHE holds them for a deployed version.
        self.spec, self.subprocess_specs = project_serializer.specs_from_json(spec_json)
        self.full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(
            SPIFF_CONFIG, project_serializer._registry()))
        self.version = project_serializer.VERSION
        states = _states_before_each_step(self.spec, self.subprocess_specs)
        self.state = {step_id: state for (step_id, _u, _d), state in zip(HAPPY_PATH, states)}
        self.full_state = {step_id: self.full.serialize_json(self.load(state)) for step_id, state in self.state.items()}
        self.data = {step_id: data for step_id, _u, data in HAPPY_PATH}

    def load(self, state):
        wf = project_serializer.load_state(state, self.version, self.spec, self.subprocess_specs)
        wf.script_engine = SCRIPT_ENGINE
        return wf

    def form(self, step_id):
        return json.loads(json.dumps(self.data[step_id]))

    def in_memory(self, step_id, samples):
        wf, form = self.load(self.state[step_id]), self.form(step_id)
        with timed(samples):
            _step(wf, step_id, form)

    def cached(self, step_id, samples):
        form = self.form(step_id)
        with timed(samples):
            wf = self.load(self.state[step_id])
            _step(wf, step_id, form)
            project_serializer.dump_state(wf)

    def plain(self, step_id, samples):
        form = self.form(step_id)
        with timed(samples):
            wf = self.full.deserialize_json(self.full_state[step_id])
            wf.script_engine = SCRIPT_ENGINE
            _step(wf, step_id, form)
            self.full.serialize_json(wf)


def engine_floor(kit: FloorKit, rounds: int) -> dict[str, dict]:
    results = {}
    for step_id, _user, _data in HAPPY_PATH:
        in_memory, cached, plain = Samples(), Samples(), Samples()
        for i in range(rounds + WARMUP):
            keep = i >= WARMUP
            kit.in_memory(step_id, in_memory if keep else Samples())
            kit.cached(step_id, cached if keep else Samples())
            kit.plain(step_id, plain if keep else Samples())
        results[step_id] = {"in_memory": in_memory, "cached": cached, "plain": plain,
                            "state_bytes": len(kit.state[step_id]), "full_bytes": len(kit.full_state[step_id])}
    return results


# ---------------------------------------------------------------------------------------------
# (b) commands through the database


def command_path(url: str, rounds: int, kit: FloorKit) -> dict[str, dict]:
    """Claim and complete every step of the happy path, ``rounds`` dossiers. Right before each
    complete the cached-spec floor of the same step runs too ("paired floor"), so that the ratio
    compares figures taken under the same load of the machine."""
    from engine import commands
    from engine.commands.reception import Applicant
    from sqlalchemy import text

    motcua = fresh_database(url)
    counter = StatementCounter(motcua.db)
    users, commune = demo_people(motcua)

    # The database's own floor: a write transaction of one row (UPDATE + COMMIT), no ORM.
    bare = {"samples": Samples(), "sql": []}
    for i in range(rounds + WARMUP):
        with counter.measuring() as seen, timed(bare["samples"] if i >= WARMUP else Samples()):
            with motcua.db.begin() as conn:
                conn.execute(text("UPDATE agencies SET name = name WHERE id = :id"), {"id": commune})
        if i >= WARMUP:
            bare["sql"].append(seen["statements"])

    results = {step_id: {"claim": Samples(), "complete": Samples(), "floor": Samples(), "claim_sql": [],
                         "complete_sql": []}
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
            item_id = open_step(motcua, dossier.id, step_id)
            row = results[step_id]
            with counter.measuring() as seen, timed(row["claim"] if keep else Samples()):
                commands.claim(motcua.uow(), actor_id=users[username], work_item_id=item_id)
            if keep:
                row["claim_sql"].append(seen["statements"])
            kit.cached(step_id, row["floor"] if keep else Samples())
            with counter.measuring() as seen, timed(row["complete"] if keep else Samples()):
                commands.complete(motcua.uow(), actor_id=users[username], work_item_id=item_id,
                                  data=json.loads(json.dumps(data)))
            if keep:
                row["complete_sql"].append(seen["statements"])
    motcua.dispose()
    results["_receive"] = receive
    results["_bare"] = bare
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
    for row, r in zip(rows, list(floor.values()) + [None]):
        row.insert(5, r["cached"].cpu_median_ms if r else sum(x["cached"].cpu_median_ms for x in floor.values()))
    print_table("(a) engine floor: one human step of dang_ky_ket_hon",
                ["step", "in-memory med", "p95", "deser→step→ser (cached spec) med", "p95", "CPU med",
                 "deser→step→ser (full JSON) med", "p95", "state bytes", "full JSON bytes"], rows)

    for db, res in commands_by_db.items():
        rows = []
        for step_id, _u, _d in HAPPY_PATH:
            r = res[step_id]
            rows.append([step_id, r["claim"].median_ms, r["claim"].p95_ms, _sql(r["claim_sql"]),
                         r["complete"].median_ms, r["complete"].p95_ms, r["complete"].cpu_median_ms,
                         _sql(r["complete_sql"])])
        rec = res["_receive"]
        rows.append(["(receive)", "", "", "", rec["samples"].median_ms, rec["samples"].p95_ms,
                     rec["samples"].cpu_median_ms, _sql(rec["sql"])])
        bare = res["_bare"]
        rows.append(["(one-row write transaction)", "", "", "", bare["samples"].median_ms, bare["samples"].p95_ms,
                     bare["samples"].cpu_median_ms, _sql(bare["sql"])])
        print_table(f"(b) commands with the database: {db}",
                    ["step", "claim med", "p95", "claim SQL", "complete med", "p95", "complete CPU med",
                     "complete SQL"], rows)

    steps = [s for s, _u, _d in HAPPY_PATH]
    for db, res in commands_by_db.items():
        rows = []
        for step_id in steps + ["all steps"]:
            chosen = steps if step_id == "all steps" else [step_id]

            def total(key, cpu=False):
                return sum(res[s][key].cpu_median_ms if cpu else res[s][key].median_ms for s in chosen)
            base, complete, both = total("floor"), total("complete"), total("complete") + total("claim")
            base_cpu, complete_cpu = total("floor", cpu=True), total("complete", cpu=True)
            rows.append([step_id, base, complete, f"{complete / base:.2f}x", both, f"{both / base:.2f}x",
                         base_cpu, complete_cpu, f"{complete_cpu / base_cpu:.2f}x"])
        cpu_note = " (CPU of this process only: the server's work is not in it)" if db == "postgres" else ""
        print_table(f"(c) {db}: complete against the floor (deserialize → step → serialize, cached spec, "
                    f"measured right before each complete); aim ≤ 3x; all steps = sums of medians{cpu_note}",
                    ["step", "floor med", "complete med", "ratio", "claim+complete", "ratio (c+c)",
                     "floor CPU", "complete CPU", "CPU ratio"], rows)


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

    print(machine_line())
    kit = FloorKit()
    floor = engine_floor(kit, args.rounds)
    dbs = {"none": [], "both": ["sqlite", "postgres"]}.get(args.db, [args.db])
    commands_by_db = {db: command_path(database_url(db, args.postgres_url), args.rounds, kit) for db in dbs}
    report(floor, commands_by_db, args.rounds)
    print("\n" + machine_line("at the end"))


if __name__ == "__main__":
    main()
