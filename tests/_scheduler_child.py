"""A real scheduler process for tests/test_scheduler_crash.py.

    python -m tests._scheduler_child stop-at <point>     one tick (`motcua scheduler --once`) that
                                                        stops for good at <point>, for the parent to kill
    python -m tests._scheduler_child ticks <ISO> ...     at each instant, ticks until one finds nothing

The database, the SMTP server and the frozen clock come from the environment, as for the CLI
(DATABASE_URL, MOTCUA_SMTP_HOST/PORT, MOTCUA_FROZEN_NOW).

Points where the process stops (prints ``STOPPED <point> <details>`` on stdout, then waits in
signal.pause() until it is killed):
  escalation-commit:<level>  in the sweep's transaction, its escalation rows (of that level),
                             notifications and mails flushed to the database, before the commit;
  mail-leased                a mail leased (committed), before it is handed to the SMTP server;
  mail-accepted              the SMTP server accepted a mail, before it is marked sent.
"""
from __future__ import annotations

import json
from collections import Counter
import signal
import sys
from datetime import datetime

from sqlalchemy import func, select

from engine import clock
from engine.models import Escalation, Notification, OutgoingMail
from engine.scheduler import mail_delivery
from engine.unit_of_work import UnitOfWork


def _stop(point: str, **details) -> None:
    print(f"STOPPED {point} {json.dumps(details)}", flush=True)
    while True:  # only SIGKILL ends this process now
        signal.pause()


def _stop_before_escalation_commit(level: str) -> None:
    real_commit = UnitOfWork.commit

    def commit(self):
        session = self.session
        session.flush()  # what the sweep wrote is now in the database, uncommitted
        flushed = session.execute(select(func.count()).select_from(Escalation)
                                  .where(Escalation.level == level)).scalar_one()
        if flushed:
            seen = {model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
                    for model in (Escalation, Notification, OutgoingMail)}
            _stop(f"escalation-commit:{level}", flushed=flushed, visible_in_transaction=seen)
        real_commit(self)

    UnitOfWork.commit = commit


def _stop_in_delivery(point: str) -> None:
    if point == "mail-leased":
        real_lease = mail_delivery._lease_one

        def lease_one(uow):
            mail = real_lease(uow)
            if mail is not None:
                _stop(point, message_id=mail.dedupe_key, attempts=mail.attempts)
            return mail

        mail_delivery._lease_one = lease_one
    else:
        def record_sent(_uow, mail):
            _stop(point, message_id=mail.dedupe_key, attempts=mail.attempts)

        mail_delivery._record_sent = record_sent


def stop_at(point: str) -> None:
    if point.startswith("escalation-commit:"):
        _stop_before_escalation_commit(point.split(":", 1)[1])
    elif point in ("mail-leased", "mail-accepted"):
        _stop_in_delivery(point)
    else:
        raise SystemExit(f"unknown point {point}")
    from webapp.cli import main
    main(["scheduler", "--once"])


def ticks(instants: list[str]) -> None:
    """Tick at each instant until a tick finds nothing to do; print the totals this process did."""
    from engine.bootstrap import Motcua
    from engine.config import Settings
    from engine.scheduler.runner import run_tick
    motcua = Motcua(Settings())
    totals = Counter()
    for instant in instants:
        moment = datetime.fromisoformat(instant)
        clock.set_clock(lambda: moment)
        while True:
            report = vars(run_tick(motcua))
            totals["ticks"] += 1
            for key, value in report.items():
                totals[key] += value  # whatever the tick reports (the report may grow)
            if not any(report.values()):
                break
    print(f"TOTALS {json.dumps(totals)}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "stop-at":
        stop_at(sys.argv[2])
    elif sys.argv[1] == "ticks":
        ticks(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
