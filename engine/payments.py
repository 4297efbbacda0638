"""Fees paid online (docs/CITIZENS.md, "Fees and online payment"), the parts every command and
query shares.

The modelling pattern: the step where the dossier waits for the fee declares ``dossierStatus`` 6
(its clock stops, engine/deadlines.py) and ``payment`` = ``fee``: the amount is the fee the
procedure's catalogue entry declares (workflows/catalogue/<key>.json). The citizen pays it online
through the gateway, and the gateway's genuine "paid" notice finishes the step
(engine/commands/payments.py); at the counter an officer finishes it with the receipt, as before.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine.models import Payment, WorkItem
from engine.procedures import catalogue
from engine.runtime.host import procedure_of

PROPERTY = "payment"
KINDS = ("fee",)
WAITING = "6"
PENDING, PAID, FAILED = "pending", "paid", "failed"


def takes_payment(step: dict) -> bool:
    return step.get("properties", {}).get(PROPERTY) in KINDS


def fee_of(catalogue_dir: Path, procedure_key: str) -> int:
    """The fee (VND) the procedure's catalogue entry declares; 0 when none or free."""
    entry = catalogue.load(catalogue_dir).get(procedure_key)
    return int(entry["fee"]["amount"]) if entry else 0


def open_payment_item(session, dossier) -> WorkItem | None:
    """The dossier's open step that waits for the fee, if it waits for one now."""
    steps = procedure_of(dossier).manifest["steps"]
    items = session.scalars(select(WorkItem).where(WorkItem.dossier_id == dossier.id, WorkItem.state == "open")
                            .order_by(WorkItem.id))
    return next((item for item in items if takes_payment(steps.get(item.step_id, {}))), None)


def payments_of(session, dossier_id: int) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.dossier_id == dossier_id).order_by(Payment.id)))


def vnd(amount: int) -> str:
    """100000 -> "100.000" (the Vietnamese way of grouping digits)."""
    return f"{int(amount):,}".replace(",", ".")
