"""Point 2 of the online services: a citizen signs in through an OpenID Connect provider (a real
one, oidc-provider-mock, on a loopback port) or, without one, by a one-time code mailed through
real SMTP (aiosmtpd on loopback). Citizens never reach officers' pages and officers' logins are
no use on the citizens' side."""
from __future__ import annotations

import re
from email import message_from_string
from email.policy import default
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_provider_mock import User, run_server_in_thread
from sqlalchemy import func, select

from engine.demo import DEMO_CITIZEN_EMAIL
from engine.models import Citizen, CitizenSignInCode
from engine.scheduler.mail_delivery import deliver_mail
from integrations.mail import SmtpMailer
from tests.test_escalation import Inbox, smtp  # noqa: F401  (the loopback SMTP server fixture)
from tests.web.conftest import Browser, page_text
from webapp import create_app

EMAIL = "an.nguyen@example.vn"


def mailed_code(demo, smtp, to=EMAIL) -> str:
    """Deliver the outbox through SMTP and read the code from the last mail to ``to``."""
    deliver_mail(demo.motcua.uow, SmtpMailer("127.0.0.1", smtp.port))
    bodies = [content for recipients, content in smtp.messages if to in recipients]
    assert bodies, f"no mail to {to}"
    body = message_from_string(bodies[-1], policy=default).get_content()
    return re.search(r"\b(\d{6})\b", body).group(1)


def ask_code(b, email=EMAIL):
    return b.post("/dang-nhap", {"email": email})


def test_sign_in_by_a_code_sent_by_mail_then_fill_in_details(browser, demo, smtp):
    b = browser()
    response = b.get("/cong-dan")
    assert response.status_code == 302 and response.headers["Location"].startswith("/dang-nhap")
    assert b.get(response.headers["Location"]).status_code == 200
    response = ask_code(b, "  An.Nguyen@Example.VN ")
    assert response.status_code == 302 and response.headers["Location"] == "/dang-nhap/ma"
    assert EMAIL in b.text("/dang-nhap/ma")
    code = mailed_code(demo, smtp)
    wrong = "000000" if code != "000000" else "111111"
    response = b.post("/dang-nhap/ma", {"code": wrong})
    assert response.status_code == 400 and "Mã không đúng hoặc đã hết hạn" in page_text(response)
    response = b.post("/dang-nhap/ma", {"code": code})
    assert response.status_code == 302 and response.headers["Location"].startswith("/cong-dan/thong-tin")
    response = b.post("/cong-dan/thong-tin", {"full_name": "Nguyễn Văn An", "id_number": "12345",
                                               "phone": "0912 345 678", "address": ""})
    assert response.status_code == 400 and "12 chữ số" in page_text(response)
    response = b.post("/cong-dan/thong-tin", {"full_name": "Nguyễn Văn An", "id_number": "001090012345",
                                               "phone": "0912 345 678", "address": "Tân Phong"})
    assert response.status_code == 302
    # The citizen came for "my page" first: that is where they land.
    text = b.text("/cong-dan")
    assert "Nguyễn Văn An" in text and "001090012345" in text and "0912345678" in text and EMAIL in text
    # The code was used: it cannot sign anyone in again.
    other = browser()
    other.client.get("/")
    with other.client.session_transaction() as s:
        s["citizen_pending_email"] = EMAIL
    assert other.post("/dang-nhap/ma", {"code": code}).status_code == 400
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Citizen).where(Citizen.email != DEMO_CITIZEN_EMAIL)) == 1


def test_a_code_expires_after_ten_minutes(browser, demo, smtp, frozen_clock):
    b = browser()
    ask_code(b)
    code = mailed_code(demo, smtp)
    frozen_clock.advance(timedelta(minutes=10, seconds=1))
    assert b.post("/dang-nhap/ma", {"code": code}).status_code == 400


def test_five_wrong_codes_spend_the_code(browser, demo, smtp):
    b = browser()
    ask_code(b)
    code = mailed_code(demo, smtp)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert b.post("/dang-nhap/ma", {"code": wrong}).status_code == 400
    assert b.post("/dang-nhap/ma", {"code": code}).status_code == 400  # too late, even the right one
    with demo.motcua.read_session() as s:
        assert s.scalar(select(CitizenSignInCode.attempts)) == 5


def test_at_most_three_codes_per_address_in_fifteen_minutes(browser, demo, frozen_clock):
    b = browser()
    for _ in range(3):
        assert ask_code(b).status_code == 302
    response = ask_code(b)
    assert response.status_code == 400 and "quá nhiều mã" in page_text(response)
    frozen_clock.advance(timedelta(minutes=16))
    assert ask_code(b).status_code == 302


@pytest.mark.parametrize("email", ["", "khong-phai-email", "tiepnhan", "a@b", "x" * 300 + "@example.vn"])
def test_a_bad_address_is_refused_in_words_and_nothing_is_sent(browser, demo, email):
    response = ask_code(browser(), email)
    assert response.status_code == 400 and "Địa chỉ thư điện tử không hợp lệ" in page_text(response)
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(CitizenSignInCode)) == 0


