"""Dossiers found by the end of their code: the day and number an officer reads off a receipt
("261204-0004") and the number alone ("0004") join the search keys of every dossier already
received (engine/folding.py ``code_keys``; new dossiers get them when they are written).

Revision ID: 0040
Revises: 0039
"""
from alembic import op
import sqlalchemy as sa

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

BATCH = 5000


def _tails(code: str) -> list[str]:
    from engine.folding import code_keys
    return code_keys(code)[1:]  # the whole code is a key already


def _each_batch():
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT id, code, agency_id FROM dossiers WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        yield conn, rows
        last = rows[-1].id


def upgrade():
    for conn, rows in _each_batch():
        keys = [{"key": key, "id": row.id, "agency": row.agency_id} for row in rows for key in _tails(row.code)]
        if keys:
            # A name's tail or an ID number may already be the same text ("0004"): a key is there once.
            conn.execute(sa.text("INSERT INTO dossier_search_keys (key, dossier_id, agency_id) "
                                 "VALUES (:key, :id, :agency) ON CONFLICT DO NOTHING"), keys)


def downgrade():
    for conn, rows in _each_batch():
        keys = [{"key": key, "id": row.id} for row in rows for key in _tails(row.code)]
        if keys:
            conn.execute(sa.text("DELETE FROM dossier_search_keys WHERE dossier_id = :id AND key = :key"), keys)
