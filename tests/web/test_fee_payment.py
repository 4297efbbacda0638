"""Point 6 of the online services: a procedure's fee paid online through the payment gateway.

The dossier waits for its fee in status 6 with its clock stopped; the citizen sees the fee and a
pay button, is sent to the gateway (here the loopback stand-in, which signs as the real one does),
and only the gateway's signed server-to-server notice (IPN) records the payment: paid, failed or
cancelled, repeated, forged, for another amount or an unknown order, each answered in the
gateway's terms and each tested here. A genuine paid notice lets the dossier leave status 6 and
its clock run again; the citizen then sees a receipt, and the officers see the payment."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from engine import clock
from engine.calendar.store import calendar_for
from engine.commands.reception import accept
from engine.invariants import check
from engine.models import AuditEvent, Citizen, Dossier, OutgoingMail, OutgoingSms, Payment, PaymentNoticeLog, WorkItem
from engine.ports import PaymentNotConfigured
from engine.statuses import DossierStatus
from integrations.payment import VnpayGateway, canonical, gateway_from_settings, sign
from integrations.standins.payment_gateway import running_gateway
from tests.test_procedure_ho_kinh_doanh import APPRAISAL, Officer
from tests.conftest import lasting_sessions
from tests.web.conftest import Browser, page_text
from tests.web.test_citizen_online_submission import citizen  # noqa: F401  (signed-in citizen fixture)
from tests.web.test_online_dossier_details import submitted_online
from webapp import create_app

PROCEDURE = "dang_ky_ho_kinh_doanh"
FEE = 100_000  # what workflows/catalogue/dang_ky_ho_kinh_doanh.json declares
TMN_CODE, SECRET = "MOTCUA01", "test-fixture-hash-secret-0123456789"
INTAKE = {"business_name": "Hộ kinh doanh Tạp hóa Minh Anh", "business_address": "Số 12, thôn Đông, xã Tân Phong",
          "business_lines": "Bán lẻ lương thực, thực phẩm", "capital": 150_000_000}


@pytest.fixture
def gateway():
    with running_gateway(tmn_code=TMN_CODE, hash_secret=SECRET) as stand_in:
        yield stand_in


def paying_settings(settings, gateway, tmp_path):
    return replace(settings, upload_dir=tmp_path / "uploads", payment_url=gateway.pay_url,
                   payment_tmn_code=TMN_CODE, payment_hash_secret=SECRET)


@pytest.fixture
def app(settings, gateway, tmp_path):
    # Sign-ins that outlast the days a test lets pass while the citizen waits to pay.
    app = create_app(lasting_sessions(paying_settings(settings, gateway, tmp_path)),
                     {"TESTING": True, "SECRET_KEY": "test"})
    yield app
    app.extensions["motcua"].dispose()


def citizen_id_of(demo, email: str) -> int:
    with demo.motcua.read_session() as s:
        return s.scalar(select(Citizen.id).where(Citizen.email == email))


def dossier_waiting_for_fee(demo, citizen_id: int, upload_dir) -> int:
    """A household business registered online by the citizen, received, appraised and approved:
    it now waits for the registration fee (status 6)."""
    dossier_id = submitted_online(demo, citizen_id, upload_dir, PROCEDURE, INTAKE)
    accept(demo.motcua.uow(), actor_id=demo.users["tiepnhan"], dossier_id=dossier_id)
    Officer(demo, "chuyenvien").take_and_complete(dossier_id, APPRAISAL, expect_step="appraise")
    Officer(demo, "lanhdao").take_and_complete(dossier_id, {"decision": "approve", "leader_opinion": "Đồng ý cấp."},
                                               expect_step="approve")
    return dossier_id


def snapshot(demo, dossier_id):
    with demo.motcua.read_session() as s:
        d = s.get(Dossier, dossier_id)
        open_steps = sorted(s.scalars(select(WorkItem.step_id).where(WorkItem.dossier_id == dossier_id,
                                                                     WorkItem.state == "open")))
        return {"status": d.status, "open": open_steps, "due_at": d.due_at, "paused_at": d.clock_paused_at,
                "revision": d.revision,
                "history": s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.dossier_id == d.id)),
                "payments": [(p.state, p.amount_vnd) for p in s.scalars(select(Payment).order_by(Payment.id))]}


def start_paying(b, dossier_id) -> str:
    """Click the pay button; returns the order reference the gateway was sent."""
    response = b.post(f"/cong-dan/ho-so/{dossier_id}/thanh-toan")
    assert response.status_code == 303, page_text(response)
    return parse_qs(urlsplit(response.location).query)["vnp_TxnRef"][0]


def open_gateway_page(b, dossier_id, gateway) -> str:
    """Click pay and open the gateway's page as the browser would (real HTTP to the stand-in)."""
    response = b.post(f"/cong-dan/ho-so/{dossier_id}/thanh-toan")
    page = requests.get(response.location, timeout=10)
    assert page.status_code == 200 and "100.000 VND" in page.text
    return parse_qs(urlsplit(response.location).query)["vnp_TxnRef"][0]


