"""What every command that moves a workflow does after acting: step, reconcile, record, save."""
from __future__ import annotations

from sqlalchemy import exists, select

from engine import audit, clock
from engine.deadlines import track_clock
from engine.errors import InvalidState, NotFound, PermissionDenied
from engine.models import Membership, WorkItem
from engine.partners import inbox as partner_inbox, outbox as partner_outbox
from engine.runtime import calendar_scope
from engine.runtime.host import procedure_of, ready_human_tasks, run_engine, save_workflow
from engine.runtime.timers import next_timer_at
from engine.runtime.work_items import open_step_statuses, sync_work_items
from engine.statistics.verdict import outcome_of
from engine.statuses import CLOSED, DossierStatus

SUPERVISOR = "supervisor"
LEADER = "leader"
RECEPTION = "reception"


def has_role(session, user_id: int, agency_id: int, *roles: str) -> bool:
    return session.execute(select(exists().where(
        Membership.user_id == user_id, Membership.agency_id == agency_id,
        Membership.role.in_(roles)))).scalar()


def holds_item_role(user_id: int):
    """SQL: the user holds the work item's role in the item's agency. Read along with the item,
    it spares a separate round trip for ``require_role``."""
    return exists().where(Membership.user_id == user_id, Membership.agency_id == WorkItem.agency_id,
                          Membership.role == WorkItem.role)


def not_permitted() -> NotFound:
    # Same words as a missing record: a user outside the agency learns nothing.
    return NotFound("Không tìm thấy hoặc bạn không có quyền.", "Not found or not permitted.")


def require_role(session, user_id: int, agency_id: int, *roles: str) -> None:
    if not has_role(session, user_id, agency_id, *roles):
        raise not_permitted()


def require_open(dossier) -> None:
    if DossierStatus(dossier.status) in CLOSED or dossier.failure:
        raise InvalidState(
            f"Hồ sơ {dossier.code} đã kết thúc ({DossierStatus(dossier.status).label_vi}).",
            f"Dossier {dossier.code} is closed ({DossierStatus(dossier.status).label_en}).")


CITIZEN_WAITS = frozenset({int(DossierStatus.WAITING_FOR_SUPPLEMENT),
                           int(DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION)})
# Statuses that end processing (docs/RULES.md): the first moment a dossier reaches one is its
# ``finished_at``. Result ready comes before returned: collecting the result later changes nothing.
ENDS_PROCESSING = frozenset({int(s) for s in (
    DossierStatus.RESULT_READY, DossierStatus.RESULT_RETURNED, DossierStatus.NOT_RECEIVED,
    DossierStatus.WITHDRAWN, DossierStatus.STOPPED)})


def mark_end_of_processing(dossier, now) -> None:
    """``finished_at`` = the first moment the dossier reached result ready (9), else returned (10),
    else refused, withdrawn or stopped (3, 7, 8); ``returned_at`` when the result was handed over.
    Once processing has ended, no apology is due any more."""
    if dossier.status in ENDS_PROCESSING:
        dossier.finished_at = dossier.finished_at or now
        dossier.apology_check_at = None
    if dossier.finished_at is not None:  # also when a finished dossier is stopped later
        dossier.outcome = outcome_of(dossier, dossier.agency.timezone)
    if dossier.status == DossierStatus.RESULT_RETURNED:
        dossier.returned_at = dossier.returned_at or now


def declared_completed_status(manifest: dict) -> int:
    """The status the procedure gives a dossier whose workflow has ended: ``completedStatus``,
    result returned (10) by default."""
    return int(manifest["properties"].get("completedStatus", DossierStatus.RESULT_RETURNED))


def completed_status(manifest: dict, events) -> int:
    """The status of a dossier whose workflow has just ended. When it ends by sending its result to
    a partner agency's system (a message thrown by this very run), the result is returned when that
    system acknowledges the message, not when it is queued (docs/PARTNERS.md): a procedure that
    would end at 10 ends at result ready (9), and the acknowledgement that leaves none of its
    messages waiting returns it (``return_on_acknowledgement`` in engine/commands/partners.py).
    A result handed over some other way (at the counter) is returned now, whatever earlier message
    may still wait; another declared status is kept as it is."""
    declared = declared_completed_status(manifest)
    if declared == DossierStatus.RESULT_RETURNED and partner_outbox.outgoing(manifest, events):
        return int(DossierStatus.RESULT_READY)
    return declared


def advance(session, dossier, workflow, *, actor_id, action, step=None, open_items=None, **detail):
    """Run the engine as far as it goes, then make the tables agree with the workflow.

    ``open_items``: the dossier's open work items, when the caller read them under the lock.
    """
    status_before = dossier.status
    manifest = procedure_of(dossier).manifest
    with calendar_scope.bound(dossier):  # working-time helpers in scripts and timers use its calendar
        outcome = run_engine(workflow)
        # A partner's message kept until the dossier waits for it goes in now, and the engine runs on.
        while received := partner_inbox.deliver_waiting(session, dossier, workflow, manifest):
            detail.setdefault("partner_messages", []).extend(received)
            more = run_engine(workflow)
            outcome.errors += more.errors
            outcome.events += more.events
    ready_tasks = ready_human_tasks(workflow)  # one walk of the task tree for both uses below
    opened, closed = sync_work_items(session, dossier, workflow, open_items, ready_tasks)
    now = clock.now()
    if outcome.errors:
        # An uncaught BPMN error end event: the library calls that success; we do not.
        dossier.failure = "BPMN error: " + ", ".join(outcome.errors)
    elif workflow.is_completed():
        dossier.status = completed_status(manifest, outcome.events)
    else:
        statuses = open_step_statuses(dossier, workflow, ready_tasks)
        if statuses:
            dossier.status = min(statuses)
        elif dossier.status in CITIZEN_WAITS:
            # Waiting for the citizen lasts while a step declaring it is open; after it the
            # dossier is back in processing (a step that declares no status says nothing).
            dossier.status = int(DossierStatus.IN_PROCESSING)
    mark_end_of_processing(dossier, now)
    track_clock(session, dossier, procedure_of(dossier).manifest, status_before, now)
    # When the scheduler must wake the dossier for a BPMN timer (none once it has finished).
    dossier.next_timer_at = None if outcome.errors or workflow.is_completed() else next_timer_at(workflow)
    dossier.revision += 1
    save_workflow(dossier, workflow)
    detail.update({"opened": [i.step_id for i in opened], "cancelled": [i.step_id for i in closed]})
    if outcome.errors:
        detail["errors"] = outcome.errors
    if outcome.events:
        detail["events"] = [e.event_definition.name for e in outcome.events]
        # Messages to a partner's own system: written with the state that threw them (outbox).
        sent = partner_outbox.record_outgoing(session, dossier, manifest, outcome.events)
        if sent:
            detail["partner_outbox"] = sent
    audit.record(session, dossier, action, actor_id=actor_id, status_before=status_before,
                 step_id=step.step_id if step else None, step_name=step.step_name if step else None,
                 **detail)
    if outcome.errors:
        audit.record(session, dossier, "failed", status_before=dossier.status, errors=outcome.errors)
    return opened


__all__ = ["advance", "has_role", "require_role", "require_open", "PermissionDenied",
           "SUPERVISOR", "LEADER", "RECEPTION"]
