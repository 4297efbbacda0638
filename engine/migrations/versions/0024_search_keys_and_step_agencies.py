"""The dossier list at a million dossiers: search keys hold the code and the ID number beside the
name's tails (dossier_name_keys becomes dossier_search_keys), the agencies with a step on another
agency's dossier get a table of their own to read newest first, and an agency's dossiers get an
index by status.

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

SEARCH_TEXT = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")
BATCH = 5000


def upgrade():
    op.create_table(
        "dossier_search_keys",
        sa.Column("key", SEARCH_TEXT, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), primary_key=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
    )
    _write_keys()
    op.create_index("ix_dossier_search_keys_dossier_id", "dossier_search_keys", ["dossier_id"])
    op.create_index("ix_dossier_search_keys_agency", "dossier_search_keys", ["agency_id", "key"])
    op.drop_index("ix_dossier_name_keys_dossier_id", table_name="dossier_name_keys")
    op.drop_table("dossier_name_keys")
    op.create_table(
        "dossier_step_agencies",
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), primary_key=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO dossier_step_agencies (agency_id, dossier_id, received_at) "
        "SELECT DISTINCT w.agency_id, d.id, d.received_at FROM work_items w JOIN dossiers d ON d.id = w.dossier_id "
        "WHERE w.agency_id <> d.agency_id")
    op.create_index("ix_dossier_step_agencies_received", "dossier_step_agencies",
                    ["agency_id", "received_at", "dossier_id"])
    op.create_index("ix_dossiers_agency_status", "dossiers", ["agency_id", "status", "received_at", "id"])


def _write_keys():
    from engine.folding import fold, name_keys
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT id, applicant_name, code, applicant_id_number, agency_id FROM dossiers "
                                    "WHERE id > :last ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        keys = [{"key": key[:255], "id": row.id, "agency": row.agency_id} for row in rows
                for key in dict.fromkeys(name_keys(row.applicant_name)  # the keys as they were then (0040 adds more)
                                         + [k for k in (fold(row.code), fold(row.applicant_id_number)) if k])]
        if keys:
            conn.execute(sa.text("INSERT INTO dossier_search_keys (key, dossier_id, agency_id) "
                                 "VALUES (:key, :id, :agency)"), keys)
        last = rows[-1].id


def downgrade():
    from engine.folding import name_keys
    op.drop_index("ix_dossiers_agency_status", table_name="dossiers")
    op.drop_index("ix_dossier_step_agencies_received", table_name="dossier_step_agencies")
    op.drop_table("dossier_step_agencies")
    op.create_table(
        "dossier_name_keys",
        sa.Column("key", SEARCH_TEXT, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), primary_key=True),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, applicant_name FROM dossiers")).all()
    keys = [{"key": key[:255], "id": row.id} for row in rows for key in name_keys(row.applicant_name)]
    if keys:
        conn.execute(sa.text("INSERT INTO dossier_name_keys (key, dossier_id) VALUES (:key, :id)"), keys)
    op.create_index("ix_dossier_name_keys_dossier_id", "dossier_name_keys", ["dossier_id"])
    op.drop_index("ix_dossier_search_keys_agency", table_name="dossier_search_keys")
    op.drop_index("ix_dossier_search_keys_dossier_id", table_name="dossier_search_keys")
    op.drop_table("dossier_search_keys")
