"""Statistics at provincial scale: 1,000,000 dossiers over 50 agencies and three years, in PostgreSQL.

    .venv/bin/python bench/statistics_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        [--dossiers 1000000] [--runs 60] [--reuse] [--priority -15]

Loads (unless --reuse finds them): 50 communes, the reference procedure, and dossiers received
evenly over three years up to "now" (1/6/2026): 30 % online, 10 % by post; the newest 2 % open
(some waiting for a supplement or a payment), 4 % withdrawn, 1 % stopped, 1.6 % refused, the rest
returned, most in time, one in seven late, one in fifty asked twice for a supplement. Bulk SQL
(INSERT … SELECT generate_series), then the outcome of every finished dossier is computed by
``engine.statistics.outcomes.backfill_outcomes`` (what migration 0021 runs), then three units per
commune (one-stop desk: reception; officers: specialist; leadership: leader) and three steps per
dossier in their lanes (about 2.9 million work items: reception, 1 hour; the officer's step, due in
5 days, one in seven done on the 6th day, open while the dossier is; the leader's, due the next
day, cancelled when the dossier was withdrawn), the class of every ended step by
``engine.statistics.outcomes.backfill_step_outcomes`` (what migration 0037 runs), then ANALYZE.
With --reuse, data loaded by an earlier version is migrated first. --priority runs this process
and its PostgreSQL backends at that niceness (root), ahead of other work on a shared machine; a
SELECT 1 round trip is measured at the start and the end (the machine's floor).

Measures, with the clock frozen at "now", p50/p95 over the runs:
  - one agency's figures for one month (random agency and month), what the page's table reads;
  - the same agency's twelve-month trend: one statement (``figures_by_month``, what the page
    reads), and twelve such queries (how the page read it before);
  - the province-wide year (every agency, one row each);
  - the province-wide twelve-month trend (``figures_by_month``: every month in one statement, for
    the 50 agencies an administrator reads), what the page draws under the province's table, and
    three runs of the twelve statements it took before (checking that both count the same);
  - one agency's units for one month (``unit_table``: the steps of the agency's units);
and prints EXPLAIN (ANALYZE, BUFFERS) of the agency-month, province-year and units statements.
Not a test: nothing here asserts a time. The aims (issue 11): agency-month p95 < 300 ms,
province-wide year < 2 s.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import (  # noqa: E402
    FORMS_DIR, REFERENCE_BPMN, Samples, machine_line, print_table, prioritise, round_trips, timed,
)

from sqlalchemy import text  # noqa: E402

from engine import clock, migrate  # noqa: E402
from engine.bootstrap import Motcua  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.procedures.registry import check_and_deploy  # noqa: E402
from engine.statistics import BY_AGENCY, Period, figures, figures_by, figures_by_month  # noqa: E402
from engine.statistics.figures import FEW_GROUPS  # noqa: E402
from engine.statistics.outcomes import backfill_outcomes, backfill_step_outcomes  # noqa: E402
from engine.statistics.tables import reader_of, unit_table  # noqa: E402

AGENCIES = 50
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hà Nội
HISTORY_DAYS = 3 * 365
NO_TIMEOUT = "SET LOCAL statement_timeout = 0"
ADMIN = 1  # the bench's administrator (user 1): reads every agency


def load(motcua: Motcua, dossiers: int) -> dict:
    started = time.perf_counter()
    migrate.upgrade(motcua.db)
    with motcua.uow() as uow:
        version_id = check_and_deploy(uow, [REFERENCE_BPMN], FORMS_DIR, deployed_by="bench")[0].id
        uow.commit()
    params = {"now": NOW, "n": dossiers, "first_open": int(dossiers * 0.98),
              "span": timedelta(days=HISTORY_DAYS).total_seconds(), "version": version_id}
    with motcua.db.begin() as conn:
        conn.exec_driver_sql(NO_TIMEOUT)  # the loads take minutes: past the app's statement timeout
        conn.execute(text(
            "INSERT INTO agencies (id, code, name, kind, area_code, timezone, calendar_code, office_hours) "
            "SELECT a, '000.00.' || lpad(a::text, 2, '0') || '.H56', 'UBND xã Số ' || a, 'commune_committee', "
            "'H56.' || a, 'Asia/Ho_Chi_Minh', 'VN', '07:00-11:30,13:30-17:00' FROM generate_series(1, :agencies) a"),
            {"agencies": AGENCIES})
        # Dossier d: commune 1 + d % 50, received evenly over three years; due 7 days later; the
        # newest 2 % open (one in five of them waiting for a supplement, one in ten for a payment);
        # the others ended 1-6 days after reception (one in seven 8 days: late), withdrawn, stopped
        # or refused by d's remainders.
        conn.execute(text(f"""
            INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name,
                applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, due_at,
                original_due_at, finished_at, supplement_count, revision)
            SELECT d, 'B-' || lpad(d::text, 8, '0'), 1 + d % {AGENCIES}, :version,
                   CASE WHEN d >= :first_open THEN CASE WHEN d % 5 = 0 THEN 5 WHEN d % 10 = 1 THEN 6 ELSE 4 END
                        WHEN d % 25 = 3 THEN 7 WHEN d % 100 = 7 THEN 8 WHEN d % 61 = 2 THEN 3 ELSE 10 END,
                   CASE WHEN d % 10 < 3 THEN 2 WHEN d % 10 = 3 THEN 3 ELSE 1 END,
                   'Công dân ' || d, '', '', '', '', r, r + interval '7 days',
                   CASE WHEN d % 61 = 2 AND d < :first_open THEN NULL ELSE r + interval '7 days' END,
                   CASE WHEN d < :first_open THEN
                        r + CASE WHEN d % 7 = 0 THEN interval '8 days' ELSE make_interval(days => 1 + d % 6) END END,
                   CASE WHEN d % 50 = 9 THEN 2 ELSE 0 END, 3
            FROM generate_series(1, :n) d,
                 LATERAL (SELECT :now - make_interval(secs => :span * (:n - d) / :n) AS r) received
        """), params)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT max(id) FROM dossiers))"))
        conn.execute(text("SELECT setval(pg_get_serial_sequence('agencies', 'id'), (SELECT max(id) FROM agencies))"))
        conn.execute(text("INSERT INTO users (id, username, full_name, email, password_hash, locale, is_active, "
                          "is_admin, notify_by_mail) VALUES (:id, 'admin', 'Quản trị', '', '', 'vi', true, true, false)"),
                     {"id": ADMIN})
        conn.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"))
    loaded = time.perf_counter() - started
    with motcua.db.begin() as conn:
        conn.exec_driver_sql(NO_TIMEOUT)
        backfilled = backfill_outcomes(conn)
    outcomes = time.perf_counter() - started - loaded
    steps = load_steps(motcua, params)
    with motcua.db.begin() as conn:
        conn.exec_driver_sql(NO_TIMEOUT)
        backfill_step_outcomes(conn)
    step_outcomes = time.perf_counter() - started - loaded - outcomes - steps
    vacuum_analyze(motcua)
    return {"load_seconds": loaded, "backfill_seconds": outcomes, "backfilled": backfilled, "steps_seconds": steps,
            "step_outcomes_seconds": step_outcomes, "total_seconds": time.perf_counter() - started}


def vacuum_analyze(motcua: Motcua) -> None:
    with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("SET statement_timeout = 0")
        conn.execute(text("VACUUM ANALYZE"))


UNITS = (("MC", "Bộ phận Một cửa", "reception"), ("CM", "Công chức chuyên môn", "specialist"),
         ("LD", "Lãnh đạo", "leader"))


def load_steps(motcua: Motcua, params: dict) -> float:
    """Units per commune and three steps per dossier in their lanes (see the module's docstring)."""
    started = time.perf_counter()
    with motcua.db.begin() as conn:
        conn.exec_driver_sql(NO_TIMEOUT)
        for number, (code, name, role) in enumerate(UNITS):
            conn.execute(text(
                "INSERT INTO units (id, agency_id, code, name, name_en) "
                "SELECT a * 10 + :n, a, :code, :name, '' FROM generate_series(1, :agencies) a"),
                {"n": number, "code": code, "name": name, "agencies": AGENCIES})
            conn.execute(text("INSERT INTO unit_roles (agency_id, role, unit_id) "
                              "SELECT a, :role, a * 10 + :n FROM generate_series(1, :agencies) a"),
                         {"n": number, "role": role, "agencies": AGENCIES})
        conn.execute(text("SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT max(id) FROM units))"))
        # Step k of dossier d: 0 reception (done within the hour, due in a day), 1 the officer's
        # (due in 3 days, done half-way to the dossier's end, open while the dossier is), 2 the
        # leader's (from there to the dossier's end, due in 3 days; cancelled when the dossier was
        # withdrawn). The dossiers that took 8 days make both later steps late.
        conn.execute(text("""
            INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state,
                                    created_at, due_at, allotment, finished_at)
            SELECT 3 * d.id + k, 'b-' || d.id || '-' || k, d.id, d.agency_id,
                   (ARRAY['reception', 'specialist', 'leader'])[k + 1], 'Step_' || k, 'Bước ' || k,
                   CASE WHEN k = 0 THEN 'done' WHEN d.finished_at IS NULL THEN 'open'
                        WHEN k = 2 AND d.status = 7 THEN 'cancelled' ELSE 'done' END,
                   CASE k WHEN 0 THEN d.received_at WHEN 1 THEN d.received_at + interval '1 hour' ELSE half END,
                   CASE k WHEN 0 THEN d.received_at + interval '1 day' WHEN 1 THEN d.received_at + interval '3 days'
                          ELSE half + interval '3 days' END,
                   '', CASE k WHEN 0 THEN d.received_at + interval '1 hour' WHEN 1 THEN half ELSE d.finished_at END
            FROM dossiers d
                 CROSS JOIN LATERAL (SELECT d.received_at + (d.finished_at - d.received_at) / 2 AS half) h,
                 generate_series(0, 2) k
            WHERE k < 2 OR d.finished_at IS NOT NULL
        """))
        conn.execute(text("SELECT setval(pg_get_serial_sequence('work_items', 'id'), (SELECT max(id) FROM work_items))"))
    return time.perf_counter() - started


def loaded_dossiers(motcua: Motcua) -> int | None:
    with motcua.db.connect() as conn:
        if not conn.execute(text("SELECT to_regclass('dossiers')")).scalar():
            return None
        return conn.execute(text("SELECT count(*) FROM dossiers")).scalar()


def explain(motcua: Motcua, run, marker: str = "GROUP BY", settings: dict | None = None) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the first statement ``run`` sends that contains ``marker``,
    with the ``settings`` the code gives that statement (SET LOCAL)."""
    captured = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if marker in statement:
            captured.append((statement, parameters))
    from sqlalchemy import event
    event.listen(motcua.db, "before_cursor_execute", keep)
    try:
        with motcua.read_session() as s:
            run(s)
    finally:
        event.remove(motcua.db, "before_cursor_execute", keep)
    statement, parameters = captured[0]
    with motcua.db.begin() as conn:
        for name, value in (settings or {}).items():
            conn.execute(text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded")
    parser.add_argument("--priority", type=int, metavar="NICENESS",
                        help="run this process and its PostgreSQL backends at this niceness (e.g. -15; root)")
    args = parser.parse_args()
    motcua = Motcua(Settings(database_url=args.database_url))
    if args.priority is not None:
        prioritise(motcua.db, args.priority)
    print(machine_line())
    have = loaded_dossiers(motcua)
    if not (args.reuse and have):
        with motcua.db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        print("loading…", load(motcua, args.dossiers))
    elif migrate.current(motcua.db) != migrate.head():
        # Data loaded by an earlier version gets the later migrations; a migration that rewrote
        # rows leaves pages the visibility map no longer vouches for (index-only scans read the
        # heap again) until VACUUM, which autovacuum would run in time.
        started = time.perf_counter()
        migrate.upgrade(motcua.db)
        vacuum_analyze(motcua)
        with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("SET statement_timeout = 0")
            # 0037 gave every ended step its class: each index of the table then held the rows
            # twice (the new versions, and the old ones its own transaction had just replaced).
            conn.execute(text("REINDEX TABLE work_items"))
        print(f"migrated and vacuumed in {time.perf_counter() - started:.1f} s")
    print(f"dossiers: {loaded_dossiers(motcua):,}")
    floor = round_trips(motcua, 200)
    print(f"SELECT 1 round trip: p50 {floor.median_ms:.3f} ms, p95 {floor.p95_ms:.3f} ms")
    clock.set_clock(clock.FrozenClock(NOW))
    rng = random.Random(11)
    months = Period.year(2025).months() + Period.year(2024).months()

    agency_month, agency_trend, province_year = Samples(), Samples(), Samples()
    for _ in range(args.runs):
        agency, month = rng.randint(1, AGENCIES), rng.choice(months)
        with motcua.read_session() as s, timed(agency_month):
            f = figures(s, month, agency_ids=[agency])
        assert f["received"] > 0
    agency_trend_before = Samples()
    for _ in range(max(5, args.runs // 6)):
        agency = rng.randint(1, AGENCIES)
        with motcua.read_session() as s, timed(agency_trend_before):
            for month in Period.year(2025).months():
                figures(s, month, agency_ids=[agency])
        with motcua.read_session() as s, timed(agency_trend):
            figures_by_month(s, Period.year(2025).months(), agency_ids=[agency])
    for _ in range(max(5, args.runs // 6)):
        with motcua.read_session() as s, timed(province_year):
            table = figures_by(s, Period.year(2025), BY_AGENCY)
        assert len(table) == AGENCIES
    province_trend, province_trend_before = Samples(), Samples()
    everyone = list(range(1, AGENCIES + 1))
    for run in range(max(5, args.runs // 6)):
        with motcua.read_session() as s, timed(province_trend):
            monthly = figures_by_month(s, Period.year(2025).months(), agency_ids=everyone)
        assert len(monthly) == 12 and all(f["received"] > 0 for f in monthly)
        if run < 3:  # twelve statements, one per month, as the page read them before (seconds each)
            with motcua.read_session() as s, timed(province_trend_before):
                before = [figures(s, month, agency_ids=everyone) for month in Period.year(2025).months()]
            assert [f.counts for f in before] == [f.counts for f in monthly]
    units_month = Samples()
    for _ in range(args.runs):
        agency, month = rng.randint(1, AGENCIES), rng.choice(months)
        with motcua.read_session() as s, timed(units_month):
            units = unit_table(s, reader_of(s, ADMIN, [agency]), month)
        assert units.total["received"] > 0 and len(units.rows) == len(UNITS)
    rows = [[name, len(samples.values_ns), samples.median_ms, samples.p95_ms, samples.cpu_median_ms]
            for name, samples in (("one agency, one month", agency_month),
                                  ("one agency, twelve months (trend, one statement)", agency_trend),
                                  ("one agency, twelve months (12 statements, before)", agency_trend_before),
                                  ("province, one year, by agency", province_year),
                                  ("province, twelve months (trend, one statement)", province_trend),
                                  ("province, twelve months (12 statements, before)", province_trend_before),
                                  ("one agency, one month, by unit (steps)", units_month))]
    print_table("Statistics (ms)", ["query", "runs", "p50", "p95", "CPU p50 (client)"], rows)
    print("\nEXPLAIN one agency, one month:\n")
    print(explain(motcua, lambda s: figures(s, Period.month(2025, 3), agency_ids=[7])))
    print("\nEXPLAIN province, one year, by agency:\n")
    print(explain(motcua, lambda s: figures_by(s, Period.year(2025), BY_AGENCY)))
    print("\nEXPLAIN province, twelve months (trend):\n")
    print(explain(motcua, lambda s: figures_by_month(s, Period.year(2025).months(), agency_ids=everyone),
                  settings=FEW_GROUPS))
    print("\nEXPLAIN one agency, one month, by unit (the steps):\n")
    print(explain(motcua, lambda s: unit_table(s, reader_of(s, ADMIN, [7]), Period.month(2025, 3)), marker="FROM work_items"))
    floor = round_trips(motcua, 200)
    print(f"SELECT 1 round trip: p50 {floor.median_ms:.3f} ms, p95 {floor.p95_ms:.3f} ms")
    print(machine_line("at the end"))


if __name__ == "__main__":
    main()
