"""Actions of supervisors and leaders: reassign a step, record a withdrawal, stop processing."""
from __future__ import annotations

from sqlalchemy import select

from engine import audit, clock
from engine.commands._steps import LEADER, RECEPTION, SUPERVISOR, has_role, require_open, require_role
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.models import User, WorkItem
from engine.runtime.host import load_workflow, save_workflow
from engine.statuses import DossierStatus


def reassign(uow, *, actor_id: int, work_item_id: int, to_user_id: int) -> WorkItem:
    """A supervisor of the step's agency hands it to another member of the same agency and role."""
    with uow:
        session = uow.session
        item = uow.work_item(work_item_id, lock=True)
        require_role(session, actor_id, item.agency_id, SUPERVISOR)
        if item.state != "open":
            raise InvalidState("Công việc này đã kết thúc.", "This work item is finished.")
        target = session.get(User, to_user_id)
        if target is None or not target.is_active or not has_role(session, to_user_id, item.agency_id, item.role):
            raise FormInvalid({"to_user_id": ["Người nhận phải là cán bộ cùng cơ quan và cùng vai trò."]})
        previous = item.assignee_id
        item.assignee_id, item.claimed_at = to_user_id, clock.now()
        audit.record(session, item.dossier, "reassigned", actor_id=actor_id, status_before=item.dossier.status,
                     step_id=item.step_id, step_name=item.step_name, previous_assignee=previous,
                     new_assignee=to_user_id)
        uow.commit()
        return item


def withdraw(uow, *, actor_id: int, dossier_id: int, reason: str):
    """The citizen withdraws the dossier (status 7), recorded by a one-stop officer or supervisor."""
    return _end(uow, actor_id, dossier_id, reason, DossierStatus.WITHDRAWN, "withdrawn",
                roles=(RECEPTION, SUPERVISOR))


def stop(uow, *, actor_id: int, dossier_id: int, reason: str):
    """Stop processing (status 8): a decision of a leader or supervisor of the receiving agency."""
    return _end(uow, actor_id, dossier_id, reason, DossierStatus.STOPPED, "stopped",
                roles=(LEADER, SUPERVISOR))


def _end(uow, actor_id, dossier_id, reason, status, action, roles):
    if not reason or not reason.strip():
        raise FormInvalid({"reason": ["Cần ghi rõ lý do."]})
    with uow:
        session = uow.session
        dossier = uow.lock_dossier(dossier_id)
        require_role(session, actor_id, dossier.agency_id, *roles)
        require_open(dossier)
        workflow = load_workflow(dossier)
        workflow.cancel()
        save_workflow(dossier, workflow)
        now = clock.now()
        for item in session.execute(select(WorkItem).where(
                WorkItem.dossier_id == dossier.id, WorkItem.state == "open")).scalars():
            item.state, item.finished_at = "cancelled", now
        before = dossier.status
        dossier.status, dossier.finished_at = int(status), now
        dossier.revision += 1
        audit.record(session, dossier, action, actor_id=actor_id, status_before=before, reason=reason.strip())
        uow.commit()
        return dossier
