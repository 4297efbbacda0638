"""Interfaces the engine needs from the outside world; integrations/ implements them and
engine.bootstrap wires them in one place."""
from __future__ import annotations

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
