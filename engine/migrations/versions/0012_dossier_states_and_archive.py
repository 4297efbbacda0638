"""A dossier's workflow state moves to its own table, and finished parts of it to an archive.

``dossier_states`` holds what was ``dossiers.workflow_state`` / ``serializer_version``: the one
large value every command rewrites. On PostgreSQL the table gets a fillfactor of 50 and keeps the
value compressed inside the row (STORAGE MAIN; lz4 when the server was built with it), so that a
rewrite is a HOT update on the same page instead of a new TOAST value plus a new dossier row with
all its index entries. ``workflow_archive`` receives finished loop laps and sub-processes
(engine/runtime/compaction.py). Existing states are copied as they are; they are compacted the
next time a command saves them.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "dossier_states",
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), primary_key=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("serializer_version", sa.String(10), nullable=False),
    )
    if postgres:
        op.execute("ALTER TABLE dossier_states SET (fillfactor = 50)")
        op.execute("ALTER TABLE dossier_states ALTER COLUMN state SET STORAGE MAIN")
        # lz4 is faster than the default pglz; a server built without it keeps pglz.
        op.execute("DO $$ BEGIN ALTER TABLE dossier_states ALTER COLUMN state SET COMPRESSION lz4; "
                   "EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL; END $$")
    op.execute("INSERT INTO dossier_states (dossier_id, state, serializer_version) "
               "SELECT id, workflow_state, serializer_version FROM dossiers")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+) rather than rebuilding ``dossiers``: other tables
    # point at it, and a rebuild's DROP TABLE fails with foreign keys on.
    with op.batch_alter_table("dossiers", recreate="never") as batch:
        batch.drop_column("workflow_state")
        batch.drop_column("serializer_version")

    op.create_table(
        "workflow_archive",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("archived_at", UtcDateTime(), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("serializer_version", sa.String(10), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
    )
    op.create_index("ix_workflow_archive_dossier", "workflow_archive", ["dossier_id", "id"])


def downgrade():
    # The archived parts go back into their states first: the code before this revision reads
    # whole states only.
    _put_archive_back()
    with op.batch_alter_table("dossiers", recreate="never") as batch:
        batch.add_column(sa.Column("workflow_state", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("serializer_version", sa.String(10), nullable=False, server_default=""))
    op.execute("UPDATE dossiers SET workflow_state = (SELECT state FROM dossier_states s WHERE s.dossier_id = dossiers.id), "
               "serializer_version = (SELECT serializer_version FROM dossier_states s WHERE s.dossier_id = dossiers.id) "
               "WHERE id IN (SELECT dossier_id FROM dossier_states)")
    op.drop_index("ix_workflow_archive_dossier", table_name="workflow_archive")
    op.drop_table("workflow_archive")
    op.drop_table("dossier_states")


def _put_archive_back():
    import json

    from engine.runtime.compaction import expand_loops, restore

    bind = op.get_bind()
    dossiers = bind.execute(sa.text("SELECT DISTINCT dossier_id FROM workflow_archive")).scalars().all()
    for dossier_id in dossiers:
        state = bind.execute(sa.text("SELECT state FROM dossier_states WHERE dossier_id = :d"), {"d": dossier_id}).scalar()
        pieces = bind.execute(sa.text("SELECT content FROM workflow_archive WHERE dossier_id = :d ORDER BY id"),
                              {"d": dossier_id}).scalars().all()
        dct = restore(json.loads(state), [json.loads(p) for p in pieces])
        expand_loops(dct)
        bind.execute(sa.text("UPDATE dossier_states SET state = :s WHERE dossier_id = :d"),
                     {"s": json.dumps(dct, separators=(",", ":")), "d": dossier_id})

