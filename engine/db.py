"""Database engines and sessions.

SQLite is the embedded default: WAL mode so readers never wait for the writer, and write
transactions that start with ``BEGIN IMMEDIATE`` so two commands on the same file serialise at
the start instead of failing half-way with "database is locked". PostgreSQL gets row locks
(``SELECT … FOR UPDATE``) from the unit of work instead.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from engine import plain_updates

# Execution option that marks a connection as read-only (a plain deferred BEGIN on SQLite).
READ_ONLY = "motcua_read_only"


def is_sqlite(engine_or_url) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(str(engine_or_url))
    return url.get_backend_name() == "sqlite"


POSTGRES_LOCK_TIMEOUT = 10  # seconds
SQLITE_BUSY_TIMEOUT = 30
STATEMENT_TIMEOUT = 60


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 30, connect_timeout: int | None = None,
                lock_timeout: float | None = None, statement_timeout: float | None = None, **kwargs) -> Engine:
    """Every wait is bounded: for a lock (``lock_timeout``) and, on PostgreSQL, for a statement
    (``statement_timeout``); past them the statement fails and the web answers "busy, try again"."""
    if is_sqlite(url):
        return _make_sqlite_engine(url, busy_timeout=lock_timeout or SQLITE_BUSY_TIMEOUT, **kwargs)
    # A connection that died while idle (server restart, network cut) is replaced on checkout.
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", pool_size)
    kwargs.setdefault("max_overflow", max_overflow)
    connect_args = kwargs.setdefault("connect_args", {})
    if connect_timeout:
        connect_args.setdefault("connect_timeout", connect_timeout)
    waits = (f"-c lock_timeout={int((lock_timeout or POSTGRES_LOCK_TIMEOUT) * 1000)} "
             f"-c statement_timeout={int((statement_timeout or STATEMENT_TIMEOUT) * 1000)}")
    # The URL may carry its own server options (e.g. ?options=-csearch_path%3Dx): connect_args
    # would replace them, so they are moved there and kept, with the waits added.
    parsed = make_url(url)
    from_url = parsed.query.get("options", "")
    from_url = " ".join(from_url) if isinstance(from_url, tuple) else from_url
    if from_url:
        url = parsed.difference_update_query(["options"])
    connect_args["options"] = " ".join(part for part in (from_url, connect_args.get("options", ""), waits) if part)
    return create_engine(url, **kwargs)


def _make_sqlite_engine(url: str, *, busy_timeout: float = SQLITE_BUSY_TIMEOUT, **kwargs) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("connect_args", {"timeout": busy_timeout, "check_same_thread": False})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control from the driver so BEGIN below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def insert_for(session, entity):
    """An INSERT that can take ``on_conflict_do_nothing`` / ``on_conflict_do_update``: SQLite and
    PostgreSQL spell them alike, each through its own dialect's construct."""
    from sqlalchemy.dialects import postgresql, sqlite
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(entity)


def make_session_factory(engine: Engine, info: dict | None = None) -> sessionmaker[Session]:
    """``info``: what every session starts with in its ``info`` (read by the engine's code)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False, info=info or {})
    plain_updates.install(factory)
    return factory


def read_only(engine: Engine) -> Engine:
    """The engine for queries only (inbox, dossier pages): never blocks a writer on SQLite."""
    return engine.execution_options(**{READ_ONLY: True})


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=read_only(engine), expire_on_commit=False)


@contextmanager
def local_settings(session, settings: dict[str, str]) -> Iterator[None]:
    """PostgreSQL: run the statements inside with these server settings (``SET LOCAL``: this
    transaction's only), then put back the values they had, so the rest of the request runs as
    configured. Nothing on SQLite, which has none of them. Two round trips: the values before are
    read as the new ones are set (the CTE is read first)."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    names = list(settings)
    before = session.execute(text(
        "WITH before AS MATERIALIZED (SELECT " + ", ".join(f"current_setting('{n}') AS b{i}" for i, n in enumerate(names))
        + ") SELECT before.*, " + ", ".join(f"set_config('{n}', :{n}, true)" for n in names) + " FROM before"),
        settings).one()[:len(names)]
    yield  # a failed statement aborts the transaction, and with it the settings: nothing to put back
    session.execute(text("SELECT " + ", ".join(f"set_config('{n}', :{n}, true)" for n in names)),
                    dict(zip(names, before)))
