"""The officer's inbox: five tabs over the work items of the (agency, role) pairs they hold.

Every tab starts from the work item indexes: a unit's queue is ``(agency_id, role, state,
due_at)``, a person's own work is ``(assignee_id, state, due_at)`` and what they finished is
``(finished_by_id, state, finished_at, id)``. The page's work item ids are picked first; the
dossier, procedure, agency and assignee are joined in for those 25 rows only. On PostgreSQL the
planner picks these indexes only if it knows how the columns go together (open items are the
unclaimed ones, an officer finishes work in their own unit): migration 0006 gives it those
statistics. bench/inbox_bench.py shows the plans with 1,000,000 work items.

"Due soon" is the scheduler's rule (engine/deadlines.py ``warning_time``): from the step's warning
moment, stored on the item as ``warn_at``, until its due time; overdue from the due time on. The
row marks (engine/queries/step_urgency.py) say the same, so a marked row is always in the tab.

Visibility: an officer sees a work item only while they hold its (agency, role) pair, even in
"mine" and "done" (someone moved out of a unit stops seeing its dossiers). "Due soon" and
"overdue" show what needs *this* officer: their own open items and their units' unclaimed ones;
colleagues' late work is a supervisor's view, not an inbox tab.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased

from engine import clock
from engine.folding import fold
from engine.models import Agency, Dossier, Membership, Procedure, ProcedureVersion, User, WorkItem

TABS = ("mine", "unclaimed", "due_soon", "overdue", "done")
PER_PAGE = 25


@dataclass(frozen=True)
class InboxRow:
    work_item_id: int
    dossier_id: int
    dossier_code: str
    applicant_name: str
    procedure_name: str
    step_name: str
    agency_name: str
    received_at: datetime
    due_at: datetime | None
    assignee_id: int | None
    assignee_name: str | None
    state: str
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class InboxPage:
    tab: str
    rows: list[InboxRow]
    page: int
    per_page: int
    has_next: bool
    search: str

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def units_of(session, user_id: int) -> list[tuple[int, str]]:
    """The officer's units: (agency id, role) of each membership. A page whose header has read
    them already (engine/queries/header.py) hands them to the functions below instead."""
    return [tuple(row) for row in session.execute(
        select(Membership.agency_id, Membership.role).where(Membership.user_id == user_id)).all()]


def _in_units(units):
    if not units:
        return false()
    return or_(*(and_(WorkItem.agency_id == agency_id, WorkItem.role == role) for agency_id, role in units))


def _due_soon(now: datetime):
    # due_at first: the unit and assignee queue indexes end with it, so the tab is a range scan.
    return and_(WorkItem.due_at > now, WorkItem.warn_at <= now)


def _overdue(now: datetime):
    return WorkItem.due_at <= now  # as the scheduler: overdue from the due time itself


def _tab_filter(tab: str, user_id: int, units, now: datetime):
    visible = _in_units(units)
    is_open = WorkItem.state == "open"
    mine_or_free = or_(WorkItem.assignee_id == user_id, WorkItem.assignee_id.is_(None))
    if tab == "mine":
        return and_(WorkItem.assignee_id == user_id, is_open, visible)
    if tab == "unclaimed":
        return and_(is_open, WorkItem.assignee_id.is_(None), visible)
    if tab == "due_soon":
        return and_(is_open, visible, mine_or_free, _due_soon(now))
    if tab == "overdue":
        return and_(is_open, visible, mine_or_free, _overdue(now))
    if tab == "done":
        return and_(WorkItem.finished_by_id == user_id, WorkItem.state == "done", visible)
    raise ValueError(f"unknown inbox tab {tab!r}")


def _matches(search: str):
    needle = search.strip().lower()
    # The name through its folded copy (engine/folding.py): "nguyen van an" finds "Nguyễn Văn An".
    return or_(func.lower(Dossier.code).contains(needle, autoescape=True),
               Dossier.search_name.contains(fold(search), autoescape=True))


def _order(tab: str, columns):
    if tab == "done":
        # What an officer looks for among finished work is what they did last.
        return (columns.finished_at.desc(), columns.id.desc())
    return (columns.due_at.asc().nulls_last(), columns.created_at.asc(), columns.id.asc())


def _page_ids(tab: str, user_id: int, units, now, search: str, offset: int, limit: int):
    """The ids of the work items on the page, in the tab's order: the work items alone, and the
    dossier only when searching."""
    stmt = (select(WorkItem.id, WorkItem.due_at, WorkItem.created_at, WorkItem.finished_at)
            .where(_tab_filter(tab, user_id, units, now)))
    if search.strip():
        # Checked per item of the tab, through the dossier's primary key: a LIKE '%…%' has no
        # index, and as a join PostgreSQL guesses it rare and scans every dossier to find it. A
        # scalar subquery is never turned into a join, so the tab's own rows drive the search.
        matches = select(_matches(search)).where(Dossier.id == WorkItem.dossier_id).scalar_subquery()
        stmt = stmt.where(matches)
    return stmt.order_by(*_order(tab, WorkItem)).offset(offset).limit(limit)


def inbox(session, user_id: int, tab: str = "mine", *, search: str = "", page: int = 1,
          per_page: int = PER_PAGE, now: datetime | None = None, units=None) -> InboxPage:
    """One page of a tab, soonest deadline first (no deadline last), then oldest first.
    ``units``: the officer's units when the caller has them (``units_of``)."""
    now = now or clock.now()
    page = max(1, int(page))
    units = units_of(session, user_id) if units is None else units
    page_ids = _page_ids(tab, user_id, units, now, search, (page - 1) * per_page, per_page + 1).subquery()
    assignee = aliased(User)
    stmt = (
        select(WorkItem.id, Dossier.id, Dossier.code, Dossier.applicant_name, Procedure.name,
               WorkItem.step_name, Agency.name, Dossier.received_at, WorkItem.due_at, WorkItem.assignee_id,
               assignee.full_name, WorkItem.state, WorkItem.created_at, WorkItem.finished_at)
        .select_from(page_ids)
        .join(WorkItem, WorkItem.id == page_ids.c.id)
        .join(Dossier, Dossier.id == WorkItem.dossier_id)
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .join(Agency, Agency.id == WorkItem.agency_id)
        .outerjoin(assignee, assignee.id == WorkItem.assignee_id)
        .order_by(*_order(tab, WorkItem)))
    rows = session.execute(stmt).all()
    return InboxPage(tab=tab, rows=[InboxRow(*row) for row in rows[:per_page]], page=page, per_page=per_page,
                     has_next=len(rows) > per_page, search=search.strip())


def tab_counts(session, user_id: int, *, now: datetime | None = None, units=None) -> dict[str, int]:
    """How many open items each tab holds (no search), for the tab labels.

    "Done" is not counted: it only grows, and its label needs no number. ``units`` as for ``inbox``.
    """
    now = now or clock.now()
    units = units_of(session, user_id) if units is None else units
    # One statement for the four counts: every open tab is a part of "open, visible, mine or free",
    # so one pass over that set with a FILTER per tab replaces four statements (and four plans).
    base = and_(WorkItem.state == "open", _in_units(units),
                or_(WorkItem.assignee_id == user_id, WorkItem.assignee_id.is_(None)))
    parts = {
        "mine": WorkItem.assignee_id == user_id,
        "unclaimed": WorkItem.assignee_id.is_(None),
        "due_soon": _due_soon(now),
        "overdue": _overdue(now),
    }
    row = session.execute(select(*(func.count().filter(cond).label(tab) for tab, cond in parts.items()))
                          .select_from(WorkItem).where(base)).one()
    return {tab: getattr(row, tab) for tab in TABS if tab != "done"}