def ipn(b, params) -> dict:
    response = b.client.get("/thanh-toan/ipn", query_string=params)
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def waiting(app, demo, gateway, citizen):
    """(citizen's browser, dossier id) for a dossier waiting for its fee."""
    b = citizen("vneid-anh", "Trần Minh Anh", "minhanh@example.vn")
    return b, dossier_waiting_for_fee(demo, citizen_id_of(demo, "minhanh@example.vn"),
                                      app.extensions["motcua"].settings.upload_dir)


# --- the protocol ------------------------------------------------------------------------------

def test_the_order_is_signed_over_the_sorted_form_encoded_query():
    params = {"vnp_TxnRef": "MC1", "vnp_Amount": "10000000", "vnp_OrderInfo": "Nop phi ho so 000.31/2026",
              "vnp_Command": "pay", "vnp_SecureHash": "ignored", "other": "ignored"}
    assert canonical(params) == "vnp_Amount=10000000&vnp_Command=pay&vnp_OrderInfo=Nop+phi+ho+so+000.31%2F2026" \
                                "&vnp_TxnRef=MC1"
    assert len(sign(params, SECRET)) == 128 and sign(params, SECRET) != sign(params, SECRET + "x")


def test_the_stand_in_shows_a_genuine_order_and_refuses_a_tampered_one(gateway, frozen_clock):
    url = VnpayGateway(gateway.pay_url, TMN_CODE, SECRET).checkout_url(
        txn_ref="MC2611230001", amount_vnd=FEE, order_info="Nop phi ho so 1", return_url="http://127.0.0.1/ret",
        client_ip="127.0.0.1", created_at=clock.now())
    query = parse_qs(urlsplit(url).query)
    assert (query["vnp_Amount"], query["vnp_Command"], query["vnp_CreateDate"]) == (["10000000"], ["pay"],
                                                                                    ["20261123090000"])
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and "100.000 VND" in page.text and "Thanh toán" in page.text
    tampered = requests.get(url.replace("vnp_Amount=10000000", "vnp_Amount=100"), timeout=10)
    assert tampered.status_code == 400 and "Sai chữ ký" in tampered.text


