"""Online submission: a citizen's draft (kept as typed, whatever its state), the scans uploaded
with it, and the submission that turns it into a dossier in status 1 (newly registered) in the
receiving agency's queue. The counter then decides on it with ``engine.commands.reception.decide``,
exactly as for a walk-in.
"""
from __future__ import annotations

import re

from sqlalchemy import func, select

from engine import audit, clock, contact
from engine.citizen_notices import mail_citizen
from engine.dossier_codes import next_code
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.file_store import EXTENSIONS, sniff
from engine.models import Agency, ApplicationFile, Citizen, Dossier, OnlineApplication
from engine.procedures.catalogue import opened_by_partner
from engine.procedures.forms import validate_form
from engine.procedures.metadata import may_receive, required_documents
from engine.procedures.registry import active_version
from engine.runtime.host import new_workflow, save_workflow
from engine.statuses import Channel, DossierStatus
from engine.supplements import awaited_online, documents_and_notes, listed

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 20
MAX_DRAFT_FIELD = 2000
NOT_FOUND = ("Không tìm thấy hồ sơ nộp trực tuyến.", "Online application not found.")
PARTNER_ONLY = ("Thủ tục này chỉ bắt đầu khi cơ quan liên thông chuyển hồ sơ đến, "
                "công dân không nộp trực tuyến được.",
                "This procedure starts only when a partner agency sends its dossier; citizens cannot submit it online.")
SENT_ALREADY = "Bạn đã gửi bổ sung này; Bộ phận một cửa đang kiểm tra. Muốn gửi thêm, hãy tải lên tệp mới."


def _application(session, citizen_id: int, application_id: int, *, draft: bool = True) -> OnlineApplication:
    row = session.get(OnlineApplication, application_id)
    if row is None or row.citizen_id != citizen_id:
        raise NotFound(*NOT_FOUND)
    if draft and row.submitted_at is not None:
        raise InvalidState("Hồ sơ này đã được nộp, không sửa được nữa.", "This application was submitted; it can no longer change.")
    return row


def _version_for_citizens(session, procedure_key: str):
    """The version a citizen's dossier would start on (a rollback applies online too; a retired
    procedure has none), refused when only a partner's message opens the procedure."""
    version = active_version(session, procedure_key)
    if opened_by_partner(version.manifest):
        raise InvalidState(*PARTNER_ONLY)
    return version


def save_draft(uow, *, citizen_id: int, procedure_key: str, schema: dict, data: dict,
               agency_code: str = "") -> int:
    """Keep what the citizen typed (only the intake form's fields, each cut to a bounded size) in
    their draft for this procedure, created on first save; returns the draft's id. A value cut
    short is still there when the draft is submitted, so the form's own rule (its length, its
    pattern, a number) says what is wrong with it, rather than "required"."""
    kept = {key: _bounded(value) for key, value in (data or {}).items() if key in schema.get("properties", {})}
    with uow:
        session, now = uow.session, clock.now()
        version = _version_for_citizens(session, procedure_key)  # a retired procedure takes no new draft
        row = session.scalars(select(OnlineApplication).where(
            OnlineApplication.citizen_id == citizen_id, OnlineApplication.procedure_id == version.procedure_id,
            OnlineApplication.submitted_at.is_(None)).order_by(OnlineApplication.id.desc()).limit(1)).first()
        if row is None:
            row = OnlineApplication(citizen_id=citizen_id, procedure_id=version.procedure_id, data={},
                                    created_at=now, updated_at=now)
            session.add(row)
        row.data, row.updated_at = kept, now
        agency = session.scalars(select(Agency).where(Agency.code == agency_code[:40])).first() if agency_code else None
        row.agency_id = agency.id if agency is not None else None
        session.flush()
        uow.commit()
        return row.id


def _bounded(value):
    if isinstance(value, str) or len(str(value)) > MAX_DRAFT_FIELD:
        return str(value)[:MAX_DRAFT_FIELD]
    return value


