"""Citizens' sign-ins kept on the server like officers' logins: a session row belongs to an
officer (user_id) or to a citizen (citizen_id), exactly one (engine/commands/sessions.py).

Revision ID: 0034
Revises: 0033
"""
from alembic import op
import sqlalchemy as sa

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite cannot change a column's nullability in place: the batch copies the table.
    with op.batch_alter_table("user_sessions") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer, nullable=True)
        batch.add_column(sa.Column("citizen_id", sa.Integer, sa.ForeignKey("citizens.id",
                                   name="fk_user_sessions_citizen_id"), nullable=True))
        batch.create_index("ix_user_sessions_citizen_id", ["citizen_id"])
        batch.create_check_constraint("ck_user_sessions_one_holder", "(user_id IS NULL) <> (citizen_id IS NULL)")


def downgrade():
    op.execute("DELETE FROM user_sessions WHERE citizen_id IS NOT NULL")
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_constraint("ck_user_sessions_one_holder", type_="check")
        batch.drop_index("ix_user_sessions_citizen_id")
        batch.drop_constraint("fk_user_sessions_citizen_id", type_="foreignkey")
        batch.drop_column("citizen_id")
        batch.alter_column("user_id", existing_type=sa.Integer, nullable=False)
