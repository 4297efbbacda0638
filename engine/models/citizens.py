"""The public side: citizens' accounts, their online applications and files, fee payments and
ratings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON, BigInteger, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UtcDateTime
from engine.models.procedures import Procedure


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
