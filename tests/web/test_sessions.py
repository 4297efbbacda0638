"""Sessions live on the server: a copied cookie stops working when the officer logs out, changes
the password or is deactivated; idle and overlong sessions end by themselves."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.commands import sessions
from engine.commands.accounts import change_password, set_active
from engine.errors import FormInvalid
from engine.models import AccountEvent, UserSession
from tests.web.conftest import Browser
from webapp import create_app


@pytest.fixture
def app(settings):
    """The app with the real session limits (the shared fixture lets logins outlast moved clocks)."""
    app = create_app(settings, {"TESTING": True, "SECRET_KEY": "test"})
    yield app
    app.extensions["motcua"].dispose()


def cookie(b: Browser) -> str:
    return b.client.get_cookie("session").value


def copy_of(app, b: Browser) -> Browser:
    """Someone else's browser holding a copy of b's session cookie (a stolen or shared cookie)."""
    thief = Browser(app, address="203.0.113.9")
    thief.client.set_cookie("session", cookie(b))
    return thief


def logged_in(b: Browser) -> bool:
    response = b.get("/inbox")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_copied_cookie_stops_working_at_logout(app, browser):
    officer = browser("chuyenvien")
    thief = copy_of(app, officer)
    assert logged_in(thief)  # a cookie is a bearer token: what the server ends is what counts
    officer.logout()
    assert not logged_in(thief) and not logged_in(officer)


def test_logout_ends_every_session_of_that_officer_and_no_one_elses(browser):
    counter_pc, laptop, colleague = browser("chuyenvien"), browser("chuyenvien"), browser("chuyenvien2")
    counter_pc.logout()
    assert not logged_in(laptop)
    assert logged_in(colleague)


def test_a_password_change_ends_every_session_and_the_new_password_works(app, browser, demo):
    officer, colleague = browser("chuyenvien"), browser("chuyenvien2")
    thief = copy_of(app, officer)
    ended = change_password(demo.motcua.uow(), user_id=demo.users["chuyenvien"],
                            current_password="motcua-demo", new_password="mot-mat-khau-moi")
    assert ended == 1
    assert not logged_in(officer) and not logged_in(thief) and logged_in(colleague)
    assert browser().login("chuyenvien").status_code == 401
    assert browser().login("chuyenvien", "mot-mat-khau-moi").status_code == 302


def test_a_password_change_needs_the_current_password_and_a_sound_new_one(browser, demo):
    officer = browser("chuyenvien")
    for current, new, field, message in (
            ("sai", "mot-mat-khau-moi", "current_password", "Mật khẩu hiện tại không đúng."),
            ("motcua-demo", "ngan", "new_password", "Mật khẩu cần ít nhất 10 ký tự."),
            ("motcua-demo", "x" * 201, "new_password", "Mật khẩu dài quá 200 ký tự."),
            ("motcua-demo", "ChuyenVien", "new_password", "Mật khẩu không được trùng tên đăng nhập.")):
        with pytest.raises(FormInvalid) as refused:
            change_password(demo.motcua.uow(), user_id=demo.users["chuyenvien"], current_password=current,
                            new_password=new)
        assert message in refused.value.field_errors[field]
    assert logged_in(officer)  # nothing changed
    assert browser().login("chuyenvien").status_code == 302


def test_deactivating_a_user_ends_their_sessions_and_reactivating_does_not_revive_them(app, browser, demo):
    officer = browser("chuyenvien")
    thief = copy_of(app, officer)
    assert set_active(demo.motcua.uow(), user_id=demo.users["chuyenvien"], active=False) == 1
    assert not logged_in(officer) and not logged_in(thief)
    assert browser().login("chuyenvien").status_code == 401
    set_active(demo.motcua.uow(), user_id=demo.users["chuyenvien"], active=True)
    assert not logged_in(thief)
    assert browser().login("chuyenvien").status_code == 302


def test_locking_a_locked_account_again_records_nothing_more(demo):
    for _ in range(2):  # a second click, or two administrators at once
        set_active(demo.motcua.uow(), user_id=demo.users["chuyenvien"], active=False, actor_id=demo.users["admin"])
    with demo.motcua.read_session() as s:
        actions = s.scalars(select(AccountEvent.action).where(AccountEvent.user_id == demo.users["chuyenvien"])).all()
    assert actions.count("deactivated") == 1


def test_an_idle_session_ends_after_the_idle_timeout(browser, frozen_clock):
    officer, idle = browser("chuyenvien"), browser("chuyenvien2")
    for _ in range(4):  # busy for two hours: each request keeps the session alive
        frozen_clock.advance(timedelta(minutes=29))
        assert logged_in(officer)
    frozen_clock.advance(timedelta(minutes=29))
    assert logged_in(officer)
    assert not logged_in(idle)  # idle for 2 h 25 min
    frozen_clock.advance(timedelta(minutes=30))
    assert not logged_in(officer)


def test_a_session_ends_at_its_absolute_lifetime_even_when_busy(browser, frozen_clock):
    officer = browser("chuyenvien")
    for _ in range(600 // 20 - 1):
        frozen_clock.advance(timedelta(minutes=20))
        assert logged_in(officer)
    frozen_clock.advance(timedelta(minutes=20))  # ten hours after the login
    assert not logged_in(officer)
    assert browser().login("chuyenvien").status_code == 302  # a new login starts a new session


def test_both_limits_are_settings(settings, demo, frozen_clock):
    app = create_app(replace(settings, session_idle_minutes=5, session_lifetime_minutes=12),
                     {"TESTING": True, "SECRET_KEY": "test"})
    try:
        officer, busy = Browser(app), Browser(app)
        officer.login("chuyenvien"), busy.login("chuyenvien2")
        frozen_clock.advance(timedelta(minutes=4))
        assert logged_in(officer) and logged_in(busy)
        frozen_clock.advance(timedelta(minutes=3))
        assert logged_in(busy)
        frozen_clock.advance(timedelta(minutes=2))
        assert not logged_in(officer)  # five minutes without a request
        assert logged_in(busy)
        frozen_clock.advance(timedelta(minutes=3))  # twelve minutes after the login
        assert not logged_in(busy)
    finally:
        app.extensions["motcua"].dispose()


def test_each_login_gets_a_new_session_and_the_token_is_stored_only_hashed(app, browser, demo):
    b = browser()
    b.login("chuyenvien")
    first = app.session_interface.get_signing_serializer(app).loads(cookie(b))["sid"]
    b.logout()
    b.login("chuyenvien")
    second = app.session_interface.get_signing_serializer(app).loads(cookie(b))["sid"]
    assert first != second
    with demo.motcua.read_session() as s:
        rows = s.execute(select(UserSession.token_hash, UserSession.end_reason).order_by(UserSession.id)).all()
    assert rows == [(sessions.token_hash(first), "logout"), (sessions.token_hash(second), "")]


def test_a_cookie_signed_with_the_right_key_but_no_live_session_is_refused(app, demo):
    serializer = app.session_interface.get_signing_serializer(app)
    for planted in ({"_user_id": str(demo.users["admin"]), "_fresh": True},
                    {"_user_id": str(demo.users["admin"]), "_fresh": True, "sid": "invented"}):
        client = app.test_client()
        client.set_cookie("session", serializer.dumps(planted))
        response = client.get("/admin/partners")
        assert response.status_code == 302 and response.location.startswith("/login")


def test_a_session_of_one_user_cannot_be_presented_as_another(app, browser, demo):
    officer = browser("chuyenvien")
    serializer = app.session_interface.get_signing_serializer(app)
    content = serializer.loads(cookie(officer))
    content["_user_id"] = str(demo.users["admin"])
    client = app.test_client()
    client.set_cookie("session", serializer.dumps(content))
    assert client.get("/admin/partners").location.startswith("/login")


def test_the_operator_resets_a_password_and_deactivates_from_the_shell(app, browser, database_url):
    from click.testing import CliRunner
    from webapp.cli import main
    officer = browser("chuyenvien")
    run = CliRunner(env={"DATABASE_URL": database_url}).invoke
    short = run(main, ["user", "password", "chuyenvien", "--password", "ngan"])
    assert short.exit_code == 1 and "Mật khẩu cần ít nhất 10 ký tự." in short.output
    assert logged_in(officer)
    reset = run(main, ["user", "password", "chuyenvien", "--password", "dat-lai-mat-khau"])
    assert reset.exit_code == 0 and "1 session(s) ended" in reset.output
    assert not logged_in(officer)
    officer = browser()
    assert officer.login("chuyenvien", "dat-lai-mat-khau").status_code == 302
    assert run(main, ["user", "deactivate", "chuyenvien"]).exit_code == 0
    assert not logged_in(officer)
    assert browser().login("chuyenvien", "dat-lai-mat-khau").status_code == 401
    assert run(main, ["user", "activate", "chuyenvien"]).exit_code == 0
    assert browser().login("chuyenvien", "dat-lai-mat-khau").status_code == 302
    unknown = run(main, ["user", "logout", "khongco"])
    assert unknown.exit_code == 1 and "no user named 'khongco'" in unknown.output
