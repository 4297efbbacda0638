"""Work items keep their warning moment (``warn_at``): the inbox's "due soon" tab and row marks
use it, the same rule as the scheduler's warning.

Open items are backfilled from what the scheduler knows: a warning not yet sent is still their
``next_escalation_at``; once sent, that column moved on to the due time, and the warning's own
escalation row says when it went out. Items with neither (none in practice) get their due time:
never "due soon", only overdue.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("warn_at", UtcDateTime(), nullable=True))
    op.execute(
        "UPDATE work_items SET warn_at = CASE "
        "WHEN next_escalation_at < due_at THEN next_escalation_at "
        "ELSE COALESCE((SELECT min(e.created_at) FROM escalations e "
        "               WHERE e.work_item_id = work_items.id AND e.level = 'warning'), due_at) END "
        "WHERE state = 'open' AND due_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table("work_items") as batch:
        batch.drop_column("warn_at")
