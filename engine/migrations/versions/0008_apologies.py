"""Apologies (form 04): one per dossier, enforced by a unique key.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "apologies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False, unique=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("original_due_at", UtcDateTime(), nullable=False),
        sa.Column("new_due_at", UtcDateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
    )


def downgrade():
    op.drop_table("apologies")
