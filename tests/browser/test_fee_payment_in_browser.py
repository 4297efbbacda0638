"""Point 6 in a real browser at a phone's width: the citizen sees the fee on their dossier, pays it
through the gateway's page (the loopback stand-in, which calls our IPN address over HTTP as the
real gateway does), comes back to the result page and finds the receipt on their dossier; the
pages enforce our Content-Security-Policy, read well (axe) and do not scroll sideways."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.models import Citizen
from tests.browser.accessibility import horizontal_overflow, serious_violations
from tests.browser.conftest import WAIT_LIMIT_MS
from tests.browser.test_citizen_pages import sign_in_by_mail
from tests.test_escalation import smtp  # noqa: F401  (the loopback SMTP server fixture)
from tests.web.test_fee_payment import SECRET, TMN_CODE, dossier_waiting_for_fee, paying_settings
from integrations.standins.payment_gateway import running_gateway


@pytest.fixture
def gateway():
    with running_gateway(tmn_code=TMN_CODE, hash_secret=SECRET) as stand_in:
        yield stand_in


@pytest.fixture
def paying_server(settings, demo, gateway, tmp_path):
    """The web app on a loopback port, paying through the stand-in, which notifies it there."""
    from tests.conftest import lasting_sessions
    from webapp import create_app
    app = create_app(lasting_sessions(paying_settings(settings, gateway, tmp_path)), {"SECRET_KEY": "browser-test"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    gateway.ipn_url = f"{base}/thanh-toan/ipn"
    try:
        yield base, app.extensions["motcua"].settings.upload_dir
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["motcua"].dispose()


def fits(page) -> None:
    assert serious_violations(page) == [] and horizontal_overflow(page) == 0, page.url


def test_a_citizen_pays_the_fee_through_the_gateway_on_a_phone(chromium, paying_server, demo, smtp, gateway):
    base, upload_dir = paying_server
    context = chromium.new_context(base_url=base, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                   viewport={"width": 390, "height": 844})
    context.set_default_timeout(WAIT_LIMIT_MS)
    page = context.new_page()
    try:
        sign_in_by_mail(page, demo, smtp, email="minhanh@example.vn")
        page.get_by_label("Họ và tên").fill("Trần Minh Anh")
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_url("**/cong-dan")
        with demo.motcua.read_session() as s:
            citizen_id = s.scalar(select(Citizen.id).where(Citizen.email == "minhanh@example.vn"))
        dossier_id = dossier_waiting_for_fee(demo, citizen_id, upload_dir)

        page.goto(f"/cong-dan/ho-so/{dossier_id}")
        main = page.locator("main").inner_text()
        assert "Chờ thực hiện nghĩa vụ tài chính" in main and "100.000 đồng" in main
        fits(page)
        page.get_by_role("button", name="Thanh toán trực tuyến").click()
        page.wait_for_url("**/paymentv2/vpcpay.html?*")  # the gateway's page: our CSP let the form go there
        assert "100.000 VND" in page.locator("main").inner_text()
        assert horizontal_overflow(page) == 0
        page.get_by_role("button", name="Thanh toán", exact=True).click()

        page.wait_for_url("**/cong-dan/thanh-toan/ket-qua?*")
        result = page.locator("main").inner_text()
        assert "Cổng thanh toán báo giao dịch thành công." in result and "Đã ghi nhận thanh toán" in result
        assert gateway.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
        fits(page)
        page.get_by_role("link", name="Về trang hồ sơ").click()
        page.wait_for_url(f"**/cong-dan/ho-so/{dossier_id}")
        main = page.locator("main").inner_text()
        assert "Biên lai thanh toán BL" in main and "Phí, lệ phí cần nộp" not in main
        assert "Đang xử lý" in main  # the dossier left status 6
        fits(page)
        # The receipt's number and the dossier's code each read whole on a phone: the audit found
        # "BL2026-" on one line and "0000001" on the next.
        receipt = page.locator("section.receipt")
        for whole in (receipt.locator("h2 .receipt-number"), receipt.locator("dd .dossier-code")):
            assert whole.evaluate("el => el.getClientRects().length") == 1, whole.inner_text()
    finally:
        context.close()
