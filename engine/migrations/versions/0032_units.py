"""Units inside an agency (phòng, ban, bộ phận), the roles (lanes) each answers for, the unit a
membership names, their history, and the index statistics by unit read an agency's steps through.

Revision ID: 0032
Revises: 0031
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("name_en", sa.String(255), nullable=False),
        sa.UniqueConstraint("agency_id", "code"),
    )
    op.create_table(
        "unit_roles",
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("role", sa.String(60), primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
    )
    op.create_index("ix_unit_roles_unit_id", "unit_roles", ["unit_id"])
    op.create_table(
        "unit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_unit_events_agency", "unit_events", ["agency_id", "id"])
    # SQLite cannot add a foreign key to a table: the batch copies the (small) memberships table.
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("unit_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_memberships_unit_id", "units", ["unit_id"], ["id"])
    op.create_index("ix_work_items_agency_created", "work_items", ["agency_id", "created_at"],
                    postgresql_include=["role", "state", "due_at", "finished_at"])


def downgrade():
    op.drop_index("ix_work_items_agency_created", "work_items")
    with op.batch_alter_table("memberships") as batch:
        batch.drop_constraint("fk_memberships_unit_id", type_="foreignkey")
        batch.drop_column("unit_id")
    op.drop_index("ix_unit_events_agency", "unit_events")
    op.drop_table("unit_events")
    op.drop_index("ix_unit_roles_unit_id", "unit_roles")
    op.drop_table("unit_roles")
    op.drop_table("units")
