"""The dossier list: every dossier an officer may see (engine/queries/dossier.py ``may_view``: the
receiving agency is one of theirs, or one of their agencies has or had a step of it), filtered and
sorted newest first, a page at a time.

Filters: a search text (a dossier code or its start, an ID number, or an applicant's name typed
from any word on, accents and case ignored), procedure, status, period of reception, receiving
agency. Pages are keyset pages over (received_at, id): the next page starts after the last row of
this one, so page 400 costs what page 1 costs.

How it stays fast at a million dossiers (bench/dossier_list_bench.py, docs/PERFORMANCE.md): the
list is a few branches, each read newest first and cut at a page, then merged (UNION ALL):
 - the dossiers the officer's agencies received, through ``ix_dossiers_agency_received``
   (``ix_dossiers_agency_status`` when a status is asked for);
 - the dossiers of other agencies they have a step on, through ``dossier_step_agencies``.
An officer of up to ``BRANCHES_UP_TO`` agencies gets that pair per agency, each through an index
that starts with the agency. More agencies (a district's supervisor, an administrator member of
every agency) get one pair over all of them: a hundred branches cost more to plan than to read,
and with most dossiers in scope the newest ones (``ix_dossiers_received``) fill a page at once.
A search text is a range over ``dossier_search_keys`` (the name's word-starting tails, the code,
the ID number; engine/folding.py): within the branch's agencies (``ix_dossier_search_keys_agency``),
or, when the dossiers are walked newest first, one probe per dossier
(``ix_dossier_search_keys_dossier_key``); the other agencies' dossiers are matched the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, literal, select, tuple_, union_all

from engine.db import local_settings
from engine.folding import fold, prefix_bounds
from engine.models import (
    Agency, Dossier, DossierSearchKey, DossierStepAgency, Membership, Procedure, ProcedureVersion,
)

PER_PAGE = 25
# A page is a walk of an index cut at 26 rows: PostgreSQL sometimes plans it for parallel workers
# (a common name over many agencies), whose start costs more than the walk (the supervisor's
# "nguyen": 6 ms in the workers, 200 ms to get them going on a busy machine; docs/PERFORMANCE.md).
ONE_PROCESS = {"max_parallel_workers_per_gather": "0"}
# Up to this many agencies, one branch per agency; more (a district's supervisor, an administrator
# member of every agency), one branch over them all (see the module's docstring).
BRANCHES_UP_TO = 4


@dataclass(frozen=True)
class DossierFilters:
    search: str = ""
    procedure_id: int | None = None
    status: int | None = None
    agency_id: int | None = None
    # Days of reception, inclusive, in the agencies' time zone.
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class DossierRow:
    id: int
    code: str
    applicant_name: str
    applicant_id_number: str
    procedure_name: str
    status: int
    agency_name: str
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class DossierListPage:
    rows: list[DossierRow]
    # Where the next page starts ("<received_at iso>_<id>"), None on the last page.
    next_after: str | None


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


def visible_agencies(session, user_id: int) -> list[int]:
    return sorted(set(session.execute(select(Membership.agency_id).where(Membership.user_id == user_id)).scalars()))


def filter_choices(session, user_id: int) -> tuple[list[Choice], list[Choice]]:
    """The agencies an officer belongs to and the procedures deployed, for the filter's lists."""
    agencies = [Choice(*row) for row in session.execute(
        select(Agency.id, Agency.name).join(Membership, Membership.agency_id == Agency.id)
        .where(Membership.user_id == user_id).distinct().order_by(Agency.name)).all()]
    procedures = [Choice(*row) for row in session.execute(
        select(Procedure.id, Procedure.name).order_by(Procedure.name)).all()]
    return agencies, procedures


def encode_after(row: DossierRow) -> str:
    return f"{row.received_at.isoformat()}_{row.id}"


def decode_after(value: str | None) -> tuple[datetime, int] | None:
    """The keyset cursor from the URL; a damaged one starts from the first page."""
    if not value or "_" not in value:
        return None
    stamp, _sep, ident = value.rpartition("_")
    try:
        at = datetime.fromisoformat(stamp)
        return (at, int(ident)) if at.tzinfo is not None else None
    except ValueError:
        return None


