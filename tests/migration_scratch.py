"""What the migration tests share: a database of their own at no revision (the shared test schema
must stay at head for the other tests), timestamps bound as the models store them, and the rows
every old schema needs before a dossier (an agency, a procedure and its first version)."""
from __future__ import annotations

from sqlalchemy import bindparam, create_engine, text

from conftest import TEST_DATABASE_URL
from engine.bootstrap import Motcua
from engine.config import Settings
from engine.models import UtcDateTime

SCHEMA = "migration_scratch_test"


def scratch_engine(tmp_path):
    if TEST_DATABASE_URL:
        admin = create_engine(TEST_DATABASE_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        admin.dispose()
        return create_engine(TEST_DATABASE_URL, connect_args={"options": f"-csearch_path={SCHEMA}"})
    return Motcua(Settings(database_url=f"sqlite:///{tmp_path / 'upgrade.sqlite'}")).db


def drop_scratch(engine) -> None:
    engine.dispose()
    if TEST_DATABASE_URL:
        admin = create_engine(TEST_DATABASE_URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


def timed(sql: str, *names: str):
    """Raw SQL whose named parameters are timestamps, stored as the models store them."""
    return text(sql).bindparams(*(bindparam(name, type_=UtcDateTime()) for name in names))


def seed_procedure_version(conn, deployed_at) -> None:
    """Agency 1 (a commune in Hà Nội's time zone), procedure 1 and its version 1: the same columns
    in every schema these tests start from."""
    conn.execute(text("INSERT INTO agencies (id, code, name, kind, area_code, timezone) VALUES "
                      "(1, '000.31.21.H56', 'UBND xã Tân Phong', 'commune_committee', 'H56.TP', 'Asia/Ho_Chi_Minh')"))
    conn.execute(text("INSERT INTO procedures (id, key, name, national_code) VALUES (1, 'p', 'Thủ tục', '')"))
    conn.execute(timed(
        "INSERT INTO procedure_versions (id, procedure_id, number, content_sha256, filename, bpmn_xml, forms, "
        "manifest, spec_json, deployed_at, deployed_by) VALUES (1, 1, 1, 'x', 'p.bpmn', '<x/>', '{}', '{}', "
        "'{}', :at, 'test')", "at"), {"at": deployed_at})
