"""Electronic results: a dossier's signed result document and its verification token.

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "result_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("signer", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_result_documents_dossier_id", "result_documents", ["dossier_id"])


def downgrade():
    op.drop_table("result_documents")
