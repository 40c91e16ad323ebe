"""the double-entry ledger (market) and contract payments (bidding)

Revision ID: 0025
Revises: 0020
Create Date: 2026-11-29 14:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledgertransaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("external_ref", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["user.id"], name=op.f("fk_ledgertransaction_actor_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledgertransaction")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledgertransaction_idempotency_key")),
    )
    with op.batch_alter_table("ledgertransaction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledgertransaction_reference"), ["reference"], unique=False
        )

    op.create_table(
        "ledgerentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["ledgertransaction.id"],
            name=op.f("fk_ledgerentry_transaction_id_ledgertransaction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledgerentry")),
    )
    with op.batch_alter_table("ledgerentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledgerentry_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledgerentry_reference"), ["reference"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ledgerentry_transaction_id"), ["transaction_id"], unique=False
        )

    op.create_table(
        "contractpayment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("payment_intent_id", sa.String(length=64), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("succeeded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded_fen", sa.BigInteger(), nullable=False),
        sa.Column("means", sa.String(length=16), nullable=True),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_user_id"],
            ["user.id"],
            name=op.f("fk_contractpayment_confirmed_by_user_id_user"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contractpayment_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user.id"],
            name=op.f("fk_contractpayment_created_by_user_id_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractpayment")),
        sa.UniqueConstraint("payment_intent_id", name=op.f("uq_contractpayment_payment_intent_id")),
    )
    with op.batch_alter_table("contractpayment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contractpayment_contract_id"), ["contract_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contractpayment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractpayment_contract_id"))

    op.drop_table("contractpayment")
    with op.batch_alter_table("ledgerentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledgerentry_transaction_id"))
        batch_op.drop_index(batch_op.f("ix_ledgerentry_reference"))
        batch_op.drop_index(batch_op.f("ix_ledgerentry_account"))

    op.drop_table("ledgerentry")
    with op.batch_alter_table("ledgertransaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledgertransaction_reference"))

    op.drop_table("ledgertransaction")
