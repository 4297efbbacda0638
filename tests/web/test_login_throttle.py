"""The brake on password guessing holds under concurrency and across processes, and every
failed login costs the same work whether the account exists, is inactive or has a wrong password."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

import engine.accounts
from engine.bootstrap import Motcua
from engine.commands import login_throttle
from engine.commands.accounts import set_active
from engine.models import LoginAttempt, User
from tests.web.conftest import Browser
from webapp import create_app


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password-hash check the app makes: the method and cost of the hash it checked."""
    calls: list[str] = []
    real = engine.accounts.check_password_hash

    def recording(stored, password):
        calls.append(stored.split("$", 1)[0])  # e.g. "scrypt:32768:8:1"
        return real(stored, password)
    monkeypatch.setattr(engine.accounts, "check_password_hash", recording)
    return calls


def test_thirty_simultaneous_wrong_passwords_check_at_most_five(app, demo, hash_checks):
    start, answers = threading.Barrier(30), []

    def guess(n):
        b = Browser(app, address="198.51.100.4")
        b.token()
        start.wait()
        answers.append(b.login("chuyenvien", f"doan-{n}").status_code)
    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [401] * 5 + [429] * 25
    assert len(hash_checks) == 5
    with demo.motcua.read_session() as s:
        assert s.execute(select(LoginAttempt.attempts)).scalars().all() == [30]


def test_the_count_is_shared_by_every_process_of_the_deployment(settings, demo):
    """Two web processes (two apps, each with its own engine and pool) on one database."""
    first = create_app(settings, {"TESTING": True, "SECRET_KEY": "test"})
    second = create_app(settings, {"TESTING": True, "SECRET_KEY": "test"})
    try:
        for n in range(5):
            assert Browser((first, second)[n % 2], "198.51.100.5").login("chuyenvien", "sai").status_code == 401
        for app in (first, second):
            assert Browser(app, "198.51.100.5").login("chuyenvien").status_code == 429
    finally:
        first.extensions["motcua"].dispose()
        second.extensions["motcua"].dispose()


def test_unknown_inactive_and_wrong_password_cost_the_same_hash_work(browser, demo, hash_checks):
    with demo.motcua.read_session() as s:
        real_method = s.execute(select(User.password_hash).where(User.username == "chuyenvien")).scalar_one() \
            .split("$", 1)[0]
    set_active(demo.motcua.uow(), user_id=demo.users["congan"], active=False)
    with demo.motcua.uow() as uow:  # an account that never got a password
        uow.session.get(User, demo.users["chuyenvien2"]).password_hash = ""
        uow.commit()
    for username, password in (("khongtontai", "motcua-demo"), ("congan", "motcua-demo"),
                               ("chuyenvien", "sai-mat-khau"), ("chuyenvien2", ""), ("x" * 300, "y" * 300)):
        hash_checks.clear()
        response = browser(address="198.51.100.6").login(username, password)
        assert response.status_code == 401, username
        assert hash_checks == [real_method], username  # one full check, same method and cost
    hash_checks.clear()
    assert browser().login("chuyenvien").status_code == 302
    assert hash_checks == [real_method]


def test_a_window_starts_again_after_it_ends_and_old_rows_are_swept(motcua, frozen_clock, demo):
    policy = login_throttle.ThrottlePolicy(max_attempts=2, window=timedelta(minutes=15))
    assert login_throttle.reserve(motcua.uow(), "a", "1.1.1.1", policy) is None
    frozen_clock.advance(timedelta(minutes=5))
    assert login_throttle.reserve(motcua.uow(), "A ", "1.1.1.1", policy) is None  # same account
    assert login_throttle.reserve(motcua.uow(), "a", "1.1.1.1", policy) == timedelta(minutes=10)
    assert login_throttle.reserve(motcua.uow(), "b", "1.1.1.1", policy) is None
    frozen_clock.advance(timedelta(minutes=10))
    assert login_throttle.reserve(motcua.uow(), "a", "1.1.1.1", policy) is None
    frozen_clock.advance(timedelta(minutes=16))
    login_throttle.reserve(motcua.uow(), "c", "1.1.1.1", policy)
    with motcua.read_session() as s:
        assert s.execute(select(LoginAttempt.username)).scalars().all() == ["c"]


def test_looking_at_the_login_page_is_not_a_login_attempt(browser, demo):
    b = browser()
    for _ in range(6):
        assert b.client.head("/login").status_code == 200
        assert b.get("/login").status_code == 200
    with demo.motcua.read_session() as s:
        assert s.execute(select(LoginAttempt)).first() is None
    assert b.login("chuyenvien").status_code == 302
