"""The load test's short version (the full one: bench/load/, docs/PERFORMANCE.md): officers work
their inboxes through `motcua web` (2 processes) while 2 schedulers run, all through a TCP proxy
to PostgreSQL. Mid-load a web worker and a scheduler are killed with SIGKILL and the database
connection is cut for 10 seconds. No request ever gets a 500; 503s come only while the database
is away; work goes on afterwards; and the invariant checker finds every dossier whole."""
from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from engine.demo import DEMO_PASSWORD
from engine.invariants import check
from engine.models import Membership, User
from tests.conftest import on_postgres
from tests.deployment import Deployment, Officer, TcpProxy
from tests.load_scenario import work_once
from tests.test_engine_guards import receive

DOSSIERS = 40
SPECIALISTS, LEADERS, RECEPTIONISTS = 4, 2, 2
CUT_SECONDS = 10


def add_officers(demo) -> list[str]:
    """More officers in the commune, with the demo password."""
    names = []
    with demo.motcua.uow() as uow:
        s = uow.session
        password_hash = s.execute(select(User.password_hash).where(User.username == "chuyenvien")).scalar_one()
        for role, count in (("specialist", SPECIALISTS), ("leader", LEADERS), ("reception", RECEPTIONISTS)):
            for n in range(count):
                user = User(username=f"load_{role}_{n}", full_name=f"Cán bộ {role} {n}", password_hash=password_hash)
                s.add(user)
                s.flush()
                s.add(Membership(user_id=user.id, agency_id=demo.commune, role=role))
                names.append(user.username)
        uow.commit()
    return names


class Officers:
    """Officer threads running the load scenario until told to stop; every response is kept
    with its wall-clock time, and connection errors (a killed worker's requests) apart."""

    def __init__(self, base, usernames):
        self.base, self.usernames = base, usernames
        self.stop = threading.Event()
        self.outcomes, self.errors = Counter(), Counter()
        self.responses: list[tuple[float, str, int]] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(name, n), daemon=True)
                        for n, name in enumerate(usernames)]

    def _run(self, username, seed):
        rng = random.Random(seed)
        officer = Officer(self.base, username, DEMO_PASSWORD, timeout=20)
        logged_in = False
        while not self.stop.is_set():
            try:
                if not logged_in:
                    logged_in = officer.login() == 302
                    continue
                outcome = work_once(officer, rng)
            except OSError as exc:  # the worker holding the connection was killed
                with self.lock:
                    self.errors[type(exc).__name__] += 1
                time.sleep(0.2)
                continue
            finally:
                with self.lock:
                    self.responses += [(time.time(), kind, status) for _m, kind, status, _s in officer.seen]
                officer.seen.clear()
            with self.lock:
                self.outcomes[outcome] += 1
            if outcome == "nothing to do":
                time.sleep(0.5)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(30)


@pytest.mark.slow
@on_postgres
def test_officers_work_through_killed_processes_and_a_database_cut(demo, settings, tmp_path):
    usernames = add_officers(demo)
    for _ in range(DOSSIERS):
        receive(demo)
    url = make_url(settings.database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    deployment = Deployment(through_proxy, tmp_path / "deployment", env={"MOTCUA_DB_CONNECT_TIMEOUT": "2"})
    try:
        deployment.start_web(workers=2, threads=4)
        deployment.start_schedulers(2, interval=1)
        with Officers(deployment.base, usernames) as officers:
            time.sleep(8)
            os.kill(deployment.worker_pids()[0], signal.SIGKILL)  # gunicorn starts another
            time.sleep(4)
            os.kill(deployment.schedulers[0].pid, signal.SIGKILL)
            deployment.start_schedulers(1, interval=1)  # what systemd's Restart=always does
            time.sleep(4)
            cut_from = time.time()
            proxy.cut()
            time.sleep(CUT_SECONDS)
            proxy.restore()
            cut_to = time.time()
            deployment.wait_ready(60)
            done_before = officers.outcomes["completed"] + officers.outcomes["sent back"]
            time.sleep(12)
            done_after = officers.outcomes["completed"] + officers.outcomes["sent back"]
        time.sleep(3)  # a last scheduler tick over what the officers left
    finally:
        codes = deployment.stop()
        proxy.stop()

    statuses = Counter(status for _t, _k, status in officers.responses)
    assert statuses[500] == 0, (statuses, deployment.log("web")[-3000:])
    outside = [(round(t - cut_from, 1), kind, status) for t, kind, status in officers.responses
               if status >= 500 and not (cut_from - 1 <= t <= cut_to + 15)]
    assert outside == [], outside
    assert done_after > done_before, "work went on after the database came back"
    assert officers.outcomes["completed"] >= 10, officers.outcomes
    assert codes["web"] == 0, codes

    report = check(demo.motcua, grace=timedelta(minutes=10))
    assert report.ok, [str(v) for v in report.violations][:20]
    assert report.dossiers == DOSSIERS
