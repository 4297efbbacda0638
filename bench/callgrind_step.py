"""Instruction counts (callgrind) of one complete against the cached-spec floor: a measure the
load of a shared machine does not move.

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg/out.%p \\
        --zero-before=binascii_crc_hqx --dump-before=binascii_b2a_uu \\
        .venv/bin/python bench/callgrind_step.py [--db sqlite|postgres] [--rounds N]
    .venv/bin/python bench/callgrind_step.py --report /tmp/cg

Under valgrind the script marks each measured span: ``binascii.crc_hqx`` at its start (callgrind
zeroes its counters there) and ``binascii.b2a_uu`` at its end (callgrind writes the span's counts
to a file). Spans alternate, for each step of the happy path: the floor (deserialize → step →
serialize, cached spec) then the ``complete`` command (its transaction included). ``--report``
reads the files back and prints, per step, the median instructions of each and their ratio.
On PostgreSQL only this process is counted, not the server's work.
"""
from __future__ import annotations

import argparse
import binascii
import json
import re
import statistics
import sys
from pathlib import Path

from _harness import (
    DEFAULT_POSTGRES, HAPPY_PATH, PROCEDURE_KEY, START_DATA, database_url, demo_people, fresh_database,
    open_step, print_table,
)

WARMUP = 3


def mark_start() -> None:
    binascii.crc_hqx(b"", 0)


def mark_end() -> None:
    binascii.b2a_uu(b"")


def run(db: str, rounds: int, postgres_url: str) -> None:
    from engine_step import FloorKit
    from engine import commands
    from engine.commands.reception import Applicant

    kit = FloorKit()
    motcua = fresh_database(database_url(db, postgres_url))
    users, commune = demo_people(motcua)
    order = []
    for i in range(rounds + WARMUP):
        dossier = commands.receive(
            motcua.uow(), actor_id=users["tiepnhan"], agency_id=commune, procedure_key=PROCEDURE_KEY,
            applicant=Applicant(name="Nguyễn Văn An", id_number="001088054321"), data=dict(START_DATA))
        for step_id, username, data in HAPPY_PATH:
            item_id = open_step(motcua, dossier.id, step_id)
            commands.claim(motcua.uow(), actor_id=users[username], work_item_id=item_id)
            form = json.loads(json.dumps(data))
            measure = i >= WARMUP
            if measure:
                mark_start()
            kit.cached(step_id, _Ignore())
            if measure:
                mark_end()
                order.append((step_id, "floor"))
                mark_start()
            commands.complete(motcua.uow(), actor_id=users[username], work_item_id=item_id, data=form)
            if measure:
                mark_end()
                order.append((step_id, "complete"))
    motcua.dispose()
    print(json.dumps(order))


class _Ignore:
    def add(self, *_args):
        pass


def report(folder: Path, order_file: Path | None) -> None:
    """Dump files in the order callgrind wrote them (their part number), matched to the spans."""
    files = sorted(folder.glob("out.*.*"), key=lambda p: int(p.name.rsplit(".", 1)[1]))
    counts = []
    for path in files:
        match = re.search(r"^summary:\s*(\d+)", path.read_text(errors="replace"), re.M)
        counts.append(int(match.group(1)) if match else 0)
    order = json.loads(order_file.read_text()) if order_file else []
    if len(order) != len(counts):
        sys.exit(f"{len(counts)} dumps for {len(order)} spans: was the run complete?")
    by = {}
    for (step_id, kind), count in zip(order, counts):
        by.setdefault(step_id, {}).setdefault(kind, []).append(count)
    rows, floor_total, complete_total = [], 0, 0
    for step_id, kinds in by.items():
        floor, complete = statistics.median(kinds["floor"]), statistics.median(kinds["complete"])
        floor_total += floor
        complete_total += complete
        rows.append([step_id, f"{floor / 1e6:.2f}", f"{_p95(kinds['floor']) / 1e6:.2f}", f"{complete / 1e6:.2f}",
                     f"{_p95(kinds['complete']) / 1e6:.2f}", f"{complete / floor:.2f}x", len(kinds["floor"])])
    rows.append(["all steps", f"{floor_total / 1e6:.2f}", "", f"{complete_total / 1e6:.2f}", "",
                 f"{complete_total / floor_total:.2f}x", ""])
    print_table("complete against the floor, instructions (millions; medians, p95; callgrind)",
                ["step", "floor", "p95", "complete", "p95", "ratio", "rounds"], rows)


def _p95(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--report", type=Path, help="folder of callgrind's dump files")
    parser.add_argument("--order", type=Path, help="the span order the run printed (a JSON file)")
    args = parser.parse_args()
    if args.report:
        report(args.report, args.order)
    else:
        run(args.db, args.rounds, args.postgres_url)


if __name__ == "__main__":
    main()
