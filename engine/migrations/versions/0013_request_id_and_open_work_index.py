"""Audit rows carry the request (or scheduler tick) id that wrote them; open work gets a partial
index by due time for the metrics' open and overdue counts.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", recreate="never") as batch:
        batch.add_column(sa.Column("request_id", sa.String(64), nullable=True))
    op.create_index("ix_work_items_open_due", "work_items", ["due_at"],
                    postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))


def downgrade():
    op.drop_index("ix_work_items_open_due", table_name="work_items")
    with op.batch_alter_table("audit_events", recreate="never") as batch:
        batch.drop_column("request_id")
