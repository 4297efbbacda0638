"""Messages a dossier throws to a partner pool become outbox rows in the command's transaction."""
from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from engine import clock
from engine.errors import InvalidState
from engine.models import Partner, PartnerInbox, PartnerOutbox
from engine.partners import ANY_PARTNER


def outgoing(manifest: dict, events) -> list:
    """The thrown events addressed to a partner, as (partner code, event)."""
    routes = manifest.get("partners", {}).get("outgoing", {})
    return [(routes[e.event_definition.name], e) for e in events if e.event_definition.name in routes]


def record_outgoing(session, dossier, manifest: dict, events) -> list[str]:
    """Write an outbox row per message to a partner; returns the idempotency keys."""
    keys = []
    now = clock.now()
    for code, event in outgoing(manifest, events):
        partner = _addressee(session, dossier, code)
        if partner is None and code == ANY_PARTNER:
            raise InvalidState("Hồ sơ này không do cơ quan đối tác nào gửi đến (hoặc cơ quan đó đã bị tạm dừng), "
                               "nên không có nơi nhận trả lời.",
                               "No active partner sent this dossier, so the answer has nowhere to go.")
        if partner is None:
            # Refuse the step rather than lose the message: an administrator must set the partner up.
            raise InvalidState(f"Chưa cấu hình cơ quan đối tác {code!r} để gửi hồ sơ.",
                               f"Partner {code!r} is not configured.")
        key = uuid.uuid4().hex
        session.add(PartnerOutbox(
            idempotency_key=key, partner_id=partner.id, dossier_id=dossier.id, message=event.event_definition.name,
            correlation=_conversation(session, dossier, partner.id), payload=_json_safe(event.payload),
            created_at=now, next_attempt_at=now, attempts=0))
        keys.append(key)
    return keys


def unacknowledged(session, dossier_id: int, *, besides: int | None = None) -> bool:
    """Whether a message of the dossier to a partner is not yet acknowledged by the partner's system
    (waiting, leased, or a dead letter), leaving out the outbox row ``besides``."""
    stmt = select(PartnerOutbox.id).where(PartnerOutbox.dossier_id == dossier_id, PartnerOutbox.delivered_at.is_(None))
    if besides is not None:
        stmt = stmt.where(PartnerOutbox.id != besides)
    return session.execute(stmt.limit(1)).first() is not None


def _addressee(session, dossier, code: str):
    if code == ANY_PARTNER:  # the answer goes to whoever asked: the partner that opened the dossier
        asked = session.execute(select(PartnerInbox.partner_id).where(PartnerInbox.dossier_id == dossier.id)
                                .order_by(PartnerInbox.id).limit(1)).scalar_one_or_none()
        partner = session.get(Partner, asked) if asked is not None else None
        return partner if partner is not None and partner.active else None
    return session.execute(select(Partner).where(Partner.code == code, Partner.active.is_(True))).scalar_one_or_none()


def _conversation(session, dossier, partner_id: int) -> str:
    """The exchange's correlation: the partner's dossier code when the partner opened the exchange
    (we answer in its terms), else ours."""
    theirs = session.execute(select(PartnerInbox.correlation).where(
        PartnerInbox.partner_id == partner_id, PartnerInbox.dossier_id == dossier.id)
        .order_by(PartnerInbox.id).limit(1)).scalar_one_or_none()
    return theirs if theirs and theirs != dossier.code else dossier.code


def _json_safe(payload) -> dict:
    value = json.loads(json.dumps(payload if payload is not None else {}, default=str))
    return value if isinstance(value, dict) else {"value": value}


def request_body(row: PartnerOutbox) -> bytes:
    # The payload keeps the order the sending diagram wrote it in (its form's order), so a partner
    # whose catching element has no payloadForm still lists the fields as the sender meant them.
    return json.dumps({"message": row.message, "correlation": row.correlation, "payload": row.payload},
                      ensure_ascii=False).encode("utf-8")


# How a partner's refusal of a payload (422 bad_payload) is kept on the outbox row: the prefix the
# outbox pages recognise (webapp/delivery_problems.py), then each wrong field as the partner's
# form titles it, with why.
PAYLOAD_REFUSED = "HTTP 422 bad_payload: "


def payload_refusal_text(answer: bytes) -> str:
    """The partner's 422 answer in words: "Hạn nộp: Trường này là bắt buộc.; …"."""
    try:
        body = json.loads(answer.decode("utf-8"))
        fields, titles = body["fields"], body.get("titles") or {}
        parts = [f"{titles.get(name) or name or 'Nội dung'}: {' '.join(map(str, messages))}"
                 for name, messages in fields.items()]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return f"HTTP 422: {answer[:500].decode('utf-8', 'replace')}"
    return PAYLOAD_REFUSED + "; ".join(parts)
