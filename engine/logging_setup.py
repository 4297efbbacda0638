"""Log lines for operators: one JSON object per line (``MOTCUA_LOG_FORMAT=json``, the default of
``motcua web`` and ``motcua scheduler``), or plain text for a terminal (``make run``).

Every line carries the request id bound in engine.context, so the web request, the commands it
ran and the audit rows it wrote can be found together.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone

from engine import context

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", None) or context.request_id()
        if request_id:
            line["request_id"] = request_id
        # Fields given with ``extra={...}`` become fields of the line.
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(fmt: str | None = None, level: str | None = None) -> None:
    """Send the ``motcua`` loggers (and gunicorn's, when it runs us) to stderr in one format."""
    fmt = (fmt or os.environ.get("MOTCUA_LOG_FORMAT") or "text").lower()
    level = (level or os.environ.get("MOTCUA_LOG_LEVEL") or "INFO").upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("gunicorn.error", "gunicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # SpiffWorkflow logs every task's state change with the case data at INFO: noise, and
    # personal data that has no place in logs.
    logging.getLogger("spiff").setLevel(logging.WARNING)
