"""A production-shaped deployment on this machine, for the tests and bench/load: gunicorn web
processes (`motcua web`) and scheduler processes (`motcua scheduler`) against one database,
optionally through a TCP proxy the caller can cut, and an HTTP client that behaves like an
officer's browser (cookies, CSRF tokens).

Nothing here sleeps to make time pass for the engine; the waits are for real processes to come
up or go away, each with a deadline.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from engine.config import PROJECT_ROOT

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Deployment:
    """Web and scheduler processes; their stderr (JSON log lines) goes to files in ``folder``."""

    def __init__(self, database_url: str, folder: Path, *, env: dict | None = None):
        self.database_url, self.folder = database_url, Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.metrics_dir = self.folder / "prometheus"
        self.env = dict(os.environ, DATABASE_URL=database_url, MOTCUA_SECRET_KEY="deployment-test-" + uuid.uuid4().hex,
                        MOTCUA_LOG_FORMAT="json", PROMETHEUS_MULTIPROC_DIR=str(self.metrics_dir), **(env or {}))
        self.env.pop("TEST_DATABASE_URL", None)
        self.web: subprocess.Popen | None = None
        self.schedulers: list[subprocess.Popen] = []
        self.port = free_port()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "a")
        return subprocess.Popen([sys.executable, "-m", "webapp.cli", *args], cwd=PROJECT_ROOT,
                                env=dict(self.env, **(env or {})), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start_web(self, workers: int = 2, threads: int = 4, timeout: float = 60) -> None:
        self.web = self._spawn("web", ["web", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                                       "--threads", str(threads)])
        self.wait_ready(timeout)

    def start_schedulers(self, count: int = 1, interval: int = 1, env: dict | None = None) -> None:
        for n in range(count):
            self.schedulers.append(self._spawn(f"scheduler-{len(self.schedulers) + 1}",
                                               ["scheduler", "--interval", str(interval)], env))

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f"web exited with {self.web.returncode}: {self.log('web')[-2000:]}")
            try:
                status, _h, _b = request("GET", self.base + "/readyz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"not ready after {timeout} s: {self.log('web')[-2000:]}")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master)."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.web.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_lines(self, name: str) -> list[dict]:
        lines = []
        for raw in self.log(name).splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                pass
        return lines

    def stop(self, timeout: float = 30) -> dict[str, int]:
        """SIGTERM everything and wait: a clean stop. Returns each process's exit code."""
        codes = {}
        for name, proc in [("web", self.web)] + [(f"scheduler-{i + 1}", p) for i, p in enumerate(self.schedulers)]:
            if proc is None:
                continue
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                codes[name] = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                codes[name] = proc.wait()
        return codes


class TcpProxy:
    """A loopback TCP proxy to the database that the caller can cut: every open connection is
    closed and new ones are refused (closed at once) until ``restore``."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        self._cut = threading.Event()
        self._stopped = threading.Event()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._stopped.is_set():
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            if self._cut.is_set():
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            pair = (client, upstream)
            with self._lock:
                self._pairs.add(pair)
            threading.Thread(target=self._pump, args=(pair,), daemon=True).start()

    def _pump(self, pair):
        a, b = pair
        try:
            while True:
                readable, _w, _x = select.select([a, b], [], [], 1.0)
                if self._cut.is_set() or self._stopped.is_set():
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        raise ConnectionError
                    (b if sock is a else a).sendall(data)
        except (OSError, ConnectionError, ValueError):
            pass
        finally:
            with self._lock:
                self._pairs.discard(pair)
            _close(a)
            _close(b)

    def cut(self) -> None:
        self._cut.set()
        with self._lock:
            pairs = list(self._pairs)
        for a, b in pairs:
            _close(a)
            _close(b)

    def restore(self) -> None:
        self._cut.clear()

    def stop(self) -> None:
        self._stopped.set()
        self.cut()
        _close(self.listener)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def request(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 30):
    host_port, path = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request(method, "/" + path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Officer:
    """An officer's browser: keeps the session cookie, posts forms with the page's CSRF token,
    sends a request id it can look for in the logs and the audit. Every response is kept in
    ``seen`` as (method, endpoint kind, status, seconds)."""

    def __init__(self, base: str, username: str, password: str, timeout: float = 30):
        self.base, self.username, self.password, self.timeout = base, username, password, timeout
        self.cookies: dict[str, str] = {}
        self.token: str | None = None
        self.seen: list[tuple[str, str, int, float]] = []

    def _send(self, method, path, kind, form=None, request_id=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if request_id:
            headers["X-Request-Id"] = request_id
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        host, port = self.base.split("//", 1)[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            status, location = response.status, response.getheader("Location", "")
        finally:
            conn.close()
        self.seen.append((method, kind, status, time.perf_counter() - started))
        found = TOKEN.search(text)
        if found:
            self.token = unescape(found.group(1))
        return status, location, text

    def get(self, path, kind="page", **kw):
        return self._send("GET", path, kind, **kw)

    def post(self, path, form, kind="form", **kw):
        if self.token is None:
            self.get("/login", "login")
        return self._send("POST", path, kind, dict(form, csrf_token=self.token), **kw)

    def login(self) -> int:
        self.cookies.clear()
        self.token = None
        self.get("/login", "login")
        status, _location, _text = self.post("/login", {"username": self.username, "password": self.password}, "login")
        return status
