"""Online applications (drafts, then the dossier they became) and their uploaded files.

Revision ID: 0027
Revises: 0026
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "online_applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("citizen_id", sa.Integer, sa.ForeignKey("citizens.id"), nullable=False),
        sa.Column("procedure_id", sa.Integer, sa.ForeignKey("procedures.id"), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=True),
    )
    op.create_index("ix_online_applications_citizen", "online_applications", ["citizen_id", "submitted_at"])
    op.create_index("ix_online_applications_dossier_id", "online_applications", ["dossier_id"])
    op.create_table(
        "application_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("application_id", sa.Integer, sa.ForeignKey("online_applications.id"), nullable=False),
        sa.Column("document_name", sa.String(500), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_application_files_application", "application_files", ["application_id", "id"])


def downgrade():
    op.drop_index("ix_application_files_application", "application_files")
    op.drop_table("application_files")
    op.drop_index("ix_online_applications_dossier_id", "online_applications")
    op.drop_index("ix_online_applications_citizen", "online_applications")
    op.drop_table("online_applications")
