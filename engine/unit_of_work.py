"""The unit of work owns the transaction: a command either fully happens or leaves nothing."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from time import perf_counter

from engine import audit
from engine.errors import NotFound
from engine.metrics import observe_command
from engine.models import Dossier, WorkItem


def _lock_statements(stmt) -> dict[bool, object]:
    """The statement without and with row locks, built once. A statement object reused with
    bound parameters keeps its memoised cache key: building one per call costs more than the
    database round trip it sends.

    populate_existing: never act on a copy read before the lock (a separate refresh would cost a
    second round trip). FOR NO KEY UPDATE (PostgreSQL): still one command per dossier at a time,
    but it lets a claim or a release (which lock their work item first) insert their audit row,
    whose foreign-key check takes KEY SHARE on this dossier; plain FOR UPDATE would deadlock.
    """
    stmt = stmt.options(joinedload(Dossier.state_row), joinedload(Dossier.agency, innerjoin=True)) \
        .execution_options(populate_existing=True)
    return {False: stmt, True: stmt.with_for_update(of=Dossier, key_share=True)}


# The workflow state (its own table) comes along in the same statement: the command loads it next;
# so does the agency (its time zone, and the calendar revision its cached calendar is keyed by).
_DOSSIER = _lock_statements(select(Dossier).where(Dossier.id == bindparam("dossier_id")))
# A work item never changes dossier: its dossier is found and locked in the same statement.
_DOSSIER_OF_WORK_ITEM = _lock_statements(select(Dossier).where(
    Dossier.id == select(WorkItem.dossier_id).where(WorkItem.id == bindparam("work_item_id")).scalar_subquery()))


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], *, row_locks: bool):
        self._session_factory = session_factory
        # PostgreSQL takes row locks; SQLite's BEGIN IMMEDIATE already serialises writers.
        self._row_locks = row_locks
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        self._started, self._outcome = perf_counter(), "rolled_back"
        return self

    def __exit__(self, *exc_info):
        try:
            self.session.rollback()
        finally:
            # Timed by the audit action the command recorded (engine/audit.py notes it).
            observe_command(self.session.info.get(audit.ACTIONS), self._outcome, perf_counter() - self._started)
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self._outcome = "committed"

    def rollback(self) -> None:
        self.session.rollback()

    def lock_dossier(self, dossier_id: int) -> Dossier:
        """Load a dossier for change; concurrent commands on it wait here until we commit."""
        dossier = self.session.execute(_DOSSIER[self._row_locks], {"dossier_id": dossier_id}).scalar_one_or_none()
        if dossier is None:
            raise NotFound("Không tìm thấy hồ sơ.", "Dossier not found.")
        return dossier

    def lock_dossier_of_work_item(self, work_item_id: int) -> Dossier:
        """Lock the dossier a work item belongs to. Read the work item itself after this, so that
        it is read under the lock."""
        dossier = self.session.execute(_DOSSIER_OF_WORK_ITEM[self._row_locks],
                                       {"work_item_id": work_item_id}).scalar_one_or_none()
        if dossier is None:
            raise NotFound("Không tìm thấy công việc.", "Work item not found.")
        return dossier

    @property
    def row_locks(self) -> bool:
        """True when rows read before a lock may have changed (PostgreSQL). On SQLite a write
        transaction holds the whole database from its BEGIN IMMEDIATE."""
        return self._row_locks

    def work_item(self, work_item_id: int, *, lock: bool = False) -> WorkItem:
        stmt = select(WorkItem).where(WorkItem.id == work_item_id)
        if lock and self._row_locks:
            stmt = stmt.with_for_update()
        item = self.session.execute(stmt).scalar_one_or_none()
        if item is None:
            raise NotFound("Không tìm thấy công việc.", "Work item not found.")
        return item
