"""Browser fixtures: the web app served by a real WSGI server on a free local port, and headless
Chromium (the Debian package, driven by Playwright) with one browser context per officer, so each
officer has their own cookies as on their own computer.

The browser is not downloaded by Playwright: we use the system's /usr/bin/chromium (`.ci/run`
installs it). Without it the browser tests are skipped on a developer's machine, but fail in CI,
where a silently skipped browser test would prove nothing.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from engine.config import PROJECT_ROOT
from engine.demo import DEMO_PASSWORD

CHROMIUM = Path(os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# Upper bound for Playwright's waits (page loads, elements appearing): it fails a stuck test
# instead of hanging it; it is not a timing assertion.
WAIT_LIMIT_MS = 20_000
# The same bound for `expect(...)` assertions, whose own default (5 s) is shorter than the BPMN
# editor's first load on a busy two-core CI machine: a slow machine waits, a broken page still fails.
try:
    from playwright.sync_api import expect as _expect
    _expect.set_options(timeout=WAIT_LIMIT_MS)
except ImportError:  # without Playwright the browser tests are skipped anyway
    pass


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        message = f"the browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
        if _in_ci():
            pytest.fail(message + "; CI must run them", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(settings, demo):
    """The officers' web app with the demo data, on http://127.0.0.1:<free port>; CSRF stays on."""
    from webapp import create_app
    from tests.conftest import lasting_sessions
    app = create_app(lasting_sessions(settings), {"SECRET_KEY": "browser-test"})
    # Port 0: the system picks a free port, so parallel runs on one machine do not collide.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.extensions["motcua"].dispose()


@pytest.fixture
def officer(chromium, live_server):
    """``officer("chuyenvien")`` opens a browser window of their own and logs them in on the login
    page; it returns the Playwright page, showing their inbox. ``browser_locale`` is the browser's
    own language (the page's is the officer's choice in motcua)."""
    contexts = []

    def log_in(username: str, password: str = DEMO_PASSWORD, *, browser_locale: str = "vi-VN"):
        context = chromium.new_context(base_url=live_server, locale=browser_locale,
                                       timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_LIMIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_label("Mật khẩu").press("Enter")  # as an officer does: Enter, not the button
        page.wait_for_url("**/admin/" if username == "admin" else "**/inbox")
        return page

    yield log_in
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ at the project root (gitignored; CI keeps it with the JUnit reports)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
