"""One tick of the scheduler, and the APScheduler wiring that repeats it."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from engine.scheduler.escalation import sweep_late_dossiers, sweep_steps
from engine.scheduler.mail_delivery import deliver_mail
from engine.scheduler.partner_delivery import run_partner_jobs
from engine.scheduler.timers import sweep_timers

log = logging.getLogger("motcua.scheduler")
TICK_SECONDS = 60


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
    partners = run_partner_jobs(motcua)
    if any(vars(partners).values()):
        log.info("tick: partners %s", partners)
    report = TickReport(steps.warnings, steps.overdue, dossiers.will_be_late, sent, timers.fired)
    if any(vars(report).values()):
        log.info("tick: %s", report)
    return report


def _safe_tick(motcua):
    try:
        run_tick(motcua)
    except Exception:  # a bad tick must not stop the next one
        log.exception("scheduler tick failed")


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
    scheduler = BlockingScheduler()
    scheduler.add_job(_safe_tick, "interval", seconds=seconds, args=[motcua], max_instances=1, coalesce=True)
    _safe_tick(motcua)
    scheduler.start()
