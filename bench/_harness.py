"""Shared pieces of the benchmarks: the reference scenario, databases, timing and tables.

Not a test: nothing here asserts a time. It measures on this machine and prints what it saw.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, select, text  # noqa: E402

from engine.config import Settings  # noqa: E402

BPMN_DIR = ROOT / "workflows" / "bpmn"
FORMS_DIR = ROOT / "workflows" / "forms"
REFERENCE_BPMN = BPMN_DIR / "dang_ky_ket_hon.bpmn"
PROCEDURE_KEY = "dang_ky_ket_hon"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/motcua_h2"

# The happy path of the reference procedure: (step id, demo officer who does it, form data).
HAPPY_PATH = [
    ("appraise", "chuyenvien", {"conditions_met": True, "marital_status_verified": True,
                                "appraisal_opinion": "Hai bên đủ điều kiện kết hôn."}),
    ("approve", "lanhdao", {"decision": "approve", "leader_opinion": "Đồng ý."}),
    ("record_marriage", "chuyenvien", {"register_book": "01/2026", "register_number": 17,
                                       "registered_on": "2026-11-23"}),
    ("return_result", "tiepnhan", {"returned_to": "Nguyễn Văn An", "return_method": "counter"}),
]

# What the complete command adds to the officer's form before the engine sees it: a step that may ask
# for a supplement gets the flag its gateway reads (engine/supplements.py). The floor must run the
# same workflow, so it adds the same.
COMMAND_ADDS = {"appraise": {"supplement_requested": False}}

# What the receiving officer types in at the counter: it becomes the workflow's start data.
START_DATA = {"bride_name": "Trần Thị Bình", "groom_name": "Nguyễn Văn An",
              "bride_id_number": "001190012345", "groom_id_number": "001088054321"}


def ms(ns: float) -> float:
    return ns / 1e6


@dataclass
class Samples:
    """Wall-clock times, and this process's CPU time (user + system) over the same spans: on a
    busy machine the wall clock also counts the waits for a CPU, the CPU time does not (but it
    misses the database server's own work on PostgreSQL)."""
    values_ns: list[int] = field(default_factory=list)
    cpu_ns: list[int] = field(default_factory=list)

    def add(self, ns: int, cpu_ns: int = 0) -> None:
        self.values_ns.append(ns)
        self.cpu_ns.append(cpu_ns)

    @property
    def median_ms(self) -> float:
        return ms(statistics.median(self.values_ns))

    @property
    def cpu_median_ms(self) -> float:
        return ms(statistics.median(self.cpu_ns))

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.values_ns)
        return ms(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))])


@contextmanager
def timed(samples: Samples):
    cpu = time.process_time_ns()
    start = time.perf_counter_ns()
    yield
    samples.add(time.perf_counter_ns() - start, time.process_time_ns() - cpu)


def print_table(title: str, header: list[str], rows: list[list]) -> None:
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    print(f"\n{title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) + " |")


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def machine_line(when: str = "at the start") -> str:
    import os
    import platform
    import sqlite3
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
            f"load average {when}: {load}")


def prioritise(db_engine, niceness: int) -> None:
    """Run this process, and each PostgreSQL backend ``db_engine`` connects to from now on, at
    ``niceness`` (negative: ahead of the other work on a shared machine; needs root). Measures the
    code, not the queue for a CPU behind other people's test suites."""
    import os
    os.setpriority(os.PRIO_PROCESS, 0, niceness)

    @event.listens_for(db_engine, "connect")
    def _renice_backend(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.close()
        dbapi_connection.rollback()  # leave the connection as the pool expects it: no transaction open
        os.setpriority(os.PRIO_PROCESS, pid, niceness)


def round_trips(motcua, runs: int) -> Samples:
    """SELECT 1 through a read session: what any query costs here before it does anything (on a
    loaded machine, mostly the wait for a CPU)."""
    samples = Samples()
    with motcua.read_session() as s:
        for _ in range(runs):
            with timed(samples):
                s.execute(text("SELECT 1")).scalar()
    return samples


def database_url(kind: str, postgres_url: str) -> str:
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
        return f"sqlite:///{folder / 'bench.sqlite'}"
    return postgres_url


def demo_people(motcua) -> tuple[dict[str, int], int]:
    """The demo officers' ids by username, and the demo commune's id (where the reference
    procedure's dossiers are received)."""
    from engine.models import Agency, User
    with motcua.read_session() as s:
        users = {u.username: u.id for u in s.query(User)}
        commune = s.execute(select(Agency.id).where(Agency.kind == "commune_committee")).scalar_one()
    return users, commune


def open_step(motcua, dossier_id: int, step_id: str) -> int:
    """The id of the dossier's open work item for ``step_id``."""
    from engine.models import WorkItem
    with motcua.read_session() as s:
        return s.execute(select(WorkItem.id).where(
            WorkItem.dossier_id == dossier_id, WorkItem.step_id == step_id, WorkItem.state == "open")).scalar_one()


def fresh_database(url: str):
    """An empty, migrated database with the demo commune and every procedure deployed."""
    from engine import migrate
    from engine.bootstrap import Motcua
    from engine.demo import load_demo
    from engine.procedures.registry import SPEC_CACHE

    if not url.startswith("sqlite"):
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        admin.dispose()
    motcua = Motcua(Settings(database_url=url, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR))
    migrate.upgrade(motcua.db)
    SPEC_CACHE.clear()
    load_demo(motcua.uow(), BPMN_DIR, FORMS_DIR)
    return motcua


class StatementCounter:
    """Counts the SQL statements sent to the database (an SQLAlchemy event hook)."""

    def __init__(self, db_engine):
        self.count = 0
        self.statements: list[str] = []
        self.keep = False
        event.listen(db_engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn, _cursor, statement, _params, _context, _executemany):
        self.count += 1
        if self.keep:
            self.statements.append(statement)

    @contextmanager
    def measuring(self):
        start = self.count
        box = {}
        yield box
        box["statements"] = self.count - start
