"""Running one dossier's workflow: sandbox, serializer, loading and saving, work items."""

from engine.runtime import timer_clock as _timer_clock

_timer_clock.install()  # before any workflow runs: BPMN timers follow engine.clock (see that module)
