"""Documents received with a dossier (the list on the receipt, form 01).

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dossier_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("count", sa.SmallInteger, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_dossier_documents_dossier", "dossier_documents", ["dossier_id", "id"])


def downgrade():
    op.drop_index("ix_dossier_documents_dossier", table_name="dossier_documents")
    op.drop_table("dossier_documents")
