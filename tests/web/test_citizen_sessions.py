"""A citizen's sign-in lives on the server as an officer's does (engine/commands/sessions.py): the
cookie holds only a token, signing out ends the session wherever the cookie was copied to, idle
and overlong sessions end by themselves, and each sign-in gets a new token. Sessions of one side
are no use on the other."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.commands import sessions
from engine.models import UserSession
from tests.test_escalation import smtp  # noqa: F401  (the loopback SMTP server fixture)
from tests.web.conftest import Browser
from tests.web.test_citizen_sign_in import (  # noqa: F401  (fixtures: the OpenID Connect provider)
    EMAIL, ask_code, go_to_provider, mailed_code, oidc_app, provider, provider_answers,
)
from tests.web.test_sessions import app, cookie, copy_of  # noqa: F401  (the app with the real limits)


def signed_in(b: Browser, demo, smtp, email: str = EMAIL) -> Browser:  # noqa: F811
    """The citizen signs in on ``b`` with a code mailed to ``email``."""
    ask_code(b, email)
    response = b.post("/dang-nhap/ma", {"code": mailed_code(demo, smtp, email)})
    assert response.status_code == 302 and not response.headers["Location"].startswith("/dang-nhap")
    return b


def at_my_page(b: Browser) -> bool:
    response = b.get("/cong-dan")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def content(app, b: Browser) -> dict:  # noqa: F811
    return app.session_interface.get_signing_serializer(app).loads(cookie(b))


def citizen_sessions(demo) -> list[tuple]:
    with demo.motcua.read_session() as s:
        return s.execute(select(UserSession.token_hash, UserSession.citizen_id, UserSession.user_id,
                                UserSession.end_reason).order_by(UserSession.id)
                         .where(UserSession.citizen_id.is_not(None))).all()


def test_a_copied_cookie_stops_working_at_sign_out(app, browser, demo, smtp):  # noqa: F811
    citizen = signed_in(browser(), demo, smtp)
    thief = copy_of(app, citizen)
    assert at_my_page(thief)  # a cookie is a bearer token: what the server ends is what counts
    assert citizen.post("/dang-xuat").status_code == 302
    assert not at_my_page(citizen) and not at_my_page(thief)
    assert [reason for *_, reason in citizen_sessions(demo)] == ["logout"]


def test_the_cookie_holds_only_a_token_stored_hashed_and_each_sign_in_gets_a_new_one(app, browser, demo, smtp):  # noqa: F811
    b = signed_in(browser(), demo, smtp)
    first = content(app, b)
    assert set(first) - {"_fresh", "_flashes", "csrf_token", "locale"} == {"sid"}  # no citizen id in it
    signed_in(b, demo, smtp)  # signing in again on the same browser, without signing out
    second = content(app, b)["sid"]
    assert second != first["sid"]
    rows = citizen_sessions(demo)
    assert [(digest, reason) for digest, _, _, reason in rows] == [
        (sessions.token_hash(first["sid"]), "replaced"), (sessions.token_hash(second), "")]
    assert rows[0][1] == rows[1][1] and rows[0][2] is None  # the citizen's, no officer's
    assert b.post("/dang-xuat").status_code == 302
    assert "sid" not in content(app, b)


def test_an_idle_session_ends_after_the_idle_timeout(browser, demo, smtp, frozen_clock):  # noqa: F811
    busy, idle = signed_in(browser(), demo, smtp), signed_in(browser(), demo, smtp, "hoa@example.vn")
    for _ in range(4):  # busy for two hours: each page keeps the session alive
        frozen_clock.advance(timedelta(minutes=29))
        assert at_my_page(busy)
    assert not at_my_page(idle)
    frozen_clock.advance(timedelta(minutes=30))
    assert not at_my_page(busy)
    assert [reason for *_, reason in citizen_sessions(demo)] == ["idle", "idle"]


def test_a_session_ends_at_its_absolute_lifetime_even_when_busy(browser, demo, smtp, frozen_clock):  # noqa: F811
    b = signed_in(browser(), demo, smtp)
    for _ in range(600 // 20 - 1):
        frozen_clock.advance(timedelta(minutes=20))
        assert at_my_page(b)
    frozen_clock.advance(timedelta(minutes=20))  # ten hours after signing in
    assert not at_my_page(b)
    assert [reason for *_, reason in citizen_sessions(demo)] == ["expired"]
    assert at_my_page(signed_in(b, demo, smtp))  # a new sign-in starts a new session


def test_a_sign_in_through_the_identity_provider_is_a_server_session_too(oidc_app, demo):  # noqa: F811
    b = Browser(oidc_app)
    assert b.get(provider_answers(go_to_provider(b), sub="vneid-0001")).status_code == 302
    token = content(oidc_app, b)["sid"]
    assert "citizen_id" not in content(oidc_app, b) and at_my_page(b)
    thief = copy_of(oidc_app, b)
    assert at_my_page(thief)
    b._token = None  # signed in: a fresh session, a fresh CSRF token
    b.post("/dang-xuat")
    assert not at_my_page(thief)
    with demo.motcua.read_session() as s:
        assert s.execute(select(UserSession.end_reason).where(
            UserSession.token_hash == sessions.token_hash(token))).scalar_one() == "logout"


def test_a_signed_cookie_naming_a_citizen_without_a_live_session_is_refused(app, browser, demo, smtp):  # noqa: F811
    b = signed_in(browser(), demo, smtp)
    citizen_id = citizen_sessions(demo)[0][1]
    serializer = app.session_interface.get_signing_serializer(app)
    for planted in ({"citizen_id": citizen_id}, {"sid": "invented"}):
        client = app.test_client()
        client.set_cookie("session", serializer.dumps(planted))
        response = client.get("/cong-dan")
        assert response.status_code == 302 and response.location.startswith("/dang-nhap")
    assert at_my_page(b)


def test_one_sides_session_is_no_use_on_the_other(app, browser, demo, smtp):  # noqa: F811
    citizen, officer = signed_in(browser(), demo, smtp), browser("tiepnhan")
    serializer = app.session_interface.get_signing_serializer(app)
    # A citizen's session presented as an officer's login: refused, and the cookie is emptied.
    forged = dict(content(app, citizen), _user_id=str(demo.users["tiepnhan"]), _fresh=True)
    client = app.test_client()
    client.set_cookie("session", serializer.dumps(forged))
    assert client.get("/inbox").location.startswith("/login")
    # An officer's session on the citizens' side: no citizen, and the officer stays logged in.
    assert not at_my_page(officer)
    assert officer.get("/inbox").status_code == 200
    with demo.motcua.read_session() as s:
        assert s.scalar(select(UserSession.end_reason).where(UserSession.user_id.is_not(None))) == ""


def test_an_officer_who_signs_in_as_a_citizen_ends_the_officer_session(app, browser, demo, smtp):  # noqa: F811
    officer = browser("tiepnhan")
    copy = copy_of(app, officer)
    assert copy.get("/inbox").status_code == 200
    signed_in(officer, demo, smtp, "hoa@example.vn")
    assert copy.get("/inbox").status_code == 302 and officer.get("/inbox").status_code == 302
    with demo.motcua.read_session() as s:
        assert s.scalar(select(UserSession.end_reason).where(UserSession.user_id.is_not(None))) == "replaced"
    # … and the other way round: an officer's login on the citizen's browser ends the citizen's.
    citizen = signed_in(browser(), demo, smtp)
    assert citizen.login("tiepnhan").status_code == 302
    assert not at_my_page(citizen)
    assert [reason for *_, reason in citizen_sessions(demo)] == ["", "replaced"]


def test_a_session_belongs_to_exactly_one_officer_or_one_citizen(demo):
    for holders in ({}, {"user_id": demo.users["tiepnhan"], "citizen_id": 1}):
        with pytest.raises(ValueError):
            sessions.start(demo.motcua.uow(), **holders)
