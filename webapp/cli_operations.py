"""`motcua` commands for running the system in production (docs/OPERATIONS.md): several web
processes under gunicorn, backups, and the invariant check. Registered on the main group in
webapp/cli.py."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from engine.config import PROJECT_ROOT, Settings


@click.command()
@click.option("--bind", default=None, help="HOST:PORT (default MOTCUA_BIND or 127.0.0.1:8000).")
@click.option("--workers", type=int, default=None, help="Web processes (default MOTCUA_WEB_WORKERS or 2 × CPUs + 1).")
@click.option("--threads", type=int, default=None, help="Threads per process (default MOTCUA_WEB_THREADS or 4).")
def web(bind, workers, threads):
    """Serve the web app with gunicorn (several processes); run `motcua scheduler` beside it."""
    threads = threads or int(os.environ.get("MOTCUA_WEB_THREADS", 4))
    # About one connection per thread, so that N processes fit the server's max_connections.
    os.environ.setdefault("MOTCUA_DB_POOL_SIZE", str(threads + 1))
    os.environ.setdefault("MOTCUA_DB_MAX_OVERFLOW", "2")
    command = [sys.executable, "-m", "gunicorn", "--config", str(PROJECT_ROOT / "gunicorn.conf.py"),
               "--chdir", str(PROJECT_ROOT), "--threads", str(threads)]
    if bind:
        command += ["--bind", bind]
    if workers:
        command += ["--workers", str(workers)]
    os.execv(sys.executable, command + ["wsgi:app"])


@click.command()
@click.argument("target", type=click.Path(path_type=Path))
def backup(target):
    """Copy the database (DATABASE_URL) to TARGET: SQLite online backup, or pg_dump."""
    from engine.backup import BackupError, backup as run_backup
    try:
        run_backup(Settings().database_url, target)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"backup written: {target}")


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: the database's current content is replaced.")
def restore(source, yes):
    """Replace the database's content with a backup (stop web processes and schedulers first)."""
    from engine.backup import BackupError, restore as run_restore
    if not yes:
        click.confirm("Replace everything in the database with the backup?", abort=True)
    try:
        run_restore(Settings().database_url, source)
    except BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"restored from {source}")


@click.command()
@click.option("--show", default=50, help="How many violations to list.")
def check(show):
    """Check every dossier's invariants (work items, revisions, audit, partner messages, escalations)."""
    from engine.bootstrap import Motcua
    from engine.invariants import check as run_check
    motcua = Motcua(Settings())
    try:
        report = run_check(motcua)
    finally:
        motcua.dispose()
    for violation in report.violations[:show]:
        click.echo(str(violation))
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


COMMANDS = (web, backup, restore, check)
