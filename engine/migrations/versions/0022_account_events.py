"""The history of accounts: created, roles changed, password reset or changed, (de)activated.

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_account_events_user", "account_events", ["user_id", "id"])


def downgrade():
    op.drop_table("account_events")
