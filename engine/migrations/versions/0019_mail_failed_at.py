"""Mail the outbox gave up on carries when it was given up, so administrators can list it
(/admin/mail) with its reason; rows given up before this keep NULL and are found by their state.

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mail_outbox", recreate="never") as batch:
        batch.add_column(sa.Column("failed_at", UtcDateTime(), nullable=True))
    op.create_index("ix_mail_outbox_failed_at", "mail_outbox", ["failed_at"])
    # Earlier give-ups (neither sent nor due) join the list at the time of their creation.
    op.execute("UPDATE mail_outbox SET failed_at = created_at "
               "WHERE sent_at IS NULL AND next_attempt_at IS NULL")


def downgrade():
    op.drop_index("ix_mail_outbox_failed_at", table_name="mail_outbox")
    with op.batch_alter_table("mail_outbox", recreate="never") as batch:
        batch.drop_column("failed_at")
