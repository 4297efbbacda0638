"""Supplement during processing: a step asks the citizen for more (form 02), the dossier waits in
status 5 with its clock stopped, the counter records what the citizen brought, and the dossier
goes back to the step that asked (docs/MODELLING.md, "Supplement during processing").

- ``request_supplement``: the officer holding a step that declares ``supplementRequest`` lists
  what is missing and why. The step is finished with ``supplement_requested`` = true (its form
  is not filled: the appraisal is not done), the request is recorded (form 02), the citizen is
  mailed, and the diagram must lead to a step with status 5, or nothing happens. Asking later than
  3 working days after reception is allowed but flagged on the request (``outside_window``) for
  statistics; every request counts in ``dossiers.supplement_count`` (more than one: late for the
  national index).
- ``record_supplement``: the counter officer holding the waiting step ticks what the citizen
  brought. Everything asked for must be there (the time limit restarts only for a complete
  supplement); the papers join the dossier's documents and the step is finished with its form.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence

from engine import contact
from engine.citizen_notices import mail_citizen, submitted_online, supplement_mail
from engine.commands.work import finish_step
from engine.documents import ReceivedDocument
from engine.errors import FormInvalid, InvalidState
from engine.models import DossierDocument, SupplementRequest, WorkItem
from engine.statuses import DossierStatus
from engine.supplements import listed, may_ask, open_request, waits_for_supplement, window_ends

MAX_ITEMS = 60


def request_supplement(uow, *, actor_id: int, work_item_id: int, missing: Sequence[str],
                       reason: str) -> SupplementRequest:
    items = [" ".join(item.split()) for item in missing if item and item.strip()]
    reason = (reason or "").strip()
    problems = {}
    if not items:
        problems["missing"] = ["Cần ghi ít nhất một giấy tờ hoặc nội dung cần bổ sung."]
    elif len(items) > MAX_ITEMS or any(len(item) > 500 for item in items):
        problems["missing"] = [f"Tối đa {MAX_ITEMS} dòng, mỗi dòng tối đa 500 ký tự."]
    elif problem := contact.missing_lines_problem(missing):
        problems["missing"] = [problem]
    if not reason:
        problems["reason"] = ["Cần ghi rõ lý do yêu cầu bổ sung."]
    elif problem := contact.note_problem(reason):
        problems["reason"] = [problem]
    if problems:
        raise FormInvalid(problems)
    made: list[SupplementRequest] = []

    def before(session, dossier, item, step, now) -> dict:
        if not may_ask(step):
            raise InvalidState("Bước này không được yêu cầu bổ sung hồ sơ.",
                               "This step cannot ask for a supplement.")
        outside = now > window_ends(session, dossier)
        request = SupplementRequest(
            stage="processing", agency_id=dossier.agency_id, procedure_id=dossier.procedure_version.procedure_id,
            dossier_id=dossier.id, applicant_name=dossier.applicant_name,
            applicant_id_number=dossier.applicant_id_number, applicant_address=dossier.applicant_address,
            applicant_phone=dossier.applicant_phone, applicant_email=dossier.applicant_email,
            missing=[{"name": name, "kind": "", "count": 0} for name in items], note=reason,
            requested_by_id=actor_id, requested_at=now, step_id=item.step_id, step_name=item.step_name,
            outside_window=outside)
        session.add(request)
        session.flush()
        made.append(request)
        return {"request_id": request.id, "missing": items, "outside_window": outside}

    def after(session, dossier, item, now) -> None:
        if dossier.status != DossierStatus.WAITING_FOR_SUPPLEMENT:
            raise InvalidState(
                "Quy trình không chuyển hồ sơ sang chờ bổ sung: kiểm tra bước chờ bổ sung (trạng thái 5) trong sơ đồ.",
                "The procedure does not make the dossier wait for the supplement: check its status-5 step.")
        request = made[0]
        subject, body = supplement_mail(request, dossier.agency.name, dossier.procedure_version.procedure.name,
                                        dossier.code, dossier.agency.timezone,
                                        online=submitted_online(session, dossier))
        mail_citizen(session, key=f"supplement-request-{request.id}", to=dossier.applicant_email,
                     subject=subject, body=body)

    finish_step(uow, actor_id, work_item_id, None, action="supplement_requested", reason=reason,
                before=before, after=after)
    return made[0]


def _norm(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def record_supplement(uow, *, actor_id: int, work_item_id: int, received: Collection[str],
                      documents: Sequence[ReceivedDocument] = (), note: str = "") -> WorkItem:
    note = (note or "").strip()
    # The note is kept with the step's form and shown in the dossier's history.
    note_problem = contact.note_problem(note)

    def before(session, dossier, item, step, now) -> dict:
        if not waits_for_supplement(step):
            raise InvalidState("Bước này không phải bước nhận hồ sơ bổ sung.",
                               "This step does not wait for a supplement.")
        request = open_request(session, dossier.id)
        asked = [m["name"] for m in request.missing] if request is not None else []
        ticked = {_norm(name) for name in received}
        problems = {"supplement_note": [note_problem]} if note_problem else {}
        if ticked - {_norm(name) for name in asked}:
            problems["received"] = ["Giấy tờ được đánh dấu không có trong phiếu yêu cầu bổ sung."]
        elif missing := [name for name in asked if _norm(name) not in ticked]:
            problems["received"] = ["Chưa đủ nội dung đã yêu cầu bổ sung: " + listed(missing)
                                    + " Chỉ ghi nhận khi công dân bổ sung đầy đủ."]
        for index, document in enumerate(documents):
            problems.update(document.problems(f"documents.{index}"))
        if problems:
            raise FormInvalid(problems)
        papers = [ReceivedDocument(name) for name in asked] + list(documents)
        session.add_all(DossierDocument(dossier_id=dossier.id, name=d.name.strip(), kind=str(d.kind), count=d.count,
                                        created_at=now) for d in papers)
        if request is not None:
            request.fulfilled_at, request.fulfilled_by_id = now, actor_id
        return {"request_id": request.id if request is not None else None, "documents": len(papers)}

    return finish_step(uow, actor_id, work_item_id, {"supplement_note": note} if note else {},
                       action="supplement_recorded", before=before)
