"""The figures of a period: what a leader's report and the national index are made of.

A dossier belongs to a period ``[start, end)`` when it was received before the end and had not
finished before the start (newly registered online dossiers are not counted: their clock has not
started). Received: **carried over** (received before the start) or **new** (received in the
period, by channel: counter, online, post). Each one is then in exactly one class of
``verdict.CLASSES``, judged as of the end of the period (or now, for a period not over yet), so
the classes add up to what was received. Every figure can list its dossiers (``dossiers_in``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from engine import clock
from engine.models import Agency, Dossier, Procedure, ProcedureVersion
from engine.statistics.verdict import (
    CLASSES, EARLY, LATE, ON_TIME, OVERDUE, SUPPLEMENT_PENDING, WAITING_OBLIGATION, WITHIN_TIME, verdict,
)
from engine.statuses import Channel, DossierStatus

CARRIED_OVER, NEW, RECEIVED = "carried_over", "new", "received"
CHANNELS = {int(Channel.COUNTER): "counter", int(Channel.ONLINE): "online", int(Channel.POST): "post"}
# Every figure a table shows, in order: each one drills down to its dossiers.
FIGURES = (RECEIVED, CARRIED_OVER, NEW, *CHANNELS.values(), *CLASSES)
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` inclusive, in ``zone``."""
    first: date
    last: date
    zone: str = DEFAULT_ZONE

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), ZoneInfo(self.zone))

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), ZoneInfo(self.zone))

    @classmethod
    def month(cls, year: int, month: int, zone: str = DEFAULT_ZONE) -> "Period":
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following - timedelta(days=1), zone)

    @classmethod
    def quarter(cls, year: int, quarter: int, zone: str = DEFAULT_ZONE) -> "Period":
        first = cls.month(year, 3 * quarter - 2, zone)
        return cls(first.first, cls.month(year, 3 * quarter, zone).last, zone)

    @classmethod
    def year(cls, year: int, zone: str = DEFAULT_ZONE) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31), zone)

    def months(self) -> list["Period"]:
        out, year, month = [], self.first.year, self.first.month
        while date(year, month, 1) <= self.last:
            out.append(Period.month(year, month, self.zone))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


@dataclass
class Figures:
    counts: Counter = field(default_factory=Counter)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def add(self, row_class: str, carried_over: bool, channel: int) -> None:
        self.counts[RECEIVED] += 1
        if carried_over:
            self.counts[CARRIED_OVER] += 1
        else:
            self.counts[NEW] += 1
            self.counts[CHANNELS.get(channel, "counter")] += 1
        self.counts[row_class] += 1

    @property
    def finished(self) -> int:
        return self[EARLY] + self[ON_TIME] + self[LATE]

    @property
    def open(self) -> int:
        return self[WITHIN_TIME] + self[OVERDUE] + self[SUPPLEMENT_PENDING] + self[WAITING_OBLIGATION]

    @property
    def in_time(self) -> int:
        """Finished early or on time, or open and not late (a wait for the citizen stops the clock)."""
        return self[EARLY] + self[ON_TIME] + self[WITHIN_TIME] + self[SUPPLEMENT_PENDING] + self[WAITING_OBLIGATION]

    @property
    def judged(self) -> int:
        return self.finished + self.open

    @property
    def on_time_share(self) -> float | None:
        """Index 2.1: in time / (finished + open); withdrawn, stopped, refused and dossiers without
        a time limit are not judged."""
        return self.in_time / self.judged if self.judged else None


@dataclass(frozen=True)
class Row:
    """One dossier of a period, with its class (what a drill-down lists)."""
    id: int
    code: str
    agency_id: int
    agency_name: str
    procedure_id: int
    procedure_name: str
    status: int
    channel: int
    received_at: datetime
    original_due_at: datetime | None
    finished_at: datetime | None
    supplement_count: int
    carried_over: bool
    klass: str
    sector: str = ""  # the procedure's field (lĩnh vực), as its version declares it
    online_level: str | None = None  # full / partial when the procedure is offered online


