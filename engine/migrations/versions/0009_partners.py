"""Partners (other deployments), their outbox and inbox, and refused requests.

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(60), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("endpoint", sa.String(500), nullable=False),
        sa.Column("our_code", sa.String(60), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("previous_key", sa.String(200), nullable=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "partner_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("idempotency_key", sa.String(80), nullable=False, unique=True),
        sa.Column("partner_id", sa.Integer, sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("message", sa.String(120), nullable=False),
        sa.Column("correlation", sa.String(80), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.Column("dead_at", UtcDateTime(), nullable=True, index=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_table(
        "partner_inbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partner_id", sa.Integer, sa.ForeignKey("partners.id"), nullable=False),
        sa.Column("idempotency_key", sa.String(80), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("message", sa.String(120), nullable=False),
        sa.Column("correlation", sa.String(80), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=True, index=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True, index=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.UniqueConstraint("partner_id", "idempotency_key"),
    )
    op.create_table(
        "partner_rejects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("partner_code", sa.String(60), nullable=False),
        sa.Column("idempotency_key", sa.String(80), nullable=False),
        sa.Column("reason", sa.String(60), nullable=False),
        sa.Column("remote_addr", sa.String(60), nullable=False),
    )


def downgrade():
    for table in ("partner_rejects", "partner_inbox", "partner_outbox", "partners"):
        op.drop_table(table)
