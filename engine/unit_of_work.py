"""The unit of work owns the transaction: a command either fully happens or leaves nothing."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.errors import NotFound
from engine.models import Dossier, WorkItem


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], *, row_locks: bool):
        self._session_factory = session_factory
        # PostgreSQL takes row locks; SQLite's BEGIN IMMEDIATE already serialises writers.
        self._row_locks = row_locks
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        return self

    def __exit__(self, *exc_info):
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def lock_dossier(self, dossier_id: int) -> Dossier:
        """Load a dossier for change; concurrent commands on it wait here until we commit."""
        return self._locked(select(Dossier).where(Dossier.id == dossier_id),
                            NotFound("Không tìm thấy hồ sơ.", "Dossier not found."))

    def lock_dossier_of_work_item(self, work_item_id: int) -> Dossier:
        """Lock the dossier a work item belongs to, in one statement (a work item never changes
        dossier). Read the work item itself after this, so that it is read under the lock."""
        owner = select(WorkItem.dossier_id).where(WorkItem.id == work_item_id).scalar_subquery()
        return self._locked(select(Dossier).where(Dossier.id == owner),
                            NotFound("Không tìm thấy công việc.", "Work item not found."))

    def _locked(self, stmt, not_found: NotFound) -> Dossier:
        if self._row_locks:
            # FOR NO KEY UPDATE: still one command per dossier at a time, but it lets a claim or a
            # release (which lock their work item first) insert their audit row, whose foreign-key
            # check takes KEY SHARE on this dossier. Plain FOR UPDATE blocks that check: deadlock.
            stmt = stmt.with_for_update(key_share=True)
        # populate_existing: never act on a copy read before the lock (one statement, where a
        # separate refresh would cost a second round trip).
        dossier = self.session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()
        if dossier is None:
            raise not_found
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
