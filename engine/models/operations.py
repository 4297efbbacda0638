"""What the running system keeps about itself."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, UtcDateTime


class SchedulerTick(Base):
    """How the scheduler's last tick went (engine/scheduler/runner.py): one row, ``scheduler``,
    created by the migration and updated by every scheduler process after each tick."""
    __tablename__ = "scheduler_ticks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
