"""Interfaces the engine needs from the outside world; integrations/ implements them and
engine.bootstrap wires them in one place."""
from __future__ import annotations

from typing import Protocol


class Mailer(Protocol):
    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        """Send one message or raise; ``message_id`` is stable so a resend can be recognised."""


class PartnerClient(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST one request; return the HTTP status and body, or raise when nothing answered."""
