"""Deadlines and escalation: due-date bookkeeping, escalations, notifications, mail outbox.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("original_due_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("apology_check_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("apology_issued_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("next_timer_at", UtcDateTime(), nullable=True))
    op.create_index("ix_dossiers_original_due_at", "dossiers", ["original_due_at"])
    op.create_index("ix_dossiers_apology_check_at", "dossiers", ["apology_check_at"])
    op.create_index("ix_dossiers_next_timer_at", "dossiers", ["next_timer_at"])
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("allotment", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("next_escalation_at", UtcDateTime(), nullable=True))
    op.create_index("ix_work_items_next_escalation_at", "work_items", ["next_escalation_at"])
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedupe_key", sa.String(80), nullable=False, unique=True),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("work_item_id", sa.Integer, sa.ForeignKey("work_items.id"), nullable=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("acknowledged_at", UtcDateTime(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_escalations_agency_open", "escalations", ["agency_id", "acknowledged_at", "created_at"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=True),
        sa.Column("escalation_id", sa.Integer, sa.ForeignKey("escalations.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("read_at", UtcDateTime(), nullable=True),
        sa.Column("message_vi", sa.Text, nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
    )
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id", "read_at", "id"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedupe_key", sa.String(120), nullable=False, unique=True),
        sa.Column("to_address", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    op.create_index("ix_mail_outbox_next_attempt_at", "mail_outbox", ["next_attempt_at"])


def downgrade():
    op.drop_table("mail_outbox")
    op.drop_table("notifications")
    op.drop_table("escalations")
    op.drop_index("ix_work_items_next_escalation_at", "work_items")
    with op.batch_alter_table("work_items") as batch:
        batch.drop_column("next_escalation_at")
        batch.drop_column("allotment")
    for name in ("ix_dossiers_next_timer_at", "ix_dossiers_apology_check_at", "ix_dossiers_original_due_at"):
        op.drop_index(name, "dossiers")
    with op.batch_alter_table("dossiers") as batch:
        for column in ("next_timer_at", "apology_issued_at", "apology_check_at", "original_due_at"):
            batch.drop_column(column)
