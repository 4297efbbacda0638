"""Registration of a land-use right transfer (đăng ký biến động do chuyển nhượng), end to end
across two live motcua instances on loopback, each with its own database: the land registration
branch (the demo deployment) and the tax authority's own system (``motcua demo --as thue``).

The branch checks the dossier and hands the financial-obligation information to the tax
authority; the tax officer issues the notice, which comes back and puts the dossier in status 6
(waiting for the citizen to pay). That wait is not counted: the due date moves by exactly the
working time spent waiting, and a result returned after the first due date but before the moved
one is early, not late.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from engine import commands
from engine.commands.reception import Applicant
from engine.models import Dossier, PartnerOutbox, WorkItem
from engine.statistics import Period, figures
from tests.conftest import VN
from tests.partner_instances import Instance, _partner_template, partner_database_url  # noqa: F401 (fixtures)

PROCEDURE = "dang_ky_bien_dong_dat"
CHECK = {
    "parcel_sheet": 12, "parcel_number": 345, "parcel_area": 120.5, "parcel_address": "Thôn Đông, xã Tân Phong",
    "land_use_purpose": "ONT", "transferor_name": "Phan Văn Lực", "transferor_id_number": "001080000123",
    "transferee_name": "Trương Thị Ngọc", "transferee_id_number": "001090000456",
    "contract_number": "1520/2026/CN", "contract_date": "2026-11-20", "transfer_price": 2_000_000_000,
    "conditions_met": True, "check_opinion": "Hồ sơ hợp lệ, thửa đất không tranh chấp.",
}
NOTICE = {"notice_number": "TB-0871/2026", "notice_date": "2026-11-25", "personal_income_tax": 40_000_000,
          "registration_fee": 10_000_000, "pay_by": "2026-12-25"}
PAYMENT = {"receipt_numbers": "0012345, 0012346", "paid_amount": 50_000_000, "paid_on": "2026-12-02"}
UPDATE = {"certificate_serial": "DA 01234567", "register_entry": "CS 04512", "updated_on": "2026-12-03"}
SIGN = {"signed_on": "2026-12-03", "leader_opinion": "Đồng ý xác nhận biến động."}
RETURN = {"returned_to": "Trương Thị Ngọc", "return_method": "counter"}


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=VN)


@pytest.fixture
def branch_and_tax(database_url, partner_database_url, frozen_clock):
    branch = Instance("VPDK", database_url)
    tax = Instance("THUE", partner_database_url)
    branch.load_demo()
    tax.load_demo("thue")
    branch.point_partner_at("THUE", tax)
    tax.point_partner_at("000.40.21.H56", branch)
    yield branch, tax
    for instance in (branch, tax):
        instance.stop()
        instance.motcua.dispose()


def receive(branch) -> Dossier:
    return commands.receive(branch.motcua.uow(), actor_id=branch.users["motcuadatdai"],
                            agency_id=branch.agencies["land_registration_office"], procedure_key=PROCEDURE,
                            applicant=Applicant(name="Trương Thị Ngọc", id_number="001090000456"))


def dossier_of(instance, dossier_id):
    return instance.read(lambda s: s.get(Dossier, dossier_id))


def steps(instance, dossier_id=None):
    return [step for d, step, _ in instance.open_items() if dossier_id in (None, d)]



def test_a_land_transfer_goes_to_the_tax_authority_and_the_payment_wait_is_not_counted(branch_and_tax, frozen_clock):
    branch, tax = branch_and_tax
    dossier = receive(branch)
    # 10 working days from Monday 23/11 09:00 (Tuesday 24/11 is a holiday): Tuesday 8/12 09:00.
    assert dossier_of(branch, dossier.id).due_at == at(12, 8, 9)
    assert steps(branch) == ["check_dossier"]

    frozen_clock.current = at(11, 23, 14)
    branch.do_step("diachinh", "check_dossier", CHECK)
    # Nothing is open at the branch while the tax authority works; the message waits in the outbox.
    assert steps(branch) == [] and dossier_of(branch, dossier.id).status == 4
    assert branch.read(lambda s: [(r.message, r.correlation) for r in s.query(PartnerOutbox)]) == [
        ("thong_tin_nghia_vu_tai_chinh", dossier.code)]
    assert tax.open_items() == []

    branch.tick()
    [(tax_dossier, step, _)] = tax.open_items()
    assert step == "issue_notice"
    opened = dossier_of(tax, tax_dossier)
    assert opened.agency_id == tax.agencies["tax_office"] and opened.applicant_name == "Phan Văn Lực"
    seen_by_tax = tax.step_data(tax_dossier, "issue_notice")
    assert seen_by_tax["land_transfer"]["transfer_price"] == 2_000_000_000
    assert seen_by_tax["land_transfer"]["transferee_id_number"] == "001090000456"
    # The tax side's suggestion: 2 % personal income tax, 0.5 % registration fee.
    assert (seen_by_tax["suggested_personal_income_tax"], seen_by_tax["suggested_registration_fee"]) == (
        40_000_000, 10_000_000)

    # The tax officer reads the office's message labelled with the office's own form.
    page = task_page(tax, "thue", tax.open_items()[0][2])
    for shown in ("Phiếu chuyển thông tin để xác định nghĩa vụ tài chính", "Giá chuyển nhượng ghi trên hợp đồng (đồng)",
                  "2.000.000.000", "Đất ở tại nông thôn (ONT)", "Diện tích (m²)", "120,5", "Trương Thị Ngọc"):
        assert shown in page, shown

    frozen_clock.current = at(11, 25, 10)
    tax.do_step("thue", "issue_notice", NOTICE)
    assert tax.open_items() == []
    tax.tick()
    # The notice continued the branch's dossier: it now waits for the citizen to pay (status 6).
    assert steps(branch) == ["await_payment"]
    waiting = dossier_of(branch, dossier.id)
    assert (waiting.status, waiting.clock_paused_at) == (6, at(11, 25, 10))
    assert branch.step_data(dossier.id, "await_payment")["tax_notice"] == NOTICE

    page = task_page(branch, "motcuadatdai", branch.open_items()[0][2])
    for shown in ("Thông báo nộp nghĩa vụ tài chính", "Thuế thu nhập cá nhân (đồng)", "40.000.000", "25/12/2026",
                  "Bên chuyển nhượng", "Phan Văn Lực", "20/11/2026", "Đủ điều kiện đăng ký biến động",
                  # The history says what went to the tax authority and what came back, naming the
                  # partner as registered, not by the diagram's pool ("Cơ quan thuế").
                  "Gửi liên thông đến Thuế cơ sở khu vực Tân Phong: Phiếu chuyển thông tin để xác định nghĩa vụ tài chính",
                  "Nhận liên thông từ Thuế cơ sở khu vực Tân Phong: Thông báo nộp nghĩa vụ tài chính"):
        assert shown in page, shown
    # In English, by the catalogue's English names: the messages, the notice's title (the partner
    # keeps its registered name, as every agency does).
    page = task_page(branch, "motcuadatdai", branch.open_items()[0][2], locale="en")
    for shown in ("Sent to Thuế cơ sở khu vực Tân Phong: Information slip for assessing financial obligations",
                  "Received from Thuế cơ sở khu vực Tân Phong: Notice to pay financial obligations"):
        assert shown in page, shown
    # On the tax side, the answer went back to the office that asked, named as the partner it is.
    tax_history = task_page(tax, "thue", tax.read(lambda s: s.query(WorkItem).one().id))
    assert ("Gửi liên thông đến Chi nhánh Văn phòng đăng ký đất đai khu vực Tân Phong: "
            "Thông báo nộp nghĩa vụ tài chính") in tax_history

    # The citizen pays a week later: five working days (Thu, Fri, Mon, Tue, Wed) not counted.
    frozen_clock.current = at(12, 2, 10)
    branch.do_step("motcuadatdai", "await_payment", PAYMENT)
    resumed = dossier_of(branch, dossier.id)
    assert (resumed.status, resumed.clock_paused_at) == (4, None)
    assert resumed.due_at == resumed.original_due_at == at(12, 15, 9)
    assert steps(branch) == ["update_certificate"]

    frozen_clock.current = at(12, 3, 10)
    branch.do_step("diachinh", "update_certificate", UPDATE)
    frozen_clock.current = at(12, 3, 14)
    branch.do_step("giamdoccn", "sign_certificate", SIGN)
    assert steps(branch) == ["return_result"] and dossier_of(branch, dossier.id).status == 9
    frozen_clock.current = at(12, 9, 10)  # after the first due date (8/12), before the moved one
    branch.do_step("motcuadatdai", "return_result", RETURN)
    assert dossier_of(branch, dossier.id).status == 10
    counts = branch.read(lambda s: figures(s, Period.month(2026, 12),
                                           agency_ids=[branch.agencies["land_registration_office"]]))
    assert (counts["early"], counts["on_time"], counts["late"]) == (1, 0, 0)


def task_page(instance, username, work_item_id, locale="vi") -> str:
    from tests.web.conftest import Browser
    browser = Browser(instance.app)
    assert browser.login(username).status_code == 302
    if locale != "vi":
        browser.post("/language", {"locale": locale})
    return browser.text(f"/tasks/{work_item_id}")


def test_a_dossier_that_fails_the_check_is_returned_and_never_reaches_the_tax_authority(branch_and_tax, frozen_clock):
    branch, tax = branch_and_tax
    dossier = receive(branch)
    branch.do_step("diachinh", "check_dossier", dict(CHECK, conditions_met=False,
                                                     check_opinion="Thửa đất đang có tranh chấp."))
    assert steps(branch) == ["return_refusal"] and dossier_of(branch, dossier.id).status == 9
    branch.do_step("motcuadatdai", "return_refusal", RETURN)
    assert dossier_of(branch, dossier.id).status == 10
    branch.tick()
    assert branch.count(PartnerOutbox) == 0 and tax.open_items() == []
