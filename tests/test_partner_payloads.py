"""A partner's payload is checked on receipt against the form the catching element declares
(``payloadForm``): the tax authority's notice for a land transfer that lacks a field, writes a sum
as text or carries a field the form does not know is refused (422) with what is wrong, field by
field, and nothing is recorded; a notice that fits is recorded as before. A partner the diagram does
not expect the message from learns nothing of the dossier (engine/partners/payloads.py)."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from engine import clock, commands
from engine.commands.partners import save_partner
from engine.commands.reception import Applicant
from engine.models import Agency, Dossier, Partner, PartnerInbox, PartnerOutbox, PartnerReject
from engine.partners import signing
from engine.partners.payloads import payload_form
from tests.partner_instances import _partner_template, partner_database_url  # noqa: F401 (fixtures)
from tests.test_land_transfer import CHECK, at, branch_and_tax  # noqa: F401 (fixture)
from tests.test_land_transfer import receive as receive_land_transfer
from tests.web.test_api_description import assert_as_described
from webapp.delivery_problems import plain_delivery_problem

KEY = "khoa-bi-mat-cua-co-quan-thue-0123456789"
MESSAGE = "thong_bao_nghia_vu_tai_chinh"  # the tax notice the land transfer waits for
# Issued today (the engine clock's 23/11/2026): its form wants the notice's date no later than today.
NOTICE = {"notice_number": "TB-0871/2026", "notice_date": "2026-11-23", "personal_income_tax": 40_000_000,
          "registration_fee": 10_000_000, "pay_by": "2026-12-23"}

pytestmark = pytest.mark.usefixtures("no_blocked_senders")


@pytest.fixture
def land_dossier(demo):
    for code in ("THUE", "KHAC"):
        save_partner(demo.motcua.uow(), actor_id=demo.users["admin"], code=code, name=f"Đối tác {code}",
                     endpoint="http://127.0.0.1:9/api/partner/messages", our_code="000.40.21.H56", key=KEY)
    return commands.receive(demo.motcua.uow(), actor_id=demo.users["motcuadatdai"],
                            agency_id=_agency(demo, "land_registration_office"), procedure_key="dang_ky_bien_dong_dat",
                            applicant=Applicant(name="Trương Thị Ngọc", id_number="001090000456"))


def _agency(demo, kind):
    with demo.motcua.read_session() as s:
        return s.execute(select(Agency.id).where(Agency.kind == kind)).scalar_one()


@pytest.fixture
def send(app):
    sent = iter(range(1_000_000))

    def post(payload, *, correlation, partner="THUE", message=MESSAGE):
        body = json.dumps({"message": message, "correlation": correlation, "payload": payload}).encode()
        headers = signing.signed_headers(our_code=partner, key=KEY, timestamp=str(int(clock.now().timestamp())),
                                         idempotency_key=f"k-{next(sent)}", body=body)
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "203.0.113.20"
        return client.post("/api/partner/messages", data=body, headers=headers)
    return post


def recorded(demo) -> int:
    with demo.motcua.read_session() as s:
        return s.execute(select(func.count()).select_from(PartnerInbox)).scalar_one()


def test_a_notice_that_does_not_fit_its_form_is_refused_field_by_field_and_not_recorded(app, demo, land_dossier, send):
    wrong = {**NOTICE, "personal_income_tax": "bốn mươi triệu", "ghi_chu_la": "x"}
    del wrong["pay_by"]
    answer = send(wrong, correlation=land_dossier.code)
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["accepted"] is False and body["error"] == "bad_payload"
    assert body["fields"]["personal_income_tax"] == ["Giá trị phải là số nguyên."]
    assert body["fields"]["pay_by"] == ["Trường này là bắt buộc."]
    assert set(body["fields"]) == {"personal_income_tax", "pay_by", "ghi_chu_la"}
    assert body["titles"] == {"personal_income_tax": "Thuế thu nhập cá nhân (đồng)", "pay_by": "Hạn nộp"}
    assert_as_described(app.test_client().get("/api/openapi.json").get_json(), answer)  # the API's description says so
    assert recorded(demo) == 0
    with demo.motcua.read_session() as s:
        assert s.execute(select(PartnerReject.reason)).scalars().all() == ["bad_payload"]
    # The notice's own rules too: the date it was issued cannot be after today.
    later = send({**NOTICE, "notice_date": "2027-01-05", "pay_by": "2027-02-05"}, correlation=land_dossier.code)
    assert later.status_code == 422 and "notice_date" in later.get_json()["fields"]
    # The notice as the form wants it is recorded, and kept until the dossier waits for it.
    assert send(NOTICE, correlation=land_dossier.code).status_code == 200
    assert recorded(demo) == 1


def test_only_the_partner_the_diagram_names_is_told_what_is_wrong(demo, land_dossier, send):
    # Another partner learns nothing of this dossier: recorded as any message, refused on delivery.
    assert send({"anything": 1}, correlation=land_dossier.code, partner="KHAC").status_code == 200
    # A code that names no dossier here: kept, as before, until a dossier is opened or it gives up.
    assert send({"anything": 1}, correlation="000.00.00.H00-000000-0000").status_code == 200


def test_a_version_deployed_before_manifests_named_messages_takes_payloads_unchecked():
    old_manifest = {"message_variables": {"tax_notice": {"label": "Thông báo thuế", "form": "thue_thong_bao.json"}}}
    assert payload_form(old_manifest, {"thue_thong_bao.json": {"type": "object"}}, MESSAGE) is None
    new_manifest = {"message_variables": {"tax_notice": {**old_manifest["message_variables"]["tax_notice"],
                                                         "message": MESSAGE}}}
    assert payload_form(new_manifest, {"thue_thong_bao.json": {"type": "object"}}, MESSAGE) == {"type": "object"}


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                                          max_size=3), max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(st.sampled_from([*NOTICE, "tax_note", "x"]), JSON_VALUES, max_size=7))
def test_any_payload_is_either_recorded_or_refused_with_its_fields_never_an_error(demo, land_dossier, send, payload):
    """Never a 500; and never 429 either: a refused payload does not turn its signed sender away."""
    before = recorded(demo)
    answer = send(payload, correlation=land_dossier.code)
    assert answer.status_code in (200, 422), answer.get_data(as_text=True)
    if answer.status_code == 422:
        assert answer.get_json()["fields"] and recorded(demo) == before
    else:
        assert recorded(demo) == before + 1


def test_the_sender_of_a_refused_payload_has_a_dead_letter_at_once_saying_what_is_wrong(branch_and_tax, frozen_clock):
    """Two live instances: the land registration branch asks the tax authority, whose system (with
    a fault) answers with a notice lacking its due date. The branch refuses it; at the tax
    authority the message is a dead letter after its first attempt, and says why in words."""
    branch, tax = branch_and_tax
    dossier = receive_land_transfer(branch)
    frozen_clock.current = at(11, 23, 14)
    branch.do_step("diachinh", "check_dossier", CHECK)
    branch.tick()
    [(tax_dossier, _step, _item)] = tax.open_items()
    faulty = {key: value for key, value in NOTICE.items() if key != "pay_by"}
    with tax.motcua.uow() as uow:
        partner = uow.session.execute(select(Partner).where(Partner.code == "000.40.21.H56")).scalar_one()
        uow.session.add(PartnerOutbox(
            idempotency_key="thue-loi-1", partner_id=partner.id, dossier_id=tax_dossier, message=MESSAGE,
            correlation=dossier.code, payload=faulty, created_at=clock.now(), next_attempt_at=clock.now()))
        uow.commit()
    tax.tick()
    [(attempts, dead, error)] = tax.read(lambda s: [(r.attempts, r.dead_at is not None, r.last_error) for r in s.execute(
        select(PartnerOutbox).where(PartnerOutbox.idempotency_key == "thue-loi-1")).scalars()])
    assert (attempts, dead) == (1, True)  # not tried seven times more: it would be refused each time
    with tax.app.test_request_context():
        assert plain_delivery_problem(error) == "Máy nhận từ chối nội dung thư: Hạn nộp: Trường này là bắt buộc."
    # At the branch nothing came in, and the dossier still waits for a notice that fits.
    assert branch.read(lambda s: s.execute(select(func.count()).select_from(PartnerInbox)
                                           .where(PartnerInbox.message == MESSAGE)).scalar_one()) == 0
    assert branch.read(lambda s: s.get(Dossier, dossier.id).status) == 4


def test_a_message_that_would_open_a_dossier_is_checked_against_the_form_of_the_procedure_it_opens(
        branch_and_tax, frozen_clock):
    """Two live instances: the land registration branch's system (with a fault) sends the tax
    authority the transfer's particulars without the parcel's area and with the price as words.
    The message names no dossier at the tax authority: it would open one there, so it is checked
    against the form the tax authority's procedure declares for it. Nothing opens; the branch's
    supervisors read what is wrong; the branch's real message still opens the tax dossier."""
    branch, tax = branch_and_tax
    dossier = receive_land_transfer(branch)
    particulars = {"applicant_name": "Trương Thị Ngọc", "parcel_sheet": 12, "parcel_number": 345,
                   "parcel_address": "Thôn Đông, xã Tân Phong", "land_use_purpose": "ONT",
                   "transferor_name": "Trương Thị Ngọc", "transferor_id_number": "001090000456",
                   "transferee_name": "Lê Văn Bình", "transferee_id_number": "001090000789",
                   "contract_number": "1234/2026/HĐCN", "transfer_price": "hai tỷ đồng"}
    with branch.motcua.uow() as uow:
        partner = uow.session.execute(select(Partner).where(Partner.code == "THUE")).scalar_one()
        uow.session.add(PartnerOutbox(
            idempotency_key="vpdk-loi-1", partner_id=partner.id, dossier_id=dossier.id,
            message="thong_tin_nghia_vu_tai_chinh", correlation=dossier.code, payload=particulars,
            created_at=clock.now(), next_attempt_at=clock.now()))
        uow.commit()
    branch.tick()
    [(dead, error)] = branch.read(lambda s: [(r.dead_at is not None, r.last_error) for r in s.execute(
        select(PartnerOutbox).where(PartnerOutbox.idempotency_key == "vpdk-loi-1")).scalars()])
    assert dead
    with branch.app.test_request_context():
        assert plain_delivery_problem(error) == (
            "Máy nhận từ chối nội dung thư: Diện tích (m²): Trường này là bắt buộc.; "
            "Giá chuyển nhượng ghi trên hợp đồng (đồng): Giá trị phải là số nguyên.")
    assert tax.read(lambda s: (s.execute(select(func.count()).select_from(Dossier)).scalar_one(),
                               s.execute(select(func.count()).select_from(PartnerInbox)).scalar_one())) == (0, 0)
    # The branch's own diagram sends what the tax authority's form asks: that opens the dossier there.
    frozen_clock.current = at(11, 23, 14)
    branch.do_step("diachinh", "check_dossier", CHECK)
    branch.tick()
    assert [step for _dossier, step, _item in tax.open_items()] == ["issue_notice"]
