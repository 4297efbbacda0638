"""Agencies, users and their roles in agencies.

Revision ID: 0001
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("area_code", sa.String(40), nullable=False),
        sa.Column("timezone", sa.String(60), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("full_name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("locale", sa.String(10), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.UniqueConstraint("user_id", "agency_id", "role"),
    )
    op.create_index("ix_memberships_agency_id", "memberships", ["agency_id"])


def downgrade():
    op.drop_table("memberships")
    op.drop_table("users")
    op.drop_table("agencies")
