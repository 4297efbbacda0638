"""What a step costs in a dossier sent back many times: lap 400 against lap 1, in the same run.

    .venv/bin/python bench/long_dossier.py [--db sqlite|postgres|both] [--laps 400] [--rounds 30] [--whole-state]

A lap of the reference procedure's review loop (dang_ky_ket_hon.bpmn), through the commands:
the specialist claims and completes the appraisal, the leader claims the approval and sends it
back. Every command is its own committed transaction, as in the web app.

1. Growth: one dossier goes round ``--laps`` − 1 times; every so often the hot state's size (what
   each command loads and saves) and the rows moved to ``workflow_archive`` are printed.
2. Ratio: then ``--rounds`` times, alternately, one more lap of that dossier (lap ``--laps``,
   ``--laps`` + 1, …) and the first lap of a new dossier. Alternating puts both under the same load
   of a shared machine. Printed: median and p95 of the appraisal's ``complete`` and of the
   ``send_back`` for both, and the ratio of the medians.

``--whole-state`` turns the compaction off (every lap stays in the state, as before
engine/runtime/compaction.py), for comparison.
"""
from __future__ import annotations

import argparse

from _harness import (
    DEFAULT_POSTGRES, PROCEDURE_KEY, START_DATA, Samples, database_url, demo_people, fresh_database,
    machine_line, print_table, timed,
)
from sqlalchemy import func, select

APPRAISAL = {"conditions_met": True, "marital_status_verified": True,
             "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}


class Bench:
    def __init__(self, url: str):
        self.motcua = fresh_database(url)
        self.users, self.commune = demo_people(self.motcua)

    def new_dossier(self) -> int:
        from engine import commands
        from engine.commands.reception import Applicant
        return commands.receive(self.motcua.uow(), actor_id=self.users["tiepnhan"], agency_id=self.commune,
                                procedure_key=PROCEDURE_KEY, applicant=Applicant(name="Nguyễn Văn An"),
                                data=dict(START_DATA)).id

    def _open_item(self, dossier_id: int, step_id: str) -> int:
        from engine.models import WorkItem
        with self.motcua.read_session() as s:
            return s.execute(select(WorkItem.id).where(WorkItem.dossier_id == dossier_id, WorkItem.state == "open",
                                                       WorkItem.step_id == step_id)).scalar_one()

    def lap(self, dossier_id: int, complete: Samples, send_back: Samples, reason: str) -> None:
        from engine import commands
        uow, users = self.motcua.uow, self.users
        item = self._open_item(dossier_id, "appraise")
        commands.claim(uow(), actor_id=users["chuyenvien"], work_item_id=item)
        with timed(complete):
            commands.complete(uow(), actor_id=users["chuyenvien"], work_item_id=item, data=dict(APPRAISAL))
        item = self._open_item(dossier_id, "approve")
        commands.claim(uow(), actor_id=users["lanhdao"], work_item_id=item)
        with timed(send_back):
            commands.send_back(uow(), actor_id=users["lanhdao"], work_item_id=item, reason=reason)

    def stored(self, dossier_id: int) -> tuple[int, int]:
        from engine.models import Dossier, WorkflowArchive
        with self.motcua.read_session() as s:
            state = len(s.get(Dossier, dossier_id).workflow_state)
            archived = s.execute(select(func.count()).select_from(WorkflowArchive)
                                 .where(WorkflowArchive.dossier_id == dossier_id)).scalar_one()
        return state, archived


def run(db: str, url: str, laps: int, rounds: int, mode: str) -> None:
    bench = Bench(url)
    old = bench.new_dossier()
    growth, window = [], (Samples(), Samples())
    checkpoints = {1, 10, 50, 100, 200, 300, laps - 1}
    for lap in range(1, laps):
        bench.lap(old, *window, reason=f"Lần {lap}")
        if lap in checkpoints:
            growth.append([lap, *bench.stored(old), window[0].median_ms, window[1].median_ms])
            window = (Samples(), Samples())
    print_table(f"{db}, {mode}: growth of one dossier (times: median of the laps since the row above, ms)",
                ["after lap", "state bytes", "archive rows", "complete med", "send_back med"], growth)

    late, first = (Samples(), Samples()), (Samples(), Samples())
    for n in range(rounds):
        bench.lap(old, *late, reason=f"Lần {laps + n}")
        bench.lap(bench.new_dossier(), *first, reason="Lần 1")
    rows = []
    for name, index in (("complete (appraisal)", 0), ("send_back (approval)", 1)):
        a, b = first[index], late[index]
        rows.append([name, a.median_ms, a.p95_ms, a.cpu_median_ms, b.median_ms, b.p95_ms, b.cpu_median_ms,
                     f"{b.median_ms / a.median_ms:.2f}x", f"{b.cpu_median_ms / a.cpu_median_ms:.2f}x"])
    print_table(f"{db}, {mode}: lap {laps}… against lap 1, alternating, {rounds} rounds; times in ms",
                ["command", "lap 1 med", "p95", "CPU med", f"lap {laps} med", "p95", "CPU med", "ratio",
                 "CPU ratio"], rows)
    bench.motcua.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--laps", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--whole-state", action="store_true",
                        help="keep every finished lap in the state (compaction off), for comparison")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="PostgreSQL database to use; its public schema is dropped and rebuilt")
    args = parser.parse_args()
    mode = "compacted state"
    if args.whole_state:
        from engine.runtime import compaction
        compaction.split_finished = lambda dct, workflow: []
        mode = "whole state (compaction off)"

    print(machine_line())
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        run(db, database_url(db, args.postgres_url), args.laps, args.rounds, mode)
    print("\n" + machine_line("at the end"))


if __name__ == "__main__":
    main()
