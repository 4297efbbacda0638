"""Locust users for bench/load/run_load.py: each one an officer running tests/load_scenario.py.

The officers' usernames come from LOAD_OFFICERS (comma-separated), one per user, in turn; every
one has the password LOAD_PASSWORD.
"""
from __future__ import annotations

import itertools
import os
import random
import re
import sys
from html import unescape
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.load_scenario import work_once  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_names = itertools.cycle(os.environ.get("LOAD_OFFICERS", "chuyenvien").split(","))
_seeds = itertools.count(1)


class LocustClient:
    """The scenario's client interface over Locust's HttpSession (which keeps the cookies)."""

    def __init__(self, session):
        self.session, self.token = session, None

    def _keep_token(self, response):
        found = TOKEN.search(response.text or "")
        if found:
            self.token = unescape(found.group(1))
        return response.status_code, response.headers.get("Location", ""), response.text or ""

    def get(self, path, kind):
        with self.session.get(path, name=kind, allow_redirects=False, catch_response=True) as response:
            _judge(response)
            return self._keep_token(response)

    def post(self, path, form, kind):
        if self.token is None:
            self.get("/login", "login")
        with self.session.post(path, data=dict(form, csrf_token=self.token), name=kind, allow_redirects=False,
                               catch_response=True) as response:
            _judge(response)
            return self._keep_token(response)


def _judge(response):
    # Redirects are the normal answer to a form; a 5xx (or no answer) is a failure.
    if response.status_code and response.status_code < 500:
        response.success()
    else:
        response.failure(f"HTTP {response.status_code}")


class OfficerUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.username = next(_names)
        self.rng = random.Random(next(_seeds))
        self.client_adapter = LocustClient(self.client)
        self.client_adapter.get("/login", "login")
        self.client_adapter.post("/login", {"username": self.username,
                                            "password": os.environ.get("LOAD_PASSWORD", "")}, "login")

    @task
    def work(self):
        work_once(self.client_adapter, self.rng)
