"""Refused partner requests are stored as counts per sender address, partner code, reason and
ten minutes (engine/partners/refusals.py), so a flood of forged requests cannot fill the disk.

Revision ID: 0020
Revises: 0019
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partner_rejects", recreate="never") as batch:
        batch.add_column(sa.Column("count", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("last_at", UtcDateTime(), nullable=True))
    op.execute("UPDATE partner_rejects SET last_at = at")
    # Rows written one per request before this may share a key: fold them into one.
    op.execute("""
        DELETE FROM partner_rejects WHERE id NOT IN (
            SELECT MIN(id) FROM partner_rejects GROUP BY remote_addr, partner_code, reason, at)""")
    op.create_index("uq_partner_rejects_bucket", "partner_rejects", ["remote_addr", "partner_code", "reason", "at"],
                    unique=True)


def downgrade():
    op.drop_index("uq_partner_rejects_bucket", table_name="partner_rejects")
    with op.batch_alter_table("partner_rejects", recreate="never") as batch:
        batch.drop_column("last_at")
        batch.drop_column("count")
