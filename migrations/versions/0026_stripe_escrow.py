"""Stripe's webhook events (market), escrow refunds and a termination's refund (bidding)

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stripeevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("stripe_created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stripeevent")),
        sa.UniqueConstraint("event_id", name=op.f("uq_stripeevent_event_id")),
    )
    op.create_table(
        "escrowrefund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.String(length=64), nullable=True),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_escrowrefund_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["contractpayment.id"],
            name=op.f("fk_escrowrefund_payment_id_contractpayment"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user.id"],
            name=op.f("fk_escrowrefund_created_by_user_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escrowrefund")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_escrowrefund_refund_id")),
    )
    with op.batch_alter_table("escrowrefund", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escrowrefund_contract_id"), ["contract_id"], unique=False
        )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("termination_refund_fen", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("termination_refund_fen")
    with op.batch_alter_table("escrowrefund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escrowrefund_contract_id"))
    op.drop_table("escrowrefund")
    op.drop_table("stripeevent")
