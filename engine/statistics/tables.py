"""The statistics tables a leader reads: a period's figures per agency or per procedure, with
the total, the trend over months, the steps of one agency's units, and the public in-time shares. Scope: an officer reads the
agencies where they are a leader or supervisor; an administrator reads every agency."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import clock
from engine.commands._steps import LEADER, SUPERVISOR
from engine.errors import NotFound
from engine.models import Agency, Membership, User
from engine.queries.paging import PER_PAGE, Page, counted_page
from engine.statistics.indices import Indices, indices
from engine.statistics.steps import NO_UNIT, StepRow, UnitInfo, count_steps_in, figures_by_unit, steps_in, units_of
from engine.statistics.figures import (
    BY_AGENCY, BY_PROCEDURE, BY_SECTOR, Figures, Period, Row, count_in, dossiers_in, figures_by, figures_by_month,
)

READERS = (LEADER, SUPERVISOR)
GROUPS = (BY_AGENCY, BY_PROCEDURE, BY_SECTOR)
NOT_PERMITTED = ("Không tìm thấy hoặc bạn không có quyền.", "Not found or not permitted.")


@dataclass(frozen=True)
class TableRow:
    key: int | str  # agency or procedure id; the sector itself
    label: str
    figures: Figures


@dataclass(frozen=True)
class Table:
    group: str
    period: Period
    rows: list[TableRow]
    total: Figures


def readable_agencies(session, user_id: int) -> list[tuple[int, str]]:
    """The agencies whose statistics this user may read, by name."""
    stmt = select(Agency.id, Agency.name).order_by(Agency.name, Agency.id)
    if not session.scalar(select(User.is_admin).where(User.id == user_id)):
        stmt = stmt.where(Agency.id.in_(select(Membership.agency_id).where(
            Membership.user_id == user_id, Membership.role.in_(READERS)))).distinct()
    return [tuple(row) for row in session.execute(stmt).all()]


@dataclass(frozen=True)
class Reader:
    """Whose statistics a request reads, worked out once per request (``reader_of``): the agencies,
    within the reader's rights, and the time zone their calendar days are counted in."""
    agency_ids: tuple[int, ...]
    zone: str | None  # the agencies' shared zone; None when they do not share one

    def days_of(self, period: Period) -> Period:
        """The period as calendar days of these agencies: in their own time zone
        (``agencies.timezone``; timestamps are kept in UTC) when they share one, else in the zone
        it was given (the deployment's ``MOTCUA_TIMEZONE``). The server's own zone never enters."""
        return replace(period, zone=self.zone) if self.zone else period

    def today(self, default: str, now: datetime | None = None) -> date:
        """Today where these statistics are counted (``default``: the deployment's zone): which
        month is "this month"."""
        return (now or clock.now()).astimezone(ZoneInfo(self.zone or default)).date()

    @property
    def agency_id(self) -> int:
        """The one agency of a reader of one agency's units."""
        if len(self.agency_ids) != 1:
            raise ValueError("a unit table reads one agency")
        return self.agency_ids[0]


def reader_of(session, user_id: int, agency_ids: Iterable[int] | None = None, *,
              readable: list[tuple[int, str]] | None = None) -> Reader:
    """The reader ``user_id`` of these agencies (None: every agency they may read). ``readable``:
    ``readable_agencies`` of the same user, when the caller has read it already. Raises NotFound
    for an agency they may not read."""
    readable_ids = [a for a, _name in (readable if readable is not None else readable_agencies(session, user_id))]
    if agency_ids is None:
        scope = readable_ids
    else:
        scope = list(agency_ids)
        if not scope or not set(scope) <= set(readable_ids):
            raise NotFound(*NOT_PERMITTED)
    return Reader(tuple(scope), _shared_zone(session, scope))


def _shared_zone(session, agency_ids: Iterable[int] | None) -> str | None:
    """The time zone the agencies share (None: every agency), or None when they do not share one."""
    stmt = select(Agency.timezone).distinct()
    if agency_ids is not None:
        ids = list(agency_ids)
        if not ids:
            return None
        stmt = stmt.where(Agency.id.in_(ids))
    zones = set(session.scalars(stmt))
    return zones.pop() if len(zones) == 1 else None


def public_zone(session, default: str) -> str:
    """The zone of the public page's "this month": every agency's when they share one, else
    ``default`` (each agency's days are still its own: ``public_shares``)."""
    return _shared_zone(session, None) or default


