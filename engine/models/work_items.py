"""The inbox: one row per human step of a dossier, and its escalations."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import ForeignKey, Index, Integer, String, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UtcDateTime
from engine.models.dossiers import Dossier, DossierStepAgency
from engine.models.organisation import Agency, User


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
