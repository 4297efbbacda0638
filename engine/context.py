"""What the engine knows about the request or scheduler tick it works for, without Flask.

The web app binds a request id for each request (webapp/observability.py), the scheduler one per
tick; the audit records it, so a line in the logs and a row of a dossier's history can be
matched.
"""
from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("motcua_request_id", default=None)
# What we accept from a client or proxy (X-Request-Id): short, plain characters only.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def request_id() -> str | None:
    return _request_id.get()


def new_request_id(offered: str | None = None, prefix: str = "") -> str:
    """The id a proxy offered when it is acceptable, else a new one."""
    if offered and _ACCEPTABLE.fullmatch(offered):
        return offered
    return prefix + uuid.uuid4().hex


def bind_request_id(value: str | None):
    """Set the id for what runs next in this context; returns a token for ``reset``."""
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


@contextmanager
def bound_request_id(value: str):
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)