def test_without_the_gateways_settings_payment_is_refused_with_the_missing_names(settings, app, waiting, demo):
    unconfigured = gateway_from_settings(replace(settings, payment_url="http://gw", payment_tmn_code="",
                                                 payment_hash_secret=""))
    with pytest.raises(PaymentNotConfigured) as refused:
        unconfigured.checkout_url(txn_ref="x", amount_vnd=1, order_info="x", return_url="x", client_ip="",
                                  created_at=None)
    assert "MOTCUA_PAYMENT_TMN_CODE, MOTCUA_PAYMENT_HASH_SECRET" in refused.value.message_en
    app.extensions["motcua"].payment_gateway = unconfigured  # as the app builds it from such settings
    b, dossier_id = waiting
    response = b.post(f"/cong-dan/ho-so/{dossier_id}/thanh-toan", follow_redirects=True)
    assert "Thanh toán trực tuyến chưa sẵn sàng. Vui lòng nộp phí, lệ phí tại Bộ phận một cửa." in page_text(response)
    assert snapshot(demo, dossier_id)["payments"] == []
    answer = b.client.get("/thanh-toan/ipn", query_string={"vnp_TxnRef": "x"}).get_json()
    assert answer == {"RspCode": "99", "Message": "Unknown error"}


# --- the citizen pays ----------------------------------------------------------------------------

def test_the_dossier_waits_for_its_fee_with_the_clock_stopped_and_the_citizen_sees_a_pay_button(waiting, demo,
                                                                                                 gateway):
    b, dossier_id = waiting
    state = snapshot(demo, dossier_id)
    assert (state["status"], state["open"]) == (6, ["pay_fee"]) and state["paused_at"] is not None
    response = b.get(f"/cong-dan/ho-so/{dossier_id}")
    page = page_text(response)
    assert "Phí, lệ phí cần nộp" in page and "100.000 đồng" in page and "Thanh toán trực tuyến" in page
    assert "Chờ thực hiện nghĩa vụ tài chính" in page
    with demo.motcua.read_session() as s:  # and is told so, by SMS and mail
        assert "thuc hien nghia vu tai chinh" in s.scalars(select(OutgoingSms.body).order_by(OutgoingSms.id.desc())).first()
        assert s.scalars(select(OutgoingMail).where(OutgoingMail.subject.contains("nghĩa vụ tài chính"))).one()
    gateway_origin = "http://" + urlsplit(gateway.pay_url).netloc  # the pay form is redirected there
    assert f"form-action 'self' {gateway_origin}" in response.headers["Content-Security-Policy"]


def test_a_genuine_paid_notice_records_the_payment_and_the_clock_resumes(waiting, demo, gateway, frozen_clock):
    b, dossier_id = waiting
    before = snapshot(demo, dossier_id)
    frozen_clock.advance(timedelta(days=2))  # Wednesday: two working days waiting for the citizen
    txn_ref = open_gateway_page(b, dossier_id, gateway)
    assert snapshot(demo, dossier_id)["status"] == 6  # opening the gateway's page changes nothing
    notice = gateway.notice(txn_ref, paid=True)
    # The browser comes back first: the return page shows the gateway's word, records nothing.
    page = page_text(b.get("/cong-dan/thanh-toan/ket-qua", query_string=notice))
    assert "Cổng thanh toán báo giao dịch thành công." in page and "Đang chờ cổng thanh toán xác nhận" in page
    assert snapshot(demo, dossier_id)["status"] == 6

    assert ipn(b, notice) == {"RspCode": "00", "Message": "Confirm Success"}
    after = snapshot(demo, dossier_id)
    assert (after["status"], after["open"], after["paused_at"]) == (4, ["issue_certificate"], None)
    assert after["payments"] == [("paid", FEE)]
    with demo.motcua.read_session() as s:
        dossier = s.get(Dossier, dossier_id)
        calendar = calendar_for(s, dossier.agency)
        # The due date moved by exactly the time spent waiting: what was left is left again.
        assert calendar.working_time_between(clock.now(), after["due_at"]) == \
            calendar.working_time_between(before["paused_at"], before["due_at"])
        assert after["due_at"] > before["due_at"]
        payment = s.scalars(select(Payment)).one()
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "fee_paid_online")).one()
        assert (event.status_before, event.status_after, event.actor_id) == (6, 4, None)
        assert event.detail["data"]["payment_method"] == "online"
        assert event.detail["data"]["receipt_numbers"] == payment.receipt_number
        receipt_mail = s.scalars(select(OutgoingMail).where(OutgoingMail.subject.contains("Biên lai"))).one()
        assert payment.receipt_number in receipt_mail.body and "100.000 đồng" in receipt_mail.body
    # The step the payment finished is in the audit as finished: the invariant checker agrees.
    report = check(demo.motcua)
    assert report.ok, [str(v) for v in report.violations]

    # The same notice again (the gateway retries): already confirmed, nothing changes.
    assert ipn(b, notice) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert snapshot(demo, dossier_id) == after

    page = b.text(f"/cong-dan/ho-so/{dossier_id}")
    [receipt] = lxml.html.fromstring(page).xpath('//section[contains(@class, "receipt")]/h2')
    assert " ".join(receipt.text_content().split()) == f"Biên lai thanh toán {payment.receipt_number}"
    assert notice["vnp_TransactionNo"] in page
    assert "Phí, lệ phí cần nộp" not in page and "Thanh toán phí, lệ phí trực tuyến" in page
    assert f"Đã ghi nhận thanh toán, số biên lai {payment.receipt_number}." in page_text(
        b.get("/cong-dan/thanh-toan/ket-qua", query_string=notice))
    officer = Browser(b.client.application)
    officer.login("tiepnhan")
    page = officer.text(f"/dossiers/{dossier_id}")
    assert "Thanh toán phí, lệ phí" in page and "Đã thanh toán trực tuyến" in page
    assert payment.receipt_number in page and txn_ref in page