def test_a_citizen_never_sees_officers_pages_and_an_officer_login_is_not_a_citizen(browser, demo, smtp):
    citizen = browser()
    ask_code(citizen)
    citizen.post("/dang-nhap/ma", {"code": mailed_code(demo, smtp)})
    assert citizen.get("/cong-dan").status_code == 200
    for url in ("/inbox", "/reception/new", "/admin/calendar", "/supervise"):
        response = citizen.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url
    officer = browser("tiepnhan")
    response = officer.get("/cong-dan")
    assert response.status_code == 302 and response.headers["Location"].startswith("/dang-nhap")
    assert officer.get("/inbox").status_code == 200  # not a citizen, and still an officer
    # An officer who signs in as a citizen on the same browser leaves the officers' side.
    ask_code(officer, "hoa@example.vn")
    officer.post("/dang-nhap/ma", {"code": mailed_code(demo, smtp, "hoa@example.vn")})
    assert officer.get("/cong-dan").status_code == 200
    assert officer.get("/inbox").status_code == 302


def test_signing_out(browser, demo, smtp):
    b = browser()
    ask_code(b)
    b.post("/dang-nhap/ma", {"code": mailed_code(demo, smtp)})
    assert b.post("/dang-xuat").status_code == 302
    assert b.get("/cong-dan").status_code == 302


def test_english_sign_in_mail(browser, demo, smtp):
    b = browser()
    b.post("/language", {"locale": "en"})
    ask_code(b)
    deliver_mail(demo.motcua.uow, SmtpMailer("127.0.0.1", smtp.port))
    assert "Your sign-in code" in smtp.messages[-1][1]


# --- identity provider ---------------------------------------------------------------------------

@pytest.fixture
def provider():
    """A real OpenID Connect provider on a loopback port, with one citizen it knows."""
    known = User(sub="vneid-0001", claims={"email": "binh.tran@example.vn", "name": "Trần Thị Bình",
                                            "phone_number": "0987654321"})
    with run_server_in_thread(user_claims=[known]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def oidc_app(settings, demo, provider):
    app = create_app(settings, {"TESTING": True, "SECRET_KEY": "test", "OIDC_ISSUER": provider,
                                "OIDC_CLIENT_ID": "motcua-test", "OIDC_CLIENT_SECRET": "s3cret",
                                "OIDC_NAME": "VNeID"})
    yield app
    app.extensions["motcua"].dispose()


def go_to_provider(b) -> str:
    response = b.get("/dang-nhap/dinh-danh")
    assert response.status_code == 302
    return response.headers["Location"]


def provider_answers(authorize_url: str, **form) -> str:
    """The citizen confirms at the provider; returns where the provider sends the browser back."""
    response = requests.post(authorize_url, data=form, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_sign_in_through_the_identity_provider(oidc_app, demo):
    b = Browser(oidc_app)
    assert "Đăng nhập bằng VNeID" in b.text("/dang-nhap")
    authorize = go_to_provider(b)
    query = parse_qs(urlsplit(authorize).query)
    assert query["scope"] == ["openid email profile phone"] and query["state"] and query["nonce"]
    back = provider_answers(authorize, sub="vneid-0001")
    response = b.get(back)
    b._token = None  # signed in: a fresh session, a fresh CSRF token
    assert response.status_code == 302 and response.headers["Location"] == "/cong-dan"  # name known
    text = b.text("/cong-dan")
    assert "Trần Thị Bình" in text and "binh.tran@example.vn" in text and "0987654321" in text
    # Signing in again finds the same account.
    b2 = Browser(oidc_app)
    b2.get(provider_answers(go_to_provider(b2), sub="vneid-0001"))
    with demo.motcua.read_session() as s:
        assert s.execute(select(Citizen.oidc_subject, Citizen.email).where(Citizen.email != DEMO_CITIZEN_EMAIL)) \
            .all() == [("vneid-0001", "binh.tran@example.vn")]


def test_a_refused_or_forged_return_signs_nobody_in(oidc_app, demo):
    b = Browser(oidc_app)
    denied = provider_answers(go_to_provider(b), action="deny")
    response = b.get(denied)
    assert response.status_code == 400 and "Không đăng nhập được qua VNeID" in page_text(response)
    # A code meant for another browser (its state is not in this session) is refused.
    other = Browser(oidc_app)
    stolen = provider_answers(go_to_provider(other), sub="vneid-0001")
    response = b.get(stolen)
    assert response.status_code == 400
    # A made-up code with this browser's own state is refused by the provider.
    state = parse_qs(urlsplit(go_to_provider(b)).query)["state"][0]
    response = b.get(f"/dang-nhap/dinh-danh/xong?code=forged&state={state}")
    assert response.status_code == 400
    assert b.get("/cong-dan").status_code == 302
    with demo.motcua.read_session() as s:
        assert s.scalar(select(func.count()).select_from(Citizen).where(Citizen.email != DEMO_CITIZEN_EMAIL)) == 0


def test_the_demo_citizen_signs_in_with_a_code(browser, demo, smtp):
    b = browser()
    ask_code(b, DEMO_CITIZEN_EMAIL)
    response = b.post("/dang-nhap/ma", {"code": mailed_code(demo, smtp, DEMO_CITIZEN_EMAIL)})
    assert response.headers["Location"] == "/cong-dan"  # details already filled in
    assert "Nguyễn Văn An" in b.text("/cong-dan")


def test_without_a_provider_there_is_no_provider_sign_in(browser):
    b = browser()
    assert "Đăng nhập bằng" not in b.text("/dang-nhap")
    assert b.get("/dang-nhap/dinh-danh").status_code == 404
