"""The scheduler's escalation sweep (engine.scheduler.escalation.sweep_steps) over 1,000,000 open
work items in PostgreSQL, of which 1,000, then 10,000, then 100,000 are due.

    .venv/bin/python bench/sweep_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        [--open 1000000] [--due 1000,10000,100000] [--baseline-open 10000]

Loads (bulk SQL: INSERT … SELECT generate_series, then VACUUM ANALYZE; the database's public
schema is dropped first, so give it a database of its own): 50 communes with a receptionist, three
specialists, a leader and a supervisor each (all with an e-mail address), the reference procedure
deployed through the registry, and one minimal open dossier per open work item. Half the items
are claimed. Every item's next escalation is in the future (one to six days ahead).

For each number due, that many items spread evenly over the table are made due (half of them
past their due time: "overdue" to the supervisors; half still before it: "warning" to their
holder, or to the unit's specialists or leader when unclaimed). With the engine clock frozen:
  - EXPLAIN (ANALYZE, BUFFERS) of the due query as the sweep sends it (index on next_escalation_at);
  - the first batch alone (one sweep_steps call, BATCH rows), and sweep_steps repeated until nothing
    is due: time, this process's CPU time (the rest is the server, and waits), rows per second, SQL
    statements per batch;
then the escalations, notifications and mails are removed and the items put back as they were.

--baseline-open first does the smallest number due over a small table (default 10,000 open), so
that the last table can compare the same work over 100× fewer open items. The claim to check: the
cost follows the number due, not the number open. Not a test: nothing asserts a time.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import FORMS_DIR, REFERENCE_BPMN, StatementCounter, machine_line, print_table  # noqa: E402

from sqlalchemy import select, text  # noqa: E402

from engine import clock, migrate  # noqa: E402
from engine.bootstrap import Motcua  # noqa: E402
from engine.commands._steps import SUPERVISOR  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.models import WorkItem  # noqa: E402
from engine.procedures.registry import check_and_deploy  # noqa: E402
from engine.runtime.serializer import VERSION as SERIALIZER_VERSION  # noqa: E402
from engine.scheduler import escalation  # noqa: E402

AGENCIES = 50
# Officers per commune, in the order their ids are given (the loader computes ids in SQL).
ROLES = (("reception", 1), ("specialist", 3), ("leader", 1), (SUPERVISOR, 1))
PER_AGENCY = sum(n for _, n in ROLES)
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hà Nội; the clock stands here
# An item's due time and next escalation when it is not one of the due ones: from id alone, so
# that putting the due ones back needs no copy of what they were.
FUTURE_DUE = "(CAST(:now AS timestamptz) + interval '1 day' + make_interval(mins => id % 7200))"
FUTURE_NEXT = f"({FUTURE_DUE} - interval '2 hours')"


# ---------------------------------------------------------------------------------------------
# loading


def load(motcua: Motcua, open_items: int) -> float:
    started = time.perf_counter()
    with motcua.db.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(motcua.db)
    with motcua.uow() as uow:
        version_id = check_and_deploy(uow, [REFERENCE_BPMN], FORMS_DIR, deployed_by="bench")[0].id
        uow.commit()
    role_of_user = " ".join(  # user u (1-based) of an agency, by rank in ROLES
        f"WHEN r <= {sum(n for _, n in ROLES[:i + 1])} THEN '{name}'" for i, (name, _) in enumerate(ROLES))
    params = {"now": NOW, "n": open_items, "version": version_id, "serializer": SERIALIZER_VERSION}
    with motcua.db.begin() as conn:
        conn.execute(text(
            "INSERT INTO agencies (id, code, name, kind, area_code, timezone, calendar_code, office_hours) "
            "SELECT a, '000.00.' || lpad(a::text, 2, '0') || '.H56', 'UBND xã Số ' || a, 'commune_committee', "
            "'H56.' || a, 'Asia/Ho_Chi_Minh', 'VN', '07:00-11:30,13:30-17:00' FROM generate_series(1, :a) a"),
            {"a": AGENCIES})
        conn.execute(text(f"""
            INSERT INTO users (id, username, full_name, email, password_hash, locale, is_active, is_admin)
            SELECT (a - 1) * {PER_AGENCY} + r, 'cb' || a || '_' || r, 'Cán bộ ' || r || ' xã Số ' || a,
                   'cb' || a || '_' || r || '@xa' || a || '.example', '', 'vi', true, false
            FROM generate_series(1, {AGENCIES}) a, generate_series(1, {PER_AGENCY}) r"""))
        conn.execute(text(f"""
            INSERT INTO memberships (user_id, agency_id, role)
            SELECT (a - 1) * {PER_AGENCY} + r, a, CASE {role_of_user} END
            FROM generate_series(1, {AGENCIES}) a, generate_series(1, {PER_AGENCY}) r"""))
        conn.execute(text(f"""
            INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name,
                applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, due_at,
                original_due_at, revision)
            SELECT d, 'BENCH-' || lpad(d::text, 8, '0'), 1 + d % {AGENCIES}, :version, 4, 1,
                   'Nguyễn Văn ' || d, '', '', '', '', :now - interval '3 days', :now + interval '12 days',
                   :now + interval '12 days', 1
            FROM generate_series(1, :n) d"""), params)
        conn.execute(text("INSERT INTO dossier_states (dossier_id, state, serializer_version) "
                          "SELECT d, '{}', :serializer FROM generate_series(1, :n) d"), params)
        # Item i belongs to dossier i; specialists' steps mostly, one in four the leader's; every
        # other one claimed by an officer of that role (specialist 1 + i % 3, or the leader).
        conn.execute(text(f"""
            INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state,
                assignee_id, created_at, due_at, allotment, next_escalation_at, claimed_at)
            SELECT id, md5(id::text)::uuid::text, id, 1 + id % {AGENCIES}, role,
                   CASE role WHEN 'leader' THEN 'approve' ELSE 'appraise' END,
                   CASE role WHEN 'leader' THEN 'Phê duyệt' ELSE 'Thẩm định hồ sơ' END, 'open',
                   CASE WHEN id % 2 = 0 THEN (id % {AGENCIES}) * {PER_AGENCY}
                        + CASE role WHEN 'leader' THEN 5 ELSE 2 + id % 3 END END,
                   :now - interval '2 days', {FUTURE_DUE}, '3 ngày làm việc', {FUTURE_NEXT},
                   CASE WHEN id % 2 = 0 THEN :now - interval '1 day' END
            FROM (SELECT id, CASE WHEN id % 4 = 3 THEN 'leader' ELSE 'specialist' END AS role
                  FROM generate_series(1, :n) id) items"""), params)
        for table in ("agencies", "users", "memberships", "dossiers", "work_items"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    vacuum(motcua)
    return time.perf_counter() - started


def vacuum(motcua: Motcua, *tables: str) -> None:
    with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE " + ", ".join(tables)))


def _spread(open_items: int, due: int) -> dict:
    return {"stride": open_items // due, "last": open_items // due * due, "now": NOW}


def make_due(motcua: Motcua, open_items: int, due: int) -> None:
    """``due`` items spread over the table: escalation time up to two hours ago; every other one
    already past its due time (overdue), the others two hours before it (warning)."""
    with motcua.db.begin() as conn:
        conn.execute(text("""
            UPDATE work_items SET
                next_escalation_at = :now - make_interval(mins => id % 120 + 1),
                due_at = CASE WHEN (id / :stride) % 2 = 0 THEN :now - interval '1 hour'
                              ELSE :now + interval '1 hour' END
            WHERE id % :stride = 0 AND id <= :last"""), _spread(open_items, due))
    vacuum(motcua, "work_items")


def put_back(motcua: Motcua, open_items: int, due: int) -> None:
    with motcua.db.begin() as conn:
        conn.execute(text("TRUNCATE mail_outbox, notifications, escalations RESTART IDENTITY"))
        conn.execute(text(f"UPDATE work_items SET due_at = {FUTURE_DUE}, next_escalation_at = {FUTURE_NEXT} "
                          "WHERE id % :stride = 0 AND id <= :last"), _spread(open_items, due))
    vacuum(motcua, "work_items", "escalations", "notifications", "mail_outbox")


# ---------------------------------------------------------------------------------------------
# measuring


def explain_due_query(motcua: Motcua) -> str:
    """The sweep's own statement (FOR UPDATE SKIP LOCKED included), in a transaction rolled back."""
    stmt = escalation.due_steps(NOW, skip_locked=True)
    compiled = stmt.compile(dialect=motcua.db.dialect)
    with motcua.db.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params).scalars().all()
        conn.rollback()
    return "\n".join(rows)


