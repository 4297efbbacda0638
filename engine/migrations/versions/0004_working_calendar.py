"""Working-time calendar: holiday exceptions per calendar, and each agency's calendar and hours.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_days",
        sa.Column("calendar_code", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("is_working", sa.Boolean, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
    )
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("calendar_code", sa.String(40), nullable=False, server_default="VN"))
        batch.add_column(sa.Column("office_hours", sa.String(80), nullable=False,
                                   server_default="07:00-11:30,13:30-17:00"))


def downgrade():
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("office_hours")
        batch.drop_column("calendar_code")
    op.drop_table("calendar_days")
