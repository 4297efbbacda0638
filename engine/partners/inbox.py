"""Receiving a partner's request: check it, record it once, and hand it to the dossier waiting
for it, now or as soon as that dossier waits (the engine refuses early messages, docs/SPIFFWORKFLOW.md §7)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine import clock
from engine.models import Partner, PartnerInbox
from engine.partners import refusals, signing
from engine.partners.payloads import payload_problems

# A kept message is tried again this often by the scheduler; a dossier reaching the wait takes
# it at once (advance()), so this is only the safety net.
RETRY_AFTER = timedelta(minutes=5)


# Why a request is refused, and the HTTP status the partner gets (the API's description,
# webapp/api_description.py, lists the same).
REFUSALS = {
    "bad_headers": 400, "bad_idempotency_key": 400, "bad_body": 400, "bad_payload": 422,
    "unknown_partner": 401, "bad_signature": 401, "bad_timestamp": 401, "stale_timestamp": 401,
    "replay": 409, "rate_limited": 429,
}
# What a message's body may hold (JSON, UTF-8): a message name, the conversation's correlation and
# an optional payload object; other keys are ignored.
MESSAGE_MAX_LENGTH = 120
CORRELATION_MAX_LENGTH = 80
NUL = "\x00"  # never in the message's name or correlation: they are text columns, PostgreSQL refuses it


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    retry_after: int | None = None  # seconds, for a sender turned away (429)


def accept(uow, headers, body: bytes, remote_addr: str = "") -> tuple[Answer, int | None]:
    """Check and record one request. Returns the answer for the partner and, when a new message
    was recorded, its inbox id (to deliver after this transaction)."""
    code = headers.get(signing.PARTNER, "")
    key = headers.get(signing.IDEMPOTENCY_KEY, "")
    address = refusals.printable(remote_addr, 60)
    with uow:
        session = uow.session
        until = refusals.turned_away(session, address)
        if until is not None:
            return Answer(REFUSALS["rate_limited"], {"accepted": False, "error": "rate_limited"},
                          retry_after=max(1, int((until - clock.now()).total_seconds()))), None
        if refusals.header_problem(headers) is not None:
            return _refuse(uow, address=address, partner_code=code, idempotency_key=key, reason="bad_headers"), None
        partner = session.execute(select(Partner).where(Partner.code == code, Partner.active.is_(True))).scalar_one_or_none()
        problem = _problem(partner, headers, key, body)
        parsed = None
        if problem is None:
            parsed = _parse(body)
            problem = None if parsed else "bad_body"
        if problem is None:
            existing = _recorded(session, partner.id, key)
            if existing is not None:
                if existing.body_sha256 != _sha256(body):
                    problem = "replay"
                else:
                    return _recorded_answer(existing), None
        if problem is not None:
            return _refuse(uow, address=address, partner_code=code, idempotency_key=key, reason=problem), None
        wrong = payload_problems(session, partner, parsed["message"], parsed["correlation"], parsed["payload"])
        if wrong:
            return _refuse(uow, address=address, partner_code=code, idempotency_key=key, reason="bad_payload",
                           **wrong), None
        row = PartnerInbox(partner_id=partner.id, idempotency_key=key, body_sha256=_sha256(body),
                           message=parsed["message"], correlation=parsed["correlation"], payload=parsed["payload"],
                           received_at=clock.now(), next_attempt_at=clock.now())
        session.add(row)
        try:
            session.flush()
            uow.commit()
        except IntegrityError:  # the same request, recorded by a concurrent delivery a moment ago
            uow.rollback()
            existing = _recorded(session, partner.id, key)
            return _recorded_answer(existing), None
        return _recorded_answer(row), row.id


def _refuse(uow, *, address, partner_code, idempotency_key, reason, **what_is_wrong) -> Answer:
    """``what_is_wrong``: for bad_payload, its ``fields`` and their ``titles`` (engine/partners/payloads.py)."""
    status = REFUSALS[reason]
    refusals.record(uow.session, address=address, partner_code=partner_code, idempotency_key=idempotency_key,
                    reason=reason, status=status)
    uow.commit()
    return Answer(status, {"accepted": False, "error": reason, **what_is_wrong})


def _problem(partner, headers, key: str, body: bytes) -> str | None:
    """The reason to refuse the request (a key of REFUSALS), or None."""
    if partner is None:
        return "unknown_partner"
    timestamp = headers.get(signing.TIMESTAMP, "")
    if not key or len(key) > 80:
        return "bad_idempotency_key"
    if not signing.verify((partner.key, partner.previous_key), timestamp, key, body, headers.get(signing.SIGNATURE, "")):
        return "bad_signature"
    try:
        sent = datetime.fromtimestamp(int(timestamp), timezone.utc)
    except (ValueError, OverflowError, OSError):
        return "bad_timestamp"
    now = clock.now()
    if sent < now - signing.MAX_AGE or sent > now + signing.MAX_AHEAD:
        return "stale_timestamp"
    return None


def _parse(body: bytes):
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if (not isinstance(data, dict) or not isinstance(data.get("message"), str) or not data["message"]
            or not isinstance(data.get("correlation"), str) or not isinstance(data.get("payload", {}), dict)
            or len(data["message"]) > MESSAGE_MAX_LENGTH or len(data["correlation"]) > CORRELATION_MAX_LENGTH
            or NUL in data["message"] or NUL in data["correlation"]):
        return None
    return {"message": data["message"], "correlation": data["correlation"], "payload": data.get("payload") or {}}


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _recorded(session, partner_id: int, key: str):
    return session.execute(select(PartnerInbox).where(
        PartnerInbox.partner_id == partner_id, PartnerInbox.idempotency_key == key)).scalar_one_or_none()


def _recorded_answer(row: PartnerInbox) -> Answer:
    # Built from the stored row only: a repeated request gets exactly the first answer.
    return Answer(200, {"accepted": True, "idempotency_key": row.idempotency_key,
                        "received_at": row.received_at.astimezone(timezone.utc).isoformat()})


def deliver_waiting(session, dossier, workflow, manifest: dict) -> list[str]:
    """Hand the dossier every kept partner message it now waits for (inside advance())."""
    if not manifest.get("partners", {}).get("incoming"):
        return []  # no partner pool sends to this procedure: no query on the hot path
    pending = session.execute(select(PartnerInbox).where(
        PartnerInbox.dossier_id == dossier.id, PartnerInbox.delivered_at.is_(None))
        .order_by(PartnerInbox.id)).scalars().all()
    delivered = []
    for row in pending:
        waiting = {e.name for e in workflow.waiting_events() if e.event_type == "MessageEventDefinition"}
        if row.message not in waiting:
            continue
        workflow.send_event(BpmnEvent(MessageEventDefinition(row.message), payload=row.payload))
        row.delivered_at, row.next_attempt_at, row.last_error = clock.now(), None, None
        delivered.append(row.message)
    return delivered