def table(session, reader: Reader, period: Period, group: str, *, now: datetime | None = None) -> Table:
    """One row per agency (or procedure) with dossiers in the period, by name, and the total."""
    period = reader.days_of(period)
    groups = figures_by(session, period, group, agency_ids=list(reader.agency_ids), now=now)
    rows = sorted((TableRow(key, label, f) for (key, label), f in groups.items()), key=lambda r: (r.label, str(r.key)))
    total = Figures()
    for row in rows:
        total.counts.update(row.figures.counts)
    return Table(group, period, rows, total)


def trend(session, reader: Reader, months: list[Period], *,
          now: datetime | None = None) -> list[tuple[Period, Figures]]:
    """The figures of each month (months not begun yet are left out)."""
    months = [reader.days_of(month) for month in months]
    now = now or clock.now()
    begun = [month for month in months if month.start <= now]
    return list(zip(begun, figures_by_month(session, begun, agency_ids=list(reader.agency_ids), now=now)))


def drill_down(session, reader: Reader, period: Period, figure: str, *,
               procedure_ids: Iterable[int] | None = None, now: datetime | None = None, page: int = 1,
               per_page: int = PER_PAGE) -> Page[Row]:
    """One page of the dossiers behind a figure, oldest reception first, and how many there are."""
    period = reader.days_of(period)
    # One instant for the count and the page.
    chosen = {"agency_ids": list(reader.agency_ids), "procedure_ids": procedure_ids, "now": now or clock.now()}
    return counted_page(count_in(session, period, figure, **chosen),
                        lambda offset, limit: dossiers_in(session, period, figure, offset=offset, limit=limit, **chosen),
                        page, per_page)


def public_shares(session, period: Period, now: datetime | None = None) -> list[TableRow]:
    """Every agency's figures for the period, as a provincial portal publishes them: counts only.
    Each agency's period is the calendar days of its own time zone."""
    agencies = session.execute(select(Agency.id, Agency.name, Agency.timezone).order_by(Agency.name, Agency.id)).all()
    groups: dict[tuple, Figures] = {}
    for zone in {a.timezone or period.zone for a in agencies}:
        ids = [a.id for a in agencies if (a.timezone or period.zone) == zone]
        groups.update(figures_by(session, replace(period, zone=zone), BY_AGENCY, agency_ids=ids, now=now))
    return [TableRow(aid, name, groups.get((aid, name), Figures())) for aid, name, _zone in agencies]


def service_indices(session, reader: Reader, period: Period, *, now: datetime | None = None) -> Indices:
    """The Decision 766 indices of the agencies in the reader's scope."""
    return indices(session, reader.days_of(period), agency_ids=list(reader.agency_ids), now=now)


@dataclass(frozen=True)
class UnitTable:
    """The steps of one agency's units in a period (engine/statistics/steps.py): one row per unit
    of the agency, by code, then the steps of lanes no unit answers for (if any), and the total."""
    agency_id: int
    agency_name: str
    period: Period
    rows: list[tuple[UnitInfo | None, Figures]]  # None: no unit answers for the lane
    total: Figures


def unit_table(session, reader: Reader, period: Period, *, now: datetime | None = None) -> UnitTable:
    """Every unit of the reader's one agency, with or without steps in the period (a unit with none
    shows zeros)."""
    agency_id, period = reader.agency_id, reader.days_of(period)
    by_unit = figures_by_unit(session, period, agency_id, now=now)
    rows: list[tuple[UnitInfo | None, Figures]] = [(u, by_unit.get(u.id, Figures()))
                                                   for u in units_of(session, [agency_id])]
    if NO_UNIT in by_unit:
        rows.append((None, by_unit[NO_UNIT]))
    total = Figures()
    for _unit, f in rows:
        total.counts.update(f.counts)
    name = session.scalar(select(Agency.name).where(Agency.id == agency_id))
    return UnitTable(agency_id, name, period, rows, total)


def unit_drill_down(session, reader: Reader, period: Period, figure: str, *, unit_id: int | None = None,
                    now: datetime | None = None, page: int = 1, per_page: int = PER_PAGE) -> Page[StepRow]:
    """One page of the steps behind a figure of the reader's one agency's unit table, and how many
    there are."""
    agency_id, period = reader.agency_id, reader.days_of(period)
    chosen = {"unit_id": unit_id, "now": now or clock.now()}
    return counted_page(count_steps_in(session, period, agency_id, figure, **chosen),
                        lambda offset, limit: steps_in(session, period, agency_id, figure, offset=offset, limit=limit,
                                                       **chosen), page, per_page)
