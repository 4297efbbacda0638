"""The dossier list asks, of each dossier it walks newest first, whether one of its keys starts
with the searched text: an index on (dossier_id, key) answers that in one probe, where the index
on dossier_id alone (which it replaces) made PostgreSQL prefer a walk of every key starting with
the text, once per dossier (docs/PERFORMANCE.md, the dossier list).

Revision ID: 0036
Revises: 0035
"""
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_dossier_search_keys_dossier_key", "dossier_search_keys", ["dossier_id", "key"])
    op.drop_index("ix_dossier_search_keys_dossier_id", table_name="dossier_search_keys")


def downgrade():
    op.create_index("ix_dossier_search_keys_dossier_id", "dossier_search_keys", ["dossier_id"])
    op.drop_index("ix_dossier_search_keys_dossier_key", table_name="dossier_search_keys")
