"""The one clock of the engine. Tests move time by replacing it, never by sleeping."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable

_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


def now() -> datetime:
    """The current instant, always timezone-aware (UTC)."""
    return _now()


def set_clock(fn: Callable[[], datetime]) -> None:
    global _now
    _now = fn


def reset_clock() -> None:
    set_clock(lambda: datetime.now(timezone.utc))


class FrozenClock:
    """A clock for tests and benchmarks: stands still until moved."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, delta) -> datetime:
        self.current = self.current + delta
        return self.current


@contextmanager
def frozen_at(start: datetime) -> Iterator[FrozenClock]:
    """Within the block the clock stands at ``start`` and moves only when told (the demo's made-up
    history); the clock it replaced is back after it."""
    global _now
    before, frozen = _now, FrozenClock(start)
    _now = frozen
    try:
        yield frozen
    finally:
        _now = before
