"""A sent-back dossier goes back to the people who did the work (issue 12): the step it returns
to is handed straight to the officer who finished it last time, so it does not wait in the unit's
queue for someone new to pick it up and learn the dossier again. Only when that officer is gone
(deactivated, or no longer holding the role there) does it go to the unit's queue, and the unit
is told. Everyone else who handled the dossier hears that it was sent back."""
from __future__ import annotations

from sqlalchemy import select

from engine import audit
from engine.models import User, WorkItem
from engine.officer_notices import HandlersOf, holds, tell, unit
from engine.procedures.catalogue import english_names_for


def return_steps(session, dossier, *, sent_from: WorkItem, reason: str, actor_id: int, before_open: set[int],
                 now) -> None:
    opened = session.execute(select(WorkItem).where(
        WorkItem.dossier_id == dossier.id, WorkItem.state == "open", WorkItem.assignee_id.is_(None))
        .order_by(WorkItem.id)).scalars().all()
    told: set[int] = {actor_id}
    english = english_names_for(session)
    for item in opened:
        if item.id in before_open:
            continue
        finisher = _last_finisher(session, dossier.id, item)
        key = f"sent-back-{dossier.id}-{dossier.revision}-{item.id}"
        if finisher is not None:
            item.assignee_id, item.claimed_at = finisher.id, now
            audit.record(session, dossier, "reassigned", actor_id=actor_id, status_before=dossier.status,
                         step_id=item.step_id, step_name=item.step_name, previous_assignee=None,
                         new_assignee=finisher.id, returned=True)
            tell(session, [finisher], dossier_id=dossier.id, key=key,
                 message_vi=f"Hồ sơ {dossier.code} được trả lại cho bạn ở bước “{item.step_name}”. Lý do: {reason}",
                 message_en=f"Dossier {dossier.code} was sent back to you at step “{english.step(item.step_name)}”. "
                            f"Reason: {reason}")
            told.add(finisher.id)
        else:
            queue = unit(session, item.agency_id, item.role)
            tell(session, queue, dossier_id=dossier.id, key=key,
                 message_vi=f"Hồ sơ {dossier.code} được trả lại bước “{item.step_name}” về hàng chờ của đơn vị "
                            f"(cán bộ đã xử lý không còn đảm nhiệm). Lý do: {reason}",
                 message_en=f"Dossier {dossier.code} was sent back to step “{english.step(item.step_name)}” "
                            f"in your unit's queue (the officer who did it is no longer in the role). "
                            f"Reason: {reason}")
            told.update(u.id for u in queue)
    tell(session, HandlersOf(dossier.id, but=tuple(sorted(told))), dossier_id=dossier.id,
         key=f"handled-sent-back-{dossier.id}-{dossier.revision}",
         message_vi=f"Hồ sơ {dossier.code} bạn đã xử lý bị trả lại từ bước “{sent_from.step_name}”. Lý do: {reason}",
         message_en=f"Dossier {dossier.code}, which you worked on, was sent back from step "
                    f"“{english.step(sent_from.step_name)}”. Reason: {reason}")


def _last_finisher(session, dossier_id: int, item: WorkItem) -> User | None:
    """Who finished this step of this dossier last, if they still may do it."""
    user_id = session.execute(select(WorkItem.finished_by_id).where(
        WorkItem.dossier_id == dossier_id, WorkItem.step_id == item.step_id, WorkItem.state == "done",
        WorkItem.finished_by_id.is_not(None)).order_by(WorkItem.finished_at.desc(), WorkItem.id.desc())
        .limit(1)).scalar()
    if user_id is None:
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active or not holds(session, user_id, item.agency_id, item.role):
        return None
    return user

