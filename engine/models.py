"""The tables. Schema changes go through Alembic (engine/migrations); a test checks the two agree."""
from __future__ import annotations

import secrets
from functools import lru_cache
from datetime import date, datetime

from sqlalchemy import (
    JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary,
    SmallInteger, String, Text, UniqueConstraint, event, text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware datetimes on every backend (SQLite forgets the offset otherwise)."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        if value is not None:
            # SQLite stores the wall time without its offset: store UTC so reading back as UTC is right.
            from datetime import timezone
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        from datetime import timezone
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    pass


# Folded search text compared byte-wise on PostgreSQL too, so a prefix is an index range whatever
# the database's collation (engine/folding.py prefix_bounds).
SearchText = String(255).with_variant(String(255, collation="C"), "postgresql")


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # National identifier code of the agency, e.g. 000.00.06.H56: the prefix of dossier codes.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # What sort of agency this is (e.g. "commune_committee", "commune_police"): a pool in a
    # collaboration diagram names a kind, and the dossier's area picks the agency of that kind.
    kind: Mapped[str] = mapped_column(String(60), default="")
    area_code: Mapped[str] = mapped_column(String(40), default="")
    timezone: Mapped[str] = mapped_column(String(60), default="Asia/Ho_Chi_Minh")
    # Which holiday calendar the agency follows, and its office hours ("07:00-11:30,13:30-17:00").
    calendar_code: Mapped[str] = mapped_column(String(40), default="VN")
    office_hours: Mapped[str] = mapped_column(String(80), default="07:00-11:30,13:30-17:00")
    # Names the agency's working calendar as it stands: database triggers set a new random value
    # whenever its calendar days change (migration 0031), so a process that cached the calendar
    # (engine/calendar/store.py calendar_for) sees another process's change on its next read of the
    # agency. Random rather than counted: another database under the same URL (a test database
    # reset, a restored backup) never repeats a value that names other days.
    calendar_revision: Mapped[int] = mapped_column(BigInteger, default=lambda: secrets.randbits(62),
                                                   server_default=text("0"))


class CalendarDay(Base):
    """An exception to "Monday to Friday": a day off on a weekday, or a worked weekend day."""
    __tablename__ = "calendar_days"
    calendar_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(255), default="")
    # "holidays" when seeded from the package, "admin" when an administrator set it: seeding never
    # overwrites an administrator's correction.
    source: Mapped[str] = mapped_column(String(20), default="holidays")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    locale: Mapped[str] = mapped_column(String(10), default="vi")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Notices of ordinary work events (engine/officer_notices.py) also by mail, when there is an address.
    notify_by_mail: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")


class Membership(Base):
    """A user holds a role in an agency. Lanes in the BPMN name roles."""
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "agency_id", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[str] = mapped_column(String(60))
    # Where the user sits in the agency (a unit of that agency), when the administrator said so.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    user: Mapped[User] = relationship(back_populates="memberships")
    agency: Mapped[Agency] = relationship()


class Unit(Base):
    """An organisational unit inside an agency (phòng, ban, bộ phận: "Bộ phận Một cửa",
    "Công chức Tư pháp – Hộ tịch"). It answers for one or more roles (BPMN lanes) of its agency
    (``UnitRole``), so every step of a dossier belongs to the unit of its lane
    (docs/STATISTICS.md, "Units")."""
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("agency_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255), default="")


class UnitRole(Base):
    """A role (lane) of an agency and the one unit that answers for it."""
    __tablename__ = "unit_roles"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(60), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)


