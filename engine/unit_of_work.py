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
        stmt = select(Dossier).where(Dossier.id == dossier_id)
        if self._row_locks:
            # FOR NO KEY UPDATE: still one command per dossier at a time, but it lets a claim or a
            # release (which lock their work item first) insert their audit row, whose foreign-key
            # check takes KEY SHARE on this dossier. Plain FOR UPDATE blocks that check: deadlock.
            stmt = stmt.with_for_update(key_share=True)
        dossier = self.session.execute(stmt).scalar_one_or_none()
        if dossier is None:
            raise NotFound("Không tìm thấy hồ sơ.", "Dossier not found.")
        self.session.refresh(dossier)  # never act on a copy read before the lock
        return dossier

    def work_item(self, work_item_id: int, *, lock: bool = False) -> WorkItem:
        stmt = select(WorkItem).where(WorkItem.id == work_item_id)
        if lock and self._row_locks:
            stmt = stmt.with_for_update()
        item = self.session.execute(stmt).scalar_one_or_none()
        if item is None:
            raise NotFound("Không tìm thấy công việc.", "Work item not found.")
        return item
