"""The counter's three outcomes (accept, guide with form 02, refuse with form 03), for a citizen
at the counter and for a newly registered (online) dossier, and the procedure's own rules: who
may receive it and which documents it needs."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import commands
from engine.commands.reception import Applicant, WalkIn
from engine.documents import ReceivedDocument
from engine.errors import FormInvalid, InvalidState, NotFound
from engine.models import AuditEvent, Dossier, DossierDocument, OutgoingMail, SupplementRequest, WorkItem
from engine.procedures.registry import latest_version
from engine.queries.reception import procedures_on_offer
from engine.statuses import Channel, DossierStatus

DECLARATION = "Tờ khai đăng ký kết hôn"
ID_COPIES = "Bản sao Căn cước của hai bên nam, nữ"
MARITAL_STATUS = "Giấy xác nhận tình trạng hôn nhân (khi đăng ký tại nơi không thường trú)"  # optional
AN = Applicant(name="Nguyễn Văn An", id_number="001090012345", phone="0912345678", email="an@example.vn")


def walk_in(demo, procedure="dang_ky_ket_hon", agency=None, applicant=AN):
    return WalkIn(agency or demo.commune, procedure, applicant)


def count(demo, model):
    with demo.motcua.read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_missing_required_documents_block_acceptance_and_nothing_is_recorded(demo):
    with pytest.raises(FormInvalid) as refused:
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="dang_ky_ket_hon", applicant=AN, checklist=[DECLARATION])
    assert ID_COPIES in refused.value.field_errors["checklist"][0]
    assert "mẫu 02" in refused.value.field_errors["checklist"][0]
    assert count(demo, Dossier) == 0 and count(demo, DossierDocument) == 0


def test_a_complete_checklist_is_received_and_the_ticked_documents_head_the_receipt(demo):
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=AN, checklist=[DECLARATION, ID_COPIES],
                               documents=[ReceivedDocument("Ảnh chân dung", "original", 2)])
    assert dossier.status == DossierStatus.RECEIVED and dossier.due_at is not None
    with demo.motcua.read_session() as s:
        rows = s.execute(select(DossierDocument.name, DossierDocument.kind, DossierDocument.count)
                         .where(DossierDocument.dossier_id == dossier.id).order_by(DossierDocument.id)).all()
    assert rows == [(DECLARATION, "original", 1), (ID_COPIES, "copy", 2), ("Ảnh chân dung", "original", 2)]


def test_a_ticked_name_the_procedure_does_not_list_is_refused(demo):
    with pytest.raises(FormInvalid) as refused:
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="dang_ky_ket_hon", applicant=AN,
                         checklist=[DECLARATION, ID_COPIES, "Giấy tờ bịa ra"])
    assert "checklist" in refused.value.field_errors
    assert count(demo, Dossier) == 0


def test_guidance_lists_what_is_missing_receives_nothing_and_is_found_by_the_id_number(demo, frozen_clock):
    slip = commands.give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo),
                                  checklist=[DECLARATION], missing=["Ảnh chân dung 4x6 (2 ảnh)"],
                                  note="Hồ sơ chưa đủ thành phần theo quy định.")
    assert count(demo, Dossier) == 0  # not received: no dossier, no code, no clock
    with demo.motcua.read_session() as s:
        found = s.execute(select(SupplementRequest).where(
            SupplementRequest.applicant_id_number == "001090012345")).scalar_one()
        assert found.id == slip.id and found.stage == "reception" and found.dossier_id is None
        assert [m["name"] for m in found.missing] == [ID_COPIES, "Ảnh chân dung 4x6 (2 ảnh)"]
        assert found.note == "Hồ sơ chưa đủ thành phần theo quy định."
        mail = s.execute(select(OutgoingMail)).scalar_one()
    assert mail.to_address == "an@example.vn"
    assert ID_COPIES in mail.body and "Ảnh chân dung 4x6" in mail.body and "bổ sung" in mail.subject


def test_guidance_needs_something_to_ask_for(demo):
    with pytest.raises(FormInvalid) as refused:
        commands.give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo),
                               checklist=[DECLARATION, ID_COPIES], missing=["  "])
    assert "missing" in refused.value.field_errors
    assert count(demo, SupplementRequest) == 0


def test_the_citizen_comes_back_with_the_documents_and_the_slip_is_fulfilled(demo, frozen_clock):
    slip = commands.give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo),
                                  checklist=[DECLARATION])
    frozen_clock.advance(timedelta(days=2))
    dossier = commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                               procedure_key="dang_ky_ket_hon", applicant=AN, checklist=[DECLARATION, ID_COPIES],
                               guidance_id=slip.id)
    with demo.motcua.read_session() as s:
        done = s.get(SupplementRequest, slip.id)
        assert done.fulfilled_dossier_id == dossier.id and done.fulfilled_at == dossier.received_at
    with pytest.raises(InvalidState):  # one slip, one dossier
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="dang_ky_ket_hon", applicant=AN, guidance_id=slip.id)


def test_refusal_records_a_not_received_dossier_with_the_reason(demo):
    with pytest.raises(FormInvalid) as refused:
        commands.refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo), reason=" ")
    assert "note" in refused.value.field_errors and count(demo, Dossier) == 0
    reason = "Hai bên chưa đủ tuổi kết hôn theo khoản 1 Điều 8 Luật Hôn nhân và gia đình."
    dossier = commands.refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo), reason=reason)
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.status == DossierStatus.NOT_RECEIVED and d.code.startswith("000.31.21.H56-261123-")
        assert d.due_at is None and d.finished_at == d.received_at
        assert s.query(WorkItem).count() == 0
        event = s.execute(select(AuditEvent).where(AuditEvent.dossier_id == d.id)).scalar_one()
        assert (event.action, event.status_after, event.detail["reason"]) == ("refused", 3, reason)
        mail = s.execute(select(OutgoingMail)).scalar_one()
    assert reason in mail.body and d.code in mail.subject


def test_a_procedure_is_received_only_where_it_names(demo):
    with pytest.raises(FormInvalid) as refused:
        commands.receive(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], agency_id=demo.commune,
                         procedure_key="dang_ky_bien_dong_dat", applicant=AN)
    assert "không tiếp nhận" in refused.value.field_errors["procedure_key"][0]
    assert count(demo, Dossier) == 0
    land = demo.agencies["land_registration_office"]
    with demo.motcua.read_session() as s:
        at_commune = {p.key for p in procedures_on_offer(s, [demo.commune])}
        at_land = {p.key for p in procedures_on_offer(s, [land])}
    assert at_commune == {"dang_ky_ket_hon", "dang_ky_ho_kinh_doanh", "lien_thong_khai_sinh", "lien_thong_khai_tu"}
    assert at_land == {"dang_ky_bien_dong_dat"}


# A newly registered dossier (submitted online) goes through the same three outcomes. ------------

def registered(demo, name="Trần Thị Bình", email="binh@example.vn") -> int:
    """A dossier as online submission leaves it: status 1, a code, no workflow yet."""
    with demo.motcua.uow() as uow:
        s = uow.session
        version = latest_version(s, "dang_ky_ket_hon")
        from engine.clock import now
        dossier = Dossier(code="000.31.21.H56-261123-9001", agency_id=demo.commune, procedure_version=version,
                          status=DossierStatus.NEWLY_REGISTERED, channel=Channel.ONLINE, applicant_name=name,
                          applicant_id_number="001190000001", applicant_email=email, received_at=now(),
                          workflow_state="", serializer_version="")
        s.add(dossier)
        uow.commit()
        return dossier.id


def test_an_online_dossier_is_accepted_keeps_its_code_and_starts(demo, frozen_clock):
    dossier_id = registered(demo)
    frozen_clock.advance(timedelta(hours=2))
    dossier = commands.accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id,
                              checklist=[DECLARATION, ID_COPIES])
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert (d.code, d.status, d.channel) == ("000.31.21.H56-261123-9001", 2, 2)
        assert d.received_at == frozen_clock() and d.due_at is not None
        assert s.query(WorkItem).filter_by(dossier_id=d.id, state="open").one().step_id == "appraise"
        assert [e.action for e in s.query(AuditEvent).filter_by(dossier_id=d.id).order_by(AuditEvent.id)] == \
            ["received", "started"]
    with pytest.raises(InvalidState):  # accepted once
        commands.accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)


def test_an_online_dossier_guided_stays_newly_registered_and_accepting_it_later_fulfils_the_slip(demo):
    dossier_id = registered(demo)
    slip = commands.give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id,
                                  checklist=[DECLARATION], note="Thiếu bản sao giấy tờ tùy thân.")
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier_id).status == DossierStatus.NEWLY_REGISTERED
        assert s.get(SupplementRequest, slip.id).dossier_id == dossier_id
        assert "000.31.21.H56-261123-9001" in s.execute(select(OutgoingMail.subject)).scalar_one()
    commands.accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id,
                    checklist=[DECLARATION, ID_COPIES])
    with demo.motcua.read_session() as s:
        assert s.get(SupplementRequest, slip.id).fulfilled_dossier_id == dossier_id


def test_an_online_dossier_refused_is_not_received(demo):
    dossier_id = registered(demo)
    commands.refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id,
                    reason="Thủ tục không thuộc thẩm quyền giải quyết của UBND xã.")
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier_id)
        assert d.status == DossierStatus.NOT_RECEIVED and d.finished_at is not None


def test_only_the_receiving_agency_reception_decides_on_an_online_dossier(demo):
    dossier_id = registered(demo)
    for who in ("chuyenvien", "motcuadatdai"):
        with pytest.raises(NotFound):
            commands.accept(demo.motcua.uow(), actor_id=demo.users[who], dossier_id=dossier_id)
    with demo.motcua.read_session() as s:
        assert s.get(Dossier, dossier_id).status == DossierStatus.NEWLY_REGISTERED


@pytest.mark.parametrize("pasted", ["Thiếu giấy tờ\x00.", "Thiếu\x07 giấy tờ.", "\x1b[31mThiếu giấy tờ.", "Thiếu\x0bgiấy tờ."])
@pytest.mark.parametrize("outcome", ["guide", "refuse"])
def test_a_note_with_a_control_character_is_refused_and_nothing_is_recorded(demo, outcome, pasted):
    """The guidance's note and the refusal's reason are printed on forms 02 and 03 and mailed: a
    NUL, a bell or a terminal's colour code pasted in was stored as it came."""
    with pytest.raises(FormInvalid) as refused:
        if outcome == "guide":
            commands.give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo),
                                   checklist=[DECLARATION], note=pasted)
        else:
            commands.refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo), reason=pasted)
    assert refused.value.field_errors == {"note": ["Không được chứa ký tự điều khiển (ký tự không in được, thường do dán từ nơi khác)."]}
    assert count(demo, Dossier) == 0 and count(demo, SupplementRequest) == 0 and count(demo, OutgoingMail) == 0


def test_a_note_of_several_lines_with_a_tab_is_text(demo):
    reason = "Căn cứ:\r\n\t- khoản 1 Điều 8 Luật Hôn nhân và gia đình;\n\t- hai bên chưa đủ tuổi."
    dossier = commands.refuse(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo), reason=reason)
    slip = commands.give_guidance(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], walk_in=walk_in(demo),
                                  checklist=[DECLARATION], note=reason)
    with demo.motcua.read_session() as s:
        assert s.get(SupplementRequest, slip.id).note == reason
        event = s.execute(select(AuditEvent).where(AuditEvent.dossier_id == dossier.id)).scalar_one()
    assert event.detail["reason"] == reason
