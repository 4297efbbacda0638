"""Signing and checking a partner request: HMAC-SHA256 over timestamp, idempotency key and body."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

PARTNER = "X-Motcua-Partner"
TIMESTAMP = "X-Motcua-Timestamp"
IDEMPOTENCY_KEY = "X-Motcua-Idempotency-Key"
SIGNATURE = "X-Motcua-Signature"

# A request older than this is refused: a captured request cannot be played back later.
MAX_AGE = timedelta(minutes=5)
# Two servers' clocks never agree exactly; a request from slightly ahead is still accepted.
MAX_AHEAD = timedelta(seconds=30)


def signature(key: str, timestamp: str, idempotency_key: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"\n" + idempotency_key.encode("utf-8") + b"\n" + body
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signed_headers(*, our_code: str, key: str, timestamp: str, idempotency_key: str, body: bytes) -> dict[str, str]:
    return {PARTNER: our_code, TIMESTAMP: timestamp, IDEMPOTENCY_KEY: idempotency_key,
            SIGNATURE: signature(key, timestamp, idempotency_key, body), "Content-Type": "application/json"}


def verify(keys, timestamp: str, idempotency_key: str, body: bytes, given: str) -> bool:
    """True when ``given`` was made with one of ``keys`` (current, then previous during a rotation).
    Every key is compared in constant time, so timing says nothing about which one was close."""
    ok = False
    for key in keys:
        if key:
            ok |= hmac.compare_digest(signature(key, timestamp, idempotency_key, body), given or "")
    return ok