def test_a_failed_or_cancelled_payment_leaves_the_dossier_waiting_and_it_can_be_paid_again(waiting, demo, gateway):
    b, dossier_id = waiting
    txn_ref = open_gateway_page(b, dossier_id, gateway)
    cancelled = gateway.notice(txn_ref, paid=False)
    assert ipn(b, cancelled) == {"RspCode": "00", "Message": "Confirm Success"}
    state = snapshot(demo, dossier_id)
    assert (state["status"], state["open"], state["payments"]) == (6, ["pay_fee"], [("failed", FEE)])
    assert state["paused_at"] is not None
    assert "Giao dịch không thành công hoặc đã bị hủy." in page_text(
        b.get("/cong-dan/thanh-toan/ket-qua", query_string=cancelled))
    page = b.text(f"/cong-dan/ho-so/{dossier_id}")
    assert "Lần thanh toán trước không thành công hoặc đã bị hủy." in page and "Thanh toán trực tuyến" in page
    assert ipn(b, gateway.notice(txn_ref, paid=True)) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert snapshot(demo, dossier_id)["status"] == 6

    second = open_gateway_page(b, dossier_id, gateway)
    assert second != txn_ref
    assert ipn(b, gateway.notice(second, paid=True))["RspCode"] == "00"
    assert snapshot(demo, dossier_id)["status"] == 4


def test_forged_wrong_amount_and_unknown_order_notices_are_refused_and_change_nothing(waiting, demo, gateway):
    b, dossier_id = waiting
    txn_ref = open_gateway_page(b, dossier_id, gateway)
    before = snapshot(demo, dossier_id)
    forged = gateway.notice(txn_ref, paid=True, secret="someone-elses-secret")
    assert ipn(b, forged) == {"RspCode": "97", "Message": "Invalid signature"}
    altered = dict(gateway.notice(txn_ref, paid=False), vnp_ResponseCode="00", vnp_TransactionStatus="00")
    assert ipn(b, altered) == {"RspCode": "97", "Message": "Invalid signature"}
    unsigned = {k: v for k, v in gateway.notice(txn_ref).items() if k != "vnp_SecureHash"}
    assert ipn(b, unsigned) == {"RspCode": "97", "Message": "Invalid signature"}
    assert ipn(b, gateway.notice(txn_ref, amount_vnd=1_000)) == {"RspCode": "04", "Message": "Invalid amount"}
    assert ipn(b, gateway.notice(txn_ref, vnp_TxnRef="MC000000NOSUCH")) == {"RspCode": "01",
                                                                           "Message": "Order not found"}
    assert "chữ ký không đúng" in page_text(b.get("/cong-dan/thanh-toan/ket-qua", query_string=forged))
    assert snapshot(demo, dossier_id) == dict(before)
    with demo.motcua.read_session() as s:
        logged = [(n.txn_ref, n.answer) for n in s.scalars(select(PaymentNoticeLog).order_by(PaymentNoticeLog.id))]
    assert logged == [(txn_ref, "97"), (txn_ref, "97"), (txn_ref, "97"), (txn_ref, "04"), ("MC000000NOSUCH", "01")]
    # The genuine notice still goes through afterwards.
    assert ipn(b, gateway.notice(txn_ref))["RspCode"] == "00"
    assert snapshot(demo, dossier_id)["status"] == 4


