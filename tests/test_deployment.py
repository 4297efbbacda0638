"""The production shape (docs/OPERATIONS.md): `motcua web` (gunicorn, several processes) and two
`motcua scheduler` processes against one database. An officer's session works whichever process
answers; the schedulers share the escalations without doubling any; /metrics adds up every
process; SIGTERM stops everything cleanly."""
from __future__ import annotations

import time
from collections import Counter

import pytest
from sqlalchemy import select

from engine.demo import DEMO_PASSWORD
from engine.models import AuditEvent, Escalation, WorkItem
from tests.deployment import Deployment, Officer
from tests.test_engine_guards import receive
from tests.web.test_observability import metric

APPRAISAL = {"conditions_met": "on", "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}
# The schedulers' clock: weeks after the steps opened, so every open step is overdue.
LATER = "2027-01-04T09:00:00+07:00"


@pytest.mark.slow
def test_web_processes_and_schedulers_share_one_database(demo, settings, tmp_path):
    dossiers = [receive(demo).id for _ in range(3)]
    deployment = Deployment(settings.database_url, tmp_path / "deployment")
    try:
        deployment.start_web(workers=2, threads=2)
        assert len(deployment.worker_pids()) == 2

        officer = Officer(deployment.base, "chuyenvien", DEMO_PASSWORD)
        assert officer.login() == 302
        # Which worker accepts a connection is the kernel's choice: on a busy machine one worker
        # may take many in a row, so ask in rounds until both have answered (or give up).
        ids = []
        for round_ in range(20):
            batch = [f"inbox-{round_:02d}-{n:04d}-check" for n in range(24)]
            for request_id in batch:
                status, _location, page = officer.get("/inbox?tab=unclaimed", request_id=request_id)
                assert status == 200 and "Thẩm định hồ sơ" in page  # logged in, whichever process answered
            ids += batch
            if len(_served_by(deployment, ids)) == 2:
                break
        with demo.motcua.read_session() as s:
            items = s.execute(select(WorkItem.id).where(WorkItem.dossier_id.in_(dossiers),
                                                        WorkItem.state == "open")).scalars().all()
        for n, item in enumerate(items):
            assert officer.post(f"/tasks/{item}/claim", {})[0] == 302
            status, location, _page = officer.post(f"/tasks/{item}/complete", APPRAISAL,
                                                   request_id=f"complete-{n}-check")
            assert (status, location) == (302, "/inbox")

        assert len(_served_by(deployment, ids)) == 2, "both web processes answered"
        with demo.motcua.read_session() as s:
            completed = s.execute(select(AuditEvent.request_id).where(
                AuditEvent.action == "completed", AuditEvent.dossier_id.in_(dossiers))).scalars().all()
        assert sorted(completed) == [f"complete-{n}-check" for n in range(3)]

        # Two schedulers, weeks later by their clock: each approval step is escalated once.
        deployment.start_schedulers(2, interval=1, env={"MOTCUA_FROZEN_NOW": LATER})
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with demo.motcua.read_session() as s:
                overdue = s.execute(select(Escalation.work_item_id).where(
                    Escalation.level == "overdue", Escalation.dossier_id.in_(dossiers))).scalars().all()
            if len(overdue) >= 3:
                break
            time.sleep(0.5)
        assert sorted(Counter(overdue).values()) == [1, 1, 1], overdue
        assert all(p.poll() is None for p in deployment.schedulers)

        text = officer.get("/metrics")[2]
        assert metric(text, "motcua_request_seconds_count", endpoint="inbox.index", method="GET", status="2xx") >= 24
        assert metric(text, "motcua_command_seconds_count", action="completed", outcome="committed") >= 3
        assert metric(text, "motcua_open_work_items") >= 3
    finally:
        codes = deployment.stop()
    assert codes == {"web": 0, "scheduler-1": 0, "scheduler-2": 0}, (codes, deployment.log("web")[-3000:])


def _served_by(deployment, request_ids) -> set[int]:
    """The web processes that answered these requests, from their request log lines."""
    wanted = set(request_ids)
    return {line["pid"] for line in deployment.log_lines("web")
            if line.get("event") == "request" and line.get("request_id") in wanted}
