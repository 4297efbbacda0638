"""The local stand-ins the embedded demo (`motcua serve`) runs in its own process on loopback, for
each outside system that is not configured: the payment gateway and the SMS operator (the national
portal's is in integrations/national_portal_standin.py). Each gets fresh credentials for this run,
handed to the app through the same environment variables a real deployment sets."""
from __future__ import annotations

import os
import secrets
from contextlib import ExitStack

from integrations.standins.payment_gateway import running_gateway
from integrations.standins.sms_operator import running_operator

DEMO_TMN_CODE = "MOTCUADEMO"
# Kept open for the life of the process (the servers run in daemon threads).
_RUNNING = ExitStack()


def start_demo_stand_ins(app_port: int) -> list[str]:
    """Start what is missing; returns a line per stand-in started, for the console."""
    started = []
    if not any(os.environ.get(name) for name in ("MOTCUA_PAYMENT_URL", "MOTCUA_PAYMENT_TMN_CODE",
                                                 "MOTCUA_PAYMENT_HASH_SECRET")):
        secret = secrets.token_hex(32)
        gateway = _RUNNING.enter_context(running_gateway(
            tmn_code=DEMO_TMN_CODE, hash_secret=secret, ipn_url=f"http://127.0.0.1:{app_port}/thanh-toan/ipn"))
        os.environ.update(MOTCUA_PAYMENT_URL=gateway.pay_url, MOTCUA_PAYMENT_TMN_CODE=DEMO_TMN_CODE,
                          MOTCUA_PAYMENT_HASH_SECRET=secret)
        started.append(f"payment gateway stand-in on {gateway.pay_url}")
    if not os.environ.get("MOTCUA_SMS_URL"):
        key = secrets.token_hex(16)
        operator = _RUNNING.enter_context(running_operator(api_key=key))
        os.environ.update(MOTCUA_SMS_URL=operator.url, MOTCUA_SMS_KEY=key)
        started.append(f"SMS operator stand-in on {operator.url}")
    return started


def stop_demo_stand_ins() -> None:
    """Stop every stand-in started here (tests; the demo's run ends with its process)."""
    _RUNNING.close()
