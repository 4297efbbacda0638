"""Backups of the database and restoring them: the SQLite file through SQLite's online backup
(consistent while the app runs, WAL included), PostgreSQL through pg_dump / pg_restore
(custom format). See docs/OPERATIONS.md for when to run what.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def backup(database_url: str, target: Path) -> Path:
    """Write a copy of the database to ``target`` (a file); returns it."""
    url = make_url(database_url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)])
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's content with a backup. Stop the web processes and schedulers first."""
    url = make_url(database_url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as copy, sqlite3.connect(url.database) as target:
            copy.backup(target)
        return
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={_libpq(url)}",
          str(source)])


def _libpq(url) -> str:
    """The SQLAlchemy URL as libpq reads it (no driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:500]}")