def sweep_until_nothing_due(motcua: Motcua, counter: StatementCounter) -> dict:
    batches, rows, first = 0, 0, None
    started, cpu = time.perf_counter(), time.process_time()
    while True:
        t0 = time.perf_counter()
        with counter.measuring() as box:
            report = escalation.sweep_steps(motcua.uow())
        done = report.warnings + report.overdue
        if first is None:
            first = {"seconds": time.perf_counter() - t0, "rows": done, "statements": box["statements"]}
        if done == 0:
            break
        batches, rows = batches + 1, rows + done
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    with motcua.db.connect() as conn:
        left = conn.execute(select(WorkItem.id).where(WorkItem.next_escalation_at <= NOW).limit(1)).first()
        made = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("escalations", "notifications", "mail_outbox")}
    assert left is None, "the sweep stopped while items were still due"
    return {"first": first, "seconds": total, "cpu": cpu, "batches": batches, "rows": rows, **made}


def measure(motcua: Motcua, counter: StatementCounter, open_items: int, due: int, show_plan: bool) -> dict:
    make_due(motcua, open_items, due)
    plan = explain_due_query(motcua)
    result = sweep_until_nothing_due(motcua, counter)
    put_back(motcua, open_items, due)
    result.update(open=open_items, due=due, plan=plan)
    index_used = "ix_work_items_next_escalation_at" in plan
    print(f"\n{open_items:,} open, {due:,} due: {result['rows']:,} escalated in {result['batches']} batches, "
          f"{result['seconds']:.2f} s; first batch {result['first']['seconds'] * 1000:.0f} ms "
          f"({result['first']['statements']} statements); due query uses the index on next_escalation_at: "
          f"{'yes' if index_used else 'NO'}", flush=True)
    if show_plan:
        print("\n    " + plan.replace("\n", "\n    "))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of your own (wiped)")
    parser.add_argument("--open", type=int, default=1_000_000, dest="open_items")
    parser.add_argument("--due", default="1000,10000,100000")
    parser.add_argument("--baseline-open", type=int, default=10_000, help="0: no baseline")
    args = parser.parse_args()
    dues = [int(x) for x in args.due.split(",")]
    print(machine_line())
    motcua = Motcua(Settings(database_url=args.database_url))
    clock.set_clock(lambda: NOW)
    counter = StatementCounter(motcua.db)
    results = []
    if args.baseline_open:
        print(f"loading {args.baseline_open:,} open work items … {load(motcua, args.baseline_open):.1f} s", flush=True)
        results.append(measure(motcua, counter, args.baseline_open, dues[0], show_plan=False))
    print(f"loading {args.open_items:,} open work items … {load(motcua, args.open_items):.1f} s", flush=True)
    for due in dues:
        results.append(measure(motcua, counter, args.open_items, due, show_plan=due == dues[0]))

    base = next(r for r in results if r["open"] == args.open_items and r["due"] == dues[0])
    rows = []
    for r in results:
        rows.append([f"{r['open']:,}", f"{r['due']:,}", r["batches"], r["first"]["seconds"] * 1000,
                     r["first"]["statements"], r["seconds"], r["cpu"], round(r["rows"] / r["seconds"]),
                     r["seconds"] * 1000 / max(1, r["rows"]),
                     f"{r['due'] / base['due']:g}×", f"{r['seconds'] / base['seconds']:.2f}×",
                     f"{r['first']['seconds'] / base['first']['seconds']:.2f}×"])
    print_table(f"sweep_steps (batch {escalation.BATCH}); ratios against {base['open']:,} open / {base['due']:,} due",
                ["open", "due", "batches", "first batch ms", "statements/batch", "total s", "client CPU s", "rows/s", "ms/row",
                 "due ratio", "total ratio", "first-batch ratio"], rows)
    print("\n" + machine_line("at the end"))
    motcua.dispose()


if __name__ == "__main__":
    main()
