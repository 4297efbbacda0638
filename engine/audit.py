"""The dossier history: append-only (a database trigger refuses UPDATE and DELETE). A status change
also queues the dossier's record for the national portal (engine/portal_sync.py)."""
from __future__ import annotations

from sqlalchemy import insert

from engine import clock, context, portal_sync
from engine.models import AuditEvent

# session.info key: the actions recorded in this transaction (the unit of work times the command by
# the first one).
ACTIONS = "motcua_actions"

# Written at once, as a plain INSERT on the command's connection rather than an ORM object: a
# history row is never read back or changed by the command, and the ORM's unit of work cost more
# than the statement. Built once (a reused statement keeps its compiled form).
_INSERT = insert(AuditEvent.__table__)


def record(session, dossier, action: str, *, actor_id=None, status_before=None, step_id=None,
           step_name=None, **detail) -> int:
    """Append an event to the dossier's history, in the command's transaction; returns its id."""
    revision = getattr(dossier, "revision", None)
    if dossier.id is None:
        session.flush()  # a dossier received in this command: its row first, for its id
    event_id = session.connection().execute(_INSERT, {
        "dossier_id": dossier.id, "at": clock.now(), "actor_id": actor_id, "action": action,
        "step_id": step_id, "step_name": step_name, "status_before": status_before,
        "status_after": dossier.status, "detail": detail, "request_id": context.request_id(),
        "revision": revision}).inserted_primary_key[0]
    session.info.setdefault(ACTIONS, []).append(action)
    if portal_sync.status_changed(status_before, dossier.status):
        # The national portal hears of every status change, from the same transaction (outbox).
        portal_sync.queue_status_change(session, dossier, event_id)
    # The citizen hears of the changes they care about, in this same transaction (outboxes).
    from engine.citizen_alerts import on_event
    on_event(session, dossier, action, status_before)
    # So do the officers who worked on it, when its result has been returned.
    from engine.officer_notices import on_status_change
    on_status_change(session, dossier, status_before, actor_id)
    return event_id
