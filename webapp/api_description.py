"""The OpenAPI 3.1 description of ``/api`` (served at ``GET /api/openapi.json``): what a partner
agency's developers need to call us without reading our code. It is built from the constants the
endpoint itself checks (header forms, body limits, refusal reasons), so the two cannot drift;
tests/web/test_api_description.py sends real requests and checks every answer against it.
"""
from __future__ import annotations

from functools import lru_cache

from engine.partners import inbox, refusals, signing

TOO_LARGE = "too_large"  # the body is over the endpoint's limit (webapp/api.py)
# The database is unreachable, or too busy to give a lock in time (webapp/observability.py).
UNAVAILABLE, BUSY = "unavailable", "busy"

_ACCEPTED = {
    "type": "object",
    "required": ["accepted", "idempotency_key", "received_at"],
    "properties": {
        "accepted": {"const": True},
        "idempotency_key": {"type": "string", "description": "The request's X-Motcua-Idempotency-Key."},
        "received_at": {"type": "string", "format": "date-time",
                        "description": "When we recorded the message the first time (UTC)."},
    },
}


def _refusal(*reasons: str) -> dict:
    return {"type": "object", "required": ["accepted", "error"],
            "properties": {"accepted": {"const": False}, "error": {"enum": sorted(reasons)}}}


def _payload_refusal() -> dict:
    schema = _refusal(*_refusals(422))
    schema["required"] = [*schema["required"], "fields", "titles"]
    schema["properties"]["fields"] = {
        "type": "object", "description": "Each field of the payload that is wrong (\"\" for the whole payload) "
                                         "and why.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}}}
    schema["properties"]["titles"] = {
        "type": "object", "description": "The title our form gives each of those fields, where it has one.",
        "additionalProperties": {"type": "string"}}
    return schema


def _json(description: str, schema: dict, headers: dict | None = None) -> dict:
    answer = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before sending again.",
                                "schema": {"type": "integer", "minimum": 1}}}

_HEADER_TEXT = {
    signing.PARTNER: "How we know you: the `our_code` we gave you (your code in our partner list).",
    signing.TIMESTAMP: "When you sent the request, in Unix seconds. Accepted from "
                       f"{int(signing.MAX_AGE.total_seconds())} s in the past to "
                       f"{int(signing.MAX_AHEAD.total_seconds())} s in the future of our clock.",
    signing.IDEMPOTENCY_KEY: "One key per message. Sending the same key with the same body again is "
                             "answered as the first time and does nothing more; with another body it is "
                             "refused (409 `replay`).",
}

SIGNATURE_TEXT = (
    "Lowercase hex of HMAC-SHA256 with the key we share with you, over the bytes of "
    "`<X-Motcua-Timestamp>` + `\\n` + `<X-Motcua-Idempotency-Key>` + `\\n` + `<body>`. "
    "During a key change both the new and the previous key are accepted.")


_NO_NUL = "^[^\\u0000]*$"  # the NUL character (U+0000), which no text column can hold


def request_body_schema() -> dict:
    """The JSON a message's body must be (UTF-8); other keys are ignored."""
    return {
        "type": "object",
        "required": ["message", "correlation"],
        "properties": {
            "message": {"type": "string", "minLength": 1, "maxLength": inbox.MESSAGE_MAX_LENGTH, "pattern": _NO_NUL,
                        "description": "The message's name, as the procedures' diagrams name it."},
            "correlation": {"type": "string", "maxLength": inbox.CORRELATION_MAX_LENGTH, "pattern": _NO_NUL,
                            "description": "The conversation: the dossier code of the side that started it."},
            "payload": {"type": "object", "description": "The message's data (the diagram's payload)."},
        },
    }


def _refusals(status: int) -> list[str]:
    return [reason for reason, code in inbox.REFUSALS.items() if code == status]


def _partner_messages(max_body: int) -> dict:
    parameters = [{
        "name": name, "in": "header", "required": required, "description": _HEADER_TEXT[name],
        "schema": {"type": "string", "pattern": f"^{pattern.pattern}$"},
    } for name, (pattern, required) in refusals.HEADER_RULES.items() if name != signing.SIGNATURE]
    return {"post": {
        "operationId": "sendPartnerMessage",
        "summary": "Hand us a message of a connected procedure (liên thông)",
        "description": (
            "A message for one of our dossiers (an answer we wait for) or one that opens a dossier. "
            "It is recorded before we answer 200; it goes into its dossier at once or as soon as the "
            "dossier waits for it. Repeated refusals from one address are turned away for a while "
            f"(429). The body may be at most {max_body} bytes."),
        "security": [{"partnerSignature": []}],
        "parameters": parameters,
        "requestBody": {"required": True, "content": {"application/json": {"schema": request_body_schema()}}},
        "responses": {
            "200": _json("Recorded (or recorded already, for a repeated request: the same answer).", _ACCEPTED),
            "400": _json("Malformed headers or body.", _refusal(*_refusals(400))),
            "401": _json("Unknown partner, wrong signature, or a timestamp out of range.", _refusal(*_refusals(401))),
            "409": _json("The idempotency key was used before with another body.", _refusal(*_refusals(409))),
            "422": _json("The payload does not fit the form our diagram declares for this message (its "
                         "payloadForm): nothing was recorded; `fields` says what is wrong, field by field, "
                         "in Vietnamese. Sending it again unchanged is refused again.", _payload_refusal()),
            "413": _json("The body is too large.", _refusal(TOO_LARGE)),
            "429": _json("Too many refused requests from this address: wait.", _refusal(*_refusals(429)),
                         _RETRY_AFTER),
            "503": _json("Our database is unavailable or busy: send again later.", _refusal(UNAVAILABLE, BUSY),
                         _RETRY_AFTER),
        },
    }}


@lru_cache(maxsize=1)
def document(max_body: int) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "motcua: partner agencies' API",
            "version": "1",
            "description": "Connected procedures (Một cửa liên thông) between agencies' own systems. "
                           "Each request is signed; nothing here needs a session or a login.",
        },
        "paths": {
            "/api/partner/messages": _partner_messages(max_body),
            "/api/openapi.json": {"get": {
                "operationId": "describeApi", "summary": "This description",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        "components": {"securitySchemes": {"partnerSignature": {
            "type": "apiKey", "in": "header", "name": signing.SIGNATURE, "description": SIGNATURE_TEXT}}},
    }
