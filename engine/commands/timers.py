"""Waking a dossier whose BPMN timer is due: the scheduler's command on a workflow.

The engine fires a timer only when asked (docs/SPIFFWORKFLOW.md §6): ``refresh_timers()`` marks the
due ones, then the engine steps down the timer's path. A due time is kept in
``Dossier.next_timer_at`` by every command (``advance``), so this runs only for dossiers whose
time has come. Like every command: one transaction, the dossier row locked, audit recorded.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select

from engine import clock
from engine.commands._steps import advance
from engine.models import Dossier
from engine.runtime import calendar_scope
from engine.runtime.host import load_workflow
from engine.runtime.timers import next_timer_at, waiting_timers
from engine.statuses import CLOSED, DossierStatus

# SpiffWorkflow fires a timer when its due moment is strictly before now; a dossier is due on
# the same terms, or a wake at the exact due instant would step nothing and record a non-event.
_DUE = (select(Dossier).where(Dossier.id == bindparam("dossier_id"), Dossier.next_timer_at < bindparam("now"))
        .execution_options(populate_existing=True))
_DUE_LOCKED = _DUE.with_for_update(key_share=True)
_DUE_SKIP_LOCKED = _DUE.with_for_update(key_share=True, skip_locked=True)


def wake(uow, dossier_id: int) -> list[str]:
    """Fire the dossier's due timers and run their paths; returns the names of the timers fired
    (empty when nothing was due, e.g. another scheduler got there first)."""
    with uow:
        fired = wake_locked(uow, dossier_id, skip_locked=False)
        uow.commit()
        return fired


def wake_locked(uow, dossier_id: int, *, skip_locked: bool) -> list[str]:
    """Inside the caller's transaction. ``skip_locked``: pass over a dossier another transaction
    holds (a command on it now, or another scheduler waking it) instead of waiting for it."""
    session, now = uow.session, clock.now()
    stmt = (_DUE_SKIP_LOCKED if skip_locked else _DUE_LOCKED) if uow.row_locks else _DUE
    dossier = session.execute(stmt, {"dossier_id": dossier_id, "now": now}).scalar_one_or_none()
    if dossier is None:
        return []
    if DossierStatus(dossier.status) in CLOSED or dossier.failure:
        dossier.next_timer_at = None  # stopped or withdrawn with a timer pending: nothing to wake
        return []
    workflow = load_workflow(dossier)
    fired = [name for name, due in waiting_timers(workflow) if due < now]
    if not fired:
        # The stored time was stale (the workflow moved on without saving it): correct it quietly.
        dossier.next_timer_at = next_timer_at(workflow)
        return []
    with calendar_scope.bound(dossier):  # refreshing a timer may evaluate its expression again
        workflow.refresh_timers()
    advance(session, dossier, workflow, actor_id=None, action="timer_fired", timers=fired)
    return fired
