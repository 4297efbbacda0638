"""The inbox at scale: an index for the "done" tab, and statistics the planner needs.

Revision ID: 0006
Revises: 0005

- ``ix_work_items_finisher``: the "done" tab reads the 25 items an officer finished last by a
  backward scan, instead of every done item of the officer's units.
- PostgreSQL extended statistics. The planner assumes columns independent, and two pairs are not:
  open items are where the unclaimed (assignee NULL) ones are, and an officer finishes work only
  in their own unit. Without them it underestimates both by ~40-100x and picks the wrong plan:
  the unclaimed tab of someone in several units walked every unclaimed item of every agency, and
  the "done" tab sorted the officer's whole history (bench/inbox_bench.py, docs/PERFORMANCE.md).
  ANALYZE fills them; SQLite has no such thing and needs none.
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

STATISTICS = {
    "st_work_items_state_assignee": "(mcv) ON state, assignee_id",
    "st_work_items_finisher_unit": "(dependencies) ON finished_by_id, agency_id, role",
}


def upgrade():
    op.create_index("ix_work_items_finisher", "work_items", ["finished_by_id", "state", "finished_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        for name, definition in STATISTICS.items():
            op.execute(f"CREATE STATISTICS {name} {definition} FROM work_items")
        op.execute("ANALYZE work_items")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in STATISTICS:
            op.execute(f"DROP STATISTICS {name}")
    op.drop_index("ix_work_items_finisher", "work_items")