class UnitEvent(Base):
    """Append-only history of units: who created, changed or removed which unit of which agency
    (engine/commands/units.py)."""
    __tablename__ = "unit_events"
    __table_args__ = (Index("ix_unit_events_agency", "agency_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)  # None: the shell
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Procedure(Base):
    __tablename__ = "procedures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The BPMN id of the top-level process or collaboration: stable across versions.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    national_code: Mapped[str] = mapped_column(String(40), default="")
    versions: Mapped[list["ProcedureVersion"]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.number")
    # The version new dossiers start (a roll-back points it at an older one); NULL: the latest.
    active_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Retired: no new dossiers; the open ones finish on their version.
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ProcedureVersion(Base):
    """One deployed content of a procedure. Never changed once written."""
    __tablename__ = "procedure_versions"
    __table_args__ = (
        UniqueConstraint("procedure_id", "number"),
        UniqueConstraint("procedure_id", "content_sha256"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    number: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    # Form schemas the diagram refers to, copied in so a version is self-contained.
    forms: Mapped[dict] = mapped_column(JSON)
    # What our conventions read from the diagram: pools, roles, forms, properties per task.
    manifest: Mapped[dict] = mapped_column(JSON)
    # The parsed specs, serialized once here; dossiers store only their own state.
    spec_json: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deployed_by: Mapped[str] = mapped_column(String(80), default="")
    procedure: Mapped[Procedure] = relationship(back_populates="versions")
    # What changed from the previous version, in words (written at publishing).
    change_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class DossierCodeSequence(Base):
    """Last number given per receiving agency and day: codes AGENCYCODE-YYMMDD-NNNN."""
    __tablename__ = "dossier_code_sequences"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        # Statistics read an agency's dossiers by reception (engine/statistics/figures.py); on
        # PostgreSQL the index carries what they count, so the heap is not read (index-only scans).
        # The dossier list (engine/queries/dossier_list.py) reads an agency's newest first through it.
        Index("ix_dossiers_agency_received", "agency_id", "received_at",
              postgresql_include=["finished_at", "status", "original_due_at", "outcome", "channel"]),
        # The dossier list: newest first overall, by ID number, by status within an agency.
        Index("ix_dossiers_received", "received_at", "id"),
        Index("ix_dossiers_applicant_id_number", "applicant_id_number"),
        Index("ix_dossiers_agency_status", "agency_id", "status", "received_at", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_versions.id"))
    status: Mapped[int] = mapped_column(SmallInteger)
    channel: Mapped[int] = mapped_column(SmallInteger)
    applicant_name: Mapped[str] = mapped_column(String(255))
    applicant_id_number: Mapped[str] = mapped_column(String(40), default="")
    applicant_address: Mapped[str] = mapped_column(String(500), default="")
    applicant_phone: Mapped[str] = mapped_column(String(40), default="")
    applicant_email: Mapped[str] = mapped_column(String(255), default="")
    # The applicant's name folded for search (engine/folding.py), kept in step by the events below.
    search_name: Mapped[str] = mapped_column(SearchText, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The due date set at reception: lateness is judged against it even after an apology moves due_at.
    original_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    # When the scheduler must make sure an apology exists (one working day before due_at).
    apology_check_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    apology_issued_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The earliest BPMN timer the workflow waits for: the scheduler wakes the dossier then.
    next_timer_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    # Set while the citizen holds the clock (supplement, payment); see engine.deadlines.track_clock.
    clock_paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Supplement requests so far: more than one counts as late for the national index.
    supplement_count: Mapped[int] = mapped_column(Integer, default=0)
    # End of processing (docs/RULES.md): the first moment the result was ready (status 9), else when
    # it was returned (10), else when it was refused, withdrawn or stopped (3, 7, 8).
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # How statistics count it once processing has ended (engine/statistics/verdict.py, outcome_of).
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # When the result was handed to the citizen (status 10): the tracking register's last column.
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Set when the workflow ended on an uncaught BPMN error or a script failed for good.
    failure: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Incremented by every command; a cheap check that nobody wrote in between.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    agency: Mapped[Agency] = relationship()
    procedure_version: Mapped[ProcedureVersion] = relationship()
    # The workflow's hot state lives in its own table (DossierState); see workflow_state below.
    state_row: Mapped["DossierState | None"] = relationship(back_populates="dossier", uselist=False,
                                                             cascade="all, delete-orphan")

    # The SpiffWorkflow instance without its spec, read and written as if it were a column here.
    @property
    def workflow_state(self) -> str:
        return self.state_row.state if self.state_row is not None else ""

    @workflow_state.setter
    def workflow_state(self, value: str) -> None:
        self._state().state = value

    @property
    def serializer_version(self) -> str:
        return self.state_row.serializer_version if self.state_row is not None else ""

    @serializer_version.setter
    def serializer_version(self, value: str) -> None:
        self._state().serializer_version = value

    def _state(self) -> "DossierState":
        if self.state_row is None:
            self.state_row = DossierState(state="", serializer_version="")
        return self.state_row


class DossierState(Base):
    """A dossier's workflow (SpiffWorkflow's task tree and data, without the spec): the one large
    value every command reads and rewrites.

    Its own table, so that rewriting it touches no index but the primary key and every update can
    be a HOT update on PostgreSQL: the migration gives the table a fillfactor of 50 and keeps the
    value compressed in the row (STORAGE MAIN, lz4 where the server has it), so a new version
    lands on the same page and the old one is pruned there, instead of a new TOAST value and a new
    dossier row per command. Finished loop laps and sub-processes are moved out to
    ``workflow_archive`` (engine/runtime/compaction.py), so the value stays bounded.
    """
    __tablename__ = "dossier_states"
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(10))
    dossier: Mapped[Dossier] = relationship(back_populates="state_row")


class DossierSearchKey(Base):
    """What the dossier list finds a dossier by, from the start of a key (engine/folding.py
    ``search_keys``): every word-starting tail of the folded applicant name ("nguyen van an",
    "van an", "an"), the code and the ID number, lower case. One index range per search, within
    the receiving agency (``ix_dossier_search_keys_agency``): a common name costs what it costs in
    one agency's dossiers, not in the whole country's."""
    __tablename__ = "dossier_search_keys"
    __table_args__ = (Index("ix_dossier_search_keys_agency", "agency_id", "key"),
                      # One dossier's keys, and whether one starts with a text: the check the list makes
                      # on each dossier it walks newest first (a common name, many agencies).
                      Index("ix_dossier_search_keys_dossier_key", "dossier_id", "key"))
    key: Mapped[str] = mapped_column(SearchText, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    # The dossier's receiving agency (it never changes).
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))


class DossierStepAgency(Base):
    """An agency with a step on a dossier received by another agency (the police on a commune's
    dossier): they may see it, and the dossier list reads their part through this, newest first,
    as it reads an agency's own dossiers through ``ix_dossiers_agency_received``."""
    __tablename__ = "dossier_step_agencies"
    __table_args__ = (Index("ix_dossier_step_agencies_received", "agency_id", "received_at", "dossier_id"),)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


@event.listens_for(Dossier, "before_insert")
@event.listens_for(Dossier, "before_update")
def _fold_applicant_name(_mapper, _connection, dossier: Dossier) -> None:
    from engine.folding import fold
    dossier.search_name = fold(dossier.applicant_name)[:255]


@event.listens_for(Dossier, "after_insert")
def _index_new_dossier(_mapper, connection, dossier: Dossier) -> None:
    _write_search_keys(connection, dossier)


@event.listens_for(Dossier, "after_update")
def _index_changed_dossier(_mapper, connection, dossier: Dossier) -> None:
    from sqlalchemy import inspect as sa_inspect
    attrs = sa_inspect(dossier).attrs
    if any(getattr(attrs, name).history.has_changes() for name in ("applicant_name", "applicant_id_number", "code")):
        _write_search_keys(connection, dossier)


def _write_search_keys(connection, dossier: Dossier) -> None:
    from sqlalchemy import delete, insert
    from engine.folding import search_keys
    connection.execute(delete(DossierSearchKey).where(DossierSearchKey.dossier_id == dossier.id))
    keys = [{"key": key[:255], "dossier_id": dossier.id, "agency_id": dossier.agency_id}
            for key in search_keys(dossier.applicant_name, dossier.code, dossier.applicant_id_number)]
    if keys:
        connection.execute(insert(DossierSearchKey), keys)


class WorkflowArchive(Base):
    """Parts of a dossier's workflow that finished (loop laps, sub-processes), taken out of the hot
    state so a dossier sent back 400 times costs what it cost on the first lap. Append-only; the
    whole workflow can be put back together from the state and these rows
    (engine.runtime.compaction.restore)."""
    __tablename__ = "workflow_archive"
    __table_args__ = (Index("ix_workflow_archive_dossier", "dossier_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    archived_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The dossier's revision when the part left the state, and the serializer that wrote it.
    revision: Mapped[int] = mapped_column(Integer)
    serializer_version: Mapped[str] = mapped_column(String(10))
    # JSON: {"owner", "loop", "iteration", "tasks", "subprocesses"} (see compaction.py).
    content: Mapped[str] = mapped_column(Text)


class WorkItem(Base):
    """One human step of a dossier: the inbox. Open items are derived from READY manual tasks."""
    __tablename__ = "work_items"
    __table_args__ = (
        Index("ix_work_items_unit_queue", "agency_id", "role", "state", "due_at"),
        Index("ix_work_items_assignee_queue", "assignee_id", "state", "due_at"),
        Index("ix_work_items_dossier", "dossier_id", "state"),
        # The inbox's "done" tab: what an officer finished, newest first (backward scan).
        Index("ix_work_items_finisher", "finished_by_id", "state", "finished_at", "id"),
        # Open work only, by due time: the metrics' open and overdue counts stay as cheap as the
        # number of open steps, however much history the table holds.
        Index("ix_work_items_open_due", "due_at", postgresql_where=text("state = 'open'"),
              sqlite_where=text("state = 'open'")),
        # Statistics by unit read an agency's steps by arrival (engine/statistics/steps.py); on
        # PostgreSQL the index carries what they judge, so the heap is not read.
        Index("ix_work_items_agency_created", "agency_id", "created_at",
              postgresql_include=["role", "state", "due_at", "finished_at", "outcome"]),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(60))
    step_id: Mapped[str] = mapped_column(String(120))
    step_name: Mapped[str] = mapped_column(String(255))
    # open (in the unit's queue or claimed) · done · cancelled
    state: Mapped[str] = mapped_column(String(12), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The step's allotment as declared in the BPMN (e.g. "1.5 working days"), and when the
    # scheduler next has something to say about it (warning, then overdue); NULL when nothing left.
    allotment: Mapped[str] = mapped_column(String(40), default="")
    next_escalation_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    # When the step becomes "due soon" (the scheduler's warning moment); kept after the warning is
    # sent, so the inbox's tab and row marks follow the same rule as the scheduler.
    warn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    finished_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # How statistics by unit count it once it has ended (engine/statistics/steps.py, step_outcome;
    # kept by ``_keep_step_outcome`` below).
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    dossier: Mapped[Dossier] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


def _keep_step_outcome(item: WorkItem, changed: dict, connection=None) -> None:
    """When a step ends (whichever command ends it), its class is kept, as a dossier's outcome is:
    it never changes after, and the statistics by unit then count a period's steps in the database
    instead of judging each in Python. Kept as the step's end, state or due time is set on a step
    of a session (so the write that follows, however it is made, carries it), and before a row is
    written by the ORM for one that has none. The agency's time zone (early or on time) is taken
    from the session when the agency is loaded, as it is in the commands, and read only when
    needed."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session
    from sqlalchemy.orm.util import identity_key
    from engine.statistics.steps import step_outcome
    values = {"state": item.state, "finished_at": item.finished_at, "due_at": item.due_at, **changed}
    if values["finished_at"] is None:
        if item.outcome is not None:  # set only when it changes: an unchanged column is not written
            item.outcome = None
        return
    session = object_session(item)

    def zone() -> str:
        agency = session.identity_map.get(identity_key(Agency, item.agency_id)) if session is not None else None
        if agency is not None:
            return agency.timezone
        return (connection or session.connection()).execute(
            select(Agency.timezone).where(Agency.id == item.agency_id)).scalar_one()
    outcome = step_outcome(**values, timezone=zone)
    if item.outcome != outcome:
        item.outcome = outcome


@event.listens_for(WorkItem.state, "set")
@event.listens_for(WorkItem.finished_at, "set")
@event.listens_for(WorkItem.due_at, "set")
def _step_changed(item: WorkItem, value, _old, initiator) -> None:
    from sqlalchemy.orm import object_session
    if object_session(item) is not None:  # a new object is judged when it is written (below)
        _keep_step_outcome(item, {initiator.key: value})


@event.listens_for(WorkItem, "before_insert")
@event.listens_for(WorkItem, "before_update")
def _step_written(_mapper, connection, item: WorkItem) -> None:
    if item.finished_at is not None and item.outcome is None:
        _keep_step_outcome(item, {}, connection)


@event.listens_for(WorkItem, "after_insert")
def _note_step_agency(_mapper, connection, item: WorkItem) -> None:
    from sqlalchemy.orm import object_session
    from sqlalchemy.orm.util import identity_key
    session = object_session(item)
    dossier = session.identity_map.get(identity_key(Dossier, item.dossier_id)) if session is not None else None
    note_step_agency(connection, item, dossier)


def note_step_agency(connection, item, dossier: Dossier | None) -> None:
    """A step in another agency than the receiving one: that agency now sees the dossier.
    ``dossier``: the item's dossier when at hand (spares the statement in the usual case)."""
    if dossier is not None and dossier.agency_id == item.agency_id:
        return  # the usual case: a step of the receiving agency, which sees the dossier already
    connection.execute(_step_agency_insert(), {"agency_id": item.agency_id, "dossier_id": item.dossier_id})


@lru_cache(maxsize=1)
def _step_agency_insert():
    """Built once (a reused statement keeps its compiled form)."""
    from sqlalchemy import bindparam, exists, insert, select
    agency_id, dossier_id = bindparam("agency_id", type_=Integer), bindparam("dossier_id", type_=Integer)
    dossier = select(Dossier.agency_id, Dossier.received_at).where(Dossier.id == dossier_id).subquery()
    return insert(DossierStepAgency).from_select(
        ["agency_id", "dossier_id", "received_at"],
        select(agency_id, dossier_id, dossier.c.received_at)
        .where(dossier.c.agency_id != agency_id,
               ~exists().where(DossierStepAgency.agency_id == agency_id,
                               DossierStepAgency.dossier_id == dossier_id)))


class AuditEvent(Base):
    """Append-only history: a database trigger refuses UPDATE and DELETE."""
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_dossier", "dossier_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    step_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    step_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status_before: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    status_after: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # The web request or scheduler tick that wrote it (engine.context): the same id as in the logs.
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The dossier's revision once the command was done (engine/invariants.py checks none is missing).
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[User | None] = relationship()


class DossierDocument(Base):
    """A paper the applicant handed in at reception (form 01 lists them with their counts).

    One row per line of the receipt. Scanned files will hang off the same row later (a sha256 and
    a size, nullable), so a received paper and its scan stay one thing.
    """
    __tablename__ = "dossier_documents"
    __table_args__ = (Index("ix_dossier_documents_dossier", "dossier_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    name: Mapped[str] = mapped_column(String(500))
    # original · certified_copy · copy (engine.documents.DocumentKind)
    kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Escalation(Base):
    """A warning or escalation, recorded once: ``dedupe_key`` is unique (work item or dossier + level)."""
    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_agency_open", "agency_id", "acknowledged_at", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)
    # warning (step nearing its due time) · overdue (step past it) · will_be_late (dossier needs an apology)
    level: Mapped[str] = mapped_column(String(20))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), nullable=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    dossier: Mapped[Dossier] = relationship()
    work_item: Mapped[WorkItem | None] = relationship()


class Notification(Base):
    """What a user sees in the web app's notification list."""
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    message_vi: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)


class OutgoingMail(Base):
    """Mail written in the same transaction as its cause and sent later by the scheduler."""
    __tablename__ = "mail_outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # NULL once sent (or given up): the delivery job reads only rows due now, through this index.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set when the outbox gave the message up (refused for good, or too many failed tries): the
    # administrators' list of undelivered mail reads through this index.
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)


class Apology(Base):
    """Form 04, the apology and new return date: at most one per dossier (docs/RULES.md), and the
    database says so with a unique key, so two supervisors issuing at once cannot both win."""
    __tablename__ = "apologies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    # The return date the citizen had been given, and the one promised now.
    original_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    new_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Issued after the last legal moment (one working day before the due date): allowed, flagged.
    issued_late: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by: Mapped[User] = relationship()


class Partner(Base):
    """Another deployment (a partner agency's own system) that we exchange messages with: a pool
    with no process in a diagram names it by ``code``. Two keys so a key can be rotated without
    a gap: we sign with ``key``, and accept ``key`` or ``previous_key``."""
    __tablename__ = "partners"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    endpoint: Mapped[str] = mapped_column(String(500))
    # The code this partner knows us by: sent in X-Motcua-Partner.
    our_code: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    previous_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Where a dossier opened by this partner's request is received.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ResultDocument(Base):
    """A dossier's electronic result: the PDF as the agency signed it (engine/results/). ``token``
    is the unguessable part of the verification page's address printed in the document's QR code."""
    __tablename__ = "result_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signer: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class Delivery:
    """Where a message of an outbox stands: due (``next_attempt_at``), delivered or given up
    (``dead_at``). The scheduler's delivery jobs lease and record through these columns
    (engine/scheduler/lease.py)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # NULL once delivered or dead: the delivery job reads only rows due now, through this index.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    dead_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class PartnerOutbox(Delivery, Base):
    """A message to a partner, written in the same transaction as the dossier state that threw it."""
    __tablename__ = "partner_outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    message: Mapped[str] = mapped_column(String(120))
    # The conversation: the dossier code of the side that started the exchange.
    correlation: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict] = mapped_column(JSON)
    partner: Mapped[Partner] = relationship()


class PortalOutbox(Delivery, Base):
    """A dossier's status change as the national portal's sync record, written in the same
    transaction as the change and sent in order per dossier (engine/scheduler/portal_delivery.py)."""
    __tablename__ = "portal_outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    status: Mapped[int] = mapped_column(SmallInteger)  # the status this message reports
    payload: Mapped[dict] = mapped_column(JSON)
    # The last audit event whose processing entries this message carries; the next message of the
    # dossier starts after it, so each entry reaches the portal once.
    audit_upto: Mapped[int] = mapped_column(Integer)


class PartnerInbox(Base):
    """A message a partner sent us, recorded once per (partner, idempotency key), kept until the
    dossier waits for it."""
    __tablename__ = "partner_inbox"
    __table_args__ = (UniqueConstraint("partner_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    # sha256 of the signed body: the same key with another body is a replay, refused.
    body_sha256: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(120))
    correlation: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict] = mapped_column(JSON)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True, index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class PartnerReject(Base):
    """A request to the partner endpoint that was refused (bad signature, stale, replay…)."""
    __tablename__ = "partner_rejects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    partner_code: Mapped[str] = mapped_column(String(60), default="")
    idempotency_key: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(60))
    remote_addr: Mapped[str] = mapped_column(String(60), default="")
    # One row counts the refusals of a sender, partner code and reason within ten minutes
    # (``at`` is the slice's start): engine/partners/refusals.py.
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    __table_args__ = (Index("uq_partner_rejects_bucket", "remote_addr", "partner_code", "reason", "at", unique=True),)


class SupplementRequest(Base):
    """Form 02, what the citizen must add: at reception (the dossier is not received: a guidance
    slip, with no dossier when the citizen came to the counter, or on an online dossier still newly
    registered) or during processing (a step asked; the dossier waits in status 5 until the
    counter records the supplement). Findable by the citizen's ID number."""
    __tablename__ = "supplement_requests"
    __table_args__ = (
        Index("ix_supplement_requests_id_number", "applicant_id_number", "requested_at"),
        Index("ix_supplement_requests_dossier", "dossier_id", "id"),
        Index("ix_supplement_requests_agency", "agency_id", "requested_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # reception (guidance slip, nothing received) · processing (a step asked, status 5)
    stage: Mapped[str] = mapped_column(String(12))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True)
    applicant_name: Mapped[str] = mapped_column(String(255))
    applicant_id_number: Mapped[str] = mapped_column(String(40), default="")
    applicant_address: Mapped[str] = mapped_column(String(500), default="")
    applicant_phone: Mapped[str] = mapped_column(String(40), default="")
    applicant_email: Mapped[str] = mapped_column(String(255), default="")
    # What is missing: [{"name", "kind", "count"}], listed once and completely (docs/RULES.md).
    missing: Mapped[list] = mapped_column(JSON)
    # Why, and what else the citizen should know (the form's "reason" and guidance).
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The step that asked (processing), where the dossier goes back once supplemented.
    step_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    step_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Asked later than 3 working days after reception: allowed, but flagged for statistics.
    outside_window: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the citizen came back with what was asked (processing: the counter recorded it;
    # reception: the dossier was received from this slip).
    fulfilled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    fulfilled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    fulfilled_dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True)
    agency: Mapped[Agency] = relationship()
    procedure: Mapped[Procedure] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class AccountEvent(Base):
    """Append-only history of accounts: who created, changed the roles of, reset the password of,
    deactivated or reactivated whom (engine/commands/accounts.py). Passwords never appear."""
    __tablename__ = "account_events"
    __table_args__ = (Index("ix_account_events_user", "user_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)  # None: the shell
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class UserSession(Base):
    """One sign-in, kept on the server (engine/commands/sessions.py): an officer's login or a
    citizen's, never both. The browser's cookie only names it, so ending it here ends it
    everywhere, whatever copies of the cookie exist."""
    __tablename__ = "user_sessions"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (citizen_id IS NULL)",
                                      name="ck_user_sessions_one_holder"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the random token in the cookie: a stolen copy of this table opens nothing.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Whose it is: an officer (users) or a citizen (citizens), exactly one of the two.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True, nullable=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # logout · password_changed · deactivated · idle · expired · ended_by_admin · replaced
    end_reason: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")


class ProcedureEvent(Base):
    """What happened to a procedure (published, retired, reinstated, rolled back, dossiers moved
    between versions): the modellers' and administrators' audit, apart from dossiers' own."""
    __tablename__ = "procedure_events"
    __table_args__ = (Index("ix_procedure_events_procedure", "procedure_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    version_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    actor: Mapped[User | None] = relationship()


class ProcedureDraft(Base):
    """A modeller's unpublished work on a procedure: saved as often as wanted, run nowhere until
    published (validated, then deployed as a new version)."""
    __tablename__ = "procedure_drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_key: Mapped[str] = mapped_column(String(120), unique=True)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    # Form schemas edited with the draft, by file name; others come from the forms folder.
    forms: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    saved_by: Mapped[User | None] = relationship()



class Citizen(Base):
    """A citizen's account on the online services: never an officer's (users). Signed in through
    the identity provider (issuer + subject) or by a one-time code mailed to ``email``."""
    __tablename__ = "citizens"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    id_number: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    oidc_issuer: Mapped[str | None] = mapped_column(String(255), nullable=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), nullable=True)
    locale: Mapped[str] = mapped_column(String(10), default="vi")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # When the citizen last proved who they are (code or identity provider).
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CitizenSignInCode(Base):
    """A one-time sign-in code mailed to an address: stored hashed, short-lived, few attempts."""
    __tablename__ = "citizen_sign_in_codes"
    __table_args__ = (Index("ix_citizen_sign_in_codes_email", "email", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class OnlineApplication(Base):
    """A citizen's online application: a draft (kept when they leave the page) until submitted,
    then the dossier it became (status 1, waiting for the counter)."""
    __tablename__ = "online_applications"
    __table_args__ = (Index("ix_online_applications_citizen", "citizen_id", "submitted_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), nullable=True)
    # The intake form as typed so far (validated against the procedure's intake schema on submit).
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True, index=True)
    procedure: Mapped[Procedure] = relationship()
    files: Mapped[list["ApplicationFile"]] = relationship(order_by="ApplicationFile.id")


class ApplicationFile(Base):
    """A scanned document uploaded with an online application: the bytes live outside the web root
    under their SHA-256 (engine/file_store.py); the type was read from the content."""
    __tablename__ = "application_files"
    __table_args__ = (Index("ix_application_files_application", "application_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("online_applications.id"))
    # The required document (its name in the procedure) this file is a scan of.
    document_name: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutgoingSms(Base):
    """A text message to a citizen, written in the same transaction as its cause and sent once by
    the scheduler through the operator's gateway (integrations/sms.py); like the mail outbox."""
    __tablename__ = "sms_outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    to_number: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(String(480))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # NULL once sent (or given up): the delivery job reads only rows due now, through this index.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # The operator's id for the message, once accepted.
    operator_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class Payment(Base):
    """One attempt to pay a dossier's fee online through the payment gateway (integrations/payment.py):
    ``txn_ref`` is the order reference the gateway knows it by; the gateway's signed server-to-server
    notice (IPN) turns it from pending into paid or failed, once (engine/commands/payments.py)."""
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_dossier", "dossier_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), nullable=True)
    txn_ref: Mapped[str] = mapped_column(String(64), unique=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    order_info: Mapped[str] = mapped_column(String(255))
    step_id: Mapped[str] = mapped_column(String(255))  # the payment step it pays (the BPMN id)
    state: Mapped[str] = mapped_column(String(12))  # pending | paid | failed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Filled from the gateway's notice.
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    response_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    transaction_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    bank_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    pay_date: Mapped[str | None] = mapped_column(String(14), nullable=True)
    receipt_number: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)


class PaymentNoticeLog(Base):
    """Every notice the gateway's IPN address received, with our answer: a forged or mistaken one
    is refused and kept here for the administrator (nothing else changes)."""
    __tablename__ = "payment_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    txn_ref: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(2))  # RspCode: 00, 01, 02, 04, 97, 99
    reason: Mapped[str] = mapped_column(String(200))
    client_address: Mapped[str] = mapped_column(String(45))
    params: Mapped[dict] = mapped_column(JSON)

class ServiceRating(Base):
    """The citizen's rating of the service once the result was returned: one per dossier. The
    statistics read it for the satisfaction index (5.4)."""
    __tablename__ = "service_ratings"
    __table_args__ = (Index("ix_service_ratings_agency", "agency_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"))
    # 1 (very dissatisfied) … 5 (very satisfied)
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LoginAttempt(Base):
    """Login attempts per (username, client address) in the current window: the shared brake on
    password guessing (engine/commands/login_throttle.py)."""
    __tablename__ = "login_attempts"
    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer)


class SchedulerTick(Base):
    """How the scheduler's last tick went (engine/scheduler/runner.py): one row, ``scheduler``,
    created by the migration and updated by every scheduler process after each tick."""
    __tablename__ = "scheduler_ticks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
