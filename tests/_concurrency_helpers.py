"""Helpers for tests/test_concurrency.py: officers, dossiers, threads that fire together, row
snapshots, and the child process that dies in the middle of a command.

Run as a script (``python tests/_concurrency_helpers.py DATABASE_URL ACTOR WORK_ITEM``) it is
that child: it completes the work item with a commit that never happens.
"""
from __future__ import annotations

import json
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field

from sqlalchemy import select

APPRAISAL = {"conditions_met": True, "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}
FLUSHED = "FLUSHED"  # the line the child prints once its writes are in the database, uncommitted
CHILD_TIMEOUT = 120  # seconds: only a safety net so a broken child cannot hang the suite


@dataclass(frozen=True)
class Officer:
    id: int
    full_name: str


def add_specialists(motcua, agency_id: int, count: int) -> list[Officer]:
    """``count`` distinct specialists of one agency, created the way an administrator would."""
    from engine.accounts import ensure_user, grant
    from engine.models import Agency
    with motcua.uow() as uow:
        agency = uow.session.get(Agency, agency_id)
        officers = []
        for n in range(1, count + 1):
            user = ensure_user(uow.session, username=f"chuyenvien_ss{n:02d}",
                               full_name=f"Chuyên viên Song Song {n:02d}", password="mật-khẩu-thử")
            grant(uow.session, user, agency, "specialist")
            officers.append(Officer(user.id, user.full_name))
        uow.commit()
    return officers


def receive_marriage_dossiers(demo, count: int) -> list[int]:
    """Receive ``count`` dossiers of the reference procedure; return their "appraise" work items."""
    from engine import commands
    from engine.commands.reception import Applicant
    from engine.models import WorkItem
    dossier_ids = []
    for n in range(count):
        dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                                   procedure_key="dang_ky_ket_hon",
                                   applicant=Applicant(name=f"Nguyễn Văn Thử {n:03d}", id_number=f"0010{n:08d}"))
        dossier_ids.append(dossier.id)
    with demo.motcua.read_session() as s:
        items = s.execute(select(WorkItem).where(WorkItem.dossier_id.in_(dossier_ids))
                          .order_by(WorkItem.dossier_id)).scalars().all()
        assert [(i.step_id, i.role, i.state, i.assignee_id) for i in items] == \
            [("appraise", "specialist", "open", None)] * count
        return [i.id for i in items]


@dataclass
class Outcome:
    """What one call returned or raised, per thread."""
    results: dict = field(default_factory=dict)  # thread index → return value
    errors: dict = field(default_factory=dict)  # thread index → exception

    @property
    def winners(self) -> list:
        return sorted(self.results)


def fire_together(actions: list, *, rounds: int = 1, barrier_timeout: float = 120) -> list[Outcome]:
    """Run ``actions[i](round)`` in thread i; every round starts for all threads at one barrier.

    The barrier makes the calls really overlap: no thread begins a round's call before every
    thread is ready to begin it. The timeout only keeps a wedged thread from hanging the suite.
    """
    outcomes = [Outcome() for _ in range(rounds)]
    barrier = threading.Barrier(len(actions), timeout=barrier_timeout)
    lock = threading.Lock()
    crashed = []

    def worker(index, action):
        try:
            for r in range(rounds):
                barrier.wait()
                try:
                    result = action(r)
                except Exception as exc:  # noqa: BLE001 - every outcome is judged by the test
                    with lock:
                        outcomes[r].errors[index] = exc
                else:
                    with lock:
                        outcomes[r].results[index] = result
        except threading.BrokenBarrierError:
            crashed.append(traceback.format_exc())

    threads = [threading.Thread(target=worker, args=(i, a), daemon=True) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not crashed, "a thread never reached the barrier:\n" + "\n".join(crashed)
    return outcomes


def snapshot(motcua, dossier_id: int) -> dict:
    """Everything a command may change about a dossier, as plain values to compare."""
    from engine.models import AuditEvent, Dossier, WorkItem
    with motcua.read_session() as s:
        d = s.get(Dossier, dossier_id)
        items = s.execute(select(WorkItem).where(WorkItem.dossier_id == dossier_id).order_by(WorkItem.id)).scalars()
        events = s.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)
                           .order_by(AuditEvent.id)).scalars()
        return {
            "dossier": (d.status, d.revision, d.workflow_state, d.serializer_version, d.finished_at, d.failure),
            "work_items": [(i.id, i.task_id, i.step_id, i.state, i.assignee_id, i.claimed_at, i.finished_at,
                            i.finished_by_id) for i in items],
            "audit": [(e.id, e.action, e.actor_id, e.step_id, e.status_before, e.status_after,
                       json.dumps(e.detail, sort_keys=True)) for e in events],
        }


def _complete_and_die(database_url: str, actor_id: int, work_item_id: int) -> None:
    """The child: complete a step, but stop dead just before COMMIT, with every write flushed."""
    from engine import commands
    from engine.bootstrap import Motcua
    from engine.config import Settings
    from engine.models import Dossier
    from engine.unit_of_work import UnitOfWork

    def flush_then_block(uow):
        uow.session.flush()  # the UPDATEs and INSERTs reach the database and hold their locks
        revision = max(d.revision for d in uow.session.identity_map.values() if isinstance(d, Dossier))
        print(f"{FLUSHED} revision={revision}", flush=True)
        while True:
            signal.pause()  # blocks until a signal arrives: the parent's SIGKILL ends us here

    UnitOfWork.commit = flush_then_block
    commands.complete(Motcua(Settings(database_url=database_url)).uow(), actor_id=actor_id,
                      work_item_id=work_item_id, data=APPRAISAL)
    print("RETURNED", flush=True)  # never reached: the test fails if it sees this line


if __name__ == "__main__":
    _complete_and_die(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
