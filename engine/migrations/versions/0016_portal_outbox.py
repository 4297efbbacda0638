"""The national portal's outbox: one sync record per status change of a dossier.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portal_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("audit_upto", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.Column("dead_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_portal_outbox_dossier_id", "portal_outbox", ["dossier_id"])
    op.create_index("ix_portal_outbox_next_attempt_at", "portal_outbox", ["next_attempt_at"])
    op.create_index("ix_portal_outbox_dead_at", "portal_outbox", ["dead_at"])


def downgrade():
    op.drop_table("portal_outbox")
