"""Clock pauses: when a dossier waits for a supplement or a financial obligation.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("clock_paused_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("supplement_count", sa.Integer, nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("supplement_count")
        batch.drop_column("clock_paused_at")
