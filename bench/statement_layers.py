"""What one statement of a complete costs through each layer: the ORM, SQLAlchemy Core, the driver.

    .venv/bin/python bench/statement_layers.py [--db sqlite|postgres|both] [--runs 2000]

The command's statements go through SQLAlchemy (docs/PERFORMANCE.md, "Command and HTTP against
the floor"). This measures what sending the same statement straight to the driver's cursor would
save, for three statements of a complete, inside one transaction on a demo dossier (rolled back
at the end):

- the dossier's locking read, with its state and its agency (the ORM's entities; Core's rows of the
  same SELECT; the driver's cursor on the same SQL, rows left as the driver returns them);
- the history's INSERT (Core, as engine/audit.py sends it; the driver with the same SQL);
- a plain UPDATE of the dossier's revision (Core, as engine/plain_updates.py sends it; the driver).

Printed: the median and p95 per statement in microseconds, warm (after 200 runs), and what the
driver saves against the layer the command uses today. Nothing here changes the engine.
"""
from __future__ import annotations

import argparse
import time

from _harness import (
    DEFAULT_POSTGRES, PROCEDURE_KEY, START_DATA, Samples, database_url, demo_people, fresh_database,
    machine_line, print_table,
)
from sqlalchemy import bindparam, insert, update

WARM = 200


def timed_runs(runs: int, call) -> Samples:
    samples = Samples()
    for i in range(WARM + runs):
        start = time.perf_counter_ns()
        call(i)
        if i >= WARM:
            samples.add(time.perf_counter_ns() - start)
    return samples


class Driver:
    """A statement compiled once for the connection's dialect and sent on its DBAPI cursor, with
    SQLAlchemy's own bind processors applied to the parameters (what the driver would need)."""

    def __init__(self, connection, statement, keys: list[str]):
        compiled = statement.compile(dialect=connection.dialect, column_keys=keys)
        self.sql, self.processors = compiled.string, compiled._bind_processors
        self.order = list(compiled.positiontup) if compiled.positional else None
        self.cursor = connection.connection.driver_connection.cursor()

    def execute(self, params: dict):
        values = {k: (self.processors[k](v) if k in self.processors else v) for k, v in params.items()}
        self.cursor.execute(self.sql, [values[k] for k in self.order] if self.order is not None else values)
        return self.cursor


def run(db: str, url: str, runs: int) -> list[list]:
    from engine import clock, commands
    from engine.commands.reception import Applicant
    from engine.models import AuditEvent, Dossier
    from engine.unit_of_work import _DOSSIER

    motcua = fresh_database(url)
    users, commune = demo_people(motcua)
    dossier = commands.receive(motcua.uow(), actor_id=users["tiepnhan"], agency_id=commune,
                               procedure_key=PROCEDURE_KEY, applicant=Applicant(name="Nguyễn Văn An"),
                               data=dict(START_DATA))
    lock = _DOSSIER[motcua.db.dialect.name == "postgresql"]
    history = insert(AuditEvent.__table__)
    revision = update(Dossier.__table__).where(Dossier.__table__.c.id == bindparam("pk_"))

    def event(i):
        return {"dossier_id": dossier.id, "at": clock.now(), "actor_id": users["chuyenvien"], "action": "bench",
                "step_id": "appraise", "step_name": "Thẩm định", "status_before": 4, "status_after": 4,
                "detail": {"data": {"n": i}}, "request_id": "bench", "revision": i}

    rows = []
    with motcua.uow() as uow:
        session = uow.session
        connection = session.connection()
        read = {"dossier_id": dossier.id}
        orm = timed_runs(runs, lambda i: session.execute(lock, read).scalar_one())
        core_lock = lock.execution_options(populate_existing=False)
        core = timed_runs(runs, lambda i: connection.execute(core_lock, read).all())
        driver = Driver(connection, lock, [])
        raw = timed_runs(runs, lambda i: driver.execute(read).fetchall())
        rows.append([db, "dossier's locking read", "ORM", orm.median_ms * 1000, orm.p95_ms * 1000,
                     core.median_ms * 1000, raw.median_ms * 1000, f"{orm.median_ms / raw.median_ms:.1f}x"])

        core = timed_runs(runs, lambda i: connection.execute(history, event(i)).inserted_primary_key)
        driver = Driver(connection, history, list(event(0)))
        raw = timed_runs(runs, lambda i: driver.execute(event(i)))
        rows.append([db, "history INSERT", "Core", "", "", core.median_ms * 1000, raw.median_ms * 1000,
                     f"{core.median_ms / raw.median_ms:.1f}x"])

        core = timed_runs(runs, lambda i: connection.execute(revision, {"pk_": dossier.id, "revision": i}).rowcount)
        driver = Driver(connection, revision, ["revision"])
        raw = timed_runs(runs, lambda i: driver.execute({"pk_": dossier.id, "revision": i}).rowcount)
        rows.append([db, "plain UPDATE (revision)", "Core", "", "", core.median_ms * 1000, raw.median_ms * 1000,
                     f"{core.median_ms / raw.median_ms:.1f}x"])
        uow.rollback()
    motcua.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES,
                        help="PostgreSQL database to use; its public schema is dropped and rebuilt")
    args = parser.parse_args()
    print(machine_line())
    rows = []
    for db in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        rows += run(db, database_url(db, args.postgres_url), args.runs)
    print_table(f"one statement inside a transaction, µs (median of {args.runs} after {WARM} warm-up runs)",
                ["db", "statement", "used today", "ORM med", "ORM p95", "Core med", "driver med",
                 "today ÷ driver"], rows)
    print(machine_line("at the end"))


if __name__ == "__main__":
    main()
