"""Logging in and out: hashed passwords, a brake on guessing, CSRF on every form, safe cookies."""
from __future__ import annotations

from datetime import timedelta

from tests.web.conftest import Browser, page_text


def test_login_opens_the_inbox_with_the_officers_name(browser):
    b = browser()
    response = b.login("chuyenvien")
    assert response.status_code == 302 and response.location == "/inbox"
    assert "Trần Văn Minh" in b.text("/inbox")


def test_wrong_password_and_unknown_user_get_the_same_answer(browser):
    b = browser()
    for username, password in (("chuyenvien", "sai-mat-khau"), ("khongtontai", "motcua-demo")):
        response = b.login(username, password)
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in page_text(response)
    assert b.get("/inbox").location.startswith("/login")


def test_inbox_needs_a_login_and_comes_back_after_it(browser):
    b = browser()
    response = b.get("/inbox?tab=unclaimed")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    login_page = b.text(response.location)
    assert 'name="next" value="/inbox?tab=unclaimed"' in login_page
    response = b.post("/login", {"username": "chuyenvien", "password": "motcua-demo", "next": "/inbox?tab=unclaimed"})
    assert response.location == "/inbox?tab=unclaimed"


def test_login_never_redirects_to_another_site(browser):
    b = browser()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = b.post("/login", {"username": "chuyenvien", "password": "motcua-demo", "next": target})
        assert response.location == "/inbox", target
        b.logout()


def test_five_failures_block_that_username_from_that_address_for_15_minutes(browser, frozen_clock):
    b = browser(address="10.0.0.7")
    for _ in range(5):
        assert b.login("chuyenvien", "doan-mo").status_code == 401
    blocked = b.login("chuyenvien")  # even the right password: the brake is on
    assert blocked.status_code == 429
    assert "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút." in page_text(blocked)
    # Other usernames from that address, and that username from elsewhere, are not blocked.
    assert browser(address="10.0.0.7").login("chuyenvien2").status_code == 302
    assert browser(address="10.0.0.8").login("chuyenvien").status_code == 302
    frozen_clock.advance(timedelta(minutes=10))
    assert "sau 5 phút" in page_text(b.login("chuyenvien"))
    frozen_clock.advance(timedelta(minutes=5))
    assert b.login("chuyenvien").status_code == 302


def test_a_successful_login_clears_the_failures(browser):
    b = browser()
    for _ in range(4):
        b.login("chuyenvien", "doan-mo")
    assert b.login("chuyenvien").status_code == 302
    b.logout()
    for _ in range(4):
        assert b.login("chuyenvien", "doan-mo").status_code == 401
    assert b.login("chuyenvien").status_code == 302


def test_logout_ends_the_session_and_needs_a_post(browser):
    b = browser("chuyenvien")
    assert b.get("/logout").status_code == 405  # a link or an image cannot log anyone out
    response = b.logout()
    assert response.location == "/login"
    assert "Bạn đã đăng xuất." in b.text("/login")
    assert b.get("/inbox").location.startswith("/login")


def test_forms_without_a_csrf_token_are_refused(browser, receive_dossier, demo):
    _, item = receive_dossier()
    anonymous = browser()
    refused = anonymous.post("/login", {"username": "chuyenvien", "password": "motcua-demo"}, csrf=False)
    assert refused.status_code == 400
    assert "Vui lòng tải lại trang" in page_text(refused)
    b = browser("chuyenvien")
    assert b.post(f"/tasks/{item}/claim", csrf=False).status_code == 400
    assert b.post(f"/tasks/{item}/claim", {"csrf_token": "forged"}, csrf=False).status_code == 400
    assert "Chưa nhận" in b.text(f"/tasks/{item}")  # nothing happened


def test_session_cookie_is_httponly_and_samesite_lax(browser):
    response = browser().login("chuyenvien")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_is_a_setting(settings, demo):
    from webapp import create_app
    app = create_app(settings, {"TESTING": True, "SECRET_KEY": "test", "SESSION_COOKIE_SECURE": True})
    try:
        b = Browser(app)
        b.client.environ_base["wsgi.url_scheme"] = "https"
        response = b.login("chuyenvien")
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        app.extensions["motcua"].dispose()


def test_the_last_minute_of_the_brake_is_one_minute_in_english(browser, frozen_clock):
    b = browser(address="10.0.0.9")
    b.post("/language", {"locale": "en"})
    for _ in range(5):
        b.login("chuyenvien", "doan-mo")
    assert "Please try again in 15 minutes." in page_text(b.login("chuyenvien"))
    frozen_clock.advance(timedelta(minutes=14, seconds=30))
    blocked = b.login("chuyenvien")
    assert blocked.status_code == 429 and "Please try again in 1 minute." in page_text(blocked)
