"""A small in-memory limit: N events per (key, client address) within a window. The public
lookup (webapp/public.py) uses it; officers' logins use the database-backed, atomic
engine/commands/login_throttle.py instead, shared by every process.

Time comes from engine.clock, so tests move it instead of waiting.

Limitation, on purpose: the counts live in this process's memory. Behind several web workers
each worker counts on its own, and a restart forgets them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict, deque
from datetime import datetime, timedelta

from engine import clock


class LoginThrottle:
    # Bound the memory an attacker can make us use by inventing usernames.
    MAX_KEYS = 50_000

    def __init__(self, max_failures: int = 5, window: timedelta = timedelta(minutes=15)):
        self.max_failures = max_failures
        self.window = window
        self._failures: OrderedDict[tuple[str, str], deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key, now) -> deque[datetime]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, username: str, address: str) -> timedelta | None:
        """None when a login may be tried; otherwise how long until the oldest failure expires."""
        key, now = (username.lower(), address or ""), clock.now()
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.max_failures:
                return None
            return times[0] + self.window - now

    def failed(self, username: str, address: str) -> None:
        key, now = (username.lower(), address or ""), clock.now()
        with self._lock:
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            self._failures.move_to_end(key)
            while len(self._failures) > self.MAX_KEYS:
                self._failures.popitem(last=False)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username.lower(), address or ""), None)
