"""Administrative procedures: each published version of a diagram, its drafts and its history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UtcDateTime
from engine.models.organisation import User


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
    # The same as data, for a page in any language: {"note": the modeller's note, "parts": [the
    # parts of what changed, engine/procedures/compare.py SummaryPart as a dict]}.
    changes: Mapped[dict | None] = mapped_column(JSON, nullable=True)


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
