"""The dossier list: the applicant's name folded for search (accents and case ignored) with a key
per word-starting tail of it, and the indexes the list reads through (newest first, by ID number;
per agency it reads the statistics' index). Existing dossiers are folded here, in batches.

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

SEARCH_TEXT = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")
BATCH = 5000


def upgrade():
    with op.batch_alter_table("dossiers", recreate="never") as batch:
        batch.add_column(sa.Column("search_name", SEARCH_TEXT, nullable=False, server_default=""))
    op.create_table(
        "dossier_name_keys",
        sa.Column("key", SEARCH_TEXT, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), primary_key=True),
    )
    op.create_index("ix_dossier_name_keys_dossier_id", "dossier_name_keys", ["dossier_id"])
    _fold_existing()
    op.create_index("ix_dossiers_received", "dossiers", ["received_at", "id"])
    op.create_index("ix_dossiers_applicant_id_number", "dossiers", ["applicant_id_number"])


def _fold_existing():
    from engine.folding import fold, name_keys
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT id, applicant_name FROM dossiers WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        conn.execute(sa.text("UPDATE dossiers SET search_name = :folded WHERE id = :id"),
                     [{"id": row.id, "folded": fold(row.applicant_name)[:255]} for row in rows])
        keys = [{"key": key[:255], "id": row.id} for row in rows for key in name_keys(row.applicant_name)]
        if keys:
            conn.execute(sa.text("INSERT INTO dossier_name_keys (key, dossier_id) VALUES (:key, :id)"), keys)
        last = rows[-1].id


def downgrade():
    op.drop_index("ix_dossiers_applicant_id_number", table_name="dossiers")
    op.drop_index("ix_dossiers_received", table_name="dossiers")
    op.drop_index("ix_dossier_name_keys_dossier_id", table_name="dossier_name_keys")
    op.drop_table("dossier_name_keys")
    with op.batch_alter_table("dossiers", recreate="never") as batch:
        batch.drop_column("search_name")
