"""Paying a dossier's fee online: the pay button sends the citizen to the payment gateway, which
sends them back to the result page. That page only shows what happened: the payment is recorded
by the gateway's server-to-server notice alone (webapp/payments.py)."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine.commands.payments import start_payment
from engine.errors import MotcuaError
from engine.models import OnlineApplication, Payment
from engine.payments import fee_of
from engine.ports import ForgedNotice, PaymentNotConfigured
from engine.queries.payments import dossier_payments
from webapp import motcua
from webapp.citizen import bp
from webapp.citizen.session import citizen_required, current_citizen
from webapp.i18n import current_language, error_message, format_number
from webapp.security import CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)


def money(amount: int) -> str:
    return f"VND {format_number(amount)}" if current_language() == "en" else f"{format_number(amount)} đồng"


def payments_for_page(dossier_id: int):
    with motcua().read_session() as s:
        return dossier_payments(s, dossier_id, motcua().settings.catalogue_dir)


def allow_gateway_form(response):
    """The pay form posts here and is redirected to the gateway: the page's form-action names it."""
    gateway = motcua().payment_gateway
    if getattr(gateway, "configured", False):
        parts = urlsplit(gateway.pay_url)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
    return response


@bp.post("/cong-dan/ho-so/<int:dossier_id>/thanh-toan")
@citizen_required
def pay(dossier_id: int):
    back = url_for("citizen.my_dossier_page", dossier_id=dossier_id)
    with motcua().read_session() as s:
        application = s.scalars(select(OnlineApplication).where(
            OnlineApplication.dossier_id == dossier_id, OnlineApplication.citizen_id == current_citizen().id)).first()
        key = application.procedure.key if application is not None else None
    if key is None:
        abort(404)
    try:
        url = start_payment(motcua().uow(), motcua().payment_gateway, citizen_id=current_citizen().id,
                            dossier_id=dossier_id, amount_vnd=fee_of(motcua().settings.catalogue_dir, key),
                            return_url=url_for("citizen.payment_result", _external=True),
                            client_ip=request.remote_addr or "", locale=current_language())
    except PaymentNotConfigured as exc:
        log.error("online payment refused: %s", exc.message_en)
        flash(_("Thanh toán trực tuyến chưa sẵn sàng. Vui lòng nộp phí, lệ phí tại Bộ phận một cửa."), "error")
        return redirect(back)
    except MotcuaError as exc:
        flash(error_message(exc), "error")
        return redirect(back)
    return redirect(url, 303)


@bp.get("/cong-dan/thanh-toan/ket-qua")
def payment_result():
    """Where the gateway sends the browser back: the result as the gateway signed it, and what we
    recorded (the notice may arrive a moment later). Nothing is recorded here."""
    try:
        notice = motcua().payment_gateway.read_notice(request.args.to_dict())
    except (ForgedNotice, PaymentNotConfigured):
        return render_template("citizen/payment_result.html", outcome="invalid", payment=None), 400
    with motcua().read_session() as s:
        payment = s.scalars(select(Payment).where(Payment.txn_ref == notice.txn_ref)).first()
        citizen = current_citizen()
        if payment is not None and (citizen is None or payment.citizen_id != citizen.id):
            payment = None  # the result stays general for anyone but the payer
        if payment is not None:
            s.expunge(payment)
    outcome = "paid" if notice.paid else "failed"
    return render_template("citizen/payment_result.html", outcome=outcome, payment=payment, notice=notice,
                           money=money)
