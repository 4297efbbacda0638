"""Actions of supervisors and leaders: reassign a step, record a withdrawal, stop processing."""
from __future__ import annotations

from sqlalchemy import select

from engine import audit, clock, contact
from engine.commands._steps import (
    LEADER, RECEPTION, SUPERVISOR, has_role, mark_end_of_processing, require_open, require_role,
)
from engine.citizen_notices import ending_mail, mail_citizen
from engine.errors import FormInvalid, InvalidState
from engine.models import User, WorkItem
from engine.officer_notices import tell
from engine.procedures.catalogue import english_names_for
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
        _tell_reassigned(session, item, target, previous)
        uow.commit()
        return item


def _tell_reassigned(session, item, target: User, previous: int | None) -> None:
    code, step, key = item.dossier.code, item.step_name, f"reassigned-{item.id}-{clock.now().isoformat()}"
    step_en = english_names_for(session).step(step)
    tell(session, [target], dossier_id=item.dossier_id, key=key,
         message_vi=f"Bạn được giao bước “{step}” của hồ sơ {code}.",
         message_en=f"You were assigned step “{step_en}” of dossier {code}.")
    if previous is not None and previous != target.id:
        tell(session, [session.get(User, previous)], dossier_id=item.dossier_id, key=key + "-from",
             message_vi=f"Bước “{step}” của hồ sơ {code} đã được giao cho {target.full_name}.",
             message_en=f"Step “{step_en}” of dossier {code} was handed to {target.full_name}.")


def withdraw(uow, *, actor_id: int, dossier_id: int, reason: str, requested_by: str = ""):
    """The citizen withdraws the dossier (status 7), recorded by a one-stop officer or supervisor.
    ``requested_by``: who asked (the applicant, or whoever they authorised), as the notice prints it."""
    return _end(uow, actor_id, dossier_id, reason, requested_by, DossierStatus.WITHDRAWN, "withdrawn",
                roles=(RECEPTION, SUPERVISOR))


def stop(uow, *, actor_id: int, dossier_id: int, reason: str, requested_by: str = ""):
    """Stop processing (status 8): a decision of a leader or supervisor of the receiving agency.
    ``requested_by``: whose request or finding led to it, as the notice prints it."""
    return _end(uow, actor_id, dossier_id, reason, requested_by, DossierStatus.STOPPED, "stopped",
                roles=(LEADER, SUPERVISOR))


NOTICES = {  # the citizen's mail: its title, and what happened to the dossier
    DossierStatus.WITHDRAWN: ("Xác nhận rút hồ sơ", "đã được rút theo đề nghị"),
    DossierStatus.STOPPED: ("Thông báo dừng xử lý hồ sơ", "đã được dừng xử lý"),
}


def _end(uow, actor_id, dossier_id, reason, requested_by, status, action, roles):
    reason, requested_by = (reason or "").strip(), (requested_by or "").strip()
    problems = {}
    if not reason:
        problems["reason"] = ["Cần ghi rõ lý do."]
    elif problem := contact.note_problem(reason):
        problems["reason"] = [problem]
    if problem := contact.text_problem(requested_by, contact.MAX_NAME):  # a person's name: one line
        problems["requested_by"] = [problem]
    if problems:
        raise FormInvalid(problems)
    with uow:
        session = uow.session
        dossier = uow.lock_dossier(dossier_id)
        require_role(session, actor_id, dossier.agency_id, *roles)
        require_open(dossier)
        if dossier.workflow_state:  # a newly registered (online) dossier may have none yet
            workflow = load_workflow(dossier)
            workflow.cancel()
            save_workflow(dossier, workflow)
        now = clock.now()
        closed = []
        for item in session.execute(select(WorkItem).where(
                WorkItem.dossier_id == dossier.id, WorkItem.state == "open")).scalars():
            item.state, item.finished_at = "cancelled", now
            closed.append(item.step_id)
        before = dossier.status
        dossier.status = int(status)
        mark_end_of_processing(dossier, now)  # a result already ready keeps its earlier end
        dossier.next_timer_at = None
        dossier.clock_paused_at = None
        dossier.revision += 1
        audit.record(session, dossier, action, actor_id=actor_id, status_before=before, reason=reason,
                     requested_by=requested_by, cancelled=closed)
        title, what = NOTICES[status]
        subject, body = ending_mail(dossier, title=title, what=what, reason=reason)
        mail_citizen(session, key=f"{action}-dossier-{dossier.id}", to=dossier.applicant_email, subject=subject,
                     body=body)
        uow.commit()
        return dossier
