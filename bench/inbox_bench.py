"""The inbox's first page with 1,000,000 work items in PostgreSQL, spread over 50 agencies.

    .venv/bin/python bench/inbox_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB \
        [--items 1000000] [--runs 200] [--reuse]

Loads (unless --reuse finds the data there): 50 communes, 11 officers each (reception ×3,
specialist ×6, leader ×2), a district supervisor holding specialist and leader in 10 communes,
the reference procedure deployed through the registry, dossiers and their work items: three years
of history, mostly done, some withdrawn (cancelled), the newest 3% of dossiers still open on one
step, half of those claimed. Bulk SQL (INSERT … SELECT generate_series), then ANALYZE.

Measures, for one specialist and for the supervisor, with the clock frozen at the load's "now":
  - every inbox tab and a search (engine.queries.inbox.inbox) and the tab counts: p50/p95;
  - the whole HTTP response of /inbox through the Flask app, logged in through the login form:
    p50/p95;
  - EXPLAIN (ANALYZE, BUFFERS) of each page query, with the indexes it used.
Not a test: nothing here asserts a time. The aim (issue 3) is p95 < 50 ms for the whole response.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import FORMS_DIR, REFERENCE_BPMN, Samples, print_table, timed  # noqa: E402

from sqlalchemy import event, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from engine import clock, migrate  # noqa: E402
from engine.folding import fold  # noqa: E402
from engine.bootstrap import Motcua  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.procedures.registry import check_and_deploy  # noqa: E402
from engine.queries.inbox import TABS, inbox, tab_counts  # noqa: E402
from engine.runtime.serializer import VERSION as SERIALIZER_VERSION  # noqa: E402

AGENCIES = 50
# Officers per commune and role, in the order their ids are given (ids are computed in SQL).
ROLES = (("reception", 3), ("specialist", 6), ("leader", 2))
PER_AGENCY = sum(n for _, n in ROLES)
SUPERVISED_AGENCIES = 10
PASSWORD = "motcua-bench"
# The instant the data is made around; the clock stands here while measuring, so --reuse gives
# the same tabs whatever day the benchmark runs.
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hà Nội
HISTORY_DAYS = 3 * 365
OPEN_SHARE = 0.03
# The reference procedure's four human steps: (step id, name, lane).
STEPS = (("appraise", "Thẩm định hồ sơ", "specialist"),
         ("approve", "Phê duyệt", "leader"),
         ("record_marriage", "Ghi sổ hộ tịch, in Giấy chứng nhận kết hôn", "specialist"),
         ("return_result", "Trả kết quả", "reception"))
OFFICER = "cb01_specialist1"
SUPERVISOR = "giamsat"
INDEXES = ("ix_work_items_unit_queue", "ix_work_items_assignee_queue", "ix_work_items_finisher")


# ---------------------------------------------------------------------------------------------
# loading


def _officer_id_sql(agency: str, role: str, pick: str) -> str:
    """The id of officer number ``pick % n`` of (agency, role): users are inserted in that order."""
    offset, cases = 0, []
    for name, count in ROLES:
        cases.append(f"WHEN {role} = '{name}' THEN ({agency} - 1) * {PER_AGENCY} + {offset + 1} + ({pick}) % {count}")
        offset += count
    return "CASE " + " ".join(cases) + " END"


def load(motcua: Motcua, items: int) -> dict:
    started = time.perf_counter()
    migrate.upgrade(motcua.db)
    with motcua.uow() as uow:
        version = check_and_deploy(uow, [REFERENCE_BPMN], FORMS_DIR, deployed_by="bench")[0]
        uow.commit()
        version_id = version.id
    password_hash = generate_password_hash(PASSWORD)
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan",
             "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
             "Trung", "Tuấn", "Vân", "Việt", "Yến"]
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
                "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
    middles = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Hữu", "Ngọc", "Xuân"]
    # Average work items per dossier: done 4, withdrawn 1.5, open 2.5 (see the CASE below); a few
    # more dossiers than needed, and the oldest items beyond ``items`` are left out.
    dossiers = int(items / ((1 - OPEN_SHARE) * (0.96 * 4 + 0.04 * 1.5) + OPEN_SHARE * 2.5)) + 100
    first_open = int(dossiers * (1 - OPEN_SHARE))
    span = timedelta(days=HISTORY_DAYS).total_seconds()
    params = {"now": NOW, "n": dossiers, "first_open": first_open, "span": span, "items": items,
              "hash": password_hash, "version": version_id, "given": given, "families": families,
              "middles": middles, "serializer": SERIALIZER_VERSION, "given_folded": [fold(w) for w in given],
              "families_folded": [fold(w) for w in families], "middles_folded": [fold(w) for w in middles]}
    with motcua.db.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = 0"))  # the bulk load is not a web request
        conn.execute(text(
            "INSERT INTO agencies (id, code, name, kind, area_code, timezone, calendar_code, office_hours) "
            "SELECT a, '000.00.' || lpad(a::text, 2, '0') || '.H56', 'UBND xã Số ' || a, 'commune_committee', "
            "'H56.' || a, 'Asia/Ho_Chi_Minh', 'VN', '07:00-11:30,13:30-17:00' FROM generate_series(1, :agencies) a"),
            {"agencies": AGENCIES})
        user_rows = []
        for agency in range(1, AGENCIES + 1):
            for role, count in ROLES:
                for j in range(1, count + 1):
                    user_rows.append({"username": f"cb{agency:02d}_{role}{j}",
                                      "full_name": f"{families[(agency + j) % len(families)]} Văn "
                                                   f"{given[(agency * 7 + j) % len(given)]}",
                                      "agency": agency, "role": role})
        user_rows.append({"username": SUPERVISOR, "full_name": "Trưởng phòng Tư pháp huyện",
                          "agency": None, "role": None})
        conn.execute(text(
            "INSERT INTO users (id, username, full_name, email, password_hash, locale, is_active, is_admin) "
            "VALUES (:id, :username, :full_name, '', :hash, 'vi', true, false)"),
            [dict(row, id=i, hash=password_hash) for i, row in enumerate(user_rows, 1)])
        memberships = [{"user": i, "agency": row["agency"], "role": row["role"]}
                       for i, row in enumerate(user_rows, 1) if row["agency"]]
        supervisor_id = len(user_rows)
        memberships += [{"user": supervisor_id, "agency": a, "role": role}
                        for a in range(1, SUPERVISED_AGENCIES + 1) for role in ("specialist", "leader")]
        conn.execute(text("INSERT INTO memberships (user_id, agency_id, role) VALUES (:user, :agency, :role)"),
                     memberships)
        # Dossier d: commune 1 + d % 50, received evenly over three years up to now. The newest
        # OPEN_SHARE are in progress on step d % 4; one in 25 of the others was withdrawn.
        conn.execute(text(f"""
            INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name,
                applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, due_at,
                original_due_at, finished_at, revision, search_name)
            SELECT d, '000.00.' || lpad((1 + d % {AGENCIES})::text, 2, '0') || '.H56-'
                       || to_char(r AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYMMDD') || '-' || lpad(d::text, 7, '0'),
                   1 + d % {AGENCIES}, :version,
                   CASE WHEN d >= :first_open THEN 4 WHEN d % 25 = 3 THEN 7 ELSE 10 END, 1,
                   (CAST(:families AS text[]))[1 + (d * 7) % cardinality(CAST(:families AS text[]))] || ' '
                       || (CAST(:middles AS text[]))[1 + (d / 3) % cardinality(CAST(:middles AS text[]))] || ' '
                       || (CAST(:given AS text[]))[1 + (d * 13) % cardinality(CAST(:given AS text[]))],
                   lpad((d * 7919 % 1000000000)::text, 12, '0'), 'Xã Số ' || (1 + d % {AGENCIES}), '', '',
                   r, r + interval '15 days', r + interval '15 days',
                   CASE WHEN d < :first_open THEN r + interval '6 days' END, 4,
                   -- the name as the search reads it (engine/folding.py), from the same three words
                   (CAST(:families_folded AS text[]))[1 + (d * 7) % cardinality(CAST(:families AS text[]))] || ' '
                       || (CAST(:middles_folded AS text[]))[1 + (d / 3) % cardinality(CAST(:middles AS text[]))] || ' '
                       || (CAST(:given_folded AS text[]))[1 + (d * 13) % cardinality(CAST(:given AS text[]))]
            FROM generate_series(1, :n) d,
                 LATERAL (SELECT :now - make_interval(secs => :span * (:n - d) / :n) AS r) received
        """), params)
        conn.execute(text("INSERT INTO dossier_states (dossier_id, state, serializer_version) "
                          "SELECT d, '{}', :serializer FROM generate_series(1, :n) d"), params)
        # Work items: done dossiers have all four steps done; withdrawn ones stop after one or two
        # steps, the last cancelled; open ones are done up to step d % 4, which is open (half of
        # them claimed). Step k starts k×1.5 days after reception and is due 3 days later (one in 7
        # finished late); an open step started up to 15 days ago and is due 5 days after it started,
        # with its warning (due soon) when a quarter of that is left.
        # The officer: the dossier's rank in its commune, plus the step, picks one of the unit.
        officer = _officer_id_sql("dossier_agency", "lane", f"d / {AGENCIES} + k")
        conn.execute(text(f"""
            INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state,
                assignee_id, created_at, due_at, warn_at, allotment, claimed_at, finished_at, finished_by_id)
            SELECT row_number() OVER (ORDER BY d, k), md5(d || '-' || k)::uuid::text, d, dossier_agency, lane,
                   step_id, step_name, state,
                   CASE WHEN state = 'done' OR (state = 'open' AND d / {AGENCIES} % 2 = 0) THEN {officer} END,
                   created, created + CASE WHEN state = 'open' THEN interval '5 days' ELSE interval '3 days' END,
                   CASE WHEN state = 'open' THEN created + interval '3 days 18 hours' END,
                   '3 ngày làm việc',
                   CASE WHEN state = 'done' OR (state = 'open' AND d / {AGENCIES} % 2 = 0)
                        THEN created + interval '1 hour' END,
                   CASE WHEN state <> 'open' THEN created + CASE WHEN d % 7 = 0 THEN interval '4 days'
                                                                 ELSE interval '1 day' END END,
                   CASE WHEN state = 'done' THEN {officer} END
            FROM (
                SELECT d, k, 1 + d % {AGENCIES} AS dossier_agency,
                       (ARRAY['appraise','approve','record_marriage','return_result'])[k + 1] AS step_id,
                       (ARRAY[{", ".join(f"'{name}'" for _, name, _ in STEPS)}])[k + 1] AS step_name,
                       (ARRAY[{", ".join(f"'{lane}'" for _, _, lane in STEPS)}])[k + 1] AS lane,
                       CASE WHEN d >= :first_open THEN CASE WHEN k = d % 4 THEN 'open' ELSE 'done' END
                            WHEN d % 25 = 3 THEN CASE WHEN k = d % 2 THEN 'cancelled' ELSE 'done' END
                            ELSE 'done' END AS state,
                       CASE WHEN d >= :first_open AND k = d % 4
                            THEN :now - make_interval(hours => (d * 37) % 360)
                            ELSE :now - make_interval(secs => :span * (:n - d) / :n) + make_interval(hours => 36 * k)
                       END AS created
                FROM generate_series(1, :n) d,
                     LATERAL generate_series(0, CASE WHEN d >= :first_open THEN d % 4
                                                     WHEN d % 25 = 3 THEN d % 2 ELSE 3 END) k
                ORDER BY d DESC, k
                LIMIT :items
            ) steps
        """), params)
        # The oldest dossiers, left without work by the LIMIT: drop them.
        conn.execute(text("DELETE FROM dossier_states WHERE dossier_id < (SELECT min(dossier_id) FROM work_items)"))
        conn.execute(text("DELETE FROM dossiers WHERE id < (SELECT min(dossier_id) FROM work_items)"))
        for table in ("agencies", "users", "memberships", "dossiers", "work_items"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SET statement_timeout = 0"))
        conn.execute(text("VACUUM ANALYZE"))
    return {"seconds": time.perf_counter() - started}


def loaded_items(motcua: Motcua) -> int | None:
    with motcua.db.connect() as conn:
        if not conn.execute(text("SELECT to_regclass('work_items')")).scalar():
            return None
        return conn.execute(text("SELECT count(*) FROM work_items")).scalar()


def reset_schema(motcua: Motcua) -> None:
    with motcua.db.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


# ---------------------------------------------------------------------------------------------
# measuring


class LastStatement:
    """Keeps the last SELECT on work_items sent to the database, to EXPLAIN it afterwards."""

    def __init__(self, db_engine):
        self.statement = None
        self.parameters = None
        event.listen(db_engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if "FROM work_items" in statement:
            self.statement, self.parameters = statement, parameters


def explain(motcua: Motcua, statement: str, parameters) -> str:
    with motcua.db.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_summary(plan: str) -> tuple[str, str, str]:
    """The work_items indexes used, the first line (total cost, rows) and the execution time."""
    used = sorted(set(re.findall(r"(?:using|on) (ix_work_items_\w+|work_items_pkey)", plan)))
    seq = " + Seq Scan work_items" if re.search(r"Seq Scan on work_items", plan) else ""
    top = plan.splitlines()[0]
    cost = re.search(r"cost=[\d.]+\.\.([\d.]+)", top).group(1)
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)
    return (", ".join(used) or "-") + seq, cost, execution


def measure_queries(motcua: Motcua, user_id: int, cases, runs: int, watcher: LastStatement, plans: dict,
                    who: str):
    rows = []
    for label, tab, search in cases:
        samples = Samples()
        with motcua.read_session() as s:
            for _ in range(5):
                page = inbox(s, user_id, tab, search=search, now=NOW)
            for _ in range(runs):
                with timed(samples):
                    page = inbox(s, user_id, tab, search=search, now=NOW)
                s.rollback()  # a fresh snapshot each time, as each request has
        plan = explain(motcua, watcher.statement, watcher.parameters)
        plans[f"{who} — {label}"] = plan
        used, cost, execution = plan_summary(plan)
        rows.append([label, len(page.rows), "yes" if page.has_next else "no", samples.median_ms,
                     samples.p95_ms, execution, cost, used])
    samples = Samples()
    with motcua.read_session() as s:
        for _ in range(5):
            counts = tab_counts(s, user_id, now=NOW)
        for _ in range(runs):
            with timed(samples):
                counts = tab_counts(s, user_id, now=NOW)
            s.rollback()
    rows.append(["tab counts (4 COUNTs)", " ".join(f"{k}={v}" for k, v in counts.items()), "", samples.median_ms,
                 samples.p95_ms, "", "", ""])
    return rows


def measure_http(motcua_url: str, username: str, urls, runs: int):
    from webapp import create_app
    app = create_app(Settings(database_url=motcua_url), {"WTF_CSRF_ENABLED": False, "SECRET_KEY": "bench"})
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"login as {username} failed: {response.status_code}"
    rows = []
    for url in urls:
        samples, cpu = Samples(), Samples()
        for _ in range(5):
            response = client.get(url)
        for _ in range(runs):
            started = time.process_time_ns()
            with timed(samples):
                response = client.get(url)
            # The app's own CPU time (not PostgreSQL's): wall time minus this is waiting, for the
            # database or for a CPU on a busy machine.
            cpu.add(time.process_time_ns() - started)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True)
        rows.append([url, body.count('<th scope="row">'), len(body), samples.median_ms, samples.p95_ms,
                     cpu.median_ms])
    app.extensions["motcua"].dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of your own")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the data if it is already loaded")
    parser.add_argument("--plans", action="store_true", help="print the full EXPLAIN of every query")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("this benchmark is for PostgreSQL")

    motcua = Motcua(Settings(database_url=args.database_url))
    present = loaded_items(motcua)
    if args.reuse and present:
        migrate.upgrade(motcua.db)  # a newer index, if any, on the data already there
        with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE work_items"))
        print(f"Reusing the {present:,} work items already loaded.")
    else:
        reset_schema(motcua)
        took = load(motcua, args.items)
        print(f"Loaded in {took['seconds']:.1f} s.")

    clock.set_clock(clock.FrozenClock(NOW))
    with motcua.db.connect() as conn:
        facts = conn.execute(text("""
            SELECT (SELECT count(*) FROM work_items), (SELECT count(*) FROM dossiers),
                   (SELECT count(*) FROM work_items WHERE state = 'open'),
                   (SELECT count(*) FROM work_items WHERE state = 'open' AND assignee_id IS NOT NULL),
                   (SELECT count(*) FROM work_items WHERE state = 'open' AND due_at < :now),
                   (SELECT count(*) FROM work_items WHERE state = 'cancelled'),
                   pg_size_pretty(pg_total_relation_size('work_items')), version()
        """), {"now": NOW}).one()
        officer_id = conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": OFFICER}).scalar()
        supervisor_id = conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": SUPERVISOR}).scalar()
        memberships = conn.execute(text("SELECT count(*) FROM memberships WHERE user_id = :u"),
                                   {"u": supervisor_id}).scalar()
        code_part = conn.execute(text(
            "SELECT substr(d.code, length(d.code) - 10) FROM work_items w JOIN dossiers d ON d.id = w.dossier_id "
            "WHERE w.finished_by_id = :u ORDER BY w.id DESC LIMIT 1 OFFSET 10"), {"u": officer_id}).scalar()
    print(f"\n{facts[7]}\n{_machine()}")
    print(f"work_items: {facts[0]:,} ({facts[6]}), dossiers: {facts[1]:,}, open: {facts[2]:,} "
          f"(claimed {facts[3]:,}, overdue {facts[4]:,}), cancelled: {facts[5]:,}; now = {NOW.isoformat()}")
    print(f"officer {OFFICER} (1 membership), supervisor {SUPERVISOR} ({memberships} memberships); "
          f"{args.runs} runs per line after 5 warm-up runs")

    cases = [(tab, tab, "") for tab in TABS] + [
        ("search name, unclaimed", "unclaimed", "nguyễn"),
        ("search code, done", "done", code_part),
        ("search miss, done", "done", "không có ai"),
    ]
    watcher = LastStatement(motcua.db)
    plans: dict[str, str] = {}
    header = ["tab", "rows", "next page", "p50 ms", "p95 ms", "EXPLAIN exec ms", "plan cost", "work_items access"]
    for who, user_id in ((OFFICER, officer_id), (SUPERVISOR, supervisor_id)):
        print_table(f"Inbox queries (engine.queries.inbox.inbox), {who}", header,
                    measure_queries(motcua, user_id, cases, args.runs, watcher, plans, who))

    urls = [f"/inbox?tab={tab}" for tab in TABS] + ["/inbox?tab=unclaimed&q=nguy%E1%BB%85n", "/inbox?tab=done&page=2"]
    for who in (OFFICER, SUPERVISOR):
        print_table(f"Whole HTTP response (Flask test client, logged in), {who}",
                    ["url", "rows", "bytes", "p50 ms", "p95 ms", "app CPU p50 ms"], measure_http(args.database_url, who, urls, args.runs))

    print("\nQuery plans (EXPLAIN (ANALYZE, BUFFERS)):")
    for label, plan in plans.items():
        if args.plans:
            print(f"\n-- {label}\n{plan}")
        else:
            used, cost, execution = plan_summary(plan)
            print(f"  {label}: {used}; cost {cost}; {execution} ms")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    motcua.dispose()


def _machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}, "
            f"load average at the start: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
