"""Migration 0023 folds the names of dossiers already there, so the dossier list finds them too."""
from __future__ import annotations

from sqlalchemy import text

from engine import migrate
from tests.test_migration_0012_dossier_states import AT, _seed
from tests.migration_scratch import drop_scratch, scratch_engine


def test_upgrade_folds_existing_names_and_writes_their_keys(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0022")
        with engine.begin() as conn:
            _seed(conn, "")
            for n, name in ((1, "Nguyễn Văn Ân"), (2, "ĐỖ  THỊ HÀ")):
                conn.execute(text(
                    "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                    "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, revision) "
                    "VALUES (:n, :code, 1, 1, 2, 1, :name, '', '', '', '', :at, 0)"),
                    {"n": n, "code": f"000.31.21.H56-261123-000{n}", "at": AT, "name": name})
        migrate.upgrade(engine, "0023")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT search_name FROM dossiers ORDER BY id")).scalars().all() == [
                "nguyen van an", "do thi ha"]
            keys = conn.execute(text("SELECT dossier_id, key FROM dossier_name_keys ORDER BY dossier_id, key")).all()
            assert [tuple(k) for k in keys] == [(1, "an"), (1, "nguyen van an"), (1, "van an"),
                                                (2, "do thi ha"), (2, "ha"), (2, "thi ha")]
        migrate.downgrade(engine, "0022")
        migrate.upgrade(engine)
    finally:
        drop_scratch(engine)


def test_upgrade_to_0024_adds_code_and_id_keys_and_the_agencies_with_a_step(tmp_path):
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0023")
        with engine.begin() as conn:
            _seed(conn, "")
            conn.execute(text("INSERT INTO agencies (id, code, name, kind, area_code, timezone) VALUES "
                              "(2, '000.32.21.H56', 'Công an xã', 'commune_police', 'H56.TP', 'Asia/Ho_Chi_Minh')"))
            conn.execute(text(
                "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, revision, "
                "search_name) VALUES (1, '000.31.21.H56-261123-0001', 1, 1, 4, 1, 'Lê An', '001099000123', '', '', "
                "'', :at, 0, 'le an')"), {"at": AT})
            for item, agency in ((1, 1), (2, 2), (3, 2)):
                conn.execute(text(
                    "INSERT INTO work_items (id, task_id, dossier_id, agency_id, role, step_id, step_name, state, "
                    "created_at, allotment) VALUES (:id, :task, 1, :agency, 'specialist', 's', 'Bước', 'done', :at, '')"),
                    {"id": item, "task": f"t{item}", "agency": agency, "at": AT})
        migrate.upgrade(engine, "0024")
        with engine.connect() as conn:
            keys = conn.execute(text("SELECT key FROM dossier_search_keys ORDER BY key")).scalars().all()
            assert keys == ["000.31.21.h56-261123-0001", "001099000123", "an", "le an"]
            assert [tuple(r) for r in conn.execute(text("SELECT agency_id, dossier_id FROM dossier_step_agencies"))] \
                == [(2, 1)]
        migrate.downgrade(engine, "0023")
        migrate.upgrade(engine)
    finally:
        drop_scratch(engine)


def test_upgrade_to_0040_finds_dossiers_already_there_by_the_end_of_their_code(tmp_path):
    """The day and number read off a receipt ("261123-0001"), and the number alone, become keys of
    the dossiers received before; a downgrade takes them away again."""
    engine = scratch_engine(tmp_path)
    try:
        migrate.upgrade(engine, "0039")
        with engine.begin() as conn:
            _seed(conn, "")
            for n, code in ((1, "000.31.21.H56-261123-0001"), (2, "BHXH-A7")):  # the second: a partner's code
                conn.execute(text(
                    "INSERT INTO dossiers (id, code, agency_id, procedure_version_id, status, channel, applicant_name, "
                    "applicant_id_number, applicant_address, applicant_phone, applicant_email, received_at, revision, "
                    "search_name, supplement_count) VALUES (:n, :code, 1, 1, 4, 1, 'Lê An', '', '', '', '', :at, 0, "
                    "'le an', 0)"), {"n": n, "code": code, "at": AT})
                conn.execute(text("INSERT INTO dossier_search_keys (key, dossier_id, agency_id) VALUES "
                                  "(:key, :n, 1), ('le an', :n, 1), ('an', :n, 1)"), {"key": code.lower(), "n": n})

        def keys():
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(
                    "SELECT dossier_id, key FROM dossier_search_keys ORDER BY dossier_id, key"))]

        before = keys()
        migrate.upgrade(engine, "0040")
        assert keys() == sorted(before + [(1, "0001"), (1, "261123-0001")])
        migrate.downgrade(engine, "0039")
        assert keys() == before
        migrate.upgrade(engine)
    finally:
        drop_scratch(engine)
