"""A dossier and what belongs to it: its number, its workflow state, its search keys, its history,
documents, supplement requests, apology and results."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON, BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text, event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, SearchText, UtcDateTime
from engine.models.organisation import Agency, User
from engine.models.procedures import Procedure, ProcedureVersion


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
