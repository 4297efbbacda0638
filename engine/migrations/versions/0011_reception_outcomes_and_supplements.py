"""Form 02 requests (guidance at reception, supplements during processing), when a result was
returned, and the apology's late flag.

``returned_at`` is backfilled for dossiers already returned (status 10) from their ``finished_at``,
which was the moment they were returned until result-ready (9) began to end processing.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "supplement_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("stage", sa.String(12), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("procedure_id", sa.Integer, sa.ForeignKey("procedures.id"), nullable=False),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=True),
        sa.Column("applicant_name", sa.String(255), nullable=False),
        sa.Column("applicant_id_number", sa.String(40), nullable=False),
        sa.Column("applicant_address", sa.String(500), nullable=False),
        sa.Column("applicant_phone", sa.String(40), nullable=False),
        sa.Column("applicant_email", sa.String(255), nullable=False),
        sa.Column("missing", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("requested_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("step_id", sa.String(120), nullable=True),
        sa.Column("step_name", sa.String(255), nullable=True),
        sa.Column("outside_window", sa.Boolean, nullable=False),
        sa.Column("fulfilled_at", UtcDateTime(), nullable=True),
        sa.Column("fulfilled_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("fulfilled_dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=True),
    )
    op.create_index("ix_supplement_requests_id_number", "supplement_requests", ["applicant_id_number", "requested_at"])
    op.create_index("ix_supplement_requests_dossier", "supplement_requests", ["dossier_id", "id"])
    op.create_index("ix_supplement_requests_agency", "supplement_requests", ["agency_id", "requested_at"])
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("returned_at", UtcDateTime(), nullable=True))
    op.execute("UPDATE dossiers SET returned_at = finished_at WHERE status = 10")
    with op.batch_alter_table("apologies") as batch:
        batch.add_column(sa.Column("issued_late", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("apologies") as batch:
        batch.drop_column("issued_late")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("returned_at")
    op.drop_table("supplement_requests")