def add_file(uow, store, *, citizen_id: int, application_id: int, document_name: str, filename: str,
             content: bytes) -> int:
    """Attach a scan to a draft: PDF, JPEG or PNG by its content, at most 10 MiB, at most 20 files."""
    problems, kind = _file_problems(filename, content)
    with uow:
        session = uow.session
        row = _application(session, citizen_id, application_id)
        names = {d.name for d in required_documents(active_version(session, row.procedure.key).manifest)}
        if document_name not in names:
            problems.append("Giấy tờ không có trong danh mục của thủ tục.")
        count = session.scalar(select(func.count()).select_from(ApplicationFile)
                               .where(ApplicationFile.application_id == row.id))
        if count >= MAX_FILES:
            problems.append(f"Mỗi hồ sơ tối đa {MAX_FILES} tệp.")
        if problems:
            raise FormInvalid({"files": problems})
        file = _stored(session, store, row, document_name, filename, content, kind)
        uow.commit()
        return file.id


def _file_problems(filename: str, content: bytes) -> tuple[list[str], str | None]:
    problems, kind = [], sniff(content)
    if not content:
        problems.append("Tệp rỗng.")
    elif len(content) > MAX_FILE_BYTES:
        problems.append(f"Tệp «{filename[:80]}» lớn hơn 10 MB.")
    elif kind is None:
        problems.append(f"Tệp «{filename[:80]}» không phải PDF, JPEG hoặc PNG.")
    return problems, kind


def _stored(session, store, application, document_name, filename, content, kind) -> ApplicationFile:
    sha256 = store.put(content)
    stem = re.sub(r"[^\w\-. ]", "_", (filename or "tep").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:120].strip() or "tep"
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    file = ApplicationFile(application_id=application.id, document_name=document_name[:500],
                           filename=stem + EXTENSIONS[kind], content_type=kind, size=len(content), sha256=sha256,
                           created_at=clock.now())
    session.add(file)
    session.flush()
    return file


def remove_file(uow, *, citizen_id: int, application_id: int, file_id: int) -> None:
    with uow:
        row = _application(uow.session, citizen_id, application_id)
        file = uow.session.get(ApplicationFile, file_id)
        if file is None or file.application_id != row.id:
            raise NotFound(*NOT_FOUND)
        uow.session.delete(file)  # the bytes stay: another upload may share them
        uow.commit()


def submit(uow, *, citizen_id: int, application_id: int, schema: dict) -> Dossier:
    """The draft becomes a dossier in status 1 at the chosen agency, with its code; the intake data
    is the workflow's starting data (the workflow starts when the counter accepts). Everything
    missing is reported at once and nothing changes."""
    with uow:
        session, now = uow.session, clock.now()
        row = _application(session, citizen_id, application_id)
        citizen = session.get(Citizen, citizen_id)
        # The version the counter would start; refused if a new version made it a partner's.
        version = _version_for_citizens(session, row.procedure.key)
        problems: dict[str, list[str]] = {}
        try:
            data = validate_form(schema, row.data)
        except FormInvalid as exc:
            problems.update(exc.field_errors)
            data = {}
        agency = session.get(Agency, row.agency_id) if row.agency_id else None
        if agency is None or not may_receive(version.manifest, agency.kind, agency.code):
            problems["agency_id"] = ["Hãy chọn cơ quan tiếp nhận hồ sơ."]
        uploaded = {f.document_name for f in row.files}
        missing = [d.name for d in required_documents(version.manifest) if not d.optional and d.name not in uploaded]
        if missing:
            problems["files"] = ["Chưa tải lên: " + "; ".join(missing) + "."]
        if not citizen.full_name:
            problems["profile"] = ["Hãy bổ sung họ và tên trong thông tin cá nhân trước khi nộp."]
        if problems:
            raise FormInvalid(problems)
        dossier = Dossier(code=next_code(session, agency, now), agency=agency, procedure_version=version,
                          status=int(DossierStatus.NEWLY_REGISTERED), channel=int(Channel.ONLINE),
                          applicant_name=citizen.full_name, applicant_id_number=citizen.id_number,
                          applicant_address=citizen.address, applicant_phone=citizen.phone,
                          applicant_email=citizen.email or "", received_at=now, workflow_state="",
                          serializer_version="")
        session.add(dossier)
        session.flush()
        workflow = new_workflow(version)
        workflow.data.update(data)
        workflow.task_tree.data.update(data)
        save_workflow(dossier, workflow)
        row.submitted_at, row.dossier_id, row.data = now, dossier.id, data
        audit.record(session, dossier, "registered_online", status_before=None, procedure=version.procedure.key,
                     version=version.number, channel=dossier.channel, files=len(row.files))
        mail_citizen(session, key=f"registered-online-{dossier.id}", to=dossier.applicant_email,
                     subject=f"[Một cửa] Đã nhận hồ sơ trực tuyến {dossier.code}",
                     body=(f"Kính gửi Ông/Bà {dossier.applicant_name},\n\n"
                           f"Hồ sơ «{version.procedure.name}» của Ông/Bà đã được gửi đến {agency.name} "
                           f"với mã hồ sơ {dossier.code}. Cán bộ Bộ phận một cửa sẽ kiểm tra và thông báo "
                           "kết quả tiếp nhận.\n\nXin trân trọng cảm ơn.\n"))
        uow.commit()
        return dossier


