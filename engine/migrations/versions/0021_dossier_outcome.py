"""Statistics at provincial scale: each finished dossier keeps its class (``outcome``: early, on
time, late, withdrawn, stopped, refused, no time limit), so a period's figures are counted by the
database; and an index on (agency, reception) for one agency's period, carrying (on PostgreSQL)
the columns the figures count so they are read from the index alone. Dossiers already finished
get their outcome here, by the same rule the commands use (engine/statistics/verdict.py).

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossiers", recreate="never") as batch:
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=True))
    op.create_index("ix_dossiers_agency_received", "dossiers", ["agency_id", "received_at"],
                    postgresql_include=["finished_at", "status", "original_due_at", "outcome", "channel"])
    from engine.statistics.outcomes import backfill_outcomes
    backfill_outcomes(op.get_bind())


def downgrade():
    op.drop_index("ix_dossiers_agency_received", table_name="dossiers")
    with op.batch_alter_table("dossiers", recreate="never") as batch:
        batch.drop_column("outcome")
