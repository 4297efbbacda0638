"""Online payment through a Vietnamese card and QR payment gateway, implementing the engine's
payment port (engine/ports.py): the redirect and signed-callback protocol of the VNPAY kind, the
one most provincial portals use (docs/CITIZENS.md, "Fees and online payment").

- **Redirect.** The citizen's browser is sent to the gateway's payment page with the order in the
  query: ``vnp_Version``, ``vnp_Command=pay``, ``vnp_TmnCode`` (our merchant code),
  ``vnp_Amount`` (VND × 100), ``vnp_CurrCode=VND``, ``vnp_TxnRef`` (our order reference, unique),
  ``vnp_OrderInfo``, ``vnp_OrderType``, ``vnp_Locale``, ``vnp_ReturnUrl``, ``vnp_IpAddr``,
  ``vnp_CreateDate`` and ``vnp_ExpireDate`` (``yyyyMMddHHmmss`` in GMT+7), and
  ``vnp_SecureHash``.
- **Signature.** HMAC-SHA512 with the shared hash secret over the ``vnp_`` parameters (without
  the hash fields) sorted by name and URL-encoded as a form (``key=value&…``, spaces as ``+``),
  in lowercase hex. The gateway signs its answers the same way.
- **Answers.** The gateway calls our IPN address server to server (it records the payment) and
  sends the browser back to ``vnp_ReturnUrl`` (it only shows the result), both with
  ``vnp_ResponseCode`` and ``vnp_TransactionStatus`` (``00`` = paid), ``vnp_Amount``,
  ``vnp_TxnRef``, ``vnp_TransactionNo``, ``vnp_BankCode``, ``vnp_PayDate`` and the signature.

Configured by MOTCUA_PAYMENT_URL, MOTCUA_PAYMENT_TMN_CODE and MOTCUA_PAYMENT_HASH_SECRET; with
one missing, ``UnconfiguredPaymentGateway`` says which, and the citizen is told to pay at the
counter.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

from engine.ports import ForgedNotice, PaymentNotConfigured, PaymentNotice

VERSION = "2.1.0"
GMT7 = timezone(timedelta(hours=7))
DATE_FORMAT = "%Y%m%d%H%M%S"
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
PAID = "00"
# How long the payment page accepts the order (the gateway refuses it after vnp_ExpireDate).
EXPIRES_AFTER = timedelta(minutes=15)


def canonical(params: Mapping[str, str]) -> str:
    """The signed text: the vnp_ fields but the hash, sorted, form-encoded."""
    fields = sorted((k, str(v)) for k, v in params.items()
                    if k.startswith("vnp_") and k not in HASH_FIELDS and v not in (None, ""))
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in fields)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), canonical(params).encode("utf-8"), hashlib.sha512).hexdigest()


def signed_query(params: Mapping[str, str], secret: str) -> str:
    return canonical(params) + "&vnp_SecureHash=" + sign(params, secret)


def gmt7(moment: datetime) -> str:
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


class VnpayGateway:
    configured = True

    def __init__(self, pay_url: str, tmn_code: str, hash_secret: str):
        self.pay_url, self.tmn_code, self.hash_secret = pay_url, tmn_code, hash_secret

    def checkout_url(self, *, txn_ref: str, amount_vnd: int, order_info: str, return_url: str, client_ip: str,
                     created_at: datetime, locale: str = "vn") -> str:
        params = {
            "vnp_Version": VERSION, "vnp_Command": "pay", "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(int(amount_vnd) * 100), "vnp_CurrCode": "VND", "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": order_info, "vnp_OrderType": "other", "vnp_Locale": "en" if locale == "en" else "vn",
            "vnp_ReturnUrl": return_url, "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": gmt7(created_at), "vnp_ExpireDate": gmt7(created_at + EXPIRES_AFTER),
        }
        return f"{self.pay_url}?{signed_query(params, self.hash_secret)}"

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice:
        """The gateway's answer (IPN or return), once its signature is checked: ``ForgedNotice``
        when the signature is missing or wrong, or a field is not what the protocol says."""
        given = str(params.get("vnp_SecureHash", "")).lower()
        if not given or not hmac.compare_digest(given, sign(params, self.hash_secret)):
            raise ForgedNotice("invalid signature")
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise ForgedNotice("another merchant's notice")
        raw_amount = str(params.get("vnp_Amount", ""))
        if not raw_amount.isdigit() or int(raw_amount) % 100:
            raise ForgedNotice("amount is not VND × 100")
        code, status = str(params.get("vnp_ResponseCode", "")), str(params.get("vnp_TransactionStatus", ""))
        return PaymentNotice(
            txn_ref=str(params.get("vnp_TxnRef", ""))[:64], amount_vnd=int(raw_amount) // 100,
            paid=code == PAID and status == PAID, response_code=code[:8],
            transaction_no=str(params.get("vnp_TransactionNo", ""))[:64],
            bank_code=str(params.get("vnp_BankCode", ""))[:32], pay_date=str(params.get("vnp_PayDate", ""))[:14])


class UnconfiguredPaymentGateway:
    """No gateway configured: every use says which setting is missing."""
    configured = False
    pay_url = ""

    def __init__(self, missing: list[str]):
        self.missing = missing

    def _refuse(self, *_, **__):
        raise PaymentNotConfigured(
            "Thanh toán trực tuyến chưa được cấu hình (thiếu " + ", ".join(self.missing) + ").",
            "Online payment is not configured (missing " + ", ".join(self.missing) + ").")

    checkout_url = read_notice = _refuse


def gateway_from_settings(settings):
    missing = [name for name, value in (("MOTCUA_PAYMENT_URL", settings.payment_url),
                                        ("MOTCUA_PAYMENT_TMN_CODE", settings.payment_tmn_code),
                                        ("MOTCUA_PAYMENT_HASH_SECRET", settings.payment_hash_secret)) if not value]
    if missing:
        return UnconfiguredPaymentGateway(missing)
    return VnpayGateway(settings.payment_url, settings.payment_tmn_code, settings.payment_hash_secret)
