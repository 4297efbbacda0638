"""Interfaces the engine needs from the outside world; integrations/ implements them and
engine.bootstrap wires them in one place."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class MailRefused(Exception):
    """The mail server refused this message for good (a 5xx answer, an address it cannot take):
    sending it again would fail the same way, so the outbox gives it up at once."""


class Mailer(Protocol):
    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        """Send one message or raise; ``message_id`` is stable so a resend can be recognised.
        Raise ``MailRefused`` when retrying cannot help, anything else for a passing failure."""


class PartnerClient(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST one request; return the HTTP status and body, or raise when nothing answered."""


class PaymentNotConfigured(Exception):
    """No payment gateway is configured: the message names the missing settings."""

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(message_en)
        self.message_vi, self.message_en = message_vi, message_en


class ForgedNotice(Exception):
    """A payment notice whose signature or fields do not check out: refused, changes nothing."""


@dataclass(frozen=True)
class PaymentNotice:
    """What the gateway says about one order, once its signature was checked."""
    txn_ref: str
    amount_vnd: int
    paid: bool  # response code and transaction status both 00
    response_code: str
    transaction_no: str
    bank_code: str
    pay_date: str  # yyyyMMddHHmmss, GMT+7, as the gateway sends it


class PaymentGateway(Protocol):
    def checkout_url(self, *, txn_ref: str, amount_vnd: int, order_info: str, return_url: str, client_ip: str,
                     created_at: datetime, locale: str = "vn") -> str:
        """The gateway's payment page for this order, signed; the browser is sent there."""

    def read_notice(self, params: Mapping[str, str]) -> PaymentNotice:
        """Check a notice's signature (raise ``ForgedNotice``) and read it."""
