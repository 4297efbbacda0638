"""Where the wall time of a complete goes, phase by phase, without a profiler in the way.

    .venv/bin/python bench/command_phases.py [--db sqlite|postgres] [--rounds N] [--postgres-url URL]

cProfile (bench/profile_command.py) charges every Python call, so it inflates what makes many
small calls (SQLAlchemy, SpiffWorkflow's tree walks) against what makes few. Here the phases of
``engine.commands.complete`` are wrapped in ``perf_counter`` timers instead (a wrapper costs well
under a microsecond), and every statement is timed at the driver by SQLAlchemy's cursor events:
what is left of a phase once its statements are taken out is Python (ours, SQLAlchemy's,
SpiffWorkflow's).

Runs the happy path of the reference procedure N times after 5 warm-up rounds and prints, per
complete (the four steps together, as one average complete), each phase's mean time, its calls
and its share of the whole command. Phases nest (``advance`` holds the engine run, the save, the
work items' reconciliation and the history entry): the shares are not meant to add up.
"""
from __future__ import annotations

import argparse
import functools
import json
import time

from _harness import (
    DEFAULT_POSTGRES, HAPPY_PATH, PROCEDURE_KEY, START_DATA, database_url, demo_people, fresh_database,
    machine_line, open_step, print_table,
)
from sqlalchemy import event


class PhaseClock:
    """Accumulates the time spent in wrapped functions and in statements, while ``on``."""

    def __init__(self):
        self.on = False
        self.spent: dict[str, list[int]] = {}

    def add(self, label: str, ns: int) -> None:
        self.spent.setdefault(label, []).append(ns)

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            if not self.on:
                return original(*args, **kwargs)
            start = time.perf_counter_ns()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(label, time.perf_counter_ns() - start)

        setattr(owner, name, timed)

    def time_statements(self, db_engine) -> None:
        """Each statement at the driver, and the driver's COMMIT (not a statement on SQLite)."""
        self.wrap(db_engine.dialect, "do_commit", "  commit > the database's COMMIT")
        started = {}

        @event.listens_for(db_engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):
            started[id(conn)] = time.perf_counter_ns()

        @event.listens_for(db_engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            if self.on:
                # "INSERT INTO audit_events", "UPDATE work_items SET", "SELECT dossiers.id,": enough to tell them apart
                self.add("SQL " + " ".join(statement.split()[:3])[:48], time.perf_counter_ns() - started.pop(id(conn)))


def install(clock: PhaseClock) -> None:
    """The phases: where engine/commands/work.py and engine/commands/_steps.py spend a complete."""
    from sqlalchemy.orm import Session

    import engine.audit
    import engine.citizen_alerts
    import engine.commands._steps as steps
    import engine.commands.work as work
    import engine.officer_notices
    import engine.plain_updates
    import engine.portal_sync
    import engine.unit_of_work

    clock.wrap(engine.unit_of_work.UnitOfWork, "lock_dossier_of_work_item", "lock the dossier (first statement)")
    clock.wrap(engine.unit_of_work.UnitOfWork, "commit", "commit")
    clock.wrap(engine.plain_updates, "_write_plain_updates", "  commit > plain updates")
    clock.wrap(Session, "connection", "session.connection()")
    clock.wrap(work, "validate_form", "validate the form")
    clock.wrap(work, "load_workflow", "load the workflow (floor)")
    clock.wrap(work, "complete_task", "complete the task (floor)")
    clock.wrap(work, "advance", "advance")
    clock.wrap(steps, "run_engine", "  advance > run the engine (floor)")
    clock.wrap(steps, "save_workflow", "  advance > save the workflow (floor)")
    clock.wrap(steps, "sync_work_items", "  advance > reconcile work items")
    clock.wrap(engine.audit, "record", "  advance > history entry")
    clock.wrap(engine.portal_sync, "queue_status_change", "    history > portal record")
    clock.wrap(engine.citizen_alerts, "on_event", "    history > citizen's alerts")
    clock.wrap(engine.officer_notices, "on_status_change", "    history > officers' notices")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    print(machine_line())

    from engine import commands
    from engine.commands.reception import Applicant

    clock = PhaseClock()
    install(clock)
    motcua = fresh_database(database_url(args.db, args.postgres_url))
    clock.time_statements(motcua.db)
    users, commune = demo_people(motcua)

    completes: list[int] = []
    for i in range(args.rounds + 5):
        dossier = commands.receive(
            motcua.uow(), actor_id=users["tiepnhan"], agency_id=commune, procedure_key=PROCEDURE_KEY,
            applicant=Applicant(name="Nguyễn Văn An"), data=dict(START_DATA))
        for step_id, username, data in HAPPY_PATH:
            item_id = open_step(motcua, dossier.id, step_id)
            commands.claim(motcua.uow(), actor_id=users[username], work_item_id=item_id)
            submitted = json.loads(json.dumps(data))
            clock.on = i >= 5
            start = time.perf_counter_ns()
            commands.complete(motcua.uow(), actor_id=users[username], work_item_id=item_id, data=submitted)
            if clock.on:
                completes.append(time.perf_counter_ns() - start)
            clock.on = False
    motcua.dispose()

    n, whole = len(completes), sum(completes)
    rows = [["the whole complete", whole / n / 1e6, "1.0", "100.0 %"]]
    statements = 0
    for label, spent in sorted(clock.spent.items(), key=lambda kv: -sum(kv[1])):
        if label.startswith("SQL "):
            statements += sum(spent)
            continue
        rows.append([label, sum(spent) / n / 1e6, f"{len(spent) / n:.2f}", f"{100 * sum(spent) / whole:.1f} %"])
    rows.append(["every statement at the driver", statements / n / 1e6, "", f"{100 * statements / whole:.1f} %"])
    for label, spent in sorted(clock.spent.items(), key=lambda kv: -sum(kv[1])):
        if label.startswith("SQL "):
            rows.append(["  " + label, sum(spent) / n / 1e6, f"{len(spent) / n:.2f}", f"{100 * sum(spent) / whole:.1f} %"])
    print_table(f"{args.db}: a complete by phase, mean per complete over {n} completes ({args.rounds} rounds of "
                f"the four steps); ms", ["phase", "ms", "calls", "share"], rows)
    print("\n" + machine_line("at the end"))


if __name__ == "__main__":
    main()
