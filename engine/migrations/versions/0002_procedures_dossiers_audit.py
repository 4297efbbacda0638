"""Procedures and their versions, dossiers, work items and the append-only audit.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AUDIT_GUARD_PG = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""


def upgrade():
    op.create_table(
        "procedures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("national_code", sa.String(40), nullable=False),
    )
    op.create_table(
        "procedure_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("procedure_id", sa.Integer, sa.ForeignKey("procedures.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("bpmn_xml", sa.Text, nullable=False),
        sa.Column("forms", sa.JSON, nullable=False),
        sa.Column("manifest", sa.JSON, nullable=False),
        sa.Column("spec_json", sa.Text, nullable=False),
        sa.Column("deployed_at", UtcDateTime(), nullable=False),
        sa.Column("deployed_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("procedure_id", "number"),
        sa.UniqueConstraint("procedure_id", "content_sha256"),
    )
    op.create_table(
        "dossier_code_sequences",
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), primary_key=True),
        sa.Column("day", sa.String(6), primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(80), nullable=False, unique=True),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("procedure_version_id", sa.Integer, sa.ForeignKey("procedure_versions.id"), nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("channel", sa.SmallInteger, nullable=False),
        sa.Column("applicant_name", sa.String(255), nullable=False),
        sa.Column("applicant_id_number", sa.String(40), nullable=False),
        sa.Column("applicant_address", sa.String(500), nullable=False),
        sa.Column("applicant_phone", sa.String(40), nullable=False),
        sa.Column("applicant_email", sa.String(255), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("failure", sa.Text, nullable=True),
        sa.Column("workflow_state", sa.Text, nullable=False),
        sa.Column("serializer_version", sa.String(10), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
    )
    op.create_index("ix_dossiers_agency_id", "dossiers", ["agency_id"])
    op.create_table(
        "work_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.String(36), nullable=False, unique=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("step_id", sa.String(120), nullable=False),
        sa.Column("step_name", sa.String(255), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("assignee_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("claimed_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("finished_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_work_items_unit_queue", "work_items", ["agency_id", "role", "state", "due_at"])
    op.create_index("ix_work_items_assignee_queue", "work_items", ["assignee_id", "state", "due_at"])
    op.create_index("ix_work_items_dossier", "work_items", ["dossier_id", "state"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("step_id", sa.String(120), nullable=True),
        sa.Column("step_name", sa.String(255), nullable=True),
        sa.Column("status_before", sa.SmallInteger, nullable=True),
        sa.Column("status_after", sa.SmallInteger, nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_events_dossier", "audit_events", ["dossier_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(AUDIT_GUARD_PG)
    else:
        op.execute("CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
        op.execute("CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                   "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_update ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    op.drop_table("audit_events")
    op.drop_table("work_items")
    op.drop_table("dossiers")
    op.drop_table("dossier_code_sequences")
    op.drop_table("procedure_versions")
    op.drop_table("procedures")
