"""What leaves and reaches the system, each through a table written in the command's own
transaction: officers' notifications, mail, SMS, partner agencies' messages, the national
portal's records."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, UtcDateTime


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
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
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
