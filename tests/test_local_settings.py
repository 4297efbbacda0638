"""Server settings given to one statement (engine.db.local_settings): they hold for the statements
inside, and the values before are back after them, for the rest of the request."""
from __future__ import annotations

from sqlalchemy import text

from engine.db import local_settings
from tests.conftest import on_postgres

SHOW = text("SELECT current_setting('work_mem'), current_setting('jit'), current_setting('max_parallel_workers_per_gather')")


@on_postgres
def test_settings_hold_inside_and_are_put_back_after(motcua):
    with motcua.read_session() as s:
        before = tuple(s.execute(SHOW).one())
        with local_settings(s, {"work_mem": "64MB", "jit": "off", "max_parallel_workers_per_gather": "0"}):
            assert tuple(s.execute(SHOW).one()) == ("64MB", "off", "0")
        assert tuple(s.execute(SHOW).one()) == before


def test_nothing_is_set_on_sqlite_or_left_behind(motcua):
    with motcua.read_session() as s:
        with local_settings(s, {"work_mem": "64MB"}):
            assert s.execute(text("SELECT 1")).scalar() == 1
        assert s.execute(text("SELECT 2")).scalar() == 2
