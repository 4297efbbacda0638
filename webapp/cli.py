"""The ``motcua`` command: database, demo data, procedures and the server."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from engine.bootstrap import Motcua
from engine.config import Settings
from engine.errors import ProcedureInvalid


def _motcua() -> Motcua:
    return Motcua(Settings())


@click.group()
def main():
    """motcua: one-stop dossier handling on BPMN (DATABASE_URL selects the database)."""
    _freeze_clock_if_asked()


def _freeze_clock_if_asked():
    # For tests and demos that run real processes at a chosen moment: MOTCUA_FROZEN_NOW=ISO-8601.
    import os
    from datetime import datetime
    from engine import clock
    frozen = os.environ.get("MOTCUA_FROZEN_NOW")
    if frozen:
        moment = datetime.fromisoformat(frozen)
        if moment.tzinfo is None:
            raise click.UsageError("MOTCUA_FROZEN_NOW needs a UTC offset, e.g. 2026-11-23T15:30:00+07:00")
        clock.set_clock(lambda: moment)


@main.command("init-db")
def init_db():
    """Create or upgrade the schema to the latest migration, and seed the holiday calendar."""
    from engine import migrate
    from engine.calendar.store import seed_calendar
    m = _motcua()
    migrate.upgrade(m.db)
    with m.uow() as uow:
        seed_calendar(uow.session)
        uow.commit()
    click.echo(f"database at revision {migrate.current(m.db)}: {m.db.url.render_as_string(hide_password=True)}")


@main.command()
@click.option("--as", "partner", type=click.Choice(["bhxh", "thue"]), default=None,
              help="Load a partner agency's own system instead (social insurance or tax), for a second "
                   "instance with its own database: see docs/PARTNERS.md.")
@click.option("--main-port", type=int, default=None,
              help="Port the main demo is served on (default 5000): partners send their answers there.")
@click.option("--bhxh-port", type=int, default=None, help="Port of the social insurance instance (main + 1).")
@click.option("--thue-port", type=int, default=None, help="Port of the tax instance (main + 2).")
def demo(partner, main_port, bhxh_port, thue_port):
    """Load demo agencies, users and every procedure in workflows/bpmn/."""
    from engine import migrate
    from engine.demo import DEMO_PASSWORD, MAIN_PORT, PARTNER_BPMN_DIR, load_demo, load_partner_demo, partner_ports
    m = _motcua()
    migrate.upgrade(m.db)
    main_port = main_port or MAIN_PORT
    if partner:
        counts = load_partner_demo(m.uow(), partner, PARTNER_BPMN_DIR, m.settings.forms_dir, main_port=main_port)
    else:
        ports = partner_ports(main_port, bhxh=bhxh_port, thue=thue_port)
        counts = load_demo(m.uow(), m.settings.bpmn_dir, m.settings.forms_dir, ports=ports)
    if not m.settings.signing_p12.exists() and not m.settings.signing_passphrase:
        # Electronic results need a signing certificate: the demo makes its own CA and one for the agencies.
        from engine.results.pki import make_pki
        pki = make_pki(m.settings.signing_p12, m.settings.signing_trust, "UBND xã Tân Phong (demo)", b"")
        click.echo(f"demo signing certificate: {pki.p12} (trust root {pki.ca_pem})")
    click.echo(f"demo loaded: {counts['agencies']} agencies, {counts['users']} users, "
               f"{counts['versions']} procedure versions; password for every demo user: {DEMO_PASSWORD}")
    if not partner:
        from engine.demo import DEMO_CITIZEN_EMAIL
        from engine.demo_citizen import load_citizen_dossiers
        made = load_citizen_dossiers(m, email=DEMO_CITIZEN_EMAIL,
                                     link=lambda token: f"http://127.0.0.1:{main_port}/xac-minh/{token}")
        if made:
            click.echo(f"demo citizen {DEMO_CITIZEN_EMAIL}: {made} dossiers submitted online "
                       "(one paid online with its signed result, one waiting for its fee)")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--forms", "forms_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of form schemas (default: workflows/forms).")
def validate(paths, forms_dir):
    """Check BPMN files against the engine and our conventions; deploy nothing."""
    from engine.procedures.checker import check_file
    forms_dir = forms_dir or Settings().forms_dir
    failed = False
    for path in paths:
        try:
            checked = check_file(path, forms_dir)
        except ProcedureInvalid as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem), err=True)
        else:
            click.echo(f"{path}: OK ({checked.key}, {len(checked.manifest['steps'])} steps)")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--forms", "forms_dir", type=click.Path(path_type=Path), default=None)
@click.option("--by", "deployed_by", default="cli", help="Recorded as the deployer.")
def deploy(paths, forms_dir, deployed_by):
    """Deploy BPMN files as new procedure versions (all or nothing)."""
    from engine.procedures.registry import check_and_deploy
    m = _motcua()
    try:
        with m.uow() as uow:
            warnings = []
            versions = check_and_deploy(uow, paths, forms_dir or m.settings.forms_dir, deployed_by, warnings)
            # The version new dossiers start (a roll-back may have made an older one active).
            summary = [(v.procedure.key, v.number, v.procedure.active_number or v.number) for v in versions]
            uow.commit()
    except ProcedureInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("nothing deployed", err=True)
        sys.exit(1)
    for warning in warnings:
        click.echo(str(warning), err=True)
    for key, number, active in summary:
        if active == number:
            click.echo(f"{key}: version {number}")
        else:
            click.echo(f"{key}: version {number} (deployed already; new dossiers start version {active}: "
                       f"`motcua procedure activate {key} {number} --as USER` makes it the active one)")


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-scheduler", is_flag=True, help="Do not run the scheduler in this process.")
@click.option("--demo-stand-ins", is_flag=True,
              help="Run loopback stand-ins of the payment gateway and the SMS operator where none is "
                   "configured (the demo, `make run`): never where citizens pay real fees.")
def serve(host, port, no_scheduler, demo_stand_ins):
    """Serve the web app (waitress), with the scheduler in-process unless told otherwise."""
    from waitress import serve as waitress_serve
    from engine.logging_setup import configure_logging
    from engine.scheduler.runner import start_background
    from webapp import create_app
    from webapp.secret import SecretKeyError
    configure_logging()  # text lines on a terminal unless MOTCUA_LOG_FORMAT=json
    if not os.environ.get("MOTCUA_PORTAL_URL"):
        _national_portal_stand_in()
    if demo_stand_ins:
        from integrations.standins.demo import start_demo_stand_ins
        for line in start_demo_stand_ins(port):  # the payment gateway and the SMS operator, when not configured
            click.echo(line)
    try:
        app = create_app()
    except SecretKeyError as exc:
        raise click.ClickException(str(exc))
    if not no_scheduler:
        start_background(app.extensions["motcua"])
    click.echo(f"motcua on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=8)


def _national_portal_stand_in():
    """The embedded demo syncs with a local stand-in of the national portal (the records it took
    are in the process's memory), so the sync can be watched on /admin/portal."""
    from integrations.national_portal_standin import NationalPortalStandIn
    stand_in = NationalPortalStandIn().start()
    os.environ["MOTCUA_PORTAL_URL"], os.environ["MOTCUA_PORTAL_SESSION"] = stand_in.url, stand_in.session_token
    click.echo(f"national portal stand-in on {stand_in.url}")


@main.command()
@click.option("--once", is_flag=True, help="Run one tick and exit (cron, tests).")
@click.option("--interval", default=60, type=int, help="Seconds between ticks.")
@click.option("--metrics-port", type=int, default=None,
              help="Serve this process's Prometheus metrics on 127.0.0.1:PORT (/metrics).")
def scheduler(once, interval, metrics_port):
    """Run the scheduler: BPMN timers, escalations, will-be-late dossiers, mail delivery."""
    from engine.logging_setup import configure_logging
    from engine.scheduler.runner import run_forever, run_tick, serve_metrics
    configure_logging()
    m = _motcua()
    if metrics_port:
        serve_metrics(metrics_port)
    if once:
        report = run_tick(m)
        click.echo(f"warnings={report.warnings} overdue={report.overdue} "
                   f"will_be_late={report.will_be_late} mails_sent={report.mails_sent} timers={report.timers}")
        return
    run_forever(m, interval)


from webapp.cli_operations import COMMANDS as _OPERATIONS  # noqa: E402  web, backup, restore

for _command in _OPERATIONS:
    main.add_command(_command)

from webapp.cli_accounts import COMMANDS as _ACCOUNTS  # noqa: E402  user password/deactivate/…

for _command in _ACCOUNTS:
    main.add_command(_command)

if __name__ == "__main__":
    main()

from webapp.cli_procedures import COMMANDS as _PROCEDURES  # noqa: E402  procedure publish/retire/…

for _command in _PROCEDURES:
    main.add_command(_command)
