"""Receiving a dossier at the one-stop section: it gets its code and its workflow starts."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine import audit, clock
from engine.commands._steps import RECEPTION, advance, require_role
from engine.documents import ReceivedDocument
from engine.deadlines import set_dossier_due
from engine.dossier_codes import next_code
from engine.errors import FormInvalid, NotFound
from engine.models import Agency, Dossier, DossierDocument
from engine.procedures.registry import latest_version
from engine.runtime.host import new_workflow, save_workflow
from engine.statuses import Channel, DossierStatus


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""

    def problems(self) -> dict[str, list[str]]:
        errors = {}
        if not self.name.strip():
            errors["applicant_name"] = ["Trường này là bắt buộc."]
        if len(self.name) > 255:
            errors["applicant_name"] = ["Tối đa 255 ký tự."]
        if self.email and "@" not in self.email:
            errors["applicant_email"] = ["Địa chỉ email không hợp lệ."]
        return errors


def receive(uow, *, actor_id: int, agency_id: int, procedure_key: str, applicant: Applicant,
            channel: Channel = Channel.COUNTER, data: dict | None = None,
            documents: Sequence[ReceivedDocument] = ()) -> Dossier:
    """Receive a complete dossier: create it with its code on the procedure's latest version.

    ``documents`` are the papers handed in (the receipt lists them); they are stored in the same
    transaction, so a dossier never exists without the list the citizen was given.
    """
    with uow:
        session = uow.session
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise NotFound("Không tìm thấy cơ quan.", "Agency not found.")
        require_role(session, actor_id, agency_id, RECEPTION)
        problems = applicant.problems()
        for index, document in enumerate(documents):
            problems.update(document.problems(f"documents.{index}"))
        if problems:
            raise FormInvalid(problems)
        version = latest_version(session, procedure_key)
        now = clock.now()
        dossier = Dossier(
            code=next_code(session, agency, now), agency=agency, procedure_version=version,
            status=DossierStatus.RECEIVED, channel=int(Channel(channel)),
            applicant_name=applicant.name.strip(), applicant_id_number=applicant.id_number,
            applicant_address=applicant.address, applicant_phone=applicant.phone,
            applicant_email=applicant.email, received_at=now, workflow_state="", serializer_version="")
        workflow = new_workflow(version)
        workflow.data.update(data or {})
        workflow.task_tree.data.update(data or {})
        save_workflow(dossier, workflow)
        set_dossier_due(session, dossier, version.manifest, now)
        session.add(dossier)
        session.flush()
        session.add_all(DossierDocument(dossier_id=dossier.id, name=d.name.strip(), kind=str(d.kind),
                                        count=d.count, created_at=now) for d in documents)
        audit.record(session, dossier, "received", actor_id=actor_id, status_before=None,
                     procedure=procedure_key, version=version.number, channel=dossier.channel,
                     documents=len(documents))
        advance(session, dossier, workflow, actor_id=actor_id, action="started")
        uow.commit()
        return dossier
