"""Mail and SMS that fail because no mail server or SMS operator is configured: the administrator's
page said only "Gửi không thành công." (the raw "no SMTP server configured (MOTCUA_SMTP_HOST)" was
folded under the technical details), though the page asks them to fix the cause. It now names the
setting to make; an operator's HTTP answer is read as one, like a partner's."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock
from engine.models import OutgoingMail, OutgoingSms
from tests.web.conftest import page_text
from webapp.delivery_problems import plain_delivery_problem

NO_SMTP = "RuntimeError: no SMTP server configured (MOTCUA_SMTP_HOST)"
NO_SMS = "RuntimeError: no SMS operator configured (MOTCUA_SMS_URL)"


@pytest.fixture
def failing(demo):
    now = clock.now()
    with demo.motcua.uow() as uow:
        uow.session.add_all([
            OutgoingMail(dedupe_key="waiting-no-smtp", to_address="an@example.vn", subject="Hồ sơ đã được tiếp nhận",
                         body="…", created_at=now, next_attempt_at=now + timedelta(minutes=5), attempts=2,
                         last_error=NO_SMTP),
            OutgoingSms(dedupe_key="waiting-no-sms", to_number="0912345678", body="Hồ sơ đã được tiếp nhận",
                        created_at=now, next_attempt_at=now + timedelta(minutes=5), attempts=2, last_error=NO_SMS),
        ])
        uow.commit()


@pytest.mark.parametrize("locale, mail, sms", [
    ("vi", "Chưa cấu hình máy chủ thư: hãy đặt MOTCUA_SMTP_HOST (docs/OPERATIONS.md).",
     "Chưa cấu hình nhà mạng gửi tin nhắn SMS: hãy đặt MOTCUA_SMS_URL (README.md)."),
    ("en", "No mail server is configured: set MOTCUA_SMTP_HOST (docs/OPERATIONS.md).",
     "No SMS operator is configured: set MOTCUA_SMS_URL (README.md).")])
def test_the_mail_page_names_the_missing_setting(browser, failing, locale, mail, sms):
    admin = browser("admin")
    admin.post("/language", {"locale": locale})
    page = page_text(admin.get("/admin/mail"))
    assert mail in page and sms in page


def test_an_sms_operators_http_answer_is_read_as_one(app):
    with app.test_request_context():
        assert plain_delivery_problem("RuntimeError: SMS operator answered 503: busy") == \
            "Máy nhận đang gặp sự cố (mã 503)."
        assert plain_delivery_problem("RuntimeError: SMS operator answered 401: bad key") == \
            "Máy nhận từ chối thư (mã 401)."