def test_only_the_citizens_own_dossier_waiting_for_a_fee_can_be_paid(waiting, citizen, gateway):
    b, dossier_id = waiting
    other = citizen("vneid-binh", "Trần Bình", "binh@example.vn")
    assert other.post(f"/cong-dan/ho-so/{dossier_id}/thanh-toan").status_code == 404
    ipn(b, gateway.notice(open_gateway_page(b, dossier_id, gateway)))
    response = b.post(f"/cong-dan/ho-so/{dossier_id}/thanh-toan", follow_redirects=True)
    assert "Hồ sơ không có khoản phí, lệ phí nào đang chờ thanh toán." in page_text(response)


@pytest.fixture
def served(app, gateway):
    """The app on a loopback port, as the gateway's IPN address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.ipn_url = f"http://127.0.0.1:{server.server_port}/thanh-toan/ipn"
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


def test_the_stand_ins_pay_button_calls_the_ipn_and_sends_the_browser_back(waiting, demo, gateway, served):
    b, dossier_id = waiting
    txn_ref = open_gateway_page(b, dossier_id, gateway)
    response = requests.post(gateway.pay_url.replace("vpcpay.html", "confirm"),
                             data={"txn_ref": txn_ref, "action": "pay"}, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and "/cong-dan/thanh-toan/ket-qua?" in response.headers["Location"]
    assert gateway.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert snapshot(demo, dossier_id)["status"] == 4


def test_notices_arriving_together_record_the_payment_once(waiting, demo, gateway):
    """The gateway may retry before our first answer reached it: four copies of the paid notice
    at the same moment, through the real command, each in its own unit of work."""
    from engine.commands.payments import record_notice
    from tests._concurrency_helpers import fire_together
    b, dossier_id = waiting
    notice = gateway.notice(open_gateway_page(b, dossier_id, gateway))
    motcua = b.client.application.extensions["motcua"]
    outcome = fire_together([lambda _round: record_notice(motcua.uow(), motcua.payment_gateway, notice).code] * 4)[0]
    assert outcome.errors == {}
    assert sorted(outcome.results.values()) == ["00", "02", "02", "02"]
    state = snapshot(demo, dossier_id)
    assert (state["status"], state["payments"]) == (4, [("paid", FEE)])
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "fee_paid_online")) == 1


def test_the_citizens_page_says_a_fee_is_waiting_and_leads_to_it_until_it_is_paid(waiting, demo, gateway, frozen_clock):
    b, dossier_id = waiting
    needs = lxml.html.document_fromstring(b.text("/cong-dan")).xpath("//a[@class='needs-you']")
    assert [(" ".join(a.text_content().split()), a.get("href")) for a in needs] == \
        [("Cần nộp phí, lệ phí: thanh toán", f"/cong-dan/ho-so/{dossier_id}#fee-h")]
    b.post("/language", {"locale": "en", "next": "/"})
    assert "Fee to pay: pay now" in b.text("/cong-dan")
    ipn(b, gateway.notice(open_gateway_page(b, dossier_id, gateway), paid=True))
    assert "needs-you" not in b.text("/cong-dan")
