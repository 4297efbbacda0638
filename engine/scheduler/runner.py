"""One tick of the scheduler, and the APScheduler wiring that repeats it."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from engine import clock, context
from engine.metrics import SCHEDULER_TICK_FAILURES, SCHEDULER_TICK_SECONDS
from engine.models import SchedulerTick
from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
from engine.scheduler.mail_delivery import deliver_mail
from engine.scheduler.partner_delivery import run_partner_jobs
from engine.scheduler.portal_delivery import deliver_portal
from engine.scheduler.sms_delivery import deliver_sms
from engine.scheduler.timers import sweep_timers

log = logging.getLogger("motcua.scheduler")
TICK_SECONDS = 60
TICK_ROW = "scheduler"


@dataclass
class TickReport:
    warnings: int
    overdue: int
    will_be_late: int
    mails_sent: int
    timers: int = 0  # BPMN timers fired


def run_tick(motcua) -> TickReport:
    # Timers first: a timer's path may open steps whose own deadlines the sweeps below watch.
    timers = sweep_timers(motcua)
    steps = sweep_steps(motcua.uow())
    dossiers = sweep_late_dossiers(motcua.uow())
    sent = deliver_mail(motcua.uow, motcua.mailer)
    texts = deliver_sms(motcua.uow, motcua.sms_gateway)
    if texts:
        log.info("tick: %d SMS sent", texts)
    partners = run_partner_jobs(motcua)
    if any(vars(partners).values()):
        log.info("tick: partners %s", partners)
    portal = deliver_portal(motcua.uow, motcua.portal_client)
    if any(vars(portal).values()):
        log.info("tick: national portal %s", portal)
    report = TickReport(steps.warnings, steps.overdue, dossiers.will_be_late, sent, timers.fired)
    if any(vars(report).values()):
        log.info("tick: %s", report)
    return report


def _safe_tick(motcua):
    # One id per tick, like a web request's: its log lines and the audit rows it writes share it.
    with context.bound_request_id(context.new_request_id(prefix="tick-")), SCHEDULER_TICK_SECONDS.time():
        started = clock.now()
        try:
            run_tick(motcua)
        except Exception as exc:  # a bad tick must not stop the next one
            SCHEDULER_TICK_FAILURES.inc()
            log.exception("scheduler tick failed")
            _record_tick(motcua, started, f"{type(exc).__name__}: {exc}")
        else:
            _record_tick(motcua, started, None)


def _record_tick(motcua, started, error: str | None) -> None:
    """When this tick ran and how it ended, for the administrator's start page. A database that
    cannot take even this is already in the log; the next tick tries again."""
    try:
        with motcua.uow() as uow:
            row = uow.session.get(SchedulerTick, TICK_ROW)
            if row is None:
                row = SchedulerTick(name=TICK_ROW)
                uow.session.add(row)
            row.last_started_at = started
            if error is None:
                row.last_finished_at = clock.now()
            else:
                row.last_failed_at, row.last_error = clock.now(), error[:2000]
            uow.commit()
    except Exception:
        log.warning("could not record the scheduler tick", exc_info=True)


def start_background(motcua, seconds: int = TICK_SECONDS):
    """In-process scheduler for `motcua serve` (the embedded demo)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(_safe_tick, "interval", seconds=seconds, args=[motcua], max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler


def run_forever(motcua, seconds: int = TICK_SECONDS) -> None:
    """`motcua scheduler`: its own process; several may run against one PostgreSQL."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    import signal
    scheduler = BlockingScheduler()
    scheduler.add_job(_safe_tick, "interval", seconds=seconds, args=[motcua], max_instances=1, coalesce=True)
    # SIGTERM (systemd stop, a deploy) ends the loop once the running tick has committed or rolled back.
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    _safe_tick(motcua)
    scheduler.start()
    log.info("scheduler stopped")


def serve_metrics(port: int, address: str = "127.0.0.1") -> None:
    """This process's metrics over HTTP, for a scheduler that runs without the web app beside it.
    With PROMETHEUS_MULTIPROC_DIR set (same host as gunicorn), the web's /metrics has them too."""
    import os
    from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=address, registry=registry)
