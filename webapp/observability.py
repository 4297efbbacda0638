"""What an operator sees of the web app: a request id on every request, one log line per request,
request latency for Prometheus, ``/metrics``, and a 503 (not a 500) while the database is away.

- The request id comes from the proxy's ``X-Request-Id`` when it is acceptable, else a new one;
  it is bound for the engine (engine.context), so the audit rows the request writes carry it,
  and it is sent back in ``X-Request-Id``.
- ``motcua_request_seconds`` is labelled by the view (its endpoint name, not the URL, so that a
  dossier id never becomes a label), the method and the status class.
- ``/metrics`` answers only the addresses in ``METRICS_ALLOW_FROM`` (default: this machine).
"""
from __future__ import annotations

import ipaddress
import logging
from time import perf_counter

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import Histogram
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from engine import context
from engine.metrics import BUCKETS, exposition
from webapp import api_description

log = logging.getLogger("motcua.request")
bp = Blueprint("observability", __name__)

REQUEST_SECONDS = Histogram(
    "motcua_request_seconds", "One HTTP request, by view, method and status class",
    ["endpoint", "method", "status"], buckets=BUCKETS)


def init_app(app) -> None:
    app.config.setdefault("METRICS_ALLOW_FROM", "127.0.0.1/32,::1/128")
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_unbind)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(PoolTimeout, _database_unavailable)


def _start():
    g.request_started = perf_counter()
    g.request_id = context.new_request_id(request.headers.get("X-Request-Id"))
    g.request_id_token = context.bind_request_id(g.request_id)


def _finish(response):
    seconds = perf_counter() - g.get("request_started", perf_counter())
    endpoint = request.endpoint or "unmatched"
    REQUEST_SECONDS.labels(endpoint, request.method, f"{response.status_code // 100}xx").observe(seconds)
    response.headers["X-Request-Id"] = g.get("request_id", "")
    if endpoint not in ("observability.metrics", "static"):
        # The user as this request already loaded it (never a new query here: the database
        # may be the reason the request failed).
        user = g.get("_login_user")
        log.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "event": "request", "request_id": g.get("request_id"), "method": request.method, "path": request.path, "endpoint": endpoint,
            "status": response.status_code, "ms": round(seconds * 1000, 2),
            "user_id": getattr(user, "id", None)})
    return response


def _unbind(_exc=None):
    token = g.pop("request_id_token", None)
    if token is not None:
        context.reset_request_id(token)


def _database_unavailable(exc):
    """The database is unreachable (restarting, network cut) or too busy to give a lock in time:
    say so and ask to retry, rather than a 500. Anything else wrong with a statement is a bug and
    stays a 500."""
    if _is_busy(exc):
        log.warning("database busy: %s", str(exc).splitlines()[0], extra={"event": "database_busy"})
        return _unavailable(BUSY_PAGE, api_description.BUSY, retry_after=5)
    if isinstance(exc, DBAPIError) and not exc.connection_invalidated and not _is_connection_error(exc):
        raise exc
    log.warning("database unavailable: %s", str(exc).splitlines()[0], extra={"event": "database_unavailable"})
    return _unavailable(UNAVAILABLE_PAGE, api_description.UNAVAILABLE, retry_after=10)


def _unavailable(page: str, reason: str, *, retry_after: int):
    """A page that needs nothing from the database: not the layout (it reads the logged-in user),
    not the locale (it may be the user's): both languages, as on the printed forms. A partner's
    system calling /api gets JSON in the shape the API describes instead."""
    if request.blueprint == "api":
        return {"accepted": False, "error": reason}, 503, {"Retry-After": str(retry_after)}
    return page, 503, {"Retry-After": str(retry_after), "Content-Type": "text/html; charset=utf-8"}


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hệ thống tạm thời gián đoạn</title><link rel="stylesheet" href="/static/motcua.css"></head>
<body><main class="container">
<h1>Hệ thống tạm thời gián đoạn</h1>
<p>Không kết nối được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.</p>
<p lang="en">Service temporarily interrupted: the database cannot be reached. Please try again in a few minutes.</p>
</main></body></html>
"""


BUSY_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hệ thống đang bận</title><link rel="stylesheet" href="/static/motcua.css"></head>
<body><main class="container">
<h1>Hệ thống đang bận</h1>
<p>Hồ sơ này đang được xử lý ở nơi khác nên thao tác chưa thực hiện được; chưa có gì thay đổi. Vui lòng thử lại sau ít giây.</p>
<p lang="en">The system is busy: this dossier is being worked on elsewhere, so nothing was changed. Please try again in a few seconds.</p>
</main></body></html>
"""

# PostgreSQL: lock_timeout (55P03) and statement_timeout (57014); SQLite: its busy timeout ran out.
_BUSY_SQLSTATES = {"55P03", "57014"}


def _is_busy(exc) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def _is_connection_error(exc) -> bool:
    # psycopg's OperationalError covers lost and refused connections; SQLite's covers "locked".
    return isinstance(exc, OperationalError) and "locked" not in str(exc)


@bp.get("/metrics")
def metrics():
    allowed = [ipaddress.ip_network(net.strip()) for net in current_app.config["METRICS_ALLOW_FROM"].split(",")
               if net.strip()]
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        abort(404)
    if not any(address in net for net in allowed):
        abort(404)
    from webapp import motcua
    return Response(exposition(motcua()), mimetype="text/plain; version=0.0.4; charset=utf-8")
