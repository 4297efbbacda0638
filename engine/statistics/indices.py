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

from sqlalchemy import select

from engine.calendar.store import calendar_for
from engine.models import Agency
from engine.statistics.figures import Figures, Period, rows
from engine.statistics.verdict import FINISHED
from engine.statuses import Channel


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
    return Indices(period, [
        Index("2.1", figures.in_time, figures.judged, target=1.0, points=20),
        Index("2.2", None, None),  # per procedure: handling_times
        Index("3.3", online, len(offered), target=0.5),
        Index("3.6", None, None, available=False),
        Index("4.1", None, None, target=0.8, available=False),
        Index("4.2", None, None, target=0.8, available=False),
        Index("5.4", figures.finished - figures["late"] - complaints, figures.finished),
    ], _handling_times(session, in_period))


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
