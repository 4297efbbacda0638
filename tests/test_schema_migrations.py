"""init-db on an empty database, and an upgrade from the previous revision that keeps data."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, inspect, text

from engine import migrate
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_db(tmp_path):
    """A database with nothing in it: a new SQLite file, or a fresh schema on PostgreSQL."""
    if not TEST_DATABASE_URL:
        engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
        yield engine
        engine.dispose()
        return
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(TEST_DATABASE_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_init_db_on_an_empty_database_creates_every_table(empty_db):
    migrate.upgrade(empty_db)
    tables = set(inspect(empty_db).get_table_names())
    assert {"agencies", "users", "memberships", "procedures", "procedure_versions", "dossiers",
            "work_items", "audit_events", "dossier_code_sequences"} <= tables
    migrate.upgrade(empty_db)  # running it again is harmless
    assert migrate.current(empty_db) is not None


def test_upgrade_from_the_previous_revision_keeps_the_data(empty_db):
    migrate.upgrade(empty_db, "0001")
    with empty_db.begin() as conn:
        conn.execute(text(
            "INSERT INTO agencies (code, name, kind, area_code, timezone) "
            "VALUES ('000.31.21.H56', 'UBND xã Tân Phong', 'commune_committee', 'H56.TP', 'Asia/Ho_Chi_Minh')"))
        conn.execute(text(
            "INSERT INTO users (username, full_name, email, password_hash, locale, is_active, is_admin) "
            "VALUES ('tiepnhan', 'Nguyễn Thị Hoa', '', '', 'vi', true, false)"))
    migrate.upgrade(empty_db)
    with empty_db.connect() as conn:
        assert conn.execute(text("SELECT name FROM agencies")).scalar_one() == "UBND xã Tân Phong"
        assert conn.execute(text("SELECT full_name FROM users")).scalar_one() == "Nguyễn Thị Hoa"
        assert conn.execute(text("SELECT count(*) FROM dossiers")).scalar_one() == 0


def test_downgrade_to_nothing_and_back(empty_db):
    migrate.upgrade(empty_db)
    migrate.downgrade(empty_db, "base")
    assert "dossiers" not in inspect(empty_db).get_table_names()
    migrate.upgrade(empty_db)
    assert "dossiers" in inspect(empty_db).get_table_names()


def test_init_db_command(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from webapp.cli import main
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    result = CliRunner().invoke(main, ["init-db"])
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.output
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
