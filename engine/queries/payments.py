"""Reading fees and payments: what a dossier's citizen must pay now, and every payment made."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.models import Dossier, Payment
from engine.payments import PAID, PENDING, fee_of, open_payment_item, payments_of
from engine.procedures import catalogue
from engine.statuses import DossierStatus


@dataclass(frozen=True)
class FeeDue:
    amount_vnd: int
    step_name: str
    text: dict  # the catalogue's explanation, {"vi": …, "en": …}
    pending: bool  # an online payment was started and the gateway has not answered yet
    last_failed: bool  # the last online attempt did not go through


@dataclass(frozen=True)
class DossierPayments:
    due: FeeDue | None
    payments: list[Payment]  # every online payment of the dossier, oldest first

    @property
    def receipts(self) -> list[Payment]:
        return [p for p in self.payments if p.state == PAID]


def dossier_payments(session, dossier_id: int, catalogue_dir: Path) -> DossierPayments:
    """Detached rows: read them after the session has closed."""
    dossier = session.get(Dossier, dossier_id)
    payments = payments_of(session, dossier_id)
    for payment in payments:
        session.expunge(payment)
    due = None
    if dossier is not None and dossier.status == DossierStatus.WAITING_FOR_FINANCIAL_OBLIGATION:
        item = open_payment_item(session, dossier)
        key = dossier.procedure_version.procedure.key
        amount = fee_of(catalogue_dir, key) if item is not None else 0
        if amount > 0:
            entry = catalogue.load(catalogue_dir)[key]
            mine = [p for p in payments if p.step_id == item.step_id]
            due = FeeDue(amount_vnd=amount, step_name=item.step_name, text=entry["fee"],
                         pending=any(p.state == PENDING for p in mine),
                         last_failed=bool(mine) and mine[-1].state == "failed")
    return DossierPayments(due, payments)
