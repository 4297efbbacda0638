"""Registration of a household business (Đăng ký thành lập hộ kinh doanh, 1.001612) at the
commune, from reception to result, through the engine's commands."""
from __future__ import annotations

import json

import pytest

from engine import commands
from engine.commands.reception import Applicant
from engine.config import PROJECT_ROOT
from engine.errors import FormInvalid
from engine.models import AuditEvent, Dossier, Procedure, WorkItem
from engine.statuses import DossierStatus

PROCEDURE = "dang_ky_ho_kinh_doanh"
APPRAISAL = {
    "business_name": "Hộ kinh doanh Tạp hóa Minh Anh", "business_address": "Số 12, thôn Đông, xã Tân Phong",
    "business_lines": "Bán lẻ lương thực, thực phẩm, đồ uống", "capital": 150_000_000, "workers": 2,
    "name_available": True, "appraisal_opinion": "Hồ sơ hợp lệ, tên không trùng trên địa bàn.",
}
CERTIFICATE = {"registration_number": "27A8001234", "issued_on": "2026-11-23", "tax_info_sent": True}
# Paid in cash at the counter (online payment: tests/web/test_fee_payment.py).
FEE_AT_COUNTER = {"receipt_numbers": "BL-0001234", "paid_amount": 100_000, "paid_on": "2026-11-23",
                  "payment_method": "counter"}
RETURN = {"returned_to": "Trần Minh Anh", "return_method": "counter"}


class Officer:
    def __init__(self, demo, username):
        self.demo, self.id = demo, demo.users[username]

    def claim_current(self, dossier_id, expect_step):
        item = open_item(self.demo, dossier_id)
        assert item.step_id == expect_step
        commands.claim(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id)
        return item

    def take_and_complete(self, dossier_id, data, *, expect_step):
        item = self.claim_current(dossier_id, expect_step)
        commands.complete(self.demo.motcua.uow(), actor_id=self.id, work_item_id=item.id, data=data)


def open_item(demo, dossier_id) -> WorkItem:
    with demo.motcua.read_session() as s:
        return s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open").one()


def state(demo, dossier_id):
    with demo.motcua.read_session() as s:
        dossier = s.get(Dossier, dossier_id)
        items = [(w.step_id, w.role) for w in s.query(WorkItem).filter_by(dossier_id=dossier_id, state="open")]
        last = s.query(AuditEvent).filter_by(dossier_id=dossier_id).order_by(AuditEvent.id.desc()).first()
        return dossier.status, items, (last.action, last.step_id, last.status_before, last.status_after, last.actor_id)


def receive(demo, reception, name="Trần Minh Anh"):
    return commands.receive(demo.motcua.uow(), actor_id=reception.id, agency_id=demo.commune,
                            procedure_key=PROCEDURE,
                            applicant=Applicant(name=name, id_number="027199001234", phone="0987654321"))


def test_the_procedure_is_deployed_with_its_national_code(demo):
    with demo.motcua.read_session() as s:
        procedure = s.query(Procedure).filter_by(key=PROCEDURE).one()
        assert (procedure.name, procedure.national_code) == ("Đăng ký thành lập hộ kinh doanh", "1.001612")
        steps = procedure.versions[0].manifest["steps"]
    assert {k: (v["role"], v["form"]) for k, v in steps.items()} == {
        "appraise": ("specialist", "ho_kinh_doanh_tham_dinh.json"),
        "approve": ("leader", "ho_kinh_doanh_phe_duyet.json"),
        "issue_certificate": ("specialist", "ho_kinh_doanh_cap_giay.json"),
        "return_result": ("reception", "tra_ket_qua.json"),
        "return_refusal": ("reception", "tra_ket_qua.json"),
        "wait_supplement": ("reception", "nhan_bo_sung.json"),
        "pay_fee": ("reception", "nop_phi_le_phi.json"),
    }


