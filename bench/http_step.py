"""A complete over HTTP against the same complete as a command, and the engine floor, in one run.

    .venv/bin/python bench/http_step.py [--db sqlite|postgres|both] [--rounds 100]

One web process (`motcua web --workers 1 --threads 1`, gunicorn) serves the officer; the bench
alternates, on dossiers waiting at the same step (appraise, reference procedure):
1. the floor: deserialize → step → serialize with the cached spec (as bench/engine_step.py);
2. ``engine.commands.complete`` in this process, on one dossier;
3. ``POST /tasks/<id>/complete`` over HTTP (keep-alive off, redirect not followed), on another.
Claims are done before and not timed. Printed: median and p95 of each, and the ratios
command ÷ floor and HTTP ÷ command.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _harness import (
    DEFAULT_POSTGRES, PROCEDURE_KEY, START_DATA, Samples, database_url, demo_people, fresh_database,
    machine_line, print_table, timed,
)
from engine_step import FloorKit
from sqlalchemy import select

FORM = {"conditions_met": "on", "marital_status_verified": "on", "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}
DATA = {"conditions_met": True, "marital_status_verified": True, "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}


def run(db: str, url: str, rounds: int, kit: FloorKit) -> list:
    from engine import commands
    from engine.commands.reception import Applicant
    from engine.demo import DEMO_PASSWORD
    from engine.models import WorkItem
    from tests.deployment import Deployment, Officer

    motcua = fresh_database(url)
    users, commune = demo_people(motcua)

    def waiting_item():
        dossier = commands.receive(motcua.uow(), actor_id=users["tiepnhan"], agency_id=commune,
                                   procedure_key=PROCEDURE_KEY, applicant=Applicant(name="Nguyễn Văn An"),
                                   data=dict(START_DATA))
        with motcua.read_session() as s:
            item = s.execute(select(WorkItem.id).where(WorkItem.dossier_id == dossier.id)).scalar_one()
        commands.claim(motcua.uow(), actor_id=users["chuyenvien"], work_item_id=item)
        return item

    deployment = Deployment(url, Path(tempfile.mkdtemp(prefix="motcua-http-")), env={"MOTCUA_LOG_LEVEL": "WARNING"})
    floor, command, http = Samples(), Samples(), Samples()
    try:
        deployment.start_web(workers=1, threads=1)
        officer = Officer(deployment.base, "chuyenvien", DEMO_PASSWORD)
        assert officer.login() == 302
        for i in range(rounds + 5):
            keep = i >= 5
            by_command, by_http = waiting_item(), waiting_item()
            officer.get(f"/tasks/{by_http}")  # the page the officer submits from (its CSRF token)
            kit.cached("appraise", floor if keep else Samples())
            with timed(command if keep else Samples()):
                commands.complete(motcua.uow(), actor_id=users["chuyenvien"], work_item_id=by_command, data=dict(DATA))
            with timed(http if keep else Samples()):
                status, location, _page = officer.post(f"/tasks/{by_http}/complete", FORM)
            assert (status, location) == (302, "/inbox"), status
    finally:
        deployment.stop()
        motcua.dispose()
    return [[db, floor.median_ms, floor.p95_ms, command.median_ms, command.p95_ms, http.median_ms, http.p95_ms,
             f"{command.median_ms / floor.median_ms:.2f}x", f"{http.median_ms / command.median_ms:.2f}x"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="PostgreSQL database to use; its public schema is dropped and rebuilt")
    args = parser.parse_args()
    print(machine_line())
    kit = FloorKit()
    rows = []
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        rows += run(db, database_url(db, args.postgres_url), args.rounds, kit)
    print_table(f"complete of the appraisal: floor, command, HTTP; {args.rounds} rounds alternating; times in ms",
                ["db", "floor med", "p95", "command med", "p95", "HTTP med", "p95", "command ÷ floor",
                 "HTTP ÷ command"], rows)
    print("\n" + machine_line("at the end"))


if __name__ == "__main__":
    main()
