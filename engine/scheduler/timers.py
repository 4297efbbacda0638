"""The timer sweep: wake every dossier whose BPMN timer is due, each in its own transaction.

Candidates come from the ``next_timer_at`` index (the earliest first, a batch per tick). Each is
then taken with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and its due time checked again under
the lock, so several schedulers share the work without waiting on each other, a dossier busy
with an officer's command is simply left for the next tick, and a timer fires exactly once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from engine import audit, clock
from engine.commands.timers import wake_locked
from engine.models import Dossier

log = logging.getLogger("motcua.scheduler")
BATCH = 200
# A timer path that fails (a script error) is tried again this much later, not on every tick.
RETRY_AFTER = timedelta(hours=1)


@dataclass
class TimerReport:
    woken: int = 0  # dossiers whose timers fired
    fired: int = 0  # timers fired
    failed: list[int] = field(default_factory=list)  # dossier ids whose timer path failed


def sweep_timers(motcua) -> TimerReport:
    report = TimerReport()
    with motcua.read_session() as s:
        due = s.execute(select(Dossier.id).where(Dossier.next_timer_at < clock.now())
                        .order_by(Dossier.next_timer_at).limit(BATCH)).scalars().all()
    for dossier_id in due:
        try:
            with motcua.uow() as uow:
                fired = wake_locked(uow, dossier_id, skip_locked=True)
                uow.commit()
        except Exception as exc:  # one broken dossier must not hold up the others
            log.exception("timer of dossier %s failed", dossier_id)
            _postpone(motcua, dossier_id, exc)
            report.failed.append(dossier_id)
            continue
        if fired:
            report.woken += 1
            report.fired += len(fired)
    return report


def _postpone(motcua, dossier_id: int, exc: Exception) -> None:
    """The wake rolled back: record why in the history and try again later."""
    with motcua.uow() as uow:
        dossier = uow.lock_dossier(dossier_id)
        dossier.next_timer_at = clock.now() + RETRY_AFTER
        message = exc.message("vi") if hasattr(exc, "message") else f"{type(exc).__name__}: {exc}"
        detail = {"error": message[:2000]}
        technical = getattr(exc, "details", {}).get("technical")
        if technical:  # the failing element and the error in Python's words: for the administrator
            detail["technical"] = technical[:2000]
        audit.record(uow.session, dossier, "timer_failed", status_before=dossier.status, **detail)
        uow.commit()
