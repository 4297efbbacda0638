"""What a supervisor does about an escalation: acknowledge it, or, for a dossier that will be
late, issue the apology and new return date (form 04) — once, and only once, per dossier."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engine import audit, clock, contact
from engine.calendar.store import calendar_for
from engine.citizen_notices import mail_citizen
from engine.commands._steps import LEADER, SUPERVISOR, not_permitted, require_role
from engine.deadlines import apology_check
from engine.errors import FormInvalid, InvalidState
from engine.models import Apology, Escalation, Notification
from engine.procedures.forms import FIRST_YEAR, LAST_YEAR, YEAR_OUT_OF_RANGE
from engine.scheduler.notify import local_time, notice_time
from engine.statuses import TERMINAL, DossierStatus

def acknowledge(uow, *, actor_id: int, escalation_id: int) -> Escalation:
    """A supervisor of the escalation's agency says "seen, on it". Recorded in the dossier's
    history; the supervisor's own notifications about it are marked read."""
    with uow:
        session = uow.session
        escalation = session.get(Escalation, escalation_id)
        if escalation is None:
            raise not_permitted()
        require_role(session, actor_id, escalation.agency_id, SUPERVISOR)
        now = clock.now()
        # Conditional update: of two supervisors clicking at once, one acknowledges.
        done = session.execute(update(Escalation).where(
            Escalation.id == escalation_id, Escalation.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by_id=actor_id)).rowcount
        if not done:
            raise InvalidState("Cảnh báo này đã được xác nhận.", "This escalation was already acknowledged.")
        session.execute(update(Notification).where(
            Notification.escalation_id == escalation_id, Notification.user_id == actor_id,
            Notification.read_at.is_(None)).values(read_at=now))
        session.refresh(escalation)  # read what the update wrote; then its dossier and step
        dossier = escalation.dossier
        step = escalation.work_item
        audit.record(session, dossier, "escalation_acknowledged", actor_id=actor_id, status_before=dossier.status,
                     step_id=step.step_id if step else None, step_name=step.step_name if step else None,
                     escalation_id=escalation.id, level=escalation.level)
        uow.commit()
        return escalation


def issue_apology(uow, *, actor_id: int, dossier_id: int, reason: str, new_due_at: datetime | None) -> Apology:
    """Form 04: apologise to the citizen and promise a new return date.

    Only a leader of the receiving agency issues it: the form is signed by the agency's head
    (a supervisor who is not a leader sees that it is needed, not how to sign it). The new date must
    be a working time after the current due date (and after now); the dossier's due date moves to
    it, while ``original_due_at`` stays, because lateness is judged against the original
    (docs/RULES.md). Issuing later than one working day before the due date is allowed but
    flagged (``issued_late``). The applicant is told by mail, through the outbox, in the same
    transaction.
    """
    reason = (reason or "").strip()
    problems = {}
    if not reason:
        problems["reason"] = ["Cần ghi rõ lý do chậm trả kết quả."]
    elif problem := contact.note_problem(reason):
        problems["reason"] = [problem]
    if new_due_at is None:
        problems["new_due_at"] = ["Vui lòng nhập ngày (dd/mm/yyyy) và giờ (hh:mm) hẹn trả kết quả mới."]
    elif new_due_at.tzinfo is None:
        raise ValueError("naive datetime given as the new due date")
    elif not FIRST_YEAR <= new_due_at.year <= LAST_YEAR:  # 31/12/9999 is a working day, but no appointment
        problems["new_due_at"] = [YEAR_OUT_OF_RANGE]
    if problems:
        raise FormInvalid(problems)
    with uow:
        session = uow.session
        dossier = uow.lock_dossier(dossier_id)
        require_role(session, actor_id, dossier.agency_id, LEADER)
        existing = session.execute(select(Apology).where(Apology.dossier_id == dossier.id)).scalar_one_or_none()
        if existing is not None or dossier.apology_issued_at is not None:
            raise _already_issued(dossier, existing)
        if DossierStatus(dossier.status) in TERMINAL or dossier.failure:
            raise InvalidState(
                f"Hồ sơ {dossier.code} đã kết thúc xử lý ({DossierStatus(dossier.status).label_vi}): "
                "không cần hẹn lại ngày trả kết quả.",
                f"Dossier {dossier.code} is finished ({DossierStatus(dossier.status).label_en}): "
                "no new return date is needed.")
        if dossier.due_at is None:
            raise InvalidState(f"Hồ sơ {dossier.code} không có hạn trả kết quả.",
                               f"Dossier {dossier.code} has no due date.")
        calendar = calendar_for(session, dossier.agency)
        now = clock.now()
        earliest = max(dossier.due_at, now)
        if new_due_at <= earliest:
            raise FormInvalid({"new_due_at": [
                f"Ngày hẹn mới phải sau hạn hiện tại ({local_time(dossier.due_at, dossier.agency.timezone)})"
                + (" và sau thời điểm hiện tại." if now > dossier.due_at else ".")]})
        if not is_working_time(calendar, new_due_at):
            raise FormInvalid({"new_due_at": [
                "Ngày hẹn mới phải là ngày làm việc, trong giờ làm việc của cơ quan."]})
        late = now > apology_check(calendar, dossier.due_at)  # the last legal moment has passed
        apology = Apology(dossier_id=dossier.id, reason=reason, original_due_at=dossier.due_at,
                          new_due_at=new_due_at, issued_by_id=actor_id, issued_at=now, issued_late=late)
        session.add(apology)
        try:
            session.flush()
        except IntegrityError:
            # Only reachable if the lock above did not hold (it does on both backends); the unique
            # key is what guarantees "once", the check above is what gives the clear message.
            session.rollback()
            raise _already_issued(dossier, None) from None
        previous = dossier.due_at
        dossier.original_due_at = dossier.original_due_at or previous
        dossier.due_at = new_due_at
        dossier.apology_issued_at = now
        dossier.apology_check_at = None
        dossier.revision += 1
        audit.record(session, dossier, "apology_issued", actor_id=actor_id, status_before=dossier.status,
                     reason=reason, previous_due_at=previous.isoformat(), new_due_at=new_due_at.isoformat(),
                     issued_late=late)
        if dossier.applicant_email:
            subject, body = apology_mail(dossier, apology)
            mail_citizen(session, key=f"apology-dossier-{dossier.id}", to=dossier.applicant_email, subject=subject,
                         body=body)
        uow.commit()
        return apology


