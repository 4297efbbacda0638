"""Waiting for the database is bounded: a command that cannot get its lock in time answers
"busy, try again" (503 with Retry-After), never a hang and never a 500; nothing is changed."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from conftest import TEST_DATABASE_URL
from engine.config import Settings
from engine.models import WorkItem
from tests.web.conftest import page_text


@pytest.fixture
def settings(database_url):
    # Short waits so the test does not wait long (the defaults are 10 s on PostgreSQL, 30 s on SQLite).
    from conftest import BPMN_DIR, FORMS_DIR
    return Settings(database_url=database_url, bpmn_dir=BPMN_DIR, forms_dir=FORMS_DIR, db_lock_timeout=1)


class Holder:
    """Another connection that holds the lock a command needs, as a long transaction would."""

    def __init__(self, database_url: str, dossier_id: int):
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite":
            self.conn = sqlite3.connect(url.database, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")  # SQLite: the database's write lock
        else:
            self.engine = create_engine(database_url)
            self.conn = self.engine.connect()
            self.conn.begin()
            self.conn.execute(text("SELECT id FROM dossiers WHERE id = :id FOR UPDATE"), {"id": dossier_id})

    def release(self):
        if isinstance(self.conn, sqlite3.Connection):
            self.conn.rollback()
            self.conn.close()
        else:
            self.conn.rollback()
            self.conn.close()
            self.engine.dispose()


def test_a_command_that_cannot_get_its_lock_in_time_says_try_again(browser, demo, receive_dossier, database_url):
    _code, item_id = receive_dossier()
    with demo.motcua.read_session() as s:
        dossier_id = s.get(WorkItem, item_id).dossier_id
    officer = browser("chuyenvien")
    holder = Holder(database_url, dossier_id)
    try:
        response = officer.post(f"/tasks/{item_id}/claim")
    finally:
        holder.release()
    assert response.status_code == 503 and response.headers["Retry-After"]
    html = page_text(response)
    assert "thử lại" in html and "try again" in html
    with demo.motcua.read_session() as s:
        assert s.get(WorkItem, item_id).assignee_id is None  # nothing changed
    assert officer.post(f"/tasks/{item_id}/claim").status_code == 302  # and once free, it works


def test_the_waits_are_set_on_every_connection(demo):
    """As configured (MOTCUA_DB_LOCK_TIMEOUT=1 here); statements run at most a minute by default."""
    with demo.motcua.db.connect() as conn:
        if TEST_DATABASE_URL:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "1s"
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1min"
        else:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1000
