"""The dossier list (/dossiers) with 1,000,000 dossiers in PostgreSQL, spread over 50 communes.

    .venv/bin/python bench/dossier_list_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        [--dossiers 1000000] [--runs 200] [--reuse] [--plans] [--priority -15] [--only queries|http]

Loads (unless --reuse finds the data there): 50 communes with a one-stop officer each, a district
supervisor holding a role in 10 of them, a police station with a step on one dossier in 50 of
those 10 communes; the reference procedure; dossiers received evenly over three years (3% in
processing, 1% waiting for a supplement, 4% withdrawn, the rest returned), applicant names drawn
from common Vietnamese family, middle and given names, one work item each, with the folded names
and their keys as the app writes them. Bulk SQL, then VACUUM ANALYZE.

Measures, with the clock frozen at the load's "now", for the commune officer, the supervisor (10
communes), the police officer and an administrator who is a member of every agency (51): the first
page of the list with each kind of filter (engine.queries.dossier_list.dossier_list) — p50/p95
over --runs runs of the whole call, and p50/p95 of the page query's planning + execution as the
server reports it (up to 50 EXPLAIN ANALYZE runs without per-node timing) — then the whole HTTP
response of /dossiers through the Flask app, and EXPLAIN (ANALYZE, BUFFERS) of each page query
(--plans prints them). A SELECT 1 round trip before each officer gives the machine's floor: on a
busy machine the wall clock counts the waits for a CPU, the server's times do not. --priority runs
this process and the PostgreSQL backends it uses at that niceness (root), ahead of other work.
Not a test: nothing here asserts a time. The aim (issue 12) is p95 < 100 ms.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import FORMS_DIR, REFERENCE_BPMN, Samples, print_table, prioritise, round_trips, timed  # noqa: E402

from sqlalchemy import event, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from engine import clock, migrate  # noqa: E402
from engine.bootstrap import Motcua  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.folding import fold  # noqa: E402
from engine.procedures.registry import check_and_deploy  # noqa: E402
from engine.queries.dossier_list import ONE_PROCESS, DossierFilters, dossier_list  # noqa: E402
from engine.runtime.serializer import VERSION as SERIALIZER_VERSION  # noqa: E402

AGENCIES = 50
POLICE = AGENCIES + 1
SUPERVISED_AGENCIES = 10
PASSWORD = "motcua-bench"
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)
HISTORY_DAYS = 3 * 365
OFFICER, SUPERVISOR, POLICE_OFFICER, ADMIN = "cb01_reception", "giamsat", "congan", "quantri"
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Minh", "Nam", "Ngọc", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tuấn",
         "Vân", "Việt", "Yến"]
FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Hữu", "Ngọc", "Xuân"]


def _pick(array: str, expr: str) -> str:
    return f"(CAST(:{array} AS text[]))[1 + ({expr}) % cardinality(CAST(:{array} AS text[]))]"


def load(motcua: Motcua, dossiers: int) -> float:
    started = time.perf_counter()
    migrate.upgrade(motcua.db)
    with motcua.uow() as uow:
        version_id = check_and_deploy(uow, [REFERENCE_BPMN], FORMS_DIR, deployed_by="bench")[0].id
        uow.commit()
    params = {"now": NOW, "n": dossiers, "span": timedelta(days=HISTORY_DAYS).total_seconds(),
              "version": version_id, "serializer": SERIALIZER_VERSION, "hash": generate_password_hash(PASSWORD),
              "given": GIVEN, "families": FAMILIES, "middles": MIDDLES,
              "given_f": [fold(x) for x in GIVEN], "families_f": [fold(x) for x in FAMILIES],
              "middles_f": [fold(x) for x in MIDDLES]}
    family, middle, given = "d * 7", "d / 3", "d * 13"
    with motcua.db.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = 0"))  # the bulk load is not a web request
        conn.execute(text(
            "INSERT INTO agencies (id, code, name, kind, area_code, timezone, calendar_code, office_hours) "
            "SELECT a, '000.00.' || lpad(a::text, 2, '0') || '.H56', 'UBND xã Số ' || a, 'commune_committee', "
            "'H56.' || a, 'Asia/Ho_Chi_Minh', 'VN', '07:00-11:30,13:30-17:00' FROM generate_series(1, :a) a"),
            {"a": AGENCIES})
        conn.execute(text(
            "INSERT INTO agencies (id, code, name, kind, area_code, timezone, calendar_code, office_hours) VALUES "
            "(:p, '000.99.01.H56', 'Công an huyện', 'police', 'H56', 'Asia/Ho_Chi_Minh', 'VN', '07:00-17:00')"),
            {"p": POLICE})
        users = [(f"cb{a:02d}_reception", a, ["reception"]) for a in range(1, AGENCIES + 1)]
        users += [(SUPERVISOR, None, []), (POLICE_OFFICER, POLICE, ["specialist"]), (ADMIN, None, [])]
        conn.execute(text(
            "INSERT INTO users (id, username, full_name, email, password_hash, locale, is_active, is_admin) "
            "VALUES (:id, :u, :u, '', :hash, 'vi', true, :admin)"),
            [{"id": i, "u": u, "hash": params["hash"], "admin": u == ADMIN} for i, (u, _a, _r) in enumerate(users, 1)])
        members = [{"u": i, "a": a, "r": r} for i, (_u, a, roles) in enumerate(users, 1) for r in roles]
        members += [{"u": AGENCIES + 1, "a": a, "r": r} for a in range(1, SUPERVISED_AGENCIES + 1)
                    for r in ("supervisor", "leader")]
        # The administrator sees dossiers as everyone does, through memberships: here every agency's
        # (the widest scope there is: 51 agencies, 102 branches).
        members += [{"u": len(users), "a": a, "r": "supervisor"} for a in range(1, POLICE + 1)]
        conn.execute(text("INSERT INTO memberships (user_id, agency_id, role) VALUES (:u, :a, :r)"), members)
        conn.execute(text(f"""
            INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name,
                search_name, applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at,
                due_at, original_due_at, finished_at, revision)
            SELECT d, '000.00.' || lpad((1 + d % {AGENCIES})::text, 2, '0') || '.H56-'
                       || to_char(r AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(d::text, 7, '0'),
                   1 + d % {AGENCIES}, :version,
                   CASE WHEN d > :n * 0.97 THEN CASE WHEN d % 4 = 0 THEN 5 ELSE 4 END
                        WHEN d % 23 = 3 THEN 7 ELSE 10 END, 1,
                   {_pick("families", family)} || ' ' || {_pick("middles", middle)} || ' ' || {_pick("given", given)},
                   {_pick("families_f", family)} || ' ' || {_pick("middles_f", middle)} || ' '
                       || {_pick("given_f", given)},
                   lpad((d::bigint * 7919 % 1000000000)::text, 12, '0'), '', '', '',
                   r, r + interval '15 days', r + interval '15 days',
                   CASE WHEN d <= :n * 0.97 THEN r + interval '6 days' END, 4
            FROM generate_series(1, :n) d,
                 LATERAL (SELECT :now - make_interval(secs => :span * (:n - d) / :n) AS r) received
        """), params)
        conn.execute(text(f"""
            INSERT INTO dossier_search_keys (key, dossier_id, agency_id)
            SELECT DISTINCT k, d, 1 + d % {AGENCIES} FROM generate_series(1, :n) d, LATERAL (VALUES
                ({_pick("families_f", family)} || ' ' || {_pick("middles_f", middle)} || ' ' || {_pick("given_f", given)}),
                ({_pick("middles_f", middle)} || ' ' || {_pick("given_f", given)}),
                ({_pick("given_f", given)})) keys(k)
        """), params)
        conn.execute(text("INSERT INTO dossier_search_keys (key, dossier_id, agency_id) SELECT lower(code), id, "
                          "agency_id FROM dossiers UNION SELECT applicant_id_number, id, agency_id FROM dossiers"))
        conn.execute(text("INSERT INTO dossier_states (dossier_id, state, serializer_version) "
                          "SELECT d, '{}', :serializer FROM generate_series(1, :n) d"), params)
        # One step per dossier in its commune; the police have a step on one dossier in 50 of the
        # supervised communes' dossiers.
        conn.execute(text(f"""
            INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state,
                created_at, due_at, allotment, finished_at)
            SELECT d, md5(d::text)::uuid::text, d, 1 + d % {AGENCIES}, 'specialist', 'appraise', 'Thẩm định hồ sơ',
                   'done', r, r + interval '3 days', '3 ngày làm việc', r + interval '1 day'
            FROM generate_series(1, :n) d,
                 LATERAL (SELECT :now - make_interval(secs => :span * (:n - d) / :n) AS r) received
        """), params)
        conn.execute(text(f"""
            INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state,
                created_at, due_at, allotment, finished_at)
            SELECT :n + d, md5('p' || d)::uuid::text, d, {POLICE}, 'specialist', 'verify', 'Xác minh nơi cư trú',
                   'done', r, r + interval '3 days', '3 ngày làm việc', r + interval '1 day'
            FROM generate_series(1, :n) d,
                 LATERAL (SELECT :now - make_interval(secs => :span * (:n - d) / :n) AS r) received
            WHERE d % {AGENCIES} < {SUPERVISED_AGENCIES} AND d / {AGENCIES} % 50 = 7
        """), params)
        conn.execute(text(f"INSERT INTO dossier_step_agencies (agency_id, dossier_id, received_at) "
                          f"SELECT {POLICE}, d.id, d.received_at FROM work_items w JOIN dossiers d ON d.id = w.dossier_id "
                          f"WHERE w.agency_id = {POLICE}"))
        for table in ("agencies", "users", "memberships", "dossiers", "work_items"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SET statement_timeout = 0"))
        conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started


class LastStatement:
    """The page query (the one that picks the page's dossier ids), to EXPLAIN it afterwards."""

    def __init__(self, db_engine):
        self.statement = self.parameters = None
        event.listen(db_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if "anon_1" in statement and "FROM dossiers" in statement:
            self.statement, self.parameters = statement, parameters


def cases(motcua: Motcua, officer_id: int) -> list[tuple[str, DossierFilters, str | None]]:
    with motcua.db.connect() as conn:
        code, id_number = conn.execute(text(
            "SELECT code, applicant_id_number FROM dossiers WHERE agency_id = 1 ORDER BY id LIMIT 1 OFFSET 50")).one()
        procedure_id = conn.execute(text("SELECT min(id) FROM procedures")).scalar()
        agency_id = conn.execute(text("SELECT max(agency_id) FROM memberships WHERE user_id = :u"),
                                 {"u": officer_id}).scalar()
    with motcua.read_session() as s:
        deep = dossier_list(s, officer_id, DossierFilters(), per_page=1000).next_after
    return [
        ("newest first", DossierFilters(), None),
        ("page after 1,000 rows", DossierFilters(), deep),
        ("status 5 (1% of 3% open)", DossierFilters(status=5), None),
        ("status 7 (withdrawn, 4%)", DossierFilters(status=7), None),
        ("status 3 (none)", DossierFilters(status=3), None),
        ("one week, 6 months ago", DossierFilters(received_from=date(2025, 12, 1), received_to=date(2025, 12, 7)), None),
        ("code", DossierFilters(search=code), None),
        ("ID number", DossierFilters(search=id_number), None),
        ("full name, no accents", DossierFilters(search="nguyen van an"), None),
        ("given name 'Yến'", DossierFilters(search="Yến"), None),
        ("family name 'nguyen' (common)", DossierFilters(search="nguyen"), None),
        ("'van' + status 4", DossierFilters(search="van", status=4), None),
        ("nobody", DossierFilters(search="khong co ai"), None),
        ("code start (one day)", DossierFilters(search=code[:20]), None),
        ("procedure", DossierFilters(procedure_id=procedure_id), None),
        ("one agency", DossierFilters(agency_id=agency_id), None),
        ("agency + procedure + status 4 + period + 'nguyen'",
         DossierFilters(agency_id=agency_id, procedure_id=procedure_id, status=4, search="nguyen",
                        received_from=date(2026, 1, 1), received_to=date(2026, 6, 1)), None),
    ]


def with_settings(conn) -> None:
    """The settings the code runs the page query with (``dossier_list.ONE_PROCESS``), for the
    transaction this begins (the caller rolls it back)."""
    for name, value in ONE_PROCESS.items():
        conn.execute(text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})


def explain(motcua: Motcua, statement: str, parameters) -> str:
    with motcua.db.connect() as conn:
        with_settings(conn)
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        conn.rollback()
        return plan


def server_times(motcua: Motcua, statement: str, parameters, runs: int) -> Samples:
    """Planning + execution of the page query as the server reports it (EXPLAIN ANALYZE without
    per-node timing): the query's own cost, without this process's or the machine's queueing."""
    samples = Samples()
    with motcua.db.connect() as conn:
        with_settings(conn)
        cursor = conn.connection.driver_connection.cursor()
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
            total = sum(float(line.split(":")[1].split()[0]) for line in lines
                        if line.startswith(("Planning Time", "Execution Time")))
            samples.add(int(total * 1e6))
        conn.rollback()
    return samples


def measure(motcua: Motcua, who: str, user_id: int, case_list, runs: int, watcher: LastStatement, plans: dict):
    rows = []
    for label, filters, after in case_list:
        samples = Samples()
        with motcua.read_session() as s:
            for _ in range(3):
                page = dossier_list(s, user_id, filters, after=after)
            for _ in range(runs):
                with timed(samples):
                    page = dossier_list(s, user_id, filters, after=after)
                s.rollback()
        statement, parameters = watcher.statement, watcher.parameters
        plans[f"{who} — {label}"] = explain(motcua, statement, parameters)
        server = server_times(motcua, statement, parameters, min(runs, 50))
        rows.append([label, len(page.rows), "yes" if page.next_after else "no", samples.median_ms, samples.p95_ms,
                     server.median_ms, server.p95_ms])
    return rows


def measure_http(url: str, username: str, queries, runs: int, priority: int | None = None):
    from webapp import create_app
    app = create_app(Settings(database_url=url), {"WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench"})
    if priority is not None:
        app.extensions["motcua"].db.dispose()
        prioritise(app.extensions["motcua"].db, priority)
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    rows = []
    for query in queries:
        path = "/dossiers" + ("?" + urlencode(query) if query else "")
        samples = Samples()
        for _ in range(3):
            client.get(path)
        for _ in range(runs):
            with timed(samples):
                response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        rows.append([path, response.get_data(as_text=True).count('class="dossier-code"'), samples.median_ms,
                     samples.p95_ms])
    app.extensions["motcua"].dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of your own (its public "
                                                              "schema is dropped and recreated)")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the data if it is already loaded")
    parser.add_argument("--plans", action="store_true", help="print the full EXPLAIN of every query")
    parser.add_argument("--priority", type=int, metavar="NICENESS",
                        help="run this process and its PostgreSQL backends at this niceness (e.g. -15; root)")
    parser.add_argument("--only", choices=("queries", "http"), help="measure only the queries or only the pages")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("this benchmark is for PostgreSQL")
    motcua = Motcua(Settings(database_url=args.database_url))
    if args.priority is not None:
        prioritise(motcua.db, args.priority)
    with motcua.db.connect() as conn:
        present = conn.execute(text("SELECT to_regclass('dossier_search_keys') IS NOT NULL")).scalar() and \
            conn.execute(text("SELECT count(*) FROM dossiers")).scalar()
    if args.reuse and present:
        migrate.upgrade(motcua.db)
        print(f"Reusing the {present:,} dossiers already loaded.")
    else:
        with motcua.db.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        print(f"Loaded in {load(motcua, args.dossiers):.1f} s.")
    clock.set_clock(clock.FrozenClock(NOW))
    with motcua.db.connect() as conn:
        ids = dict(conn.execute(text("SELECT username, id FROM users WHERE username IN (:a, :b, :c, :d)"),
                                {"a": OFFICER, "b": SUPERVISOR, "c": POLICE_OFFICER, "d": ADMIN}).all())
        facts = conn.execute(text(
            "SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM dossier_search_keys), "
            "(SELECT count(*) FROM work_items), pg_size_pretty(pg_total_relation_size('dossier_search_keys')), "
            "version()")).one()
    print(f"\n{facts[4]}\n{os.cpu_count()} CPU, Python {platform.python_version()}, "
          f"load average at the start: {os.getloadavg()[0]:.2f}")
    print(f"dossiers: {facts[0]:,}, name keys: {facts[1]:,} ({facts[3]}), work items: {facts[2]:,}; "
          f"{args.runs} runs per line after 3 warm-up runs")
    watcher, plans = LastStatement(motcua.db), {}
    header = ["filter", "rows", "next page", "p50 ms", "p95 ms", "server p50 ms", "server p95 ms"]
    for who in (OFFICER, SUPERVISOR, POLICE_OFFICER, ADMIN) if args.only != "http" else ():
        floor = round_trips(motcua, args.runs)
        print(f"\nSELECT 1 round trip before {who}: p50 {floor.median_ms:.3f} ms, p95 {floor.p95_ms:.3f} ms; "
              f"load average {os.getloadavg()[0]:.2f}")
        print_table(f"Dossier list (engine.queries.dossier_list), {who}", header,
                    measure(motcua, who, ids[who], cases(motcua, ids[who]), args.runs, watcher, plans))
    queries = [{}, {"q": "Nguyễn Văn An"}, {"q": "nguyen"}, {"status": "5"}, {"status": "7"}]
    for who in (OFFICER, SUPERVISOR, POLICE_OFFICER, ADMIN) if args.only != "queries" else ():
        floor = round_trips(motcua, args.runs)
        print(f"\nSELECT 1 round trip before {who}'s pages: p50 {floor.median_ms:.3f} ms, "
              f"p95 {floor.p95_ms:.3f} ms; load average {os.getloadavg()[0]:.2f}")
        print_table(f"Whole HTTP response of /dossiers (Flask test client, logged in), {who}",
                    ["url", "rows", "p50 ms", "p95 ms"],
                    measure_http(args.database_url, who, queries, args.runs, args.priority))
    if args.plans:
        for label, plan in plans.items():
            print(f"\n-- {label}\n{plan}")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    motcua.dispose()


if __name__ == "__main__":
    main()
