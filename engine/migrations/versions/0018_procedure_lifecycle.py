"""The procedure's life for modellers and administrators: which version new dossiers start
(roll-back), retirement, a note of what changed per version, the procedure's own audit, and
drafts.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("procedures", recreate="never") as batch:
        batch.add_column(sa.Column("active_number", sa.Integer, nullable=True))
        batch.add_column(sa.Column("retired_at", UtcDateTime(), nullable=True))
    with op.batch_alter_table("procedure_versions", recreate="never") as batch:
        batch.add_column(sa.Column("change_note", sa.Text, nullable=True))
    op.create_table(
        "procedure_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("procedure_id", sa.Integer, sa.ForeignKey("procedures.id"), nullable=False),
        sa.Column("version_number", sa.Integer, nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_procedure_events_procedure", "procedure_events", ["procedure_id", "id"])
    op.create_table(
        "procedure_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("procedure_key", sa.String(120), nullable=False, unique=True),
        sa.Column("bpmn_xml", sa.Text, nullable=False),
        sa.Column("forms", sa.JSON, nullable=False),
        sa.Column("saved_at", UtcDateTime(), nullable=False),
        sa.Column("saved_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    )


def downgrade():
    op.drop_table("procedure_drafts")
    op.drop_index("ix_procedure_events_procedure", table_name="procedure_events")
    op.drop_table("procedure_events")
    with op.batch_alter_table("procedure_versions", recreate="never") as batch:
        batch.drop_column("change_note")
    with op.batch_alter_table("procedures", recreate="never") as batch:
        batch.drop_column("retired_at")
        batch.drop_column("active_number")
