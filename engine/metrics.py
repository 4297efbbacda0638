"""Prometheus metrics, with the official client (prometheus-client).

Two kinds:

- **Measured in the process** (histograms, counters): how long each command took
  (``motcua_command_seconds``, labelled with the audit action it recorded), each scheduler tick
  (``motcua_scheduler_tick_seconds``), and, in the web app, each request
  (``motcua_request_seconds``, webapp/observability.py). Under gunicorn every worker writes them
  to files in ``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds up all workers
  (the client's multiprocess mode; gunicorn.conf.py clears the folder and retires dead workers).
- **Read from the database at scrape time** (``DatabaseCollector``): open and overdue work,
  and the backlog and dead letters of every outbox. Counting in the database is the only count
  that is right with any number of processes; the queries go through indexes.

The database counts are engine/queries/system_state.py's, the ones the administrator's start page
shows (an outbox is one line in its ``OUTBOXES``).
"""
from __future__ import annotations

import logging
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("motcua.metrics")

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # each process writes its files there from the first metric
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# From 5 ms (a claim) to 10 s (a scheduler batch after an outage).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

COMMAND_SECONDS = Histogram(
    "motcua_command_seconds", "One engine command (one transaction), by the audit action it recorded",
    ["action", "outcome"], buckets=BUCKETS)
SCHEDULER_TICK_SECONDS = Histogram(
    "motcua_scheduler_tick_seconds", "One scheduler tick: timers, escalations, deliveries", buckets=BUCKETS)
SCHEDULER_TICK_FAILURES = Counter(
    "motcua_scheduler_tick_failures", "Scheduler ticks that ended on an error")


def observe_command(actions: list[str] | None, outcome: str, seconds: float) -> None:
    COMMAND_SECONDS.labels(actions[0] if actions else "other", outcome).observe(seconds)


class DatabaseCollector:
    """Gauges read from the database when Prometheus scrapes."""

    def __init__(self, motcua):
        self._motcua = motcua

    def collect(self):
        from engine import clock
        from engine.queries.system_state import outbox_backlogs, work_counts
        up = GaugeMetricFamily("motcua_database_up", "1 when the database answered this scrape")
        try:
            with self._motcua.read_session() as session:
                now = clock.now()
                open_items, overdue = work_counts(session, now)
                backlog = outbox_backlogs(session)
        except Exception:  # the scrape still answers, and says the database did not
            log.warning("metrics: database not reachable", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        work = GaugeMetricFamily("motcua_open_work_items", "Open human steps (claimed or in a unit's queue)")
        work.add_metric([], open_items)
        yield work
        late = GaugeMetricFamily("motcua_overdue_work_items", "Open human steps past their due time")
        late.add_metric([], overdue)
        yield late
        pending = GaugeMetricFamily("motcua_outbox_pending", "Messages waiting for delivery", labels=["outbox"])
        dead = GaugeMetricFamily("motcua_outbox_dead", "Messages given up on (dead letters)", labels=["outbox"])
        age = GaugeMetricFamily("motcua_outbox_oldest_pending_seconds", "Age of the oldest waiting message",
                                labels=["outbox"])
        for name, box in backlog.items():
            pending.add_metric([name], box.waiting)
            dead.add_metric([name], box.dead)
            age.add_metric([name], 0.0 if box.oldest_waiting_at is None
                           else max(0.0, (now - box.oldest_waiting_at).total_seconds()))
        yield from (pending, dead, age)


def exposition(motcua) -> bytes:
    """The text Prometheus reads: this process's (or, in multiprocess mode, every worker's)
    measurements, then the database gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        measured = CollectorRegistry()
        multiprocess.MultiProcessCollector(measured)
    else:
        from prometheus_client import REGISTRY as measured
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector(motcua))
    return generate_latest(measured) + generate_latest(database)
