"""When the scheduler last ran, and how its last tick ended: the administrator's start page shows
it (a scheduler that stopped sends no mail, fires no timer and raises no escalation, silently).

Revision ID: 0035
Revises: 0034
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "scheduler_ticks",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("last_started_at", UtcDateTime(), nullable=True),
        sa.Column("last_finished_at", UtcDateTime(), nullable=True),
        sa.Column("last_failed_at", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
    )
    # The one row every scheduler updates (no insert race between two schedulers).
    op.bulk_insert(table, [{"name": "scheduler"}])


def downgrade():
    op.drop_table("scheduler_ticks")
