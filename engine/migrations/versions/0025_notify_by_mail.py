"""Officers choose whether notices of their work also come by mail (on unless they turn it off).

Revision ID: 0025
Revises: 0024
"""
from alembic import op
import sqlalchemy as sa

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(sa.Column("notify_by_mail", sa.Boolean, nullable=False, server_default=sa.text("true")))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("notify_by_mail")
