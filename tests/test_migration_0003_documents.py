"""Migration 0003 (documents received) keeps existing data, and models and migrations agree."""
from __future__ import annotations

from datetime import datetime, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from engine import migrate
from engine.models import Base
from tests.migration_scratch import drop_scratch, scratch_engine, seed_procedure_version


def test_upgrade_from_0002_keeps_dossiers_and_history(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0002")
        at = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
        with engine.begin() as conn:
            seed_procedure_version(conn, at)
            conn.execute(text(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, "
                "workflow_state, serializer_version, revision) VALUES (1, '000.31.21.H56-261123-0001', 1, 1, 2, 1, "
                "'Nguyễn Văn An', '', '', '', '', :at, '{}', '1.5', 1)"), {"at": at})
            conn.execute(text("INSERT INTO audit_events (dossier_id, at, action, status_after, detail) "
                              "VALUES (1, :at, 'received', 2, '{}')"), {"at": at})

        migrate.upgrade(engine, "0003")

        assert migrate.current(engine) == "0003"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT code, applicant_name FROM dossiers")).all() == [
                ("000.31.21.H56-261123-0001", "Nguyễn Văn An")]
            assert conn.execute(text("SELECT action FROM audit_events")).scalars().all() == ["received"]
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO dossier_documents (dossier_id, name, kind, count, created_at) "
                              "VALUES (1, 'Tờ khai', 'original', 1, :at)"), {"at": at})
        columns = {c["name"] for c in inspect(engine).get_columns("dossier_documents")}
        assert columns == {"id", "dossier_id", "name", "kind", "count", "created_at"}

        migrate.downgrade(engine, "0002")
        assert "dossier_documents" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM dossiers")).scalar() == 1
    finally:
        drop_scratch(engine)


def test_models_and_migrations_agree(motcua):
    """Autogenerate finds nothing to do on a database migrated to head (on the suite's backend)."""
    with motcua.db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
