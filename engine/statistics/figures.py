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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, or_, select, true

from engine import clock
from engine.db import local_settings
from engine.models import Agency, Dossier, Procedure, ProcedureVersion
from engine.statistics.verdict import (
    _WAITING, CLASSES, EARLY, class_expression, LATE, NO_TIME_LIMIT, ON_TIME, OVERDUE, SUPPLEMENT_PENDING,
    WAITING_OBLIGATION, WITHIN_TIME, verdict,
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

    def add(self, row_class: str, carried_over: bool, channel: int, count: int = 1) -> None:
        self.counts[RECEIVED] += count
        if carried_over:
            self.counts[CARRIED_OVER] += count
        else:
            self.counts[NEW] += count
            self.counts[CHANNELS.get(channel, "counter")] += count
        self.counts[row_class] += count

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


def _rows_statement(period: Period, at: datetime, agency_ids, procedure_ids):
    """The dossiers of the period as ``rows`` reads them (its module's rule), oldest first."""
    stmt = (select(Dossier.id, Dossier.code, Dossier.agency_id, Agency.name, Procedure.id, Procedure.name,
                   Dossier.status, Dossier.channel, Dossier.received_at, Dossier.original_due_at,
                   Dossier.finished_at, Dossier.supplement_count, Agency.timezone, Dossier.procedure_version_id)
            .join(Agency, Agency.id == Dossier.agency_id)
            .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
            .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
            .where(Dossier.status != int(DossierStatus.NEWLY_REGISTERED), Dossier.received_at <= at,
                   or_(Dossier.finished_at.is_(None), Dossier.finished_at >= period.start))
            .order_by(Dossier.received_at, Dossier.id))
    if agency_ids is not None:
        stmt = stmt.where(Dossier.agency_id.in_(list(agency_ids)))
    if procedure_ids is not None:
        stmt = stmt.where(Procedure.id.in_(list(procedure_ids)))
    return stmt


def _judged(session, stmt, period: Period, at: datetime, current: bool) -> Iterable[Row]:
    metadata = _version_metadata(session)
    for r in session.execute(stmt):
        klass = verdict(status=r.status, finished_at=r.finished_at, original_due_at=r.original_due_at,
                        supplement_count=r.supplement_count, timezone=r.timezone, at=at, current=current)
        if klass is None:
            continue
        meta = metadata.get(r.procedure_version_id, {})
        yield Row(*r[:12], carried_over=r.received_at < period.start, klass=klass, sector=meta.get("sector") or "",
                  online_level=meta.get("online_level"))


def rows(session, period: Period, *, agency_ids: Iterable[int] | None = None,
         procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> Iterable[Row]:
    """Every dossier of the period with its class (see the module's docstring), oldest first."""
    at, current = _moment(period, now)
    return _judged(session, _rows_statement(period, at, agency_ids, procedure_ids), period, at, current)


def _moment(period: Period, now: datetime | None) -> tuple[datetime, bool]:
    """The instant the period is judged at (its end, or now while it runs) and whether that is now."""
    now = now or clock.now()
    current = period.end > now
    return (now if current else period.end - timedelta(microseconds=1)), current


# The groups a table can have: a dossier's column, counted by the database.
BY_AGENCY, BY_PROCEDURE, BY_SECTOR = "agency", "procedure", "sector"
_GROUP_COLUMNS = {None: None, BY_AGENCY: Dossier.agency_id, BY_PROCEDURE: ProcedureVersion.procedure_id,
                  BY_SECTOR: Dossier.procedure_version_id}


def _counted(session, period: Period, group: str | None, agency_ids, procedure_ids, now):
    """(group column, class, carried over, channel, dossiers), counted by the database with the
    class of ``verdict.class_expression``: one pass over the period's dossiers, no row fetched."""
    at, current = _moment(period, now)
    start = period.start
    column = _GROUP_COLUMNS[group]
    inner = select((column if column is not None else literal(0)).label("key"),
                   class_expression(at, current).label("klass"),
                   case((Dossier.received_at < start, 1), else_=0).label("carried"),
                   Dossier.channel.label("channel"))
    if group == BY_PROCEDURE or procedure_ids is not None:
        inner = inner.join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
    inner = inner.where(Dossier.status != int(DossierStatus.NEWLY_REGISTERED), Dossier.received_at <= at,
                        or_(Dossier.finished_at.is_(None), Dossier.finished_at >= start))
    if agency_ids is not None:
        inner = inner.where(Dossier.agency_id.in_(list(agency_ids)))
    if procedure_ids is not None:
        inner = inner.where(ProcedureVersion.procedure_id.in_(list(procedure_ids)))
    inner = inner.subquery()
    return session.execute(select(inner.c.key, inner.c.klass, inner.c.carried, inner.c.channel, func.count())
                           .group_by(inner.c.key, inner.c.klass, inner.c.carried, inner.c.channel)).all()


def figures(session, period: Period, *, agency_ids: Iterable[int] | None = None,
            procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> Figures:
    """The figures of the dossiers of the given agencies (all when None) in the period."""
    out = Figures()
    for _key, klass, carried, channel, count in _counted(session, period, None, agency_ids, procedure_ids, now):
        out.add(klass, bool(carried), channel, count)
    return out


def figures_by(session, period: Period, group: str, *, agency_ids: Iterable[int] | None = None,
               procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> dict[tuple, Figures]:
    """The figures per agency, procedure or sector: {(id or sector, name): figures}."""
    counted = _counted(session, period, group, agency_ids, procedure_ids, now)
    keys = {row[0] for row in counted}
    if group == BY_AGENCY:
        names = dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(keys))).all()) if keys else {}
        label = {k: (k, names[k]) for k in keys}
    elif group == BY_PROCEDURE:
        names = dict(session.execute(select(Procedure.id, Procedure.name).where(Procedure.id.in_(keys))).all()) \
            if keys else {}
        label = {k: (k, names[k]) for k in keys}
    else:
        metadata = _version_metadata(session)
        label = {k: ((metadata.get(k, {}).get("sector") or ""),) * 2 for k in keys}
    out: dict[tuple, Figures] = {}
    for key, klass, carried, channel, count in counted:
        out.setdefault(label[key], Figures()).add(klass, bool(carried), channel, count)
    return out


# The settings of the statement of ``figures_by_month`` on PostgreSQL. It groups hundreds of
# thousands of dossiers into a few hundred groups, which PostgreSQL cannot know: its estimate for a
# GROUP BY of computed values is one group per row (400,000 for the province's year), so with the
# default memory it plans to sort them or to spill a hash to disk, and the cost of that plan is
# past the JIT thresholds (half a second compiling a statement that runs once). Given the memory
# for its estimate it hashes them in one batch, and nothing is compiled (docs/PERFORMANCE.md).
FEW_GROUPS = {"jit": "off", "work_mem": "64MB"}


def figures_by_month(session, months: list[Period], *, agency_ids: Iterable[int] | None = None,
                     now: datetime | None = None) -> list[Figures]:
    """The figures of each of consecutive ``months`` (as ``figures`` counts each month alone,
    judged at its own end, or now while it runs), in one pass over the dossiers of the span.

    What decides a dossier's class in every month of the span is which month it was received in,
    which month it finished in, from which month on it is past its due instant, its kept outcome,
    its channel and status: the database counts the dossiers by these (one scan, a few thousand
    groups), and each group is then spread over the months it belongs to here, by the rule of
    ``verdict.class_expression``."""
    if not months:
        return []
    if any(a.last + timedelta(days=1) != b.first for a, b in zip(months, months[1:])):
        raise ValueError("months must follow each other")
    moments = [_moment(month, now) for month in months]
    n, first, last = len(months), months[0].start, moments[-1][0]

    def first_month(condition) -> object:
        """The index of the first month whose moment satisfies ``condition(at)`` (n: none)."""
        return case(*((condition(at), i) for i, (at, _current) in enumerate(moments)), else_=n)

    received = first_month(lambda at: Dossier.received_at <= at)
    finished = case((Dossier.finished_at.is_(None), n), else_=first_month(lambda at: Dossier.finished_at <= at))
    due = case((Dossier.original_due_at.is_(None), -1), else_=first_month(lambda at: Dossier.original_due_at < at))
    inner = (select(received.label("r"), case((Dossier.received_at < first, 1), else_=0).label("before"),
                    finished.label("f"), due.label("d"), Dossier.outcome, Dossier.status, Dossier.channel)
             .where(Dossier.status != int(DossierStatus.NEWLY_REGISTERED), Dossier.received_at <= last,
                    or_(Dossier.finished_at.is_(None), Dossier.finished_at >= first)))
    if agency_ids is not None:
        inner = inner.where(Dossier.agency_id.in_(list(agency_ids)))
    inner = inner.subquery()
    keys = (inner.c.r, inner.c.before, inner.c.f, inner.c.d, inner.c.outcome, inner.c.status, inner.c.channel)
    out = [Figures() for _month in months]
    with local_settings(session, FEW_GROUPS):
        counted = session.execute(select(*keys, func.count()).group_by(*keys)).all()
    for r, before, f, d, outcome, status, channel, count in counted:
        for m in range(r, min(f, n - 1) + 1):  # the months it belongs to: received by, not finished before
            if m >= f:
                klass = outcome
            elif moments[m][1] and status in _WAITING:
                klass = _WAITING[status]
            elif d == -1:
                klass = NO_TIME_LIMIT
            else:
                klass = OVERDUE if m >= d else WITHIN_TIME
            out[m].add(klass, bool(before) or m > r, channel, count)
    return out


def _figure_condition(period: Period, figure: str, at: datetime, current: bool):
    """SQL: the dossiers of the period that ``figure`` counts (what ``Figures.add`` adds them to)."""
    if figure not in FIGURES:
        raise ValueError(figure)
    new = Dossier.received_at >= period.start
    if figure == RECEIVED:
        return true()
    if figure == CARRIED_OVER:
        return Dossier.received_at < period.start
    if figure == NEW:
        return new
    if figure in CHANNELS.values():
        codes = [code for code, name in CHANNELS.items() if name == figure]
        others = [code for code in CHANNELS if code not in codes]
        # A channel the table does not know counts at the counter, as ``Figures.add`` counts it.
        return and_(new, Dossier.channel.not_in(others) if figure == "counter" else Dossier.channel.in_(codes))
    return class_expression(at, current) == figure


def dossiers_in(session, period: Period, figure: str, *, agency_ids: Iterable[int] | None = None,
                procedure_ids: Iterable[int] | None = None, now: datetime | None = None,
                offset: int = 0, limit: int | None = None) -> list[Row]:
    """The dossiers a figure counts (drill-down), oldest reception first: the figure's condition
    is in the statement, so a page (``offset``, ``limit``) reads only its own rows."""
    at, current = _moment(period, now)
    stmt = _rows_statement(period, at, agency_ids, procedure_ids).where(_figure_condition(period, figure, at, current))
    return list(_judged(session, stmt.offset(offset).limit(limit), period, at, current))


def count_in(session, period: Period, figure: str, *, agency_ids: Iterable[int] | None = None,
             procedure_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """How many dossiers ``dossiers_in`` lists (the figure the table shows)."""
    at, current = _moment(period, now)
    stmt = _rows_statement(period, at, agency_ids, procedure_ids).where(_figure_condition(period, figure, at, current))
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
