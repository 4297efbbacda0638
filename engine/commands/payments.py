"""Paying a dossier's fee online (engine/payments.py, integrations/payment.py).

- ``start_payment``: the citizen whose dossier waits for its fee (status 6, a step declaring
  ``payment``) gets an order (``payments`` row, pending) and the gateway's signed payment page.
- ``record_notice``: the gateway's server-to-server notice (IPN), the only thing that records a
  payment. Signature, order and amount are checked; a pending order becomes paid or failed once
  (a repeated notice changes nothing and is answered "already confirmed"); a genuine "paid"
  finishes the payment step, so the dossier leaves status 6 and its clock runs again, all in one
  unit of work. Every notice, forged ones included, is kept in ``payment_notices`` with our answer.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import audit, clock
from engine.citizen_notices import mail_citizen
from engine.commands._steps import advance
from engine.errors import InvalidState, NotFound
from engine.models import OnlineApplication, Payment, PaymentNoticeLog
from engine.payments import FAILED, PAID, PENDING, open_payment_item, payments_of, vnd
from engine.ports import ForgedNotice, PaymentNotice
from engine.procedures.forms import validate_form
from engine.runtime.host import complete_task, load_workflow, procedure_of, ready_task
from engine.statuses import DossierStatus

log = logging.getLogger(__name__)
NOT_FOUND = ("Không tìm thấy hồ sơ.", "Dossier not found.")


def start_payment(uow, gateway, *, citizen_id: int, dossier_id: int, amount_vnd: int, return_url: str,
                  client_ip: str, locale: str = "vi") -> str:
    """The gateway's payment page for the fee of the citizen's own dossier (a new pending order)."""
    with uow:
        session, now = uow.session, clock.now()
        owned = session.scalars(select(OnlineApplication.id).where(
            OnlineApplication.dossier_id == dossier_id, OnlineApplication.citizen_id == citizen_id)).first()
        if owned is None:
            raise NotFound(*NOT_FOUND)
        dossier = uow.lock_dossier(dossier_id)
        item = open_payment_item(session, dossier) \
            if dossier.status == DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION else None
        if item is None or amount_vnd <= 0:
            raise InvalidState("Hồ sơ không có khoản phí, lệ phí nào đang chờ thanh toán.",
                               "This dossier has no fee waiting to be paid.")
        if any(p.state == PAID and p.step_id == item.step_id for p in payments_of(session, dossier.id)):
            raise InvalidState("Phí, lệ phí của hồ sơ này đã được thanh toán.", "This fee has already been paid.")
        local = now.astimezone(ZoneInfo(dossier.agency.timezone))
        payment = Payment(dossier_id=dossier.id, citizen_id=citizen_id, amount_vnd=amount_vnd, step_id=item.step_id,
                          txn_ref=f"MC{local:%y%m%d}{secrets.token_hex(5).upper()}", state=PENDING, created_at=now,
                          order_info=f"Nop phi ho so {dossier.code}"[:255])
        url = gateway.checkout_url(txn_ref=payment.txn_ref, amount_vnd=amount_vnd, order_info=payment.order_info,
                                   return_url=return_url, client_ip=client_ip, created_at=now,
                                   locale="en" if locale == "en" else "vn")
        session.add(payment)
        dossier.revision += 1
        audit.record(session, dossier, "payment_started", status_before=dossier.status, txn_ref=payment.txn_ref,
                     amount_vnd=amount_vnd)
        uow.commit()
        return url


@dataclass(frozen=True)
class NoticeAnswer:
    """What the IPN address answers the gateway: ``{"RspCode": code, "Message": message}``."""
    code: str
    message: str

    def as_json(self) -> dict:
        return {"RspCode": self.code, "Message": self.message}


CONFIRMED = NoticeAnswer("00", "Confirm Success")
ORDER_NOT_FOUND = NoticeAnswer("01", "Order not found")
ALREADY_CONFIRMED = NoticeAnswer("02", "Order already confirmed")
INVALID_AMOUNT = NoticeAnswer("04", "Invalid amount")
INVALID_SIGNATURE = NoticeAnswer("97", "Invalid signature")
UNKNOWN_ERROR = NoticeAnswer("99", "Unknown error")


def record_notice(uow, gateway, params: dict, *, client_address: str = "") -> NoticeAnswer:
    """Check and record one notice from the gateway; returns the answer it expects."""
    params = {str(k)[:64]: str(v)[:500] for k, v in list(params.items())[:60]}
    txn_ref = params.get("vnp_TxnRef", "")[:64]
    try:
        notice = gateway.read_notice(params)
    except ForgedNotice as exc:
        log.warning("payment notice refused (%s) for order %r from %s", exc, txn_ref, client_address)
        with uow:
            _log(uow.session, txn_ref, INVALID_SIGNATURE, str(exc), client_address, params)
            uow.commit()
        return INVALID_SIGNATURE
    with uow:
        session = uow.session
        answer, reason = _apply(uow, notice)
        _log(session, txn_ref, answer, reason, client_address, params)
        uow.commit()
    if answer is not CONFIRMED:
        log.info("payment notice for order %r answered %s (%s)", txn_ref, answer.code, reason)
    return answer


def _log(session, txn_ref, answer: NoticeAnswer, reason: str, client_address: str, params: dict) -> None:
    session.add(PaymentNoticeLog(received_at=clock.now(), txn_ref=txn_ref, answer=answer.code, reason=reason[:200],
                                 client_address=(client_address or "")[:45], params=params))


def _apply(uow, notice: PaymentNotice) -> tuple[NoticeAnswer, str]:
    session = uow.session
    dossier_id = session.scalar(select(Payment.dossier_id).where(Payment.txn_ref == notice.txn_ref))
    if dossier_id is None:
        return ORDER_NOT_FOUND, "no such order"
    dossier = uow.lock_dossier(dossier_id)  # one notice per dossier at a time; read the order under it
    payment = session.scalars(select(Payment).where(Payment.txn_ref == notice.txn_ref)
                              .execution_options(populate_existing=True)).one()
    if notice.amount_vnd != payment.amount_vnd:
        return INVALID_AMOUNT, f"amount {notice.amount_vnd} for an order of {payment.amount_vnd}"
    if payment.state != PENDING:
        return ALREADY_CONFIRMED, f"order already {payment.state}"
    now = clock.now()
    payment.answered_at, payment.response_code = now, notice.response_code
    payment.transaction_no, payment.bank_code, payment.pay_date = (
        notice.transaction_no, notice.bank_code, notice.pay_date)
    if not notice.paid:
        payment.state = FAILED
        dossier.revision += 1
        audit.record(session, dossier, "payment_failed", status_before=dossier.status, txn_ref=payment.txn_ref,
                     response_code=notice.response_code)
        return CONFIRMED, f"not paid ({notice.response_code})"
    payment.state = PAID
    local = now.astimezone(ZoneInfo(dossier.agency.timezone))
    payment.receipt_number = f"BL{local:%Y}-{payment.id:07d}"
    _finish_payment_step(session, dossier, payment, local.date())
    return CONFIRMED, "paid"


def _finish_payment_step(session, dossier, payment: Payment, today) -> None:
    """A genuine payment finishes the step that waits for it: the workflow runs on, the dossier
    leaves status 6 and its clock resumes (engine/deadlines.py). Paid when the step is already
    done (paid at the counter meanwhile, or twice online): recorded, and the counter is told."""
    item = open_payment_item(session, dossier)
    detail = {"txn_ref": payment.txn_ref, "amount_vnd": payment.amount_vnd, "receipt_number": payment.receipt_number,
              "transaction_no": payment.transaction_no}
    if item is None or item.step_id != payment.step_id:
        dossier.revision += 1
        audit.record(session, dossier, "fee_paid_online", status_before=dossier.status, step_already_done=True,
                     **detail)
        _tell_counter_paid_twice(session, dossier, payment)
        return
    runtime = procedure_of(dossier)
    step = runtime.manifest["steps"][item.step_id]
    data = {"receipt_numbers": payment.receipt_number, "paid_amount": payment.amount_vnd,
            "paid_on": today.isoformat(), "payment_method": "online", "transaction_no": payment.transaction_no}
    form = runtime.forms.get(step["form"]) if step["form"] else None
    clean = validate_form(form, data, today=today) if form is not None else data
    workflow = load_workflow(dossier)
    complete_task(workflow, ready_task(workflow, item.task_id), clean)
    item.state, item.finished_at, item.finished_by_id = "done", clock.now(), None
    advance(session, dossier, workflow, actor_id=None, action="fee_paid_online", step=item, data=clean, **detail)
    procedure = dossier.procedure_version.procedure.name
    mail_citizen(session, key=f"fee-paid-{payment.id}", to=dossier.applicant_email,
                 subject=f"[Một cửa] Biên lai thanh toán phí, lệ phí hồ sơ {dossier.code}",
                 body=(f"Kính gửi Ông/Bà {dossier.applicant_name},\n\n"
                       f"Cơ quan {dossier.agency.name} đã nhận khoản thanh toán {vnd(payment.amount_vnd)} đồng"
                       f" cho hồ sơ «{procedure}» (mã hồ sơ {dossier.code}).\n"
                       f"Số biên lai: {payment.receipt_number}. Mã giao dịch: {payment.transaction_no}.\n\n"
                       "Hồ sơ tiếp tục được giải quyết.\n"))


def _tell_counter_paid_twice(session, dossier, payment) -> None:
    from engine.commands.online import _tell_the_counter
    _tell_the_counter(session, dossier,
                      f"Hồ sơ {dossier.code}: nhận thêm khoản thanh toán trực tuyến {vnd(payment.amount_vnd)} đồng "
                      f"(biên lai {payment.receipt_number}) khi bước thu phí đã xong: cần xem xét hoàn trả.",
                      f"Dossier {dossier.code}: another online payment of VND {payment.amount_vnd} "
                      f"(receipt {payment.receipt_number}) arrived after the fee step was done: consider a refund.")
