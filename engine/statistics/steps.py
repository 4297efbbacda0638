"""Statistics by unit: the steps (work items) an agency's units handled in a period.

A step belongs to the unit that answers for its lane (``UnitRole``: one unit per role of an
agency); the steps of a lane no unit answers for are counted under "no unit", so the rows add up
to every step of the agency. A step belongs to a period ``[start, end)`` when it arrived in the
queue before the end and had not ended before the start: **carried over** (arrived before the
start) or **new**. Judged as of the end of the period (or now, for a period not over yet), each is
in exactly one class of ``STEP_CLASSES``:

- finished (done) by then: **early**, **on time** or **late** against the step's own due time, by
  the one rule of ``verdict.timeliness`` (the control slip judges hand-overs with it too);
- **cancelled**: ended without being done (the dossier was withdrawn, stopped or took another
  path): counted apart, never judged;
- still open: **within time** until its due instant, **overdue** after;
- **no time limit**: the lane declares no allotment.

The in-time share is ``Figures.on_time_share``: (early + on time + within time) ÷ (finished + open).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from engine.models import Agency, Dossier, Unit, UnitRole, User, WorkItem
from engine.statistics.figures import CARRIED_OVER, NEW, RECEIVED, Figures, Period, _moment
from engine.statistics.verdict import EARLY, LATE, NO_TIME_LIMIT, ON_TIME, OVERDUE, WITHIN_TIME, timeliness

CANCELLED = "cancelled"
STEP_CLASSES = (EARLY, ON_TIME, LATE, CANCELLED, WITHIN_TIME, OVERDUE, NO_TIME_LIMIT)
# Every figure the unit table shows, in order: each one drills down to its steps.
STEP_FIGURES = (RECEIVED, CARRIED_OVER, NEW, *STEP_CLASSES)
NO_UNIT = 0  # the key of the steps whose lane no unit answers for


def step_verdict(*, state: str, finished_at: datetime | None, due_at: datetime | None,
                 timezone: str | Callable[[], str], at: datetime) -> str:
    """The class of one step as of the instant ``at`` (the step arrived before it). ``timezone``
    (the step's agency's) may be given as a function: it is then asked only to tell early from
    on time."""
    if finished_at is not None and finished_at <= at:
        if state == "cancelled":
            return CANCELLED
        if due_at is None:
            return NO_TIME_LIMIT
        return timeliness(finished_at, due_at, timezone() if callable(timezone) else timezone)
    if due_at is None:
        return NO_TIME_LIMIT
    return OVERDUE if at > due_at else WITHIN_TIME


def step_outcome(*, state: str, finished_at: datetime | None, due_at: datetime | None,
                 timezone: str | Callable[[], str]) -> str | None:
    """The class of a step that has ended (None while it has not): ``step_verdict`` as of its end,
    which no later instant changes. Kept in ``work_items.outcome`` when the step ends
    (engine/models/work_items.py), as ``dossiers.outcome`` is, so the database counts a period's
    steps (``class_expression``)."""
    if finished_at is None:
        return None
    return step_verdict(state=state, finished_at=finished_at, due_at=due_at, timezone=timezone, at=finished_at)


def class_expression(at: datetime):
    """``step_verdict`` as SQL over ``work_items`` (the steps arrived by ``at``): the kept outcome
    once the step has ended by ``at``, otherwise the open classes. NULL for a step that ended
    without its outcome kept (written by SQL of its own): ``figures_by_unit`` judges those here."""
    return case((and_(WorkItem.finished_at.is_not(None), WorkItem.finished_at <= at), WorkItem.outcome),
                (WorkItem.due_at.is_(None), NO_TIME_LIMIT), (WorkItem.due_at < at, OVERDUE), else_=WITHIN_TIME)


@dataclass(frozen=True)
class UnitInfo:
    id: int
    agency_id: int
    code: str
    name: str
    name_en: str
    roles: tuple[str, ...]  # the lanes it answers for


def units_of(session, agency_ids: Iterable[int]) -> list[UnitInfo]:
    """The units of these agencies with the roles each answers for, by agency and code."""
    ids = list(agency_ids)
    roles: dict[int, list[str]] = {}
    for unit_id, role in session.execute(select(UnitRole.unit_id, UnitRole.role)
                                         .where(UnitRole.agency_id.in_(ids)).order_by(UnitRole.role)):
        roles.setdefault(unit_id, []).append(role)
    return [UnitInfo(u.id, u.agency_id, u.code, u.name, u.name_en, tuple(roles.get(u.id, ())))
            for u in session.execute(select(Unit).where(Unit.agency_id.in_(ids))
                                     .order_by(Unit.agency_id, Unit.code)).scalars()]


def _unit_of_role(session, agency_id: int) -> dict[str, int]:
    return dict(session.execute(select(UnitRole.role, UnitRole.unit_id).where(UnitRole.agency_id == agency_id)).all())


def _in_period(stmt, period: Period, agency_id: int, at: datetime):
    """Steps of the agency that arrived by ``at`` and had not ended before the period began
    (read through ``ix_work_items_agency_created``)."""
    return stmt.where(WorkItem.agency_id == agency_id, WorkItem.created_at <= at,
                      or_(WorkItem.finished_at.is_(None), WorkItem.finished_at >= period.start))


def figures_by_unit(session, period: Period, agency_id: int, *, now: datetime | None = None) -> dict[int, Figures]:
    """{unit id (``NO_UNIT`` for lanes without one): figures of its steps in the period}. The
    database counts them by lane, class (``class_expression``) and carried-over flag, reading only
    the columns the index carries: a few rows come back, whatever the number of steps."""
    at, _current = _moment(period, now)
    start = period.start
    unit_of = _unit_of_role(session, agency_id)
    klass, carried = class_expression(at), case((WorkItem.created_at < start, 1), else_=0)
    stmt = _in_period(select(WorkItem.role, klass, carried, func.count()), period, agency_id, at) \
        .group_by(WorkItem.role, klass, carried)
    out: dict[int, Figures] = {}
    unkept = False
    for role, step_class, carried_over, n in session.connection().execute(stmt):
        if step_class is None:
            unkept = True
            continue
        count(out.setdefault(unit_of.get(role, NO_UNIT), Figures()), step_class, bool(carried_over), n)
    if unkept:  # steps that ended without their outcome kept: judged one by one, by the same rule
        zone = session.scalar(select(Agency.timezone).where(Agency.id == agency_id))
        stmt = _in_period(select(WorkItem.role, WorkItem.state, WorkItem.created_at, WorkItem.due_at,
                                 WorkItem.finished_at), period, agency_id, at) \
            .where(WorkItem.finished_at <= at, WorkItem.outcome.is_(None))
        for role, state, created_at, due_at, finished_at in session.connection().execute(stmt):
            step_class = step_verdict(state=state, finished_at=finished_at, due_at=due_at, timezone=zone, at=at)
            count(out.setdefault(unit_of.get(role, NO_UNIT), Figures()), step_class, created_at < start)
    return out


def count(figures: Figures, klass: str, carried_over: bool, n: int = 1) -> None:
    """Add ``n`` steps of class ``klass`` to ``figures`` (steps have no channel)."""
    figures.counts[RECEIVED] += n
    figures.counts[CARRIED_OVER if carried_over else NEW] += n
    figures.counts[klass] += n


@dataclass(frozen=True)
class StepRow:
    """One step of a period, with its class (what a drill-down lists)."""
    id: int
    dossier_id: int
    dossier_code: str
    step_name: str
    role: str
    unit_id: int
    created_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    finished_by: str | None
    carried_over: bool
    klass: str


def _figure_statement(session, period: Period, agency_id: int, figure: str, unit_id: int | None, at: datetime,
                      zone: str, unit_of: dict[str, int]):
    """The steps a figure of the unit table counts, oldest arrival first, as one statement. A
    class is the kept outcome (``class_expression``); the few steps ended without one are judged
    here and named by id, so the statement counts and cuts pages exactly."""
    if figure not in STEP_FIGURES:
        raise ValueError(figure)
    finisher = aliased(User)
    stmt = _in_period(select(WorkItem.id, WorkItem.dossier_id, Dossier.code, WorkItem.step_name, WorkItem.role,
                             WorkItem.state, WorkItem.created_at, WorkItem.due_at, WorkItem.finished_at,
                             finisher.full_name)
                      .join(Dossier, Dossier.id == WorkItem.dossier_id)
                      .outerjoin(finisher, finisher.id == WorkItem.finished_by_id), period, agency_id, at)
    if unit_id is not None:
        roles = [role for role, unit in unit_of.items() if unit == unit_id]
        stmt = stmt.where(WorkItem.role.not_in(list(unit_of))) if unit_id == NO_UNIT \
            else stmt.where(WorkItem.role.in_(roles))
    if figure == CARRIED_OVER:
        stmt = stmt.where(WorkItem.created_at < period.start)
    elif figure == NEW:
        stmt = stmt.where(WorkItem.created_at >= period.start)
    elif figure != RECEIVED:
        unkept = _in_period(select(WorkItem.id, WorkItem.state, WorkItem.due_at, WorkItem.finished_at), period,
                            agency_id, at).where(WorkItem.finished_at <= at, WorkItem.outcome.is_(None))
        judged = [r.id for r in session.execute(unkept)
                  if step_verdict(state=r.state, finished_at=r.finished_at, due_at=r.due_at, timezone=zone,
                                  at=at) == figure]
        stmt = stmt.where(or_(class_expression(at) == figure, WorkItem.id.in_(judged)) if judged
                          else class_expression(at) == figure)
    return stmt.order_by(WorkItem.created_at, WorkItem.id)


def steps_in(session, period: Period, agency_id: int, figure: str, *, unit_id: int | None = None,
             now: datetime | None = None, offset: int = 0, limit: int | None = None) -> list[StepRow]:
    """The steps a figure of the unit table counts (all units when ``unit_id`` is None), oldest
    arrival first; ``offset`` and ``limit`` cut a page in the database."""
    if figure not in STEP_FIGURES:
        raise ValueError(figure)
    at, _current = _moment(period, now)
    zone = session.scalar(select(Agency.timezone).where(Agency.id == agency_id))
    unit_of = _unit_of_role(session, agency_id)
    stmt = _figure_statement(session, period, agency_id, figure, unit_id, at, zone, unit_of)
    out = []
    for r in session.execute(stmt.offset(offset).limit(limit)):
        klass = step_verdict(state=r.state, finished_at=r.finished_at, due_at=r.due_at, timezone=zone, at=at)
        out.append(StepRow(r.id, r.dossier_id, r.code, r.step_name, r.role, unit_of.get(r.role, NO_UNIT),
                           r.created_at, r.due_at, r.finished_at if r.state == "done" else None,
                           r.full_name if r.state == "done" else None, r.created_at < period.start, klass))
    return out


def count_steps_in(session, period: Period, agency_id: int, figure: str, *, unit_id: int | None = None,
                   now: datetime | None = None) -> int:
    """How many steps ``steps_in`` lists (the figure the unit table shows)."""
    at, _current = _moment(period, now)
    zone = session.scalar(select(Agency.timezone).where(Agency.id == agency_id))
    stmt = _figure_statement(session, period, agency_id, figure, unit_id, at, zone, _unit_of_role(session, agency_id))
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
