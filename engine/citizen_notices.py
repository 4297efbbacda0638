"""Mail to the citizen about their dossier, written to the outbox in the same transaction as its
cause (the scheduler sends it). Vietnamese, in the words of the printed forms; nothing is sent to
an applicant who gave no address."""
from __future__ import annotations

from sqlalchemy import select

from engine import clock, contact
from engine.models import OnlineApplication, OutgoingMail
from engine.scheduler.notify import notice_time
from engine.supplements import documents_and_notes

TRACKING_HINT = "(Tra cứu hồ sơ bằng mã hồ sơ và số định danh hoặc số điện thoại trên giấy tiếp nhận.)"


INVALID_ADDRESS = "the address is not a valid e-mail address; it was never sent"


def mail_citizen(session, *, key: str, to: str, subject: str, body: str) -> None:
    """Queue one mail; ``key`` makes it once-only (a retried command does not mail twice).

    An address that is not one valid e-mail address (stored before reception checked addresses,
    or by an import) is not tried at all: the mail is recorded as given up with the reason, so an
    administrator sees on /admin/mail that the citizen was not told."""
    if not to:
        return
    now = clock.now()
    if contact.email_problem(to):
        session.add(OutgoingMail(dedupe_key=key[:120], to_address=to[:255], subject=subject[:255], body=body,
                                 created_at=now, next_attempt_at=None, attempts=0, failed_at=now,
                                 last_error=INVALID_ADDRESS))
        return
    session.add(OutgoingMail(dedupe_key=key[:120], to_address=to, subject=subject[:255], body=body,
                             created_at=now, next_attempt_at=now, attempts=0))


def _items(missing: list[dict]) -> str:
    return "\n".join(f"  {n}. {item['name']}" for n, item in enumerate(missing, start=1))


def submitted_online(session, dossier) -> bool:
    """The applicant submitted the dossier online: they answer a supplement request on their
    dossier page, not at the counter (a counter dossier marked "online" has no such page)."""
    return dossier is not None and session.scalar(select(OnlineApplication.id).where(
        OnlineApplication.dossier_id == dossier.id).limit(1)) is not None


def supplement_mail(request, agency_name: str, procedure_name: str, code: str | None, timezone: str,
                    online: bool = False) -> tuple[str, str]:
    """Form 02 as a mail: what to add, why, and where. ``online``: the applicant submitted online
    (``submitted_online``), so they send the supplement from their dossier page. No link: no mail
    carries the site's address (the application does not know its public host), so the page is
    named in words."""
    asked, notes = request.missing, []
    if online:
        # As the dossier page shows them: the documents to upload, the officer's notes apart.
        documents, notes = documents_and_notes(request)
        asked = [item for item in request.missing if item["name"] in documents]
        where = ("\nÔng/Bà gửi bổ sung trực tuyến tại trang hồ sơ của Ông/Bà trên Cổng dịch vụ công: đăng nhập, "
                 f"mở «Trang của tôi», chọn hồ sơ {code}, tải lên bản chụp giấy tờ rồi bấm «Gửi bổ sung».\n")
    else:
        where = f"\nÔng/Bà nộp bổ sung tại Bộ phận tiếp nhận và trả kết quả, {agency_name}.\n"
    about = f" hồ sơ {code}" if code else ""
    subject = f"[Một cửa] Yêu cầu bổ sung, hoàn thiện{about}"
    body = (
        f"Kính gửi Ông/Bà {request.applicant_name},\n\n"
        f"Lúc {notice_time(request.requested_at, timezone)}, {agency_name} đã xem xét hồ sơ "
        f"«{procedure_name}»{(' (mã hồ sơ ' + code + ')') if code else ''} của Ông/Bà.\n"
        "Đề nghị Ông/Bà bổ sung, hoàn thiện các nội dung sau:\n"
        f"{_items(asked)}\n"
        + "".join(f"Lưu ý: {line}\n" for line in notes)
        + (f"\nLý do: {request.note}\n" if request.note else "")
        + where
        + "Xin trân trọng cảm ơn.\n\n"
        # The tracking hint names the receipt: an online applicant follows the dossier on their page.
        f"{agency_name}\n{TRACKING_HINT if code and not online else ''}\n")
    return subject, body


def ending_mail(dossier, *, title: str, what: str, reason: str) -> tuple[str, str]:
    """Refusal (form 03), withdrawal or stop of processing: the notice's words as a mail."""
    agency = dossier.agency.name
    procedure = dossier.procedure_version.procedure.name
    subject = f"[Một cửa] {title} {dossier.code}"
    body = (
        f"Kính gửi Ông/Bà {dossier.applicant_name},\n\n"
        f"{agency} thông báo: hồ sơ «{procedure}» (mã hồ sơ {dossier.code}) của Ông/Bà {what} "
        f"lúc {notice_time(clock.now(), dossier.agency.timezone)}.\n"
        f"Lý do: {reason}\n\n"
        "Xin trân trọng cảm ơn.\n\n"
        f"{agency}\n{TRACKING_HINT}\n")
    return subject, body
