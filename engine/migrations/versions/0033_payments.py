"""Online payments of fees through the payment gateway, and the log of its notices.

Revision ID: 0033
Revises: 0032
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UtcDateTime

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dossier_id", sa.Integer, sa.ForeignKey("dossiers.id"), nullable=False),
        sa.Column("citizen_id", sa.Integer, sa.ForeignKey("citizens.id"), nullable=True),
        sa.Column("txn_ref", sa.String(64), nullable=False, unique=True),
        sa.Column("amount_vnd", sa.BigInteger, nullable=False),
        sa.Column("order_info", sa.String(255), nullable=False),
        sa.Column("step_id", sa.String(255), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("response_code", sa.String(8), nullable=True),
        sa.Column("transaction_no", sa.String(64), nullable=True),
        sa.Column("bank_code", sa.String(32), nullable=True),
        sa.Column("pay_date", sa.String(14), nullable=True),
        sa.Column("receipt_number", sa.String(40), nullable=True, unique=True),
    )
    op.create_index("ix_payments_dossier", "payments", ["dossier_id", "id"])
    op.create_table(
        "payment_notices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("txn_ref", sa.String(64), nullable=False),
        sa.Column("answer", sa.String(2), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("client_address", sa.String(45), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
    )
    op.create_index("ix_payment_notices_received_at", "payment_notices", ["received_at"])


def downgrade():
    op.drop_index("ix_payment_notices_received_at", "payment_notices")
    op.drop_table("payment_notices")
    op.drop_index("ix_payments_dossier", "payments")
    op.drop_table("payments")
