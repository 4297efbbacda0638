"""An officer's own work: claim a step, release it, complete it, send the dossier back."""
from __future__ import annotations

import json

from sqlalchemy import select, update

from engine import audit, clock
from engine.commands._steps import SUPERVISOR, advance, has_role, require_open, require_role
from engine.errors import AlreadyClaimed, FormInvalid, InvalidState, NotFound
from engine.models import User, WorkItem
from engine.procedures.forms import validate_form
from engine.runtime.host import complete_task, load_workflow, ready_task


def claim(uow, *, actor_id: int, work_item_id: int) -> WorkItem:
    """Take an open step from the unit's queue. Exactly one of many simultaneous claims wins."""
    with uow:
        session = uow.session
        item = uow.work_item(work_item_id)
        require_role(session, actor_id, item.agency_id, item.role)
        now = clock.now()
        # A conditional update on this row alone: the database picks the single winner.
        won = session.execute(
            update(WorkItem)
            .where(WorkItem.id == work_item_id, WorkItem.state == "open", WorkItem.assignee_id.is_(None))
            .values(assignee_id=actor_id, claimed_at=now)
            .execution_options(synchronize_session=False)).rowcount == 1
        if not won:
            session.rollback()
            _explain_not_claimable(session, work_item_id, actor_id)
        audit.record(session, item.dossier, "claimed", actor_id=actor_id, status_before=item.dossier.status,
                     step_id=item.step_id, step_name=item.step_name)
        # Read the row back inside the transaction: refreshing after the commit would open a new
        # one, and leaving the unit of work rolls that back, expiring the item we return.
        session.refresh(item)
        uow.commit()
        return item


def _explain_not_claimable(session, work_item_id: int, actor_id: int):
    item = session.get(WorkItem, work_item_id)
    if item.state != "open":
        raise InvalidState("Công việc này đã kết thúc.", "This work item is finished.")
    holder = session.get(User, item.assignee_id)
    if item.assignee_id == actor_id:
        raise AlreadyClaimed("Bạn đang giữ công việc này.", "You already hold this work item.",
                             holder=holder.full_name)
    raise AlreadyClaimed(f"Công việc đã được {holder.full_name} nhận xử lý.",
                         f"Already claimed by {holder.full_name}.", holder=holder.full_name)


def release(uow, *, actor_id: int, work_item_id: int) -> WorkItem:
    """Give a claimed step back to the unit's queue (the holder, or a supervisor of the agency)."""
    with uow:
        session = uow.session
        item = uow.work_item(work_item_id, lock=True)
        require_role(session, actor_id, item.agency_id, item.role, SUPERVISOR)
        if item.state != "open" or item.assignee_id is None:
            raise InvalidState("Công việc này chưa được ai nhận.", "Nobody holds this work item.")
        if item.assignee_id != actor_id and not has_role(session, actor_id, item.agency_id, SUPERVISOR):
            raise AlreadyClaimed("Chỉ người đang giữ công việc mới trả lại được.",
                                 "Only the holder can release this work item.")
        previous = item.assignee_id
        item.assignee_id, item.claimed_at = None, None
        audit.record(session, item.dossier, "released", actor_id=actor_id, status_before=item.dossier.status,
                     step_id=item.step_id, step_name=item.step_name, previous_assignee=previous)
        uow.commit()
        return item


def complete(uow, *, actor_id: int, work_item_id: int, data: dict) -> WorkItem:
    """Complete a claimed step with its form data (validated here, on the server)."""
    return _finish(uow, actor_id, work_item_id, data, action="completed")


def send_back(uow, *, actor_id: int, work_item_id: int, reason: str) -> WorkItem:
    """Send the dossier back to an earlier step, as the diagram's loop activity models it.

    The step declares what "send back" means in its ``sendBackData`` property (for example
    ``{"decision": "send_back", "leader_opinion": "{reason}"}``); the loop activity around it
    then returns to the earlier step.
    """
    if not reason or not reason.strip():
        raise FormInvalid({"reason": ["Cần ghi rõ lý do trả lại."]})
    return _finish(uow, actor_id, work_item_id, None, action="sent_back", reason=reason.strip())


def _finish(uow, actor_id, work_item_id, data, *, action, reason=None) -> WorkItem:
    with uow:
        session = uow.session
        item = uow.work_item(work_item_id)
        require_role(session, actor_id, item.agency_id, item.role)
        dossier = uow.lock_dossier(item.dossier_id)  # serialises commands on this dossier
        # Locked too: a release or claim takes the item's row without the dossier lock, and this
        # waits for it and then reads what it committed instead of overwriting it.
        session.refresh(item, with_for_update=True)
        if item.state != "open":
            raise InvalidState("Bước này đã được xử lý xong.", "This step has already been completed.")
        if item.assignee_id != actor_id:
            raise InvalidState("Bạn cần nhận xử lý công việc trước khi hoàn thành.",
                               "Claim the work item before completing it.")
        require_open(dossier)
        version = dossier.procedure_version
        step = version.manifest["steps"][item.step_id]
        if action == "sent_back":
            data = _send_back_data(step, reason)
        form = version.forms.get(step["form"]) if step["form"] else None
        clean = validate_form(form, data) if form is not None else _plain(data)
        workflow = load_workflow(dossier)
        task = ready_task(workflow, item.task_id)
        complete_task(workflow, task, clean)
        now = clock.now()
        item.state, item.finished_at, item.finished_by_id = "done", now, actor_id
        detail = {"data": clean}
        if reason:
            detail["reason"] = reason
        advance(session, dossier, workflow, actor_id=actor_id, action=action, step=item, **detail)
        uow.commit()
        return item


def _send_back_data(step, reason) -> dict:
    raw = step["properties"].get("sendBackData")
    if not raw:
        raise InvalidState("Bước này không cho phép trả lại.", "This step cannot send the dossier back.")
    # "{reason}" anywhere in a value is replaced by the officer's reason.
    return {key: value.replace("{reason}", reason) if isinstance(value, str) else value
            for key, value in json.loads(raw).items()}


def _plain(data) -> dict:
    if data in (None, {}):
        return {}
    if not isinstance(data, dict):
        raise FormInvalid({"": ["Dữ liệu phải là một đối tượng JSON."]})
    return json.loads(json.dumps(data))