# --- after submission: answering form 02, asking to withdraw ---------------------------------------

def _own_dossier(uow, citizen_id: int, dossier_id: int):
    """The citizen's own submitted dossier, locked; (dossier, application)."""
    application = uow.session.scalars(select(OnlineApplication).where(
        OnlineApplication.dossier_id == dossier_id, OnlineApplication.citizen_id == citizen_id)).first()
    if application is None:
        raise NotFound(*NOT_FOUND)
    return uow.lock_dossier(dossier_id), application


def _tell_the_counter(session, dossier, message_vi: str, message_en: str) -> None:
    """A notification to every one-stop officer of the dossier's agency."""
    from engine.commands._steps import RECEPTION
    from engine.models import Membership, Notification
    now = clock.now()
    for user_id in session.scalars(select(Membership.user_id).where(
            Membership.agency_id == dossier.agency_id, Membership.role == RECEPTION).distinct()):
        session.add(Notification(user_id=user_id, dossier_id=dossier.id, created_at=now,
                                 message_vi=message_vi, message_en=message_en))


def add_supplement_file(uow, store, *, citizen_id: int, dossier_id: int, item_name: str, filename: str,
                        content: bytes) -> int:
    """A scan answering the open supplement request (form 02) on the citizen's dossier."""
    problems, kind = _file_problems(filename, content)
    with uow:
        session = uow.session
        dossier, application = _own_dossier(uow, citizen_id, dossier_id)
        request = awaited_online(session, dossier.id)
        if request is None:
            raise InvalidState("Hồ sơ không có yêu cầu bổ sung nào đang chờ.", "No supplement is being asked for.")
        if item_name not in documents_and_notes(request)[0]:  # a note asks for no file
            problems.append("Nội dung không có trong phiếu yêu cầu bổ sung.")
        count = session.scalar(select(func.count()).select_from(ApplicationFile)
                               .where(ApplicationFile.application_id == application.id))
        if count >= MAX_FILES * 2:
            problems.append(f"Mỗi hồ sơ tối đa {MAX_FILES * 2} tệp.")
        if problems:
            raise FormInvalid({"files": problems})
        file = _stored(session, store, application, item_name, filename, content, kind)
        uow.commit()
        return file.id


