"""Statistics by unit at provincial scale: each ended step keeps its class (``outcome``: early, on
time, late, cancelled, no time limit), as each finished dossier does (0021), so the database counts
a period's steps; the index statistics by unit read carries it (on PostgreSQL) so they are counted
from the index alone. Steps already ended get their outcome here, by the same rule the commands use
(engine/statistics/steps.py, step_outcome). That rewrites every ended step: on a large PostgreSQL
database, ``VACUUM ANALYZE work_items`` and ``REINDEX TABLE work_items`` afterwards give back
index-only scans at once and the indexes their size (docs/PERFORMANCE.md).

Revision ID: 0037
Revises: 0036
"""
from alembic import op
import sqlalchemy as sa

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("work_items", recreate="never") as batch:
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=True))
    if postgresql:  # built again after the backfill: one build instead of an entry per updated step
        op.drop_index("ix_work_items_agency_created", table_name="work_items")
    from engine.statistics.outcomes import backfill_step_outcomes
    backfill_step_outcomes(op.get_bind())
    if postgresql:  # SQLite's index is (agency_id, created_at) either way: it carries no columns
        op.create_index("ix_work_items_agency_created", "work_items", ["agency_id", "created_at"],
                        postgresql_include=["role", "state", "due_at", "finished_at", "outcome"])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_work_items_agency_created", table_name="work_items")
        op.create_index("ix_work_items_agency_created", "work_items", ["agency_id", "created_at"],
                        postgresql_include=["role", "state", "due_at", "finished_at"])
    with op.batch_alter_table("work_items", recreate="never") as batch:
        batch.drop_column("outcome")
