"""Citizens' ratings of the service after the result was returned (one per dossier).

Revision ID: 0029
Revises: 0028
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "service_ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False, unique=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("citizen_id", sa.Integer, sa.ForeignKey("citizens.id"), nullable=False),
        sa.Column("score", sa.SmallInteger, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_service_ratings_agency", "service_ratings", ["agency_id", "created_at"])


def downgrade():
    op.drop_index("ix_service_ratings_agency", "service_ratings")
    op.drop_table("service_ratings")
