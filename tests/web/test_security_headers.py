"""Every response tells the browser to defend the page: no sniffing, no framing, a policy that
allows only our own scripts and styles, no referrer to other sites; cookies and HSTS follow HTTPS,
also behind the reverse proxy the operator declares."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.config import PROJECT_ROOT
from engine.models import LoginAttempt
from tests.web.conftest import Browser
from webapp import create_app

EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def policy(response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";"))
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def test_pages_files_errors_and_the_partner_api_all_carry_the_headers(browser, receive_dossier):
    _, item = receive_dossier()
    anonymous, officer = browser(), browser("chuyenvien")
    responses = [anonymous.get("/login"), anonymous.get("/tra-cuu"), anonymous.get("/static/motcua.css"),
                 anonymous.get("/healthz"), anonymous.get("/khong-co"), officer.get("/inbox"),
                 officer.get(f"/tasks/{item}"), officer.get("/tasks/99999"),
                 anonymous.client.post("/api/partner/messages", data="{}", content_type="application/json")]
    for response in responses:
        for name, value in EVERY_RESPONSE.items():
            assert response.headers.get(name) == value, (response.request.path, name)
        csp = policy(response)
        assert csp["frame-ancestors"] == "'none'" and csp["script-src"] == "'self'"
        assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'" and csp["form-action"] == "'self'"
        assert "unsafe-inline" not in csp["style-src"] and "unsafe" not in csp["script-src"]


def test_pages_are_not_cached_but_static_files_may_be(browser):
    officer = browser("chuyenvien")
    assert officer.get("/inbox").headers["Cache-Control"] == "no-store"
    assert browser().get("/login").headers["Cache-Control"] == "no-store"
    assert "no-store" not in officer.get("/static/motcua.css").headers.get("Cache-Control", "")


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy would block them: behaviour lives in webapp/static/motcua.js."""
    found = []
    for path in (PROJECT_ROOT / "webapp" / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found += [(path.name, m) for m in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text)]
        found += [(path.name, m) for m in re.findall(r"\son[a-z]+\s*=", text)]
        found += [(path.name, m) for m in re.findall(r"\sstyle\s*=", text)]
    assert found == []


def test_over_https_the_cookie_is_secure_and_hsts_is_sent_without_configuration(app, demo):
    response = Browser(app).login("chuyenvien", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = Browser(app).login("chuyenvien")
    assert "Secure" not in plain.headers["Set-Cookie"] and "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize("proxies, forwarded_https", [(0, False), (1, True)])
def test_the_declared_proxy_is_believed_about_scheme_and_address_and_no_one_else(settings, demo, proxies,
                                                                                 forwarded_https):
    app = create_app(settings, {"TESTING": True, "SECRET_KEY": "test", "PROXY_COUNT": proxies})
    try:
        b = Browser(app, address="10.0.0.2")  # the proxy's address
        # A browser sends the Referer to its own site (Referrer-Policy same-origin); the CSRF check
        # insists on it over HTTPS.
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.50",
                   "Referer": "https://localhost/login"}
        b.client.environ_base.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        response = b.login("chuyenvien", "sai")
        assert response.status_code == 401
        with demo.motcua.read_session() as s:
            counted_for = s.execute(select(LoginAttempt.address)).scalar_one()
        assert counted_for == ("203.0.113.50" if forwarded_https else "10.0.0.2")
        response = b.login("chuyenvien")
        assert ("Secure" in response.headers["Set-Cookie"]) is forwarded_https
    finally:
        app.extensions["motcua"].dispose()
