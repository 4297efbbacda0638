"""Statistics at provincial scale: 1,000,000 dossiers over 50 agencies and three years, in PostgreSQL.

    .venv/bin/python bench/statistics_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        [--dossiers 1000000] [--runs 60] [--reuse]

Loads (unless --reuse finds them): 50 communes, the reference procedure, and dossiers received
evenly over three years up to "now" (1/6/2026): 30 % online, 10 % by post; the newest 2 % open
(some waiting for a supplement or a payment), 4 % withdrawn, 1 % stopped, 1.6 % refused, the rest
returned, most in time, one in seven late, one in fifty asked twice for a supplement. Bulk SQL
(INSERT … SELECT generate_series), then the outcome of every finished dossier is computed by
``engine.statistics.outcomes.backfill_outcomes`` (what migration 0021 runs), then ANALYZE.

Measures, with the clock frozen at "now", p50/p95 over the runs:
  - one agency's figures for one month (random agency and month), what the page's table reads;
  - the same agency's twelve-month trend (12 such queries);
  - the province-wide year (every agency, one row each);
and prints EXPLAIN (ANALYZE, BUFFERS) of the agency-month and province-year statements.
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

from _harness import FORMS_DIR, REFERENCE_BPMN, Samples, machine_line, print_table, timed  # noqa: E402

from sqlalchemy import text  # noqa: E402

from engine import clock, migrate  # noqa: E402
from engine.bootstrap import Motcua  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.procedures.registry import check_and_deploy  # noqa: E402
from engine.statistics import BY_AGENCY, Period, figures, figures_by  # noqa: E402
from engine.statistics.outcomes import backfill_outcomes  # noqa: E402

AGENCIES = 50
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hà Nội
HISTORY_DAYS = 3 * 365


def load(motcua: Motcua, dossiers: int) -> dict:
    started = time.perf_counter()
    migrate.upgrade(motcua.db)
    with motcua.uow() as uow:
        version_id = check_and_deploy(uow, [REFERENCE_BPMN], FORMS_DIR, deployed_by="bench")[0].id
        uow.commit()
    params = {"now": NOW, "n": dossiers, "first_open": int(dossiers * 0.98),
              "span": timedelta(days=HISTORY_DAYS).total_seconds(), "version": version_id}
    with motcua.db.begin() as conn:
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
    loaded = time.perf_counter() - started
    with motcua.db.begin() as conn:
        backfilled = backfill_outcomes(conn)
    outcomes = time.perf_counter() - started - loaded
    with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return {"load_seconds": loaded, "backfill_seconds": outcomes, "backfilled": backfilled,
            "total_seconds": time.perf_counter() - started}


def loaded_dossiers(motcua: Motcua) -> int | None:
    with motcua.db.connect() as conn:
        if not conn.execute(text("SELECT to_regclass('dossiers')")).scalar():
            return None
        return conn.execute(text("SELECT count(*) FROM dossiers")).scalar()


def explain(motcua: Motcua, run) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements ``run`` sends."""
    captured = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "GROUP BY" in statement:
            captured.append((statement, parameters))
    from sqlalchemy import event
    event.listen(motcua.db, "before_cursor_execute", keep)
    try:
        with motcua.read_session() as s:
            run(s)
    finally:
        event.remove(motcua.db, "before_cursor_execute", keep)
    statement, parameters = captured[0]
    with motcua.db.connect() as conn:
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
    args = parser.parse_args()
    motcua = Motcua(Settings(database_url=args.database_url))
    print(machine_line())
    have = loaded_dossiers(motcua)
    if not (args.reuse and have):
        with motcua.db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        print("loading…", load(motcua, args.dossiers))
    print(f"dossiers: {loaded_dossiers(motcua):,}")
    clock.set_clock(clock.FrozenClock(NOW))
    rng = random.Random(11)
    months = Period.year(2025).months() + Period.year(2024).months()

    agency_month, agency_trend, province_year = Samples(), Samples(), Samples()
    for _ in range(args.runs):
        agency, month = rng.randint(1, AGENCIES), rng.choice(months)
        with motcua.read_session() as s, timed(agency_month):
            f = figures(s, month, agency_ids=[agency])
        assert f["received"] > 0
    for _ in range(max(5, args.runs // 6)):
        agency = rng.randint(1, AGENCIES)
        with motcua.read_session() as s, timed(agency_trend):
            for month in Period.year(2025).months():
                figures(s, month, agency_ids=[agency])
    for _ in range(max(5, args.runs // 6)):
        with motcua.read_session() as s, timed(province_year):
            table = figures_by(s, Period.year(2025), BY_AGENCY)
        assert len(table) == AGENCIES
    rows = [[name, len(samples.values_ns), samples.median_ms, samples.p95_ms, samples.cpu_median_ms]
            for name, samples in (("one agency, one month", agency_month),
                                  ("one agency, twelve months (trend)", agency_trend),
                                  ("province, one year, by agency", province_year))]
    print_table("Statistics (ms)", ["query", "runs", "p50", "p95", "CPU p50 (client)"], rows)
    print("\nEXPLAIN one agency, one month:\n")
    print(explain(motcua, lambda s: figures(s, Period.month(2025, 3), agency_ids=[7])))
    print("\nEXPLAIN province, one year, by agency:\n")
    print(explain(motcua, lambda s: figures_by(s, Period.year(2025), BY_AGENCY)))
    print(machine_line("at the end"))


if __name__ == "__main__":
    main()
