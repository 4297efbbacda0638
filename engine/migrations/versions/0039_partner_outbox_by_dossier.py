"""The partner outbox by dossier: whether a dossier still has a message waiting for a partner's
acknowledgement is asked when its result goes to a partner and at each acknowledgement
(engine/commands/partners.py); without this index that question read the whole outbox.

Revision ID: 0039
Revises: 0038
"""
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_partner_outbox_dossier_id", "partner_outbox", ["dossier_id"])


def downgrade():
    op.drop_index("ix_partner_outbox_dossier_id", table_name="partner_outbox")
