"""Text messages through an SMS operator's HTTP gateway (the "brandname" services Vietnamese
operators sell), implementing the engine's SMS port: ``send(to, text, message_id)``.

The request is what such gateways take: an authenticated JSON POST to ``<base>/messages`` with
the sender name, the number in international form (84…), the text and our id for the message;
the operator answers 2xx with its own id, and treats a repeated id as the same message (so a
retry after a lost answer does not text the citizen twice). Anything else is an error the
scheduler retries later and shows to administrators.

Configured by MOTCUA_SMS_URL, MOTCUA_SMS_KEY and MOTCUA_SMS_SENDER. Without a URL the null
gateway refuses, so messages wait in the outbox instead of being lost.
"""
from __future__ import annotations

import requests


def international(number: str) -> str:
    """0912345678 / +84 912 345 678 -> 84912345678."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


class HttpSmsGateway:
    def __init__(self, base_url: str, api_key: str, sender: str = "MOTCUA", timeout: float = 10):
        self.base_url, self.api_key, self.sender, self.timeout = base_url.rstrip("/"), api_key, sender, timeout

    def send(self, *, to: str, text: str, message_id: str) -> str:
        response = requests.post(f"{self.base_url}/messages", timeout=self.timeout,
                                 headers={"Authorization": f"Bearer {self.api_key}"},
                                 json={"from": self.sender, "to": international(to), "text": text,
                                       "client_ref": message_id})
        if response.status_code // 100 != 2:
            raise RuntimeError(f"SMS operator answered {response.status_code}: {response.text[:200]}")
        return str(response.json().get("message_id", ""))


class NullSmsGateway:
    """When no SMS operator is configured: messages stay in the outbox, untried, as mail does."""

    configured = False

    def send(self, **_):
        raise RuntimeError("no SMS operator configured (MOTCUA_SMS_URL)")
