"""The Decision 766 service indices a dossier system can compute (docs/RULES.md, docs/STATISTICS.md),
as far as motcua records the data; each with its formula's numbers, target and points.

Points for a target T: the full points when the ratio reaches T, otherwise ratio × points / T.
Only 2.1's points (20) are part of the rules we keep; for the others the page shows the ratio
against its target and no points.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, or_, select

from engine.calendar.store import calendar_for
from engine.models import Agency, Dossier, Payment, ProcedureVersion, ResultDocument, WorkItem
from engine.payments import PAID, takes_payment
from engine.statistics.figures import Figures, Period, _moment, rows
from engine.statistics.verdict import FINISHED
from engine.statuses import Channel, DossierStatus


@dataclass(frozen=True)
class Index:
    code: str
    numerator: float | None
    denominator: float | None
    target: float | None = None  # a ratio (0.5 = 50 %)
    points: float | None = None  # the most the index earns
    available: bool = True  # False: motcua does not record what the index needs

    @property
    def ratio(self) -> float | None:
        if not self.available or self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator

    @property
    def earned(self) -> float | None:
        return earned(self.ratio, self.target, self.points)


@dataclass(frozen=True)
class HandlingTime:
    """Index 2.2 for one procedure: dossiers handled in the period and their mean working days."""
    procedure_id: int
    procedure_name: str
    handled: int
    mean_working_days: float


@dataclass(frozen=True)
class Indices:
    period: Period
    indices: list[Index]
    handling_times: list[HandlingTime]

    def __getitem__(self, code: str) -> Index:
        return next(i for i in self.indices if i.code == code)


def earned(ratio: float | None, target: float | None, points: float | None) -> float | None:
    if ratio is None or points is None:
        return None
    target = target or 1.0
    return points if ratio >= target else ratio * points / target


def indices(session, period: Period, *, agency_ids: Iterable[int] | None = None,
            now: datetime | None = None) -> Indices:
    in_period = list(rows(session, period, agency_ids=agency_ids, now=now))
    figures = Figures()
    for row in in_period:
        figures.add(row.klass, row.carried_over, row.channel)
    # 3.3: among new dossiers of procedures offered online, those submitted online.
    offered = [r for r in in_period if not r.carried_over and r.online_level]
    online = sum(1 for r in offered if r.channel == Channel.ONLINE)
    complaints = 0  # 5.4: 100 % − (late rate + complaint rate); motcua records no complaints yet
    settled = _settled(session, period, agency_ids, now)
    return Indices(period, [
        Index("2.1", figures.in_time, figures.judged, target=1.0, points=20),
        Index("2.2", None, None),  # per procedure: handling_times
        Index("3.3", online, len(offered), target=0.5),
        Index("3.6", settled.paid_online, settled.with_fee),
        Index("4.1", settled.electronic_result, settled.settled, target=0.8),
        Index("4.2", None, None, target=0.8, available=False),
        Index("5.4", figures.finished - figures["late"] - complaints, figures.finished),
    ], _handling_times(session, in_period))


@dataclass(frozen=True)
class Settled:
    """Indices 3.6 and 4.1, over the dossiers settled in the period (handled early, on time or
    late: those 2.2 and 5.4 read), where whether a fee was paid online and whether the result was
    electronic is decided."""
    settled: int
    with_fee: int  # a step that takes the fee (``payment`` = fee, engine/payments.py) was opened
    paid_online: int  # among those, the gateway confirmed a payment (state paid)
    electronic_result: int  # a signed result document was issued (engine/results/), whenever


def _fee_steps(session) -> dict[int, set[str]]:
    """The steps that take a fee, per procedure version (the versions are a short table; the
    steps are named in the statement, so the database never reads a manifest per dossier)."""
    out: dict[int, set[str]] = {}
    for version_id, steps in session.execute(select(ProcedureVersion.id, ProcedureVersion.manifest["steps"])):
        fee = {step_id for step_id, step in (steps or {}).items() if takes_payment(step or {})}
        if fee:
            out[version_id] = fee
    return out


def _settled(session, period: Period, agency_ids, now) -> Settled:
    """One counting statement over the dossiers settled in the period (the condition of
    ``figures.figures``' early, on time and late, without judging again: the kept outcome); each
    question is an EXISTS along the table's index by dossier (ix_work_items_dossier,
    ix_payments_dossier, result_documents' dossier_id), so the cost is that of the settled dossiers.

    "Has a fee" is what the data says, not the catalogue's amount today: the dossier reached a
    step that takes the fee (a refused application never pays; a free procedure has no such
    step). Paid online: the gateway's genuine "paid" notice; a fee paid at the counter is not."""
    at, _current = _moment(period, now)
    fee_steps = _fee_steps(session)
    had_fee = exists().where(WorkItem.dossier_id == Dossier.id, or_(*(
        and_(Dossier.procedure_version_id == version_id, WorkItem.step_id.in_(sorted(steps)))
        for version_id, steps in fee_steps.items()))) if fee_steps else false()
    paid = exists().where(Payment.dossier_id == Dossier.id, Payment.state == PAID)
    electronic = exists().where(ResultDocument.dossier_id == Dossier.id)
    stmt = (select(func.count(), func.sum(case((had_fee, 1), else_=0)),
                   func.sum(case((and_(had_fee, paid), 1), else_=0)), func.sum(case((electronic, 1), else_=0)))
            .where(Dossier.status != int(DossierStatus.NEWLY_REGISTERED), Dossier.received_at <= at,
                   Dossier.finished_at >= period.start, Dossier.finished_at <= at, Dossier.outcome.in_(FINISHED)))
    if agency_ids is not None:
        stmt = stmt.where(Dossier.agency_id.in_(list(agency_ids)))
    settled, with_fee, paid_online, electronic_result = session.execute(stmt).one()
    return Settled(settled, with_fee or 0, paid_online or 0, electronic_result or 0)


def _handling_times(session, in_period) -> list[HandlingTime]:
    """Mean working days from reception to the end of processing, per procedure, over the
    dossiers handled (early, on time or late) in the period."""
    handled = [r for r in in_period if r.klass in FINISHED]
    agencies = {a.id: a for a in session.execute(
        select(Agency).where(Agency.id.in_({r.agency_id for r in handled}))).scalars()} if handled else {}
    calendars = {aid: calendar_for(session, agency) for aid, agency in agencies.items()}
    totals: dict[tuple[int, str], list[float]] = {}
    for r in handled:
        days = float(calendars[r.agency_id].working_days_between(r.received_at, r.finished_at))
        totals.setdefault((r.procedure_id, r.procedure_name), []).append(days)
    return sorted((HandlingTime(pid, name, len(days), sum(days) / len(days)) for (pid, name), days in totals.items()),
                  key=lambda h: (h.procedure_name, h.procedure_id))
