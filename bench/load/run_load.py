"""The full load test: 50 officers (Locust) for 5 minutes against 4 gunicorn web processes and 2
schedulers on PostgreSQL holding 100,000 open dossiers; mid-load a web worker and a scheduler
are SIGKILLed and the database connection is cut for 10 seconds through a TCP proxy; then the
invariant checker goes over every dossier.

    .venv/bin/pip install -e '.[load]'      # Locust
    .venv/bin/python bench/load/run_load.py --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/motcua_load \
        [--dossiers 100000] [--officers 50] [--minutes 5] [--workers 4] [--schedulers 2] [--reuse]

Drops and recreates the ``public`` schema of the database it is given (unless --reuse, which
keeps a database this script seeded before). The short version of the same test runs in the
suite: tests/test_load_faults.py.

Printed: per action (inbox, claim, task, complete, send_back) the requests, throughput, median
and p95 (Locust), the HTTP statuses seen by the web processes inside and outside the database
cut, the invariant checker's report, and the load average of the machine.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _harness import BPMN_DIR, FORMS_DIR, machine_line, print_table  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from engine import clock, commands, migrate  # noqa: E402
from engine.bootstrap import Motcua  # noqa: E402
from engine.commands.reception import Applicant  # noqa: E402
from engine.config import PROJECT_ROOT, Settings  # noqa: E402
from engine.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from tests.deployment import Deployment, TcpProxy  # noqa: E402

COMMUNES = 10
ROLES = (("specialist", 3), ("leader", 1), ("reception", 1))
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def seed(url: str, dossiers: int) -> list[str]:
    """Ten communes with five officers each, and ``dossiers`` open dossiers waiting at their first
    step, each a real workflow state (a received dossier's, with fresh task ids)."""
    from engine.models import Agency, Dossier, Membership, User, WorkItem
    admin = Motcua(Settings(database_url=url))
    with admin.db.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(admin.db)
    load_demo(admin.uow(), BPMN_DIR, FORMS_DIR)
    names = []
    with admin.uow() as uow:
        s = uow.session
        password_hash = s.execute(select(User.password_hash).where(User.username == "chuyenvien")).scalar_one()
        for c in range(COMMUNES):
            agency = Agency(code=f"000.{50 + c}.21.H56", name=f"UBND xã Số {c + 1}", kind="commune_committee",
                            area_code=f"H56.L{c}")
            s.add(agency)
            s.flush()
            for role, count in ROLES:
                for k in range(count):
                    user = User(username=f"load_c{c:02d}_{role}_{k}", full_name=f"Cán bộ {k + 1} xã Số {c + 1}",
                                password_hash=password_hash)
                    s.add(user)
                    s.flush()
                    s.add(Membership(user_id=user.id, agency_id=agency.id, role=role))
                    names.append(user.username)
        uow.commit()
    with admin.read_session() as s:
        agencies = [a for a in s.query(Agency).filter(Agency.code.like("000.5%")).order_by(Agency.id)]
        reception = {a.id: s.execute(select(Membership.user_id).where(Membership.agency_id == a.id,
                                                                      Membership.role == "reception")).scalar_one()
                     for a in agencies}
    templates = {}
    for agency in agencies:  # one real dossier per commune: its rows are the template
        d = commands.receive(admin.uow(), actor_id=reception[agency.id], agency_id=agency.id,
                             procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Mẫu"))
        with admin.read_session() as s:
            dossier = s.get(Dossier, d.id)
            item = s.execute(select(WorkItem).where(WorkItem.dossier_id == d.id)).scalar_one()
            templates[agency.id] = (dossier, dossier.workflow_state, item)
    _bulk(admin, templates, dossiers - len(templates))
    admin.dispose()
    return names


def _bulk(motcua, templates, count):
    """COPY the remaining dossiers, their states, open items and audit rows."""
    now = clock.now()
    raw = motcua.db.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT coalesce(max(id), 0) FROM dossiers")
        first = cur.fetchone()[0] + 1
        agency_ids = list(templates)
        with cur.copy("COPY dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                      "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, due_at, "
                      "original_due_at, apology_check_at, supplement_count, revision) FROM STDIN") as copy:
            for n in range(count):
                d, _state, _item = templates[agency_ids[n % len(agency_ids)]]
                received = now - timedelta(minutes=n % 7200)
                copy.write_row((first + n, f"{d.code[:-5]}-B{n:07d}", d.agency_id, d.procedure_version_id, d.status,
                                1, f"Nguyễn Văn {n}", "", "", "", "", received, d.due_at, d.original_due_at,
                                d.apology_check_at, 0, 1))
        ids = []
        for n in range(count):
            d, state, item = templates[agency_ids[n % len(agency_ids)]]
            mapping = {old: str(uuid.uuid4()) for old in set(UUID.findall(state))}
            ids.append((first + n, UUID.sub(lambda m: mapping[m.group(0)], state), mapping[item.task_id], item))
        with cur.copy("COPY dossier_states (dossier_id, state, serializer_version) FROM STDIN") as copy:
            for dossier_id, state, _task, _item in ids:
                copy.write_row((dossier_id, state, "1.5"))
        with cur.copy("COPY work_items (task_id, dossier_id, agency_id, role, step_id, step_name, state, created_at, "
                      "due_at, allotment, next_escalation_at, warn_at) FROM STDIN") as copy:
            for n, (dossier_id, _state, task_id, item) in enumerate(ids):
                # Due times spread from overdue to next week: the schedulers have escalations to do.
                due = now + timedelta(hours=(n % 240) - 48)
                copy.write_row((task_id, dossier_id, item.agency_id, item.role, item.step_id, item.step_name, "open",
                                now - timedelta(days=1), due, item.allotment, due - timedelta(hours=4),
                                due - timedelta(hours=4)))
        with cur.copy("COPY audit_events (dossier_id, at, action, status_after, detail, revision) FROM STDIN") as copy:
            for dossier_id, _state, _task, _item in ids:
                copy.write_row((dossier_id, now, "received", 2, "{}", 0))
                copy.write_row((dossier_id, now, "started", 2, "{}", 1))
        raw.commit()
        for table in ("dossiers", "work_items", "audit_events"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        raw.commit()
    finally:
        raw.close()
    with motcua.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def officers_of(url: str) -> list[str]:
    motcua = Motcua(Settings(database_url=url))
    with motcua.read_session() as s:
        names = s.execute(text("SELECT username FROM users WHERE username LIKE 'load_c%' ORDER BY id")).scalars().all()
    motcua.dispose()
    return list(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--schedulers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run (no seeding)")
    args = parser.parse_args()
    print(machine_line())

    started = time.perf_counter()
    names = officers_of(args.postgres_url) if args.reuse else seed(args.postgres_url, args.dossiers)
    print(f"data ready in {time.perf_counter() - started:.0f} s: {len(names)} officers")
    url = make_url(args.postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="motcua-load-"))
    deployment = Deployment(through_proxy, folder, env={"MOTCUA_DB_CONNECT_TIMEOUT": "2"})
    deployment.start_web(workers=args.workers, threads=args.threads)
    deployment.start_schedulers(args.schedulers, interval=5)
    duration = int(args.minutes * 60)
    env = dict(os.environ, LOAD_OFFICERS=",".join(names[:args.officers]), LOAD_PASSWORD=DEMO_PASSWORD)
    locust = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(PROJECT_ROOT / "bench/load/locustfile.py"), "--headless",
         "-u", str(args.officers), "-r", "10", "-t", f"{duration}s", "--host", deployment.base,
         "--csv", str(folder / "locust"), "--only-summary"], cwd=PROJECT_ROOT, env=env,
        stdout=open(folder / "locust.log", "w"), stderr=subprocess.STDOUT)
    faults = {}
    t0 = time.time()
    try:
        _at(t0, duration * 0.4)
        faults["web worker killed"] = time.time() - t0
        os.kill(deployment.worker_pids()[0], signal.SIGKILL)
        _at(t0, duration * 0.5)
        faults["scheduler killed (and restarted)"] = time.time() - t0
        os.kill(deployment.schedulers[0].pid, signal.SIGKILL)
        deployment.start_schedulers(1, interval=5)
        _at(t0, duration * 0.6)
        cut_from = time.time()
        faults["database cut, 10 s"] = cut_from - t0
        proxy.cut()
        time.sleep(10)
        proxy.restore()
        cut_to = time.time()
        locust.wait(duration + 120)
        time.sleep(12)  # the schedulers' last ticks over what the officers left
    finally:
        if locust.poll() is None:
            locust.terminate()
        codes = deployment.stop()
        proxy.stop()
    report(folder, t0, cut_from, cut_to, faults, codes, duration)

    from engine.invariants import check
    motcua = Motcua(Settings(database_url=args.postgres_url))
    checked = time.perf_counter()
    result = check(motcua)
    print(f"\ninvariant check ({time.perf_counter() - checked:.0f} s): {result.summary()}")
    for violation in result.violations[:20]:
        print("  ", violation)
    motcua.dispose()
    print("\n" + machine_line("at the end"))
    print(f"logs: {folder}")


def _at(t0, seconds):
    time.sleep(max(0.0, t0 + seconds - time.time()))


def report(folder, t0, cut_from, cut_to, faults, codes, duration):
    rows = []
    with open(folder / "locust_stats.csv") as f:
        for row in csv.DictReader(f):
            if row["Name"] in ("Aggregated", "login"):
                continue
            rows.append([row["Name"], int(row["Request Count"]), int(row["Failure Count"]),
                         float(row["Requests/s"]), float(row["50%"]), float(row["95%"]), float(row["99%"])])
    print_table(f"per action over {duration} s (Locust; times in ms, throughput in requests/s)",
                ["action", "requests", "failures", "throughput", "median", "p95", "p99"], rows)
    inside, outside = Counter(), Counter()
    for raw in (folder / "web.log").read_text(errors="replace").splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if line.get("event") != "request":
            continue
        from datetime import datetime
        at = datetime.fromisoformat(line["ts"]).timestamp()
        (inside if cut_from - 1 <= at <= cut_to + 15 else outside)[line["status"]] += 1
    print(f"\nfaults (seconds after the start): {json.dumps({k: round(v) for k, v in faults.items()})}")
    print(f"HTTP statuses outside the database cut (+15 s): {dict(sorted(outside.items()))}")
    print(f"HTTP statuses during the cut: {dict(sorted(inside.items()))}")
    print(f"exit codes on SIGTERM: {codes}")


if __name__ == "__main__":
    main()
