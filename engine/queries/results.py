"""Electronic results as people see them: on the dossier page (officers who may see the dossier),
and on the public verification page (anyone holding the document or its QR code)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from engine.errors import NotFound
from engine.models import Agency, Dossier, ResultDocument
from engine.queries.dossier import may_view
from engine.results.signing import SignatureCheck, check

NO_SUCH_DOCUMENT = ("Không có văn bản điện tử nào với mã kiểm tra này.", "No electronic document has this check code.")


@dataclass(frozen=True)
class IssuedResult:
    id: int
    title: str
    issued_at: datetime
    signer: str
    token: str
    sha256: str


@dataclass(frozen=True)
class IssuedDocument:
    """What the verification page says about a document: no personal data beyond the dossier code."""
    title: str
    agency_name: str
    dossier_code: str
    issued_at: datetime
    signer: str
    sha256: str


@dataclass(frozen=True)
class UploadCheck:
    same_as_issued: bool  # byte for byte the file the agency issued
    signature: SignatureCheck

    @property
    def genuine(self) -> bool:
        return self.same_as_issued and self.signature.genuine


def result_of(session, dossier_id: int) -> IssuedResult | None:
    """For the dossier page, whose query has already checked who may see the dossier."""
    row = session.execute(select(ResultDocument.id, ResultDocument.title, ResultDocument.issued_at,
                                 ResultDocument.signer, ResultDocument.token, ResultDocument.sha256)
                          .where(ResultDocument.dossier_id == dossier_id)).first()
    return IssuedResult(*row) if row else None


def may_issue(session, user_id: int, agency_id: int) -> bool:
    """Leaders and the counter of the receiving agency issue electronic results."""
    from engine.commands._steps import LEADER, RECEPTION, has_role
    return has_role(session, user_id, agency_id, LEADER, RECEPTION)


def result_pdf(session, user_id: int, dossier_id: int) -> tuple[str, bytes]:
    """(file name, signed PDF) for an officer who may see the dossier."""
    row = session.execute(select(ResultDocument.pdf, Dossier.code, Dossier.agency_id)
                          .join(Dossier, Dossier.id == ResultDocument.dossier_id)
                          .where(ResultDocument.dossier_id == dossier_id)).first()
    if row is None or not may_view(session, user_id, dossier_id, row.agency_id):
        raise NotFound("Hồ sơ chưa có kết quả điện tử.", "The dossier has no electronic result.")
    return f"ket-qua-{row.code}.pdf", row.pdf


def issued_document(session, token: str) -> IssuedDocument:
    row = session.execute(select(ResultDocument.title, Agency.name, Dossier.code, ResultDocument.issued_at,
                                 ResultDocument.signer, ResultDocument.sha256)
                          .join(Dossier, Dossier.id == ResultDocument.dossier_id)
                          .join(Agency, Agency.id == Dossier.agency_id)
                          .where(ResultDocument.token == token[:64])).first()
    if row is None:
        raise NotFound(*NO_SUCH_DOCUMENT)
    return IssuedDocument(*row)


def check_upload(session, token: str, pdf: bytes, trust_roots: list[Path]) -> UploadCheck:
    issued = issued_document(session, token)
    return UploadCheck(hashlib.sha256(pdf).hexdigest() == issued.sha256, check(pdf, trust_roots))
