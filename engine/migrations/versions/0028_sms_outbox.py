"""Text messages to citizens, queued with their cause and sent once by the scheduler.

Revision ID: 0028
Revises: 0027
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedupe_key", sa.String(120), nullable=False, unique=True),
        sa.Column("to_number", sa.String(20), nullable=False),
        sa.Column("body", sa.String(480), nullable=False),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("operator_id", sa.String(80), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_sms_outbox_next_attempt_at", "sms_outbox", ["next_attempt_at"])


def downgrade():
    op.drop_index("ix_sms_outbox_next_attempt_at", "sms_outbox")
    op.drop_table("sms_outbox")
