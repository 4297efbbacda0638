"""Issuing a dossier's electronic result: the result document as a PDF, signed by the agency,
kept with the fingerprint (SHA-256) the verification page compares uploads with."""
from __future__ import annotations

import hashlib
import secrets
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select

from engine import audit, clock
from engine.commands._steps import LEADER, RECEPTION, require_role
from engine.errors import InvalidState
from engine.models import AuditEvent, ResultDocument
from engine.procedures.catalogue import intake_schema
from engine.queries.case_data import case_data
from engine.results import document, signing
from engine.runtime.host import procedure_name, procedure_of
from engine.statuses import DossierStatus
from engine.supplements import FLAG

HAS_RESULT = (int(DossierStatus.RESULT_READY), int(DossierStatus.RESULT_RETURNED))


def issue_result(uow, settings, *, actor_id: int, dossier_id: int, link: Callable[[str], str]) -> ResultDocument:
    """``link(token)`` is the verification page's address for that token (the web layer knows the
    site's address; the QR code in the document points there). A leader or the counter of the
    receiving agency issues it, once the result is ready."""
    with uow:
        session = uow.session
        dossier = uow.lock_dossier(dossier_id)
        require_role(session, actor_id, dossier.agency_id, LEADER, RECEPTION)
        if dossier.status not in HAS_RESULT:
            raise InvalidState("Hồ sơ chưa có kết quả: chỉ phát hành kết quả điện tử khi đã xử lý xong.",
                               "The dossier has no result yet: issue the electronic result once it is ready.")
        if session.execute(select(exists().where(ResultDocument.dossier_id == dossier.id))).scalar():
            raise InvalidState("Kết quả điện tử của hồ sơ này đã được phát hành.",
                               "This dossier's electronic result has already been issued.")
        signer = signing.load_signer(settings.signing_p12, settings.signing_passphrase.encode())
        runtime = procedure_of(dossier)
        title = procedure_name(dossier)
        token = secrets.token_urlsafe(32)
        now = clock.now()
        content = document.ResultContent(
            agency_name=dossier.agency.name, procedure_name=title, dossier_code=dossier.code,
            applicant_name=dossier.applicant_name,
            received_on=dossier.received_at.astimezone(ZoneInfo(dossier.agency.timezone)).date(),
            issued_at=now.astimezone(ZoneInfo(dossier.agency.timezone)),
            entries=case_data(runtime.manifest, runtime.forms, _result_data(session, dossier.id),
                              intake_schema(settings.catalogue_dir, dossier.procedure_version.procedure.key)),
            verification_url=link(token))
        pdf = signing.sign(document.render(content), signer, reason=f"Kết quả giải quyết hồ sơ {dossier.code}",
                           location=dossier.agency.name)
        result = ResultDocument(dossier_id=dossier.id, token=token, title=title, issued_at=now, issued_by_id=actor_id,
                                signer=signing.signer_name(signer)[:500], sha256=hashlib.sha256(pdf).hexdigest(),
                                pdf=pdf)
        session.add(result)
        audit.record(session, dossier, "result_issued", actor_id=actor_id, status_before=dossier.status,
                     sha256=result.sha256)
        uow.commit()
        return result


def _result_data(session, dossier_id: int) -> dict:
    """What the step that made the result ready recorded (the register entry, the decision …);
    for a dossier that went straight to returned, the last step's."""
    rows = session.execute(select(AuditEvent.detail, AuditEvent.status_after).where(
        AuditEvent.dossier_id == dossier_id, AuditEvent.action == "completed").order_by(AuditEvent.id)).all()
    chosen = next((d for d, status in rows if status == DossierStatus.RESULT_READY), rows[-1][0] if rows else {})
    data = dict((chosen or {}).get("data", {}))
    data.pop(FLAG, None)
    return data
