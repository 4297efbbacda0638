"""Papers received at the counter are stored with the dossier, in the same transaction."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.commands import receive
from engine.commands.reception import Applicant
from engine.documents import DocumentKind, ReceivedDocument
from engine.errors import FormInvalid
from engine.models import AuditEvent, Dossier, DossierDocument

PAPERS = [
    ReceivedDocument("Tờ khai đăng ký kết hôn", DocumentKind.ORIGINAL, 1),
    ReceivedDocument("Giấy xác nhận tình trạng hôn nhân", DocumentKind.CERTIFIED_COPY, 2),
    ReceivedDocument("Căn cước công dân", DocumentKind.COPY, 2),
]


def _receive(demo, documents, **kwargs):
    return receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                   procedure_key="dang_ky_ket_hon", applicant=Applicant(name="Nguyễn Văn An"),
                   documents=documents, **kwargs)


def test_documents_are_stored_in_order_with_kind_and_count(demo):
    dossier = _receive(demo, PAPERS)
    with demo.motcua.read_session() as s:
        rows = s.execute(select(DossierDocument).where(DossierDocument.dossier_id == dossier.id)
                         .order_by(DossierDocument.id)).scalars().all()
    assert [(r.name, r.kind, r.count) for r in rows] == [
        ("Tờ khai đăng ký kết hôn", "original", 1),
        ("Giấy xác nhận tình trạng hôn nhân", "certified_copy", 2),
        ("Căn cước công dân", "copy", 2),
    ]
    assert all(r.created_at == dossier.received_at for r in rows)


@pytest.mark.parametrize("bad, field", [
    (ReceivedDocument("   ", "original", 1), "documents.1.name"),
    (ReceivedDocument("Sổ hộ khẩu", "original", 0), "documents.1.count"),
    (ReceivedDocument("Sổ hộ khẩu", "original", 100), "documents.1.count"),
    (ReceivedDocument("Sổ hộ khẩu", "photocopy", 1), "documents.1.kind"),
])
def test_an_invalid_line_refuses_the_whole_reception(demo, bad, field):
    with pytest.raises(FormInvalid) as caught:
        _receive(demo, [PAPERS[0], bad])
    assert field in caught.value.field_errors
    with demo.motcua.read_session() as s:
        # Nothing half-done: no dossier, no documents, no history, no code used up.
        assert s.scalar(select(func.count()).select_from(Dossier)) == 0
        assert s.scalar(select(func.count()).select_from(DossierDocument)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert _receive(demo, PAPERS).code.endswith("-0001")


def test_count_bounds_are_inclusive(demo):
    dossier = _receive(demo, [ReceivedDocument("Ảnh 4x6", "copy", 99), ReceivedDocument("Tờ khai", "original", 1)])
    with demo.motcua.read_session() as s:
        counts = s.execute(select(DossierDocument.count).where(DossierDocument.dossier_id == dossier.id)
                           .order_by(DossierDocument.id)).scalars().all()
    assert counts == [99, 1]


def test_reception_without_documents_still_works(demo):
    dossier = _receive(demo, [])
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(DossierDocument)) == 0
        received = s.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,
                                                      AuditEvent.action == "received")).scalar_one()
    assert received.detail["documents"] == 0

