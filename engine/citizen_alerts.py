"""The citizen is told of every status change they care about (received, supplement needed,
refused, result ready, apology with a new date, returned, withdrawn, stopped), by SMS to the
applicant's phone and by mail where no other mail says it already.

Every transition is written to the history (engine/audit.py), which calls ``on_event``: so a new
command that changes a status is covered the day it is written, and the messages are queued in
the same transaction as the change (outboxes), sent once by the scheduler.
"""
from __future__ import annotations

import unicodedata

from engine import clock
from engine.citizen_notices import TRACKING_HINT, mail_citizen
from engine.models import Dossier, OutgoingSms
from engine.scheduler.notify import notice_time
from engine.statuses import DossierStatus

# action or new status -> (what the SMS says, the mail's subject when no other mail says it)
_SMS = {
    "received": ("đã được tiếp nhận, hẹn trả kết quả {due}", "đã được tiếp nhận"),
    "refused": ("không được tiếp nhận. Lý do trong thư/thông báo gửi kèm", None),
    "guidance_issued": ("cần bổ sung, hoàn thiện. Xem nội dung tại trang Dịch vụ công", None),
    "supplement_requested": ("cần bổ sung, hoàn thiện. Xem nội dung tại trang Dịch vụ công", None),
    "apology_issued": ("bị chậm; cơ quan xin lỗi và hẹn lại ngày trả kết quả {due}", None),
    "withdrawn": ("đã được rút theo đề nghị", None),
    "stopped": ("đã được dừng xử lý", None),
    int(DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION): (
        "đang chờ Ông/Bà thực hiện nghĩa vụ tài chính (phí, lệ phí, thuế). Xem chi tiết tại trang Dịch vụ công",
        "đang chờ thực hiện nghĩa vụ tài chính"),
    "fee_paid_online": ("đã được ghi nhận thanh toán phí, lệ phí", None),
    int(DossierStatus.RESULT_READY): ("đã có kết quả, mời Ông/Bà nhận kết quả", "đã có kết quả"),
    int(DossierStatus.RESULT_RETURNED): ("đã trả kết quả. Cảm ơn Ông/Bà đã sử dụng dịch vụ", "đã trả kết quả"),
}


def on_event(session, dossier, action: str, status_before: int | None) -> None:
    if not isinstance(dossier, Dossier):  # a claim records the audit from two columns, no change
        return
    status = dossier.status
    key = action if action in _SMS else (status if status != status_before and status in _SMS else None)
    if key is None or getattr(dossier, "id", None) is None:
        return
    template, subject = _SMS[key]
    timezone = dossier.agency.timezone if dossier.agency is not None else "Asia/Ho_Chi_Minh"
    due = notice_time(dossier.due_at, timezone) if dossier.due_at else "—"
    what = template.format(due=due)
    dedupe = f"{key}-{dossier.id}-{dossier.revision}"
    phone = "".join(ch for ch in dossier.applicant_phone or "" if ch.isdigit() or ch == "+")
    if phone:
        now = clock.now()
        session.add(OutgoingSms(dedupe_key=f"sms-{dedupe}"[:120], to_number=phone[:20], dossier_id=dossier.id,
                                body=f"Ho so {dossier.code} {_plain(what)}."[:480], created_at=now,
                                next_attempt_at=now, attempts=0))
    if subject:
        # The cached procedure's name: reading it through the relationships cost two statements
        # (the whole procedure_versions row, then the procedure) on every result ready or returned.
        from engine.runtime.host import procedure_name  # the runtime imports the audit, which imports us
        procedure = procedure_name(dossier)
        mail_citizen(session, key=f"status-{dedupe}", to=dossier.applicant_email,
                     subject=f"[Một cửa] Hồ sơ {dossier.code} {subject}",
                     body=(f"Kính gửi Ông/Bà {dossier.applicant_name},\n\n"
                           f"Hồ sơ «{procedure}» (mã hồ sơ {dossier.code}) của Ông/Bà {what}.\n\n"
                           f"{dossier.agency.name if dossier.agency else ''}\n{TRACKING_HINT}\n"))


def _plain(text: str) -> str:
    """SMS without diacritics: one message holds 160 plain characters but only 70 in Unicode."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))
