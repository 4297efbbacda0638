"""What publishing a version recorded, as data: the modeller's note and the parts of what changed
(engine/procedures/compare.py, ``SummaryPart``), so the versions' list says them in the reader's
language. ``change_note`` keeps the same in Vietnamese words; versions published before this keep
only those words, shown as written.

Revision ID: 0038
Revises: 0037
"""
from alembic import op
import sqlalchemy as sa

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("procedure_versions", recreate="never") as batch:
        batch.add_column(sa.Column("changes", sa.JSON, nullable=True))


def downgrade():
    with op.batch_alter_table("procedure_versions", recreate="never") as batch:
        batch.drop_column("changes")
