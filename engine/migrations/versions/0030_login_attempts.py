"""Failed-login counts in the database, so every web process and host shares one brake on
password guessing, counted atomically (engine/commands/login_throttle.py).

Revision ID: 0030
Revises: 0029
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempts",
        sa.Column("username", sa.String(80), primary_key=True),
        sa.Column("address", sa.String(45), primary_key=True),
        sa.Column("window_started_at", UtcDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
    )
    op.create_index("ix_login_attempts_window_started_at", "login_attempts", ["window_started_at"])


def downgrade():
    op.drop_index("ix_login_attempts_window_started_at", "login_attempts")
    op.drop_table("login_attempts")
