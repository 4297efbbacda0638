"""Audit rows carry the dossier's revision after the command that wrote them, so the invariant
checker (engine/invariants.py) can tell a transition saved without its history, or recorded
twice, from a sound dossier. Older rows keep NULL (their dossiers are checked from the first
revision recorded on).

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events", recreate="never") as batch:
        batch.add_column(sa.Column("revision", sa.Integer, nullable=True))


def downgrade():
    with op.batch_alter_table("audit_events", recreate="never") as batch:
        batch.drop_column("revision")
