"""Machine-to-machine endpoints. ``POST /api/partner/messages``: a partner deployment hands us a
message (docs/PARTNERS.md). No session and no CSRF token: each request carries its own HMAC
signature, checked by the engine. ``GET /api/openapi.json`` describes them (webapp/api_description.py)."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from engine.commands.partners import deliver_partner_message
from engine.partners import inbox
from webapp import motcua
from webapp.api_description import TOO_LARGE, document

log = logging.getLogger("motcua.partners")
bp = Blueprint("api", __name__, url_prefix="/api")
MAX_BODY = 1024 * 1024


@bp.record_once
def _exempt_from_csrf(state):
    state.app.extensions["csrf"].exempt(bp)


@bp.post("/partner/messages")
def partner_message():
    if (request.content_length or 0) > MAX_BODY:
        return jsonify(accepted=False, error=TOO_LARGE), 413
    body = request.get_data(cache=False)
    m = motcua()
    answer, inbox_id = inbox.accept(m.uow(), request.headers, body, request.remote_addr or "")
    if inbox_id is not None:
        # Recorded: hand it to its dossier now if it waits; otherwise it is kept and the
        # scheduler or the dossier's next step hands it in. The partner's answer does not depend on it.
        try:
            deliver_partner_message(m.uow(), inbox_id)
        except Exception:
            log.exception("partner message %s kept; handing it in failed", inbox_id)
    headers = {"Retry-After": str(answer.retry_after)} if answer.retry_after else {}
    return jsonify(answer.body), answer.status, headers


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(MAX_BODY))
