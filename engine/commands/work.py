"""An officer's own work: claim a step, release it, complete it, send the dossier back."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, or_, select, update

from engine import audit, clock, contact, supplements
from engine.commands._steps import (
    SUPERVISOR, advance, has_role, holds_item_role, not_permitted, require_open, require_role,
)
from engine.errors import AlreadyClaimed, FormInvalid, InvalidState, NotFound
from engine.models import Dossier, User, WorkItem
from engine.commands.returns import return_steps
from engine.procedures.forms import validate_form
from engine.runtime.host import complete_task, load_workflow, procedure_of, ready_task


# Statements of the hot commands, built once: a statement object reused with bound parameters
# keeps its memoised cache key, and building one per call cost more than its round trip.

# The item's agency and whether the actor holds its role there.
_CLAIMABLE = (select(WorkItem.agency_id, holds_item_role(bindparam("actor_id")))
              .where(WorkItem.id == bindparam("work_item_id")))

# A conditional update on this row alone: the database picks the single winner. RETURNING reads
# back the claimed row and its dossier's status in the same statement.
_CLAIM = (update(WorkItem)
          .where(WorkItem.id == bindparam("work_item_id"), WorkItem.state == "open",
                 WorkItem.assignee_id.is_(None))
          .values(assignee_id=bindparam("actor_id"), claimed_at=bindparam("now"))
          .returning(WorkItem, select(Dossier.status).where(Dossier.id == WorkItem.dossier_id).scalar_subquery())
          .execution_options(synchronize_session=False, populate_existing=True))

# Under the dossier lock, in one statement: the item, whether the actor may do it, and the
# dossier's other open items (which advance() reconciles). Locked too: a release or claim takes
# the item's row without the dossier lock; this waits for it and then reads what it committed
# instead of overwriting it.
_ITEM_AND_OPEN_ITEMS = (
    select(WorkItem, holds_item_role(bindparam("actor_id")))
    .where(or_(WorkItem.id == bindparam("work_item_id"),
               and_(WorkItem.dossier_id == bindparam("dossier_id"), WorkItem.state == "open")))
    .with_for_update(of=WorkItem))


def claim(uow, *, actor_id: int, work_item_id: int) -> WorkItem:
    """Take an open step from the unit's queue. Exactly one of many simultaneous claims wins."""
    with uow:
        session = uow.session
        row = session.execute(_CLAIMABLE, {"actor_id": actor_id, "work_item_id": work_item_id}).first()
        if row is None:
            raise NotFound("Không tìm thấy công việc.", "Work item not found.")
        if not row[1]:
            raise not_permitted()
        won = session.execute(_CLAIM, {"work_item_id": work_item_id, "actor_id": actor_id,
                                       "now": clock.now()}).first()
        if won is None:
            session.rollback()
            # Already theirs (a step sent back to them, a second click): nothing to do. Detached
            # with its values loaded, so the caller can still read them once the unit of work ends.
            held = _explain_not_claimable(session, work_item_id, actor_id)
            session.expunge(held)
            return held
        item, dossier_status = won
        audit.record(session, _DossierStatus(item.dossier_id, dossier_status), "claimed", actor_id=actor_id,
                     status_before=dossier_status, step_id=item.step_id, step_name=item.step_name)
        uow.commit()
        return item


class _DossierStatus(NamedTuple):
    """The two fields of a dossier the audit record of a claim needs, without loading the row."""
    id: int
    status: int


def _explain_not_claimable(session, work_item_id: int, actor_id: int) -> WorkItem:
    item = session.get(WorkItem, work_item_id)
    if item.state != "open":
        raise InvalidState("Công việc này đã kết thúc.", "This work item is finished.")
    if item.assignee_id == actor_id:
        return item
    holder = session.get(User, item.assignee_id)
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


def complete(uow, *, actor_id: int, work_item_id: int, data: dict | Callable[[dict | None], dict]) -> WorkItem:
    """Complete a claimed step with its form data (validated here, on the server). ``data`` may
    also be a function of the step's form schema (None when the step has no form) returning the
    data: the web hands over the submitted strings that way, to be read once the step is known."""
    return finish_step(uow, actor_id, work_item_id, data, action="completed")