def _already_issued(dossier, apology) -> InvalidState:
    when = f" lúc {notice_time(apology.issued_at, dossier.agency.timezone)}" if apology else ""
    return InvalidState(
        f"Hồ sơ {dossier.code} đã có phiếu xin lỗi và hẹn lại ngày trả kết quả{when}. "
        "Theo quy định, ngày trả kết quả chỉ được hẹn lại một lần.",
        f"Dossier {dossier.code} already has an apology and new return date. "
        "The return date may be moved only once.")


def is_working_time(calendar, instant: datetime) -> bool:
    """Inside office hours of a working day (the close of the day included: that is when a day's
    time limit runs out)."""
    local = instant.astimezone(calendar.tz)
    if not calendar.is_working_day(local.date()):
        return False
    return any(start <= local.time() <= end for start, end in calendar.office_hours.periods)


def apology_mail(dossier, apology) -> tuple[str, str]:
    """The citizen's copy of form 04 as a mail: Vietnamese, the words of the form."""
    tz = dossier.agency.timezone
    agency = dossier.agency.name
    procedure = dossier.procedure_version.procedure.name
    subject = f"[Một cửa] Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {dossier.code}"
    body = (
        f"Kính gửi Ông/Bà {dossier.applicant_name},\n\n"
        f"Lúc {notice_time(dossier.received_at, tz)}, {agency} tiếp nhận giải quyết hồ sơ "
        f"«{procedure}» của Ông/Bà.\n"
        f"Mã hồ sơ: {dossier.code}\n"
        f"Thời hẹn trả kết quả giải quyết hồ sơ: {notice_time(apology.original_due_at, tz)}\n\n"
        f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của Ông/Bà.\n"
        f"Lý do: {apology.reason}\n\n"
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà và sẽ trả kết quả "
        f"giải quyết hồ sơ cho Ông/Bà vào lúc {notice_time(apology.new_due_at, tz)}.\n\n"
        "Xin trân trọng cảm ơn sự hợp tác của Ông/Bà.\n\n"
        f"{agency}\n"
        f"(Tra cứu hồ sơ bằng mã hồ sơ và số định danh hoặc số điện thoại trên giấy tiếp nhận.)\n")
    return subject, body