def _version_metadata(session) -> dict[int, dict]:
    """Each deployed version's metadata (a short table: one row per version)."""
    return {vid: meta or {} for vid, meta in session.execute(
        select(ProcedureVersion.id, ProcedureVersion.manifest["metadata"])).all()}


def rows(session, period: Period, *, agency_ids: Iterable[int] | None = None,
         procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> Iterable[Row]:
    """Every dossier of the period with its class (see the module's docstring), oldest first."""
    now = now or clock.now()
    current = period.end > now
    at = now if current else period.end - timedelta(microseconds=1)
    start = period.start
    stmt = (select(Dossier.id, Dossier.code, Dossier.agency_id, Agency.name, Procedure.id, Procedure.name,
                   Dossier.status, Dossier.channel, Dossier.received_at, Dossier.original_due_at,
                   Dossier.finished_at, Dossier.supplement_count, Agency.timezone, Dossier.procedure_version_id)
            .join(Agency, Agency.id == Dossier.agency_id)
            .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
            .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
            .where(Dossier.status != int(DossierStatus.NEWLY_REGISTERED), Dossier.received_at <= at,
                   or_(Dossier.finished_at.is_(None), Dossier.finished_at >= start))
            .order_by(Dossier.received_at, Dossier.id))
    if agency_ids is not None:
        stmt = stmt.where(Dossier.agency_id.in_(list(agency_ids)))
    if procedure_ids is not None:
        stmt = stmt.where(Procedure.id.in_(list(procedure_ids)))
    metadata = _version_metadata(session)
    for r in session.execute(stmt):
        klass = verdict(status=r.status, finished_at=r.finished_at, original_due_at=r.original_due_at,
                        supplement_count=r.supplement_count, timezone=r.timezone, at=at, current=current)
        if klass is None:
            continue
        meta = metadata.get(r.procedure_version_id, {})
        yield Row(*r[:12], carried_over=r.received_at < start, klass=klass, sector=meta.get("sector") or "",
                  online_level=meta.get("online_level"))


def figures(session, period: Period, *, agency_ids: Iterable[int] | None = None,
            procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> Figures:
    """The figures of the dossiers of the given agencies (all when None) in the period."""
    out = Figures()
    for row in rows(session, period, agency_ids=agency_ids, procedure_ids=procedure_ids, now=now):
        out.add(row.klass, row.carried_over, row.channel)
    return out


def figures_by(session, period: Period, key: Callable[[Row], tuple], *, agency_ids: Iterable[int] | None = None,
               procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> dict[tuple, Figures]:
    """The figures per group (``key`` of a row, e.g. ``by_agency``), groups in first-seen order."""
    out: dict[tuple, Figures] = {}
    for row in rows(session, period, agency_ids=agency_ids, procedure_ids=procedure_ids, now=now):
        out.setdefault(key(row), Figures()).add(row.klass, row.carried_over, row.channel)
    return out


def by_agency(row: Row) -> tuple:
    return (row.agency_id, row.agency_name)


def by_procedure(row: Row) -> tuple:
    return (row.procedure_id, row.procedure_name)


def by_sector(row: Row) -> tuple:
    return (row.sector, row.sector)


def dossiers_in(session, period: Period, figure: str, *, agency_ids: Iterable[int] | None = None,
                procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> list[Row]:
    """The dossiers a figure counts (drill-down), oldest reception first."""
    if figure not in FIGURES:
        raise ValueError(figure)
    found = rows(session, period, agency_ids=agency_ids, procedure_ids=procedure_ids, now=now)
    if figure == RECEIVED:
        return list(found)
    if figure == CARRIED_OVER:
        return [r for r in found if r.carried_over]
    if figure == NEW:
        return [r for r in found if not r.carried_over]
    if figure in CHANNELS.values():
        return [r for r in found if not r.carried_over and CHANNELS.get(r.channel, "counter") == figure]
    return [r for r in found if r.klass == figure]