def send_back(uow, *, actor_id: int, work_item_id: int, reason: str) -> WorkItem:
    """Send the dossier back to an earlier step, as the diagram's loop activity models it.

    The step declares what "send back" means in its ``sendBackData`` property (for example
    ``{"decision": "send_back", "leader_opinion": "{reason}"}``); the loop activity around it
    then returns to the earlier step.
    """
    if not reason or not reason.strip():
        raise FormInvalid({"reason": ["Cần ghi rõ lý do trả lại."]})
    reason = reason.strip()
    if problem := contact.note_problem(reason):
        raise FormInvalid({"reason": [problem]})
    before_open: set[int] = set()

    def remember_open(session, dossier, item, step, now):
        before_open.update(session.execute(select(WorkItem.id).where(
            WorkItem.dossier_id == dossier.id, WorkItem.state == "open")).scalars())

    def return_to_finishers(session, dossier, item, now):
        return_steps(session, dossier, sent_from=item, reason=reason, actor_id=actor_id, before_open=before_open,
                     now=now)

    return finish_step(uow, actor_id, work_item_id, None, action="sent_back", reason=reason,
                       before=remember_open, after=return_to_finishers)


def finish_step(uow, actor_id, work_item_id, data, *, action, reason=None, before=None, after=None) -> WorkItem:
    """Finish a claimed step and run the workflow on, in one transaction: completing, sending
    back and the supplement commands (engine/commands/supplements.py) all come through here.

    ``before(session, dossier, item, step, now)`` runs once the step is known to be the actor's
    to finish, before the workflow moves; what it returns joins the audit event's detail.
    ``after(session, dossier, item, now)`` runs once the workflow has moved, before the commit;
    either may raise to leave everything as it was.
    """
    with uow:
        session = uow.session
        dossier = uow.lock_dossier_of_work_item(work_item_id)  # serialises commands on this dossier
        rows = session.execute(_ITEM_AND_OPEN_ITEMS, {"actor_id": actor_id, "work_item_id": work_item_id,
                                                      "dossier_id": dossier.id}).all()
        item, permitted = next((i, p) for i, p in rows if i.id == work_item_id)
        if not permitted:
            raise not_permitted()
        if item.state != "open":
            raise InvalidState("Bước này đã được xử lý xong.", "This step has already been completed.")
        if item.assignee_id != actor_id:
            raise InvalidState("Bạn cần nhận xử lý công việc trước khi hoàn thành.",
                               "Claim the work item before completing it.")
        require_open(dossier)
        procedure = procedure_of(dossier)
        step = procedure.manifest["steps"][item.step_id]
        if action == "sent_back":
            data = _send_back_data(step, reason)
        if action == "supplement_requested":
            clean = {}  # asking is not finishing the step's work: its form stays unfilled
        else:
            form = procedure.forms.get(step["form"]) if step["form"] else None
            if callable(data):  # a submitted form, read against the step's own schema
                data = data(form)
            zone = ZoneInfo(dossier.agency.timezone)
            today = clock.now().astimezone(zone).date()
            received = dossier.received_at.astimezone(zone).date() if dossier.received_at else None
            clean = validate_form(form, data, today=today, received=received) if form is not None else _plain(data)
        if supplements.may_ask(step):
            # What the diagram's supplement gateway and loop read (engine/supplements.py).
            clean[supplements.FLAG] = action == "supplement_requested"
        elif action == "completed" and supplements.waits_for_supplement(step) \
                and supplements.open_request(session, dossier.id) is not None:
            raise InvalidState("Hãy dùng chức năng “Ghi nhận hồ sơ bổ sung” để hoàn thành bước này.",
                               "Record the supplement to finish this step.")
        now = clock.now()
        detail = {"data": clean}
        if reason:
            detail["reason"] = reason
        if before is not None:
            detail.update(before(session, dossier, item, step, now) or {})
        workflow = load_workflow(dossier)
        task = ready_task(workflow, item.task_id)
        complete_task(workflow, task, clean, cleared=_left_empty(form, clean) if action == "completed" else ())
        item.state, item.finished_at, item.finished_by_id = "done", now, actor_id
        advance(session, dossier, workflow, actor_id=actor_id, action=action, step=item,
                open_items=[i for i, _p in rows], **detail)
        if after is not None:
            after(session, dossier, item, now)
        uow.commit()
        return item


def _left_empty(form, clean) -> list[str]:
    """The step form's fields the officer left empty: a value an earlier lap or step gave them (the
    leader's opinion when sending back) is not this step's answer, and must not be shown as one."""
    return [name for name in (form or {}).get("properties", ()) if name not in clean]


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