def test_household_business_registration_with_a_send_back(demo):
    reception, specialist, leader = (
        Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    dossier = receive(demo, reception)
    assert state(demo, dossier.id) == (2, [("appraise", "specialist")], ("started", None, 2, 2, reception.id))

    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    assert state(demo, dossier.id) == (4, [("approve", "leader")], ("completed", "appraise", 2, 4, specialist.id))

    item = leader.claim_current(dossier.id, "approve")
    commands.send_back(demo.motcua.uow(), actor_id=leader.id, work_item_id=item.id,
                       reason="Ghi rõ ngành, nghề theo mã ngành kinh tế.")
    # The loop activity returns the dossier to appraisal, handed to the specialist who did it.
    assert state(demo, dossier.id) == (4, [("appraise", "specialist")], ("reassigned", "appraise", 4, 4, leader.id))

    specialist.take_and_complete(dossier.id, dict(APPRAISAL, business_lines="4711 – Bán lẻ lương thực, thực phẩm"),
                                  expect_step="appraise")
    leader.take_and_complete(dossier.id, {"decision": "approve", "leader_opinion": "Đồng ý cấp."},
                             expect_step="approve")
    # The registration fee is due: the dossier waits for it in status 6, its clock stopped.
    assert state(demo, dossier.id) == (6, [("pay_fee", "reception")], ("completed", "approve", 4, 6, leader.id))
    reception.take_and_complete(dossier.id, FEE_AT_COUNTER, expect_step="pay_fee")
    assert state(demo, dossier.id) == (4, [("issue_certificate", "specialist")],
                                       ("completed", "pay_fee", 6, 4, reception.id))

    item = specialist.claim_current(dossier.id, "issue_certificate")
    with pytest.raises(FormInvalid) as invalid:  # the registration number is mandatory
        commands.complete(demo.motcua.uow(), actor_id=specialist.id, work_item_id=item.id,
                          data={"issued_on": "2026-11-23"})
    assert invalid.value.field_errors == {"registration_number": ["Trường này là bắt buộc."]}
    commands.complete(demo.motcua.uow(), actor_id=specialist.id, work_item_id=item.id, data=CERTIFICATE)
    assert state(demo, dossier.id) == (9, [("return_result", "reception")],
                                       ("completed", "issue_certificate", 4, 9, specialist.id))

    reception.take_and_complete(dossier.id, RETURN, expect_step="return_result")
    assert state(demo, dossier.id) == (10, [], ("completed", "return_result", 9, 10, reception.id))

    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier.id)
        assert d.finished_at is not None and d.failure is None
        history = [(e.action, e.step_id, e.actor_id) for e in
                   s.query(AuditEvent).filter_by(dossier_id=d.id).order_by(AuditEvent.id)]
        sent_back = s.query(AuditEvent).filter_by(dossier_id=d.id, action="sent_back").one()
    assert history == [
        ("received", None, reception.id), ("started", None, reception.id),
        ("claimed", "appraise", specialist.id), ("completed", "appraise", specialist.id),
        ("claimed", "approve", leader.id), ("sent_back", "approve", leader.id),
        ("reassigned", "appraise", leader.id), ("completed", "appraise", specialist.id),
        ("claimed", "approve", leader.id), ("completed", "approve", leader.id),
        ("claimed", "pay_fee", reception.id), ("completed", "pay_fee", reception.id),
        ("claimed", "issue_certificate", specialist.id), ("completed", "issue_certificate", specialist.id),
        ("claimed", "return_result", reception.id), ("completed", "return_result", reception.id),
    ]
    assert sent_back.detail["reason"] == "Ghi rõ ngành, nghề theo mã ngành kinh tế."
    assert sent_back.detail["data"] == {"decision": "send_back",
                                        "leader_opinion": "Ghi rõ ngành, nghề theo mã ngành kinh tế."}


def test_a_refused_registration_returns_the_refusal_notice(demo):
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    dossier = receive(demo, reception, name="Phan Văn Đức")
    specialist.take_and_complete(dossier.id, dict(APPRAISAL, name_available=False,
                                                  appraisal_opinion="Tên trùng với hộ kinh doanh đã đăng ký."),
                                 expect_step="appraise")
    leader.take_and_complete(dossier.id, {"decision": "refuse", "leader_opinion": "Tên hộ kinh doanh bị trùng."},
                             expect_step="approve")
    assert state(demo, dossier.id) == (9, [("return_refusal", "reception")], ("completed", "approve", 4, 9, leader.id))
    reception.take_and_complete(dossier.id, {"returned_to": "Phan Văn Đức", "return_method": "post"},
                                expect_step="return_refusal")
    assert state(demo, dossier.id) == (DossierStatus.RESULT_RETURNED, [],
                                       ("completed", "return_refusal", 9, 10, reception.id))
    with demo.motcua.read_session() as s:
        steps = [w.step_id for w in s.query(WorkItem).filter_by(dossier_id=dossier.id).order_by(WorkItem.id)]
    assert steps == ["appraise", "approve", "return_refusal"]  # no certificate was issued


def test_a_refusal_needs_the_leaders_reason(demo):
    reception, specialist, leader = (Officer(demo, u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    dossier = receive(demo, reception)
    specialist.take_and_complete(dossier.id, APPRAISAL, expect_step="appraise")
    item = leader.claim_current(dossier.id, "approve")
    with pytest.raises(FormInvalid) as invalid:
        commands.complete(demo.motcua.uow(), actor_id=leader.id, work_item_id=item.id, data={"decision": "refuse"})
    assert invalid.value.field_errors == {"leader_opinion": ["Trường này là bắt buộc."]}
    assert state(demo, dossier.id)[:2] == (4, [("approve", "leader")])


@pytest.mark.parametrize("form", ["ho_kinh_doanh_tham_dinh.json", "ho_kinh_doanh_phe_duyet.json",
                                  "ho_kinh_doanh_cap_giay.json"])
def test_every_field_has_a_vietnamese_label(form):
    schema = json.loads((PROJECT_ROOT / "workflows" / "forms" / form).read_text(encoding="utf-8"))
    titles = [schema["title"]] + [field["title"] for field in schema["properties"].values()]
    # Each label carries Vietnamese letters (diacritics), not a bare English key.
    assert all(any(ord(ch) > 127 for ch in title) for title in titles), titles
