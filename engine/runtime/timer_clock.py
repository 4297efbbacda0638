"""BPMN timers read the engine's clock.

SpiffWorkflow has no clock hook: its timer event definitions compare their due moment with
``datetime.now(timezone.utc)`` inside ``SpiffWorkflow.bpmn.specs.event_definitions.timer``
(docs/SPIFFWORKFLOW.md §6). Left alone, a dossier's timers would follow the machine's clock while
everything else (due dates, escalations, the scheduler's "what is due") follows
``engine.clock``: a test with a frozen clock could never fire a timer, and the scheduler could
wake a dossier whose timer the engine then thinks has not fired yet (or the reverse), waking it
again on every tick. So that module's ``datetime`` is replaced, once, by a subclass whose
``now()`` asks ``engine.clock.now()``. Everything else about it is the real ``datetime``:
parsing, arithmetic and ``isinstance`` checks inside that module behave as before.
"""
from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

from engine import clock


class EngineClockDatetime(datetime):
    """``datetime`` whose ``now()`` is the engine's clock (aware, converted to ``tz`` if given)."""

    @classmethod
    def now(cls, tz=None):
        current = clock.now()
        # Without tz, datetime.now() means naive local time: keep that meaning.
        current = current.astimezone(tz) if tz is not None else current.astimezone().replace(tzinfo=None)
        return cls.combine(current.date(), current.timetz())


def install() -> None:
    """Idempotent: called when engine.runtime is imported, before any workflow runs."""
    if _spiff_timer.datetime is not EngineClockDatetime:
        _spiff_timer.datetime = EngineClockDatetime