def dossier_list(session, user_id: int, filters: DossierFilters, *, after: str | None = None,
                 per_page: int = PER_PAGE, zone: str = "Asia/Ho_Chi_Minh") -> DossierListPage:
    agencies = visible_agencies(session, user_id)
    if filters.agency_id is not None:
        agencies = [a for a in agencies if a == filters.agency_id]
    if not agencies:
        return DossierListPage(rows=[], next_after=None)
    conditions = _filters(filters, ZoneInfo(zone))
    cursor = decode_after(after)

    def after_cursor(received_at, ident) -> list:
        if cursor is None:
            return []
        return [tuple_(received_at, ident) < tuple_(literal(cursor[0], Dossier.received_at.type), literal(cursor[1]))]

    newest = (Dossier.received_at.desc(), Dossier.id.desc())
    search = fold(filters.search)[:255]
    dialect = session.get_bind().dialect.name
    # An agency of its own for each branch while there are few; past that, the planning of the
    # branches costs more than reading them, and one branch over all the agencies is cheaper.
    groups = [[a] for a in agencies] if len(agencies) <= BRANCHES_UP_TO else [agencies]
    branches = []
    for group in groups:
        own = [_in(Dossier.agency_id, group), *conditions, *after_cursor(Dossier.received_at, Dossier.id)]
        if search:
            own.append(Dossier.id.in_(_keys_in(search, group, dialect)))
        branches.append(select(Dossier.id, Dossier.received_at).where(*own).order_by(*newest).limit(per_page + 1))
        if filters.agency_id is None:
            # Dossiers of other agencies with a step here, newest first through the step
            # agencies' own index (the same dossier may come from both branches: merged below).
            step = DossierStepAgency
            others = [_in(step.agency_id, group), *conditions, *after_cursor(step.received_at, step.dossier_id)]
            if search:
                others.append(_has_key(search, step.dossier_id, dialect))
            theirs = select(step.dossier_id, step.received_at).join(Dossier, Dossier.id == step.dossier_id) \
                .where(*others)
            if len(group) > 1:  # a dossier with steps at two of the agencies counts once
                theirs = theirs.distinct()
            branches.append(theirs.order_by(step.received_at.desc(), step.dossier_id.desc()).limit(per_page + 1))
    merged = union_all(*(b.subquery().select() for b in branches)).subquery() if len(branches) > 1 \
        else branches[0].subquery()
    page_ids = (select(merged.c.id).group_by(merged.c.id, merged.c.received_at)
                .order_by(merged.c.received_at.desc(), merged.c.id.desc()).limit(per_page + 1).subquery())
    stmt = (select(Dossier.id, Dossier.code, Dossier.applicant_name, Dossier.applicant_id_number, Procedure.name,
                   Dossier.status, Agency.name, Dossier.received_at, Dossier.due_at, Dossier.finished_at)
            .select_from(page_ids)
            .join(Dossier, Dossier.id == page_ids.c.id)
            .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
            .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
            .join(Agency, Agency.id == Dossier.agency_id)
            .order_by(*newest))
    with local_settings(session, ONE_PROCESS):
        rows = [DossierRow(*row) for row in session.execute(stmt).all()]
    more = len(rows) > per_page
    rows = rows[:per_page]
    return DossierListPage(rows=rows, next_after=encode_after(rows[-1]) if more else None)


def _filters(filters: DossierFilters, zone: ZoneInfo) -> list:
    conditions = []
    if filters.status is not None:
        conditions.append(Dossier.status == filters.status)
    if filters.procedure_id is not None:
        versions = select(ProcedureVersion.id).where(ProcedureVersion.procedure_id == filters.procedure_id)
        conditions.append(Dossier.procedure_version_id.in_(versions.scalar_subquery()))
    if filters.received_from is not None:
        conditions.append(Dossier.received_at >= datetime.combine(filters.received_from, time(), zone))
    if filters.received_to is not None:
        next_day = filters.received_to + timedelta(days=1)
        conditions.append(Dossier.received_at < datetime.combine(next_day, time(), zone))
    return conditions


def _in(column, agencies: list[int]):
    return column == agencies[0] if len(agencies) == 1 else column.in_(agencies)


def _keys_in(folded: str, agencies: list[int], dialect: str):
    """The agencies' dossiers with a key starting with the folded search text."""
    return select(DossierSearchKey.dossier_id).where(_in(DossierSearchKey.agency_id, agencies),
                                                     _key_starts_with(folded, dialect))


def _has_key(folded: str, dossier_id, dialect: str):
    """The dossier has a key starting with the folded search text (the rule of ``_keys_in``, asked
    of one dossier at a time: for the few dossiers of another agency's branch). A subquery with
    LIMIT 1, not EXISTS: PostgreSQL would turn EXISTS into a join that first hashes every key
    starting with the text (134,000 for "van"); this way each dossier, newest first, is one probe of
    ``ix_dossier_search_keys_dossier_key`` and the walk stops at a page."""
    return select(DossierSearchKey.dossier_id).where(
        DossierSearchKey.dossier_id == dossier_id, _key_starts_with(folded, dialect)).limit(1) \
        .scalar_subquery().is_not(None)


def _key_starts_with(folded: str, dialect: str):
    """One index range over the keys either way. PostgreSQL is given it as LIKE 'text%' (the
    column's C collation makes that the same range): its estimate of how many keys start so is then
    right, where the two bounds of a range, estimated apart, cancel out to "1 row" for a common
    name and the planner picks a plan that is a thousand times slower (docs/PERFORMANCE.md).
    SQLite uses an index for the range, not for LIKE."""
    if dialect == "postgresql":
        escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return DossierSearchKey.key.like(escaped + "%", escape="\\")
    low, high = prefix_bounds(folded)
    return and_(DossierSearchKey.key >= low, DossierSearchKey.key < high)
