"""The payment gateway's server-to-server notice (IPN): the one address that records a payment
(engine/commands/payments.py). It answers the gateway in its own terms, always with HTTP 200 and
``{"RspCode", "Message"}``; it needs no login (the gateway signs what it sends) and no CSRF token
(a GET from another server)."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from engine.commands.payments import UNKNOWN_ERROR, record_notice
from engine.ports import PaymentNotConfigured
from webapp import motcua

bp = Blueprint("payments", __name__)
log = logging.getLogger(__name__)


@bp.get("/thanh-toan/ipn")
def ipn():
    try:
        answer = record_notice(motcua().uow(), motcua().payment_gateway, request.args.to_dict(),
                               client_address=request.remote_addr or "")
    except PaymentNotConfigured as exc:
        log.error("payment notice received but %s", exc.message_en)
        answer = UNKNOWN_ERROR
    except Exception:  # the gateway retries on 99; the cause is in the log
        log.exception("payment notice could not be recorded")
        answer = UNKNOWN_ERROR
    response = jsonify(answer.as_json())
    response.headers["Cache-Control"] = "no-store"
    return response
