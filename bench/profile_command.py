"""Where the time of a claim and a complete goes: cProfile, and the SQL each command sends.

    .venv/bin/python bench/profile_command.py [--db sqlite|postgres] [--rounds N] [--sql] [--top N]

Runs the happy path of dang_ky_ket_hon N times (claim + complete of every step), profiles only
the claim and complete calls, and prints the functions with the most cumulative and own time.
With --sql it also prints the statements of one claim and one complete.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time

from _harness import (
    DEFAULT_POSTGRES, HAPPY_PATH, PROCEDURE_KEY, START_DATA, StatementCounter, database_url, demo_people,
    fresh_database, open_step,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one claim and one complete")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args()

    from engine import commands
    from engine.commands.reception import Applicant

    motcua = fresh_database(database_url(args.db, args.postgres_url))
    counter = StatementCounter(motcua.db)
    users, commune = demo_people(motcua)

    # CPU time, not wall time: on a busy machine the wall clock mostly counts waits for a CPU.
    profiler = cProfile.Profile(time.process_time)
    for i in range(args.rounds):
        dossier = commands.receive(
            motcua.uow(), actor_id=users["tiepnhan"], agency_id=commune, procedure_key=PROCEDURE_KEY,
            applicant=Applicant(name="Nguyễn Văn An"), data=dict(START_DATA))
        for step_id, username, data in HAPPY_PATH:
            item_id = open_step(motcua, dossier.id, step_id)
            show = args.sql and i == 1 and step_id == "appraise"
            for name, call in (
                ("claim", lambda: commands.claim(motcua.uow(), actor_id=users[username], work_item_id=item_id)),
                ("complete", lambda: commands.complete(motcua.uow(), actor_id=users[username],
                                                       work_item_id=item_id, data=json.loads(json.dumps(data)))),
            ):
                counter.keep, counter.statements = show, []
                if i > 0:
                    profiler.enable()
                call()
                profiler.disable()
                if show:
                    print(f"\n--- SQL of one {name} ({len(counter.statements)} statements) ---")
                    for statement in counter.statements:
                        print(" ".join(statement.split())[:220])
    motcua.dispose()

    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