def send_supplement(uow, *, citizen_id: int, dossier_id: int) -> None:
    """The citizen says the supplement is complete: every item asked has a scan uploaded since the
    request. The counter is told; it checks the scans and records the supplement as usual."""
    with uow:
        session = uow.session
        dossier, application = _own_dossier(uow, citizen_id, dossier_id)
        request = awaited_online(session, dossier.id)
        if request is None:
            raise InvalidState("Hồ sơ không có yêu cầu bổ sung nào đang chờ.", "No supplement is being asked for.")
        since_request = [f for f in application.files if f.created_at >= request.requested_at]
        given = {f.document_name for f in since_request}
        documents, _notes = documents_and_notes(request)
        missing = [name for name in documents if name not in given]
        if missing:
            raise FormInvalid({"files": ["Chưa tải lên: " + listed(missing)]})
        file_ids = sorted(f.id for f in since_request)
        if set(file_ids) <= _files_sent_before(session, dossier.id, request):
            # A second click, or a reload: the counter was told already and has nothing new to see.
            raise FormInvalid({"files": [SENT_ALREADY]})
        dossier.revision += 1
        audit.record(session, dossier, "supplement_sent_online", status_before=dossier.status, request_id=request.id,
                     items=documents, file_ids=file_ids)
        _tell_the_counter(session, dossier, f"Công dân đã gửi bổ sung trực tuyến cho hồ sơ {dossier.code}.",
                          f"The citizen sent the supplement online for dossier {dossier.code}.")
        uow.commit()


def _files_sent_before(session, dossier_id: int, request) -> set[int]:
    """The scans the last sending of this request carried (empty before the first sending)."""
    from engine.models import AuditEvent
    detail = session.scalars(select(AuditEvent.detail).where(
        AuditEvent.dossier_id == dossier_id, AuditEvent.action == "supplement_sent_online")
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    if not detail or detail.get("request_id") != request.id:
        return set()
    return set(detail.get("file_ids") or ())


def request_withdrawal(uow, *, citizen_id: int, dossier_id: int, reason: str) -> None:
    """The citizen asks to withdraw: recorded in the history and sent to the counter, which records
    the withdrawal (status 7) with the existing command."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise FormInvalid({"reason": ["Cần ghi rõ lý do rút hồ sơ."]})
    if problem := contact.note_problem(reason, 2000):
        raise FormInvalid({"reason": [problem]})
    with uow:
        session = uow.session
        dossier, _application = _own_dossier(uow, citizen_id, dossier_id)
        if DossierStatus(dossier.status).is_terminal or dossier.status == DossierStatus.RESULT_READY:
            raise InvalidState("Hồ sơ đã kết thúc, không rút được nữa.", "This dossier has ended; it cannot be withdrawn.")
        dossier.revision += 1
        audit.record(session, dossier, "withdrawal_requested", status_before=dossier.status, reason=reason)
        _tell_the_counter(session, dossier, f"Công dân đề nghị rút hồ sơ {dossier.code}: {reason[:200]}",
                          f"The citizen asks to withdraw dossier {dossier.code}: {reason[:200]}")
        uow.commit()


def rate_service(uow, *, citizen_id: int, dossier_id: int, score, comment: str = "") -> None:
    """The citizen rates the service (1 to 5) once the result was returned; once per dossier."""
    from sqlalchemy.exc import IntegrityError

    from engine.models import ServiceRating
    problems = {}
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        problems["score"] = ["Hãy chọn một mức từ 1 đến 5."]
    comment = (comment or "").strip()
    if problem := contact.note_problem(comment, 1000):
        problems["comment"] = [problem]
    if problems:
        raise FormInvalid(problems)
    already = InvalidState("Bạn đã đánh giá hồ sơ này.", "You have already rated this dossier.")
    with uow:
        session = uow.session
        dossier, _application = _own_dossier(uow, citizen_id, dossier_id)
        if dossier.status != DossierStatus.RESULT_RETURNED:
            raise InvalidState("Chỉ đánh giá được sau khi đã nhận kết quả.",
                               "You can rate the service once you have received the result.")
        if session.scalars(select(ServiceRating.id).where(ServiceRating.dossier_id == dossier.id)).first():
            raise already
        session.add(ServiceRating(dossier_id=dossier.id, agency_id=dossier.agency_id, citizen_id=citizen_id,
                                  score=score, comment=comment, created_at=clock.now()))
        try:
            uow.commit()
        except IntegrityError:  # rated at the same moment from another window
            raise already from None
