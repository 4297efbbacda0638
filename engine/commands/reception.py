"""The counter's decision on a dossier handed in: accept it, guide the citizen to complete it, or
refuse it (docs/RULES.md, "Reception"). One decision function, ``decide``, serves both ways a dossier
reaches the counter:

- a **walk-in** (``WalkIn``): the citizen is at the counter and nothing exists yet;
- a **newly registered** dossier (``dossier_id``, status 1): submitted online or by post, waiting
  for an officer to check it.

The three outcomes are the same for both:

- **accept**: status 2, the dossier code (a walk-in gets one now), the due date from the legal
  time limit, the workflow starts, the receipt and appointment (form 01) can be printed;
- **guide**: a supplement request at reception (form 02) listing, once and completely, what is
  missing. Nothing is received and no clock runs: a walk-in leaves no dossier behind (the slip is
  kept, findable by the citizen's ID number), a newly registered dossier stays in status 1;
- **refuse**: status 3 with the reason (form 03); a walk-in gets a dossier record so the refusal is
  counted and can be printed.

``receive``, ``accept``, ``give_guidance`` and ``refuse`` are the usual ways to call it.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import update

from engine import audit, clock, contact
from engine.citizen_notices import ending_mail, mail_citizen, submitted_online, supplement_mail
from engine.commands._steps import RECEPTION, advance, mark_end_of_processing, require_role
from engine.deadlines import set_dossier_due
from engine.documents import ReceivedDocument
from engine.dossier_codes import next_code
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.models import Agency, Dossier, DossierDocument, SupplementRequest
from engine.procedures.catalogue import opened_by_partner
from engine.procedures.metadata import may_receive, required_documents
from engine.procedures.registry import active_version
from engine.runtime.host import load_workflow, new_workflow, save_workflow
from engine.statuses import Channel, DossierStatus

MAX_MISSING_ITEMS = 60
# Ticks sent for names not on the procedure's list: in the form, ticks made before the officer chose
# another procedure (the list shown now is the other procedure's, with none of them ticked).
TICKED_ELSEWHERE = ("Giấy tờ được đánh dấu không có trong danh mục của thủ tục đã chọn. "
                    "Hãy đánh dấu lại theo danh mục của thủ tục này.")


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""

    def problems(self) -> dict[str, list[str]]:
        """Each field's problem, by the form's field name (engine/contact.py says what is checked)."""
        checks = {
            "applicant_name": contact.text_problem(self.name, contact.MAX_NAME),
            "applicant_id_number": contact.id_number_problem(self.id_number),
            "applicant_address": contact.text_problem(self.address, contact.MAX_ADDRESS),
            "applicant_phone": contact.phone_problem(self.phone),
            "applicant_email": contact.email_problem(self.email),
        }
        if not self.name.strip():
            checks["applicant_name"] = "Trường này là bắt buộc."
        return {name: [problem] for name, problem in checks.items() if problem}


class Outcome(StrEnum):
    ACCEPT = "accept"
    GUIDE = "guide"
    REFUSE = "refuse"


@dataclass(frozen=True)
class WalkIn:
    """A citizen at the counter with a procedure in mind; nothing is recorded yet."""
    agency_id: int
    procedure_key: str
    applicant: Applicant
    channel: Channel = Channel.COUNTER


@dataclass(frozen=True)
class Decision:
    """What the officer decided, with what the decision needs.

    ``checklist``: the names of the procedure's required documents the officer ticked as handed in.
    When given, a required document missing from it blocks acceptance and is listed on a guidance
    slip; ``None`` means the caller ran no checklist (a script, an import) and nothing is checked.
    ``documents``: other papers received (accept). ``missing``: further items the citizen must add
    (guide). ``note``: the guidance's reason, or the refusal's legal reason (required).
    ``guidance_id``: accept a walk-in who came back with the slip of an earlier guidance.
    """
    outcome: Outcome
    checklist: Collection[str] | None = None
    documents: Sequence[ReceivedDocument] = ()
    missing: Sequence[str] = ()
    note: str = ""
    data: dict | None = None
    guidance_id: int | None = None


@dataclass
class ReceptionResult:
    outcome: Outcome
    dossier: Dossier | None = None  # accept, refuse; guide on a newly registered dossier
    slip: SupplementRequest | None = None  # guide
    missing: list[dict] = field(default_factory=list)


def decide(uow, *, actor_id: int, decision: Decision, walk_in: WalkIn | None = None,
           dossier_id: int | None = None) -> ReceptionResult:
    """Record the counter's decision on a walk-in or on a newly registered dossier (status 1).

    One transaction; a FormInvalid names the field to fix (``procedure_key``, ``applicant_*``,
    ``checklist``, ``documents.N.*``, ``missing``, ``note``) and changes nothing.
    """
    if (walk_in is None) == (dossier_id is None):
        raise ValueError("decide() takes either a walk-in or a dossier id")
    with uow:
        session = uow.session
        if dossier_id is not None:
            dossier = uow.lock_dossier(dossier_id)
            require_role(session, actor_id, dossier.agency_id, RECEPTION)
            if dossier.status != DossierStatus.NEWLY_REGISTERED:
                raise InvalidState(
                    f"Hồ sơ {dossier.code} không còn chờ tiếp nhận ({DossierStatus(dossier.status).label_vi}).",
                    f"Dossier {dossier.code} is no longer waiting for reception "
                    f"({DossierStatus(dossier.status).label_en}).")
            agency, version = dossier.agency, dossier.procedure_version
            applicant = Applicant(dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_address,
                                  dossier.applicant_phone, dossier.applicant_email)
        else:
            dossier = None
            agency = session.get(Agency, walk_in.agency_id)
            if agency is None:
                raise NotFound("Không tìm thấy cơ quan.", "Agency not found.")
            require_role(session, actor_id, agency.id, RECEPTION)
            version = active_version(session, walk_in.procedure_key)
            applicant = walk_in.applicant
        manifest = version.manifest
        if not may_receive(manifest, agency.kind, agency.code) or opened_by_partner(manifest):
            raise FormInvalid({"procedure_key": [
                f"{agency.name} không tiếp nhận thủ tục «{version.procedure.name}»."]})
        problems = applicant.problems() if walk_in is not None else {}
        missing_required, checklist_problems = _check_list(manifest, decision.checklist)
        problems.update(checklist_problems)
        outcome = Outcome(decision.outcome)
        if outcome is Outcome.ACCEPT:
            for index, document in enumerate(decision.documents):
                problems.update(document.problems(f"documents.{index}"))
            if missing_required:
                problems["checklist"] = [
                    "Còn thiếu giấy tờ bắt buộc nên chưa thể tiếp nhận: "
                    + "; ".join(d["name"] for d in missing_required)
                    + ". Hãy lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)."]
            if problems:
                raise FormInvalid(problems)
            result = _accept(session, actor_id, decision, agency, version, applicant, walk_in, dossier)
        elif outcome is Outcome.GUIDE:
            missing = missing_required + _typed_items(decision.missing, problems)
            if not missing and "missing" not in problems:
                problems["missing"] = ["Cần ghi ít nhất một giấy tờ hoặc nội dung cần bổ sung."]
            note = _note(decision.note, problems, required=False)
            if problems:
                raise FormInvalid(problems)
            result = _guide(session, actor_id, agency, version, applicant, dossier, missing, note)
        else:
            reason = _note(decision.note, problems, required=True)
            if problems:
                raise FormInvalid(problems)
            result = _refuse(session, actor_id, agency, version, applicant, walk_in, dossier, reason)
        uow.commit()
        return result


def receive(uow, *, actor_id: int, agency_id: int, procedure_key: str, applicant: Applicant,
            channel: Channel = Channel.COUNTER, data: dict | None = None,
            documents: Sequence[ReceivedDocument] = (), checklist: Collection[str] | None = None,
            guidance_id: int | None = None) -> Dossier:
    """Accept a walk-in: the dossier is created with its code on the procedure's latest version.

    ``documents`` are the papers handed in (the receipt lists them, with the ticked ``checklist``
    entries first); they are stored in the same transaction, so a dossier never exists without
    the list the citizen was given.
    """
    return decide(uow, actor_id=actor_id, walk_in=WalkIn(agency_id, procedure_key, applicant, channel),
                  decision=Decision(Outcome.ACCEPT, checklist=checklist, documents=documents, data=data,
                                    guidance_id=guidance_id)).dossier


def accept(uow, *, actor_id: int, dossier_id: int, documents: Sequence[ReceivedDocument] = (),
           checklist: Collection[str] | None = None, data: dict | None = None) -> Dossier:
    """Accept a newly registered dossier (status 1, e.g. submitted online): it keeps its code,
    becomes received (2) now, gets its due date, and its workflow starts. A dossier stored without
    a workflow (``workflow_state`` empty) starts one on its procedure version with ``data``; one
    stored with a workflow not yet run goes on from it."""
    return decide(uow, actor_id=actor_id, dossier_id=dossier_id,
                  decision=Decision(Outcome.ACCEPT, checklist=checklist, documents=documents, data=data)).dossier


def give_guidance(uow, *, actor_id: int, missing: Sequence[str] = (), note: str = "",
                  checklist: Collection[str] | None = None, walk_in: WalkIn | None = None,
                  dossier_id: int | None = None) -> SupplementRequest:
    """Form 02 at reception: the required documents not in ``checklist`` and the items in
    ``missing``, with ``note``. Nothing is received; a newly registered dossier stays in status 1."""
    return decide(uow, actor_id=actor_id, walk_in=walk_in, dossier_id=dossier_id,
                  decision=Decision(Outcome.GUIDE, checklist=checklist, missing=missing, note=note)).slip


def refuse(uow, *, actor_id: int, reason: str, walk_in: WalkIn | None = None,
           dossier_id: int | None = None) -> Dossier:
    """Form 03: the dossier is not received (status 3), with the legal reason."""
    return decide(uow, actor_id=actor_id, walk_in=walk_in, dossier_id=dossier_id,
                  decision=Decision(Outcome.REFUSE, note=reason)).dossier


# ---------------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def _check_list(manifest: dict, checklist: Collection[str] | None) -> tuple[list[dict], dict]:
    """(required documents not ticked, problems with the ticks themselves)."""
    if checklist is None:
        return [], {}
    listed = {_norm(d.name) for d in required_documents(manifest)}
    ticked = {_norm(name) for name in checklist}
    if ticked - listed:
        return [], {"checklist": [TICKED_ELSEWHERE]}
    return [{"name": d.name, "kind": d.kind, "count": d.count} for d in required_documents(manifest)
            if not d.optional and _norm(d.name) not in ticked], {}


def _ticked_documents(manifest: dict, checklist: Collection[str] | None) -> list[ReceivedDocument]:
    ticked = {_norm(name) for name in checklist or ()}
    return [ReceivedDocument(d.name, d.kind, d.count) for d in required_documents(manifest) if _norm(d.name) in ticked]


def _typed_items(items: Sequence[str], problems: dict) -> list[dict]:
    clean = [" ".join(item.split()) for item in items if item and item.strip()]
    if len(clean) > MAX_MISSING_ITEMS:
        problems["missing"] = [f"Tối đa {MAX_MISSING_ITEMS} dòng."]
    elif any(len(item) > 500 for item in clean):
        problems["missing"] = ["Mỗi dòng tối đa 500 ký tự."]
    elif problem := contact.missing_lines_problem(items):
        problems["missing"] = [problem]
    return [{"name": item, "kind": "", "count": 0} for item in clean]


def _note(text: str, problems: dict, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        problems["note"] = ["Cần ghi rõ lý do từ chối (nêu căn cứ pháp lý)."]
    elif problem := contact.note_problem(text):
        problems["note"] = [problem]
    return text


def _accept(session, actor_id, decision, agency, version, applicant, walk_in, dossier) -> ReceptionResult:
    now = clock.now()
    slip = _guidance_to_fulfil(session, decision.guidance_id, agency, version) if decision.guidance_id else None
    if dossier is None:
        dossier = _new_dossier(session, agency, version, applicant, walk_in.channel, DossierStatus.RECEIVED, now)
        workflow = None
        status_before = None
    else:
        workflow = load_workflow(dossier) if dossier.workflow_state else None
        status_before = dossier.status
        dossier.status, dossier.received_at = int(DossierStatus.RECEIVED), now
    if workflow is None:
        workflow = new_workflow(version)
        workflow.data.update(decision.data or {})
        workflow.task_tree.data.update(decision.data or {})
    save_workflow(dossier, workflow)
    set_dossier_due(session, dossier, version.manifest, now)
    session.add(dossier)
    session.flush()
    documents = _ticked_documents(version.manifest, decision.checklist) + list(decision.documents)
    session.add_all(DossierDocument(dossier_id=dossier.id, name=d.name.strip(), kind=str(d.kind),
                                    count=d.count, created_at=now) for d in documents)
    # The guidance slips this dossier answers: the one the citizen brought back, or those issued
    # on it while it was newly registered.
    fulfilled = [slip.id] if slip is not None else []
    session.execute(update(SupplementRequest)
                    .where((SupplementRequest.id.in_(fulfilled)) | ((SupplementRequest.dossier_id == dossier.id)
                                                                   & (SupplementRequest.stage == "reception")),
                           SupplementRequest.fulfilled_at.is_(None))
                    .values(fulfilled_at=now, fulfilled_by_id=actor_id, fulfilled_dossier_id=dossier.id))
    audit.record(session, dossier, "received", actor_id=actor_id, status_before=status_before,
                 procedure=version.procedure.key, version=version.number, channel=dossier.channel,
                 documents=len(documents), **({"guidance_id": slip.id} if slip is not None else {}))
    advance(session, dossier, workflow, actor_id=actor_id, action="started")
    return ReceptionResult(Outcome.ACCEPT, dossier=dossier)


def _new_dossier(session, agency, version, applicant, channel, status, now) -> Dossier:
    """A walk-in's dossier record, with its code (AGENCYCODE-YYMMDD-NNNN) and no workflow yet."""
    return Dossier(
        code=next_code(session, agency, now), agency=agency, procedure_version=version, status=int(status),
        channel=int(Channel(channel)), applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number.strip(), applicant_address=applicant.address.strip(),
        applicant_phone=applicant.phone.strip(), applicant_email=applicant.email.strip(),
        received_at=now, workflow_state="", serializer_version="")


