"""Schema upgrades through Alembic, callable from the CLI and tests."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(db_engine, revision: str = "head") -> None:
    with db_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A migration may rewrite a big table: the request-sized statement limit is not for it.
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        command.upgrade(alembic_config(connection), revision)


def downgrade(db_engine, revision: str) -> None:
    with db_engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def current(db_engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with db_engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head() -> str:
    """The revision this code's migrations end at."""
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()
