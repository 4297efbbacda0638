"""A revision on each agency naming its working calendar as it stands, kept by triggers.

Commands cache an agency's working calendar per process (engine/calendar/store.py) instead of
reading every calendar day for each step's due date. The cache is keyed by this value, which
changes whenever a calendar day of the agency's calendar is added, changed or removed, by any
process or any SQL: so another process sees an administrator's change on its next command.
The value is random, not counted, so that a reset or restored database under the same URL never
repeats a value that stood for other days.

Revision ID: 0031
Revises: 0030
"""
from alembic import op
import sqlalchemy as sa

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

PG_RANDOM = "floor(random() * 4611686018427387904)::bigint"

PG_TRIGGERS = f"""
CREATE FUNCTION calendar_days_new_revision() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE agencies SET calendar_revision = {PG_RANDOM} WHERE calendar_code = OLD.calendar_code;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE agencies SET calendar_revision = {PG_RANDOM} WHERE calendar_code = NEW.calendar_code;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER calendar_days_revision AFTER INSERT OR UPDATE OR DELETE ON calendar_days
    FOR EACH ROW EXECUTE FUNCTION calendar_days_new_revision();
"""

SQLITE_TRIGGERS = [
    # An agency inserted by plain SQL without a value (the ORM gives one) gets a random one.
    "CREATE TRIGGER agencies_first_revision AFTER INSERT ON agencies WHEN NEW.calendar_revision = 0 "
    "BEGIN UPDATE agencies SET calendar_revision = random() WHERE id = NEW.id; END",
    "CREATE TRIGGER calendar_days_revision_insert AFTER INSERT ON calendar_days "
    "BEGIN UPDATE agencies SET calendar_revision = random() WHERE calendar_code = NEW.calendar_code; END",
    "CREATE TRIGGER calendar_days_revision_update AFTER UPDATE ON calendar_days "
    "BEGIN UPDATE agencies SET calendar_revision = random() "
    "WHERE calendar_code IN (OLD.calendar_code, NEW.calendar_code); END",
    "CREATE TRIGGER calendar_days_revision_delete AFTER DELETE ON calendar_days "
    "BEGIN UPDATE agencies SET calendar_revision = random() WHERE calendar_code = OLD.calendar_code; END",
]
SQLITE_TRIGGER_NAMES = ["agencies_first_revision", "calendar_days_revision_insert",
                        "calendar_days_revision_update", "calendar_days_revision_delete"]


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column("agencies", sa.Column("calendar_revision", sa.BigInteger, nullable=False,
                                        server_default=sa.text("0")))
    if postgres:
        # Plain-SQL inserts get a random value too (the model's server default stays "0" for
        # the comparison with the models; this one is what the database applies).
        op.execute(f"ALTER TABLE agencies ALTER COLUMN calendar_revision SET DEFAULT {PG_RANDOM}")
        op.execute(f"UPDATE agencies SET calendar_revision = {PG_RANDOM}")
        op.execute(PG_TRIGGERS)
    else:
        op.execute("UPDATE agencies SET calendar_revision = random()")
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER calendar_days_revision ON calendar_days")
        op.execute("DROP FUNCTION calendar_days_new_revision()")
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("calendar_revision")
