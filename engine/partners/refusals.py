"""Requests refused at the partner endpoint: checked headers, one log line each, stored as counts,
and a sender that keeps being refused is turned away before any work is done for it.

- **Headers first**: every ``X-Motcua-*`` header must be printable ASCII within its length (a
  partner code ≤ 60, a timestamp of digits, an idempotency key ≤ 80, a signature of 64 hex
  digits). Anything else is a 400 ``bad_headers``, before the database or the HMAC sees it.
- **Stored as counts**: a refusal adds one to the row of its (sender address, partner code,
  reason, ten minutes); a flood from one address leaves a handful of rows, not one per request. Rows
  older than ``KEEP`` are deleted as new ones are written, and never more than ``MAX_ROWS`` are
  kept (the oldest go first), whatever the number of senders.
- **Rate limited per sender address**: after ``LIMIT`` refusals within ``WINDOW``, the address
  gets 429 (with Retry-After) for the rest of the window without its signature being checked. The
  count lives in the database, so every web process of a deployment applies the same limit; each
  process also remembers the addresses it turned away, so a flood costs it no query at all.
- **Logged**: each refusal is one structured line (``event=partner_refused`` with the reason,
  status, address and partner code); a blocked sender's requests are logged once per window.
"""
from __future__ import annotations

import logging
import re
import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from engine import clock
from engine.models import PartnerReject
from engine.partners import signing

log = logging.getLogger("motcua.partners")

LIMIT = 20  # refusals per address within WINDOW before it is turned away
WINDOW = timedelta(minutes=10)
KEEP = timedelta(days=90)
MAX_ROWS = 10_000
BUCKET = timedelta(minutes=10)  # refusals of the same kind within ten minutes share a row

_PRINTABLE = re.compile(r"[\x21-\x7e]*")
# Each header's form (matched whole) and whether it is required; the API's description shows them.
HEADER_RULES = {
    signing.PARTNER: (re.compile(r"[A-Za-z0-9._:-]{1,60}"), True),
    signing.TIMESTAMP: (re.compile(r"[0-9]{1,12}"), True),
    signing.IDEMPOTENCY_KEY: (re.compile(r"[\x21-\x7e]{1,80}"), True),
    signing.SIGNATURE: (re.compile(r"[0-9a-fA-F]{64}"), True),
}


def header_problem(headers) -> str | None:
    """The first malformed X-Motcua-* header's name, or None."""
    for name, (pattern, required) in HEADER_RULES.items():
        value = headers.get(name)
        if value is None:
            if required:
                return name
            continue
        if not pattern.fullmatch(value):
            return name
    return None


def printable(value: str | None, limit: int) -> str:
    """A header value fit to store and log: printable ASCII only, cut to ``limit``."""
    value = value or ""
    return value[:limit] if _PRINTABLE.fullmatch(value[:limit]) else ""


class _Blocked:
    """Addresses this process turned away, until when (a flood costs no query)."""

    def __init__(self):
        self._until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def until(self, address: str, now: datetime) -> datetime | None:
        with self._lock:
            until = self._until.get(address)
            if until is not None and until <= now:
                del self._until[address]
                return None
            return until

    def add(self, address: str, until: datetime) -> bool:
        """True when the address was not blocked here yet (the caller logs it once)."""
        with self._lock:
            if len(self._until) > 10_000:
                self._until.clear()
            new = address not in self._until
            self._until[address] = until
            return new


BLOCKED = _Blocked()


# Refusals that do not count towards turning an address away: being turned away itself, and a
# payload its form refuses (the request was signed by a known partner: its software's mistake,
# not an attack; a partner sending a bad notice must still be heard on its good ones).
NOT_COUNTED = ("rate_limited", "bad_payload")


def turned_away(session, address: str) -> datetime | None:
    """Until when ``address`` is turned away (429), or None. Counts the last WINDOW's refusals."""
    now = clock.now()
    until = BLOCKED.until(address, now)
    if until is not None:
        return until
    since = _bucket(now) - WINDOW
    refused = session.scalar(select(func.coalesce(func.sum(PartnerReject.count), 0))
                             .where(PartnerReject.remote_addr == address, PartnerReject.at >= since,
                                    PartnerReject.reason.not_in(NOT_COUNTED)))
    if refused >= LIMIT:
        until = now + WINDOW
        if BLOCKED.add(address, until):
            log.warning("partner endpoint: %s turned away after %s refusals", address, refused,
                        extra={"event": "partner_rate_limited", "remote_addr": address, "refusals": refused,
                               "until": until.isoformat()})
        return until
    return None


def record(session, *, address: str, partner_code: str, idempotency_key: str, reason: str, status: int) -> None:
    """Count one refusal (in the caller's transaction) and log it."""
    now = clock.now()
    code = printable(partner_code, 60)
    log.warning("partner request refused: %s", reason, extra={
        "event": "partner_refused", "reason": reason, "status": status, "remote_addr": address,
        "partner_code": code, "idempotency_key": printable(idempotency_key, 80)})
    values = dict(at=_bucket(now), remote_addr=address[:60], partner_code=code, reason=reason[:60],
                  idempotency_key=printable(idempotency_key, 80), count=1, last_at=now)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(PartnerReject).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["remote_addr", "partner_code", "reason", "at"],
        set_={"count": PartnerReject.count + 1, "last_at": now, "idempotency_key": values["idempotency_key"]})
    session.execute(stmt)
    _prune(session, now)


def _prune(session, now: datetime) -> None:
    session.execute(delete(PartnerReject).where(PartnerReject.at < now - KEEP))
    # The hard cap, for floods from very many addresses: keep the newest MAX_ROWS.
    cutoff = session.scalar(select(PartnerReject.id).order_by(PartnerReject.id.desc()).offset(MAX_ROWS).limit(1))
    if cutoff is not None:
        session.execute(delete(PartnerReject).where(PartnerReject.id <= cutoff))


def _bucket(instant: datetime) -> datetime:
    """The start of the BUCKET-long slice of time ``instant`` falls in."""
    minutes = int(BUCKET.total_seconds() // 60)
    return instant.replace(minute=instant.minute - instant.minute % minutes, second=0, microsecond=0)
