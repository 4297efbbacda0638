"""Fixtures: a real database per test (SQLite by default, PostgreSQL when TEST_DATABASE_URL is
set), the demo organisation, a frozen engine clock, and the Flask app/client/runner."""
from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine import clock, migrate
from engine.bootstrap import Motcua
from engine.config import PROJECT_ROOT, Settings
from engine.models import Base
from engine.procedures.registry import SPEC_CACHE



def _database_of_this_worker(url: str | None) -> str | None:
    """Under pytest-xdist every worker gets a PostgreSQL database of its own (created on first
    use, named after the given one): the suite empties its tables between tests, so two workers
    cannot share one. Every test module reads the URL from here, never from the environment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


TEST_DATABASE_URL = _database_of_this_worker(os.environ.get("TEST_DATABASE_URL"))
BPMN_DIR = PROJECT_ROOT / "workflows" / "bpmn"
FORMS_DIR = PROJECT_ROOT / "workflows" / "forms"
VN = ZoneInfo("Asia/Ho_Chi_Minh")

on_postgres = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)")


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'SQLite (set TEST_DATABASE_URL for PostgreSQL)'}"


@pytest.fixture(scope="session")
def _template(tmp_path_factory):
    """Migrate once per session; each test then starts from a clean copy."""
    if TEST_DATABASE_URL:
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(engine)
        engine.dispose()
        return None
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    m = Motcua(Settings(database_url=f"sqlite:///{path}"))
    migrate.upgrade(m.db)
    # Outside any transaction: our BEGIN IMMEDIATE hook would make the checkpoint fail as "locked".
    raw = m.db.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    m.dispose()
    return path


# Every table the models declare, emptied between tests on PostgreSQL (CASCADE takes care of the
# order). Derived, so a new table needs no edit here.
TABLES = [table.name for table in reversed(Base.metadata.sorted_tables)]


@pytest.fixture
def database_url(_template, tmp_path):
    # Parsed specs are cached by (database, version id); a database reset restarts the ids with
    # other procedures behind them, so the cache goes with it.
    SPEC_CACHE.clear()
    if TEST_DATABASE_URL:
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return TEST_DATABASE_URL
    path = tmp_path / "motcua.sqlite"
    shutil.copy(_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(database_url=database_url, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR)


@pytest.fixture
def motcua(settings):
    m = Motcua(settings)
    SPEC_CACHE.clear()
    yield m
    m.dispose()


@pytest.fixture
def frozen_clock():
    fake = clock.FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=VN))  # a Monday morning
    clock.set_clock(fake)
    yield fake
    clock.reset_clock()


@pytest.fixture
def demo(motcua, frozen_clock):
    """The demo commune, its officers and every procedure in workflows/bpmn/, deployed."""
    from engine.demo import load_demo
    load_demo(motcua.uow(), BPMN_DIR, FORMS_DIR)
    return Demo(motcua)


class Demo:
    """Handy lookups of the demo organisation for tests."""

    def __init__(self, motcua: Motcua):
        from engine.models import Agency, User
        self.motcua = motcua
        with motcua.read_session() as s:
            self.users = {u.username: u.id for u in s.query(User)}
            self.agencies = {a.kind: a.id for a in s.query(Agency)}
        self.commune = self.agencies["commune_committee"]
        self.police = self.agencies["commune_police"]


@pytest.fixture
def app(settings):
    from webapp import create_app
    app = create_app(lasting_sessions(settings), {"TESTING": True, "SECRET_KEY": "test"})
    yield app
    app.extensions["motcua"].dispose()


@pytest.fixture
def no_blocked_senders():
    """The partner endpoint's own memory of the addresses it turned away (kept per process, so a
    flood costs no query) starts and ends empty."""
    from engine.partners import refusals
    refusals.BLOCKED._until.clear()
    yield
    refusals.BLOCKED._until.clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def lasting_sessions(settings: Settings) -> Settings:
    """Logins that outlast the tests which move the clock by days while an officer stays logged
    in; tests/web/test_sessions.py checks the real limits."""
    from dataclasses import replace
    year = 365 * 24 * 60
    return replace(settings, session_idle_minutes=year, session_lifetime_minutes=year)
