"""Migration 0034 lets a session row belong to a citizen: officers' sessions live through it
unchanged (an officer stays logged in across the upgrade), and a row is an officer's or a
citizen's, never both nor neither; going back drops the citizens' sessions only."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from engine import migrate
from tests.migration_scratch import drop_scratch, scratch_engine, timed


AT = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
INSERT_SESSION = ("INSERT INTO user_sessions (token_hash, {holders}, started_at, last_seen_at, end_reason, address, "
                  "user_agent) VALUES (:digest, {values}, :at, :at, '', '', '')")


def insert_session(conn, digest: str, **holders) -> None:
    sql = INSERT_SESSION.format(holders=", ".join(holders), values=", ".join(f":{name}" for name in holders))
    conn.execute(timed(sql, "at"), {"digest": digest, "at": AT, **holders})


def test_officers_sessions_survive_and_a_session_has_exactly_one_holder(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0033")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, username, full_name, email, password_hash, locale, is_active, "
                              "is_admin) VALUES (1, 'tiepnhan', 'Nguyễn Thị Hoa', '', '', 'vi', true, false)"))
            insert_session(conn, "a" * 64, user_id=1)

        migrate.upgrade(engine, "0034")

        with engine.begin() as conn:
            conn.execute(timed("INSERT INTO citizens (id, email, full_name, id_number, phone, address, locale, "
                                "created_at) VALUES (7, 'an@example.vn', 'Nguyễn Văn An', '', '', '', 'vi', :at)",
                                "at"), {"at": AT})
            insert_session(conn, "b" * 64, citizen_id=7)
        for wrong in ({"user_id": 1, "citizen_id": 7}, {"user_id": None, "citizen_id": None}):
            with pytest.raises(IntegrityError), engine.begin() as conn:
                insert_session(conn, "c" * 64, **wrong)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT token_hash, user_id, citizen_id, started_at IS NOT NULL "
                                     "FROM user_sessions ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [("a" * 64, 1, None, True), ("b" * 64, None, 7, True)]
        indexes = {index["name"] for index in inspect(engine).get_indexes("user_sessions")}
        assert {"ix_user_sessions_user_id", "ix_user_sessions_citizen_id"} <= indexes

        migrate.downgrade(engine, "0033")

        with engine.connect() as conn:
            assert conn.execute(text("SELECT token_hash, user_id FROM user_sessions")).all() == [("a" * 64, 1)]
    finally:
        drop_scratch(engine)