def _guidance_to_fulfil(session, guidance_id, agency, version) -> SupplementRequest:
    slip = session.get(SupplementRequest, guidance_id)
    if slip is None or slip.stage != "reception" or slip.agency_id != agency.id:
        raise NotFound("Không tìm thấy phiếu hướng dẫn.", "Guidance slip not found.")
    if slip.fulfilled_at is not None:
        raise InvalidState("Phiếu hướng dẫn này đã được dùng để tiếp nhận hồ sơ.",
                           "This guidance slip was already used to receive a dossier.")
    if slip.procedure_id != version.procedure_id:
        raise FormInvalid({"procedure_key": ["Thủ tục khác với thủ tục trên phiếu hướng dẫn."]})
    return slip


def _guide(session, actor_id, agency, version, applicant, dossier, missing, note) -> ReceptionResult:
    now = clock.now()
    slip = SupplementRequest(
        stage="reception", agency_id=agency.id, procedure_id=version.procedure_id,
        dossier_id=dossier.id if dossier is not None else None,
        applicant_name=applicant.name.strip(), applicant_id_number=applicant.id_number.strip(),
        applicant_address=applicant.address.strip(), applicant_phone=applicant.phone.strip(),
        applicant_email=applicant.email.strip(), missing=missing, note=note, requested_by_id=actor_id, requested_at=now, outside_window=False)
    session.add(slip)
    session.flush()
    if dossier is not None:
        dossier.revision += 1
        audit.record(session, dossier, "guidance_issued", actor_id=actor_id, status_before=dossier.status,
                     request_id=slip.id, missing=[m["name"] for m in missing], note=note)
    subject, body = supplement_mail(slip, agency.name, version.procedure.name,
                                    dossier.code if dossier is not None else None, agency.timezone,
                                    online=submitted_online(session, dossier))
    mail_citizen(session, key=f"supplement-request-{slip.id}", to=slip.applicant_email, subject=subject, body=body)
    return ReceptionResult(Outcome.GUIDE, dossier=dossier, slip=slip, missing=missing)


def _refuse(session, actor_id, agency, version, applicant, walk_in, dossier, reason) -> ReceptionResult:
    now = clock.now()
    if dossier is None:
        # No workflow: nothing was received. The record is what the refusal (form 03) prints and
        # what statistics count apart.
        dossier = _new_dossier(session, agency, version, applicant, walk_in.channel, DossierStatus.NOT_RECEIVED, now)
        mark_end_of_processing(dossier, now)
        session.add(dossier)
        session.flush()
        status_before = None
    else:
        status_before = dossier.status
        dossier.status = int(DossierStatus.NOT_RECEIVED)
        mark_end_of_processing(dossier, now)
        dossier.next_timer_at = None
        dossier.revision += 1
    audit.record(session, dossier, "refused", actor_id=actor_id, status_before=status_before, reason=reason,
                 procedure=version.procedure.key)
    subject, body = ending_mail(dossier, title="Từ chối tiếp nhận hồ sơ", what="không được tiếp nhận",
                                reason=reason)
    mail_citizen(session, key=f"refused-dossier-{dossier.id}", to=dossier.applicant_email, subject=subject, body=body)
    return ReceptionResult(Outcome.REFUSE, dossier=dossier)

